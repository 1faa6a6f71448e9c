// `npm run bench:webhooks`: how many webhooks per second ONE app process handles through Probot's
// real HTTP path (its Server: routing, the request log, reading the body, the signature check, the
// event's context and Octokit, firebreak's handler). A second process sends signed deliveries over
// keep-alive connections, as GitHub would, as fast as they are answered. Two loads:
//  - events on issues that are not incidents (comments, labels, new issues): must cost no request
//    to GitHub at all, and the process must take at least 2,000 a second;
//  - commands on an incident (`/note …`), against a GitHub answered in the same process by nock
//    with no latency: the app's own cost per command, requests included.
// Prints a table and exits non-zero when a check fails.
import { generateKeyPairSync } from "node:crypto";
import { cpus, loadavg } from "node:os";
import nock from "nock";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { freePort } from "../local-github/app.js";
import firebreak, { firebreakOctokit } from "../src/index.js";
import { commentNode, contextResponse, labeledNode } from "../test/helpers/graphql.js";
import { issueCommentEvent, issueEvent } from "../test/helpers/payloads.js";
import { type Delivery, delivery, load, ordinaryEvents, SECRET } from "./webhook-load.js";

const API = "https://api.github.com";
const APP_ID = 4242;

export interface WebhookRow {
  load: string;
  deliveries: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  /** Requests the app sent to GitHub per delivery (everything: token, config, permission, reads, writes). */
  requestsPerDelivery: number;
  /** Deliveries per second of the app process's own CPU time (user + system): its capacity on one free core. */
  perCpuSecond: number;
  /** What every delivery was answered. */
  statuses: Record<string, number>;
  problems: string[];
}

/** `/note …` comments, each a new one, spread over `incidents` declared SEV2 incidents (#100, #101, …). */
function commandEvents(count: number, incidents: number): Delivery[] {
  const labels = ["incident/sev2", "incident/investigating"];
  return Array.from({ length: count }, (_, i) =>
    delivery(
      "issue_comment",
      issueCommentEvent("created", {
        body: `/note checked the pool, attempt ${i}`,
        commentId: 50_000 + i,
        by: { login: "carol", type: "User" },
        issue: { number: 100 + (i % incidents), labels, author: "dana" },
      }),
    ),
  );
}

/** A warm-up run, then the measured one, with this process's CPU time over the measured run. */
async function measure(
  url: string,
  runs: { warmup: Delivery[]; warmups: number; measured: Delivery[]; total: number; concurrency: number },
) {
  if (runs.warmups > 0) await load(url, runs.warmup, runs.warmups, runs.concurrency, 0);
  const cpu = process.cpuUsage();
  const result = await load(url, runs.measured, runs.total, runs.concurrency, 0);
  const used = process.cpuUsage(cpu);
  return { ...result, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * The app as `npm start` runs it (Probot's Server, firebreak's Octokit, info-level request logs,
 * here written to /dev/null), every request it sends to GitHub counted.
 */
async function startApp(o: { throttle: boolean }) {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const sent = { count: 0 };
  const counting: typeof fetch = (input, init) => {
    sent.count++;
    return globalThis.fetch(input, init);
  };
  const Octokit = o.throttle
    ? firebreakOctokit()
    : firebreakOctokit().defaults((options: Record<string, unknown>) => ({
        ...options,
        throttle: { enabled: false },
      }));
  const port = await freePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log: pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: false })),
    request: { fetch: counting },
    Probot: Probot.defaults({ appId: APP_ID, privateKey, secret: SECRET, Octokit }),
  });
  await server.load(firebreak);
  await server.start();
  return { url: `http://127.0.0.1:${port}/api/github/webhooks`, sent, stop: () => server.stop() };
}

/**
 * GitHub for the commands, answered from memory by nock: no config file, carol may triage, the
 * incident's read (its tracker and checklist as a declaration through the app posted them), and
 * the writes. Counts the comments each `/note` got its 👍 on.
 */
