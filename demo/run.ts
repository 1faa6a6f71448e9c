// `npm run demo`: a whole SEV incident, played by people against an in-memory GitHub
// (demo/fake-github.ts) and answered by the real firebreak app (src/index.ts in a Probot wired like
// production). No credentials, no network. Every comment firebreak posts and the final tracker are
// written to demo-output/; the run exits non-zero if any expectation fails.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import firebreak from "../src/index.js";
import {
  type Comment,
  createProbot,
  deliver,
  FakeGitHub,
  type RequestRecord,
  type WebhookEvent,
} from "./fake-github.js";

// ---------------------------------------------------------------------------------------------
// A simulated clock: the incident takes about two hours, the demo a few seconds. Every `new Date()`
// and `Date.now()` (the app's, Probot's, the fake GitHub's) reads it; steps move it forward.

const START = Date.parse("2026-11-22T14:05:00Z");
const RealDate = Date;
let offset = START - RealDate.now();
class SimulatedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...(args as ConstructorParameters<DateConstructor>));
  }
  static override now(): number {
    return RealDate.now() + offset;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof RealDate;
  }
}
globalThis.Date = SimulatedDate as DateConstructor;
const advance = (minutes: number) => {
  offset += minutes * 60_000;
};
const clock = () => new Date().toISOString().slice(11, 16);

// ---------------------------------------------------------------------------------------------
// The repository: acme/checkout-service, its people, its recent changes.

const OUT = "demo-output";
const LATENCY_MS = 10;
const github = new FakeGitHub({
  owner: "acme",
  repo: "checkout-service",
  latencyMs: LATENCY_MS,
  firstIssueNumber: 87,
});
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const sha = (n: number) => n.toString(16).padStart(2, "0").repeat(20);

github.addCollaborator("alice", "triage"); // support engineer: files the incident
github.addCollaborator("bob", "maintain"); // on-call engineer
github.addCollaborator("dana", "write"); // SRE, scribe
github.addCollaborator("carol", "read"); // product manager, read-only
for (const [name, color] of [
  ["bug", "d73a4a"],
  ["enhancement", "a2eeef"],
  // The team made the severity labels when it copied the incident form; firebreak makes the rest.
  ["incident/sev1", "b60205"],
  ["incident/sev2", "d93f0b"],
  ["incident/sev3", "fbca04"],
  ["incident/sev4", "0e8a16"],
] as const) {
  github.addLabel(name, { color });
}
github.files.set(
  ".github/incident.yml",
  ["severities:", "  sev1:", '    notify: ["@acme/payments-oncall"]', ""].join("\n"),
);
const changes = [
  {
    n: 311,
    title: "Tidy up the README badges",
    author: "dana",
    ago: 50,
    add: 4,
    del: 4,
    files: ["README.md"],
  },
  {
    n: 309,
    title: "Retry card authorisations in checkout",
    author: "bob",
    ago: 170,
    add: 140,
    del: 35,
    files: ["src/checkout/payment.ts", "src/checkout/retry.ts", "test/checkout/payment.test.ts"],
  },
  {
    n: 308,
    title: "Bump pg from 8.11 to 8.12",
    author: "renovate",
    ago: 360,
    add: 12,
    del: 12,
    files: ["package.json", "package-lock.json"],
  },
  {
    n: 305,
    title: "Add index on orders.created_at",
    author: "erin",
    ago: 1_200,
    add: 18,
    del: 0,
    files: ["db/migrations/0042_orders_created_at.sql"],
  },
  {
    n: 301,
    title: "Search page pagination",
    author: "frank",
    ago: 2_400,
    add: 220,
    del: 80,
    files: ["src/search/page.tsx", "src/search/query.ts"],
  },
];
for (const [i, c] of changes.entries()) {
  github.addUser(c.author);
  github.addMergedPullRequest({
    sha: sha(i + 1),
    number: c.n,
    title: c.title,
    author: c.author,
    mergedAt: minutesAgo(c.ago),
    additions: c.add,
    deletions: c.del,
    files: c.files,
  });
}
github.addUser("carol-ops");
github.addCommit({
  sha: sha(9),
  headline: "Hotfix: log the gateway response",
  committedDate: minutesAgo(1_560),
  author: { login: "carol-ops" },
  additions: 3,
  deletions: 1,
});
github.addDeployment({
  environment: "production",
  sha: sha(2),
  createdAt: minutesAgo(150),
  state: "SUCCESS",
  environmentUrl: "https://checkout.acme.example",
});

