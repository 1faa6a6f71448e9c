// `npm run demo`: a whole SEV2 incident, offline. A local GitHub (local-github/) serves
// acme/checkout-service on 127.0.0.1 in GitHub Enterprise Server's shape; the real firebreak app
// server runs as `npm start` runs it (Probot's `run()`, GHE_HOST pointing at the local GitHub, a
// generated private key, a webhook secret) and hears the local GitHub's signed webhooks over HTTP;
// people open, label and comment; then the Action's committed bundle runs on the close event as a
// workflow would. Everything produced is written to demo-output/; the run exits non-zero if any
// expectation fails.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { run } from "probot";
import { appServerEnv, budgetExclusion, freePort } from "../local-github/app.js";
import {
  type Comment,
  type Delivery,
  type RequestRecord,
  sequentialRoundTrips,
  startLocalGitHub,
} from "../local-github/index.js";
import firebreak, { firebreakOctokit } from "../src/index.js";
import { PEOPLE, REPO, type SampleRepo, seedSampleRepo } from "./sample-repo.js";

// ---------------------------------------------------------------------------------------------
// A simulated clock: the incident takes about two hours, the demo a few seconds. Every `new Date()`
// and `Date.now()` in this process (the app's, Probot's, the local GitHub's) reads it; steps move it
// forward. (The Action runs in its own process, on the real clock: it only reads times from GitHub.)

