// The revert engine: a pull request that reverts a commit, computed by GitHub, without a clone.
//
// One GraphQL query resolves the target and everything the revert needs (its parent tree, the
// default branch's head, reachability, the original pull request, an existing revert). Then, over
// REST: commit X (tree = the target's parent tree, parent = the target); the branch at the head;
// `POST /merges` X into the branch (GitHub's three-way merge, whose base is the target: exactly
// `git revert`); the final single-parent commit with the merged tree; the branch moved to it; the
// pull request; its label and review request. Nine requests at most, whatever the size of the change.
import { isDeepStrictEqual } from "node:util";
import {
  type AlreadyReverted,
  commitSubject,
  conflictFilesFromMessage,
  type Failed,
  isRevertBranchFor,
  manualRevertCommands,
  type Refused,
  type RevertOutcome,
  type RevertTarget,
  ROLLBACK_LABEL,
  revertBranchName,
  revertCommitMessage,
  revertPullRequestBody,
  revertPullRequestTitle,
  shortSha,
} from "../core/revert.js";
import {
  describeFailure as describeTransient,
  type GitHubClient,
  type RepoRef,
  rateLimitWait,
} from "./client.js";
import { statusOf } from "./labels.js";

export type {
  AlreadyReverted,
  Conflict,
  Failed,
  Opened,
  RefusalCode,
  Refused,
  RevertOutcome,
} from "../core/revert.js";

// ---------------------------------------------------------------------------------------------
// Results (the outcomes themselves are pure types, in src/core/revert.ts)

/** The commit to revert and all the revert needs, as `findRevertTarget` read it. */
export interface ResolvedRevert extends RepoRef {
  defaultBranch: string;
  issueNumber: number;
  target: RevertTarget;
  /** `incident-<issue>/revert-<sha7>` */
  branch: string;
  commit: {
    sha: string;
    subject: string;
    url: string;
    /** A merge commit is reverted against its first parent (`git revert -m 1`). */
    isMerge: boolean;
    /** The (first) parent and its tree: the tree the revert brings back. */
    parentSha: string;
    parentTree: string;
  };
  /** The default branch's head when it was read; the revert is computed against it. */
  head: { sha: string; tree: string };
  /** The merged pull request that brought the commit in. */
  pullRequest: {
    number: number;
    title: string;
    url: string;
    author: string | null;
    authorIsBot: boolean;
    /** Whether the commit is the pull request's merge (or squash) commit, so reverting it reverts the PR. */
    whole: boolean;
  } | null;
}

export type FindRevertResult =
  | { kind: "resolved"; revert: ResolvedRevert }
  | AlreadyReverted
  | Refused
  | Failed;

/** What `openRevertPullRequest` (and `rollback`) come to: every `RevertOutcome`. */
export type OpenRevertResult = RevertOutcome;

// ---------------------------------------------------------------------------------------------
// The query

/**
 * Everything about a revert target in one request.
 *
 * Existing reverts, any incident's, are found two ways, because GraphQL cannot search pull
 * requests by a head ref prefix:
 * - `thisIncident`: pull requests whose head is exactly this incident's branch, open or merged
 *   (commit targets only: a PR target's sha is not known before the query). Consistent at once,
 *   labelled or not: this is what makes a retried or redelivered `/rollback` idempotent.
 * - `rollbacks`: the 100 most recent open or merged pull requests labelled `incident/rollback`,
 *   kept when their head is `incident-<any>/revert-<sha7>`: another incident's revert.
 * A revert pull request whose head is this incident's branch but is unlabelled (a run stopped
 * between opening and labelling) is still found for a PR target: creating the branch answers 422
 * and the pull requests of that branch are read (`openRevertPullRequest`). A revert that landed
 * another way (by hand, GitHub's revert button) is caught after the merge: the revert would change
 * nothing, and is refused as `nothing-to-revert`.
 */