// ---------------------------------------------------------------------------------------------
// Steps: a person acts, GitHub sends the webhook, firebreak answers; then what it did is checked.

type Budget = { requests: number; roundTrips: number | null; what: string } | null;

interface StepSummary {
  n: number;
  time: string;
  who: string;
  what: string;
  posted: string[];
  counted: number;
  total: number;
  roundTrips: number;
  budget: Budget;
  failures: string[];
}

interface StepView {
  posted: Comment[];
  edited: Array<{ comment: Comment; before: string }>;
  requests: RequestRecord[];
  counted: RequestRecord[];
  trigger: Comment | null;
}

const summaries: StepSummary[] = [];
const failures: string[] = [];
const checklistBodies = new Map<number, string>();
let posted = 0;
let issueNumber = 0;
let trackerId: number | null = null;

/** Requests design.md leaves out of a budget: token, config, identity, the permission check, creating labels once. */
const EXCLUDED = new Set(["token", "config", "identity", "permission", "label-create"]);

function kindOf(comment: Comment): string {
  const body = comment.body;
  if (body.includes("<!-- firebreak:tracker -->")) return "tracker";
  const checklist = /<!-- firebreak:checklist:([\w-]+) -->/.exec(body);
  if (checklist) return `checklist-${checklist[1]}`;
  if (body.includes("<!-- firebreak:escalation:")) return "escalation";
  const reply = /<!-- firebreak:reply:(\d+) /.exec(body);
  if (reply) {
    const to = github.comments.get(Number(reply[1]));
    return `reply-to-${to?.author ?? "comment"}`;
  }
  return "comment";
}

function sequentialRoundTrips(requests: RequestRecord[]): number {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const chain: number[] = [];
  sorted.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const prev = sorted[j] as RequestRecord;
      if (prev.end <= r.start) before = Math.max(before, chain[j] as number);
    }
    chain.push(before + 1);
  });
  return Math.max(0, ...chain);
}

const indent = (text: string, prefix = "   │ ") =>
  text
    .split("\n")
    .filter((line) => !line.startsWith("<!-- firebreak:suspects"))
    .map((line) => `${prefix}${line}`)
    .join("\n");

function trackerDiff(before: string, after: string): string[] {
  const old = new Set(before.split("\n"));
  const now = new Set(after.split("\n"));
  const meaningful = (line: string) => line.trim() !== "" && !line.startsWith("<!-- firebreak:");
  const added = after.split("\n").filter((l) => !old.has(l) && meaningful(l));
  const removed = before.split("\n").filter((l) => !now.has(l) && meaningful(l));
  const clip = (l: string) => (l.length > 118 ? `${l.slice(0, 117)}…` : l);
  return [
    `   tracker edited: ${added.length} line(s) new, ${removed.length} gone`,
    ...added.slice(0, 8).map((l) => `     + ${clip(l)}`),
    ...(added.length > 8 ? [`     + … ${added.length - 8} more`] : []),
  ];
}

function describeRequest(r: RequestRecord): string {
  const what = r.operation ?? `${r.method} ${r.path.replace(`/repos/${github.owner}/${github.repo}`, "")}`;
  const writes = r.writes
    ? `: ${r.writes.map((w) => `${w.field} ${w.ok ? "✓" : `✗ (${w.error})`}`).join(", ")}`
    : "";
  const tag = EXCLUDED.has(r.kind) ? `[${r.kind}, not counted]` : "[counted]";
  return `     ${r.operation ? `graphql ${what}` : what}${writes} → ${r.status} ${tag}`;
}

