// An incident with 10,000 timeline events, through the real server: declared by the app, then grown
// to 10,000 answered `/note`s seeded straight into the local GitHub's state (the issue's past, no
// webhooks), then commands. The first command after the growth reads the whole timeline once
// (⌈N/100⌉ pages) and leaves a replay checkpoint in the tracker; the next costs ≤ 4 requests beyond
// the permission check. The tracker and the reply stay under GitHub's 65,536 characters and say
// what they leave out. Then the Action's committed bundle drafts the post-mortem of it: within
// ⌈N/100⌉ + 10 requests, its pull request body under 65,536 characters, its timeline visibly cut.
//
// One clock for the app, Probot and the local GitHub (as the demo does): `Date` runs six hours
// behind while the incident is declared and grows, then catches up to now for the commands.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import type { Delivery, PullRequest } from "../../local-github/index.js";
import { MAX_TIMELINE_ROWS } from "../../src/core/postmortem.js";
import {
  APP_LOGIN,
  appReactions,
  mb,
  measured,
  REPO,
  repliesTo,
  routes,
  startE2E,
  step,
  trackerOf,
} from "./support.js";

const EVENTS = 10_000;
const BODY_LIMIT = 65_536;
const BUNDLE = join(process.cwd(), "action/dist/index.js");
const exec = promisify(execFile);

// The bundle's own memory: sampled every 5 ms in its process, the peaks written out as it exits.
const MEMORY_PRELOAD = `
import { writeFileSync } from "node:fs";
let heapPeak = 0, rssPeak = 0;
const sample = () => { const m = process.memoryUsage(); heapPeak = Math.max(heapPeak, m.heapUsed); rssPeak = Math.max(rssPeak, m.rss); };
setInterval(sample, 5).unref();
process.on("exit", () => { sample(); writeFileSync(process.env.FIREBREAK_MEMORY, JSON.stringify({ heapPeak, rssPeak })); });`;

