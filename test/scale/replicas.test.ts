// Two app replicas, each its own process started as `npm start` starts the app, behind a load
// balancer, sharing one real redis-server (REDIS_URL: Probot's throttling and firebreak's per-issue
// lock), against the local GitHub. A burst of fifty command comments on one incident, every webhook
// delivered twice (once to each replica, at the same time): each command is applied once, with one
// reply where it has one, and the tracker ends as a fresh render would make it.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import { Redis } from "ioredis";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appServerEnv } from "../../local-github/app.js";
import { type LocalGitHub, startLocalGitHub } from "../../local-github/index.js";
import { SHOP, seedShop } from "../action/app-bundle.js";
import { freePort, type RedisServer, redisAvailable, startRedis } from "./redis.js";

const SECRET = "scale-webhook-secret";
const LATENCY_MS = 25;
const TRACKER_MARKER = "<!-- firebreak:tracker -->";

interface Replica {
  port: number;
  process: ChildProcess;
  output: string[];
}

describe.skipIf(!redisAvailable())("two replicas sharing a redis-server", () => {
  let redis: RedisServer;
  let client: Redis;
  let github: LocalGitHub;
  let replicas: Replica[] = [];
  let balancer: Server;
  /** Which replica each delivery went to, in order (a redelivery goes to the other one). */
  const routed = new Map<string, number[]>();

  beforeAll(async () => {
    nock.enableNetConnect("127.0.0.1");
    redis = await startRedis();
    client = new Redis(redis.url);
    // Some latency, as GitHub has: operations on the two replicas overlap as they would in production.
    github = await startLocalGitHub({ latencyMs: LATENCY_MS });
    seedShop(github);
    const entry = await bundleReplica();
    replicas = await Promise.all([0, 1].map(() => startReplica(entry, github, redis.url)));
    balancer = await startBalancer(replicas, routed);
    const address = balancer.address();
    const port = typeof address === "object" && address ? address.port : 0;
    github.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas) replica.process.kill();
    balancer?.close();
    await github?.stop();
    client?.disconnect();
    await redis?.stop();
  });

  it("applies fifty commands on one incident once each, however the deliveries are spread and repeated", async () => {
    const issue = github
      .as("alice")
      .openIssue(SHOP, { title: "Checkout returns 500", body: "Card payments fail." });
    github.as("alice").label(SHOP, issue.number, "incident/sev2");
    await quiet(github);
    expect(appComments(github, issue.number).filter((c) => c.body.startsWith(TRACKER_MARKER))).toHaveLength(
      1,
    );

    const commands = [
      "/status identified",
      "/severity sev1 payments are down everywhere",
      "/role ic @bob",
      "/impact card payments fail at checkout",
      "/update rolling back the retry change",
      ...Array.from({ length: 45 }, (_, i) => `/note note-${String(i + 5).padStart(2, "0")}`),
    ];
    const before = github.deliveries.length;
    const comments = commands.map((body) => github.as("bob").comment(SHOP, issue.number, body));
    // Every webhook of the burst delivered a second time at once: the other replica gets it.
    const burst = github.deliveries.slice(before).filter((d) => d.event === "issue_comment");
    expect(burst).toHaveLength(50);
    await Promise.all(burst.map((d) => github.redeliver(d.id)));
    await quiet(github, () =>
      comments.every((c) => reactionsOf(github, issue.number, c.databaseId).length > 0),
    );

    expect(github.problems).toEqual([]);
    // Both replicas answered, each delivery once from each.
    for (const d of burst) expect(new Set(routed.get(d.id))).toEqual(new Set([0, 1]));
    expect(github.deliveries.filter((d) => d.status !== 200 && d.status !== 202)).toEqual([]);

    // Every command applied once: firebreak's 👍 on each comment, once.
    for (const comment of comments) {
      expect(reactionsOf(github, issue.number, comment.databaseId)).toEqual(["THUMBS_UP"]);
    }
    // One severity and one status label, as the commands left them; the commander assigned.
    const labels = github.issue(SHOP, issue.number).labels.map((l) => l.name);
    expect(labels.filter((l) => l.startsWith("incident/")).sort()).toEqual([
      "incident/identified",
      "incident/sev1",
    ]);
    expect(github.issue(SHOP, issue.number).assignees).toContain("bob");
    // One tracker, one first checklist, one escalation notice, one reply (the `/update`'s).
    const mine = appComments(github, issue.number);
    const count = (prefix: string) => mine.filter((c) => c.body.startsWith(prefix)).length;
    expect(count(TRACKER_MARKER)).toBe(1);
    expect(count("<!-- firebreak:checklist:respond -->")).toBe(1);
    expect(count("<!-- firebreak:escalation")).toBe(1);
    expect(mine.filter((c) => c.body.includes("rolling back the retry change"))).toHaveLength(1);
    expect(mine.filter((c) => c.body.startsWith("<!-- firebreak:failure"))).toEqual([]);

    // No lost update: the tracker holds every entry. One more command, on its own, renders it
    // afresh from GitHub's records, one entry longer.
    const tracker = () => mine.find((c) => c.body.startsWith(TRACKER_MARKER))?.body ?? "";
    const afterBurst = timelineLength(tracker());
    const last = github.as("bob").comment(SHOP, issue.number, "/note all fifty are in");
    await quiet(github, () => reactionsOf(github, issue.number, last.databaseId).length > 0);
    const fresh =
      appComments(github, issue.number).find((c) => c.body.startsWith(TRACKER_MARKER))?.body ?? "";
    expect(timelineLength(fresh)).toBe(afterBurst + 1);
    expect(fresh).toContain("note-49");

    // The replicas shared Redis: Probot's throttling queues (Bottleneck) and nothing left locked.
    const keys = await client.keys("*");
    expect(keys.some((k) => k.startsWith("b_octokit-write-777"))).toBe(true);
    expect(keys.filter((k) => k.startsWith(`firebreak:issue-lock:${SHOP}#`))).toEqual([]);
  }, 180_000);
});

