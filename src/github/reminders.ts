// The reminders sweep's reads and writes. One GraphQL request answers two issue searches side by
// side (every open incident, and the incidents closed recently enough to still owe a post-mortem),
// each with the issue's labels and timeline, plus the configuration and the reminder template.
// Further pages cost one request each: of the search (only past 10 incidents), of an incident's
// timeline (only past 100 records). The reminders go out in one mutation per 25 incidents.
import type { Config } from "../config/schema.js";
import type { TimelineItem } from "../core/model.js";
import { INCIDENT_COMMENT_MARKER, postmortemBranch } from "../core/postmortem.js";
import { type PostedReminder, parseReminderMarker } from "../core/reminders.js";
import { formatUtcDate } from "../core/time.js";
import { TRACKER_MARKER } from "../core/tracker.js";
import { type FieldResult, performBatch } from "./batch.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { TIMELINE_TYPES, type TimelineNode, timelineFragment, toTimelineItem } from "./incident-context.js";
import { restOfTimeline, type TimelinePage } from "./postmortem.js";

/** The first page is small: GitHub prices a search by the page asked for, and most sweeps find few incidents. */
export const FIRST_PAGE = 10;
export const NEXT_PAGES = 100;
/** Closed incidents are searched this long past their post-mortem deadline, then left alone. */
export const POSTMORTEM_LOOKBACK_MS = 7 * 24 * 3_600_000;
const COMMENTS_PER_REQUEST = 25;

export const REMINDERS_QUERY = `
query ReminderSweep($owner: String!, $repo: String!, $withFiles: Boolean!, $config: String!,
  $template: String!, $open: String!, $withOpen: Boolean!, $openFirst: Int!, $openAfter: String,
  $closed: String!, $withClosed: Boolean!, $closedFirst: Int!, $closedAfter: String) {
  repository(owner: $owner, name: $repo) @include(if: $withFiles) {
    config: object(expression: $config) { ... on Blob { text isTruncated } }
    template: object(expression: $template) { ... on Blob { text isTruncated } }
  }
  open: search(type: ISSUE, query: $open, first: $openFirst, after: $openAfter) @include(if: $withOpen) {
    ...SweptIncidents
  }
  closed: search(type: ISSUE, query: $closed, first: $closedFirst, after: $closedAfter) @include(if: $withClosed) {
    ...SweptIncidents
  }
}
fragment SweptIncidents on SearchResultItemConnection {
  issueCount
  pageInfo { hasNextPage endCursor }
  nodes {
    __typename
    ... on Issue {
      id number title url state stateReason createdAt closedAt
      author { login }
      labels(first: 20) { nodes { name } }
      timelineItems(first: 100, itemTypes: [${TIMELINE_TYPES}]) { ...TimelinePage }
    }
  }
}
${timelineFragment("byLogin")}`;

/** The two searches, from the configuration's label names and post-mortem settings. */
export function reminderSearches(
  repo: RepoRef,
  config: Config,
  now: Date,
): { open: string; closed: string | null } {
  const labels = (names: string[]) => `label:${names.map((n) => `"${n.replace(/"/g, "")}"`).join(",")}`;
  const scope = `repo:${repo.owner}/${repo.repo} is:issue`;
  const severities = config.reminders.postmortem_severities;
  const since = new Date(now.getTime() - config.reminders.postmortem_after - POSTMORTEM_LOOKBACK_MS);
  return {
    open: `${scope} is:open ${labels(Object.values(config.labels.severity))} sort:created-asc`,
    closed:
      severities.length === 0
        ? null
        : `${scope} is:closed ${labels(severities.map((key) => config.labels.severity[key]))} closed:>=${formatUtcDate(since)} sort:created-asc`,
  };
}

