// The companion Action's reads and writes for a post-mortem: the incident read (one GraphQL request
// plus one per further 100 timeline events, which also reads the post-mortems already in the
// directory for the incidents index), the document and the index committed through the Git Data
// API (no clone), and the pull request.
//
// The read is the app's incident read with one difference: the Action usually runs with the
// workflow's token, not firebreak's, so "did firebreak write or react to this" cannot be asked as
// `viewerDidAuthor` / `viewerHasReacted`. It is answered from the authors and reactors instead, by
// firebreak's login (the author of the tracker comment). Everything else is the same records,
// replayed by the same core.
import type { TimelineItem } from "../core/model.js";
import {
  ACTION_COMMITTER,
  INCIDENT_COMMENT_MARKER,
  KEPT_COMMENT_MARKER,
  type Reference,
} from "../core/postmortem.js";
import { TRACKER_MARKER } from "../core/tracker.js";
import type { GitHubClient, IssueRef, RepoRef } from "./client.js";
import { TIMELINE_TYPES, type TimelineNode, timelineFragment, toTimelineItem } from "./incident-context.js";
import { statusOf } from "./labels.js";

const TIMELINE_FRAGMENT = timelineFragment("byLogin");

export const POSTMORTEM_READ_QUERY = `
query PostmortemRead($owner: String!, $repo: String!, $issue: Int!, $branch: String!, $branchRef: String!,
  $config: String!, $template: String!, $followUpTemplate: String!, $postmortemLabel: String!,
  $followUpLabel: String!, $postmortemDir: String!, $indexTemplate: String!) {
  viewer { login }
  repository(owner: $owner, name: $repo) {
    id url
    defaultBranchRef { name target { oid ... on Commit { tree { oid } } } }
    config: object(expression: $config) { ... on Blob { text isTruncated } }
    template: object(expression: $template) { ... on Blob { text isTruncated } }
    followUpTemplate: object(expression: $followUpTemplate) { ... on Blob { text isTruncated } }
    indexTemplate: object(expression: $indexTemplate) { ... on Blob { text isTruncated } }
    postmortems: object(expression: $postmortemDir) {
      ... on Tree { entries { name type object { ... on Blob { text isTruncated } } } }
    }
    postmortemLabel: label(name: $postmortemLabel) { id }
    followUpLabel: label(name: $followUpLabel) { id }
    branch: ref(qualifiedName: $branchRef) { target { oid ... on Commit { tree { oid } } } }
    pullRequests(headRefName: $branch, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes {
        id number url state title body headRefOid headRepository { id }
        commits(last: 100) {
          totalCount
          nodes { commit { oid message committer { email } author { name user { login } } } }
        }
        comments(last: 30) { nodes { id body viewerDidAuthor } }
      }
    }
    issue(number: $issue) {
      id number title body url createdAt closedAt state
      author { __typename login }
      labels(first: 100) { nodes { name } }
      timelineItems(first: 100, itemTypes: [${TIMELINE_TYPES}]) { ...TimelinePage }
    }
  }
}
${TIMELINE_FRAGMENT}`;

export const POSTMORTEM_TIMELINE_QUERY = `
query PostmortemTimeline($owner: String!, $repo: String!, $issue: Int!, $after: String!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $issue) {
      timelineItems(first: 100, after: $after, itemTypes: [${TIMELINE_TYPES}]) { ...TimelinePage }
    }
  }
}
${TIMELINE_FRAGMENT}`;

interface Actor {
  __typename: string;
  login: string;
}
export interface TimelinePage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<TimelineNode | null>;
}

