// `npm run bench`: the real app (src/index.ts in a Probot wired like production) receives webhooks
// while the in-memory GitHub of the demo (demo/fake-github.ts) answers every request after a fixed
// latency and records it. Prints one table of requests, sequential round trips, wall time and
// memory per operation, checks design.md's budgets, and exits non-zero when a budgeted row fails.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Probot } from "probot";
import {
  createProbot,
  deliver,
  type FakeGitHub as Fake,
  FakeGitHub,
  type RequestKind,
  type RequestRecord,
  type WebhookEvent,
} from "../demo/fake-github.js";
import { DEFAULT_LABEL_NAMES } from "../src/core/labels.js";
import firebreak from "../src/index.js";
import { benchPostmortems } from "./postmortem.js";
import { benchRollbacks, ROLLBACK_BUDGET } from "./rollback.js";

const LATENCY_MS = 25;
const SEV2 = "incident/sev2";
const SEV1 = "incident/sev1";
const ALL_LABELS = [
  ...Object.values(DEFAULT_LABEL_NAMES.severity),
  ...Object.values(DEFAULT_LABEL_NAMES.status),
];

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Budget {
  requests: number;
  roundTrips: number | null;
}

/** Requests design.md leaves out of every budget; a command's permission check is left out of its own. */
const NOT_COUNTED: RequestKind[] = ["token", "config", "identity", "label-create"];
const NOT_COUNTED_FOR_COMMANDS: RequestKind[] = [...NOT_COUNTED, "permission"];

interface Scenario {
  operation: string;
  size: string;
  /** design.md's budget for this row, or null where none applies (the note says why). */
  budget: Budget | null;
  note?: string;
  notCounted: RequestKind[];
  /** Probot's default request throttling, as in production (off elsewhere, as in the tests). */
  throttle?: boolean;
  /** The repository and everything before the measured event (played through the app where it matters). */
  prepare: (fake: Fake, app: Probot) => Promise<WebhookEvent[]>;
  /** What must have happened for the row to count. */
  expect?: (fake: Fake, requests: RecordedRun) => string | null;
}

interface RecordedRun {
  requests: RecordedRequest[];
  issue: number;
}

type RecordedRequest = RequestRecord & { counted: boolean };

interface Run {
  requests: RecordedRequest[];
  wallMs: number;
  peakRss: number;
  heapDelta: number;
  problems: string[];
}

// ---------------------------------------------------------------------------------------------
// The repository: a shop whose default branch received `mergedPrs` merged pull requests in the
// 40 hours before now, three deployments, firebreak's labels (or some of them), two people.

const AREAS = ["checkout", "payments", "search", "catalog", "accounts", "shipping", "emails", "admin"];
const SPREAD_MS = 40 * 3_600_000;
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function seed(fake: Fake, o: { mergedPrs: number; labels?: string[]; config?: string | null }): void {
  const now = Date.now();
  fake.addCollaborator("alice", "triage");
  fake.addCollaborator("bob", "maintain");
  fake.addLabel("bug", { color: "d73a4a" });
  for (const name of o.labels ?? ALL_LABELS) fake.addLabel(name, { description: "Incident (firebreak)" });
  for (let i = 0; i < 17; i++) fake.addUser(`dev${i}`);
  for (let i = 0; i < o.mergedPrs; i++) {
    const area = AREAS[i % AREAS.length] as string;
    fake.addMergedPullRequest({
      sha: (0x1000000 + i).toString(16).padEnd(40, "0"),
      number: 1000 + i,
      title: `Improve ${area} handling, part ${i}`,
      author: `dev${i % 17}`,
      mergedAt: stamp(now - ((i + 1) * SPREAD_MS) / (o.mergedPrs + 1)),
      additions: 5 + ((i * 37) % 400),
      deletions: (i * 13) % 90,
      files: [`src/${area}/index.ts`, `src/${area}/part${i % 11}.ts`, `test/${area}/part${i % 11}.test.ts`],
    });
  }
  for (const [environment, hoursAgo, i] of [
    ["production", 3, 0],
    ["staging", 5, 1],
    ["production", 27, 2],
  ] as const) {
    fake.addDeployment({
      environment,
      sha: (0x1000000 + i * 7).toString(16).padEnd(40, "0"),
      createdAt: stamp(now - hoursAgo * 3_600_000),
      state: "SUCCESS",
      environmentUrl: null,
    });
  }
  if (o.config) fake.files.set(".github/incident.yml", o.config);
}