const START = Date.parse("2026-11-22T14:05:00Z");
const RealDate = Date;
let offset = START - RealDate.now();
class SimulatedDate extends RealDate {
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
globalThis.Date = SimulatedDate as DateConstructor;
const advance = (minutes: number) => {
  offset += minutes * 60_000;
};
const clock = () => new Date().toISOString().slice(11, 16);

const OUT = "demo-output";
const LATENCY_MS = 5;
const SECRET = "demo-webhook-secret";
const started = performance.now();
// `npm run demo` runs from the repository's root (the demo is bundled elsewhere first).
const ACTION_BUNDLE = join(process.cwd(), "action/dist/index.js");

// ---------------------------------------------------------------------------------------------
// Budgets: which requests design.md counts, and what each step may cost.

const excluded = budgetExclusion;

type Budget = { requests: number; roundTrips: number | null; what: string } | null;
const COMMAND: Budget = { requests: 4, roundTrips: null, what: "one command" };
const ROLLBACK: Budget = { requests: 4 + 9, roundTrips: null, what: "one command + /rollback (≤ 4 + ≤ 9)" };

interface StepView {
  posted: Comment[];
  edited: Array<{ comment: Comment; before: string }>;
  requests: RequestRecord[];
  counted: RequestRecord[];
  trigger: Comment | null;
  deliveries: Delivery[];
}

interface StepSummary {
  n: number;
  time: string;
  who: string;
  what: string;
  posted: string[];
  counted: number;
  total: number;
  roundTrips: number;
  budget: Budget;
  failures: string[];
}

// ---------------------------------------------------------------------------------------------
// The world: the local GitHub, the sample repository, the app server.

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const github = await startLocalGitHub({
  app: { id: 4242, slug: "firebreak", name: "firebreak", owner: "acme", privateKey, installationId: 777 },
  latencyMs: LATENCY_MS,
  delivery: "manual",
});
const sample: SampleRepo = seedSampleRepo(github, Date.now());
const repo = github.repo(REPO);
const appLogin = "firebreak[bot]";

const port = await freePort();
// As `npm start` runs it: Probot's run() with the standard environment. Only the request throttling
// is off (it spaces writes a second apart: the simulated two hours would take minutes); retries stay on.
const server = await run(firebreak, {
  env: appServerEnv(github, { port, secret: SECRET }),
  // src/main.ts's Octokit (firebreak's request policy), with the throttling's spacing off.
  Octokit: firebreakOctokit().defaults((o: Record<string, unknown>) => ({
    ...o,
    throttle: { enabled: false },
  })),
});
github.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`, SECRET);

// ---------------------------------------------------------------------------------------------
// Steps: a person acts, GitHub sends the webhooks, firebreak answers; then what it did is checked.

const summaries: StepSummary[] = [];
const failures: string[] = [];
const checklistBodies = new Map<number, string>();
const stepOf = new Map<number, number>();
let postedCount = 0;
let incident = 0;
let trackerId: number | null = null;

const item = () => github.store.item(repo, incident);
const allComments = () => [...repo.comments.values()];
const labelsNow = () => (incident ? item().labels.map((l) => l.name) : []);

function kindOf(comment: Comment): string {
  const body = comment.body;
  if (body.includes("<!-- firebreak:tracker -->")) return "tracker";
  const checklist = /<!-- firebreak:checklist:([\w-]+) -->/.exec(body);
  if (checklist) return `checklist-${checklist[1]}`;
  if (body.includes("<!-- firebreak:escalation:")) return "escalation";
  const reply = /<!-- firebreak:reply:(\d+) /.exec(body);
  if (reply) return `reply-to-${repo.comments.get(Number(reply[1]))?.author ?? "comment"}`;
  return comment.author === appLogin ? "comment" : `comment-by-${comment.author}`;
}

const indent = (text: string, prefix = "   │ ") =>
  text
    .split("\n")
    .filter((line) => !line.startsWith("<!-- firebreak:suspects"))
    .map((line) => `${prefix}${line}`)
    .join("\n");

function trackerDiff(before: string, after: string): string[] {
  const old = new Set(before.split("\n"));
  const now = new Set(after.split("\n"));
  const meaningful = (line: string) => line.trim() !== "" && !line.startsWith("<!-- firebreak:");
  const added = after.split("\n").filter((l) => !old.has(l) && meaningful(l));
  const removed = before.split("\n").filter((l) => !now.has(l) && meaningful(l));
  const clip = (l: string) => (l.length > 118 ? `${l.slice(0, 117)}…` : l);
  return [
    `   tracker edited (${github.json.commentUrl(repo.comments.get(trackerId ?? 0) as Comment)}): ${added.length} line(s) new, ${removed.length} gone`,
    ...added.slice(0, 8).map((l) => `     + ${clip(l)}`),
    ...(added.length > 8 ? [`     + … ${added.length - 8} more`] : []),
  ];
}

function describeRequest(r: RequestRecord): string {
  const what = r.operation
    ? `graphql ${r.operation}`
    : `${r.method} ${decodeURIComponent(r.path.split("?")[0] ?? "")
        .replace("/api/v3", "")
        .replace(`/repos/${REPO}`, "")}`;
  const writes = r.writes
    ? `: ${r.writes.map((w) => `${w.field} ${w.ok ? "✓" : `✗ (${w.error})`}`).join(", ")}`
    : "";
  const kind = excluded(r);
  return `     ${what}${writes} → ${r.status} ${kind ? `[${kind}, not counted]` : "[counted]"}`;
}

function describeDelivery(d: Delivery): string {
  const ms = d.start !== null && d.end !== null ? ` in ${Math.round(d.end - d.start)} ms` : "";
  const sender = (d.payload.sender as { login?: string } | undefined)?.login ?? "?";
  return `${d.event}.${d.action} (by ${sender}, delivery ${d.id.slice(0, 8)}) → app answered ${d.status ?? d.error}${ms}`;
}

async function step(o: {
  who: string;
  what: string;
  /** Minutes that pass before the person acts. */
  after: number;
  act: () => unknown;
  budget: Budget;
  expect: (view: StepView) => Array<[boolean, string]>;
}): Promise<void> {
  advance(o.after);
  const n = summaries.length + 1;
  const time = clock();
  console.log(`\n━━ ${n}. ${time} UTC · @${o.who} ${o.what}`);
  const before = new Map(allComments().map((c) => [c.databaseId, c.body]));
  const labelsBefore = labelsNow();
  const assigneesBefore = incident ? [...item().assignees] : [];
  const commentsBefore = repo.comments.size;
  const from = github.requests.length;
  const stepFailures: string[] = [];

  // The person acts; GitHub sends the webhooks side by side; the app answers each.
  const acted = await o.act();
  const redelivered = acted && typeof acted === "object" && "event" in acted ? [acted as Delivery] : [];
  const delivered = [...redelivered, ...(await github.deliverPending())];
  const trigger =
    allComments()
      .slice(commentsBefore)
      .find((c) => c.author === o.who) ?? null;
  if (trigger) console.log(indent(`${trigger.body}\n(${github.json.commentUrl(trigger)})`, "   > "));
  for (const d of delivered) {
    console.log(`   webhook ${describeDelivery(d)}`);
    if (d.status !== 200)
      stepFailures.push(
        `the app answered ${d.event}.${d.action} with ${d.status ?? d.error}: ${d.response ?? ""}`,
      );
  }
  const requests = github.requests.slice(from);

  // The webhooks firebreak's own writes cause come back to it; they must cost nothing.
  const echoFrom = github.requests.length;
  const echoes: Delivery[] = [];
  while (github.pending.length > 0) echoes.push(...(await github.deliverPending()));
  const echoRequests = github.requests.slice(echoFrom).filter((r) => excluded(r) !== "identity");
  for (const d of echoes.filter((e) => e.status !== 200)) {
    stepFailures.push(`the app answered the echo ${d.event}.${d.action} with ${d.status ?? d.error}`);
  }
  if (echoRequests.length > 0) {
    stepFailures.push(`the webhooks caused by firebreak's own writes cost ${echoRequests.length} request(s)`);
  }
  for (const r of [...requests, ...echoRequests]) stepOf.set(r.seq, n);

  const all = allComments();
  const newComments = all.filter((c) => !before.has(c.databaseId) && c.author === appLogin);
  const edited = all.flatMap((c) => {
    const old = before.get(c.databaseId);
    return old !== undefined && old !== c.body ? [{ comment: c, before: old }] : [];
  });

  if (incident) {
    const now = labelsNow();
    const added = now.filter((l) => !labelsBefore.includes(l));
    const removed = labelsBefore.filter((l) => !now.includes(l));
    const assigned = item().assignees.filter((a) => !assigneesBefore.includes(a));
    const changes = [
      ...removed.map((l) => `−${l}`),
      ...added.map((l) => `+${l}`),
      ...assigned.map((a) => `assigned @${a}`),
    ];
    if (changes.length > 0) console.log(`   issue #${incident}: ${changes.join("  ")}`);
    if (trigger) {
      const reactions = trigger.reactions.filter((r) => r.user === appLogin).map((r) => r.content);
      console.log(
        `   firebreak reacted ${reactions.map((r) => (r === "THUMBS_UP" ? "👍" : r === "CONFUSED" ? "😕" : r)).join(" ") || "(none)"}`,
      );
    }
  }
  for (const comment of newComments) {
    const kind = kindOf(comment);
    postedCount++;
    const file = `${String(postedCount).padStart(2, "0")}-${kind}.md`;
    writeFileSync(join(OUT, file), `${comment.body}\n`);
    if (kind === "tracker") trackerId = comment.databaseId;
    if (kind.startsWith("checklist-")) checklistBodies.set(comment.databaseId, comment.body);
    console.log(`\n   firebreak posted ${kind}: ${github.json.commentUrl(comment)} (→ ${OUT}/${file})`);
    console.log(`   ┌${"─".repeat(60)}`);
    console.log(indent(comment.body));
    console.log(`   └${"─".repeat(60)}`);
  }
  for (const { comment, before: old } of edited) {
    if (comment.databaseId === trackerId)
      for (const line of trackerDiff(old, comment.body)) console.log(line);
    else if (comment.author === appLogin)
      stepFailures.push(`firebreak edited a ${kindOf(comment)} comment it must leave alone`);
  }

  const counted = requests.filter((r) => excluded(r) === null);
  const roundTrips = sequentialRoundTrips(counted);
  console.log("\n   requests firebreak sent:");
  for (const r of requests) console.log(describeRequest(r));
  if (echoes.length > 0) {
    console.log(
      `     (+ ${echoes.length} webhook(s) caused by firebreak's own writes, delivered back to it: ignored, ${echoRequests.length} requests)`,
    );
  }
  const budgetText = o.budget
    ? `budget for ${o.budget.what}: ≤ ${o.budget.requests}${o.budget.roundTrips !== null ? `, ≤ ${o.budget.roundTrips} round trips` : ""}`
    : "no budget in design.md";
  console.log(
    `   → ${counted.length} counted, ${roundTrips} sequential round trip(s) (${budgetText}); ${requests.length} in all`,
  );
  if (o.budget) {
    if (counted.length > o.budget.requests)
      stepFailures.push(`${counted.length} counted requests, over the budget of ${o.budget.requests}`);
    if (o.budget.roundTrips !== null && roundTrips > o.budget.roundTrips) {
      stepFailures.push(`${roundTrips} sequential round trips, over the budget of ${o.budget.roundTrips}`);
    }
  }
  for (const w of requests.flatMap((r) => r.writes ?? []).filter((w) => !w.ok)) {
    stepFailures.push(`GitHub did not carry out ${w.field}: ${w.error}`);
  }
  for (const [ok, text] of o.expect({
    posted: newComments,
    edited,
    requests,
    counted,
    trigger,
    deliveries: delivered,
  })) {
    console.log(`   ${ok ? "✓" : "✗"} ${text}`);
    if (!ok) stepFailures.push(text);
  }
  for (const problem of github.problems.splice(0)) stepFailures.push(`local GitHub: ${problem}`);
  for (const failure of stepFailures) console.log(`   ✗ ${failure}`);
  failures.push(...stepFailures.map((f) => `step ${n}: ${f}`));
  summaries.push({
    n,
    time,
    who: o.who,
    what: o.what,
    posted: newComments.map(kindOf),
    counted: counted.length,
    total: requests.length,
    roundTrips,
    budget: o.budget,
    failures: stepFailures,
  });
}

