// `npm run bench`: the real app (src/index.ts in a Probot wired like production) receives webhooks
// while a fake api.github.com (nock, fixed latency per request) answers and records every request.
// Prints one table of requests, sequential round trips, wall time and memory per operation, checks
// design.md's budgets, and exits non-zero when a budgeted row fails.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import nock from "nock";
import { commentNode, labeledNode } from "../test/helpers/graphql.js";
import { issueEvent, OWNER, REPO } from "../test/helpers/payloads.js";
import { testProbot } from "../test/helpers/probot.js";
import { ALL_LABELS, type FakeRepo, fakeGitHub, type RecordedRequest } from "./fake-github.js";

type Json = Record<string, any>;

const LATENCY_MS = 25;
const TRACKER_MARKER = "<!-- firebreak:tracker -->";
const CHECKLIST_MARKER = "<!-- firebreak:checklist:respond -->";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Budget {
  requests: number;
  roundTrips: number | null;
}

interface Scenario {
  operation: string;
  size: string;
  /** design.md's budget for this row, or null where none applies (with the reason). */
  budget: Budget | null;
  note?: string;
  repo: Omit<FakeRepo, "owner" | "repo" | "now">;
  event: Json;
  /** What must have happened for the row to count (e.g. the tracker was posted). */
  expect?: (run: Run) => string | null;
}

interface Run {
  requests: RecordedRequest[];
  comments: string[];
  unmatched: string[];
  wallMs: number;
  peakRss: number;
  heapDelta: number;
  error: string | null;
}

const SEV2 = "incident/sev2";
const SEV1 = "incident/sev1";
const INVESTIGATING = "incident/investigating";

function declaration(size: number, over: Partial<Scenario> & { now: Date }): Scenario {
  return {
    operation: "declare (label sev2)",
    size: `${size.toLocaleString("en-US")} merged PRs`,
    budget: { requests: 5, roundTrips: 3 },
    repo: {
      mergedPrs: size,
      existingLabels: ALL_LABELS,
      configYaml: null,
      timeline: [labeledNode(SEV2, new Date(over.now.getTime() - 1_000).toISOString())],
    },
    event: issueEvent("labeled", { labels: [SEV2], label: SEV2 }),
    expect: (run) =>
      run.comments[0]?.includes(TRACKER_MARKER) && run.comments[1]?.includes(CHECKLIST_MARKER)
        ? null
        : "the tracker and then the checklist were not posted",
    ...over,
  };
}

