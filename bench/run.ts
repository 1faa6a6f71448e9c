// `npm run bench`: firebreak's cost, measured the way GitHub drives it. The local GitHub
// (local-github/) serves the repositories on loopback and answers every request after 25 ms; the
// real app server runs in its own process (Probot's `run()`, as `npm start`) and hears the local
// GitHub's signed webhooks; the Action's committed bundle runs as a workflow step would. Prints one
// table (operation, size, requests, sequential round trips, wall time, peak memory), checks
// design.md's budgets, and exits non-zero when a row is over its budget or went wrong.
import { cpus, loadavg } from "node:os";
import { type RequestRecord, sequentialRoundTrips } from "../local-github/index.js";
import {
  type ActionRun,
  BUNDLE,
  preparePostmortem,
  prepareReminders,
  remindedIncidents,
  runBundle,
  scheduleEvent,
  WORKFLOW,
} from "./action.js";
import { load, ordinaryEvents } from "./webhook-load.js";
import {
  type AppProcess,
  backdate,
  type Counting,
  cpuMs,
  declared,
  LATENCY_MS,
  measureStep,
  memoryWindow,
  openIssue,
  SEV1,
  type Step,
  seedChatter,
  seedRepo,
  settle,
  startWorld,
  type World,
} from "./world.js";

interface Row {
  operation: string;
  size: string;
  /** Requests the budget counts, and all of them. */
  requests: number;
  total: number;
  roundTrips: number;
  wall: string;
  memory: string;
  budget: string;
  verdict: "pass" | "FAIL" | "—";
  problems: string[];
  /** The requests, in the order they started. */
  detail: string;
  note?: string;
}

const rows: Row[] = [];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const fmt = (n: number) => n.toLocaleString("en-US");

function errorText(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** Alike things in a row, grouped: `show` gets each group's items. */
function runs<T>(items: T[], key: (item: T) => string, show: (group: T[]) => string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && key(items[j] as T) === key(items[i] as T)) j++;
    out.push(...show(items.slice(i, j)));
    i = j;
  }
  return out;
}