/** An issue's timeline from its first page on: the further pages, one request each. */
export async function restOfTimeline(
  github: GitHubClient,
  issue: RepoRef & { issueNumber: number },
  first: TimelinePage,
): Promise<{ nodes: Array<TimelineNode | null>; requests: number }> {
  const nodes = [...first.nodes];
  let requests = 0;
  let page = first.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const more = await github.graphql<{ repository: { issue: { timelineItems: TimelinePage } } }>(
      POSTMORTEM_TIMELINE_QUERY,
      { owner: issue.owner, repo: issue.repo, issue: issue.issueNumber, after: page.endCursor },
    );
    requests++;
    nodes.push(...more.repository.issue.timelineItems.nodes);
    page = more.repository.issue.timelineItems.pageInfo;
  }
  return { nodes, requests };
}
interface Blob {
  text?: string | null;
  isTruncated?: boolean;
}
interface CommitTarget {
  oid: string;
  tree?: { oid: string };
}
interface PullNode {
  id: string;
  number: number;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  title: string;
  body: string;
  headRefOid: string;
  headRepository: { id: string } | null;
  commits: {
    totalCount: number;
    nodes: Array<{
      commit: {
        oid: string;
        message: string;
        committer: { email: string | null } | null;
        author: { name: string | null; user: { login: string } | null } | null;
      };
    }>;
  };
  comments: { nodes: Array<{ id: string; body: string; viewerDidAuthor: boolean }> };
}
interface ReadResponse {
  viewer: { login: string };
  repository: {
    id: string;
    url: string;
    defaultBranchRef: { name: string; target: CommitTarget | null } | null;
    config: Blob | null;
    template: Blob | null;
    followUpTemplate: Blob | null;
    indexTemplate: Blob | null;
    postmortems: { entries?: Array<{ name: string; type: string; object: Blob | null }> } | null;
    postmortemLabel: { id: string } | null;
    followUpLabel: { id: string } | null;
    branch: { target: CommitTarget | null } | null;
    pullRequests: { nodes: Array<PullNode | null> };
    issue: {
      id: string;
      number: number;
      title: string;
      body: string;
      url: string;
      createdAt: string;
      closedAt: string | null;
      state: "OPEN" | "CLOSED";
      author: Actor | null;
      labels: { nodes: Array<{ name: string }> } | null;
      timelineItems: TimelinePage;
    } | null;
  } | null;
}

export interface PostmortemReadRequest extends IssueRef {
  branch: string;
  configPath: string;
  templatePath: string;
  followUpTemplatePath: string;
  indexTemplatePath: string;
  /** The post-mortems' directory, read whole on the default branch for the incidents index. */
  postmortemDir: string;
  labels: { postmortem: string; followUp: string };
  /** firebreak's login as GraphQL names it (no `[bot]`); null to learn it from the tracker's author. */
  appLogin: string | null;
}

export interface CommitInfo {
  oid: string;
  message: string;
  committerEmail: string | null;
  author: string | null;
}

export interface ExistingPullRequest {
  id: string;
  number: number;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  title: string;
  body: string;
  headOid: string;
  /** The pull request's commits, newest last (the last 100). */
  commits: CommitInfo[];
  commitCount: number;
  /** The Action's earlier "kept your commits" comment on it, to update rather than repeat. */
  keptComment: { id: string; body: string } | null;
}

export interface PostmortemRead {
  /** Who the token is (the Action's own comments and commits are the viewer's). */
  viewer: string;
  repository: {
    id: string;
    url: string;
    defaultBranch: { name: string; oid: string; treeOid: string } | null;
  };
  issue: {
    id: string;
    number: number;
    title: string;
    /** The issue's text: the incident form's answers, such as when it started. */
    body: string;
    url: string;
    createdAt: Date;
    closedAt: Date | null;
    open: boolean;
    author: string | null;
    labels: string[];
  };
  timeline: TimelineItem[];
  /** Pull requests and issues that referenced the incident, except the Action's own. */
  references: Reference[];
  /** Lower-cased logins of every bot met in the records. */
  bots: Set<string>;
  /** firebreak's login, from the input or the tracker's author; null when no tracker was found. */
  appLogin: string | null;
  tracker: { url: string; body: string } | null;
  /** The Action's comment on the incident, to update rather than repeat. */
  incidentComment: { id: string; body: string } | null;
  files: {
    config: string | null;
    template: string | null;
    followUpTemplate: string | null;
    indexTemplate: string | null;
  };
  /**
   * The markdown files in the post-mortems' directory on the default branch (text null when too
   * large to read), and its README (the incidents index, or a file people wrote) apart.
   */
  postmortems: {
    files: Array<{ name: string; text: string | null }>;
    readme: { name: string; text: string | null } | null;
  };
  labelIds: { postmortem: string | null; followUp: string | null };
  /** The post-mortem branch, if it exists. */
  branch: { oid: string; treeOid: string } | null;
  /** The newest pull request from the post-mortem branch, in any state. */
  pullRequest: ExistingPullRequest | null;
  /** Requests the read took. */
  requests: number;
}