let currentIssue = 0;

function openIssue(fake: Fake): number {
  const { issue } = fake.openIssue({
    author: "alice",
    title: "Checkout returns 500 for card payments",
    body: "Card payments fail at checkout since about 14:00.",
  });
  currentIssue = issue.number;
  return issue.number;
}

/** alice labels a fresh issue sev2: the declaration's webhook. */
function declareEvent(fake: Fake): WebhookEvent[] {
  const event = fake.addLabelToIssue(openIssue(fake), SEV2, "alice");
  return event ? [event] : [];
}

/** An incident declared through the app beforehand: tracker, checklist, labels as firebreak left them. */
async function declared(fake: Fake, app: Probot): Promise<number> {
  for (const event of declareEvent(fake)) await deliver(app, event);
  fake.takeEchoes();
  return currentIssue;
}

function appComments(fake: Fake, issue: number): string[] {
  return fake.commentsOn(issue).flatMap((c) => (c.author === fake.appLogin ? [c.body] : []));
}

const postedTrackerAndChecklist = (fake: Fake, run: RecordedRun): string | null => {
  const [tracker, checklist] = appComments(fake, run.issue);
  return tracker?.includes("<!-- firebreak:tracker -->") &&
    checklist?.includes("<!-- firebreak:checklist:respond -->")
    ? null
    : "the tracker and then the checklist were not posted";
};

function commandExpect(check: (fake: Fake, issue: number) => string | null) {
  return (fake: Fake, run: RecordedRun): string | null => {
    const comment = fake
      .commentsOn(run.issue)
      .filter((c) => c.author === "bob")
      .at(-1);
    const reactions = comment ? fake.appReactions(comment) : [];
    if (reactions.length !== 1 || reactions[0] !== "THUMBS_UP") {
      return `the command comment's reactions are [${reactions.join(", ")}], not one 👍`;
    }
    return check(fake, run.issue);
  };
}

const labelsOf = (fake: Fake, issue: number) => fake.issue(issue).labels.map((l) => l.name);

// ---------------------------------------------------------------------------------------------

async function runScenario(scenario: Scenario): Promise<Run> {
  const fake = new FakeGitHub({ owner: "acme", repo: "shop" }).listen();
  const probot = await createProbot(fake, firebreak, { throttle: scenario.throttle ?? false });
  // Preparing through a throttled Probot would take seconds for nothing: an unthrottled one prepares.
  const preparer = scenario.throttle ? await createProbot(fake, firebreak) : probot;
  let events: WebhookEvent[] = [];
  const problems: string[] = [];
  try {
    events = await scenario.prepare(fake, preparer);
  } catch (e) {
    problems.push(`preparing failed: ${errorText(e)}`);
  }
  fake.takeEchoes();
  problems.push(...fake.problems.splice(0).map((p) => `fake GitHub while preparing: ${p}`));
  const from = fake.requests.length;
  fake.latencyMs = LATENCY_MS;

  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  fake.onActivity = sample;
  const sampler = setInterval(sample, 2);
  const t0 = performance.now();
  try {
    await Promise.all(events.map((event) => deliver(probot, event)));
  } catch (e) {
    problems.push(`the app failed: ${errorText(e)}`);
  }
  const wallMs = performance.now() - t0;
  sample();
  clearInterval(sampler);
  fake.onActivity = null;
  fake.stop();

  const requests = fake.requests.slice(from).map((r) => ({
    ...r,
    start: r.start - t0,
    end: r.end - t0,
    counted: !scenario.notCounted.includes(r.kind),
  }));
  problems.push(...fake.problems.map((p) => `fake GitHub: ${p}`));
  const rejected = fake.problems.some((p) => p.includes("would be rejected by GitHub"));
  for (const r of requests) {
    if (r.status >= 400 && r.kind !== "config")
      problems.push(`error answer: ${r.method} ${r.path} ${r.status}`);
    // A document GitHub rejects outright is reported once, above.
    if (rejected && r.errors) continue;
    for (const w of r.writes ?? [])
      if (!w.ok) problems.push(`GitHub did not carry out ${w.field}: ${w.error}`);
    if (r.errors && !r.writes) problems.push(`GraphQL ${r.operation}: ${r.errors.join("; ")}`);
  }
  if (problems.length === 0 && scenario.expect) {
    const unmet = scenario.expect(fake, { requests, issue: currentIssue });
    if (unmet) problems.push(unmet);
  }
  return { requests, wallMs, peakRss, heapDelta: peakHeap - base.heapUsed, problems: [...new Set(problems)] };
}

