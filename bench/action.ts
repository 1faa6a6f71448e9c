// The companion Action in the bench: its committed bundle (action/dist/index.js) run as a workflow
// step runs it, in its own process, against the local GitHub, with the workflow's token. Its peak
// memory is the process's own maximum RSS (getrusage), written by a one-line preload when it exits.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Issue, RequestRecord } from "../local-github/index.js";
import { earlierPostmortems, trackerBody } from "../test/action/fixtures.js";
import {
  backdate,
  declared,
  discardPending,
  LATENCY_MS,
  SEV2,
  seedChatter,
  seedRepo,
  settle,
  type World,
} from "./world.js";

/** The committed bundle; FIREBREAK_ACTION_BUNDLE benches another build (one not yet committed, say). */
export const BUNDLE = process.env.FIREBREAK_ACTION_BUNDLE || join(process.cwd(), "action/dist/index.js");
export const WORKFLOW = "github-actions[bot]";
/** Post-mortems already in docs/postmortems, for the incidents index. */
export const EARLIER_POSTMORTEMS = 100;

/** Writes the process's resource usage (maxRSS in kB) to FIREBREAK_BENCH_RUSAGE when it exits. */
const PRELOAD =
  'data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(process.env.FIREBREAK_BENCH_RUSAGE,JSON.stringify(process.resourceUsage())))';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Bytes. */
  maxRss: number;
  /** Every request the Action sent (the workflow's token). */
  requests: RequestRecord[];
  outputs: Record<string, string>;
  problems: string[];
}