const tracker = () => (trackerId ? (repo.comments.get(trackerId)?.body ?? "") : "");
const hasLabels = (...names: string[]): [boolean, string] => {
  const now = labelsNow();
  const ok =
    names.length === now.filter((l) => l.startsWith("incident/")).length &&
    names.every((n) => now.includes(n));
  return [ok, `the issue's incident labels are ${names.join(", ")} (now: ${now.join(", ") || "none"})`];
};
const reacted = (view: StepView, content: "THUMBS_UP" | "CONFUSED"): [boolean, string] => {
  const reactions = view.trigger?.reactions.filter((r) => r.user === appLogin) ?? [];
  return [
    reactions.length === 1 && reactions[0]?.content === content,
    `the command comment got exactly one reaction, ${content === "THUMBS_UP" ? "👍" : "😕"}`,
  ];
};
const postedKinds = (view: StepView, ...kinds: string[]): [boolean, string] => {
  const got = view.posted.map(kindOf);
  const ok = got.length === kinds.length && kinds.every((k, i) => got[i]?.startsWith(k));
  return [
    ok,
    `firebreak posted ${kinds.length > 0 ? kinds.join(", ") : "nothing new"}${ok ? "" : ` (posted: ${got.join(", ") || "nothing"})`}`,
  ];
};
const trackerSays = (text: string, what = `the tracker says “${text}”`): [boolean, string] => [
  tracker().includes(text),
  what,
];
const noWrites = (view: StepView): [boolean, string] => [
  !view.requests.some((r) => r.writes),
  "no write was sent",
];
const comment = (who: string, body: string) => () => github.as(who).comment(REPO, incident, body);