/** The requests in the order they started; a run of more than three alike ones (a timeline's pages) once. */
function describe(requests: RequestRecord[], start: number): string {
  const fields = (r: RequestRecord) =>
    runs(
      r.writes ?? [],
      (w) => w.field,
      (group) => [group.length > 1 ? `${group[0]?.field} ×${group.length}` : `${group[0]?.field}`],
    ).join(", ");
  const what = (r: RequestRecord) =>
    r.operation
      ? `graphql ${r.operation}${r.writes ? ` [${fields(r)}]` : ""}`
      : `${r.method} ${decodeURIComponent(r.path.split("?")[0] ?? "")
          .replace("/api/v3", "")
          .replace(/^\/repos\/[^/]+\/[^/]+/, "")}`;
  const at = (r: RequestRecord) => `@${Math.round(r.start - start)}ms`;
  // An answer that took the local GitHub itself a while (a long history, a big tree) says so.
  const took = (r: RequestRecord) =>
    r.end - r.start > LATENCY_MS + 75 ? ` (answered in ${fmt(Math.round(r.end - r.start))} ms)` : "";
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  return runs(sorted, what, (group) => {
    const first = group[0] as RequestRecord;
    const last = group.at(-1) as RequestRecord;
    return group.length > 3
      ? [`${what(first)} ×${group.length} (${at(first)}–${at(last)})`]
      : group.map((r) => `${what(r)} ${at(r)}${took(r)}`);
  }).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Rows for the app: a step through the real server.

interface AppBudget {
  /** Counted requests at most (or only `check`). */
  requests?: number;
  roundTrips?: number;
  /** Another check, beyond the counts: what is wrong, or null. */
  check?: (step: Step) => string | null;
  text?: string;
}

async function appRow(
  world: World,
  spec: {
    operation: string;
    /** A function when the size is known only once the step has run. */
    size: string | (() => string);
    budget: AppBudget | null;
    counting: Counting;
    app?: AppProcess;
    note?: string;
    /** Sets the scene (through the app where it matters); returns what the person does. */
    prepare: () => Promise<() => unknown>;
    /** What must have happened: null, or what did not. */
    expect?: (step: Step) => string | null;
  },
): Promise<Step | null> {
  let act: () => unknown;
  try {
    act = await spec.prepare();
  } catch (error) {
    rows.push({
      operation: spec.operation,
      size: typeof spec.size === "string" ? spec.size : "",
      requests: 0,
      total: 0,
      roundTrips: 0,
      wall: "—",
      memory: "—",
      budget: budgetText(spec.budget),
      verdict: "FAIL",
      problems: [`preparing failed: ${errorText(error)}`],
      detail: "",
    });
    return null;
  }
  const step = await measureStep(world, {
    act,
    counting: spec.counting,
    ...(spec.app ? { app: spec.app } : {}),
  });
  const problems = [...step.problems];
  if (problems.length === 0 && spec.expect) {
    const unmet = spec.expect(step);
    if (unmet) problems.push(unmet);
  }
  let verdict: Row["verdict"] = spec.budget ? "pass" : "—";
  if (spec.budget) {
    const { requests, roundTrips, check } = spec.budget;
    if (requests !== undefined && step.counted.length > requests)
      problems.push(`${step.counted.length} requests, over the budget of ${requests}`);
    if (roundTrips !== undefined && step.roundTrips > roundTrips)
      problems.push(`${step.roundTrips} sequential round trips, over the budget of ${roundTrips}`);
    const extra = check?.(step);
    if (extra) problems.push(extra);
  }
  if (problems.length > 0) verdict = "FAIL";
  const t0 = step.requests[0]?.start ?? 0;
  rows.push({
    operation: spec.operation,
    size: typeof spec.size === "string" ? spec.size : spec.size(),
    requests: step.counted.length,
    total: step.requests.length,
    roundTrips: step.roundTrips,
    wall: `${fmt(Math.round(step.wallMs))} ms`,
    memory: `${mb(step.memory.peak)} (+${mb(Math.max(0, step.memory.peak - step.memory.before))})${step.memory.exact ? "" : " ~"}`,
    budget: budgetText(spec.budget),
    verdict,
    problems,
    detail: describe(step.counted, t0),
    ...(spec.note ? { note: spec.note } : {}),
  });
  return step;
}

function budgetText(budget: AppBudget | null): string {
  if (!budget) return "—";
  if (budget.text) return budget.text;
  if (budget.requests === undefined) return "—";
  return budget.roundTrips === undefined
    ? `≤ ${budget.requests} req`
    : `≤ ${budget.requests} req, ≤ ${budget.roundTrips} RT`;
}

// What the app left on GitHub.

function appComments(world: World, fullName: string, issue: number): string[] {
  return world.github.comments(fullName, issue).flatMap((c) => (c.author === world.bot ? [c.body] : []));
}

function labelsOf(world: World, fullName: string, issue: number): string[] {
  return world.github.issue(fullName, issue).labels.map((l) => l.name);
}

/** bob's last comment got exactly one reaction from the app, a 👍; then `check`. */
function answered(
  world: World,
  fullName: string,
  issue: () => number,
  check: () => string | null = () => null,
) {
  return (): string | null => {
    const comment = world.github
      .comments(fullName, issue())
      .filter((c) => c.author === "bob")
      .at(-1);
    const reactions = comment?.reactions.filter((r) => r.user === world.bot).map((r) => r.content) ?? [];
    if (reactions.length !== 1 || reactions[0] !== "THUMBS_UP")
      return `the command comment's reactions are [${reactions.join(", ")}], not one 👍`;
    return check();
  };
}

// ---------------------------------------------------------------------------------------------
// Rows for the Action: its bundle in a child process.

function actionRow(
  spec: { operation: string; size: string; budget: number; budgetText: string; note?: string },
  run: ActionRun,
  problems: string[],
): void {
  const all = [...run.problems, ...problems];
  if (run.requests.length > spec.budget)
    all.push(`${run.requests.length} requests, over the budget of ${spec.budget}`);
  const t0 = run.requests[0]?.start ?? 0;
  rows.push({
    operation: spec.operation,
    size: spec.size,
    requests: run.requests.length,
    total: run.requests.length,
    roundTrips: sequentialRoundTrips(run.requests),
    wall: `${fmt(Math.round(run.wallMs))} ms`,
    memory: run.maxRss ? mb(run.maxRss) : "—",
    budget: spec.budgetText,
    verdict: all.length > 0 ? "FAIL" : "pass",
    problems: all,
    detail: describe(run.requests, t0),
    ...(spec.note ? { note: spec.note } : {}),
  });
}

// ---------------------------------------------------------------------------------------------

function printTable(): void {
  const header = [
    "operation",
    "size",
    "requests",
    "sequential round trips",
    "wall time",
    "peak memory",
    "budget",
    "result",
  ];
  const cells = rows.map((r) => [
    r.operation,
    r.size,
    r.total > r.requests ? `${r.requests} (${r.total} in all)` : String(r.requests),
    String(r.roundTrips),
    r.wall,
    r.memory,
    r.budget,
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const right = new Set([2, 3, 4, 5]);
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (right.has(i) ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join(" | ")} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (right.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`,
  );
  for (const c of cells) console.log(line(c));
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
console.log(
  `firebreak bench: the real app server (Probot's run(), as \`npm start\`, in its own process, over signed webhooks) and the Action's committed bundle (${BUNDLE.replace(`${process.cwd()}/`, "")}) against the local GitHub on loopback, ${LATENCY_MS} ms of latency added to every request. ${cpus().length} cores, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(", ")}.\n`,
);

const world = await startWorld();
const gh = world.github;
const throttled = world.throttled;

try {
  // Warm-up (each process's first webhook: module initialisation, templates, JIT): not reported.
  const warm = seedRepo(world, "warm-up", { mergedPrs: 10 }).fullName;
  gh.as("bob").comment(warm, await declared(world, warm), "/status identified warming up");
  await settle(world);
  await measureStep(world, {
    app: throttled,
    counting: "operation",
    act: () => gh.as("alice").label(warm, openIssue(world, warm), "incident/sev2"),
  });

  const shop = seedRepo(world, "shop", { mergedPrs: 100 }).fullName;

  await appRow(world, {
    operation: "event on a non-incident issue",
    size: "label `bug`",
    budget: { requests: 0 },
    counting: "everything",
    prepare: async () => {
      const issue = openIssue(world, shop);
      return () => gh.as("alice").label(shop, issue, "bug");
    },
  });
  await appRow(world, {
    operation: "event on a non-incident issue",
    size: "comment `/status identified`",
    budget: { requests: 0 },
    counting: "everything",
    prepare: async () => {
      const issue = openIssue(world, shop);
      return () => gh.as("bob").comment(shop, issue, "/status identified");
    },
  });

  // Declarations: alice labels an open issue sev2.
  const declaration = async (o: {
    repo: string;
    size: string;
    mergedPrs: number;
    labels?: "severities";
    config?: string;
    budget?: AppBudget | null;
    note?: string;
    app?: AppProcess;
  }) => {
    let fullName = o.repo;
    let issue = 0;
    await appRow(world, {
      operation: "declare an incident (label sev2)",
      size: o.size,
      budget: o.budget === undefined ? { requests: 5, roundTrips: 3 } : o.budget,
      counting: "operation",
      ...(o.app ? { app: o.app } : {}),
      ...(o.note ? { note: o.note } : {}),
      prepare: async () => {
        if (o.repo !== shop)
          fullName = seedRepo(world, o.repo, {
            mergedPrs: o.mergedPrs,
            ...(o.labels ? { labels: o.labels } : {}),
            ...(o.config ? { config: o.config } : {}),
          }).fullName;
        issue = openIssue(world, fullName);
        return () => gh.as("alice").label(fullName, issue, "incident/sev2");
      },
      expect: () => {
        const [tracker, checklist] = appComments(world, fullName, issue);
        return tracker?.includes("<!-- firebreak:tracker -->") &&
          checklist?.includes("<!-- firebreak:checklist:respond -->")
          ? null
          : "the tracker and then the checklist were not posted";
      },
    });
  };
  await declaration({
    repo: "first-use",
    size: "0 merged PRs, first use (status labels missing)",
    mergedPrs: 0,
    labels: "severities",
  });
  await declaration({ repo: "no-history", size: "0 merged PRs", mergedPrs: 0 });
  await declaration({ repo: shop, size: "100 merged PRs", mergedPrs: 100 });
  await declaration({ repo: "busy", size: "2,000 merged PRs", mergedPrs: 2_000 });
  await declaration({
    repo: "busy-scanned",
    size: "2,000 merged PRs, `max_scanned: 1000`",
    mergedPrs: 2_000,
    config: "suspects:\n  max_scanned: 1000\n",
    budget: null,
    note: "the config opts into 10 pages of history; design.md's budget is for the default (100)",
  });

  let escalated = 0;
  await appRow(world, {
    operation: "escalate (label sev1)",
    size: "100 merged PRs, suspects cached",
    budget: null,
    counting: "operation",
    note: "design.md sets no budget for an escalation",
    prepare: async () => {
      escalated = await declared(world, shop);
      return () => gh.as("bob").label(shop, escalated, SEV1);
    },
    expect: (step) => {
      if (step.requests.some((r) => r.operation === "History"))
        return "the suspects were read again instead of from the tracker's cache";
      if (!step.requests.some((r) => r.writes?.some((w) => w.field === "updateIssueComment" && w.ok)))
        return "the tracker was not updated";
      return appComments(world, shop, escalated).some((c) => c.includes("firebreak:escalation"))
        ? null
        : "no escalation notice was posted";
    },
  });

  // Commands: bob comments on a declared SEV2 incident.
  const command = async (o: {
    operation: string;
    body: string;
    check: (issue: number) => string | null;
    app?: AppProcess;
    budget?: AppBudget | null;
    size?: string;
    note?: string;
  }) => {
    let issue = 0;
    await appRow(world, {
      operation: o.operation,
      size: o.size ?? "SEV2 incident, 100 merged PRs",
      budget: o.budget === undefined ? { requests: 4 } : o.budget,
      counting: "command",
      ...(o.app ? { app: o.app } : {}),
      ...(o.note ? { note: o.note } : {}),
      prepare: async () => {
        issue = await declared(world, shop);
        return () => gh.as("bob").comment(shop, issue, o.body);
      },
      expect: answered(
        world,
        shop,
        () => issue,
        () => o.check(issue),
      ),
    });
  };
  const statusIs = (status: string, off: string) => (issue: number) => {
    const labels = labelsOf(world, shop, issue);
    return labels.includes(status) && !labels.includes(off)
      ? null
      : `the status labels are wrong: ${labels.join(", ")}`;
  };
  await command({
    operation: "command `/status identified`",
    body: "/status identified connection pool exhausted",
    check: statusIs("incident/identified", "incident/investigating"),
  });
  await command({
    operation: "command `/status monitoring`",
    body: "/status monitoring rollback is out",
    check: (issue) =>
      appComments(world, shop, issue).some((c) => c.includes("<!-- firebreak:checklist:verify -->"))
        ? null
        : "the verification checklist was not posted",
  });
  await command({
    operation: "comment of 5 commands",
    body: [
      "/role ic me",
      "/status identified the retry loop exhausts the DB pool",
      "/impact about 30% of card payments fail",
      "/note paged the gateway vendor",
      "/update rolling back #1042 now",
    ].join("\n"),
    check: (issue) => {
      const replies = appComments(world, shop, issue).filter((c) => c.includes("<!-- firebreak:reply:"));
      if (!gh.issue(shop, issue).assignees.includes("bob")) return "@bob was not assigned";
      if (!labelsOf(world, shop, issue).includes("incident/identified")) return "the status was not changed";
      return replies.length === 1 && replies[0]?.includes("Status update")
        ? null
        : `expected one reply with the status update, got ${replies.length}`;
    },
  });
  await command({
    operation: "command `/help`",
    body: "/help",
    check: (issue) =>
      appComments(world, shop, issue).some((c) => c.includes("firebreak commands"))
        ? null
        : "no help was posted",
  });

  // /rollback: a merged pull request touching 1, 100 or 1,000 files, a later change on top.
  for (const files of [1, 100, 1_000]) {
    const fullName = `acme/rollback-${files}`;
    let issue = 0;
    let culprit = "";
    const isRevert = (r: RequestRecord) => r.route !== "POST /graphql" || r.operation === "RevertTarget";
    await appRow(world, {
      operation: "command `/rollback <sha>`",
      size: `a merged PR touching ${fmt(files)} file${files === 1 ? "" : "s"}`,
      budget: {
        requests: 4 + 9,
        text: "≤ 4 + ≤ 9 req",
        check: (step) => {
          const revert = step.counted.filter(isRevert).length;
          const rest = step.counted.length - revert;
          if (revert > 9) return `the revert took ${revert} requests, over its budget of 9`;
          return rest > 4
            ? `the command took ${rest} requests besides the revert, over its budget of 4`
            : null;
        },
      },
      counting: "command",
      note: "a command (≤ 4 beyond the permission check) plus the revert (≤ 9)",
      prepare: async () => {
        seedRepo(world, `rollback-${files}`, { mergedPrs: 10 });
        gh.seed.collaborator(fullName, "carol", "write");
        const now = Date.now();
        const pull = gh.seed.mergedPullRequest(fullName, {
          title: `Generate ${fmt(files)} files`,
          author: "carol",
          branch: "carol/generate",
          at: iso(now - 2 * 3_600_000),
          files: Object.fromEntries(
            Array.from({ length: files }, (_, i) => [`src/gen/file-${i}.ts`, `export const v${i} = ${i};\n`]),
          ),
        });
        culprit = pull.mergeCommit as string;
        gh.seed.mergedPullRequest(fullName, {
          title: "More on the README",
          author: "bob",
          branch: "bob/readme",
          at: iso(now - 3_600_000),
          files: { "README.md": "# shop\n\nMore docs.\n" },
        });
        issue = await declared(world, fullName);
        return () =>
          gh
            .as("bob")
            .comment(fullName, issue, `/rollback ${culprit.slice(0, 7)} the generated files broke checkout`);
      },
      expect: answered(
        world,
        fullName,
        () => issue,
        () => {
          const repo = gh.repo(fullName);
          const pull = [...repo.items.values()].find(
            (i) => i.kind === "pull" && i.head.startsWith(`incident-${issue}/revert-`),
          );
          if (pull?.kind !== "pull") return "no revert pull request was opened";
          const head = repo.git.readCommit(gh.store.headOf(pull));
          const expected = repo.git.revertTree(culprit, head?.parents[0] ?? "");
          return expected !== null && head?.tree === expected
            ? null
            : "the revert's tree is not what `git revert -m 1` gives";
        },
      ),
    });
  }

  // A long incident: 10,000 records seeded straight into the local GitHub after its declaration.
  const long = seedRepo(world, "long-incident", { mergedPrs: 10 }).fullName;
  let longIssue = 0;
  let records = 0;
  await appRow(world, {
    operation: "command `/status identified`, first after the timeline grew",
    size: () => `${fmt(records)} timeline records, no checkpoint yet`,
    budget: {
      text: "≤ 4 + ⌈N/100⌉ req",
      check: (step) => {
        const bound = 4 + Math.ceil(records / 100);
        return step.counted.length > bound ? `${step.counted.length} requests, over ${bound}` : null;
      },
    },
    counting: "command",
    note: "reads the whole timeline once (a request per 100 records: README, Cost) and leaves a checkpoint in the tracker",
    prepare: async () => {
      longIssue = await declared(world, long);
      const issue = gh.issue(long, longIssue);
      backdate(issue, 4 * 3_600_000);
      // The tracker ranked the suspects for the declaration's first time: a note has them ranked
      // again for its time now, and moves back to a minute after it.
      const noted = issue.timeline.length;
      gh.as("bob").comment(long, longIssue, "/note paged the database team");
      await settle(world);
      backdate(issue, 4 * 3_600_000 - 60_000, noted);
      await seedChatter(
        world,
        issue,
        9_999 - issue.timeline.length, // 10,000 with the command's own comment
        Date.parse(issue.timeline.at(-1)?.at ?? "") + 60_000,
      );
      return () => {
        gh.as("bob").comment(long, longIssue, "/status identified the retry loop exhausts the pool");
        records = issue.timeline.length;
      };
    },
    expect: answered(
      world,
      long,
      () => longIssue,
      () => {
        const tracker = appComments(world, long, longIssue).find((c) =>
          c.includes("<!-- firebreak:tracker -->"),
        );
        return tracker?.includes("<!-- firebreak:replay ") ? null : "the tracker carries no checkpoint";
      },
    ),
  });
  await appRow(world, {
    operation: "command `/role ic me`, the next one",
    size: () => `${fmt(records)} timeline records, checkpoint in the tracker`,
    budget: { requests: 4 },
    counting: "command",
    prepare: async () => () => {
      gh.as("bob").comment(long, longIssue, "/role ic me");
      records = gh.issue(long, longIssue).timeline.length;
    },
    expect: (step) => {
      if (step.requests.some((r) => r.operation === "MoreTimeline"))
        return "the whole timeline was read again";
      return answered(
        world,
        long,
        () => longIssue,
        () => (gh.issue(long, longIssue).assignees.includes("bob") ? null : "@bob was not assigned"),
      )();
    },
  });

  // Production's setting: Probot's throttling spaces an installation's GraphQL requests and writes ≥ 1 s apart.
  const throttleNote = "Probot's default throttling (production): GraphQL requests and writes ≥ 1 s apart";
  await declaration({
    repo: shop,
    size: "100 merged PRs, default throttling",
    mergedPrs: 100,
    budget: null,
    app: throttled,
    note: throttleNote,
  });
  await command({
    operation: "command `/status identified`",
    body: "/status identified connection pool exhausted",
    size: "SEV2 incident, 100 merged PRs, default throttling",
    check: statusIs("incident/identified", "incident/investigating"),
    app: throttled,
    budget: null,
    note: throttleNote,
  });

  // The Action: the post-mortem on issues.closed.
  const workflowToken = gh.seed.token(WORKFLOW);
  for (const events of [30, 300, 3_000, 10_000]) {
    const spec = {
      operation: "the Action: post-mortem (issues.closed)",
      size: `${fmt(events)} timeline events, 100 earlier post-mortems`,
      budget: Math.ceil(events / 100) + 10,
      budgetText: "≤ ⌈N/100⌉ + 10 req",
    };
    try {
      const setup = await preparePostmortem(world, events);
      const run = await runBundle(world, {
        fullName: setup.fullName,
        event: "issues",
        payload: setup.payload,
        token: workflowToken,
      });
      const problems: string[] = [];
      const pull = [...gh.repo(setup.fullName).items.values()].find(
        (i) => i.kind === "pull" && i.head === `incident-${setup.issue}/postmortem`,
      );
      if (!pull) problems.push("no post-mortem pull request was opened");
      const followUps = [...gh.repo(setup.fullName).items.values()].filter((i) =>
        i.labels.some((l) => l.name === "incident/follow-up"),
      );
      if (followUps.length !== 2) problems.push(`${followUps.length} follow-up issues, not 2`);
      actionRow(
        { ...spec, size: `${fmt(setup.events)} timeline events, 100 earlier post-mortems` },
        run,
        problems,
      );
    } catch (error) {
      rows.push({
        ...spec,
        requests: 0,
        total: 0,
        roundTrips: 0,
        wall: "—",
        memory: "—",
        budget: spec.budgetText,
        verdict: "FAIL",
        problems: [`preparing failed: ${errorText(error)}`],
        detail: "",
      });
    }
  }

  // The Action: the reminders sweep on its schedule.
  for (const [incidents, due] of [
    [0, false],
    [10, false],
    [200, false],
    [10, true],
    [200, true],
  ] as const) {
    const spec = {
      operation: "the Action: reminders sweep (schedule)",
      size: `${incidents} open incidents, ${due ? "a reminder due on each" : "nothing due"}`,
    };
    try {
      const setup = await prepareReminders(world, incidents, due);
      const run = await runBundle(world, {
        fullName: setup.fullName,
        event: "schedule",
        payload: scheduleEvent,
        token: workflowToken,
      });
      const searches = run.requests.filter((r) => r.operation === "ReminderSweep").length;
      const writes = run.requests.length - searches;
      const reminded = remindedIncidents(world, setup.fullName);
      const problems: string[] = [];
      if (reminded !== (due ? incidents : 0))
        problems.push(`${reminded} incidents reminded, not ${due ? incidents : 0}`);
      if (!due && writes > 0) problems.push(`${writes} writes with nothing due`);
      actionRow(
        {
          ...spec,
          budget: searches + 2 * reminded,
          budgetText: "search + ≤ 2 per reminded",
        },
        run,
        problems,
      );
    } catch (error) {
      rows.push({
        ...spec,
        requests: 0,
        total: 0,
        roundTrips: 0,
        wall: "—",
        memory: "—",
        budget: "search + ≤ 2 per reminded",
        verdict: "FAIL",
        problems: [`preparing failed: ${errorText(error)}`],
        detail: "",
      });
    }
  }

  // Webhooks on ordinary issues, back to back, from another process (bench/webhook-load.ts).
  {
    const total = 10_000;
    const concurrency = 32;
    const events = ordinaryEvents();
    await load(throttled.url, events, 1_000, concurrency, 0);
    const from = gh.requests.length;
    const memory = memoryWindow(throttled.pid);
    const cpu = cpuMs(throttled.pid);
    const result = await load(throttled.url, events, total, concurrency, 0);
    const usedMs = cpuMs(throttled.pid) - cpu;
    const mem = memory.end();
    const requests = gh.requests.slice(from);
    const perSecond = total / (result.ms / 1000);
    const perCpuSecond = total / (Math.max(usedMs, 1) / 1000);
    const problems: string[] = [];
    if (requests.length > 0) problems.push(`${requests.length} requests to GitHub; none expected`);
    if ((result.statuses["200"] ?? 0) !== total) problems.push(`answers: ${JSON.stringify(result.statuses)}`);
    // Judged on the app's own CPU time: the wall-clock rate also measures whatever else runs on the machine.
    if (perCpuSecond < 2_000)
      problems.push(`${Math.round(perCpuSecond)} webhooks per CPU-second, below 2,000`);
    rows.push({
      operation: "webhooks on non-incident issues, back to back",
      size: `${fmt(total)} deliveries, ${concurrency} at a time`,
      requests: requests.length,
      total: requests.length,
      roundTrips: 0,
      wall: `${fmt(Math.round(result.ms))} ms: ${fmt(Math.round(perSecond))}/s, ${fmt(Math.round(perCpuSecond))} per CPU-s`,
      memory: `${mb(mem.peak)} (+${mb(Math.max(0, mem.peak - mem.before))})${mem.exact ? "" : " ~"}`,
      budget: "0 req, ≥ 2,000 per CPU-s",
      verdict: problems.length > 0 ? "FAIL" : "pass",
      problems,
      detail: "",
      note: "comments, a label, opened and closed on an ordinary issue; default throttling; the sender is another process",
    });
  }
} finally {
  await world.stop();
}

printTable();
console.log(`
requests: those design.md's budgets count; "in all" adds the installation token, loading the config, the
  app's identity, the permission check and creating missing labels, which the budgets leave out (events on
  non-incident issues count everything). The Action's rows count every request it sent.
sequential round trips: the longest chain of counted requests each sent after the previous was answered,
  from the local GitHub's records (each request's ${LATENCY_MS} ms included).
wall time: the app's rows, from the first webhook sent until the app answered the last one (Probot answers
  after the handler has finished); the Action's rows, its whole process, from start to exit (Node's start
  included). Both include the local GitHub's own time to answer, which a long history makes large (below:
  "answered in").
