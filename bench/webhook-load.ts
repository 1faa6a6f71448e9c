// The webhook load generator shared by `npm run bench` and `npm run bench:webhooks`: signed
// deliveries sent by a second process over keep-alive connections, as GitHub would, as fast as the
// app answers them.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueCommentEvent, issueEvent } from "../test/helpers/payloads.js";

/** The app's webhook secret in both benches. */
export const SECRET = "bench-webhook-secret";

export interface Delivery {
  event: string;
  body: string;
  signature: string;
}

const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
export const delivery = (event: string, payload: object): Delivery => {
  const body = JSON.stringify(payload);
  return { event, body, signature: sign(body) };
};

/** Events on acme/shop#7, an ordinary bug: what most of a busy repository's webhooks are. */
export function ordinaryEvents(): Delivery[] {
  const issue = { number: 7, title: "Typo on the pricing page", labels: ["bug"] };
  return [
    delivery(
      "issue_comment",
      issueCommentEvent("created", { body: "Looks good to me, deploying now.", issue }),
    ),
    delivery(
      "issue_comment",
      issueCommentEvent("created", { body: "Fixed in #12\n\n> quoting /status", issue }),
    ),
    delivery("issues", issueEvent("labeled", { ...issue, label: "bug" })),
    delivery("issues", issueEvent("opened", issue)),
    delivery("issues", issueEvent("closed", issue)),
  ];
}

// The load generator, in its own process so that it does not take the app's CPU.
const CLIENT = `
import http from "node:http";
import { readFileSync } from "node:fs";
const { url, concurrency, total, warmup, file } = JSON.parse(process.env.BENCH);
const deliveries = JSON.parse(readFileSync(file, "utf8"));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const statuses = {};
function send(count) {
  return new Promise((resolve) => {
    if (count === 0) return resolve();
    let sent = 0, done = 0;
    const next = () => {
      if (sent >= count) return;
      const i = sent++;
      const d = deliveries[i % deliveries.length];
      const req = http.request(url, { method: "POST", agent, headers: {
        "content-type": "application/json", "x-github-event": d.event, "x-hub-signature-256": d.signature,
        "x-github-delivery": "bench-" + process.pid + "-" + Math.random().toString(36).slice(2) } }, (res) => {
        res.resume();
        res.on("end", () => { statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1; if (++done === count) resolve(); else next(); });
      });
      req.on("error", (e) => { statuses[e.code ?? "error"] = (statuses[e.code ?? "error"] ?? 0) + 1; if (++done === count) resolve(); else next(); });
      req.end(d.body);
    };
    for (let k = 0; k < Math.min(concurrency, count); k++) next();
  });
}
await send(warmup);
for (const key of Object.keys(statuses)) delete statuses[key];
const start = performance.now();
await send(total);
console.log(JSON.stringify({ ms: performance.now() - start, statuses }));
agent.destroy();
`;

export async function load(
  url: string,
  deliveries: Delivery[],
  total: number,
  concurrency: number,
  warmup: number,
) {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-"));
  const file = join(dir, "deliveries.json");
  writeFileSync(file, JSON.stringify(deliveries));
  try {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT], {
      env: { ...process.env, BENCH: JSON.stringify({ url, concurrency, total, warmup, file }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`the load generator exited with ${code}`);
    return JSON.parse(out) as { ms: number; statuses: Record<string, number> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