/** The first line of what went wrong (Probot's error carries the whole webhook event after it). */
function errorText(error: unknown): string {
  const first = (error instanceof AggregateError ? error.errors[0] : error) ?? error;
  const text = (first instanceof Error ? first.message : String(first)).split("\n")[0] ?? "";
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function labelsNow(): string[] {
  return github.issue(issueNumber).labels.map((l) => l.name);
}

async function step(o: {
  who: string;
  what: string;
  /** Minutes that pass before the person acts. */
  after: number;
  act: () => WebhookEvent[];
  budget: Budget;
  expect: (view: StepView) => Array<[boolean, string]>;
}): Promise<void> {
  advance(o.after);
  const n = summaries.length + 1;
  const time = clock();
  console.log(`\n━━ ${n}. ${time} UTC · @${o.who} ${o.what}`);
  const before = new Map([...github.comments.values()].map((c) => [c.databaseId, c.body]));
  const labelsBefore = issueNumber ? labelsNow() : [];
  const assigneesBefore = issueNumber ? [...github.issue(issueNumber).assignees] : [];
  const from = github.requests.length;
  const stepFailures: string[] = [];

  const webhooks = o.act();
  const trigger =
    webhooks[0]?.name === "issue_comment"
      ? (github.comments.get(webhooks[0].payload.comment.id as number) ?? null)
      : null;
  if (trigger) console.log(indent(trigger.body, "   > "));
  try {
    // GitHub delivers side by side what one action causes.
    await Promise.all(webhooks.map((event) => deliver(probot, event)));
  } catch (error) {
    stepFailures.push(`the app failed: ${errorText(error)}`);
  }
  const requests = github.requests.slice(from);

  // The webhooks firebreak's own writes cause come back to it; they must cost nothing.
  const echoes = github.takeEchoes();
  const echoFrom = github.requests.length;
  try {
    await Promise.all(echoes.map((event) => deliver(probot, event)));
  } catch (error) {
    stepFailures.push(`an echo webhook failed: ${errorText(error)}`);
  }
  const echoRequests = github.requests.slice(echoFrom).filter((r) => r.kind !== "identity");
  if (echoRequests.length > 0) {
    stepFailures.push(`the webhooks caused by firebreak's own writes cost ${echoRequests.length} request(s)`);
  }

  const all = [...github.comments.values()];
  const newComments = all.filter((c) => !before.has(c.databaseId) && c.author === github.appLogin);
  const edited = all.flatMap((c) => {
    const old = before.get(c.databaseId);
    return old !== undefined && old !== c.body ? [{ comment: c, before: old }] : [];
  });

  // What firebreak did, as people see it on the issue.
  const issue = issueNumber ? github.issue(issueNumber) : null;
  if (issue) {
    const now = labelsNow();
    const added = now.filter((l) => !labelsBefore.includes(l));
    const removed = labelsBefore.filter((l) => !now.includes(l));
    const assigned = issue.assignees.filter((a) => !assigneesBefore.includes(a));
    const changes = [
      ...removed.map((l) => `−${l}`),
      ...added.map((l) => `+${l}`),
      ...assigned.map((a) => `assigned @${a}`),
    ];
    if (changes.length > 0) console.log(`   issue #${issue.number}: ${changes.join("  ")}`);
    if (trigger) {
      const reactions = github.appReactions(trigger);
      console.log(
        `   firebreak reacted ${reactions.map((r) => (r === "THUMBS_UP" ? "👍" : r === "CONFUSED" ? "😕" : r)).join(" ") || "(none)"}`,
      );
    }
  }
  for (const comment of newComments) {
    const kind = kindOf(comment);
    posted++;
    const file = `${String(posted).padStart(2, "0")}-${kind}.md`;
    writeFileSync(join(OUT, file), `${comment.body}\n`);
    if (kind === "tracker") trackerId = comment.databaseId;
    if (kind.startsWith("checklist-")) checklistBodies.set(comment.databaseId, comment.body);
    console.log(`\n   firebreak posted ${kind} (→ ${OUT}/${file})`);
    console.log(`   ┌${"─".repeat(60)}`);
    console.log(indent(comment.body));
    console.log(`   └${"─".repeat(60)}`);
  }
  for (const { comment, before: old } of edited) {
    if (comment.databaseId === trackerId)
      for (const line of trackerDiff(old, comment.body)) console.log(line);
    else stepFailures.push(`firebreak edited a ${kindOf(comment)} comment it must leave alone`);
  }

  const counted = requests.filter((r) => !EXCLUDED.has(r.kind));
  const roundTrips = sequentialRoundTrips(counted);
  console.log(`\n   requests:`);
  for (const r of requests) console.log(describeRequest(r));
  if (echoes.length > 0) {
    console.log(
      `     (+ ${echoes.length} webhook(s) caused by firebreak's own writes delivered back to it: ignored, ${echoRequests.length} requests)`,
    );
  }
  const budgetText = o.budget
    ? `budget for ${o.budget.what}: ≤ ${o.budget.requests}${o.budget.roundTrips !== null ? `, ≤ ${o.budget.roundTrips} round trips` : ""}`
    : "no budget in design.md";
  console.log(
    `   → ${counted.length} counted, ${roundTrips} sequential round trip(s) (${budgetText}); ${requests.length} in all`,
  );
  if (o.budget) {
    if (counted.length > o.budget.requests) {
      stepFailures.push(`${counted.length} counted requests, over the budget of ${o.budget.requests}`);
    }
    if (o.budget.roundTrips !== null && roundTrips > o.budget.roundTrips) {
      stepFailures.push(`${roundTrips} sequential round trips, over the budget of ${o.budget.roundTrips}`);
    }
  }
  const problems = github.problems.splice(0);
  // A document GitHub rejects outright is reported once, as the fake's problem, not per write.
  const failedWrites = requests.flatMap((r) => (r.errors && problems.length > 0 ? [] : (r.writes ?? [])));
  for (const w of failedWrites.filter((w) => !w.ok)) {
    stepFailures.push(`GitHub did not carry out ${w.field}: ${w.error}`);
  }

  for (const [ok, text] of o.expect({ posted: newComments, edited, requests, counted, trigger })) {
    console.log(`   ${ok ? "✓" : "✗"} ${text}`);
    if (!ok) stepFailures.push(text);
  }
  for (const problem of problems) stepFailures.push(`fake GitHub: ${problem}`);
  for (const failure of stepFailures) console.log(`   ✗ ${failure}`);
  failures.push(...stepFailures.map((f) => `step ${n}: ${f}`));
  summaries.push({
    n,
    time,
    who: o.who,
    what: o.what,
    posted: newComments.map(kindOf),
    counted: counted.length,
    total: requests.length,
    roundTrips,
    budget: o.budget,
    failures: stepFailures,
  });
}

const tracker = () => (trackerId ? (github.comments.get(trackerId)?.body ?? "") : "");
const hasLabels = (...names: string[]): [boolean, string] => {
  const now = labelsNow();
  const ok =
    names.length === now.filter((l) => l.startsWith("incident/")).length &&
    names.every((n) => now.includes(n));
  return [ok, `the issue's incident labels are ${names.join(", ")} (now: ${now.join(", ") || "none"})`];
};
const reacted = (view: StepView, content: "THUMBS_UP" | "CONFUSED"): [boolean, string] => {
  const reactions = view.trigger ? github.appReactions(view.trigger) : [];
  return [
    reactions.length === 1 && reactions[0] === content,
    `the command comment got exactly one reaction, ${content === "THUMBS_UP" ? "👍" : "😕"}`,
  ];
};
const postedKinds = (view: StepView, ...kinds: string[]): [boolean, string] => {
  const got = view.posted.map(kindOf);
  return [
    got.length === kinds.length && kinds.every((k, i) => got[i]?.startsWith(k)),
    `firebreak posted ${kinds.length > 0 ? kinds.join(", ") : "nothing new"}${got.length !== kinds.length || kinds.some((k, i) => !got[i]?.startsWith(k)) ? ` (posted: ${got.join(", ") || "nothing"})` : ""}`,
  ];
};
const trackerSays = (text: string, what = `the tracker says “${text}”`): [boolean, string] => [
  tracker().includes(text),
  what,
];
const noWrites = (view: StepView): [boolean, string] => [
  !view.requests.some((r) => r.writes),
  "no write was sent",
];
const COMMAND: Budget = { requests: 4, roundTrips: null, what: "one command" };
const comment = (who: string, body: string) => () => [github.commentOn(issueNumber, who, body).webhook];

// ---------------------------------------------------------------------------------------------

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
github.listen();
// Probot would log a failed handler with the whole webhook; the steps report failures themselves.
const probot = await createProbot(github, firebreak, { logLevel: "fatal" });

console.log(
  `firebreak demo: the real app (src/index.ts) against an in-memory GitHub (demo/fake-github.ts) for ${github.owner}/${github.repo}.`,
);
console.log(
  `The clock is simulated (the incident starts ${new Date(START).toISOString().slice(0, 16).replace("T", " ")} UTC and takes about two hours); each request is answered after ${LATENCY_MS} ms.`,
);
console.log(
  "People: @alice (triage, support), @bob (maintain, on call), @dana (write, SRE), @carol (read only). Counted requests exclude the installation token, the config, the app's identity, the permission check and one-time label creation.",
);

let redeliver: WebhookEvent | null = null;

await step({
  who: "alice",
  what: "opens an issue from the incident form, severity SEV3",
  after: 0,
  act: () => {
    const { issue, webhooks } = github.openIssue({
      author: "alice",
      title: "Checkout returns 500 for card payments",
      body: [
        "### What is broken",
        "",
        "POST /checkout returns HTTP 500 for card payments; PayPal still works.",
        "",
        "### Impact",
        "",
        "About 30% of checkout attempts fail, all regions. Reported by @support-lead.",
        "",
        "### Severity",
        "",
        "SEV3 · Medium: a minor feature is broken or non-critical errors; a workaround exists",
        "",
        "### When it started",
        "",
        "About 20 minutes ago",
      ].join("\n"),
    });
    issueNumber = issue.number;
    return webhooks;
  },
  budget: { requests: 5, roundTrips: 3, what: "declaring an incident" },
  expect: (view) => [
    postedKinds(view, "tracker", "checklist-respond"),
    hasLabels("incident/sev3", "incident/investigating"),
    trackerSays("SEV3"),
    trackerSays("#309", "the checkout retry change (#309) is among the suspects"),
  ],
});

await step({
  who: "bob",
  what: "sees card payments failing in every region and adds incident/sev1",
  after: 6,
  act: () => {
    const event = github.addLabelToIssue(issueNumber, "incident/sev1", "bob");
    redeliver = event;
    return event ? [event] : [];
  },
  budget: null,
  expect: (view) => [
    postedKinds(view, "escalation"),
    hasLabels("incident/sev1", "incident/investigating"),
    trackerSays("SEV1"),
    [
      view.posted[0]?.body.includes("@acme/payments-oncall") ?? false,
      "the escalation pages @acme/payments-oncall",
    ],
  ],
});

await step({
  who: "bob",
  what: "(GitHub redelivers the same webhook)",
  after: 1,
  act: () => (redeliver ? [redeliver] : []),
  budget: null,
  expect: (view) => [postedKinds(view), noWrites(view)],
});

await step({
  who: "bob",
  what: "takes command",
  after: 1,
  act: comment("bob", "/role ic me"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    [github.issue(issueNumber).assignees.includes("bob"), "@bob is assigned to the issue"],
    trackerSays("@&#8203;bob", "the tracker names @bob"),
  ],
});

await step({
  who: "bob",
  what: "finds the cause",
  after: 17,
  act: comment(
    "bob",
    "/status identified the retry loop from #309 holds DB connections until the pool is exhausted",
  ),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    hasLabels("incident/sev1", "incident/identified"),
    trackerSays("identified"),
  ],
});

