// One GraphQL request reads everything an incident operation needs: the issue's timeline, the
// changes that landed in the suspect window, recent deployments, firebreak's labels and any
// template overrides. Further pages cost one request each and are only fetched when needed.
import { decodeCheckpoint, type ReplayCheckpoint } from "../core/checkpoint.js";
import type { Change, Deployment, TimelineItem } from "../core/model.js";
import { TRACKER_MARKER } from "../core/tracker.js";
import { allowNotFound } from "./batch.js";
import type { GitHubClient, IssueRef } from "./client.js";

export const OVERRIDES_DIR = ".github/firebreak";

export const TIMELINE_TYPES = [
  "ISSUE_COMMENT",
  "LABELED_EVENT",
  "UNLABELED_EVENT",
  "ASSIGNED_EVENT",
  "UNASSIGNED_EVENT",
  "CLOSED_EVENT",
  "REOPENED_EVENT",
  "CROSS_REFERENCED_EVENT",
  "RENAMED_TITLE_EVENT",
].join(", ");

/**
 * How a read recognises firebreak's own comments and reactions: as the viewer, with the app's own
 * token; or by its bot login, for the Action, which runs as another bot (github-actions).
 */
export type Firebreak = { viewer: true } | { login: string | null };

/** A page of the timeline's records as firebreak reads them; `byLogin` also asks who reacted to each comment. */
export function timelineFragment(recognise: "viewer" | "byLogin"): string {
  return `
fragment TimelinePage on IssueTimelineItemsConnection {
  pageInfo { hasNextPage endCursor }
  nodes { ...TimelineNode }
}
${timelineNodeFragment(recognise)}`;
}

/** One timeline record as firebreak reads it. */
function timelineNodeFragment(recognise: "viewer" | "byLogin"): string {
  const reacted =
    recognise === "viewer"
      ? "viewerHasReacted"
      : "reactors(first: 10) { nodes { __typename ... on Bot { login } ... on User { login } } }";
  return `
fragment TimelineNode on IssueTimelineItems {
    __typename
    ... on IssueComment {
      id databaseId url author { __typename login } viewerDidAuthor createdAt body
      reactionGroups { content ${reacted} }
    }
    ... on LabeledEvent { createdAt actor { __typename login } label { name } }
    ... on UnlabeledEvent { createdAt actor { __typename login } label { name } }
    ... on AssignedEvent { createdAt actor { __typename login } assignee { ... on Actor { login } } }
    ... on UnassignedEvent { createdAt actor { __typename login } assignee { ... on Actor { login } } }
    ... on ClosedEvent { createdAt actor { __typename login } }
    ... on ReopenedEvent { createdAt actor { __typename login } }
    ... on CrossReferencedEvent {
      createdAt actor { __typename login }
      source {
        __typename
        ... on PullRequest { number title url headRefName mergedAt pullState: state viewerDidAuthor }
        ... on Issue { number title url state viewerDidAuthor }
      }
    }
    ... on RenamedTitleEvent { createdAt actor { __typename login } previousTitle currentTitle }
}`;
}

const TIMELINE_FRAGMENT = timelineFragment("viewer");

const HISTORY_FRAGMENT = `
fragment HistoryPage on CommitHistoryConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    oid messageHeadline committedDate url additions deletions
    author { name user { login } }
    associatedPullRequests(first: 3) {
      nodes {
        number title url mergedAt baseRefName additions deletions author { login }
        files(first: 100) { totalCount nodes { path } }
      }
    }
  }
}`;

const LABEL_ALIASES = ["l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7"] as const;

/**
 * The incident read. `users` are the logins a write will need node ids for (a new incident
 * commander, people to assign): one alias each, so they cost nothing extra.
 */
