// `/rollback` as GitHub answers it: the RevertTarget query (answered from the variables it was sent
// with, as `@include` would), the Git Data and pull request endpoints the revert engine calls, and
// the `pull_request.closed` webhook of a revert pull request. Shas are readable: a prefix padded with 0.
import { createRequire } from "node:module";
import type nock from "nock";
import { REPORTER } from "./commands.js";
import { type ContextOptions, contextReply } from "./graphql.js";
import { OWNER, REPO } from "./payloads.js";
import { INSTALLATION_ID } from "./probot.js";

type Json = Record<string, any>;

/** A 40-character sha that starts with `prefix`. */
export const sha = (prefix: string): string => prefix.padEnd(40, "0");

export const REPO_PATH = `/repos/${OWNER}/${REPO}`;

/** The commit rolled back, its parent, and main's head when the revert is computed. */
export const TARGET = sha("3f2a9c1");
export const PARENT = sha("2e1b8a0");
export const PARENT_TREE = sha("7ee0001");
export const HEAD = sha("9d0c4f2");
export const HEAD_TREE = sha("7ee0002");
/** What the engine creates: the undo commit X, the merge of X into the branch, its tree, the revert commit. */
export const UNDO = sha("a11d0e0");
export const MERGE = sha("4e4d0e0");
export const MERGED_TREE = sha("7ee0003");
export const FINAL = sha("f1a1000");

export const BRANCH = "incident-42/revert-3f2a9c1";
/** The branch as Octokit puts it in a path (`{ref}` is percent-encoded). */
export const BRANCH_REF_PATH = `${REPO_PATH}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`;

/** The merged pull request that brought TARGET in (its merge commit), by bob. */
export const ORIGINAL = { number: 309, title: "Retry card payments on gateway timeouts", author: "bob" };
export const TARGET_MESSAGE = `${ORIGINAL.title} (#${ORIGINAL.number})\n\nRetries up to 5 times.`;
/** The number GitHub gives the revert pull request. */
export const REVERT_PR = 318;

export const commitUrl = (oid: string): string => `https://github.com/${OWNER}/${REPO}/commit/${oid}`;
export const pullUrl = (n: number): string => `https://github.com/${OWNER}/${REPO}/pull/${n}`;

/** Matches the engine's one GraphQL document by its operation name. */
export function revertTargetQuery(body: any): boolean {
  return typeof body?.query === "string" && /\bquery RevertTarget\b/.test(body.query);
}

/** `OriginalPullRequest` fragment of a pull request. */
export function originalPullRequest(
  o: { number?: number; title?: string; merged?: boolean; base?: string; author?: string } = {},
): Json {
  const number = o.number ?? ORIGINAL.number;
  return {
    number,
    title: o.title ?? ORIGINAL.title,
    url: pullUrl(number),
    merged: o.merged ?? true,
    baseRefName: o.base ?? "main",
    author: { __typename: "User", login: o.author ?? ORIGINAL.author },
  };
}

/** `RevertedCommit` fragment: TARGET on top of PARENT by default. */
export function revertedCommit(o: { oid?: string; message?: string; parents?: string[] } = {}): Json {
  const parents = o.parents ?? [PARENT];
  return {
    oid: o.oid ?? TARGET,
    message: o.message ?? TARGET_MESSAGE,
    url: commitUrl(o.oid ?? TARGET),
    parents: {
      totalCount: parents.length,
      nodes: parents.map((oid, i) => ({ oid, tree: { oid: i === 0 ? PARENT_TREE : sha(`7ee1${i}`) } })),
    },
  };
}

/** A `RevertPullRequest` node: an existing revert pull request. */
export function revertPullRequestNode(
  number: number,
  o: { state?: "OPEN" | "MERGED" | "CLOSED"; branch?: string } = {},
): Json {
  return { number, url: pullUrl(number), state: o.state ?? "OPEN", headRefName: o.branch ?? BRANCH };
}

export interface TargetAnswer {
  /** `repository.commit` for a sha target: TARGET with #309 as its pull request by default. */
  commit?: Json | null;
  /** `branch.reachable.status` of the target against main: BEHIND (on main) by default. */
  reachable?: "BEHIND" | "IDENTICAL" | "AHEAD" | "DIVERGED" | null;
  /** `repository.pullRequest` for a `#N` target: #309, merged with TARGET by default. */
  pullRequest?: Json | null;
  /** Revert pull requests with this incident's branch name (sha targets only). */
  thisIncident?: Json[];
  /** Pull requests labelled `incident/rollback`. */
  rollbacks?: Json[];
  /** GraphQL errors sent next to the data (GitHub's answer is still 200). */
  errors?: Json[];
}