export const REVERT_TARGET_QUERY = `
query RevertTarget($owner: String!, $repo: String!, $branch: String!, $expression: String!,
  $byCommit: Boolean!, $number: Int!, $byPullRequest: Boolean!, $revertBranch: String!, $label: String!) {
  repository(owner: $owner, name: $repo) {
    branch: ref(qualifiedName: $branch) {
      target { ... on Commit { oid tree { oid } } }
      reachable: compare(headRef: $expression) @include(if: $byCommit) { status }
    }
    commit: object(expression: $expression) @include(if: $byCommit) {
      __typename
      ... on Commit {
        ...RevertedCommit
        associatedPullRequests(first: 5) { nodes { ...OriginalPullRequest mergeCommit { oid } } }
      }
    }
    pullRequest(number: $number) @include(if: $byPullRequest) {
      ...OriginalPullRequest
      state
      mergeCommit { ...RevertedCommit }
    }
    thisIncident: pullRequests(headRefName: $revertBranch, states: [OPEN, MERGED], first: 5) @include(if: $byCommit) {
      nodes { ...RevertPullRequest }
    }
    rollbacks: pullRequests(labels: [$label], states: [OPEN, MERGED], first: 100,
      orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { ...RevertPullRequest }
    }
  }
}
fragment RevertedCommit on Commit {
  oid message url
  parents(first: 2) { totalCount nodes { oid tree { oid } } }
}
fragment OriginalPullRequest on PullRequest {
  number title url merged baseRefName author { __typename login }
}
fragment RevertPullRequest on PullRequest { number url state headRefName }`;

interface CommitNode {
  oid: string;
  message: string;
  url: string;
  parents: { totalCount: number; nodes: Array<{ oid: string; tree: { oid: string } }> };
}
interface OriginalPullRequestNode {
  number: number;
  title: string;
  url: string;
  merged: boolean;
  baseRefName: string;
  author: { __typename: string; login: string } | null;
}
interface RevertPullRequestNode {
  number: number;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  headRefName: string;
}
interface RevertTargetData {
  repository: {
    branch: {
      target: { oid?: string; tree?: { oid: string } } | null;
      reachable?: { status: "AHEAD" | "BEHIND" | "DIVERGED" | "IDENTICAL" } | null;
    } | null;
    commit?:
      | (CommitNode & {
          __typename: "Commit";
          associatedPullRequests: {
            nodes: Array<(OriginalPullRequestNode & { mergeCommit: { oid: string } | null }) | null>;
          } | null;
        })
      | { __typename: "Tree" | "Blob" | "Tag" }
      | null;
    pullRequest?:
      | (OriginalPullRequestNode & { state: "OPEN" | "CLOSED" | "MERGED"; mergeCommit: CommitNode | null })
      | null;
    thisIncident?: { nodes: Array<RevertPullRequestNode | null> };
    rollbacks: { nodes: Array<RevertPullRequestNode | null> };
  } | null;
}

export interface FindRevertRequest extends RepoRef {
  defaultBranch: string;
  target: RevertTarget;
  issueNumber: number;
  /** The label revert pull requests carry; `incident/rollback` unless configured otherwise. */
  label?: string;
}

export function revertTargetVariables(req: FindRevertRequest): Record<string, unknown> {
  const byCommit = req.target.kind === "sha";
  return {
    owner: req.owner,
    repo: req.repo,
    branch: `refs/heads/${req.defaultBranch}`,
    expression: req.target.kind === "sha" ? req.target.sha : "",
    byCommit,
    number: req.target.kind === "pr" ? req.target.number : 0,
    byPullRequest: !byCommit,
    revertBranch: req.target.kind === "sha" ? revertBranchName(req.issueNumber, req.target.sha) : "",
    label: req.label ?? ROLLBACK_LABEL,
  };
}

/** Paths whose errors only mean "not found" or "cannot resolve": the answer is read without them. */
const TOLERATED_PATHS = [
  ["repository", "commit"],
  ["repository", "pullRequest"],
  ["repository", "branch", "reachable"],
];