await step({
  who: "bob",
  what: "posts a status update",
  after: 4,
  act: comment(
    "bob",
    "/update Rolling back #309 on the canary first; card errors are already falling there.",
  ),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    postedKinds(view, "reply-to-bob"),
    [view.posted[0]?.body.includes("Status update") ?? false, "the reply is a formatted status update"],
  ],
});

await step({
  who: "dana",
  what: "adds a note for the timeline",
  after: 3,
  act: comment("dana", "/note Paged the payment gateway vendor: nothing wrong on their side."),
  budget: COMMAND,
  expect: (view) => [reacted(view, "THUMBS_UP"), trackerSays("payment gateway vendor")],
});

await step({
  who: "alice",
  what: "records the impact",
  after: 2,
  act: comment(
    "alice",
    "/impact About 30% of card payments failed for 45 minutes, all regions; PayPal unaffected.",
  ),
  budget: COMMAND,
  expect: (view) => [reacted(view, "THUMBS_UP"), trackerSays("About 30% of card payments failed")],
});

await step({
  who: "dana",
  what: "records the root cause",
  after: 2,
  act: comment(
    "dana",
    "/cause Retries in #309 kept DB connections open across attempts, exhausting the pool.",
  ),
  budget: COMMAND,
  expect: (view) => [reacted(view, "THUMBS_UP"), trackerSays("exhausting the pool")],
});

