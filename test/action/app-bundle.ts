// Actions-only mode as a workflow runs it: the built bundle (action/dist/index.js) in a child process
// with the event file GitHub writes, GITHUB_* variables in GitHub Enterprise Server's shape and
// INPUT_* for the inputs, against the local GitHub. Every TCP connection the child opens is logged
// (a preload module), so a test can show nothing went anywhere but the local GitHub. The hosted app
// (Probot with the app's key) can handle the same deliveries, to compare what each wrote.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Probot } from "probot";
import type { Delivery, LocalGitHub, PullRequest } from "../../local-github/index.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { DEFAULT_LABEL_NAMES, labelSpecs } from "../../src/core/labels.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";

type Json = Record<string, any>;

export const BUNDLE = new URL("../../action/dist/index.js", import.meta.url).pathname;
export const SHOP = "acme/shop";
const exec = promisify(execFile);

// Logs host:port of every socket the process connects (http, https and undici all go through it).
const CONNECTIONS_PRELOAD = `
import net from "node:net";
import { appendFileSync } from "node:fs";
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : { port: first, host: args[1] };
  if (!options.path) appendFileSync(process.env.FIREBREAK_CONNECTIONS, \`\${options.host ?? "localhost"}:\${options.port}\\n\`);
  return connect.apply(this, args);
};`;

/**
 * The repository of the scenarios: a service with a culprit merged two hours before the incident.
 * `labels`: firebreak's labels exist already, as after its first incident there.
 */
export function seedShop(
  github: LocalGitHub,
  at = Date.now(),
  o: { labels?: boolean } = {},
): { token: string; culprit: PullRequest } {
  const iso = (ms: number) => new Date(at - ms).toISOString();
  github.seed.repository(SHOP);
  github.seed.collaborator(SHOP, "alice", "write");
  github.seed.collaborator(SHOP, "bob", "write");
  const severities = DEFAULT_CONFIG.severities;
  const names = {
    sev1: severities.sev1.name,
    sev2: severities.sev2.name,
    sev3: severities.sev3.name,
    sev4: severities.sev4.name,
  };
  for (const label of labelSpecs(DEFAULT_LABEL_NAMES, names)) {
    if (o.labels || label.name === "incident/sev2")
      github.seed.label(SHOP, label.name, o.labels ? label : { color: label.color });
  }
  github.seed.commit(SHOP, {
    author: "alice",
    message: "Checkout service",
    files: { "src/checkout/pay.ts": "export const retries = 1;\n", "README.md": "# shop\n" },
    at: iso(3 * 86_400_000),
  });
  const culprit = github.seed.mergedPullRequest(SHOP, {
    title: "Retry card payments on gateway timeouts",
    author: "bob",
    files: { "src/checkout/pay.ts": "export const retries = 5;\n" },
    at: iso(2 * 3_600_000),
  });
  // The workflow's GITHUB_TOKEN: it acts as github-actions[bot].
  return { token: github.seed.token("github-actions[bot]"), culprit };
}

/** The event file of a workflow run: the webhook's payload, without an app installation. */
export function eventOf(delivery: Delivery): { name: string; payload: Json } {
  const { installation: _, ...payload } = delivery.payload as Json;
  return { name: delivery.event, payload };
}

export interface BundleRun {
  code: number;
  stdout: string;
  stderr: string;
  /** host:port of every connection the process opened. */
  connections: string[];
}

/** Runs the bundle on one event, as a workflow step with `mode: app` (unless `inputs` says otherwise). */
export async function runBundle(
  github: LocalGitHub,
  o: { event: { name: string; payload: Json }; token: string; inputs?: Record<string, string> },
): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-app-mode-"));
  try {
    const files = {
      event: join(dir, "event.json"),
      preload: join(dir, "connections.mjs"),
      connections: join(dir, "connections"),
      output: join(dir, "output"),
      summary: join(dir, "summary"),
    };
    writeFileSync(files.event, JSON.stringify(o.event.payload));
    writeFileSync(files.preload, CONNECTIONS_PRELOAD);
    for (const file of [files.connections, files.output, files.summary]) writeFileSync(file, "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: o.event.name,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: SHOP,
      GITHUB_RUN_ID: "4711",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_SERVER_URL: github.url,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_GRAPHQL_URL: github.graphqlUrl,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      FIREBREAK_CONNECTIONS: files.connections,
      // action.yml's defaults, as the runner passes them.
      "INPUT_GITHUB-TOKEN": o.token,
      "INPUT_POSTMORTEM-DIR": "docs/postmortems",
      "INPUT_DRY-RUN": "false",
      "INPUT_PROJECT-STATUS": "Todo",
      INPUT_MODE: "app",
    };
    for (const [key, value] of Object.entries(o.inputs ?? {})) env[`INPUT_${key.toUpperCase()}`] = value;
    const args = ["--import", pathToFileURL(files.preload).href, BUNDLE];
    const child = await exec(process.execPath, args, { env, timeout: 60_000 }).catch((error) => error);
    return {
      code: typeof child.code === "number" ? child.code : 0,
      stdout: String(child.stdout),
      stderr: String(child.stderr),
      connections: readFileSync(files.connections, "utf8").split("\n").filter(Boolean),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The hosted app on the same local GitHub: Probot with the app's key, as `npm start` runs it
 * (GHE_HOST gives it the `/api/v3` base URL). Throttling is off: it only spaces writes out.
 */
export async function hostedApp(github: LocalGitHub): Promise<Probot> {
  const app = github.app;
  if (!app) throw new Error("the local GitHub has no app");
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKey,
    baseUrl: github.apiUrl,
    logLevel: "fatal",
    Octokit: firebreakOctokit().defaults((options: Record<string, unknown>) => ({
      ...options,
      throttle: { enabled: false },
    })),
  });
  await probot.load(firebreak);
  return probot;
}

/** Hands a delivery to the hosted app, as its webhook would. */
export function receive(probot: Probot, delivery: Delivery): Promise<void> {
  return probot.receive({
    id: delivery.id,
    name: delivery.event,
    payload: delivery.payload,
  } as Parameters<Probot["receive"]>[0]);
}

/** The delivery a person's action caused, from those recorded since `from`. */
export function deliveryOf(github: LocalGitHub, from: number, event: string, action: string): Delivery {
  const found = github.deliveries.slice(from).find((d) => d.event === event && d.action === action);
  if (!found) throw new Error(`no ${event}.${action} delivery`);
  return found;
}