/** Resolves `/rollback <target>`: the commit, or why it cannot be reverted, or the revert that exists. */
export async function findRevertTarget(
  github: GitHubClient,
  req: FindRevertRequest,
): Promise<FindRevertResult> {
  const where = `${req.owner}/${req.repo}`;
  let data: RevertTargetData;
  let ambiguous = false;
  try {
    data = await github.graphql<RevertTargetData>(REVERT_TARGET_QUERY, revertTargetVariables(req));
  } catch (error) {
    const partial = partialAnswer(error);
    if (!partial)
      return { kind: "failed", message: describeFailure("reading the target", error), branchDeleted: null };
    data = partial.data;
    ambiguous = partial.errors.some((e) => /ambiguous/i.test(e.message));
  }
  const repository = data.repository;
  if (!repository) return { kind: "failed", message: `${where} could not be read`, branchDeleted: null };
  const head = repository.branch?.target;
  if (!head?.oid || !head.tree) {
    return {
      kind: "refused",
      code: "no-default-branch",
      reason: `the default branch \`${req.defaultBranch}\` does not exist in ${where}`,
    };
  }

  let commit: CommitNode;
  let original: ResolvedRevert["pullRequest"] = null;
  if (req.target.kind === "sha") {
    const sha = req.target.sha;
    const object = repository.commit ?? null;
    if (!object) {
      return ambiguous
        ? refusedAmbiguous(sha)
        : {
            kind: "refused",
            code: "unknown",
            reason:
              sha.length < 40
                ? `no commit starting with \`${sha}\` in ${where} (if several objects start with it, give more characters)`
                : `no commit \`${sha}\` in ${where}`,
          };
    }
    if (object.__typename !== "Commit") {
      return {
        kind: "refused",
        code: "not-a-commit",
        reason: `\`${sha}\` is a ${object.__typename.toLowerCase()} in ${where}, not a commit`,
      };
    }
    // A branch or tag named like the sha wins over the sha in a revision expression: refuse it.
    if (!("oid" in object) || !object.oid.startsWith(sha)) return refusedAmbiguous(sha, true);
    commit = object;
    const prs = (object.associatedPullRequests?.nodes ?? []).filter(
      (pr): pr is NonNullable<typeof pr> => pr?.merged === true && pr.baseRefName === req.defaultBranch,
    );
    const pr = prs.find((p) => p.mergeCommit?.oid === object.oid) ?? prs[0];
    if (pr) original = toOriginal(pr, pr.mergeCommit?.oid === object.oid);
  } else {
    const number = req.target.number;
    const pr = repository.pullRequest ?? null;
    if (!pr)
      return { kind: "refused", code: "unknown", reason: `there is no pull request #${number} in ${where}` };
    if (!pr.merged) {
      return {
        kind: "refused",
        code: "pr-not-merged",
        reason:
          pr.state === "OPEN"
            ? `#${number} is not merged yet: there is nothing to roll back (close it instead)`
            : `#${number} was closed without being merged: there is nothing to roll back`,
      };
    }
    if (pr.baseRefName !== req.defaultBranch) {
      return {
        kind: "refused",
        code: "not-on-default-branch",
        reason: `#${number} was merged into \`${pr.baseRefName}\`, not \`${req.defaultBranch}\``,
      };
    }
    if (!pr.mergeCommit) {
      return { kind: "refused", code: "unknown", reason: `GitHub has no merge commit for #${number}` };
    }
    commit = pr.mergeCommit;
    original = toOriginal(pr, true);
  }

  const branch = revertBranchName(req.issueNumber, commit.oid);
  const existing = existingRevert(repository, branch, commit.oid);
  if (existing) return existing;

  if (req.target.kind === "sha") {
    const status = repository.branch?.reachable?.status;
    if (status !== "BEHIND" && status !== "IDENTICAL") {
      return {
        kind: "refused",
        code: "not-on-default-branch",
        reason: `\`${shortSha(commit.oid)}\` is not on \`${req.defaultBranch}\`: only a change that landed there can be rolled back`,
      };
    }
  }
  const parent = commit.parents.nodes[0];
  if (commit.parents.totalCount === 0 || !parent) {
    return {
      kind: "refused",
      code: "root-commit",
      reason: `\`${shortSha(commit.oid)}\` is the repository's first commit: there is nothing to revert it to`,
    };
  }
  return {
    kind: "resolved",
    revert: {
      owner: req.owner,
      repo: req.repo,
      defaultBranch: req.defaultBranch,
      issueNumber: req.issueNumber,
      target: req.target,
      branch,
      commit: {
        sha: commit.oid,
        subject: commitSubject(commit.message),
        url: commit.url,
        isMerge: commit.parents.totalCount > 1,
        parentSha: parent.oid,
        parentTree: parent.tree.oid,
      },
      head: { sha: head.oid, tree: head.tree.oid },
      pullRequest: original,
    },
  };
}

function refusedAmbiguous(sha: string, alsoARef = false): Refused {
  return {
    kind: "refused",
    code: "ambiguous",
    reason: alsoARef
      ? `\`${sha}\` is also the name of a branch or tag: give the full 40-character sha`
      : `\`${sha}\` is ambiguous: several objects start with it; give more characters`,
  };
}