export class IssueNotFound extends Error {}

export async function readPostmortemIncident(
  github: GitHubClient,
  req: PostmortemReadRequest,
): Promise<PostmortemRead> {
  const data = await github.graphql<ReadResponse>(POSTMORTEM_READ_QUERY, {
    owner: req.owner,
    repo: req.repo,
    issue: req.issueNumber,
    branch: req.branch,
    branchRef: `refs/heads/${req.branch}`,
    config: `HEAD:${req.configPath}`,
    template: `HEAD:${req.templatePath}`,
    followUpTemplate: `HEAD:${req.followUpTemplatePath}`,
    postmortemLabel: req.labels.postmortem,
    followUpLabel: req.labels.followUp,
    postmortemDir: `HEAD:${req.postmortemDir}`,
    indexTemplate: `HEAD:${req.indexTemplatePath}`,
  });
  const repository = data.repository;
  if (!repository?.issue)
    throw new IssueNotFound(`issue #${req.issueNumber} was not found in ${req.owner}/${req.repo}`);
  const issue = repository.issue;

  const rest = await restOfTimeline(github, req, issue.timelineItems);
  const requests = 1 + rest.requests;
  const nodes = rest.nodes;
  const present = nodes.filter((n): n is TimelineNode => n !== null);

  const bots = new Set<string>();
  const noteBot = (actor: { __typename?: string; login?: string } | null | undefined) => {
    if (actor?.__typename === "Bot" && actor.login) bots.add(actor.login.toLowerCase());
  };
  for (const node of present) {
    if (node.__typename === "IssueComment") {
      noteBot(node.author);
      for (const group of node.reactionGroups ?? []) for (const r of group.reactors?.nodes ?? []) noteBot(r);
    } else noteBot(node.actor);
  }
  noteBot(issue.author);

  const comments = present.filter((n): n is Extract<TimelineNode, { __typename: "IssueComment" }> => {
    return n.__typename === "IssueComment";
  });
  const trackerNode =
    comments.find((c) => c.body.startsWith(TRACKER_MARKER) && c.author?.__typename === "Bot") ?? null;
  const appLogin = req.appLogin ?? trackerNode?.author?.login ?? null;
  const ownComment =
    comments.find((c) => c.viewerDidAuthor && c.body.includes(INCIDENT_COMMENT_MARKER)) ?? null;

  const pulls = repository.pullRequests.nodes.filter(
    (p): p is PullNode => p !== null && (p.headRepository === null || p.headRepository.id === repository.id),
  );
  const pull = pulls[0] ?? null;
  const defaultTarget = repository.defaultBranchRef?.target;
  const branchTarget = repository.branch?.target;
  const text = (blob: Blob | null) =>
    blob && typeof blob.text === "string" && !blob.isTruncated ? blob.text : null;

  return {
    viewer: data.viewer.login,
    repository: {
      id: repository.id,
      url: repository.url,
      defaultBranch:
        repository.defaultBranchRef && defaultTarget?.tree
          ? {
              name: repository.defaultBranchRef.name,
              oid: defaultTarget.oid,
              treeOid: defaultTarget.tree.oid,
            }
          : null,
    },
    issue: {
      id: issue.id,
      number: issue.number,
      title: issue.title,
      url: issue.url,
      createdAt: new Date(issue.createdAt),
      closedAt: issue.closedAt ? new Date(issue.closedAt) : null,
      open: issue.state === "OPEN",
      author: issue.author?.login ?? null,
      body: issue.body ?? "",
      labels: (issue.labels?.nodes ?? []).map((l) => l.name),
    },
    timeline: present.flatMap((node) => {
      const item = toTimelineItem(node, { login: appLogin });
      return item ? [item] : [];
    }),
    references: uniqueReferences(present.flatMap((node) => toReference(node, req.branch))),
    bots,
    appLogin,
    tracker: trackerNode ? { url: trackerNode.url ?? "", body: trackerNode.body } : null,
    incidentComment: ownComment ? { id: ownComment.id, body: ownComment.body } : null,
    files: {
      config: text(repository.config),
      template: text(repository.template),
      followUpTemplate: text(repository.followUpTemplate),
      indexTemplate: text(repository.indexTemplate),
    },
    postmortems: postmortemFiles(repository.postmortems, text),
    labelIds: {
      postmortem: repository.postmortemLabel?.id ?? null,
      followUp: repository.followUpLabel?.id ?? null,
    },
    branch: branchTarget?.tree ? { oid: branchTarget.oid, treeOid: branchTarget.tree.oid } : null,
    pullRequest: pull
      ? {
          id: pull.id,
          number: pull.number,
          url: pull.url,
          state: pull.state,
          title: pull.title,
          body: pull.body,
          headOid: pull.headRefOid,
          commits: pull.commits.nodes.map(({ commit }) => ({
            oid: commit.oid,
            message: commit.message,
            committerEmail: commit.committer?.email ?? null,
            author: commit.author?.user?.login ?? commit.author?.name ?? null,
          })),
          commitCount: pull.commits.totalCount,
          keptComment:
            pull.comments.nodes.find((c) => c.viewerDidAuthor && c.body.includes(KEPT_COMMENT_MARKER)) ??
            null,
        }
      : null,
    requests,
  };
}

