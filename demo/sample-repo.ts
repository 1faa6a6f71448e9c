// The demo's sample service: acme/checkout-service with a few days of history (merged pull
// requests with their authors and paths, a direct push, a deployment), its people and their roles,
// firebreak's configuration and the team's Projects board. One of the pull requests broke checkout.
import { readFileSync } from "node:fs";
import type { LocalGitHub } from "../local-github/index.js";

export const REPO = "acme/checkout-service";
export const ORG = "acme";

/** Who is who (and the role each has on the repository). */
export const PEOPLE = {
  alice: { role: "triage", is: "support engineer" },
  bob: { role: "maintain", is: "on call" },
  dana: { role: "write", is: "SRE" },
  erin: { role: "write", is: "payments engineer" },
  frank: { role: "write", is: "search engineer" },
  carol: { role: "read", is: "product manager, read only" },
} as const;

const payment = (retry: boolean) =>
  [
    'import { gateway } from "./gateway.js";',
    ...(retry ? ['import { withRetries } from "./retry.js";'] : []),
    'import { pool } from "../db.js";',
    "",
    "export async function authorise(order: Order): Promise<Authorisation> {",
    "  const db = await pool.connect();",
    "  try {",
    retry
      ? "    return await withRetries(() => gateway.authorise(order, db), { attempts: 3 });"
      : "    return await gateway.authorise(order, db);",
    "  } finally {",
    "    db.release();",
    "  }",
    "}",
    "",
  ].join("\n");

const README = (badges: string) =>
  `# checkout-service\n\n${badges}\n\nCard and PayPal checkout for the acme shop.\n\n- \`npm start\`: the service on :8080\n- \`npm test\`\n`;

/** A time `minutes` before `reference`, as GitHub writes it. */
const ago = (reference: number, minutes: number) => new Date(reference - minutes * 60_000).toISOString();

export interface SampleRepo {
  /** The merge commit of the pull request that broke checkout. */
  culprit: { number: number; sha: string; title: string; author: string };
  /** The workflow's token (`github-actions[bot]`) and the project token (bob's, with the project scope). */
  tokens: { workflow: string; project: string };
  projectUrl: string;
}