interface Blob {
  text?: string | null;
  isTruncated?: boolean;
}
interface IssueNode {
  __typename: string;
  id: string;
  number: number;
  title: string;
  url: string;
  state: "OPEN" | "CLOSED";
  stateReason: string | null;
  createdAt: string;
  closedAt: string | null;
  author: { login: string } | null;
  labels: { nodes: Array<{ name: string }> } | null;
  timelineItems: TimelinePage;
}
interface SearchPage {
  issueCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<IssueNode | Record<string, never> | null>;
}
interface SweepResponse {
  repository?: { config: Blob | null; template: Blob | null } | null;
  open?: SearchPage;
  closed?: SearchPage;
}

/** One incident the sweep found, with what the decision needs. */
export interface SweptIncident {
  id: string;
  number: number;
  title: string;
  url: string;
  labels: string[];
  open: boolean;
  closedNotPlanned: boolean;
  createdAt: Date;
  closedAt: Date | null;
  reporter: string | null;
  /** firebreak's login: the input's, or the tracker comment's author; null when neither is known. */
  appLogin: string | null;
  timeline: TimelineItem[];
  /** Reminders already posted on it, from their markers. */
  reminded: PostedReminder[];
  /** A post-mortem pull request from its branch, open or merged (or the Action's link to one). */
  hasPostmortem: boolean;
}

export interface Sweep {
  files: { config: string | null; template: string | null };
  incidents: SweptIncident[];
  requests: number;
}

/**
 * Reads every incident the reminders may concern. `configOf` turns the file's text into the
 * configuration; the first request searches with the default label names, and when the
 * repository's configuration asks another search (renamed labels, other post-mortem settings) the
 * search is made again with it.
 */
export async function sweepIncidents(
  github: GitHubClient,
  req: RepoRef & {
    now: Date;
    configPath: string;
    templatePath: string;
    defaults: Config;
    configOf: (text: string | null) => Config;
    /** firebreak's login as GraphQL names it (no `[bot]`); null to learn it from each tracker's author. */
    appLogin: string | null;
  },
): Promise<Sweep & { config: Config }> {
  let requests = 0;
  const query = async (variables: {
    withFiles: boolean;
    open: { query: string; first: number; after: string | null } | null;
    closed: { query: string; first: number; after: string | null } | null;
  }) => {
    requests++;
    return github.graphql<SweepResponse>(REMINDERS_QUERY, {
      owner: req.owner,
      repo: req.repo,
      withFiles: variables.withFiles,
      config: `HEAD:${req.configPath}`,
      template: `HEAD:${req.templatePath}`,
      open: variables.open?.query ?? "",
      withOpen: variables.open !== null,
      openFirst: variables.open?.first ?? FIRST_PAGE,
      openAfter: variables.open?.after ?? null,
      closed: variables.closed?.query ?? "",
      withClosed: variables.closed !== null,
      closedFirst: variables.closed?.first ?? FIRST_PAGE,
      closedAfter: variables.closed?.after ?? null,
    });
  };

  const assumed = reminderSearches(req, req.defaults, req.now);
  const first = await query({
    withFiles: true,
    open: { query: assumed.open, first: FIRST_PAGE, after: null },
    closed: assumed.closed ? { query: assumed.closed, first: FIRST_PAGE, after: null } : null,
  });
  const text = (blob: Blob | null | undefined) =>
    blob && typeof blob.text === "string" && !blob.isTruncated ? blob.text : null;
  const files = { config: text(first.repository?.config), template: text(first.repository?.template) };
  const config = req.configOf(files.config);
  const searches = reminderSearches(req, config, req.now);

  let open: SearchPage | undefined;
  let closed: SearchPage | undefined;
  if (searches.open === assumed.open && searches.closed === assumed.closed) {
    ({ open, closed } = first);
  } else {
    ({ open, closed } = await query({
      withFiles: false,
      open: { query: searches.open, first: FIRST_PAGE, after: null },
      closed: searches.closed ? { query: searches.closed, first: FIRST_PAGE, after: null } : null,
    }));
  }
  const nodes: IssueNode[] = [];
  const take = (page: SearchPage | undefined) => {
    for (const node of page?.nodes ?? [])
      if (node && node.__typename === "Issue") nodes.push(node as IssueNode);
  };
  take(open);
  take(closed);
  // Further pages of either search, side by side in one request each.
  let openNext = open?.pageInfo.hasNextPage ? open.pageInfo.endCursor : null;
  let closedNext = closed?.pageInfo.hasNextPage ? closed.pageInfo.endCursor : null;
  while (openNext || closedNext) {
    const more = await query({
      withFiles: false,
      open: openNext ? { query: searches.open, first: NEXT_PAGES, after: openNext } : null,
      closed:
        closedNext && searches.closed
          ? { query: searches.closed, first: NEXT_PAGES, after: closedNext }
          : null,
    });
    take(more.open);
    take(more.closed);
    openNext = openNext && more.open?.pageInfo.hasNextPage ? more.open.pageInfo.endCursor : null;
    closedNext = closedNext && more.closed?.pageInfo.hasNextPage ? more.closed.pageInfo.endCursor : null;
  }

  const seen = new Set<number>();
  const unique = nodes.filter((node) => !seen.has(node.number) && seen.add(node.number));
  // Long timelines continue independently: their further pages are read side by side.
  const incidents = await Promise.all(
    unique.map(async (node) => {
      const rest = await restOfTimeline(github, { ...req, issueNumber: node.number }, node.timelineItems);
      requests += rest.requests;
      return sweptIncident(node, rest.nodes, req.appLogin);
    }),
  );
  return { files, incidents, requests, config };
}