// ---------------------------------------------------------------------------------------------

console.log(
  `firebreak demo: the real app server and the Action's bundle against a local GitHub at ${github.url}`,
);
console.log(
  `  ${REPO}: ${github.url}/${REPO} (REST ${github.apiUrl}, GraphQL ${github.graphqlUrl}; git data in ${repo.git.dir})`,
);
console.log(
  `  the app: Probot's run() on http://127.0.0.1:${port} with GHE_HOST=${github.host} GHE_PROTOCOL=http, APP_ID=${github.app?.id}, a generated private key and a webhook secret`,
);
console.log(
  `  the clock is simulated: the incident starts ${new Date(START).toISOString().slice(0, 16).replace("T", " ")} UTC and takes about two hours; each request is answered after ${LATENCY_MS} ms`,
);
console.log(
  `  people: ${Object.entries(PEOPLE)
    .map(([login, p]) => `@${login} (${p.role}, ${p.is})`)
    .join(", ")}`,
);
console.log(
  "  counted requests leave out what design.md leaves out: the installation token, the config, the app's identity, the permission check and creating labels",
);
const culpritShort = sample.culprit.sha.slice(0, 7);
console.log(
  `  the culprit, for the record: #${sample.culprit.number} “${sample.culprit.title}” by @${sample.culprit.author}, merged as ${culpritShort} and deployed to production`,
);

let redeliver: Delivery | null = null;

await step({
  who: "alice",
  what: "opens an issue from the incident form, severity SEV3",
  after: 0,
  act: () => {
    const issue = github.as("alice").openIssue(REPO, {
      title: "Checkout returns 500 for card payments",
      body: [
        "### What is broken",
        "",
        "POST /checkout returns HTTP 500 for card payments; PayPal still works.",
        "",
        "### Impact",
        "",
        "About 30% of checkout attempts fail, all regions. Reported by @support-lead.",
        "",
        "### Severity",
        "",
        "SEV3 · Medium: a minor feature is broken or non-critical errors; a workaround exists",
        "",
        "### When it started",
        "",
        "About 20 minutes ago",
      ].join("\n"),
    });
    incident = issue.number;
    console.log(`   issue #${incident}: ${github.json.itemUrl(issue)}`);
  },
  budget: { requests: 5, roundTrips: 3, what: "declaring an incident" },
  expect: (view) => [
    postedKinds(view, "tracker", "checklist-respond"),
    hasLabels("incident/sev3", "incident/investigating"),
    trackerSays("SEV3"),
    trackerSays(`#${sample.culprit.number}`, `the culprit (#${sample.culprit.number}) is among the suspects`),
    trackerSays("production", "the tracker shows the production deployment"),
  ],
});

await step({
  who: "bob",
  what: "sees card payments failing in every region and adds incident/sev2",
  after: 6,
  act: () => {
    github.as("bob").label(REPO, incident, "incident/sev2");
    redeliver = github.pending.find((d) => d.event === "issues" && d.action === "labeled") ?? null;
  },
  budget: null,
  expect: (view) => [
    postedKinds(view, "escalation"),
    hasLabels("incident/sev2", "incident/investigating"),
    trackerSays("SEV2"),
    [
      view.posted[0]?.body.includes("@acme/payments-oncall") ?? false,
      "the escalation pages @acme/payments-oncall",
    ],
  ],
});

await step({
  who: "bob",
  what: "(GitHub redelivers the same webhook)",
  after: 1,
  act: () => (redeliver ? github.redeliver(redeliver.id) : null),
  budget: null,
  expect: (view) => [
    postedKinds(view),
    noWrites(view),
    [view.deliveries[0]?.redelivery === true, "the same delivery id came again"],
  ],
});

