// The bench's world: the local GitHub (local-github/) on loopback, and the real app server in its own
// process, started as `npm start` starts it (Probot's `run()`, GHE_HOST pointing at the local GitHub,
// the app's key, a webhook secret, firebreak's Octokit), hearing the local GitHub's signed webhooks.
// Each measured step: a person acts, GitHub sends the webhooks, the app answers them; the requests
// the local GitHub recorded in between are the step's, and the app process's memory is read from
// /proc around it. Webhooks caused by the app's own writes are held until the step is measured,
// then delivered (they must cost nothing).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import { appServerEnv, budgetExclusion, freePort } from "../local-github/app.js";
import {
  type Delivery,
  type Item,
  type LocalGitHub,
  type RequestRecord,
  sequentialRoundTrips,
  startLocalGitHub,
} from "../local-github/index.js";
import { SECRET } from "./webhook-load.js";

/** Every request the local GitHub answers during a measured step waits this long first. */
export const LATENCY_MS = 25;
export const OWNER = "acme";
export const SEV1 = "incident/sev1";
export const SEV2 = "incident/sev2";
export const SEVERITY_LABELS = ["incident/sev1", "incident/sev2", "incident/sev3", "incident/sev4"];
export const STATUS_LABELS = [
  "incident/investigating",
  "incident/identified",
  "incident/monitoring",
  "incident/resolved",
];

// ---------------------------------------------------------------------------------------------
// The app server, in its own process (so that its memory is its own).

export interface AppProcess {
  pid: number;
  /** Its webhook URL. */
  url: string;
  throttle: boolean;
  stop(): Promise<void>;
}

/** The app server's own bundle (bench/app-server.ts: Probot and firebreak, nothing of the bench). */
const APP_SERVER = join(process.cwd(), "node_modules", ".cache", "firebreak", "bench-app-server.mjs");
let built: Promise<unknown> | null = null;

function buildAppServer(): Promise<unknown> {
  built ??= build({
    entryPoints: ["bench/app-server.ts"],
    outfile: APP_SERVER,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    loader: { ".hbs": "text" },
    logLevel: "warning",
  });
  return built;
}