export function incidentContextQuery(users = 0): string {
  const userAliases = Array.from({ length: users }, (_, i) => `u${i}`);
  return `
query IncidentContext($owner: String!, $repo: String!, $issue: Int!, $branch: String!, $overrides: String!,
  $withHistory: Boolean!, $since: GitTimestamp!, $until: GitTimestamp!, $commits: Int!,
  ${[...LABEL_ALIASES, ...userAliases].map((a) => `$${a}: String!`).join(", ")}) {
  ${userAliases.map((a) => `${a}: user(login: $${a}) { id login }`).join("\n  ")}
  repository(owner: $owner, name: $repo) {
    ${LABEL_ALIASES.map((a) => `${a}: label(name: $${a}) { id name }`).join("\n    ")}
    issue(number: $issue) {
      id title body author { login }
      labels(first: 100) { nodes { id name } }
      timelineItems(first: 100, itemTypes: [${TIMELINE_TYPES}]) { ...TimelinePage }
    }
    ref(qualifiedName: $branch) @include(if: $withHistory) {
      target { ... on Commit { history(first: $commits, since: $since, until: $until) { ...HistoryPage } } }
    }
    deployments(first: 10, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { environment commitOid createdAt latestStatus { state environmentUrl } }
    }
    overrides: object(expression: $overrides) {
      ... on Tree { entries { name object { ... on Blob { text isTruncated } } } }
    }
  }
}
${TIMELINE_FRAGMENT}
${HISTORY_FRAGMENT}`;
}

export const INCIDENT_CONTEXT_QUERY = incidentContextQuery(0);

export const MORE_TIMELINE_QUERY = `
query MoreTimeline($owner: String!, $repo: String!, $issue: Int!, $after: String!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $issue) {
      timelineItems(first: 100, after: $after, itemTypes: [${TIMELINE_TYPES}]) { ...TimelinePage }
    }
  }
}
${TIMELINE_FRAGMENT}`;

/** The newest records, page by page backwards: what came after a checkpoint. */
export const LATEST_TIMELINE_QUERY = `
query LatestTimeline($owner: String!, $repo: String!, $issue: Int!, $before: String) {
  repository(owner: $owner, name: $repo) {
    issue(number: $issue) {
      timelineItems(last: 100, before: $before, itemTypes: [${TIMELINE_TYPES}]) {
        pageInfo { hasPreviousPage startCursor }
        nodes { ...TimelineNode }
      }
    }
  }
}
${timelineNodeFragment("viewer")}`;

export const HISTORY_QUERY = `
query History($owner: String!, $repo: String!, $branch: String!, $since: GitTimestamp!,
  $until: GitTimestamp!, $commits: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    ref(qualifiedName: $branch) {
      target { ... on Commit { history(first: $commits, after: $after, since: $since, until: $until) { ...HistoryPage } } }
    }
  }
}
${HISTORY_FRAGMENT}`;

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface Login {
  login: string;
}
interface Actor {
  __typename?: string;
  login: string;
}

/** One timeline record as the fragment above returns it. */
export type TimelineNode =
  | {
      __typename: "IssueComment";
      id: string;
      databaseId: number;
      url?: string;
      author: Actor | null;
      viewerDidAuthor: boolean;
      createdAt: string;
      body: string;
      reactionGroups: Array<{
        content: string;
        viewerHasReacted?: boolean;
        reactors?: { nodes: Array<{ __typename: string; login?: string } | null> };
      }> | null;
    }
  | {
      __typename: "LabeledEvent" | "UnlabeledEvent";
      createdAt: string;
      actor: Actor | null;
      label: { name: string };
    }
  | {
      __typename: "AssignedEvent" | "UnassignedEvent";
      createdAt: string;
      actor: Actor | null;
      assignee: { login?: string } | null;
    }
  | { __typename: "ClosedEvent" | "ReopenedEvent"; createdAt: string; actor: Actor | null }
  | {
      __typename: "CrossReferencedEvent";
      createdAt: string;
      actor: Actor | null;
      source: {
        __typename: string;
        number?: number;
        title?: string;
        url?: string;
        headRefName?: string;
        mergedAt?: string | null;
        /** A pull request's state (aliased: an issue's state is another type). */
        pullState?: string;
        state?: string;
        viewerDidAuthor?: boolean;
      };
    }
  | {
      __typename: "RenamedTitleEvent";
      createdAt: string;
      actor: Actor | null;
      previousTitle: string;
      currentTitle: string;
    };
