// Adding `/notice`s to the repository's status file, for teams that publish a status page from it.
//
// One standing branch (`notices.branch`) holds the notices not published yet, with one pull request
// into the base branch: notices append to one file, so a branch each would conflict with one another
// as soon as the first is merged, and reviewers have one place to read and merge. Once that pull
// request is merged (or closed), the next notice starts the branch again from the base branch.
//
// Cost: one GraphQL read (the branch, its open pull request, both copies of the file), then one
// GraphQL request that (re)creates the branch if needed, commits with `createCommitOnBranch`
// (guarded by `expectedHeadOid`, so a notice added meanwhile is never overwritten) and opens the
// pull request if there is none. Two requests; two more, once, when another notice won a race.
import type { NoticeFileOutcome } from "../core/notice.js";
import { type MutationField, performBatch } from "./batch.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface StatusFileRequest extends RepoRef {
  /** The file, from the repository's root. */
  path: string;
  /** The standing branch. */
  branch: string;
  /** The branch its pull request goes into. */
  base: string;
}

/** One notice to add: its hidden marker (its identity) and its rendered text. */
export interface NoticeEntry {
  marker: string;
  body: string;
  /** The commit's headline: `Status notice: investigating, acme/shop#42`. */
  headline: string;
}

export const STATUS_NOTICE_QUERY = `
query StatusNoticeTarget($owner: String!, $repo: String!, $branchRef: String!, $baseRef: String!,
  $branch: String!, $branchFile: String!, $baseFile: String!) {
  repository(owner: $owner, name: $repo) {
    id nameWithOwner
    branchRef: ref(qualifiedName: $branchRef) { id target { oid } }
    baseRef: ref(qualifiedName: $baseRef) { target { oid } }
    pullRequests(headRefName: $branch, states: OPEN, first: 5) {
      nodes { number url isCrossRepository }
    }
    branchFile: object(expression: $branchFile) { ... on Blob { text isTruncated isBinary } }
    baseFile: object(expression: $baseFile) { ... on Blob { text isTruncated isBinary } }
  }
}`;

interface Blob {
  text: string | null;
  isTruncated: boolean;
  isBinary: boolean | null;
}

interface TargetResponse {
  repository: {
    id: string;
    nameWithOwner: string;
    branchRef: { id: string; target: { oid: string } | null } | null;
    baseRef: { target: { oid: string } | null } | null;
    pullRequests: { nodes: Array<{ number: number; url: string; isCrossRepository: boolean } | null> };
    branchFile: Partial<Blob> | null;
    baseFile: Partial<Blob> | null;
  } | null;
}

/** What the read found: where the notices go and what the file holds there. */
interface Target {
  repositoryId: string;
  nameWithOwner: string;
  baseOid: string;
  /** The standing branch, if it exists. */
  branch: { id: string; oid: string } | null;
  pullRequest: { number: number; url: string } | null;
  /** The file on the branch the next commit builds on (the standing branch with an open pull request, else the base). */
  working: Blob | null;
  baseFile: Blob | null;
}

const MUTATION = "FirebreakStatusNotice";
export const PULL_REQUEST_TITLE = "Status page: customer notices to publish";

