// The end-to-end setting: a local GitHub (local-github/) on loopback with the demo's sample service
// (demo/sample-repo.ts), and the real app server started as `npm start` starts it (src/main.ts:
// Probot's `run()` configured from the environment, GHE_HOST pointing at the local GitHub, the app's
// key, a webhook secret, firebreak's Octokit with its request policy), hearing signed webhooks over
// HTTP. Only Probot's request throttling is off: it spaces writes a second apart, which is pacing, not
// behaviour. Each test starts its own pair and stops both when it ends.
import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";
import { run } from "probot";
import { onTestFinished } from "vitest";
import { PEOPLE, REPO, type SampleRepo, seedSampleRepo } from "../../demo/sample-repo.js";
import { appServerEnv, budgetExclusion, freePort } from "../../local-github/app.js";
import {
  type Comment,
  type Delivery,
  type Issue,
  type LocalGitHub,
  type LocalGitHubOptions,
  type RequestRecord,
  startLocalGitHub,
} from "../../local-github/index.js";
import { APP_REQUEST_POLICY, type RequestPolicy } from "../../src/github/client.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";

export { PEOPLE, REPO };
export const APP_LOGIN = "firebreak[bot]";
export const SECRET = "e2e-webhook-secret";

type Json = Record<string, unknown>;
type AppServer = Awaited<ReturnType<typeof run>>;

export interface E2E {
  github: LocalGitHub;
  sample: SampleRepo;
  /** The app's webhook URL. */
  webhookUrl: string;
  /** Stops the app server, then the local GitHub (also done when the test ends). */
  stop(): Promise<void>;
}

/**
 * A local GitHub with the sample service and the app server on it. `delivery: "manual"` (the
 * default) holds webhooks until `step()` (or `deliverPending()`) sends them, so requests can be
 * counted per step. `policy` changes the app's request policy (a test's shorter waits).
 */
export async function startE2E(
  o: { delivery?: "auto" | "manual"; policy?: Partial<RequestPolicy>; github?: LocalGitHubOptions } = {},
): Promise<E2E> {
  const github = await startLocalGitHub({
    latencyMs: 0,
    delivery: o.delivery ?? "manual",
    app: { id: 4242, slug: "firebreak", name: "firebreak", owner: "acme", installationId: 777 },
    ...o.github,
  });
  const sample = seedSampleRepo(github, Date.now());
  const port = await freePort();
  const server: AppServer = await run(firebreak, {
    env: appServerEnv(github, { port, secret: SECRET }),
    Octokit: firebreakOctokit({ ...APP_REQUEST_POLICY, ...o.policy }).defaults((options: Json) => ({
      ...options,
      throttle: { enabled: false },
    })),
  });
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  github.setWebhookTarget(webhookUrl, SECRET);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await github.settled();
    await server.stop();
    await github.stop();
  };
  onTestFinished(stop);
  return { github, sample, webhookUrl, stop };
}

// ---------------------------------------------------------------------------------------------
// Steps and what they cost

/**
 * Requests design.md leaves out of a budget (as the demo counts them): the installation token, the
 * app's identity (once per process), the config, the permission check (a command's budget is beyond
 * it) and creating firebreak's labels the repository lacks (once per repository).
 */
export const excluded = budgetExclusion;

export const counted = (requests: RequestRecord[]) => requests.filter((r) => excluded(r) === null);

/**
 * The revert engine's requests within a `/rollback` (design.md: ≤ 9): its RevertTarget query and
 * its Git Data, merge and pull request writes (the pull request's label and review request included).
 */
export function isRevertEngine(r: RequestRecord): boolean {
  if (r.operation === "RevertTarget") return true;
  const route = r.route ?? "";
  return (
    /\/git\/|\/merges$|\/pulls(\/|$)/.test(route) ||
    (route === "POST /repos/{owner}/{repo}/issues/{issue_number}/labels" &&
      (r.body as { labels?: string[] } | undefined)?.labels?.includes("incident/rollback") === true)
  );
}

export interface StepResult {
  /** Every request the person's webhooks caused, the app's answer to them included. */
  requests: RequestRecord[];
  /** Those a budget counts. */
  counted: RequestRecord[];
  /** The requests the webhooks of firebreak's own writes caused (must be none). */
  echoRequests: RequestRecord[];
  delivered: Delivery[];
  echoes: Delivery[];
  wallMs: number;
}

/**
 * One thing a person does (with `delivery: "manual"`): the webhooks it causes are delivered side by
 * side and answered; then the webhooks firebreak's own writes caused are delivered until none is left.
 */
export async function step(github: LocalGitHub, act: () => unknown): Promise<StepResult> {
  const from = github.requests.length;
  const started = performance.now();
  await act();
  const delivered = await github.deliverPending();
  const wallMs = performance.now() - started;
  const echoFrom = github.requests.length;
  const echoes: Delivery[] = [];
  while (github.pending.length > 0) echoes.push(...(await github.deliverPending()));
  const requests = github.requests.slice(from, echoFrom);
  return {
    requests,
    counted: counted(requests),
    echoRequests: github.requests.slice(echoFrom).filter((r) => excluded(r) !== "identity"),
    delivered,
    echoes,
    wallMs,
  };
}