interface TimelineConnection {
  pageInfo: PageInfo;
  nodes: TimelineNode[];
}
interface HistoryNode {
  oid: string;
  messageHeadline: string;
  committedDate: string;
  url: string;
  additions: number;
  deletions: number;
  author: { name: string | null; user: Login | null } | null;
  associatedPullRequests: {
    nodes: Array<{
      number: number;
      title: string;
      url: string;
      mergedAt: string | null;
      baseRefName: string;
      additions: number;
      deletions: number;
      author: Login | null;
      files: { totalCount: number; nodes: Array<{ path: string }> } | null;
    }>;
  } | null;
}
interface HistoryConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: HistoryNode[];
}
interface ContextResponse {
  [userAlias: string]: unknown;
  repository: {
    [alias: string]: unknown;
    issue: {
      id: string;
      title: string;
      body: string;
      author: Login | null;
      labels: { nodes: Array<{ id: string; name: string }> } | null;
      timelineItems: TimelineConnection;
    } | null;
    ref: { target: { history?: HistoryConnection } | null } | null;
    deployments: {
      nodes: Array<{
        environment: string | null;
        commitOid: string;
        createdAt: string;
        latestStatus: { state: string; environmentUrl: string | null } | null;
      }>;
    };
    overrides: {
      entries?: Array<{ name: string; object: { text?: string | null; isTruncated?: boolean } | null }>;
    } | null;
  } | null;
}

export interface HistoryRequest {
  branch: string;
  /** Suspect window: changes that landed between `since` and `until`. */
  since: Date;
  until: Date;
  /** At most this many commits are read (100 a request). */
  maxCommits: number;
}

export interface IncidentContextRequest extends IssueRef {
  branch: string;
  /** Logins whose node ids the writes will need (e.g. a new incident commander). */
  users?: string[];
  /** Read the branch's history in the same request; null when the suspects are already known. */
  history: Omit<HistoryRequest, "branch"> | null;
  /** The names of firebreak's eight labels, to learn which the repository lacks. */
  labelNames: string[];
  /** The key a tracker's replay checkpoint must carry to be used (see core/checkpoint.ts); none: read it all. */
  checkpointKey?: string;
  /** The comment being answered: it must be among the records read. */
  commentId?: number;
}

export interface ChangesRead {
  changes: Change[];
  /** Commits in the window, including those beyond `maxCommits` that were not read. */
  inWindow: number;
  /** Commits read (several commits of one pull request count once in `changes`). */
  scanned: number;
  /** False when the branch does not exist. */
  branchFound: boolean;
}

export interface IncidentContext {
  /** The issue's GraphQL node id, the subject of every write. */
  issueId: string;
  /** The issue as it is now (a webhook about something else, a merged rollback, carries none of it). */
  issue: { title: string; body: string; author: string | null };
  /** The issue's labels now: a redelivered webhook's payload may be out of date. */
  labels: string[];
  /** Node ids of the labels firebreak knows of (its own that exist, and those on the issue), by name. */
  labelIds: Record<string, string>;
  /** Node ids of the requested users, by lower-cased login; null for a login GitHub does not know. */
  users: Record<string, { id: string; login: string } | null>;
  /**
   * The records: all of them, or, with a checkpoint, those from `checkpoint.until` on (and
   * firebreak's own comments from the first page, such as the tracker).
   */
  timeline: TimelineItem[];
  /** The replay up to a moment, as the tracker carried it; null when the whole timeline was read. */
  checkpoint: ReplayCheckpoint | null;
  /** The timeline is longer than one page: worth a checkpoint. */
  long: boolean;
  /** Null when the request asked for no history. */
  history: ChangesRead | null;
  deployments: Deployment[];
  missingLabels: string[];
  /** Template overrides found in `.github/firebreak/`, by file name. */
  overrides: Record<string, string>;
}