await step({
  who: "bob",
  what: "takes command",
  after: 1,
  act: comment("bob", "/role ic me"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    [item().assignees.includes("bob"), "@bob is assigned to the issue"],
    trackerSays("@&#8203;bob", "the tracker names @bob"),
  ],
});

let revertNumber = 0;
await step({
  who: "bob",
  what: `rolls back the top suspect, #${sample.culprit.number}`,
  after: 4,
  act: comment(
    "bob",
    `/rollback ${culpritShort} card retries hold DB connections: errors started with the deploy`,
  ),
  budget: ROLLBACK,
  expect: (view) => {
    const pull = [...repo.items.values()].find(
      (i) => i.kind === "pull" && i.head.startsWith(`incident-${incident}/revert-`),
    );
    if (pull?.kind !== "pull") return [[false, "a revert pull request was opened"]];
    revertNumber = pull.number;
    const head = repo.git.readCommit(github.store.headOf(pull));
    const baseHead = head?.parents[0] ?? "";
    const expected = repo.git.revertTree(sample.culprit.sha, baseHead);
    console.log(`   revert pull request #${pull.number}: ${github.json.itemUrl(pull)} (branch ${pull.head})`);
    return [
      reacted(view, "THUMBS_UP"),
      [pull.title === `Revert "${sample.culprit.title}"`, `it is titled Revert "${sample.culprit.title}"`],
      [pull.labels.some((l) => l.name === "incident/rollback"), "it is labelled incident/rollback"],
      [
        pull.requestedReviewers.includes(sample.culprit.author),
        `@${sample.culprit.author}, the original author, is asked to review`,
      ],
      [
        expected !== null && head?.tree === expected,
        `its tree is exactly what \`git revert -m 1 ${culpritShort}\` gives (${expected?.slice(0, 7) ?? "conflict"})`,
      ],
      [head?.parents.length === 1, "one commit on top of main, no merge commits"],
      postedKinds(view, "reply-to-bob"),
    ];
  },
});

await step({
  who: "bob",
  what: `merges the revert pull request #${revertNumber} (erin approved it)`,
  after: 5,
  act: () => github.as("bob").mergePullRequest(REPO, revertNumber),
  budget: null,
  expect: (view) => [
    [
      view.deliveries.some((d) => d.event === "pull_request" && d.action === "closed"),
      "GitHub sent pull_request.closed (merged)",
    ],
    trackerSays(`#${revertNumber}`, "the tracker shows the rollback pull request"),
    [
      !repo.git
        .flatTree(repo.git.readCommit(repo.git.ref("refs/heads/main") ?? "")?.tree ?? "")
        .has("src/checkout/retry.ts"),
      "main no longer has src/checkout/retry.ts",
    ],
  ],
});

await step({
  who: "bob",
  what: "confirms the cause",
  after: 2,
  act: comment(
    "bob",
    `/status identified the retry loop from #${sample.culprit.number} holds DB connections until the pool is exhausted`,
  ),
  budget: COMMAND,
  expect: () => [hasLabels("incident/sev2", "incident/identified"), trackerSays("identified")],
});

await step({
  who: "bob",
  what: "posts a status update",
  after: 3,
  act: comment(
    "bob",
    `/update Reverted #${sample.culprit.number} (#${revertNumber}); the revert is deploying, card errors are falling on the canary.`,
  ),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    postedKinds(view, "reply-to-bob"),
    [view.posted[0]?.body.includes("Status update") ?? false, "the reply is a formatted status update"],
  ],
});

await step({
  who: "carol",
  what: "(read only) tries to resolve it",
  after: 3,
  act: comment("carol", "/status resolved looks fine from here"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "CONFUSED"),
    postedKinds(view, "reply-to-carol"),
    [
      view.posted[0]?.body.includes("you need the **triage** role") ?? false,
      "the reply says which role is needed",
    ],
    hasLabels("incident/sev2", "incident/identified"),
  ],
});

await step({
  who: "bob",
  what: "sees the revert out everywhere and starts monitoring",
  after: 6,
  act: comment("bob", "/status monitoring the revert is deployed everywhere; card errors back to baseline"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    hasLabels("incident/sev2", "incident/monitoring"),
    postedKinds(view, "checklist-verify"),
  ],
});

await step({
  who: "dana",
  what: "records the impact and the cause, in one comment",
  after: 4,
  act: comment(
    "dana",
    [
      "/impact About 30% of card payments failed for 40 minutes, all regions; PayPal unaffected.",
      `/cause Retries added in #${sample.culprit.number} kept DB connections open across attempts, exhausting the pool.`,
    ].join("\n"),
  ),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    trackerSays("About 30% of card payments failed"),
    trackerSays("exhausting the pool"),
  ],
});

await step({
  who: "dana",
  what: "adds two action items",
  after: 3,
  act: comment(
    "dana",
    [
      "/action-item Alert when the DB pool is above 75% @bob due:2026-12-01",
      "/action-item Load-test card retries against a small DB pool @erin due:2026-12-08",
    ].join("\n"),
  ),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    trackerSays("Alert when the DB pool is above 75%"),
    trackerSays("Load-test card retries"),
  ],
});