function sweptIncident(
  node: IssueNode,
  nodes: Array<TimelineNode | null>,
  appSlug: string | null,
): SweptIncident {
  const present = nodes.filter((n): n is TimelineNode => n !== null);
  const comments = present.filter(
    (n): n is Extract<TimelineNode, { __typename: "IssueComment" }> => n.__typename === "IssueComment",
  );
  const byBot = comments.filter((c) => c.author?.__typename === "Bot");
  const tracker = byBot.find((c) => c.body.startsWith(TRACKER_MARKER)) ?? null;
  const appLogin = appSlug ?? tracker?.author?.login ?? null;
  // The post-mortem pull request names the incident, so GitHub records it in the incident's timeline.
  const branch = postmortemBranch(node.number);
  const pulls = present.flatMap((n) =>
    n.__typename === "CrossReferencedEvent" && n.source.headRefName === branch ? [n.source] : [],
  );
  const linked = byBot.some((c) => c.body.includes(INCIDENT_COMMENT_MARKER));
  const hasPostmortem =
    pulls.some((p) => p.pullState === "OPEN" || p.pullState === "MERGED") ||
    (linked && !pulls.some((p) => p.pullState === "CLOSED"));
  return {
    id: node.id,
    number: node.number,
    title: node.title,
    url: node.url,
    labels: (node.labels?.nodes ?? []).map((l) => l.name),
    open: node.state === "OPEN",
    closedNotPlanned: node.state === "CLOSED" && node.stateReason === "NOT_PLANNED",
    createdAt: new Date(node.createdAt),
    closedAt: node.closedAt ? new Date(node.closedAt) : null,
    reporter: node.author?.login ?? null,
    appLogin,
    timeline: present.flatMap((n) => {
      const item = toTimelineItem(n, { login: appLogin });
      return item ? [item] : [];
    }),
    reminded: byBot.flatMap((c) => parseReminderMarker(c.body)),
    hasPostmortem,
  };
}

/** Posts the reminder comments, 25 to a request; returns, per comment, what GitHub answered. */
export async function postReminders(
  github: GitHubClient,
  comments: ReadonlyArray<{ subjectId: string; body: string }>,
): Promise<{ results: FieldResult[]; requests: number }> {
  const results: FieldResult[] = [];
  let requests = 0;
  for (let start = 0; start < comments.length; start += COMMENTS_PER_REQUEST) {
    const chunk = comments.slice(start, start + COMMENTS_PER_REQUEST);
    results.push(
      ...(await performBatch(
        github,
        "FirebreakReminders",
        chunk.map((c) => ({ field: "addComment", input: { subjectId: c.subjectId, body: c.body } })),
      )),
    );
    requests++;
  }
  return { results, requests };
}