export async function fetchIncidentContext(
  github: GitHubClient,
  req: IncidentContextRequest,
): Promise<IncidentContext> {
  if (req.labelNames.length !== LABEL_ALIASES.length) throw new Error("expected exactly eight label names");
  const window = req.history ?? { since: new Date(0), until: new Date(0), maxCommits: 1 };
  const users = req.users ?? [];
  // GitHub answers `user(login:)` for a login it does not know with null and NOT_FOUND; the rest is the read.
  const data = await allowNotFound(
    github.graphql<ContextResponse>(incidentContextQuery(users.length), {
      owner: req.owner,
      repo: req.repo,
      issue: req.issueNumber,
      branch: `refs/heads/${req.branch}`,
      overrides: `${req.branch}:${OVERRIDES_DIR}`,
      withHistory: req.history !== null,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      commits: Math.min(100, window.maxCommits),
      ...Object.fromEntries(LABEL_ALIASES.map((alias, i) => [alias, req.labelNames[i]])),
      ...Object.fromEntries(users.map((login, i) => [`u${i}`, login])),
    }),
    /^u\d+$/,
    // Deployments need a permission of their own, which an installation may not have granted yet:
    // then the incident goes on without them.
    (problem) => problem.type === "FORBIDDEN" && problem.path?.join(".") === "repository.deployments",
  );
  const repository = data.repository;
  if (!repository?.issue)
    throw new Error(`issue #${req.issueNumber} was not found in ${req.owner}/${req.repo}`);

  // The timeline and the history continue independently, so their further pages are read side by side.
  const [timeline, history] = await Promise.all([
    readTimeline(github, req, repository.issue.timelineItems),
    !req.history
      ? Promise.resolve(null)
      : repository.ref
        ? readHistory(
            github,
            req,
            { ...req.history, branch: req.branch },
            repository.ref.target?.history ?? EMPTY_HISTORY,
          )
        : Promise.resolve(NO_BRANCH),
  ]);

  const issueLabels = repository.issue.labels?.nodes ?? [];
  const knownLabels = LABEL_ALIASES.flatMap((alias) => {
    const label = repository[alias] as { id: string; name: string } | null | undefined;
    return label ? [label] : [];
  });
  return {
    issueId: repository.issue.id,
    issue: {
      title: repository.issue.title,
      body: repository.issue.body,
      author: repository.issue.author?.login ?? null,
    },
    labels: issueLabels.map((label) => label.name),
    labelIds: Object.fromEntries([...knownLabels, ...issueLabels].map((label) => [label.name, label.id])),
    users: Object.fromEntries(
      users.map((login, i) => [
        login.toLowerCase(),
        (data[`u${i}`] as { id: string; login: string } | null) ?? null,
      ]),
    ),
    timeline: timeline.items,
    checkpoint: timeline.checkpoint,
    long: repository.issue.timelineItems.pageInfo.hasNextPage,
    history,
    deployments: (repository.deployments?.nodes ?? []).map((d) => ({
      environment: d.environment ?? "unknown",
      sha: d.commitOid,
      createdAt: new Date(d.createdAt),
      state: d.latestStatus?.state.toLowerCase() ?? null,
      url: d.latestStatus?.environmentUrl ?? null,
    })),
    missingLabels: LABEL_ALIASES.flatMap((alias, i) =>
      repository[alias] ? [] : [req.labelNames[i] as string],
    ),
    overrides: Object.fromEntries(
      (repository.overrides?.entries ?? []).flatMap((entry) =>
        typeof entry.object?.text === "string" && !entry.object.isTruncated
          ? [[entry.name, entry.object.text]]
          : [],
      ),
    ),
  };
}

const toItems = (nodes: TimelineNode[]): TimelineItem[] =>
  nodes.map((node) => toTimelineItem(node, { viewer: true })).filter((item) => item !== null);

/**
 * The incident's records. A long timeline whose tracker carries a checkpoint is read from its end
 * back to the checkpoint (usually one request) instead of from its start (one per 100 records).
 */