await step({
  who: "dana",
  what: "adds an action item",
  after: 1,
  act: comment("dana", "/action-item Alert when the DB pool is above 75% @bob due:2026-12-01"),
  budget: COMMAND,
  expect: (view) => [reacted(view, "THUMBS_UP"), trackerSays("Alert when the DB pool is above 75%")],
});

await step({
  who: "carol",
  what: "(read-only) tries to resolve it",
  after: 3,
  act: comment("carol", "/status resolved looks fine from here"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "CONFUSED"),
    postedKinds(view, "reply-to-carol"),
    [
      view.posted[0]?.body.includes("you need the **triage** role") ?? false,
      "the reply says which role is needed",
    ],
    hasLabels("incident/sev1", "incident/identified"),
  ],
});

let monitoring: WebhookEvent | null = null;
await step({
  who: "bob",
  what: "rolls back everywhere and starts monitoring",
  after: 9,
  act: () => {
    const event = github.commentOn(
      issueNumber,
      "bob",
      "/status monitoring rollback of #309 is out everywhere",
    ).webhook;
    monitoring = event;
    return [event];
  },
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    hasLabels("incident/sev1", "incident/monitoring"),
    postedKinds(view, "checklist-verify"),
  ],
});

await step({
  who: "bob",
  what: "(GitHub redelivers the /status monitoring comment)",
  after: 1,
  act: () => (monitoring ? [monitoring] : []),
  budget: COMMAND,
  expect: (view) => [postedKinds(view), noWrites(view), hasLabels("incident/sev1", "incident/monitoring")],
});