/** The directory's markdown files, its README apart; other files and subdirectories are not post-mortems. */
function postmortemFiles(
  tree: { entries?: Array<{ name: string; type: string; object: Blob | null }> } | null,
  text: (blob: Blob | null) => string | null,
): PostmortemRead["postmortems"] {
  const markdown = (tree?.entries ?? []).filter((e) => e.type === "blob" && /\.md$/i.test(e.name));
  const readme = markdown.find((e) => e.name.toLowerCase() === "readme.md") ?? null;
  return {
    files: markdown.filter((e) => e !== readme).map((e) => ({ name: e.name, text: text(e.object) })),
    readme: readme ? { name: readme.name, text: text(readme.object) } : null,
  };
}

/** A pull request or issue that referenced the incident; the Action's own (the post-mortem, follow-ups) are not. */
function toReference(node: TimelineNode, postmortemBranch: string): Reference[] {
  if (node.__typename !== "CrossReferencedEvent") return [];
  const { source } = node;
  if (source.number === undefined || !source.url || source.viewerDidAuthor) return [];
  if (source.headRefName === postmortemBranch) return [];
  const isPull = source.__typename === "PullRequest";
  const title = source.title ?? "";
  return [
    {
      kind: isPull ? "pull_request" : "issue",
      number: source.number,
      title,
      url: source.url,
      state: source.pullState ?? source.state ?? null,
      mergedAt: source.mergedAt ? new Date(source.mergedAt) : null,
      revert: isPull && (/^incident-\d+\/revert-/.test(source.headRefName ?? "") || /^Revert\b/.test(title)),
      at: new Date(node.createdAt),
    },
  ];
}