async function readTimeline(
  github: GitHubClient,
  req: IncidentContextRequest,
  first: TimelineConnection,
): Promise<{ items: TimelineItem[]; checkpoint: ReplayCheckpoint | null }> {
  const vars = { owner: req.owner, repo: req.repo, issue: req.issueNumber };
  const readForward = async () => ({
    items: toItems(
      await readAll(first, Number.POSITIVE_INFINITY, async (after) => {
        const more = await github.graphql<{ repository: { issue: { timelineItems: TimelineConnection } } }>(
          MORE_TIMELINE_QUERY,
          { ...vars, after },
        );
        return more.repository.issue.timelineItems;
      }),
    ),
    checkpoint: null,
  });
  const head = toItems(first.nodes);
  if (!first.pageInfo.hasNextPage || !req.checkpointKey) return readForward();
  const tracker = head.find(
    (item) => item.type === "comment" && item.byApp && item.body.startsWith(TRACKER_MARKER),
  );
  const checkpoint = tracker?.type === "comment" ? decodeCheckpoint(tracker.body, req.checkpointKey) : null;
  if (!checkpoint) return readForward();

  const until = checkpoint.until.getTime();
  const latest: TimelineNode[] = [];
  let before: string | null = null;
  for (;;) {
    const page: { repository: { issue: { timelineItems: BackwardPage } } } = await github.graphql(
      LATEST_TIMELINE_QUERY,
      { ...vars, before },
    );
    const { nodes, pageInfo } = page.repository.issue.timelineItems;
    latest.unshift(...nodes);
    const oldest = nodes[0] ? Date.parse(nodes[0].createdAt) : Number.NEGATIVE_INFINITY;
    if (!pageInfo.hasPreviousPage || !pageInfo.startCursor || oldest < until) break;
    before = pageInfo.startCursor;
  }
  const since = toItems(latest).filter((item) => item.createdAt.getTime() >= until);
  // A comment from before the checkpoint (a webhook redelivered long after) needs the whole record.
  if (req.commentId !== undefined && !since.some((i) => i.type === "comment" && i.id === req.commentId))
    return readForward();
  const ownEarlier = head.filter(
    (item) => item.type === "comment" && item.byApp && item.createdAt.getTime() < until,
  );
  return { items: [...ownEarlier, ...since], checkpoint };
}

interface BackwardPage {
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
  nodes: TimelineNode[];
}

/** The changes in a window, when the incident context was read without them. */
export async function fetchChanges(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  req: HistoryRequest,
): Promise<ChangesRead> {
  return readHistory(github, repo, req, null);
}

async function readHistory(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  req: HistoryRequest,
  firstPage: HistoryConnection | null,
): Promise<ChangesRead> {
  const variables = {
    owner: repo.owner,
    repo: repo.repo,
    branch: `refs/heads/${req.branch}`,
    since: req.since.toISOString(),
    until: req.until.toISOString(),
  };
  let branchFound = true;
  const page = async (after: string | null, remaining: number) => {
    const data = await github.graphql<{
      repository: { ref: { target: { history?: HistoryConnection } } | null };
    }>(HISTORY_QUERY, { ...variables, commits: Math.min(100, remaining), after });
    if (!data.repository.ref) branchFound = false;
    return data.repository.ref?.target.history ?? EMPTY_HISTORY;
  };
  const first = firstPage ?? (await page(null, req.maxCommits));
  const nodes = await readAll(first, req.maxCommits, page);
  return {
    changes: onePerPullRequest(nodes.map((node) => toChange(node, req.branch))),
    inWindow: first.totalCount,
    scanned: nodes.length,
    branchFound,
  };
}

const NO_BRANCH: ChangesRead = { changes: [], inWindow: 0, scanned: 0, branchFound: false };
const EMPTY_HISTORY: HistoryConnection = {
  totalCount: 0,
  pageInfo: { hasNextPage: false, endCursor: null },
  nodes: [],
};

async function readAll<T>(
  first: { pageInfo: PageInfo; nodes: T[] },
  limit: number,
  next: (after: string, remaining: number) => Promise<{ pageInfo: PageInfo; nodes: T[] }>,
): Promise<T[]> {
  const nodes = [...first.nodes];
  let page = first.pageInfo;
  while (page.hasNextPage && page.endCursor && nodes.length < limit) {
    const more = await next(page.endCursor, limit - nodes.length);
    nodes.push(...more.nodes);
    page = more.pageInfo;
  }
  return nodes.slice(0, limit);
}