async function runScenario(scenario: Scenario, now: Date): Promise<Run> {
  const fake = fakeGitHub({ owner: OWNER, repo: REPO, now, ...scenario.repo }, LATENCY_MS);
  const probot = testProbot();
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
  let error: string | null = null;
  const t0 = performance.now();
  try {
    await probot.receive({ id: `bench-${Math.random()}`, name: "issues", payload: scenario.event as any });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const wallMs = performance.now() - t0;
  sample();
  clearInterval(sampler);
  fake.stop();
  return {
    requests: fake.requests.map((r) => ({ ...r, start: r.start - t0, end: r.end - t0 })),
    comments: fake.comments,
    unmatched: fake.unmatched,
    wallMs,
    peakRss,
    heapDelta: peakHeap - base.heapUsed,
    error,
  };
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
  budgeted: number;
  total: number;
  excluded: Record<string, number>;
  roundTrips: number;
  verdict: "PASS" | "FAIL" | "info" | "ERROR";
  problems: string[];
}

function evaluate(scenario: Scenario, run: Run): Row {
  const budgeted = run.requests.filter((r) => r.kind === "budgeted");
  const excluded: Record<string, number> = {};
  for (const r of run.requests) if (r.kind !== "budgeted") excluded[r.kind] = (excluded[r.kind] ?? 0) + 1;
  const roundTrips = sequentialRoundTrips(budgeted);
  const problems: string[] = [];
  if (run.error) problems.push(`the app failed: ${run.error}`);
  if (run.unmatched.length > 0) problems.push(`unanswered requests: ${run.unmatched.join(", ")}`);
  const failed = run.requests.filter((r) => r.status >= 400 && r.kind !== "config");
  if (failed.length > 0)
    problems.push(`error answers: ${failed.map((r) => `${r.method} ${r.path} ${r.status}`).join(", ")}`);
  const unmet = scenario.expect?.(run);
  if (unmet) problems.push(unmet);

  let verdict: Row["verdict"] = "info";
  if (problems.length > 0) verdict = "ERROR";
  else if (scenario.budget) {
    const { requests, roundTrips: maxTrips } = scenario.budget;
    verdict = budgeted.length <= requests && (maxTrips === null || roundTrips <= maxTrips) ? "PASS" : "FAIL";
  }
  return {
    scenario,
    run,
    budgeted: budgeted.length,
    total: run.requests.length,
    excluded,
    roundTrips,
    verdict,
    problems,
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
    "requests (total incl. token, config, identity, label creation)",
    "sequential round trips",
    "wall time",
    "peak RSS / heap delta",
    "budget",
    "result",
  ];
  const cells = rows.map((row) => [
    row.scenario.operation,
    row.scenario.size,
    String(row.budgeted),
    `${row.total}${
      row.total > row.budgeted
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
    .filter((r) => r.kind === "budgeted")
    .sort((a, b) => a.start - b.start)
    .map((r) => {
      const what = r.operation
        ? `graphql ${r.operation}`
        : `${r.method} ${r.path.replace(`/repos/${OWNER}/${REPO}`, "")}`;
      return `${what} @${Math.round(r.start)}ms`;
    })
    .join(", ");
}

// ---------------------------------------------------------------------------------------------------------

console.log(
  `firebreak bench: the real app through probot.receive, every GitHub request answered by nock after ${LATENCY_MS} ms\n`,
);

// Warm-up (module initialisation, JIT): not reported.
{
  const now = new Date();
  await runScenario(declaration(10, { now }), now);
}

const rows: Row[] = [];
const run = async (make: (now: Date) => Scenario): Promise<Row> => {
  const now = new Date();
  const scenario = make(now);
  const row = evaluate(scenario, await runScenario(scenario, now));
  rows.push(row);
  return row;
};

await run(() => ({
  operation: "label event, non-incident issue",
  size: "label `bug`",
  budget: { requests: 0, roundTrips: null },
  repo: { mergedPrs: 100, existingLabels: ALL_LABELS, configYaml: null, timeline: [] },
  event: issueEvent("labeled", { labels: ["bug"], label: "bug" }),
}));

await run((now) =>
  declaration(0, {
    now,
    size: "0 merged PRs, first use (labels missing)",
    repo: {
      mergedPrs: 0,
      existingLabels: [SEV2],
      configYaml: null,
      timeline: [labeledNode(SEV2, new Date(now.getTime() - 1_000).toISOString())],
    },
  }),
);
await run((now) => declaration(0, { now }));
const declared100 = await run((now) => declaration(100, { now }));
await run((now) => declaration(2_000, { now, size: "2,000 merged PRs (max_scanned 100)" }));
await run((now) => {
  const base = declaration(2_000, { now });
  return {
    ...base,
    size: "2,000 merged PRs, max_scanned 1000",
    // The configuration asks for ten pages of history: the budget is for the default.
    budget: null,
    note: "config `suspects: { max_scanned: 1000 }` opts into 10 history pages",
    repo: { ...base.repo, configYaml: "suspects:\n  max_scanned: 1000\n" },
  };
});

// Escalation: the incident declared above (same declaration time, tracker and checklist as
// posted, suspects cached in the tracker) is labelled sev1.
{
  const declaredAt: string | undefined = declared100.scenario.repo.timeline[0]?.createdAt;
  const [tracker, checklist] = declared100.run.comments;
  if (!declaredAt || !tracker || !checklist) throw new Error("the 100-PR declaration posted no tracker");
  const at = (ms: number) => new Date(Date.parse(declaredAt) + ms).toISOString();
  await run((now) => ({
    operation: "escalate (label sev1)",
    size: "100 merged PRs, suspects cached",
    budget: null,
    note: "design.md sets no budget for an escalation",
    repo: {
      mergedPrs: 100,
      existingLabels: ALL_LABELS,
      configYaml: null,
      timeline: [
        labeledNode(SEV2, declaredAt),
        labeledNode(INVESTIGATING, at(1_000), "firebreak"),
        commentNode(1001, tracker, at(2_000), { byApp: true }),
        commentNode(1002, checklist, at(3_000), { byApp: true }),
        labeledNode(SEV1, new Date(now.getTime() - 1_000).toISOString()),
      ],
    },
    event: issueEvent("labeled", { labels: [SEV2, INVESTIGATING, SEV1], label: SEV1 }),
    expect: (r) => {
      if (r.requests.some((q) => q.operation === "History"))
        return "the suspects were read again instead of from the tracker's cache";
      if (!r.requests.some((q) => q.method === "PATCH")) return "the tracker was not updated";
      return r.comments.some((c) => c.includes("firebreak:escalation"))
        ? null
        : "no escalation notice was posted";
    },
  }));
}

printTable(rows);
console.log("\nBudgeted requests per row, in the order they started:");
for (const row of rows) {
  const note = row.scenario.note ? ` [${row.scenario.note}]` : "";
  console.log(`- ${row.scenario.operation}, ${row.scenario.size}${note}: ${describeRequests(row) || "none"}`);
  for (const problem of row.problems) console.log(`    ERROR: ${problem}`);
}

nock.restore();
const failed = rows.filter((row) => row.verdict === "FAIL" || row.verdict === "ERROR");
if (failed.length > 0) {
  console.log(
    `\n${failed.length} row(s) failed: ${failed.map((r) => `${r.scenario.operation} (${r.scenario.size})`).join("; ")}`,
  );
  process.exitCode = 1;
} else {
  console.log("\nAll budgeted rows within budget.");
}