/**
 * A nock reply function for RevertTarget. The fields the query only includes for a commit target
 * (`commit`, `reachable`, `thisIncident`) or a pull request target (`pullRequest`) are answered only
 * when the variables ask for them, as GitHub applies `@include`.
 */
export function revertTargetReply(o: TargetAnswer = {}) {
  return (_uri: string, body: any): [number, Json] => {
    const v = body?.variables ?? {};
    const byCommit = v.byCommit === true;
    const reachable = o.reachable === undefined ? "BEHIND" : o.reachable;
    const commit =
      o.commit !== undefined
        ? o.commit
        : {
            __typename: "Commit",
            ...revertedCommit(),
            associatedPullRequests: { nodes: [{ ...originalPullRequest(), mergeCommit: { oid: TARGET } }] },
          };
    const repository: Json = {
      branch: {
        target: { oid: HEAD, tree: { oid: HEAD_TREE } },
        ...(byCommit ? { reachable: reachable === null ? null : { status: reachable } } : {}),
      },
      ...(byCommit ? { commit } : {}),
      ...(v.byPullRequest === true
        ? {
            pullRequest:
              o.pullRequest !== undefined
                ? o.pullRequest
                : { ...originalPullRequest(), state: "MERGED", mergeCommit: revertedCommit() },
          }
        : {}),
      ...(byCommit ? { thisIncident: { nodes: o.thisIncident ?? [] } } : {}),
      rollbacks: { nodes: o.rollbacks ?? [] },
    };
    return [200, o.errors ? { data: { repository }, errors: o.errors } : { data: { repository } }];
  };
}

/** How a git commit is shown by `POST /git/commits`. */
function gitCommit(oid: string, tree: string, parents: string[], message: string): Json {
  return {
    sha: oid,
    node_id: `C_${oid}`,
    url: `https://api.github.com${REPO_PATH}/git/commits/${oid}`,
    html_url: commitUrl(oid),
    message,
    tree: { sha: tree, url: `https://api.github.com${REPO_PATH}/git/trees/${tree}` },
    parents: parents.map((p) => ({ sha: p, url: `https://api.github.com${REPO_PATH}/git/commits/${p}` })),
  };
}

export interface RevertSteps {
  /** The RevertTarget answer. */
  target?: TargetAnswer;
  /**
   * Where the engine stops: after the query (a refusal: no git request at all), at `POST /merges`
   * answering 409 with `conflict`'s message, when the final commit answers `failFinal`, or with the
   * pull request opened (default).
   */
  until?: "query" | { conflict: string } | { failFinal: number } | "opened";
  /** Whether the original pull request's author is asked to review (when they are a person). */
  review?: boolean;
}

/**
 * Adds the answers to the engine's requests, in the order it sends them: the query; the undo commit;
 * the branch; the merge; the revert commit; the branch moved; the pull request; its label and review
 * request. A conflict or a failure after the branch exists ends with the branch deleted.
 */