export async function addNoticesToStatusFile(
  github: GitHubClient,
  req: StatusFileRequest,
  entries: NoticeEntry[],
): Promise<NoticeFileOutcome> {
  const fail = (reason: string): NoticeFileOutcome => ({ kind: "failed", path: req.path, reason });
  if (req.branch === req.base) {
    return fail(
      `\`notices.branch\` is the base branch \`${req.base}\`, and notices go through a pull request; name another branch in \`.github/incident.yml\``,
    );
  }
  try {
    const first = await attempt(github, req, entries);
    // Another notice landed between the read and the commit (another incident's): once more.
    if (!("stale" in first)) return first;
    const second = await attempt(github, req, entries);
    return "stale" in second ? fail(`GitHub refused the commit (${second.stale})`) : second;
  } catch (error) {
    return fail(`GitHub answered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function attempt(
  github: GitHubClient,
  req: StatusFileRequest,
  entries: NoticeEntry[],
): Promise<NoticeFileOutcome | { stale: string }> {
  const fail = (reason: string): NoticeFileOutcome => ({ kind: "failed", path: req.path, reason });
  const read = await readTarget(github, req);
  if (typeof read === "string") return fail(read);
  const target = read;
  const published = entries.every((entry) => target.baseFile?.text?.includes(entry.marker));
  if (published) return { kind: "already", path: req.path, pullRequest: null, base: req.base };
  const missing = entries.filter(
    (entry) =>
      !target.working?.text?.includes(entry.marker) && !target.baseFile?.text?.includes(entry.marker),
  );
  if (missing.length === 0 && target.pullRequest) {
    return { kind: "already", path: req.path, pullRequest: target.pullRequest, base: req.base };
  }

  // Without an open pull request the branch starts again from the base: what it held was merged
  // or turned down.
  const startOid = target.pullRequest && target.branch ? target.branch.oid : target.baseOid;
  const fields: MutationField[] = [];
  if (!target.branch) {
    fields.push({
      field: "createRef",
      input: { repositoryId: target.repositoryId, name: `refs/heads/${req.branch}`, oid: startOid },
      selection: "ref { id }",
    });
  } else if (target.branch.oid !== startOid) {
    fields.push({
      field: "updateRef",
      input: { refId: target.branch.id, oid: startOid, force: true },
      selection: "ref { id }",
    });
  }
  const commitAt = fields.length;
  fields.push({
    field: "createCommitOnBranch",
    input: {
      branch: { repositoryNameWithOwner: target.nameWithOwner, branchName: req.branch },
      expectedHeadOid: startOid,
      message: {
        headline:
          missing.length === 1
            ? (missing[0]?.headline ?? "Status notice")
            : `${missing.length} status notices`,
        body: missing.length === 1 ? "" : missing.map((entry) => `- ${entry.headline}`).join("\n"),
      },
      fileChanges: {
        additions: [
          {
            path: req.path,
            contents: Buffer.from(appendNotices(target.working?.text ?? null, missing)).toString("base64"),
          },
        ],
      },
    },
    selection: "commit { oid }",
  });
  const pullAt = target.pullRequest ? -1 : fields.length;
  if (!target.pullRequest) {
    fields.push({
      field: "createPullRequest",
      input: {
        repositoryId: target.repositoryId,
        baseRefName: req.base,
        headRefName: req.branch,
        title: PULL_REQUEST_TITLE,
        body: pullRequestBody(req.path),
      },
      selection: "pullRequest { number url }",
    });
  }

  const results = await performBatch<{ pullRequest?: { number: number; url: string } }>(
    github,
    MUTATION,
    fields,
  );
  const commit = results[commitAt];
  if (commit?.error) {
    // The branch moved (or appeared) after the read: read again and build on what is there now.
    const moved = commitAt > 0 && results[0]?.error ? results[0].error : null;
    if (moved || /expectedHeadOid|expected branch/i.test(commit.error))
      return { stale: moved ?? commit.error };
    return fail(`GitHub refused the commit (${commit.error})`);
  }
  const opened = pullAt >= 0 ? results[pullAt] : null;
  const pullRequest = target.pullRequest ?? opened?.data?.pullRequest ?? null;
  if (!pullRequest) {
    return fail(
      `the notice is on the branch \`${req.branch}\`, but GitHub did not open its pull request (${opened?.error ?? "no answer"}); open one into \`${req.base}\``,
    );
  }
  return { kind: "added", path: req.path, pullRequest, opened: opened !== null };
}

async function readTarget(github: GitHubClient, req: StatusFileRequest): Promise<Target | string> {
  const data = await github.graphql<TargetResponse>(STATUS_NOTICE_QUERY, {
    owner: req.owner,
    repo: req.repo,
    branchRef: `refs/heads/${req.branch}`,
    baseRef: `refs/heads/${req.base}`,
    branch: req.branch,
    branchFile: `${req.branch}:${req.path}`,
    baseFile: `${req.base}:${req.path}`,
  });
  const repository = data.repository;
  if (!repository) return `the repository ${req.owner}/${req.repo} was not found`;
  const baseOid = repository.baseRef?.target?.oid;
  if (!baseOid)
    return `the base branch \`${req.base}\` does not exist; fix \`notices.base\` in \`.github/incident.yml\``;
  const branchOid = repository.branchRef?.target?.oid;
  const branch = repository.branchRef && branchOid ? { id: repository.branchRef.id, oid: branchOid } : null;
  const open = repository.pullRequests.nodes.find((pr) => pr && !pr.isCrossRepository) ?? null;
  const pullRequest = branch && open ? { number: open.number, url: open.url } : null;
  const blob = (found: Partial<Blob> | null): Blob | null | string => {
    if (!found) return null;
    if (found.text === undefined) return `\`${req.path}\` is not a file`;
    if (found.isBinary || found.text === null || found.isTruncated) {
      return `\`${req.path}\` is too large or not text, so firebreak cannot add to it; move older notices out of it`;
    }
    return { text: found.text, isTruncated: false, isBinary: false };
  };
  const baseFile = blob(repository.baseFile);
  const working = pullRequest ? blob(repository.branchFile) : baseFile;
  if (typeof baseFile === "string") return baseFile;
  if (typeof working === "string") return working;
  return {
    repositoryId: repository.id,
    nameWithOwner: repository.nameWithOwner,
    baseOid,
    branch,
    pullRequest,
    working,
    baseFile,
  };
}

/** The file with the notices added at the end, each after a blank line; a new file gets a heading. */
export function appendNotices(existing: string | null, entries: NoticeEntry[]): string {
  const start = existing === null || existing.trim() === "" ? "# Status\n" : existing.replace(/\s*$/, "\n");
  return entries.reduce((text, entry) => `${text}\n${entry.body.trim()}\n`, start);
}

function pullRequestBody(path: string): string {
  return [
    `Customer-facing status notices posted with \`/notice\` on incidents, added to \`${path}\`.`,
    "",
    "Review the wording, then merge to publish. Notices posted before this pull request is merged are added to it; the next ones open a new one.",
    "",
    "<sub>Opened by firebreak. Each notice carries a hidden marker so that a rerun never adds it twice.</sub>",
  ].join("\n");
}
