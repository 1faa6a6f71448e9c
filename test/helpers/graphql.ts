// GraphQL answers shaped as GitHub returns them for firebreak's queries.
type Json = Record<string, any>;

/** The node id GitHub gives acme/shop#42: the subject of every FirebreakWrites mutation. */
export const ISSUE_NODE_ID = "I_kwDOacme42";

/** Node ids, readable in assertions: a label's is `LA_<name>` (as in the webhook payloads). */
export const labelId = (name: string): string => `LA_${name}`;
export const userId = (login: string): string => `U_${login}`;
export const commentId = (databaseId: number): string => `IC_${databaseId}`;

/** The label a `labelId` names (the inverse of `labelId`). */
export function labelNameOf(id: string): string {
  if (!id.startsWith("LA_")) throw new Error(`not a label node id: ${id}`);
  return id.slice(3);
}

const REACTIONS = [
  "THUMBS_UP",
  "THUMBS_DOWN",
  "LAUGH",
  "HOORAY",
  "CONFUSED",
  "HEART",
  "ROCKET",
  "EYES",
] as const;
export type Reaction = (typeof REACTIONS)[number];

/** A comment's `reactionGroups` as GitHub lists them (every content), `viewerHasReacted` where firebreak did. */
export function reactionGroups(viewerReacted: Reaction[] = []): Json[] {
  return REACTIONS.map((content) => ({ content, viewerHasReacted: viewerReacted.includes(content) }));
}

export function labeledNode(label: string, createdAt: string, actor = "alice"): Json {
  return { __typename: "LabeledEvent", createdAt, actor: { login: actor }, label: { name: label } };
}

export function unlabeledNode(label: string, createdAt: string, actor = "alice"): Json {
  return { __typename: "UnlabeledEvent", createdAt, actor: { login: actor }, label: { name: label } };
}

export function renamedNode(from: string, to: string, createdAt: string, actor = "alice"): Json {
  return {
    __typename: "RenamedTitleEvent",
    createdAt,
    actor: { login: actor },
    previousTitle: from,
    currentTitle: to,
  };
}

export function crossReferenceNode(
  source: { kind: "PullRequest" | "Issue"; number: number; title: string },
  createdAt: string,
  actor = "alice",
): Json {
  const path = source.kind === "PullRequest" ? "pull" : "issues";
  return {
    __typename: "CrossReferencedEvent",
    createdAt,
    actor: { login: actor },
    source: {
      __typename: source.kind,
      number: source.number,
      title: source.title,
      url: `https://github.com/acme/shop/${path}/${source.number}`,
    },
  };
}

export function commentNode(
  id: number,
  body: string,
  createdAt: string,
  options: { byApp?: boolean; author?: string; reacted?: Reaction[] } = {},
): Json {
  return {
    __typename: "IssueComment",
    id: commentId(id),
    databaseId: id,
    author: { login: options.author ?? (options.byApp ? "firebreak" : "alice") },
    viewerDidAuthor: options.byApp ?? false,
    createdAt,
    body,
    reactionGroups: reactionGroups(options.reacted ?? []),
  };
}

export function assignedNode(assignee: string, createdAt: string, actor = "firebreak"): Json {
  return { __typename: "AssignedEvent", createdAt, actor: { login: actor }, assignee: { login: assignee } };
}

export interface CommitOptions {
  sha: string;
  headline: string;
  committedDate: string;
  author?: string;
  additions?: number;
  deletions?: number;
  pr?: { number: number; title: string; mergedAt: string; author?: string; files: string[] } | null;
}

export function commitNode(c: CommitOptions): Json {
  return {
    oid: c.sha,
    messageHeadline: c.headline,
    committedDate: c.committedDate,
    url: `https://github.com/acme/shop/commit/${c.sha}`,
    additions: c.additions ?? 10,
    deletions: c.deletions ?? 2,
    author: { name: c.author ?? "Bob", user: { login: c.author ?? "bob" } },
    associatedPullRequests: {
      nodes: c.pr
        ? [
            {
              number: c.pr.number,
              title: c.pr.title,
              url: `https://github.com/acme/shop/pull/${c.pr.number}`,
              mergedAt: c.pr.mergedAt,
              baseRefName: "main",
              additions: c.additions ?? 10,
              deletions: c.deletions ?? 2,
              author: { login: c.pr.author ?? c.author ?? "bob" },
              files: { totalCount: c.pr.files.length, nodes: c.pr.files.map((path) => ({ path })) },
            },
          ]
        : [],
    },
  };
}