/** Starts the app server for `github` in a child process. */
export async function startAppProcess(github: LocalGitHub, o: { throttle: boolean }): Promise<AppProcess> {
  await buildAppServer();
  const port = await freePort();
  const settings = {
    throttle: o.throttle,
    env: appServerEnv(github, { port, secret: SECRET }),
  };
  const child: ChildProcess = spawn(process.execPath, [APP_SERVER], {
    env: { PATH: process.env.PATH ?? "", FIREBREAK_BENCH_APP: JSON.stringify(settings) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the app server exited with ${code} before it listened`)));
  });
  child.removeAllListeners("exit");
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    throttle: o.throttle,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Memory, from /proc: resident set size (RSS) and its high-water mark.

function procStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

/** CPU time the process has used (user + system), in ms (Linux counts it in 1/100 s). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface MemoryWindow {
  /** Peak RSS in the window, and RSS when it opened, in bytes. */
  end(): { peak: number; before: number; exact: boolean };
}

/**
 * Opens a window on a process's memory: resets its RSS high-water mark (writing 5 to
 * /proc/<pid>/clear_refs), so the mark read at the end is the window's peak. Where the kernel
 * refuses, RSS is sampled every 2 ms instead.
 */
export function memoryWindow(pid: number): MemoryWindow {
  let exact = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    exact = false;
  }
  const before = procStatus(pid).rssKb;
  let sampled = before;
  const timer = exact
    ? null
    : setInterval(() => {
        sampled = Math.max(sampled, procStatus(pid).rssKb);
      }, 2);
  return {
    end: () => {
      if (timer) clearInterval(timer);
      const now = procStatus(pid);
      const peak = exact ? now.hwmKb : Math.max(sampled, now.rssKb);
      return { peak: peak * 1024, before: before * 1024, exact };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Which requests design.md's budgets count.

/**
 * Which requests a budget counts: every one (events on issues that are not incidents), or those
 * design.md does not leave out, for an operation or for a command (also beyond its permission check).
 */
export type Counting = "everything" | "operation" | "command";

export function counts(counting: Counting, r: RequestRecord): boolean {
  if (counting === "everything") return true;
  const kind = budgetExclusion(r);
  return kind === null || (kind === "permission" && counting === "operation");
}

// ---------------------------------------------------------------------------------------------

export interface Step {
  requests: RequestRecord[];
  counted: RequestRecord[];
  roundTrips: number;
  wallMs: number;
  memory: { peak: number; before: number; exact: boolean };
  deliveries: Delivery[];
  problems: string[];
}

export interface World {
  github: LocalGitHub;
  /** The app server as the tests run it (Probot's request throttling off), and as production runs it. */
  app: AppProcess;
  throttled: AppProcess;
  /** The app's bot (`firebreak[bot]`). */
  bot: string;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const github = await startLocalGitHub({
    latencyMs: 0,
    delivery: "manual",
    app: { id: 4242, slug: "firebreak", name: "firebreak", owner: OWNER, installationId: 777 },
  });
  github.seed.org(OWNER, "Acme");
  const app = await startAppProcess(github, { throttle: false });
  const throttled = await startAppProcess(github, { throttle: true });
  github.setWebhookTarget(app.url, SECRET);
  return {
    github,
    app,
    throttled,
    bot: github.app?.bot.login ?? "firebreak[bot]",
    stop: async () => {
      await app.stop();
      await throttled.stop();
      await github.stop();
    },
  };
}

/**
 * Delivers the webhooks waiting (and those their answers cause) until none is left; returns the
 * requests the app made meanwhile that design.md would count (the app's identity aside).
 */
export async function settle(world: World): Promise<{ requests: RequestRecord[]; failed: Delivery[] }> {
  const from = world.github.requests.length;
  const failed: Delivery[] = [];
  while (world.github.pending.length > 0) {
    for (const d of await world.github.deliverPending()) if (d.status !== 200) failed.push(d);
  }
  const requests = world.github.requests.slice(from).filter((r) => budgetExclusion(r) !== "identity");
  return { requests, failed };
}

/** Drops the webhooks waiting (state seeded straight into the local GitHub, which no app should hear). */
export async function discardPending(world: World): Promise<void> {
  world.github.setWebhookTarget(null);
  await world.github.deliverPending();
  world.github.setWebhookTarget(world.app.url, SECRET);
}

/**
 * One measured step: `act` changes GitHub's state (a person labels, comments…), the webhooks it
 * causes go to `app` side by side, each answered when the app has handled it. Every request
 * answered after LATENCY_MS.
 */
export async function measureStep(
  world: World,
  o: { act: () => unknown; app?: AppProcess; counting: Counting },
): Promise<Step> {
  const github = world.github;
  const problems: string[] = [];
  const before = await settle(world);
  if (before.failed.length > 0)
    problems.push(`preparing: ${before.failed.length} webhook(s) not answered 200`);
  problems.push(...github.problems.splice(0).map((p) => `local GitHub, preparing: ${p}`));
  const app = o.app ?? world.app;
  github.setWebhookTarget(app.url, SECRET);
  const from = github.requests.length;
  github.latencyMs = LATENCY_MS;
  const memory = memoryWindow(app.pid);
  const t0 = performance.now();
  let deliveries: Delivery[] = [];
  try {
    o.act();
    deliveries = await github.deliverPending();
  } catch (error) {
    problems.push(`the step failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const wallMs = performance.now() - t0;
  const mem = memory.end();
  github.latencyMs = 0;
  github.setWebhookTarget(world.app.url, SECRET);
  const requests = github.requests.slice(from);
  const counted = requests.filter((r) => counts(o.counting, r));

  for (const d of deliveries) {
    if (d.status !== 200)
      problems.push(
        `the app answered ${d.event}.${d.action} with ${d.status ?? d.error}${d.status === 202 ? " (still working after Probot's 9 s)" : ""}`,
      );
  }
  for (const r of requests) {
    if (r.status >= 400 && budgetExclusion(r) !== "config")
      problems.push(`error answer: ${r.method} ${r.path} ${r.status}`);
    for (const w of r.writes ?? [])
      if (!w.ok) problems.push(`GitHub did not carry out ${w.field}: ${w.error}`);
    if (r.errors && !r.writes) problems.push(`GraphQL ${r.operation}: ${r.errors.join("; ")}`);
  }
  problems.push(...github.problems.splice(0).map((p) => `local GitHub: ${p}`));
  // The webhooks the app's own writes caused: GitHub sends them too, and they must cost nothing.
  const echoes = await settle(world);
  if (echoes.requests.length > 0)
    problems.push(`the webhooks caused by the app's own writes cost ${echoes.requests.length} request(s)`);
  if (echoes.failed.length > 0)
    problems.push(`${echoes.failed.length} webhook(s) caused by the app's writes not answered 200`);
  return {
    requests,
    counted,
    roundTrips: sequentialRoundTrips(counted),
    wallMs,
    memory: mem,
    deliveries,
    problems: [...new Set(problems)],
  };
}

// ---------------------------------------------------------------------------------------------
// Repositories.

const AREAS = ["checkout", "payments", "search", "catalog", "accounts", "shipping", "emails", "admin"];
const SPREAD_MS = 40 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface SeededRepo {
  fullName: string;
  /** Merge commits of the merged pull requests, oldest first. */
  merges: string[];
}

/**
 * A shop: alice (triage) and bob (maintain), firebreak's labels (or only the severities), an
 * initial commit five days ago (with `config` as .github/incident.yml), then `mergedPrs` pull
 * requests merged over the last 40 hours (real git history), and three deployments.
 */
export function seedRepo(
  world: World,
  name: string,
  o: { mergedPrs: number; labels?: "all" | "severities"; config?: string },
): SeededRepo {
  const { seed } = world.github;
  const fullName = `${OWNER}/${name}`;
  const now = Date.now();
  seed.repository(fullName, { description: "The acme shop" });
  seed.collaborator(fullName, "alice", "triage");
  seed.collaborator(fullName, "bob", "maintain");
  seed.label(fullName, "bug", { color: "d73a4a", description: "Something isn't working" });
  for (const label of o.labels === "severities" ? SEVERITY_LABELS : [...SEVERITY_LABELS, ...STATUS_LABELS])
    seed.label(fullName, label, { description: "Incident (firebreak)" });
  const initial = seed.commit(fullName, {
    author: "bob",
    message: "Import the shop",
    at: iso(now - 5 * 86_400_000),
    files: {
      "README.md": "# shop\n",
      ...Object.fromEntries(AREAS.map((area) => [`src/${area}/index.ts`, `export const ${area} = 0;\n`])),
      ...(o.config ? { ".github/incident.yml": o.config } : {}),
    },
  });
  const merges: string[] = [];
  for (let i = 0; i < o.mergedPrs; i++) {
    const area = AREAS[i % AREAS.length] as string;
    const pull = seed.mergedPullRequest(fullName, {
      title: `Improve ${area} handling, part ${i}`,
      author: `dev${i % 17}`,
      branch: `dev${i % 17}/${area}-${i}`,
      at: iso(now - SPREAD_MS + ((i + 1) * SPREAD_MS) / (o.mergedPrs + 1)),
      files: {
        [`src/${area}/index.ts`]: `export const ${area} = ${i};\n`,
        [`src/${area}/part${i % 11}.ts`]: `export const part = ${i};\n`,
        [`test/${area}/part${i % 11}.test.ts`]: `it("part ${i}", () => {});\n`,
      },
    });
    merges.push(pull.mergeCommit as string);
  }
  for (const [environment, hoursAgo, back] of [
    ["production", 3, 3],
    ["staging", 5, 5],
    ["production", 27, 40],
  ] as const) {
    seed.deployment(fullName, {
      sha: merges.at(-back) ?? merges[0] ?? initial,
      environment,
      at: iso(now - hoursAgo * 3_600_000),
      state: "success",
      creator: "bob",
    });
  }
  return { fullName, merges };
}

/** alice opens an issue (the app hears it: it is no incident, so it costs nothing). */
export function openIssue(world: World, fullName: string): number {
  return world.github.as("alice").openIssue(fullName, {
    title: "Checkout returns 500 for card payments",
    body: "Card payments fail at checkout since about 14:00.",
  }).number;
}

/** An incident declared through the app (alice labels it sev2), its webhooks all answered. */
export async function declared(world: World, fullName: string): Promise<number> {
  const number = openIssue(world, fullName);
  world.github.as("alice").label(fullName, number, SEV2);
  const { failed } = await settle(world);
  if (failed.length > 0) throw new Error(`declaring #${number}: the app answered ${failed[0]?.status}`);
  const tracker = world.github
    .comments(fullName, number)
    .find((c) => c.author === world.bot && c.body.includes("<!-- firebreak:tracker -->"));
  if (!tracker) throw new Error(`declaring #${number}: no tracker was posted`);
  return number;
}

/**
 * Moves what is recorded on an item `ms` into the past: its timeline from record `from` on (all of
 * it by default, with the item's own dates: an incident that started hours ago).
 */
export function backdate(item: Item, ms: number, from = 0): void {
  const earlier = (at: string) => iso(Date.parse(at) - ms);
  if (from === 0) {
    item.createdAt = earlier(item.createdAt);
    item.updatedAt = earlier(item.updatedAt);
  }
  for (const event of item.timeline.slice(from)) {
    event.at = earlier(event.at);
    if (event.type === "comment") {
      event.comment.createdAt = earlier(event.comment.createdAt);
      event.comment.updatedAt = earlier(event.comment.updatedAt);
      for (const reaction of event.comment.reactions) reaction.createdAt = earlier(reaction.createdAt);
    }
  }
}

/**
 * Appends `count` records to an incident straight into the local GitHub's state, one a second from
 * `fromMs`: the responders' comments, every fifth a `/note` firebreak answered (its 👍). No webhook
 * is sent for them.
 */
export async function seedChatter(world: World, item: Item, count: number, fromMs: number): Promise<void> {
  const store = world.github.store;
  for (let i = 0; i < count; i++) {
    store.at(iso(fromMs + i * 1_000), () => {
      const by = i % 3 === 0 ? "alice" : "bob";
      if (i % 5 === 0) {
        const comment = store.addComment(
          item,
          by,
          `/note observation ${i}: p99 latency ${200 + (i % 50)} ms`,
        );
        store.react(comment, "THUMBS_UP", world.bot);
      } else {
        store.addComment(item, by, `Checked shard ${i % 64}: error rate ${(i % 7) + 1}%`);
      }
    });
  }
  await discardPending(world);
}