await step({
  who: "bob",
  what: "resolves the incident after an hour of clean metrics",
  after: 62,
  act: comment("bob", "/status resolved error rate at baseline for an hour"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    hasLabels("incident/sev1", "incident/resolved"),
    postedKinds(view, "checklist-post-incident"),
  ],
});

await step({
  who: "bob",
  what: "closes the issue",
  after: 5,
  act: () => {
    const event = github.closeIssue(issueNumber, "bob");
    return event ? [event] : [];
  },
  budget: null,
  expect: (view) => [
    [github.issue(issueNumber).state === "closed", "the issue is closed"],
    postedKinds(view),
    hasLabels("incident/sev1", "incident/resolved"),
    trackerSays("Issue closed", "the tracker's timeline records the close"),
  ],
});

// ---------------------------------------------------------------------------------------------
// The end: the final tracker, checks over the whole incident, the summary.

const final = tracker();
writeFileSync(join(OUT, "tracker-final.md"), `${final}\n`);
writeFileSync(
  join(OUT, "requests.log"),
  `${github.requests
    .map(
      (r) =>
        `${String(r.seq).padStart(3)} ${r.method.padEnd(5)} ${(r.operation ?? r.path).padEnd(60)} ${r.status} ${r.kind}${r.writes ? ` ${r.writes.map((w) => `${w.field}:${w.ok ? "ok" : w.error}`).join(" ")}` : ""}`,
    )
    .join("\n")}\n`,
);
console.log(`\n━━ The final tracker (${OUT}/tracker-final.md)`);
console.log(indent(final));

const overall: Array<[boolean, string]> = [
  [
    [...checklistBodies].every(([id, body]) => github.comments.get(id)?.body === body),
    `firebreak never edited its ${checklistBodies.size} checklists after posting them`,
  ],
  [
    [...github.comments.values()]
      .filter((c) => c.author !== github.appLogin && c.body.startsWith("/"))
      .every((c) => github.appReactions(c).length === 1),
    "every comment with commands got exactly one reaction",
  ],
  [
    [...github.comments.values()].filter((c) => c.author === github.appLogin && kindOf(c) === "tracker")
      .length === 1,
    "there is one tracker",
  ],
];
console.log("\n━━ Over the whole incident");
for (const [ok, text] of overall) {
  console.log(`   ${ok ? "✓" : "✗"} ${text}`);
  if (!ok) failures.push(text);
}

console.log("\n━━ Summary\n");
const rows = summaries.map((s) => [
  String(s.n),
  s.time,
  `@${s.who}`,
  s.what.length > 52 ? `${s.what.slice(0, 51)}…` : s.what,
  s.posted.join(", ") || "—",
  `${s.counted} / ${s.total}`,
  String(s.roundTrips),
  s.budget
    ? `≤ ${s.budget.requests}${s.budget.roundTrips !== null ? `, ≤ ${s.budget.roundTrips} RT` : ""}`
    : "—",
  s.failures.length === 0 ? "ok" : "FAIL",
]);
const header = ["#", "UTC", "who", "did", "firebreak posted", "requests (counted / all)", "RT", "budget", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
console.log(line(header));
for (const row of rows) console.log(line(row));
const counted = summaries.reduce((sum, s) => sum + s.counted, 0);
console.log(
  `\n${github.requests.length} requests in all (${counted} counted), none left this machine. Everything firebreak posted is in ${OUT}/.`,
);

github.stop();
if (failures.length > 0) {
  console.log(`\nThe demo FAILED ${failures.length} expectation(s):`);
  for (const failure of failures) console.log(`  - ${failure}`);
  process.exitCode = 1;
} else {
  console.log("\nEvery expectation held.");
}