/** The first line of what went wrong (Probot's error carries the whole webhook event after it). */
function errorText(error: unknown): string {
  const first = (error instanceof AggregateError ? error.errors[0] : error) ?? error;
  const text = (first instanceof Error ? first.message : String(first)).split("\n")[0] ?? "";
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The longest chain of requests, each started after the previous one was answered. */
function sequentialRoundTrips(requests: RecordedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const chain: number[] = [];
  sorted.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const prev = sorted[j] as RecordedRequest;
      if (prev.end <= r.start) before = Math.max(before, chain[j] as number);
    }
    chain.push(before + 1);
  });
  return Math.max(0, ...chain);
}

interface Row {
  scenario: Scenario;
  run: Run;
  counted: number;
  total: number;
  excluded: Record<string, number>;
  roundTrips: number;
  verdict: "PASS" | "FAIL" | "info" | "ERROR";
}

function evaluate(scenario: Scenario, run: Run): Row {
  const counted = run.requests.filter((r) => r.counted);
  const excluded: Record<string, number> = {};
  for (const r of run.requests) if (!r.counted) excluded[r.kind] = (excluded[r.kind] ?? 0) + 1;
  const roundTrips = sequentialRoundTrips(counted);
  let verdict: Row["verdict"] = "info";
  if (run.problems.length > 0) verdict = "ERROR";
  else if (scenario.budget) {
    const { requests, roundTrips: maxTrips } = scenario.budget;
    verdict = counted.length <= requests && (maxTrips === null || roundTrips <= maxTrips) ? "PASS" : "FAIL";
  }
  return {
    scenario,
    run,
    counted: counted.length,
    total: run.requests.length,
    excluded,
    roundTrips,
    verdict,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function budgetText(budget: Budget | null): string {
  if (!budget) return "—";
  return budget.roundTrips === null
    ? `≤ ${budget.requests} req`
    : `≤ ${budget.requests} req, ≤ ${budget.roundTrips} RT`;
}

function printTable(rows: Row[]): void {
  const header = [
    "operation",
    "size",
    "requests (budgeted)",
    "requests (total: + token, config, identity, permission, label creation)",
    "sequential round trips",
    "wall time",
    "peak RSS / heap delta",
    "budget",
    "result",
  ];
  const cells = rows.map((row) => [
    row.scenario.operation,
    row.scenario.size,
    String(row.counted),
    `${row.total}${
      row.total > row.counted
        ? ` (${Object.entries(row.excluded)
            .map(([k, n]) => `${n} ${k}`)
            .join(", ")})`
        : ""
    }`,
    String(row.roundTrips),
    `${Math.round(row.run.wallMs)} ms`,
    `${mb(row.run.peakRss)} / +${mb(Math.max(0, row.run.heapDelta))}`,
    budgetText(row.scenario.budget),
    row.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
}

function describeRequests(row: Row): string {
  return row.run.requests
    .filter((r) => r.counted)
    .sort((a, b) => a.start - b.start)
    .map((r) => {
      const what = r.operation
        ? `graphql ${r.operation}${r.writes ? ` [${r.writes.map((w) => w.field).join(", ")}]` : ""}`
        : `${r.method} ${r.path.replace("/repos/acme/shop", "")}`;
      return `${what} @${Math.round(r.start)}ms`;
    })
    .join(", ");
}

// ---------------------------------------------------------------------------------------------

console.log(
  `firebreak bench: the real app through probot.receive; every GitHub request answered by the in-memory GitHub (demo/fake-github.ts) after ${LATENCY_MS} ms\n`,
);

// Warm-up (module initialisation, GitHub's GraphQL schema, JIT): not reported.
await runScenario({
  operation: "warm-up",
  size: "",
  budget: null,
  notCounted: NOT_COUNTED,
  prepare: async (fake) => {
    seed(fake, { mergedPrs: 10 });
    return declareEvent(fake);
  },
});

const rows: Row[] = [];
const run = async (scenario: Scenario): Promise<Row> => {
  const row = evaluate(scenario, await runScenario(scenario));
  rows.push(row);
  return row;
};

const declaration = (mergedPrs: number, over: Partial<Scenario> = {}): Scenario => ({
  operation: "declare (label sev2)",
  size: `${mergedPrs.toLocaleString("en-US")} merged PRs`,
  budget: { requests: 5, roundTrips: 3 },
  notCounted: NOT_COUNTED,
  prepare: async (fake) => {
    seed(fake, { mergedPrs });
    return declareEvent(fake);
  },
  expect: postedTrackerAndChecklist,
  ...over,
});

const command = (o: {
  operation: string;
  body: string;
  expect: (fake: Fake, issue: number) => string | null;
  throttle?: boolean;
  note?: string;
}): Scenario => ({
  operation: o.operation,
  size: `sev2 incident, 100 merged PRs${o.throttle ? ", default throttling" : ""}`,
  budget: o.throttle ? null : { requests: 4, roundTrips: null },
  notCounted: NOT_COUNTED_FOR_COMMANDS,
  ...(o.throttle ? { throttle: true } : {}),
  ...(o.note ? { note: o.note } : {}),
  prepare: async (fake, app) => {
    seed(fake, { mergedPrs: 100 });
    const issue = await declared(fake, app);
    return [fake.commentOn(issue, "bob", o.body).webhook];
  },
  expect: commandExpect(o.expect),
});

await run({
  operation: "label event, non-incident issue",
  size: "label `bug`",
  budget: { requests: 0, roundTrips: null },
  notCounted: [],
  prepare: async (fake) => {
    seed(fake, { mergedPrs: 100 });
    const event = fake.addLabelToIssue(openIssue(fake), "bug", "alice");
    return event ? [event] : [];
  },
});
await run({
  operation: "command comment, non-incident issue",
  size: "`/status identified`",
  budget: { requests: 0, roundTrips: null },
  notCounted: [],
  prepare: async (fake) => {
    seed(fake, { mergedPrs: 100 });
    return [fake.commentOn(openIssue(fake), "bob", "/status identified").webhook];
  },
});
await run(
  declaration(0, {
    size: "0 merged PRs, first use (status labels missing)",
    prepare: async (fake) => {
      seed(fake, { mergedPrs: 0, labels: [SEV1, SEV2, "incident/sev3", "incident/sev4"] });
      return declareEvent(fake);
    },
  }),
);
await run(declaration(0));
await run(declaration(100));
await run(declaration(2_000, { size: "2,000 merged PRs (max_scanned 100)" }));
await run(
  declaration(2_000, {
    size: "2,000 merged PRs, max_scanned 1000",
    budget: null,
    note: "config `suspects: { max_scanned: 1000 }` opts into 10 history pages; the budget is for the default",
    prepare: async (fake) => {
      seed(fake, { mergedPrs: 2_000, config: "suspects:\n  max_scanned: 1000\n" });
      return declareEvent(fake);
    },
  }),
);
await run({
  operation: "escalate (label sev1)",
  size: "100 merged PRs, suspects cached",
  budget: null,
  note: "design.md sets no budget for an escalation",
  notCounted: NOT_COUNTED,
  prepare: async (fake, app) => {
    seed(fake, { mergedPrs: 100 });
    const issue = await declared(fake, app);
    const event = fake.addLabelToIssue(issue, SEV1, "bob");
    return event ? [event] : [];
  },
  expect: (fake, r) => {
    if (r.requests.some((q) => q.operation === "History"))
      return "the suspects were read again instead of from the tracker's cache";
    if (!r.requests.some((q) => q.writes?.some((w) => w.field === "updateIssueComment" && w.ok)))
      return "the tracker was not updated";
    return appComments(fake, r.issue).some((c) => c.includes("firebreak:escalation"))
      ? null
      : "no escalation notice was posted";
  },
});
await run(
  command({
    operation: "command `/status identified`",
    body: "/status identified connection pool exhausted",
    expect: (fake, issue) =>
      labelsOf(fake, issue).includes("incident/identified") &&
      !labelsOf(fake, issue).includes("incident/investigating")
        ? null
        : `the status labels are wrong: ${labelsOf(fake, issue).join(", ")}`,
  }),
);
await run(
  command({
    operation: "command `/status monitoring`",
    body: "/status monitoring rollback is out",
    expect: (fake, issue) =>
      appComments(fake, issue).some((c) => c.includes("<!-- firebreak:checklist:verify -->"))
        ? null
        : "the verification checklist was not posted",
  }),
);
await run(
  command({
    operation: "comment of 5 commands",
    body: [
      "/role ic me",
      "/status identified the retry loop exhausts the DB pool",
      "/impact about 30% of card payments fail",
      "/note paged the gateway vendor",
      "/update rolling back #1042 now",
    ].join("\n"),
    expect: (fake, issue) => {
      const replies = appComments(fake, issue).filter((c) => c.includes("<!-- firebreak:reply:"));
      if (!fake.issue(issue).assignees.includes("bob")) return "@bob was not assigned";
      if (!labelsOf(fake, issue).includes("incident/identified")) return "the status was not changed";
      return replies.length === 1 && replies[0]?.includes("Status update")
        ? null
        : `expected one reply with the status update, got ${replies.length}`;
    },
  }),
);
await run(
  command({
    operation: "command `/help`",
    body: "/help",
    expect: (fake, issue) =>
      appComments(fake, issue).some((c) => c.includes("firebreak commands")) ? null : "no help was posted",
  }),
);
// Production runs Probot's default throttling: GraphQL requests and writes wait in one queue, 1 s apart.
await run(
  declaration(100, {
    size: "100 merged PRs, default throttling",
    throttle: true,
    budget: null,
    note: "production setting: @octokit/plugin-throttling spaces GraphQL requests and writes ≥ 1 s apart",
  }),
);
await run(
  command({
    operation: "command `/status identified`",
    body: "/status identified connection pool exhausted",
    throttle: true,
    note: "production setting: @octokit/plugin-throttling spaces GraphQL requests and writes ≥ 1 s apart",
    expect: (fake, issue) =>
      labelsOf(fake, issue).includes("incident/identified") ? null : "the status was not changed",
  }),
);

printTable(rows);
console.log(
  "\nPeak RSS includes GitHub's GraphQL schema, which the fake GitHub builds once to validate every document the app sends.",
);
console.log("\nBudgeted requests per row, in the order they started:");
for (const row of rows) {
  const note = row.scenario.note ? ` [${row.scenario.note}]` : "";
  console.log(`- ${row.scenario.operation}, ${row.scenario.size}${note}: ${describeRequests(row) || "none"}`);
  for (const problem of row.run.problems) console.log(`    ERROR: ${problem}`);
}

console.log(
  `\n/rollback engine: a loopback GitHub backed by a real git repository, ${LATENCY_MS} ms per request`,
);
console.log(
  "\n| files changed by the reverted commit | outcome | requests | sequential round trips | wall time | heap delta | budget | result |",
);
console.log("|---|---|---|---|---|---|---|---|");
const reverts = await benchRollbacks(LATENCY_MS);
for (const r of reverts) {
  const ok = r.outcome === "opened" && r.requests <= ROLLBACK_BUDGET;
  console.log(
    `| ${r.files.toLocaleString("en")} | ${r.outcome} | ${r.requests} | ${r.roundTrips} | ${Math.round(r.wallMs)} ms | +${r.heapDeltaMb.toFixed(1)} MB | ≤ ${ROLLBACK_BUDGET} req | ${ok ? "PASS" : "FAIL"} |`,
  );
}
const revertsFailed = reverts.filter((r) => r.outcome !== "opened" || r.requests > ROLLBACK_BUDGET);

console.log(
  "\nThe Action's post-mortem: the committed bundle in a child process, against a loopback GitHub (no latency added)",
);
console.log(
  "\n| timeline events | requests | budget ⌈events/100⌉ + 10 | wall time (whole process) | result |",
);
console.log("|---|---|---|---|---|");
const postmortems = await benchPostmortems();
for (const p of postmortems) {
  console.log(
    `| ${p.events.toLocaleString("en")} | ${p.requests} | ≤ ${p.budget} | ${Math.round(p.wallMs)} ms | ${p.ok ? "PASS" : "FAIL"} |`,
  );
}
if (postmortems.some((p) => !p.ok)) {
  console.log("\nA post-mortem row failed.");
  process.exitCode = 1;
}

const failed = rows.filter((row) => row.verdict === "FAIL" || row.verdict === "ERROR");
if (revertsFailed.length > 0) {
  console.log(`\n${revertsFailed.length} rollback row(s) failed.`);
  process.exitCode = 1;
}
if (failed.length > 0) {
  console.log(
    `\n${failed.length} row(s) failed: ${failed.map((r) => `${r.scenario.operation} (${r.scenario.size})`).join("; ")}`,
  );
  process.exitCode = 1;
} else {
  console.log("\nAll budgeted rows within budget.");
}
