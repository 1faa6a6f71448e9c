// Incidents as the Action reads them: timeline nodes shaped as GitHub's GraphQL returns them for the
// PostmortemRead query, with firebreak (a bot) as the tracker's author and the reactor of applied
// commands, and the workflow token as the viewer.
import type { SuspectsView } from "../../src/core/tracker.js";
import type { FakeGitHub, FakeIssue } from "./fake-github.js";

type Json = Record<string, any>;

const REACTIONS = ["THUMBS_UP", "THUMBS_DOWN", "LAUGH", "HOORAY", "CONFUSED", "HEART", "ROCKET", "EYES"];
const actor = (login: string) => ({ __typename: login === "firebreak" ? "Bot" : "User", login });

export function commentNode(o: {
  id: number;
  by: string;
  at: string;
  body: string;
  /** Reactions by login (firebreak's 👍 is how it records that it applied the commands). */
  reactions?: Array<{ content: string; by: string }>;
}): Json {
  return {
    __typename: "IssueComment",
    id: `IC_${o.id}`,
    databaseId: o.id,
    url: `https://github.com/acme/shop/issues/42#issuecomment-${o.id}`,
    author: actor(o.by),
    viewerDidAuthor: false,
    createdAt: o.at,
    body: o.body,
    reactionGroups: REACTIONS.map((content) => ({
      content,
      reactors: { nodes: (o.reactions ?? []).filter((r) => r.content === content).map((r) => actor(r.by)) },
    })),
  };
}

/** A command comment firebreak applied (its 👍). */
export function command(id: number, by: string, at: string, body: string): Json {
  return commentNode({ id, by, at, body, reactions: [{ content: "THUMBS_UP", by: "firebreak" }] });
}

export const labeled = (label: string, at: string, by: string): Json => ({
  __typename: "LabeledEvent",
  createdAt: at,
  actor: actor(by),
  label: { name: label },
});
export const unlabeled = (label: string, at: string, by: string): Json => ({
  __typename: "UnlabeledEvent",
  createdAt: at,
  actor: actor(by),
  label: { name: label },
});
export const assigned = (who: string, at: string, by: string): Json => ({
  __typename: "AssignedEvent",
  createdAt: at,
  actor: actor(by),
  assignee: { __typename: "User", login: who },
});
export const closed = (at: string, by: string): Json => ({
  __typename: "ClosedEvent",
  createdAt: at,
  actor: actor(by),
});
export const crossReference = (
  at: string,
  by: string,
  source: {
    number: number;
    title: string;
    state: string;
    mergedAt?: string | null;
    branch?: string;
    pull?: boolean;
  },
): Json => ({
  __typename: "CrossReferencedEvent",
  createdAt: at,
  actor: actor(by),
  source:
    source.pull === false
      ? {
          __typename: "Issue",
          number: source.number,
          title: source.title,
          url: `https://github.com/acme/shop/issues/${source.number}`,
          state: source.state,
          viewerDidAuthor: false,
        }
      : {
          __typename: "PullRequest",
          number: source.number,
          title: source.title,
          url: `https://github.com/acme/shop/pull/${source.number}`,
          state: source.state,
          mergedAt: source.mergedAt ?? null,
          headRefName: source.branch ?? `feature-${source.number}`,
          viewerDidAuthor: false,
        },
});

export const SUSPECTS: SuspectsView = {
  key: "0123456789abcdef",
  rows: [
    {
      rank: 1,
      change: "[#12](https://github.com/acme/shop/pull/12) Retry card payments in checkout",
      author: "@&#8203;frank",
      landed: "2 h 48 min before",
      reason: "touches `src/checkout/` · landed 2 h 48 min before",
    },
    {
      rank: 2,
      change: "[#13](https://github.com/acme/shop/pull/13) Docs",
      author: "@&#8203;grace",
      landed: "48 min before",
      reason: "landed 48 min before",
    },
  ],
  more: 0,
  notScanned: 0,
  scanned: 2,
  branch: "main",
  window: "2026-11-20 13:48 UTC and 2026-11-22 13:48 UTC",
  deployments: ["`production` success at 2026-11-22 11:05 UTC (`aaaaaaa`)"],
};