export interface ContextOptions {
  existingLabels?: string[];
  timeline?: Json[];
  timelineNext?: string | null;
  commits?: Json[] | null;
  totalCommits?: number;
  historyNext?: string | null;
  deployments?: Json[];
  overrides?: Record<string, string> | null;
  branchMissing?: boolean;
  /** The eight label names the query asked about (l0..l7), when the config renames labels. */
  labelNames?: string[];
  /** The issue's labels now; by default, what the timeline's label events leave. */
  issueLabels?: string[];
  /**
   * The query's variables: label names (l0..l7) and logins (u0..uN) are answered from them, as
   * GitHub would. Pass them with `contextReply`.
   */
  variables?: Json;
  /** Logins GitHub does not know: their `user(login:)` alias comes back null. */
  unknownUsers?: string[];
}

/** The labels the label events of a timeline leave on the issue, in order of the events. */
export function labelsAfter(timeline: Json[]): string[] {
  const labels = new Set<string>();
  for (const node of [...timeline].sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))) {
    if (node.__typename === "LabeledEvent") labels.add(node.label.name);
    if (node.__typename === "UnlabeledEvent") labels.delete(node.label.name);
  }
  return [...labels];
}

export const ALL_LABELS = [
  "incident/sev1",
  "incident/sev2",
  "incident/sev3",
  "incident/sev4",
  "incident/investigating",
  "incident/identified",
  "incident/monitoring",
  "incident/resolved",
];

/** The answer to the IncidentContext query. Labels: l0..l7 in the order of ALL_LABELS (or `labelNames`). */
export function contextResponse(o: ContextOptions = {}): Json {
  const variables = o.variables ?? {};
  const asked = Array.from({ length: 8 }, (_, i) => variables[`l${i}`]);
  const names: string[] = asked.every((name) => typeof name === "string")
    ? asked
    : (o.labelNames ?? ALL_LABELS);
  const existing = o.existingLabels ?? names;
  const labels = Object.fromEntries(
    names.map((name, i) => [`l${i}`, existing.includes(name) ? { id: labelId(name), name } : null]),
  );
  const users = Object.fromEntries(
    Object.entries(variables)
      .filter(([key]) => /^u\d+$/.test(key))
      .map(([key, login]) => [
        key,
        (o.unknownUsers ?? []).some((u) => u.toLowerCase() === String(login).toLowerCase())
          ? null
          : { id: userId(String(login)), login: String(login) },
      ]),
  );
  return {
    data: {
      ...users,
      repository: {
        ...labels,
        issue: {
          id: ISSUE_NODE_ID,
          labels: {
            nodes: (o.issueLabels ?? labelsAfter(o.timeline ?? [])).map((name) => ({
              id: labelId(name),
              name,
            })),
          },
          timelineItems: {
            pageInfo: { hasNextPage: Boolean(o.timelineNext), endCursor: o.timelineNext ?? null },
            nodes: o.timeline ?? [],
          },
        },
        ...(o.commits === null || o.commits === undefined
          ? {}
          : {
              ref: o.branchMissing
                ? null
                : {
                    target: {
                      history: {
                        totalCount: o.totalCommits ?? o.commits.length,
                        pageInfo: { hasNextPage: Boolean(o.historyNext), endCursor: o.historyNext ?? null },
                        nodes: o.commits,
                      },
                    },
                  },
            }),
        deployments: { nodes: o.deployments ?? [] },
        overrides: o.overrides
          ? {
              entries: Object.entries(o.overrides).map(([name, text]) => ({
                name,
                object: { text, isTruncated: false },
              })),
            }
          : null,
      },
    },
  };
}

/**
 * A nock reply function answering the IncidentContext query from the variables it was sent with
 * (label and user aliases), e.g. `.reply(contextReply({ timeline }))`.
 */
export function contextReply(o: ContextOptions | (() => ContextOptions) = {}) {
  return (_uri: string, body: any): [number, Json] => {
    const options = typeof o === "function" ? o() : o;
    return [200, contextResponse({ ...options, variables: body?.variables ?? {} })];
  };
}

/** The answer to one MoreTimeline query: a further page of the issue's timeline. */
export function timelinePage(nodes: Json[], next: string | null = null): Json {
  return {
    data: {
      repository: {
        issue: {
          timelineItems: { pageInfo: { hasNextPage: next !== null, endCursor: next }, nodes },
        },
      },
    },
  };
}

export function historyResponse(
  commits: Json[],
  o: { totalCount?: number; next?: string | null } = {},
): Json {
  return {
    data: {
      repository: {
        ref: {
          target: {
            history: {
              totalCount: o.totalCount ?? commits.length,
              pageInfo: { hasNextPage: Boolean(o.next), endCursor: o.next ?? null },
              nodes: commits,
            },
          },
        },
      },
    },
  };
}