/** Runs the bundle on one event; every request answered after LATENCY_MS. */
export async function runBundle(
  world: World,
  o: { fullName: string; event: "issues" | "schedule"; payload: object; token: string },
): Promise<ActionRun> {
  const github = world.github;
  const problems: string[] = [];
  const pending = await settle(world);
  if (pending.failed.length > 0) problems.push("preparing: a webhook was not answered 200");
  problems.push(...github.problems.splice(0).map((p) => `local GitHub, preparing: ${p}`));
  const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-action-"));
  const files = {
    event: join(dir, "event.json"),
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    rusage: join(dir, "rusage.json"),
  };
  writeFileSync(files.event, JSON.stringify(o.payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: o.fullName,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_GRAPHQL_URL: github.graphqlUrl,
    GITHUB_SERVER_URL: github.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    "INPUT_GITHUB-TOKEN": o.token,
    "INPUT_POSTMORTEM-DIR": "docs/postmortems",
    "INPUT_DRY-RUN": "false",
    "INPUT_PROJECT-STATUS": "Todo",
    FIREBREAK_BENCH_RUSAGE: files.rusage,
  };
  const from = github.requests.length;
  github.latencyMs = LATENCY_MS;
  const started = performance.now();
  const child = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", PRELOAD, BUNDLE],
      { env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  const wallMs = performance.now() - started;
  github.latencyMs = 0;
  const requests = github.requests.slice(from);
  let maxRss = 0;
  try {
    maxRss = (JSON.parse(readFileSync(files.rusage, "utf8")) as { maxRSS: number }).maxRSS * 1024;
  } catch {
    problems.push("the Action's process wrote no resource usage");
  }
  const outputs: Record<string, string> = {};
  for (const match of readFileSync(files.output, "utf8").matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[match[1] as string] = match[3] as string;
  rmSync(dir, { recursive: true, force: true });
  if (child.code !== 0) {
    const last =
      child.stdout
        .split("\n")
        .filter((l) => l.startsWith("::error"))
        .at(-1) ?? child.stderr.trim();
    problems.push(`the Action exited with ${child.code}: ${last.slice(0, 300)}`);
  }
  for (const r of requests) {
    if (r.status >= 400 && r.status !== 404) problems.push(`error answer: ${r.method} ${r.path} ${r.status}`);
    for (const w of r.writes ?? [])
      if (!w.ok) problems.push(`GitHub did not carry out ${w.field}: ${w.error}`);
    if (r.errors && !r.writes) problems.push(`GraphQL ${r.operation}: ${r.errors.join("; ")}`);
    if (r.login !== WORKFLOW) problems.push(`a request by ${r.login ?? "nobody"} during the Action's run`);
  }
  problems.push(...github.problems.splice(0).map((p) => `local GitHub: ${p}`));
  // The webhooks the Action's writes caused reach the app, as on GitHub.
  await settle(world);
  github.problems.splice(0);
  return { ...child, wallMs, maxRss, requests, outputs, problems: [...new Set(problems)] };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

// ---------------------------------------------------------------------------------------------
// The post-mortem.

export interface PostmortemSetup {
  fullName: string;
  issue: number;
  /** Records on the issue's timeline when the Action runs. */
  events: number;
  payload: object;
}

/**
 * A SEV2 incident played through the app (declared, commanded, identified, two action items,
 * resolved, closed) in a repository holding 100 earlier post-mortems, then grown to `events`
 * timeline records: responders' comments seeded straight into the local GitHub between the action
 * items and the resolution (the incident took hours; its records are moved back in time to fit).
 */
export async function preparePostmortem(world: World, events: number): Promise<PostmortemSetup> {
  const name = `postmortem-${events}`;
  const { fullName } = seedRepo(world, name, { mergedPrs: 10 });
  world.github.seed.commit(fullName, {
    author: "bob",
    message: "Add earlier post-mortems",
    at: iso(Date.now() - 4 * 86_400_000),
    files: earlierPostmortems(EARLIER_POSTMORTEMS),
  });
  const number = await declared(world, fullName);
  const bob = world.github.as("bob");
  for (const body of [
    "/role ic me",
    "/status identified the retry loop exhausts the DB pool",
    [
      "/action-item Alert when the DB pool is above 75% @bob due:2026-12-01",
      "/action-item Load-test card retries against a small pool @alice due:2026-12-08",
    ].join("\n"),
  ]) {
    bob.comment(fullName, number, body);
    await settle(world);
  }
  const issue = world.github.issue(fullName, number);
  const played = issue.timeline.length;
  bob.comment(fullName, number, "/status resolved error rate at baseline for an hour");
  await settle(world);
  bob.close(fullName, number);
  const closing = world.github.pending.find((d) => d.event === "issues" && d.action === "closed");
  if (!closing) throw new Error("closing sent no issues.closed webhook");
  await settle(world);
  await grow(world, issue, played, events);
  const { installation: _installation, ...payload } = closing.payload;
  return { fullName, issue: number, events: issue.timeline.length, payload };
}

/**
 * Inserts responders' comments at `at` in the timeline until it holds `events` records: the records
 * before `at` move 4 hours back, those after it 1 hour back, and the comments fill the gap, one a
 * second (every fifth a `/note` firebreak answered with its 👍).
 */
async function grow(world: World, issue: Issue, at: number, events: number): Promise<void> {
  const count = events - issue.timeline.length;
  if (count < 0)
    throw new Error(`the incident already holds ${issue.timeline.length} records, more than ${events}`);
  const after = issue.timeline.splice(at);
  const closedAt = issue.closedAt;
  backdate(issue, 4 * 3_600_000);
  const gapStart = Date.parse(issue.timeline.at(-1)?.at ?? issue.createdAt) + 1_000;
  await seedChatter(world, issue, count, gapStart);
  const tail = issue.timeline.length;
  issue.timeline.push(...after);
  backdate(issue, 3_600_000, tail);
  if (closedAt) issue.closedAt = iso(Date.parse(closedAt) - 3_600_000);
  issue.updatedAt = issue.closedAt ?? issue.updatedAt;
}

// ---------------------------------------------------------------------------------------------
// The reminders sweep.

export interface RemindersSetup {
  fullName: string;
  incidents: number;
  due: boolean;
}

/**
 * `count` open SEV2 incidents declared 31 to 37 minutes ago, seeded straight into the local GitHub
 * (firebreak's tracker and first status, as the app leaves them): nobody on them (a reminder due on
 * each), or a commander who posted an update five minutes ago (nothing due).
 */
export async function prepareReminders(world: World, count: number, due: boolean): Promise<RemindersSetup> {
  const { fullName } = seedRepo(world, `reminders-${count}-${due ? "due" : "quiet"}`, { mergedPrs: 0 });
  const store = world.github.store;
  const repo = world.github.repo(fullName);
  const now = Date.now();
  const tracker = trackerBody();
  for (let i = 0; i < count; i++) {
    const declaredMs = now - (31 + (i % 7)) * 60_000;
    const issue = store.at(iso(declaredMs), () =>
      store.createIssue(repo, {
        author: "alice",
        title: `Incident ${i}: checkout errors`,
        body: "Something is broken.",
        labels: [SEV2],
      }),
    );
    store.at(iso(declaredMs + 3_000), () => store.addComment(issue, world.bot, tracker));
    store.at(iso(declaredMs + 4_000), () =>
      store.addLabels(issue, [store.label(repo, "incident/investigating")], world.bot),
    );
    if (!due) {
      for (const [minutes, body] of [
        [30, "/role ic me"],
        [5, "/update still looking"],
      ] as const) {
        store.at(iso(now - minutes * 60_000), () => {
          const comment = store.addComment(issue, "bob", body);
          store.react(comment, "THUMBS_UP", world.bot);
        });
      }
    }
  }
  await discardPending(world);
  return { fullName, incidents: count, due };
}

/** Incidents of the repository the workflow's token commented on. */
export function remindedIncidents(world: World, fullName: string): number {
  const repo = world.github.repo(fullName);
  return [...repo.items.values()].filter(
    (item) =>
      item.kind === "issue" &&
      world.github.comments(fullName, item.number).some((c) => c.author === WORKFLOW),
  ).length;
}

export const scheduleEvent = { schedule: "*/10 * * * *" };