export function trackerBody(suspects: SuspectsView = SUSPECTS): string {
  return [
    "<!-- firebreak:tracker -->",
    "## 🔥 SEV2 High incident · resolved",
    "",
    `<!-- firebreak:suspects ${Buffer.from(JSON.stringify(suspects)).toString("base64")} -->`,
  ].join("\n");
}

export const INCIDENT = 42;
export const TITLE = "Checkout returns 500 for card payments";

/**
 * Incident #42, as firebreak and its responders left it: declared SEV2 by alice, bob commanded it,
 * the start, impact and cause recorded, a revert (#14) merged, two status updates, two action items,
 * eve's unauthorised `/cause` refused (😕 and a reply listing no applied line), closed by bob.
 */
export function checkoutTimeline(): Json[] {
  const t = (hhmm: string, ss = "00") => `2026-11-22T${hhmm}:${ss}Z`;
  return [
    labeled("incident/sev2", t("14:02", "05"), "alice"),
    commentNode({ id: 1001, by: "firebreak", at: t("14:02", "08"), body: trackerBody() }),
    labeled("incident/investigating", t("14:02", "09"), "firebreak"),
    commentNode({
      id: 1002,
      by: "firebreak",
      at: t("14:02", "10"),
      body: "<!-- firebreak:checklist:respond -->\n### checklist",
    }),
    command(1003, "bob", t("14:04"), "/role ic me"),
    assigned("bob", t("14:04", "02"), "firebreak"),
    command(
      1004,
      "bob",
      t("14:06"),
      "/started 13:48 UTC\n/impact About 30% of card payments fail at checkout with HTTP 500",
    ),
    command(1005, "carol", t("14:10"), "/note pay-db connection pool at 100%"),
    command(1006, "bob", t("14:15"), "/status identified the pool is exhausted since #12"),
    labeled("incident/identified", t("14:15", "02"), "firebreak"),
    unlabeled("incident/investigating", t("14:15", "03"), "firebreak"),
    crossReference(t("14:20", "05"), "firebreak", {
      number: 14,
      title: 'Revert "Retry card payments in checkout"',
      state: "MERGED",
      mergedAt: t("14:31"),
      branch: "incident-42/revert-aaaaaaa",
    }),
    command(1007, "carol", t("14:25"), "/update Revert #14 is deploying; the error rate is falling"),
    command(1008, "bob", t("14:35"), "/status monitoring"),
    labeled("incident/monitoring", t("14:35", "02"), "firebreak"),
    unlabeled("incident/identified", t("14:35", "03"), "firebreak"),
    command(
      1009,
      "bob",
      t("14:50"),
      "/cause #12 retried card payments without a timeout, which held DB connections until the pool ran out",
    ),
    commentNode({
      id: 1010,
      by: "eve",
      at: t("14:52"),
      body: "/cause it is the CDN",
      reactions: [{ content: "CONFUSED", by: "firebreak" }],
    }),
    commentNode({
      id: 1011,
      by: "firebreak",
      at: t("14:52", "02"),
      body: "❌ no permission\n<!-- firebreak:reply:1010 applied: -->",
    }),
    command(1012, "bob", t("14:55"), "/status resolved"),
    labeled("incident/resolved", t("14:55", "02"), "firebreak"),
    unlabeled("incident/monitoring", t("14:55", "03"), "firebreak"),
    command(
      1013,
      "dave",
      t("15:00"),
      "/action-item Add an alert when pay-db pool use is above 75% @carol due:2026-12-01\n/action-item Load-test checkout retries before release @bob",
    ),
    closed(t("15:05"), "bob"),
  ];
}

export const LABELS = [
  "incident/sev1",
  "incident/sev2",
  "incident/sev3",
  "incident/sev4",
  "incident/investigating",
  "incident/identified",
  "incident/monitoring",
  "incident/resolved",
];