function toOriginal(pr: OriginalPullRequestNode, whole: boolean): NonNullable<ResolvedRevert["pullRequest"]> {
  return {
    number: pr.number,
    title: pr.title,
    url: pr.url,
    author: pr.author?.login ?? null,
    authorIsBot: pr.author?.__typename === "Bot",
    whole,
  };
}

function existingRevert(
  repository: NonNullable<RevertTargetData["repository"]>,
  branch: string,
  sha: string,
): AlreadyReverted | null {
  const candidates = [...(repository.thisIncident?.nodes ?? []), ...repository.rollbacks.nodes].filter(
    (pr): pr is RevertPullRequestNode =>
      pr !== null &&
      (pr.state === "OPEN" || pr.state === "MERGED") &&
      (pr.headRefName === branch || isRevertBranchFor(pr.headRefName, sha)),
  );
  // This incident's own first, then an open one (still to merge), then a merged one.
  const found =
    candidates.find((pr) => pr.headRefName === branch) ??
    candidates.find((pr) => pr.state === "OPEN") ??
    candidates[0];
  if (!found) return null;
  return {
    kind: "alreadyReverted",
    number: found.number,
    url: found.url,
    state: found.state === "MERGED" ? "merged" : "open",
    branch: found.headRefName,
    sha,
  };
}

/** The data of a GraphQL answer whose errors are all "not found" where a null is expected. */
function partialAnswer(
  error: unknown,
): { data: RevertTargetData; errors: Array<{ message: string }> } | null {
  if (typeof error !== "object" || error === null || !("errors" in error) || !("data" in error)) return null;
  const { errors, data } = error as { errors: unknown; data: unknown };
  if (!Array.isArray(errors) || typeof data !== "object" || data === null) return null;
  const tolerated = errors.every((e: { path?: unknown }) =>
    TOLERATED_PATHS.some(
      (path) => Array.isArray(e.path) && isDeepStrictEqual(e.path.slice(0, path.length), path),
    ),
  );
  return tolerated ? { data: data as RevertTargetData, errors: errors as Array<{ message: string }> } : null;
}

// ---------------------------------------------------------------------------------------------
// The writes

export interface OpenRevertOptions {
  issueNumber: number;
  /** Who ran `/rollback`. */
  requester: string | null;
  reason: string;
  /** `incident/rollback` unless configured otherwise. */
  label?: string;
}

/** A step failed: which one, and what GitHub said. */
class StepError extends Error {
  constructor(step: string, error: unknown) {
    super(describeFailure(step, error));
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepError(name, error);
  }
}

/**
 * Opens the revert pull request of a resolved target. A clean revert costs 8 requests (9 with
 * `findRevertTarget`), whatever the size of the change. On a conflict or a failure after the
 * branch was created, the branch is deleted before answering.
 */