/** One timeline record as the core's item; null for what the core does not use. */
export function toTimelineItem(node: TimelineNode, firebreak: Firebreak): TimelineItem | null {
  const createdAt = new Date(node.createdAt);
  const actor = "actor" in node ? (node.actor?.login ?? null) : null;
  const isFirebreak = (who: { __typename?: string; login?: string } | null | undefined) =>
    "login" in firebreak &&
    firebreak.login !== null &&
    who?.__typename === "Bot" &&
    who.login?.toLowerCase() === firebreak.login.toLowerCase();
  switch (node.__typename) {
    case "IssueComment": {
      const reacted = (content: string) =>
        node.reactionGroups?.some(
          (group) =>
            group.content === content &&
            ("viewer" in firebreak
              ? group.viewerHasReacted === true
              : (group.reactors?.nodes.some(isFirebreak) ?? false)),
        ) ?? false;
      return {
        type: "comment",
        id: node.databaseId,
        nodeId: node.id,
        appReaction: reacted("THUMBS_UP") ? "THUMBS_UP" : reacted("CONFUSED") ? "CONFUSED" : null,
        author: node.author?.login ?? null,
        byApp: "viewer" in firebreak ? node.viewerDidAuthor : isFirebreak(node.author),
        byBot: node.author?.__typename === "Bot",
        createdAt,
        body: node.body,
      };
    }
    case "LabeledEvent":
    case "UnlabeledEvent":
      return {
        type: node.__typename === "LabeledEvent" ? "labeled" : "unlabeled",
        label: node.label.name,
        actor,
        createdAt,
      };
    case "AssignedEvent":
    case "UnassignedEvent":
      return {
        type: node.__typename === "AssignedEvent" ? "assigned" : "unassigned",
        assignee: node.assignee?.login ?? null,
        actor,
        createdAt,
      };
    case "ClosedEvent":
    case "ReopenedEvent":
      return { type: node.__typename === "ClosedEvent" ? "closed" : "reopened", actor, createdAt };
    case "CrossReferencedEvent": {
      const { source } = node;
      if (source.number === undefined || !source.url) return null;
      // Read by login (the Action), the viewer's own references are its post-mortem and follow-ups.
      if ("login" in firebreak && source.viewerDidAuthor) return null;
      return {
        type: "cross-referenced",
        actor,
        createdAt,
        source: {
          kind: source.__typename === "PullRequest" ? "pull_request" : "issue",
          number: source.number,
          title: source.title ?? "",
          url: source.url,
          branch: source.headRefName ?? null,
          mergedAt: source.mergedAt ? new Date(source.mergedAt) : null,
          open: source.pullState === "OPEN",
        },
      };
    }
    case "RenamedTitleEvent":
      return { type: "renamed", from: node.previousTitle, to: node.currentTitle, actor, createdAt };
    default:
      return null;
  }
}

function toChange(node: HistoryNode, branch: string): Change {
  // A commit can belong to several PRs; only a PR merged into this branch explains how it landed.
  const pr = node.associatedPullRequests?.nodes.find((p) => p.mergedAt && p.baseRefName === branch) ?? null;
  const files = pr?.files ?? null;
  return {
    sha: node.oid,
    headline: node.messageHeadline,
    url: node.url,
    landedAt: new Date(pr?.mergedAt ?? node.committedDate),
    author: node.author?.user?.login ?? node.author?.name ?? null,
    additions: pr ? pr.additions : node.additions,
    deletions: pr ? pr.deletions : node.deletions,
    paths: files?.nodes.map((f) => f.path) ?? [],
    pathsTruncated: files ? files.totalCount > files.nodes.length : false,
    pullRequest:
      pr?.mergedAt != null
        ? {
            number: pr.number,
            title: pr.title,
            url: pr.url,
            author: pr.author?.login ?? null,
            mergedAt: new Date(pr.mergedAt),
          }
        : null,
  };
}

/**
 * A merged branch brings its own commits into the history next to the merge commit; they all
 * belong to one pull request, which is one suspect. History is newest first, so the merge (or
 * last rebased) commit is the one kept.
 */
function onePerPullRequest(changes: Change[]): Change[] {
  const seen = new Set<number>();
  return changes.filter((change) => {
    if (!change.pullRequest) return true;
    if (seen.has(change.pullRequest.number)) return false;
    seen.add(change.pullRequest.number);
    return true;
  });
}