const RealDate = Date;
let offset = 0;
class ShiftedDate extends RealDate {
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
globalThis.Date = ShiftedDate as DateConstructor;
afterAll(() => {
  globalThis.Date = RealDate;
});

const FORM = [
  "### What is broken",
  "",
  "Checkout returns 500 for card payments.",
  "",
  "### Severity",
  "",
  "SEV2 · High: a major feature is unavailable, performance badly degraded, or sign-in failing",
].join("\n");

it("keeps a 10,000-event incident within GitHub's limits and the budgets: tracker, reply, checkpoint, post-mortem", async () => {
  offset = -6 * 3_600_000;
  const { github, sample } = await startE2E();
  const repo = github.repo(REPO);
  let number = 0;
  await step(github, () => {
    number = github.as("alice").openIssue(REPO, { title: "Checkout returns 500", body: FORM }).number;
  });
  const declaredAt = Date.now();

  // The incident grows: 10,000 `/note`s over the next four hours, each answered by firebreak's 👍.
  const seeding = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    github.seed.comment(REPO, number, {
      author: i % 2 ? "bob" : "erin",
      body: `/note checked shard ${i}: healthy`,
      at: new Date(declaredAt + 60_000 + i * 1_500).toISOString(),
      reactions: [{ content: "THUMBS_UP", user: APP_LOGIN }],
    });
  }
  const seedMs = performance.now() - seeding;
  offset = 0; // six hours later: now

  const timelineLength = () => github.issue(REPO, number).timeline.filter((e) => e.type !== "merged").length;
  const pages = (requests: typeof github.requests) =>
    requests.filter((r) => ["IncidentContext", "MoreTimeline", "LatestTimeline"].includes(r.operation ?? ""));

  // The first command after the growth: the whole timeline, once, and a checkpoint left behind.
  let firstId = 0;
  let n1 = 0; // the records the first command's read finds
  const first = await measured(() =>
    step(github, () => {
      firstId = github
        .as("bob")
        .comment(
          REPO,
          number,
          "/status identified shard 4711 leaks connections\n/update fix is rolling out",
        ).databaseId;
      n1 = timelineLength();
    }),
  );
  const firstPages = pages(first.value.requests);
  expect(routes(firstPages)).toEqual([
    "graphql IncidentContext",
    ...Array.from({ length: Math.ceil(n1 / 100) - 1 }, () => "graphql MoreTimeline"),
  ]);
  expect(github.problems).toEqual([]);
  const tracker = trackerOf(github, number).body;
  expect(tracker.length).toBeLessThan(BODY_LIMIT);
  expect(tracker).toMatch(/<!-- firebreak:replay [A-Za-z0-9+/=]+ -->/);
  const earlier = Number(/_… (\d+) earlier events_/.exec(tracker)?.[1]);
  expect(earlier).toBeGreaterThanOrEqual(EVENTS - 15);
  expect(tracker).toContain("## 🔥 SEV2 High incident · identified");
  const firstComment = github.repo(REPO).comments.get(firstId);
  expect(appReactions(firstComment as NonNullable<typeof firstComment>)).toEqual(["THUMBS_UP"]);
  const reply = repliesTo(github, number, firstId);
  expect(reply).toHaveLength(1);
  expect(reply[0]?.body.length).toBeLessThan(BODY_LIMIT);
  expect(reply[0]?.body).toContain("fix is rolling out");

  // The next command: from the checkpoint, the newest records only.
  let nextId = 0;
  const next = await measured(() =>
    step(github, () => {
      nextId = github
        .as("erin")
        .comment(REPO, number, "/action-item cap connections per shard @erin").databaseId;
    }),
  );
  expect(next.value.counted.length).toBeLessThanOrEqual(4);
  expect(routes(pages(next.value.requests))).toEqual(["graphql IncidentContext", "graphql LatestTimeline"]);
  expect(next.value.requests.filter((r) => r.route?.endsWith("/permission"))).toHaveLength(1);
  const comment = github.repo(REPO).comments.get(nextId);
  expect(appReactions(comment as NonNullable<typeof comment>)).toEqual(["THUMBS_UP"]);
  const after = trackerOf(github, number).body;
  expect(after).toContain("cap connections per shard");
  expect(after.length).toBeLessThan(BODY_LIMIT);
  expect(Number(/_… (\d+) earlier events_/.exec(after)?.[1])).toBeGreaterThan(earlier);

  // Closed: the Action drafts the post-mortem, as the Post-mortem workflow runs it.
  await step(github, () => github.as("bob").close(REPO, number));
  const closed = github.deliveries.find(
    (d: Delivery) => d.event === "issues" && d.action === "closed" && d.cause === "person",
  );
  if (!closed) throw new Error("no issues.closed delivery");
  const events = timelineLength();
  const actionFrom = github.requests.length;
  const started = performance.now();
  const action = await runAction(github, closed, sample.tokens.workflow);
  const actionMs = performance.now() - started;
  expect(action.code, action.stderr || action.stdout).toBe(0);
  const actionRequests = github.requests.slice(actionFrom);
  expect(actionRequests.length).toBeLessThanOrEqual(Math.ceil(events / 100) + 10);
  expect(github.problems).toEqual([]);
  const postmortem = [...repo.items.values()].find(
    (i): i is PullRequest => i.kind === "pull" && i.head === `incident-${number}/postmortem`,
  );
  if (!postmortem) throw new Error("no post-mortem pull request");
  expect(postmortem.body.length).toBeLessThan(BODY_LIMIT);
  const path = /^postmortem-path<<(\S+)\n(.*)\n\1$/m.exec(action.outputs)?.[2] ?? "";
  expect(path).toMatch(/^docs\/postmortems\/.+\.md$/);
  const blob = repo.git.revParse(`${github.store.headOf(postmortem)}:${path}`);
  const doc = blob && blob !== "ambiguous" ? (repo.git.readBlob(blob)?.toString("utf8") ?? "") : "";
  const omitted = Number(/_(\d+) minor entries \(notes, assignments\) are not shown/.exec(doc)?.[1]);
  expect(omitted).toBeGreaterThanOrEqual(EVENTS - MAX_TIMELINE_ROWS);
  expect(doc).toContain("cap connections per shard");
  // The webhooks of the Action's writes (its pull request, the follow-up issue) cost the app nothing.
  const echoFrom = github.requests.length;
  while (github.pending.length > 0) await github.deliverPending();
  expect(github.requests.slice(echoFrom)).toEqual([]);
  const byRoute = new Map<string, number>();
  for (const r of actionRequests) {
    const key = r.operation ? `graphql ${r.operation}` : (r.route ?? r.path);
    byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
  }

  const row = (what: string, m: typeof first) =>
    `${what}: ${Math.round(m.wallMs)} ms, heap ${mb(m.heapBefore)} → ${mb(m.heapAfter)} (Δ ${mb(m.heapAfter - m.heapBefore)}), peak ${mb(m.heapPeak)} (+${mb(m.heapPeak - m.heapBefore)})`;
  console.log(
    [
      `long incident: ${EVENTS} notes seeded in ${Math.round(seedMs)} ms; ${events} timeline events at close`,
      `${row("first command after the growth (app + local GitHub, one process)", first)}; ${first.value.counted.length} counted requests, ${firstPages.length} timeline reads (⌈${n1}/100⌉ = ${Math.ceil(n1 / 100)}), tracker ${tracker.length} chars, reply ${reply[0]?.body.length} chars`,
      `${row("next command", next)}; ${next.value.counted.length} counted requests (${routes(next.value.counted).join(", ")}), tracker ${after.length} chars`,
      `the Action's post-mortem (its bundle in a child process): ${Math.round(actionMs)} ms, heap peak ${mb(action.memory.heapPeak)}, rss peak ${mb(action.memory.rssPeak)}; ${actionRequests.length} requests (budget ⌈${events}/100⌉ + 10 = ${Math.ceil(events / 100) + 10}), PR body ${postmortem.body.length} chars (${[...byRoute].map(([k, v]) => `${k} ×${v}`).join(", ")}), document ${doc.length} chars, ${omitted} timeline entries folded`,
    ].join("\n"),
  );
}, 120_000);