export async function openRevertPullRequest(
  github: GitHubClient,
  resolved: ResolvedRevert,
  options: OpenRevertOptions,
): Promise<OpenRevertResult> {
  if (options.issueNumber !== resolved.issueNumber) {
    throw new Error(
      `the revert was resolved for incident #${resolved.issueNumber}, not #${options.issueNumber}`,
    );
  }
  const where = { owner: resolved.owner, repo: resolved.repo };
  const { branch, commit, head } = resolved;
  let branchCreated = false;

  /** Deletes the branch this run created; true when it is gone. */
  const release = async (): Promise<boolean> => {
    branchCreated = false;
    try {
      await github.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
        ...where,
        ref: `heads/${branch}`,
      });
      return true;
    } catch (error) {
      // Already gone is as good as deleted.
      return statusOf(error) === 422 || statusOf(error) === 404;
    }
  };

  try {
    // X: the target's parent tree on top of the target. Merging X into the head applies "target → parent".
    const undo = await step("creating the undo commit", () =>
      github.request("POST /repos/{owner}/{repo}/git/commits", {
        ...where,
        message: `firebreak: undo ${commit.sha} (temporary, for incident #${resolved.issueNumber})`,
        tree: commit.parentTree,
        parents: [commit.sha],
      }),
    );

    try {
      await github.request("POST /repos/{owner}/{repo}/git/refs", {
        ...where,
        ref: `refs/heads/${branch}`,
        sha: head.sha,
      });
      branchCreated = true;
    } catch (error) {
      if (statusOf(error) !== 422) throw new StepError(`creating the branch \`${branch}\``, error);
      return await branchExists(github, resolved);
    }

    let merged: { data: unknown; status: number };
    try {
      // A 409 is final: never retried.
      merged = await github.request("POST /repos/{owner}/{repo}/merges", {
        ...where,
        base: branch,
        head: undo.data.sha,
        commit_message: `firebreak: revert ${commit.sha} (temporary)`,
        request: { retries: 0 },
      });
    } catch (error) {
      if (statusOf(error) !== 409) throw new StepError("merging the revert", error);
      return {
        kind: "conflict",
        files: conflictFilesFromMessage(responseMessage(error)),
        manual: manualRevertCommands({
          issueNumber: resolved.issueNumber,
          sha: commit.sha,
          defaultBranch: resolved.defaultBranch,
          isMerge: commit.isMerge,
        }),
        sha: commit.sha,
        branchDeleted: await release(),
      };
    }
    const mergedTree = merged.status === 204 ? head.tree : treeOf(merged.data);
    if (mergedTree === head.tree) {
      await release();
      return {
        kind: "refused",
        code: "nothing-to-revert",
        reason:
          `reverting \`${shortSha(commit.sha)}\` changes nothing on \`${resolved.defaultBranch}\`: ` +
          "its changes are already undone there",
      };
    }

    const title = revertPullRequestTitle(
      resolved.pullRequest?.whole ? resolved.pullRequest.title : commit.subject,
    );
    const final = await step("committing the revert", () =>
      github.request("POST /repos/{owner}/{repo}/git/commits", {
        ...where,
        message: revertCommitMessage({
          subject: commit.subject,
          sha: commit.sha,
          issueNumber: resolved.issueNumber,
        }),
        tree: mergedTree,
        parents: [head.sha],
      }),
    );
    await step(`moving \`${branch}\` to the revert commit`, () =>
      github.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
        ...where,
        ref: `heads/${branch}`,
        sha: final.data.sha,
        force: true,
      }),
    );

    let pr: { number: number; html_url: string };
    try {
      const { data } = await github.request("POST /repos/{owner}/{repo}/pulls", {
        ...where,
        title,
        head: branch,
        base: resolved.defaultBranch,
        body: revertPullRequestBody({
          owner: resolved.owner,
          repo: resolved.repo,
          defaultBranch: resolved.defaultBranch,
          issueNumber: resolved.issueNumber,
          commit: { sha: commit.sha, subject: commit.subject, url: commit.url, isMerge: commit.isMerge },
          pullRequest: resolved.pullRequest,
          headSha: head.sha,
          requester: options.requester,
          reason: options.reason,
        }),
        maintainer_can_modify: true,
      });
      pr = data;
    } catch (error) {
      // Another run opened it first: the branch is that pull request's head now, keep it.
      if (statusOf(error) === 422 && /already exists/i.test(error instanceof Error ? error.message : "")) {
        branchCreated = false;
        const existing = await pullRequestOf(github, resolved);
        if (existing) return existing;
      }
      throw new StepError("opening the pull request", error);
    }
    branchCreated = false; // from here on the branch is the pull request's: never deleted

    const reviewer = reviewerFor(resolved);
    const warnings: string[] = [];
    const [, reviewed] = await Promise.all([
      github
        .request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
          ...where,
          issue_number: pr.number,
          labels: [options.label ?? ROLLBACK_LABEL],
        })
        .catch((error: unknown) => {
          warnings.push(describeFailure(`labelling #${pr.number}`, error));
        }),
      reviewer
        ? github
            .request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
              ...where,
              pull_number: pr.number,
              reviewers: [reviewer],
            })
            .then(() => true)
            .catch((error: unknown) => {
              warnings.push(describeFailure(`requesting a review from ${reviewer}`, error));
              return false;
            })
        : Promise.resolve(false),
    ]);
    return {
      kind: "opened",
      number: pr.number,
      url: pr.html_url,
      branch,
      sha: final.data.sha,
      reverted: commit.sha,
      title,
      reviewers: reviewed && reviewer ? [reviewer] : [],
      warnings,
    };
  } catch (error) {
    const branchDeleted = branchCreated ? await release() : null;
    if (!(error instanceof StepError)) throw error;
    return { kind: "failed", message: error.message, branchDeleted };
  }
}