export function answerRevert(scope: nock.Scope, o: RevertSteps = {}): nock.Scope {
  scope.post("/graphql", revertTargetQuery).reply(revertTargetReply(o.target));
  const until = o.until ?? "opened";
  if (until === "query") return scope;
  scope
    .post(`${REPO_PATH}/git/commits`)
    .reply(201, (_uri, body: any) => gitCommit(UNDO, body.tree, body.parents, body.message))
    .post(`${REPO_PATH}/git/refs`)
    .reply(201, (_uri, body: any) => ({ ref: body.ref, object: { type: "commit", sha: body.sha } }));
  if (typeof until === "object" && "conflict" in until) {
    return scope
      .post(`${REPO_PATH}/merges`)
      .reply(409, {
        message: until.conflict,
        documentation_url: "https://docs.github.com/rest/branches/branches#merge-a-branch",
      })
      .delete(BRANCH_REF_PATH)
      .reply(204);
  }
  scope.post(`${REPO_PATH}/merges`).reply(201, {
    sha: MERGE,
    commit: { message: "firebreak: revert (temporary)", tree: { sha: MERGED_TREE } },
    parents: [{ sha: HEAD }, { sha: UNDO }],
  });
  if (typeof until === "object" && "failFinal" in until) {
    return scope
      .post(`${REPO_PATH}/git/commits`)
      .reply(until.failFinal, { message: "Server Error" })
      .delete(BRANCH_REF_PATH)
      .reply(204);
  }
  scope
    .post(`${REPO_PATH}/git/commits`)
    .reply(201, (_uri, body: any) => gitCommit(FINAL, body.tree, body.parents, body.message))
    .patch(BRANCH_REF_PATH)
    .reply(200, { ref: `refs/heads/${BRANCH}`, object: { type: "commit", sha: FINAL } })
    .post(`${REPO_PATH}/pulls`)
    .reply(201, (_uri, body: any) => ({
      number: REVERT_PR,
      html_url: pullUrl(REVERT_PR),
      state: "open",
      title: body.title,
      head: { ref: body.head, sha: FINAL },
      base: { ref: body.base },
    }))
    .post(`${REPO_PATH}/issues/${REVERT_PR}/labels`)
    .reply(200, [{ id: 1, node_id: "LA_incident/rollback", name: "incident/rollback" }]);
  if (o.review ?? true) {
    scope
      .post(`${REPO_PATH}/pulls/${REVERT_PR}/requested_reviewers`)
      .reply(201, { number: REVERT_PR, requested_reviewers: [{ login: ORIGINAL.author }] });
  }
  return scope;
}

/**
 * The `CrossReferencedEvent` the revert pull request leaves on the incident (its author, firebreak,
 * mentions `#42`), with its branch and, once merged, when.
 */
export function rollbackReferenceNode(o: {
  number?: number;
  title?: string;
  createdAt: string;
  mergedAt?: string | null;
  branch?: string;
}): Json {
  const number = o.number ?? REVERT_PR;
  return {
    __typename: "CrossReferencedEvent",
    createdAt: o.createdAt,
    actor: { login: "firebreak" },
    source: {
      __typename: "PullRequest",
      number,
      title: o.title ?? `Revert "${ORIGINAL.title}"`,
      url: pullUrl(number),
      headRefName: o.branch ?? BRANCH,
      mergedAt: o.mergedAt ?? null,
    },
  };
}

/**
 * `contextReply`, with the issue's title, body and author as GitHub answers them: a webhook about a
 * pull request carries none of the issue, so the app takes them from the read.
 */
export function contextReplyWithIssue(o: ContextOptions) {
  const reply = contextReply(o);
  return (uri: string, body: any): [number, Json] => {
    const [status, json] = reply(uri, body);
    Object.assign(json.data.repository.issue, {
      title: "Checkout returns 500 for card payments",
      body: "Card payments fail at checkout since about 14:00.",
      author: { login: REPORTER },
    });
    return [status, json];
  };
}

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Json & { action?: string }>;
}>;

export interface ClosedPullOptions {
  merged: boolean;
  branch?: string;
  /** The head repository: a fork's revert-named branch is not one of firebreak's. */
  headRepo?: string;
  number?: number;
}

/** A `pull_request.closed` payload for a pull request of acme/shop, from GitHub's own example. */
export function pullRequestClosedEvent(o: ClosedPullOptions): Json {
  const example = examples
    .find((e) => e.name === "pull_request")
    ?.examples.find((e) => e.action === "closed");
  if (!example) throw new Error("no example for pull_request.closed");
  const payload = structuredClone(example) as Json;
  const number = o.number ?? REVERT_PR;
  payload.number = number;
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc3" };
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.repository.default_branch = "main";
  const pr = payload.pull_request;
  pr.number = number;
  pr.title = `Revert "${ORIGINAL.title}"`;
  pr.html_url = pullUrl(number);
  pr.state = "closed";
  pr.merged = o.merged;
  pr.merged_at = o.merged ? "2026-11-22T14:40:00Z" : null;
  pr.closed_at = "2026-11-22T14:40:00Z";
  pr.head = {
    ...pr.head,
    ref: o.branch ?? BRANCH,
    sha: FINAL,
    repo: { ...pr.head.repo, full_name: o.headRepo ?? `${OWNER}/${REPO}` },
  };
  pr.base = { ...pr.base, ref: "main", repo: { ...pr.base.repo, full_name: `${OWNER}/${REPO}` } };
  payload.sender = { ...payload.sender, login: "carol", type: "User" };
  return payload;
}