/** Seeds the local GitHub; `now` is when the incident will be declared. */
export function seedSampleRepo(github: LocalGitHub, now: number): SampleRepo {
  const seed = github.seed;
  seed.org(ORG, "Acme");
  seed.repository(REPO, { description: "Card and PayPal checkout" });
  for (const [login, { role }] of Object.entries(PEOPLE)) seed.collaborator(REPO, login, role);
  seed.user("renovate[bot]", { type: "Bot" });
  seed.user("carol-ops");
  for (const [name, color, description] of [
    ["bug", "d73a4a", "Something isn't working"],
    ["dependencies", "0366d6", "Dependency updates"],
    // The team made the severity labels when it copied the incident form; firebreak makes the rest.
    ["incident/sev1", "b60205", null],
    ["incident/sev2", "d93f0b", null],
    ["incident/sev3", "fbca04", null],
    ["incident/sev4", "0e8a16", null],
  ] as const) {
    seed.label(REPO, name, { color, description });
  }

  // `npm run demo` runs from the repository's root (the demo is bundled elsewhere first).
  const form = readFileSync(".github/ISSUE_TEMPLATE/incident.yml", "utf8");
  const workflow = readFileSync(".github/workflows/postmortem.yml", "utf8");
  seed.commit(REPO, {
    author: "dana",
    message: "Import checkout-service",
    at: ago(now, 5 * 24 * 60),
    files: {
      "README.md": README("[![ci](https://ci.acme.example/badge.svg)](https://ci.acme.example)"),
      "package.json": '{\n  "name": "checkout-service",\n  "dependencies": { "pg": "8.11.0" }\n}\n',
      "package-lock.json":
        '{\n  "lockfileVersion": 3,\n  "packages": { "node_modules/pg": { "version": "8.11.0" } }\n}\n',
      "src/server.ts":
        'import { authorise } from "./checkout/payment.js";\n\nexport const routes = { "/checkout": authorise };\n',
      "src/db.ts": "export const pool = createPool({ max: 20 });\n",
      "src/checkout/payment.ts": payment(false),
      "src/checkout/gateway.ts": "export const gateway = createGatewayClient();\n",
      "src/checkout/cart.ts": "export const cart = new Map<string, number>();\n",
      "src/search/page.tsx": "export function SearchPage() {\n  return <Results />;\n}\n",
      "src/search/query.ts": "export const query = (q: string) => q.trim();\n",
      "db/migrations/0041_orders.sql":
        "CREATE TABLE orders (id bigserial PRIMARY KEY, created_at timestamptz);\n",
      ".github/incident.yml": [
        "# firebreak: see https://github.com/acme/firebreak#configuration",
        "severities:",
        "  sev1:",
        '    notify: ["@acme/payments-oncall", "@acme/eng-leads"]',
        "  sev2:",
        '    notify: ["@acme/payments-oncall"]',
        "",
      ].join("\n"),
      ".github/ISSUE_TEMPLATE/incident.yml": form,
      ".github/workflows/postmortem.yml": workflow,
    },
  });

  seed.mergedPullRequest(REPO, {
    number: 301,
    title: "Search page pagination",
    author: "frank",
    mergedBy: "dana",
    at: ago(now, 2_400),
    files: {
      "src/search/page.tsx":
        "export function SearchPage({ page }: { page: number }) {\n  return <Results page={page} />;\n}\n",
      "src/search/query.ts": "export const query = (q: string, page = 1) => ({ q: q.trim(), page });\n",
    },
  });
  seed.commit(REPO, {
    author: "carol-ops",
    message: "Hotfix: log the gateway response",
    at: ago(now, 1_560),
    files: {
      "src/checkout/gateway.ts": "export const gateway = createGatewayClient({ logResponses: true });\n",
    },
  });
  seed.mergedPullRequest(REPO, {
    number: 305,
    title: "Add index on orders.created_at",
    author: "erin",
    mergedBy: "dana",
    at: ago(now, 1_200),
    files: {
      "db/migrations/0042_orders_created_at.sql":
        "CREATE INDEX CONCURRENTLY orders_created_at ON orders (created_at);\n",
    },
  });
  seed.mergedPullRequest(REPO, {
    number: 308,
    title: "Bump pg from 8.11 to 8.12",
    author: "renovate[bot]",
    mergedBy: "bob",
    branch: "renovate/pg-8.x",
    at: ago(now, 360),
    labels: ["dependencies"],
    files: {
      "package.json": '{\n  "name": "checkout-service",\n  "dependencies": { "pg": "8.12.0" }\n}\n',
      "package-lock.json":
        '{\n  "lockfileVersion": 3,\n  "packages": { "node_modules/pg": { "version": "8.12.0" } }\n}\n',
    },
  });
  const culprit = seed.mergedPullRequest(REPO, {
    number: 309,
    title: "Retry card authorisations in checkout",
    body: "Card authorisations sometimes time out at the gateway: retry them up to 3 times.",
    author: "erin",
    mergedBy: "bob",
    at: ago(now, 170),
    files: {
      "src/checkout/payment.ts": payment(true),
      "src/checkout/retry.ts": [
        "export async function withRetries<T>(run: () => Promise<T>, o: { attempts: number }): Promise<T> {",
        "  for (let attempt = 1; ; attempt++) {",
        "    try {",
        "      return await run();",
        "    } catch (error) {",
        "      if (attempt >= o.attempts) throw error;",
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
      "test/checkout/payment.test.ts":
        'it("retries a timed-out authorisation", async () => {\n  /* … */\n});\n',
    },
  });
  seed.deployment(REPO, {
    sha: culprit.mergeCommit as string,
    environment: "production",
    at: ago(now, 150),
    state: "success",
    environmentUrl: "https://checkout.acme.example",
    creator: "bob",
  });
  seed.mergedPullRequest(REPO, {
    number: 311,
    title: "Tidy up the README badges",
    author: "dana",
    at: ago(now, 50),
    files: {
      "README.md": README(
        "[![ci](https://ci.acme.example/badge.svg)](https://ci.acme.example) ![coverage](https://ci.acme.example/coverage.svg)",
      ),
    },
  });

  const project = seed.project({
    owner: ORG,
    number: 1,
    title: "Reliability",
    fields: [
      {
        name: "Status",
        dataType: "SINGLE_SELECT",
        options: [{ name: "Todo" }, { name: "In progress" }, { name: "Done" }],
      },
      {
        name: "Severity",
        dataType: "SINGLE_SELECT",
        options: [{ name: "SEV1" }, { name: "SEV2" }, { name: "SEV3" }, { name: "SEV4" }],
      },
      { name: "Due date", dataType: "DATE" },
      { name: "Incident", dataType: "TEXT" },
    ],
  });

  return {
    culprit: {
      number: culprit.number,
      sha: culprit.mergeCommit as string,
      title: culprit.title,
      author: culprit.author,
    },
    tokens: {
      workflow: seed.token("github-actions[bot]"),
      project: seed.token("bob", { projects: true }),
    },
    projectUrl: `${github.url}/orgs/${ORG}/projects/${project.number}`,
  };
}