/** The replica entry, bundled as the app is (templates as text), next to node_modules. */
async function bundleReplica(): Promise<string> {
  const outfile = join(process.cwd(), "node_modules", ".cache", "firebreak", "scale-replica.mjs");
  await build({
    entryPoints: ["test/scale/replica.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    loader: { ".hbs": "text" },
    logLevel: "warning",
  });
  return outfile;
}

async function startReplica(entry: string, github: LocalGitHub, redisUrl: string): Promise<Replica> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      ...appServerEnv(github, { port, secret: SECRET, logLevel: "warn" }),
      REDIS_URL: redisUrl,
      LOG_FORMAT: "json",
      ...(process.env.SCALE_LOCAL_LOCKS_ONLY
        ? { SCALE_LOCAL_LOCKS_ONLY: process.env.SCALE_LOCAL_LOCKS_ONLY }
        : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes("replica ready")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("exit", (code) => reject(new Error(`replica exited with ${code}: ${output.join("")}`)));
  });
  await ready;
  return { port, process: child, output };
}

/**
 * A round-robin load balancer: each new delivery goes to the next replica; a delivery seen before
 * (a redelivery, same X-GitHub-Delivery) goes to the replica after the one that had it.
 */
function startBalancer(replicas: Replica[], routed: Map<string, number[]>): Promise<Server> {
  let next = 0;
  const server = createServer((req, res) => {
    const id = String(req.headers["x-github-delivery"] ?? "");
    const seen = routed.get(id);
    const target = seen ? ((seen.at(-1) ?? 0) + 1) % replicas.length : next++ % replicas.length;
    routed.set(id, [...(seen ?? []), target]);
    const upstream = request(
      {
        host: "127.0.0.1",
        port: replicas[target]?.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * Until every webhook was answered, `done` holds, and the local GitHub heard nothing for a second
 * (a replica answers a slow delivery 202 after 9 s and goes on working).
 */
async function quiet(github: LocalGitHub, done: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    await github.settled();
    const seen = github.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (done() && github.requests.length === seen) return;
    if (Date.now() > deadline) throw new Error("the replicas did not settle");
  }
}

function appComments(github: LocalGitHub, number: number) {
  return github.comments(SHOP, number).filter((c) => c.author === "firebreak[bot]");
}

function reactionsOf(github: LocalGitHub, number: number, databaseId: number): string[] {
  const comment = github.comments(SHOP, number).find((c) => c.databaseId === databaseId);
  return (comment?.reactions ?? []).filter((r) => r.user === "firebreak[bot]").map((r) => r.content);
}

/** The tracker's timeline length: "… N earlier events" plus the entries shown. */
function timelineLength(tracker: string): number {
  const section = tracker.split("### Timeline")[1]?.split("###")[0] ?? "";
  const earlier = Number(/_… (\d+) earlier events_/.exec(section)?.[1] ?? 0);
  return earlier + section.split("\n").filter((line) => line.startsWith("- **")).length;
}