/** acme/shop with incident #42 closed, its people, and firebreak's labels. */
export function withCheckoutIncident(fake: FakeGitHub, timeline: Json[] = checkoutTimeline()): FakeIssue {
  for (const login of ["alice", "bob", "carol", "dave", "eve"]) fake.addUser(login);
  for (const label of LABELS) fake.addLabel(label);
  return fake.addIssue({
    number: INCIDENT,
    title: TITLE,
    body: "Card payments fail at checkout.",
    author: { __typename: "User", login: "alice" },
    state: "CLOSED",
    createdAt: "2026-11-22T14:02:00Z",
    closedAt: "2026-11-22T15:05:00Z",
    labels: ["incident/sev2", "incident/resolved"],
    assignees: ["bob"],
    timeline,
  });
}

/** An incident with `events` timeline events: the checkout incident, then notes until the count is reached. */
export function longTimeline(events: number): Json[] {
  const base = checkoutTimeline();
  const closing = base.pop() as Json;
  const notes: Json[] = [];
  const start = Date.parse("2026-11-22T15:00:30Z");
  for (let i = base.length + 1; i < events; i++) {
    const at = new Date(start + i * 1_000).toISOString().replace(/\.\d+Z$/, "Z");
    notes.push(
      command(
        20_000 + i,
        i % 3 === 0 ? "carol" : "bob",
        at,
        `/note observation ${i}: p99 latency ${200 + (i % 50)} ms`,
      ),
    );
  }
  return [...base, ...notes, { ...closing, createdAt: "2026-11-22T18:00:00Z" }];
}

/** The `issues` closed webhook for incident #42. */
export function closedPayload(labels = ["incident/sev2", "incident/resolved"]): Json {
  return {
    action: "closed",
    issue: {
      number: INCIDENT,
      title: TITLE,
      state: "closed",
      state_reason: "completed",
      labels: labels.map((name) => ({ name, description: null })),
      user: { login: "alice", type: "User" },
    },
    repository: { name: "shop", owner: { login: "acme" }, full_name: "acme/shop" },
    sender: { login: "bob", type: "User" },
  };
}

export function commentPayload(
  body: string,
  o: { association?: string; login?: string; type?: string } = {},
): Json {
  return {
    action: "created",
    issue: {
      number: INCIDENT,
      title: TITLE,
      state: "closed",
      labels: [{ name: "incident/sev2", description: null }],
    },
    comment: {
      id: 5555,
      node_id: "IC_5555",
      body,
      author_association: o.association ?? "MEMBER",
      user: { login: o.login ?? "bob", type: o.type ?? "User" },
    },
    repository: { name: "shop", owner: { login: "acme" }, full_name: "acme/shop" },
    sender: { login: o.login ?? "bob", type: o.type ?? "User" },
  };
}

/** A post-mortem's text as the Action writes it, reduced to its front matter and a heading. */
export function postmortemText(o: {
  incident: number;
  title: string;
  severity: string;
  declared: string;
  resolved: string | null;
  acknowledged?: string | null;
}): string {
  const minutes = (from: string, to: string | null | undefined) =>
    to ? String(Math.floor((Date.parse(to) - Date.parse(from)) / 60_000)) : "null";
  return [
    "---",
    `incident: ${o.incident}`,
    `title: ${JSON.stringify(o.title)}`,
    `severity: ${o.severity}`,
    "status: resolved",
    "started: null",
    `declared: ${o.declared}`,
    `acknowledged: ${o.acknowledged ?? "null"}`,
    "identified: null",
    "mitigated: null",
    `resolved: ${o.resolved ?? "null"}`,
    `closed: ${o.resolved ?? "null"}`,
    "durations_minutes:",
    "  detect: null",
    `  acknowledge: ${minutes(o.declared, o.acknowledged)}`,
    "  identify: null",
    "  mitigate: null",
    `  resolve: ${minutes(o.declared, o.resolved)}`,
    `issue: "https://github.com/acme/shop/issues/${o.incident}"`,
    "---",
    "",
    `# Post-mortem: ${o.title}`,
    "",
  ].join("\n");
}