await step({
  who: "bob",
  what: "resolves the incident after an hour of clean metrics",
  after: 60,
  act: comment("bob", "/status resolved error rate at baseline for an hour"),
  budget: COMMAND,
  expect: (view) => [
    reacted(view, "THUMBS_UP"),
    hasLabels("incident/sev2", "incident/resolved"),
    postedKinds(view, "checklist-post-incident"),
  ],
});

let closeDelivery: Delivery | null = null;
await step({
  who: "bob",
  what: "closes the issue",
  after: 5,
  act: () => {
    github.as("bob").close(REPO, incident);
    closeDelivery = github.pending.find((d) => d.event === "issues" && d.action === "closed") ?? null;
  },
  budget: null,
  expect: (view) => [
    [item().state === "closed", "the issue is closed"],
    postedKinds(view),
    hasLabels("incident/sev2", "incident/resolved"),
    trackerSays("Issue closed", "the tracker's timeline records the close"),
  ],
});

// ---------------------------------------------------------------------------------------------
// The Action: its committed bundle, as a workflow step runs it on the `issues.closed` event.

advance(2);
const actionStep = summaries.length + 1;
console.log(
  `\n━━ ${actionStep}. ${clock()} UTC · the Post-mortem workflow runs the Action (action/dist/index.js) on issues.closed`,
);
const actionFailures: string[] = [];
const actionFrom = github.requests.length;
const actionOutputs: Record<string, string> = {};
let actionCode = 0;
if (!existsSync(ACTION_BUNDLE)) {
  actionFailures.push("action/dist/index.js is missing: run `npm run bundle`");
} else if (!closeDelivery) {
  actionFailures.push("there is no issues.closed event to run the Action on");
} else {
  const work = mkdtempSync(join(tmpdir(), "firebreak-demo-action-"));
  const eventPath = join(work, "event.json");
  // A workflow's event payload is the webhook's, without the app's installation.
  const { installation: _installation, ...payload } = (closeDelivery as Delivery).payload;
  writeFileSync(eventPath, JSON.stringify(payload));
  const files = { output: join(work, "output"), summary: join(work, "summary") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "issues",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_GRAPHQL_URL: github.graphqlUrl,
    GITHUB_SERVER_URL: github.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: work,
    "INPUT_GITHUB-TOKEN": sample.tokens.workflow,
    "INPUT_POSTMORTEM-DIR": "docs/postmortems",
    "INPUT_DRY-RUN": "false",
    "INPUT_PROJECT-URL": sample.projectUrl,
    "INPUT_PROJECT-TOKEN": sample.tokens.project,
    "INPUT_PROJECT-STATUS": "Todo",
  };
  const child = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [ACTION_BUNDLE], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  actionCode = child.code;
  for (const line of child.stdout.split("\n").filter(Boolean)) console.log(`   action │ ${line}`);
  if (child.stderr.trim())
    for (const line of child.stderr.trim().split("\n")) console.log(`   action ! ${line}`);
  for (const match of readFileSync(files.output, "utf8").matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    actionOutputs[match[1] as string] = match[3] as string;
  }
  writeFileSync(join(OUT, "action-summary.md"), readFileSync(files.summary, "utf8"));
  rmSync(work, { recursive: true, force: true });
}
// The webhooks the Action's writes cause (its issues, its pull request) reach the app: they must cost nothing.
const actionRequests = github.requests.slice(actionFrom);
const echoFrom = github.requests.length;
const actionEchoes: Delivery[] = [];
while (github.pending.length > 0) actionEchoes.push(...(await github.deliverPending()));
const actionEchoRequests = github.requests.slice(echoFrom).filter((r) => excluded(r) !== "identity");
for (const r of [...actionRequests, ...actionEchoRequests]) stepOf.set(r.seq, actionStep);

const workflowLogin = "github-actions[bot]";
const repoRequests = actionRequests.filter((r) => r.login === workflowLogin);
const boardRequests = actionRequests.filter((r) => r.login !== workflowLogin);
console.log("\n   requests the Action sent:");
for (const r of actionRequests)
  console.log(
    `${describeRequest(r).replace(/\[.*\]$/, "")}[${r.login === workflowLogin ? "workflow token" : "project token"}]`,
  );