peak memory: the app's rows, the app server process's peak resident set (RSS) during the step, read from
  the kernel's high-water mark after resetting it when the step began (/proc/<pid>/clear_refs), and in
  brackets its growth over the RSS before the step${rows.some((r) => r.memory.endsWith("~")) ? "; ~: the kernel refused the reset, RSS sampled every 2 ms instead" : ""}. The Action's rows, the bundle process's maximum RSS over
  its whole run (getrusage). Neither includes the local GitHub or the bench, which run in another process.
budget: design.md's (a command's is beyond the permission check; a post-mortem's N is its timeline events);
  rows marked — have none and are shown for information; the reminders' bound is the bench's own.`);

console.log("\nCounted requests per row, in the order they started:");
for (const row of rows) {
  console.log(`- ${row.operation}, ${row.size}${row.note ? ` [${row.note}]` : ""}: ${row.detail || "none"}`);
  for (const problem of row.problems) console.log(`    FAIL: ${problem}`);
}
console.log(
  "\nWebhooks per second with commands on incidents, and the full ordinary-event run: `npm run bench:webhooks`.",
);

const failed = rows.filter((r) => r.verdict === "FAIL");
console.log(`\n${fmt(Math.round((performance.now() - started) / 1000))} s.`);
if (failed.length > 0) {
  console.log(
    `${failed.length} row(s) failed: ${failed.map((r) => `${r.operation} (${r.size})`).join("; ")}`,
  );
  process.exitCode = 1;
} else {
  console.log("Every row within its budget.");
}