/** Files added to the default branch in one commit by a person (e.g. earlier post-mortems, merged). */
export function commitFiles(fake: FakeGitHub, files: Record<string, string>, author = "alice"): string {
  const head = fake.refs.get(fake.defaultBranch) as string;
  const tree = new Map(fake.filesAt(head) ?? []);
  for (const [path, text] of Object.entries(files)) tree.set(path, text);
  const oid = fake.commit({
    message: "Add files",
    tree: fake.tree(tree),
    parents: [head],
    committerEmail: `${author}@example.com`,
    authorName: author,
    authorLogin: author,
  });
  fake.refs.set(fake.defaultBranch, oid);
  return oid;
}

/** `count` earlier post-mortems in docs/postmortems, one a week back from the checkout incident. */
export function earlierPostmortems(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  const severities = ["SEV1", "SEV2", "SEV3", "SEV4"];
  for (let i = 1; i <= count; i++) {
    const declared = new Date(Date.parse("2026-11-22T10:00:00Z") - i * 7 * 86_400_000);
    const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");
    files[`docs/postmortems/${iso(declared).slice(0, 10)}-incident-${i}.md`] = postmortemText({
      incident: 1_000 + i,
      title: `Earlier incident ${i}`,
      severity: severities[i % 4] as string,
      declared: iso(declared),
      acknowledged: iso(new Date(declared.getTime() + (5 + (i % 10)) * 60_000)),
      resolved: iso(new Date(declared.getTime() + (30 + (i % 50) * 7) * 60_000)),
    });
  }
  return files;
}

/**
 * An incident as firebreak leaves it, `declaredMinutesAgo` before `now`: declared by alice with a
 * severity label, firebreak's tracker and first status, then the records in `after`.
 */
export function addIncident(
  fake: FakeGitHub,
  number: number,
  o: {
    now: Date;
    severity?: string;
    declaredMinutesAgo: number;
    after?: Json[];
    closedMinutesAgo?: number;
    stateReason?: "COMPLETED" | "NOT_PLANNED";
    status?: string;
    tracker?: boolean;
  },
): FakeIssue {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  const severity = o.severity ?? "incident/sev2";
  const declaredMs = o.now.getTime() - o.declaredMinutesAgo * 60_000;
  const declared = iso(declaredMs);
  const timeline = [
    labeled(severity, declared, "alice"),
    ...(o.tracker === false
      ? []
      : [
          commentNode({
            id: number * 100 + 1,
            by: "firebreak",
            at: iso(declaredMs + 3_000),
            body: trackerBody(),
          }),
        ]),
    labeled("incident/investigating", iso(declaredMs + 4_000), "firebreak"),
    ...(o.after ?? []),
  ];
  const closedAt =
    o.closedMinutesAgo === undefined ? null : iso(o.now.getTime() - o.closedMinutesAgo * 60_000);
  if (closedAt) timeline.push(closed(closedAt, "bob"));
  return fake.addIssue({
    number,
    title: `Incident ${number}`,
    body: "Something is broken.",
    author: { __typename: "User", login: "alice" },
    state: closedAt ? "CLOSED" : "OPEN",
    ...(o.stateReason ? { stateReason: o.stateReason } : {}),
    createdAt: declared,
    closedAt,
    labels: [severity, o.status ?? "incident/investigating"],
    assignees: [],
    timeline,
  });
}

/** `count` open SEV2 incidents declared over half an hour before `now`: nobody on them (`due`), or a commander who updated 5 minutes ago. */
export function openIncidents(fake: FakeGitHub, count: number, due: boolean, now: Date): void {
  const before = (minutes: number) =>
    new Date(now.getTime() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  for (let i = 0; i < count; i++) {
    addIncident(fake, 1_000 + i, {
      now,
      declaredMinutesAgo: 31 + (i % 7),
      after: due
        ? []
        : [
            command(10_000_000 + i * 10, "bob", before(30), "/role ic me"),
            command(10_000_001 + i * 10, "bob", before(5), "/update still looking"),
          ],
    });
  }
}