const timelineEvents = item().timeline.filter((e) => e.type !== "merged").length;
const postmortemBudget = Math.ceil(timelineEvents / 100) + 10;
const postmortem = [...repo.items.values()].find(
  (i) => i.kind === "pull" && i.head === `incident-${incident}/postmortem`,
);
const followUps = [...repo.items.values()].filter(
  (i) => i.kind === "issue" && i.labels.some((l) => l.name === "incident/follow-up"),
);
const board = github.store.projects[0];
const actionChecks: Array<[boolean, string]> = [
  [actionCode === 0, `the Action succeeded (exit code ${actionCode})`],
  [
    postmortem?.kind === "pull",
    `it opened the post-mortem pull request${postmortem ? ` #${postmortem.number}` : ""}`,
  ],
  [
    actionOutputs["pull-request-url"] === (postmortem ? github.json.itemUrl(postmortem) : "?"),
    "its pull-request-url output is the local GitHub's URL",
  ],
  [
    followUps.length === 2,
    `it opened the 2 follow-up issues (${followUps.map((f) => `#${f.number}`).join(", ") || "none"})`,
  ],
  [
    followUps.some((f) => f.assignees.includes("bob")) && followUps.some((f) => f.assignees.includes("erin")),
    "each follow-up is assigned to its owner",
  ],
  [board?.items.length === 2, `both are on the board “${board?.title}” (${board?.items.length ?? 0} items)`],
  [
    repoRequests.length <= postmortemBudget,
    `${repoRequests.length} requests with the workflow token (budget ⌈${timelineEvents}/100⌉ + 10 = ${postmortemBudget})`,
  ],
  [boardRequests.length <= 3, `${boardRequests.length} requests with the project token (the board: 3)`],
  [
    actionEchoRequests.length === 0,
    `the ${actionEchoes.length} webhooks the Action's writes caused cost the app nothing`,
  ],
];
for (const [ok, text] of actionChecks) {
  console.log(`   ${ok ? "✓" : "✗"} ${text}`);
  if (!ok) actionFailures.push(text);
}
for (const problem of github.problems.splice(0)) actionFailures.push(`local GitHub: ${problem}`);
for (const failure of actionFailures)
  if (!actionChecks.some(([, t]) => t === failure)) console.log(`   ✗ ${failure}`);
failures.push(...actionFailures.map((f) => `step ${actionStep}: ${f}`));
summaries.push({
  n: actionStep,
  time: clock(),
  who: "workflow",
  what: "the Action drafts the post-mortem (on issues.closed)",
  posted: postmortem ? [`PR #${postmortem.number}`, `${followUps.length} follow-ups`] : [],
  counted: repoRequests.length,
  total: actionRequests.length,
  roundTrips: sequentialRoundTrips(repoRequests),
  budget: { requests: postmortemBudget, roundTrips: null, what: "post-mortem" },
  failures: actionFailures,
});

// ---------------------------------------------------------------------------------------------
// What was produced, written out.

const outputs: string[] = [];
const write = (file: string, text: string) => {
  writeFileSync(join(OUT, file), text.endsWith("\n") ? text : `${text}\n`);
  outputs.push(file);
};
write("tracker-final.md", tracker());
const revert = revertNumber ? github.pull(REPO, revertNumber) : null;
if (revert) {
  const base = repo.git.readCommit(revert.mergeCommit ?? "")?.parents[0] ?? "";
  write(
    "revert-pr.md",
    `# #${revert.number} ${revert.title}\n\n${github.json.itemUrl(revert)} · branch \`${revert.head}\` · merged ${revert.mergedAt} by @${revert.mergedBy}\n\n${revert.body}`,
  );
  write("revert.diff", repo.git.patch(base, revert.mergeCommit ?? base));
}
if (postmortem?.kind === "pull") {
  const head = github.store.headOf(postmortem);
  const path = actionOutputs["postmortem-path"] ?? "";
  const doc = path ? repo.git.revParse(`${head}:${path}`) : null;
  write(
    "postmortem-pr.md",
    `# #${postmortem.number} ${postmortem.title}\n\n${github.json.itemUrl(postmortem)} · branch \`${postmortem.head}\`\n\n${postmortem.body}`,
  );
  if (doc && doc !== "ambiguous") write("postmortem.md", repo.git.readBlob(doc)?.toString("utf8") ?? "");
  const base = repo.git.mergeBase(repo.git.ref("refs/heads/main") ?? "", head) ?? "";
  write("postmortem.diff", repo.git.patch(base, head));
}
write(
  "follow-up-issues.md",
  followUps
    .map(
      (f) =>
        `# #${f.number} ${f.title}\n\n${github.json.itemUrl(f)} · labels: ${f.labels.map((l) => l.name).join(", ")} · assignees: ${f.assignees.map((a) => `@${a}`).join(", ") || "none"}\n\n${f.body}\n`,
    )
    .join("\n---\n\n"),
);
if (board) {
  const fields = board.fields.filter((f) => f.dataType !== "TITLE");
  const cell = (value: string | number | undefined, field: (typeof fields)[number]) =>
    value === undefined ? "" : (field.options?.find((o) => o.id === value)?.name ?? String(value));
  write(
    "board.md",
    [
      `# ${board.title} (${sample.projectUrl})`,
      "",
      `| Item | ${fields.map((f) => f.name).join(" | ")} |`,
      `| --- | ${fields.map(() => "---").join(" | ")} |`,
      ...board.items.map(
        (i) =>
          `| [#${i.content.number}](${github.json.itemUrl(i.content)}) ${i.content.title} | ${fields.map((f) => cell(i.values.get(f.id), f)).join(" | ")} |`,
      ),
    ].join("\n"),
  );
}
write(
  "requests.log",
  github.requests
    .map(
      (r) =>
        `${String(r.seq).padStart(3)} step ${String(stepOf.get(r.seq) ?? "-").padStart(2)} ${r.at.slice(11, 19)} ${r.method.padEnd(6)} ${(r.operation ? `graphql ${r.operation}` : decodeURIComponent(r.path)).padEnd(72)} ${r.status} ${r.login ?? ""}${excluded(r) ? ` (${excluded(r)})` : ""}${r.writes ? ` ${r.writes.map((w) => `${w.field}:${w.ok ? "ok" : w.error}`).join(" ")}` : ""}`,
    )
    .join("\n"),
);
write(
  "webhooks.log",
  github.deliveries
    .map(
      (d) =>
        `${d.id} ${d.redelivery ? "(redelivery) " : ""}${d.event}.${d.action} cause=${d.cause} → ${d.status ?? d.error}`,
    )
    .join("\n"),
);