/** The Action's committed bundle on the close event, as a workflow step runs it (no project board). */
async function runAction(
  github: import("../../local-github/index.js").LocalGitHub,
  closed: Delivery,
  token: string,
): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  outputs: string;
  memory: { heapPeak: number; rssPeak: number };
}> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-e2e-action-"));
  try {
    // A workflow's event payload is the webhook's, without the app's installation.
    const { installation: _, ...payload } = closed.payload;
    const files = {
      event: join(dir, "event.json"),
      output: join(dir, "output"),
      summary: join(dir, "summary"),
      preload: join(dir, "memory.mjs"),
      memory: join(dir, "memory.json"),
    };
    writeFileSync(files.event, JSON.stringify(payload));
    writeFileSync(files.output, "");
    writeFileSync(files.summary, "");
    writeFileSync(files.preload, MEMORY_PRELOAD);
    const env = {
      PATH: process.env.PATH ?? "",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "issues",
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_GRAPHQL_URL: github.graphqlUrl,
      GITHUB_SERVER_URL: github.url,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: dir,
      "INPUT_GITHUB-TOKEN": token,
      "INPUT_POSTMORTEM-DIR": "docs/postmortems",
      "INPUT_DRY-RUN": "false",
      "INPUT_PROJECT-STATUS": "Todo",
      "INPUT_INCIDENT-INDEX": "true",
      FIREBREAK_MEMORY: files.memory,
    };
    const args = ["--import", pathToFileURL(files.preload).href, BUNDLE];
    const child = await exec(process.execPath, args, { env, timeout: 60_000 }).catch((error) => error);
    return {
      code: typeof child.code === "number" ? child.code : 0,
      stdout: String(child.stdout),
      stderr: String(child.stderr),
      outputs: readFileSync(files.output, "utf8"),
      memory: JSON.parse(readFileSync(files.memory, "utf8")),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