/** `findRevertTarget` then `openRevertPullRequest`: what `/rollback` does. */
export async function rollback(
  github: GitHubClient,
  req: FindRevertRequest & Omit<OpenRevertOptions, "issueNumber" | "label">,
): Promise<RevertOutcome> {
  const found = await findRevertTarget(github, req);
  if (found.kind !== "resolved") return found;
  return openRevertPullRequest(github, found.revert, {
    issueNumber: req.issueNumber,
    requester: req.requester,
    reason: req.reason,
    label: req.label,
  });
}

/** The original pull request's author, when GitHub can be asked for their review (not a bot). */
function reviewerFor(resolved: ResolvedRevert): string | null {
  const pr = resolved.pullRequest;
  if (!pr?.author || pr.authorIsBot || pr.author.endsWith("[bot]")) return null;
  return pr.author;
}

/** The branch exists already: its open or merged pull request, or a refusal that leaves it alone. */
async function branchExists(github: GitHubClient, resolved: ResolvedRevert): Promise<OpenRevertResult> {
  let existing: AlreadyReverted | null;
  try {
    existing = await pullRequestOf(github, resolved);
  } catch (error) {
    return {
      kind: "failed",
      message: describeFailure(`reading the pull requests of \`${resolved.branch}\``, error),
      branchDeleted: null,
    };
  }
  return (
    existing ?? {
      kind: "refused",
      code: "in-progress",
      reason:
        `the branch \`${resolved.branch}\` already exists without an open or merged pull request: ` +
        "another `/rollback` of this change may be running. If none is, delete the branch and try again",
    }
  );
}

async function pullRequestOf(
  github: GitHubClient,
  resolved: ResolvedRevert,
): Promise<AlreadyReverted | null> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/pulls", {
    owner: resolved.owner,
    repo: resolved.repo,
    head: `${resolved.owner}:${resolved.branch}`,
    state: "all",
    per_page: 10,
  });
  const pr = data.find((p) => p.state === "open") ?? data.find((p) => p.merged_at !== null);
  if (!pr) return null;
  return {
    kind: "alreadyReverted",
    number: pr.number,
    url: pr.html_url,
    state: pr.state === "open" ? "open" : "merged",
    branch: resolved.branch,
    sha: resolved.commit.sha,
  };
}

function treeOf(commit: unknown): string {
  const tree = (commit as { commit?: { tree?: { sha?: unknown } } } | null)?.commit?.tree?.sha;
  if (typeof tree !== "string")
    throw new StepError("merging the revert", new Error("GitHub's answer has no tree"));
  return tree;
}

function responseMessage(error: unknown): string | null {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  if (typeof data === "object" && data !== null && "message" in data && typeof data.message === "string") {
    return data.message;
  }
  if (typeof data === "string") return data;
  return error instanceof Error ? error.message : null;
}

/** "merging the revert failed: GitHub answered 502 (Bad Gateway)", or the rate limit's reset time. */
function describeFailure(what: string, error: unknown): string {
  const status = statusOf(error);
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } } | null)?.response
    ?.headers;
  // A secondary limit lifts after `retry-after`, not at the hourly reset every answer names.
  if (
    (status === 403 || status === 429) &&
    headers?.["x-ratelimit-remaining"] !== "0" &&
    rateLimitWait(error) !== null
  ) {
    return `${what} failed: ${describeTransient(error)}`;
  }
  if (
    (status === 403 || status === 429) &&
    (headers?.["x-ratelimit-remaining"] === "0" || headers?.["retry-after"])
  ) {
    const reset = Number(headers?.["x-ratelimit-reset"]);
    const when =
      Number.isFinite(reset) && reset > 0
        ? ` until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
        : "";
    return `${what} failed: GitHub's API rate limit is exhausted${when}`;
  }
  const message = responseMessage(error);
  const said = message ? `: ${message.split("\n", 1)[0]?.slice(0, 200)}` : "";
  // Trying again does not help with a refusal: say what the app lacks.
  const lacks =
    status === 403 ? " (the app needs the Contents and Pull requests: read and write permissions)" : "";
  return status ? `${what} failed: GitHub answered ${status}${said}${lacks}` : `${what} failed${said}`;
}