// ---------------------------------------------------------------------------------------------
// The end: checks over the whole incident, the summary, where to look.

const firebreakComments = allComments().filter((c) => c.author === appLogin);
const overall: Array<[boolean, string]> = [
  [
    [...checklistBodies].every(([id, body]) => repo.comments.get(id)?.body === body),
    `firebreak never edited its ${checklistBodies.size} checklists after posting them`,
  ],
  [
    allComments()
      .filter((c) => c.number === incident && c.author !== appLogin && c.body.startsWith("/"))
      .every((c) => c.reactions.filter((r) => r.user === appLogin).length === 1),
    "every comment with commands got exactly one reaction",
  ],
  [firebreakComments.filter((c) => kindOf(c) === "tracker").length === 1, "there is one tracker"],
  [
    firebreakComments.every(
      (c) => !c.body.includes("https://github.com/") && !c.body.includes("api.github.com"),
    ),
    `every link firebreak wrote points at the local GitHub (${github.url}), none at github.com`,
  ],
  [
    github.deliveries.every((d) => d.status === 200),
    `the app answered all ${github.deliveries.length} signed webhooks with 200`,
  ],
  [github.unknownRoutes.length === 0, "no request went to a route the local GitHub does not model"],
];
console.log("\n━━ Over the whole incident");
for (const [ok, text] of overall) {
  console.log(`   ${ok ? "✓" : "✗"} ${text}`);
  if (!ok) failures.push(text);
}

console.log(`\n━━ The final tracker (${OUT}/tracker-final.md)`);
console.log(indent(tracker()));

console.log("\n━━ Summary\n");
const rows = summaries.map((s) => [
  String(s.n),
  s.time,
  s.who === "workflow" ? "workflow" : `@${s.who}`,
  s.what.length > 56 ? `${s.what.slice(0, 55)}…` : s.what,
  s.posted.join(", ") || "—",
  `${s.counted} / ${s.total}`,
  String(s.roundTrips),
  s.budget
    ? `≤ ${s.budget.requests}${s.budget.roundTrips !== null ? `, ≤ ${s.budget.roundTrips} RT` : ""}`
    : "—",
  s.failures.length === 0 ? "ok" : "FAIL",
]);
const header = ["#", "UTC", "who", "did", "posted", "requests (counted / all)", "RT", "budget", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `\n${github.requests.length} requests and ${github.deliveries.length} webhooks in all, none left this machine (${((performance.now() - started) / 1000).toFixed(1)} s).`,
);

await server.stop();
await github.stop();

console.log(`\nWhere to look (${OUT}/):`);
console.log(
  `  ${OUT}/tracker-final.md         the tracker as it ended; 01-…md onwards: every comment firebreak posted, in order`,
);
console.log(
  `  ${OUT}/revert-pr.md, revert.diff the revert pull request and its diff (computed by git on the local GitHub)`,
);
console.log(
  `  ${OUT}/postmortem.md             the post-mortem the Action drafted (postmortem-pr.md, postmortem.diff: its pull request)`,
);
console.log(`  ${OUT}/follow-up-issues.md       the follow-up issues; board.md: the project board's items`);
console.log(
  `  ${OUT}/requests.log, webhooks.log every request the app and the Action sent, every webhook GitHub sent`,
);

if (failures.length > 0) {
  console.log(`\nThe demo FAILED ${failures.length} expectation(s):`);
  for (const failure of failures) console.log(`  - ${failure}`);
  process.exitCode = 1;
} else {
  console.log("\nEvery expectation held.");
}