function cannedGitHub(installationId: number) {
  const state = { tracker: "", checklist: "", reacted: 0, declared: false };
  const json = { "content-type": "application/json" };
  nock(API)
    .persist()
    .get("/app")
    .reply(200, { id: APP_ID, slug: "firebreak", name: "firebreak" }, json)
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: "ghs_bench", expires_at: "2099-01-01T00:00:00Z" }, json)
    .get(/\/contents\//)
    .reply(404, { message: "Not Found" }, json)
    .get(/\/collaborators\/carol\/permission$/)
    .reply(200, { permission: "read", role_name: "triage", user: { login: "carol" } }, json)
    .post("/graphql")
    .reply((_uri, body: any) => {
      const query: string = body.query;
      if (/\bquery IncidentContext\b/.test(query)) {
        const timeline = state.declared
          ? [
              labeledNode("incident/sev2", "2026-11-22T14:01:58Z"),
              labeledNode("incident/investigating", "2026-11-22T14:02:00Z", "firebreak"),
              commentNode(1001, state.tracker, "2026-11-22T14:02:01Z", { byApp: true }),
              commentNode(1002, state.checklist, "2026-11-22T14:02:01Z", { byApp: true }),
            ]
          : [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")];
        return [
          200,
          contextResponse({
            timeline,
            commits: body.variables?.withHistory ? [] : null,
            variables: body.variables,
          }),
        ];
      }
      if (/\bmutation FirebreakWrites\b/.test(query)) {
        const fields = [...query.matchAll(/\bw(\d+): (\w+)\(/g)].map((m) => m[2] as string);
        const data: Record<string, unknown> = {};
        let id = 1001;
        fields.forEach((field, i) => {
          const value = body.variables[`w${i}`];
          if (field === "addComment" && !state.declared) {
            if (value.body.startsWith("<!-- firebreak:tracker -->")) state.tracker = value.body;
            else state.checklist = value.body;
          }
          if (field === "addReaction") state.reacted++;
          data[`w${i}`] =
            field === "addComment"
              ? {
                  commentEdge: {
                    node: {
                      databaseId: id,
                      url: `https://github.com/acme/shop/issues/42#issuecomment-${id++}`,
                    },
                  },
                }
              : { clientMutationId: null };
        });
        return [200, { data }];
      }
      if (/\bquery History\b/.test(query)) {
        const history = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
        return [200, { data: { repository: { ref: { target: { history } } } } }];
      }
      return [400, { message: "the bench's GitHub does not answer this query" }];
    });
  return state;
}

export async function benchWebhooks(o: { ordinary?: number; commands?: number } = {}): Promise<WebhookRow[]> {
  const rows: WebhookRow[] = [];
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");

  if (o.ordinary !== 0) {
    const total = o.ordinary ?? 40_000;
    const app = await startApp({ throttle: true });
    const deliveries = ordinaryEvents();
    const concurrency = 32;
    const result = await measure(app.url, {
      warmup: deliveries,
      warmups: 2_000,
      measured: deliveries,
      total,
      concurrency,
    });
    await app.stop();
    const problems: string[] = [];
    if (app.sent.count !== 0) problems.push(`${app.sent.count} requests sent to GitHub; none expected`);
    if ((result.statuses["200"] ?? 0) !== total) problems.push(`answers: ${JSON.stringify(result.statuses)}`);
    const perSecond = total / (result.ms / 1000);
    const perCpuSecond = total / (result.cpuMs / 1000);
    // Judged on the app's own CPU time: the wall-clock rate also measures whatever else runs on the machine.
    if (perCpuSecond < 2_000) problems.push(`${Math.round(perCpuSecond)} per CPU-second is below 2,000`);
    rows.push({
      load: "events on ordinary issues (comments, a label, opened, closed)",
      deliveries: total,
      concurrency,
      seconds: result.ms / 1000,
      perSecond,
      perCpuSecond,
      requestsPerDelivery: app.sent.count / (total + 2_000),
      statuses: result.statuses,
      problems,
    });
  }

  if (o.commands !== 0) {
    const total = o.commands ?? 1_000;
    const installation = 777;
    const github = cannedGitHub(installation);
    // Throttling off: the app's own capacity. In production the throttling plugin spaces an
    // installation's GraphQL requests 1 s apart (a command makes 2: at most ~0.5 command/s per installation).
    const app = await startApp({ throttle: false });
    // Declared first, through the app, so the commands read the tracker it really posts.
    const declare = issueEvent("labeled", { labels: ["incident/sev2"], label: "incident/sev2" });
    await load(app.url, [delivery("issues", declare)], 1, 1, 0);
    github.declared = true;
    if (!github.tracker) throw new Error("the declaration posted no tracker");
    for (const incidents of [1, 32]) {
      const before = { requests: app.sent.count, reacted: github.reacted };
      const concurrency = 32;
      const warmup = 200;
      const commands = commandEvents(total + warmup, incidents);
      const result = await measure(app.url, {
        warmup: commands.slice(0, warmup),
        warmups: warmup,
        measured: commands.slice(warmup),
        total,
        concurrency,
      });
      const problems: string[] = [];
      const answered = github.reacted - before.reacted;
      if (answered !== total + warmup) problems.push(`${answered} commands answered of ${total + warmup}`);
      if ((result.statuses["200"] ?? 0) !== total)
        problems.push(`answers: ${JSON.stringify(result.statuses)}`);
      rows.push({
        load:
          incidents === 1
            ? "`/note` commands on one incident (one at a time: the per-issue lock)"
            : `\`/note\` commands spread over ${incidents} incidents`,
        deliveries: total,
        concurrency,
        seconds: result.ms / 1000,
        perSecond: total / (result.ms / 1000),
        perCpuSecond: total / (result.cpuMs / 1000),
        requestsPerDelivery: (app.sent.count - before.requests) / (total + warmup),
        statuses: result.statuses,
        problems,
      });
    }
    await app.stop();
    nock.cleanAll();
  }
  return rows;
}

export function printWebhookRows(rows: WebhookRow[]): void {
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(", ");
  console.log(
    `\nWebhooks per second, one app process (Probot's Server over HTTP, signatures checked; the sender is another process). ${cpus().length} cores, load average ${load}.`,
  );
  console.log(
    "\n| load | deliveries | concurrency | time | webhooks/s | webhooks per CPU-second of the app | requests to GitHub per webhook | result |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const verdict = r.problems.length === 0 ? "PASS" : `FAIL: ${r.problems.join("; ")}`;
    console.log(
      `| ${r.load} | ${r.deliveries.toLocaleString("en")} | ${r.concurrency} | ${r.seconds.toFixed(2)} s | ${Math.round(r.perSecond).toLocaleString("en")} | ${Math.round(r.perCpuSecond).toLocaleString("en")} | ${r.requestsPerDelivery.toFixed(2)} | ${verdict} |`,
    );
  }
}

if (process.argv.includes("--webhooks")) {
  const rows = await benchWebhooks();
  printWebhookRows(rows);
  if (rows.some((r) => r.problems.length > 0)) process.exitCode = 1;
}