/** A pull request that referenced the incident twice (its body, then a commit) is listed once. */
function uniqueReferences(references: Reference[]): Reference[] {
  const seen = new Set<string>();
  return references.filter((r) => {
    const key = `${r.kind}:${r.number}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Writing the document: a tree with the file (GitHub makes the blob), a commit, the branch.

export interface CommitRequest extends RepoRef {
  branch: string;
  /** The files to write in one commit: the post-mortem, and the incidents index. */
  files: Array<{ path: string; content: string }>;
  message: string;
  /** The commit to build on: the branch's head, or the default branch's for a new branch. */
  parent: { oid: string; treeOid: string };
  createBranch: boolean;
}

export type CommitResult =
  | { kind: "unchanged" }
  | { kind: "committed"; oid: string }
  /** Someone pushed to the branch since it was read: their work is kept. */
  | { kind: "moved" };

export async function commitPostmortem(github: GitHubClient, req: CommitRequest): Promise<CommitResult> {
  const where = { owner: req.owner, repo: req.repo };
  const { data: tree } = await github.request("POST /repos/{owner}/{repo}/git/trees", {
    ...where,
    base_tree: req.parent.treeOid,
    tree: req.files.map((file) => ({
      path: file.path,
      mode: "100644" as const,
      type: "blob" as const,
      content: file.content,
    })),
  });
  if (!req.createBranch && tree.sha === req.parent.treeOid) return { kind: "unchanged" };
  const { data: commit } = await github.request("POST /repos/{owner}/{repo}/git/commits", {
    ...where,
    message: req.message,
    tree: tree.sha,
    parents: [req.parent.oid],
    author: { ...ACTION_COMMITTER },
    committer: { ...ACTION_COMMITTER },
  });
  if (req.createBranch) {
    try {
      await github.request("POST /repos/{owner}/{repo}/git/refs", {
        ...where,
        ref: `refs/heads/${req.branch}`,
        sha: commit.sha,
      });
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      throw new Error(
        `${req.branch} was created by another run at the same moment; run again (a concurrency group per incident in the workflow prevents this)`,
      );
    }
    return { kind: "committed", oid: commit.sha };
  }
  try {
    await github.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      ...where,
      ref: `heads/${req.branch}`,
      sha: commit.sha,
      force: false,
      request: { retries: 0 },
    });
  } catch (error) {
    if (statusOf(error) === 422) return { kind: "moved" };
    throw error;
  }
  return { kind: "committed", oid: commit.sha };
}

/** The commits on a branch that the default branch lacks (when no pull request lists them). */
export async function branchCommits(
  github: GitHubClient,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<CommitInfo[]> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    owner: repo.owner,
    repo: repo.repo,
    basehead: `${base}...${head}`,
    per_page: 100,
  });
  return data.commits.map((c) => ({
    oid: c.sha,
    message: c.commit.message,
    committerEmail: c.commit.committer?.email ?? null,
    author: c.author?.login ?? c.commit.author?.name ?? null,
  }));
}

export async function openPullRequest(
  github: GitHubClient,
  req: RepoRef & { title: string; body: string; head: string; base: string },
): Promise<{ id: string; number: number; url: string }> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/pulls", {
    owner: req.owner,
    repo: req.repo,
    title: req.title,
    body: req.body,
    head: req.head,
    base: req.base,
    maintainer_can_modify: true,
  });
  return { id: data.node_id, number: data.number, url: data.html_url };
}

/** Creates a label the repository lacks (a 422 means it exists after all) and returns its node id. */
export async function ensureLabel(
  github: GitHubClient,
  repo: RepoRef,
  label: { name: string; color: string; description: string },
): Promise<string> {
  try {
    const { data } = await github.request("POST /repos/{owner}/{repo}/labels", { ...repo, ...label });
    return data.node_id;
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const { data } = await github.request("GET /repos/{owner}/{repo}/labels/{name}", {
      ...repo,
      name: label.name,
    });
    return data.node_id;
  }
}

// ---------------------------------------------------------------------------------------------
// The merged post-mortem: the pull request, the document as merged, and the incident, in one read.

export const MERGED_POSTMORTEM_QUERY = `
query MergedPostmortem($owner: String!, $repo: String!, $pull: Int!, $incident: Int!, $document: String!,
  $followUpTemplate: String!, $config: String!, $followUpLabel: String!) {
  viewer { login }
  repository(owner: $owner, name: $repo) {
    id url
    defaultBranchRef { name }
    config: object(expression: $config) { ... on Blob { text isTruncated } }
    followUpTemplate: object(expression: $followUpTemplate) { ... on Blob { text isTruncated } }
    followUpLabel: label(name: $followUpLabel) { id }
    document: object(expression: $document) { ... on Blob { text isTruncated } }
    pullRequest(number: $pull) {
      id number url merged body
      comments(last: 30) { nodes { id body viewerDidAuthor } }
    }
    issue(number: $incident) { id number title url labels(first: 100) { nodes { name } } }
  }
}`;

export interface MergedPostmortemRead {
  viewer: string;
  repository: { id: string; url: string; defaultBranch: string | null };
  files: { config: string | null; followUpTemplate: string | null };
  followUpLabelId: string | null;
  document: string | null;
  pullRequest: {
    id: string;
    number: number;
    url: string;
    merged: boolean;
    comments: Array<{ id: string; body: string; viewerDidAuthor: boolean }>;
  } | null;
  incident: { id: string; number: number; title: string; url: string; labels: string[] } | null;
}

export async function readMergedPostmortem(
  github: GitHubClient,
  req: RepoRef & {
    pull: number;
    incident: number;
    /** `<merge commit>:<path>` */
    document: string;
    configPath: string;
    followUpTemplatePath: string;
    followUpLabel: string;
  },
): Promise<MergedPostmortemRead> {
  const data = await github.graphql<{
    viewer: { login: string };
    repository: {
      id: string;
      url: string;
      defaultBranchRef: { name: string } | null;
      config: Blob | null;
      followUpTemplate: Blob | null;
      followUpLabel: { id: string } | null;
      document: Blob | null;
      pullRequest: {
        id: string;
        number: number;
        url: string;
        merged: boolean;
        body: string;
        comments: { nodes: Array<{ id: string; body: string; viewerDidAuthor: boolean }> };
      } | null;
      issue: {
        id: string;
        number: number;
        title: string;
        url: string;
        labels: { nodes: Array<{ name: string }> } | null;
      } | null;
    };
  }>(MERGED_POSTMORTEM_QUERY, {
    owner: req.owner,
    repo: req.repo,
    pull: req.pull,
    incident: req.incident,
    document: req.document,
    followUpTemplate: `HEAD:${req.followUpTemplatePath}`,
    config: `HEAD:${req.configPath}`,
    followUpLabel: req.followUpLabel,
  });
  const r = data.repository;
  const text = (blob: Blob | null) =>
    blob && typeof blob.text === "string" && !blob.isTruncated ? blob.text : null;
  return {
    viewer: data.viewer.login,
    repository: { id: r.id, url: r.url, defaultBranch: r.defaultBranchRef?.name ?? null },
    files: { config: text(r.config), followUpTemplate: text(r.followUpTemplate) },
    followUpLabelId: r.followUpLabel?.id ?? null,
    document: text(r.document),
    pullRequest: r.pullRequest
      ? {
          id: r.pullRequest.id,
          number: r.pullRequest.number,
          url: r.pullRequest.url,
          merged: r.pullRequest.merged,
          comments: r.pullRequest.comments.nodes,
        }
      : null,
    incident: r.issue
      ? {
          id: r.issue.id,
          number: r.issue.number,
          title: r.issue.title,
          url: r.issue.url,
          labels: (r.issue.labels?.nodes ?? []).map((l) => l.name),
        }
      : null,
  };
}
