// `npm run demo`: the real firebreak app declares and escalates an incident against an in-memory
// GitHub (demo/fake-github.ts). No credentials, no network. Writes what it posted to demo-output/.
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import firebreak from "../src/index.js";
import { APP_SLUG, FakeGitHub, INSTALLATION_ID, OWNER, REPO, type RequestRecord } from "./fake-github.js";

const OUT = "demo-output";
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const sha = (n: number) => n.toString(16).padStart(2, "0").repeat(20);

const github = new FakeGitHub(
  {
    number: 87,
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
  },
  [
    {
      sha: sha(1),
      headline: "Tidy up the README badges (#311)",
      committedDate: hoursAgo(1),
      author: "dana",
      additions: 4,
      deletions: 4,
      pr: { number: 311, title: "Tidy up the README badges", files: ["README.md"] },
    },
    {
      sha: sha(2),
      headline: "Retry card authorisations in checkout (#309)",
      committedDate: hoursAgo(3),
      author: "bob",
      additions: 140,
      deletions: 35,
      pr: {
        number: 309,
        title: "Retry card authorisations in checkout",
        files: ["src/checkout/payment.ts", "src/checkout/retry.ts", "test/checkout/payment.test.ts"],
      },
    },
    {
      sha: sha(3),
      headline: "Bump pg from 8.11 to 8.12 (#308)",
      committedDate: hoursAgo(6),
      author: "renovate",
      additions: 12,
      deletions: 12,
      pr: { number: 308, title: "Bump pg from 8.11 to 8.12", files: ["package.json", "package-lock.json"] },
    },
    {
      sha: sha(4),
      headline: "Add index on orders.created_at (#305)",
      committedDate: hoursAgo(20),
      author: "erin",
      additions: 18,
      deletions: 0,
      pr: {
        number: 305,
        title: "Add index on orders.created_at",
        files: ["db/migrations/0042_orders_created_at.sql"],
      },
    },
    {
      sha: sha(5),
      headline: "Hotfix: log the gateway response",
      committedDate: hoursAgo(26),
      author: "carol",
      additions: 3,
      deletions: 1,
      pr: null,
    },
    {
      sha: sha(6),
      headline: "Search page pagination (#301)",
      committedDate: hoursAgo(40),
      author: "frank",
      additions: 220,
      deletions: 80,
      pr: {
        number: 301,
        title: "Search page pagination",
        files: ["src/search/page.tsx", "src/search/query.ts"],
      },
    },
  ],
  [{ environment: "production", sha: sha(2), createdAt: hoursAgo(2.5), state: "SUCCESS" }],
);

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const probot = new Probot({
  appId: 1,
  privateKey,
  logLevel: "warn",
  Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    throttle: { enabled: false },
  })),
});
probot.load(firebreak);
nock.disableNetConnect();
github.listen();

function payload(action: string, sender: string, label?: string) {
  const asLabel = (name: string) => ({ name, color: "ededed", description: null });
  return {
    action,
    installation: { id: INSTALLATION_ID },
    sender: { login: sender, type: "User" },
    repository: {
      name: REPO,
      full_name: `${OWNER}/${REPO}`,
      owner: { login: OWNER },
      default_branch: "main",
    },
    issue: {
      number: github.issue.number,
      user: { login: "alice", type: "User" },
      title: github.issue.title,
      body: github.issue.body,
      labels: [...github.issueLabels].map(asLabel),
    },
    ...(label ? { label: asLabel(label) } : {}),
  };
}

let delivery = 0;
async function step(title: string, send: () => Promise<void>): Promise<RequestRecord[]> {
  const before = github.requests.length;
  console.log(`\n━━ ${title}`);
  await send();
  const made = github.requests.slice(before);
  for (const r of made) console.log(`   ${r.method.padEnd(6)} ${r.path.padEnd(52)} ${r.operation}`);
  const overhead = made.filter((r) => /identity|token|config|create label/.test(r.operation)).length;
  console.log(
    `   → ${made.length} requests (${made.length - overhead} counted against the budget; token, config, identity and one-time label creation are not)`,
  );
  return made;
}

function show(name: string, body: string): void {
  writeFileSync(`${OUT}/${name}`, `${body}\n`);
  console.log(
    `\n   ┌ ${name}\n${body
      .split("\n")
      .filter((l) => !l.startsWith("<!-- firebreak:suspects"))
      .map((l) => `   │ ${l}`)
      .join("\n")}\n   └`,
  );
}

mkdirSync(OUT, { recursive: true });
try {
  await step(`@alice opens issue #${github.issue.number} from the incident form, severity SEV3`, () =>
    probot.receive({ id: `demo-${++delivery}`, name: "issues", payload: payload("opened", "alice") as any }),
  );
  const [tracker, checklist] = github.comments();
  if (!tracker || !checklist) throw new Error("firebreak did not post the tracker and the checklist");
  show("1-tracker.md", tracker.body);
  show("2-checklist.md", checklist.body);

  github.humanLabel("labeled", "incident/sev1", "bob");
  await step("@bob sees payments failing everywhere and adds incident/sev1", () =>
    probot.receive({
      id: `demo-${++delivery}`,
      name: "issues",
      payload: payload("labeled", "bob", "incident/sev1") as any,
    }),
  );
  const escalation = github.comments()[2];
  if (!escalation) throw new Error("firebreak did not announce the escalation");
  show("3-escalation.md", escalation.body);
  show("4-tracker-after-escalation.md", tracker.body);

  await step("GitHub redelivers the same webhook", () =>
    probot.receive({
      id: `demo-${delivery}`,
      name: "issues",
      payload: payload("labeled", "bob", "incident/sev1") as any,
    }),
  );
  if (github.comments().length !== 3) throw new Error("a redelivery posted a duplicate comment");

  console.log(`\nLabels on #${github.issue.number}: ${[...github.issueLabels].join(", ")}`);
  console.log(
    `Everything firebreak posted is in ${OUT}/. The app that ran is src/index.ts, unchanged; only GitHub was simulated (demo/fake-github.ts).`,
  );
  console.log(`The ${APP_SLUG} app sent ${github.requests.length} requests in all; none left this machine.`);
} catch (error) {
  console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