/** `GET /repos/…/contents/…` → `contents`, a GraphQL request → its operation: what a step sent, in order. */
export function routes(requests: RequestRecord[]): string[] {
  return requests.map((r) => (r.operation ? `graphql ${r.operation}` : (r.route ?? `? ${r.path}`)));
}

// ---------------------------------------------------------------------------------------------
// Reading the state

export function issueOf(github: LocalGitHub, number: number): Issue {
  return github.issue(REPO, number);
}

/** firebreak's comments on an issue, oldest first. */
export function appComments(github: LocalGitHub, number: number): Comment[] {
  return github.comments(REPO, number).filter((c) => c.author === APP_LOGIN);
}

export function trackerOf(github: LocalGitHub, number: number): Comment {
  const trackers = appComments(github, number).filter((c) => c.body.startsWith("<!-- firebreak:tracker"));
  if (trackers.length !== 1) throw new Error(`${trackers.length} trackers on #${number}`);
  return trackers[0] as Comment;
}

/** The reply firebreak wrote to comment `id` (its hidden marker names the comment). */
export function repliesTo(github: LocalGitHub, number: number, id: number): Comment[] {
  return appComments(github, number).filter((c) => c.body.startsWith(`<!-- firebreak:reply:${id} `));
}

/** The reactions firebreak left on a comment. */
export function appReactions(comment: Comment): string[] {
  return comment.reactions.filter((r) => r.user === APP_LOGIN).map((r) => r.content);
}

/** `incident/…` labels on an issue, sorted. */
export function incidentLabels(github: LocalGitHub, number: number): string[] {
  return issueOf(github, number)
    .labels.map((l) => l.name)
    .filter((n) => n.startsWith("incident/"))
    .sort();
}

/** Branches of the repository, by name. */
export function branches(github: LocalGitHub): string[] {
  return github
    .repo(REPO)
    .git.refs("refs/heads/")
    .map((r) => r.ref.replace("refs/heads/", ""))
    .sort();
}

/**
 * Everything a delivery could change in the repository, as plain data: issues and pull requests
 * (title, body, state, labels, assignees, reactions), every comment with its reactions, the
 * repository's labels and branches (with their heads). Two snapshots are equal when nothing changed.
 */
export function snapshot(github: LocalGitHub): Json {
  const repo = github.repo(REPO);
  const reactions = (list: Array<{ content: string; user: string }>) =>
    list.map((r) => `${r.user}:${r.content}`).sort();
  return {
    items: [...repo.items.values()].map((item) => ({
      number: item.number,
      kind: item.kind,
      title: item.title,
      body: item.body,
      state: item.state,
      labels: item.labels.map((l) => l.name).sort(),
      assignees: [...item.assignees].sort(),
      reactions: reactions(item.reactions),
      ...(item.kind === "pull"
        ? { head: item.head, merged: item.merged, reviewers: [...item.requestedReviewers].sort() }
        : {}),
      timeline: item.timeline.length,
    })),
    comments: [...repo.comments.values()].map((c) => ({
      id: c.databaseId,
      on: c.number,
      author: c.author,
      body: c.body,
      reactions: reactions(c.reactions),
    })),
    labels: [...repo.labels.values()].map((l) => l.name).sort(),
    refs: repo.git.refs("refs/heads/"),
  };
}

// ---------------------------------------------------------------------------------------------
// Deliveries by hand

/**
 * POSTs a delivery's payload to the app as GitHub would, under delivery id `id`, signed with the
 * webhook secret (or `secret`), or with `signature` as given (null: none).
 */
export async function post(
  webhookUrl: string,
  delivery: Pick<Delivery, "event" | "payload">,
  o: { id: string; secret?: string; signature?: string | null },
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(delivery.payload);
  const signature =
    o.signature === undefined
      ? `sha256=${createHmac("sha256", o.secret ?? SECRET)
          .update(body)
          .digest("hex")}`
      : o.signature;
  const response = await fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/local",
      "x-github-event": delivery.event,
      "x-github-delivery": o.id,
      ...(signature === null ? {} : { "x-hub-signature-256": signature }),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}

/** Memory and time of `fn`: heap used before, after and at its peak (sampled every 5 ms). */
export async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; heapBefore: number; heapAfter: number; heapPeak: number }> {
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 5);
  const started = performance.now();
  try {
    const value = await fn();
    const wallMs = performance.now() - started;
    const heapAfter = process.memoryUsage().heapUsed;
    heapPeak = Math.max(heapPeak, heapAfter);
    return { value, wallMs, heapBefore, heapAfter, heapPeak };
  } finally {
    clearInterval(sampler);
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
