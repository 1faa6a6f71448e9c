import { describe, expect, it } from "vitest";
import type { Change, Deployment } from "../../src/core/model.js";
import {
  type IncidentText,
  rankSuspects,
  riskOf,
  type Suspect,
  shortDuration,
  tokenize,
} from "../../src/core/suspects.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const REFERENCE = new Date("2026-11-22T14:00:00Z");
const WINDOW = 24 * HOUR;

let counter = 0;
function change(over: Partial<Change> & { ago?: number } = {}): Change {
  const { ago = HOUR, ...rest } = over;
  counter += 1;
  const sha = rest.sha ?? `${counter.toString(16).padStart(7, "0")}${"0".repeat(33)}`;
  return {
    sha,
    headline: `Merge pull request #${counter} from acme/some-branch`,
    url: `https://github.com/acme/shop/commit/${sha}`,
    landedAt: new Date(REFERENCE.getTime() - ago),
    author: "alice",
    additions: 10,
    deletions: 2,
    paths: ["src/widgets/list.ts"],
    pathsTruncated: false,
    pullRequest: {
      number: counter,
      title: "Tidy widget list",
      url: `https://github.com/acme/shop/pull/${counter}`,
      author: "alice",
      mergedAt: new Date(REFERENCE.getTime() - ago),
    },
    ...rest,
  };
}

function deployment(sha: string, ago: number, over: Partial<Deployment> = {}): Deployment {
  return {
    environment: "production",
    sha,
    createdAt: new Date(REFERENCE.getTime() - ago),
    state: "success",
    url: null,
    ...over,
  };
}

const incident = (title: string, body = "", labels: string[] = ["incident/sev2"]): IncidentText => ({
  title,
  body,
  labels,
});

/** NaN (which fails every comparison) when the suspect is missing. */
const score = (s: Suspect | undefined) => s?.score ?? Number.NaN;

function rank(
  changes: Change[],
  inc: IncidentText = incident("Something is off"),
  deployments: Deployment[] = [],
) {
  return rankSuspects({ changes, deployments, incident: inc, reference: REFERENCE, windowMs: WINDOW });
}

describe("tokenize", () => {
  it.each([
    ["payments", "payment"],
    ["queries", "query"],
    ["caches", "cache"],
    ["boxes", "box"],
    ["statuses", "status"],
    ["services", "service"],
    ["PaymentGateway", "payment_gateway"],
    ["src/checkout/cartItems.ts", "checkout cart item"],
  ])("%s and %s produce the same words", (a, b) => {
    expect(tokenize(a)).toEqual(tokenize(b));
    expect(tokenize(a).length).toBeGreaterThan(0);
  });

  it.each([
    ["the 500 for an incident ab", []],
    ["src/lib/index.ts", []],
    ["Failures, errors and outages", []],
    ["Checkout returns 500", ["checkout", "return"]],
    ["apiClient-v2.test.tsx", ["api", "client"]],
  ])("tokenize(%j) = %j", (text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe("riskOf", () => {
  it.each([
    ["db/migrations/0042_add_index.sql", "migration"],
    ["db/migrate/20261101_add_orders.rb", "migration"],
    ["prisma/schema.prisma", "migration"],
    ["package-lock.json", "dependencies"],
    ["services/api/go.sum", "dependencies"],
    ["requirements-dev.txt", "dependencies"],
    ["pnpm-lock.yaml", "dependencies"],
    [".github/workflows/deploy.yml", "ci"],
    ["Dockerfile", "ci"],
    ["infra/terraform/main.tf", "ci"],
    ["helm/values.yaml", "ci"],
    ["config/production.yml", "config"],
    [".env.production", "config"],
    ["app/settings.py", "config"],
    ["src/checkout/cart.ts", null],
    ["README.md", null],
  ])("%s → %s", (path, kind) => {
    expect(riskOf(path)).toBe(kind);
  });
});

describe("shortDuration", () => {
  it.each([
    [20_000, "<1 min"],
    [45 * MIN, "45 min"],
    [60 * MIN, "1 h"],
    [3 * HOUR, "3 h"],
    [50 * HOUR, "2 d"],
  ])("%d ms → %s", (ms, text) => {
    expect(shortDuration(ms)).toBe(text);
  });
});

describe("rankSuspects", () => {
  it("returns [] for no changes", () => {
    expect(rank([])).toEqual([]);
  });

  it("ranks a path matching the title above a newer unrelated change", () => {
    const fresh = change({ ago: 1 * MIN, paths: ["src/search/query.ts"] });
    const match = change({ ago: 20 * HOUR, paths: ["src/checkout/cart.ts", "src/checkout/cart.test.ts"] });
    const [first, second] = rank([fresh, match], incident("Checkout returns 500"));
    expect(first?.change.sha).toBe(match.sha);
    expect(first?.reason).toMatch(/^touches src\/checkout\/ \(matches “checkout”\)/);
    expect(second?.change.sha).toBe(fresh.sha);
    expect(first?.score).toBeGreaterThan(second?.score ?? Number.POSITIVE_INFINITY);
  });

  it("folds plurals and matches file names", () => {
    const match = change({ ago: 10 * HOUR, paths: ["services/billing/payment.go"] });
    const other = change({ ago: 5 * MIN });
    const [first] = rank([other, match], incident("Payments are timing out"));
    expect(first?.change.sha).toBe(match.sha);
    expect(first?.reason).toContain("touches services/billing/payment.go (matches “payments”)");
  });

  it("counts body words, more weakly than title words", () => {
    const inTitle = change({ ago: 2 * HOUR, paths: ["src/checkout/cart.ts"] });
    const inBody = change({ ago: 2 * HOUR, paths: ["src/inventory/stock.ts"] });
    const neither = change({ ago: 2 * HOUR, paths: ["src/widgets/list.ts"] });
    const ranked = rank(
      [neither, inBody, inTitle],
      incident("Checkout is slow", "Inventory also looks stale"),
    );
    expect(ranked.map((s) => s.change.sha)).toEqual([inTitle.sha, inBody.sha, neither.sha]);
    expect(score(ranked[0])).toBeGreaterThan(score(ranked[1]));
    expect(score(ranked[1])).toBeGreaterThan(score(ranked[2]));
  });

  it("matches the PR title more weakly than paths", () => {
    const titled = change({
      ago: 2 * HOUR,
      pullRequest: {
        number: 901,
        title: "Speed up checkout rendering",
        url: "https://github.com/acme/shop/pull/901",
        author: "bob",
        mergedAt: new Date(REFERENCE.getTime() - 2 * HOUR),
      },
    });
    const plain = change({ ago: 2 * HOUR });
    const pathed = change({ ago: 2 * HOUR, paths: ["src/checkout/view.ts"] });
    const ranked = rank([plain, titled, pathed], incident("Checkout is slow"));
    expect(ranked.map((s) => s.change.sha)).toEqual([pathed.sha, titled.sha, plain.sha]);
    expect(ranked[1]?.reason).toBe("title mentions “checkout”");
  });

  it("ignores firebreak's own incident/ labels but uses other labels", () => {
    const rollback = change({ ago: 3 * HOUR, paths: ["src/incident/rollback/handler.ts"] });
    const payments = change({ ago: 3 * HOUR, paths: ["src/payments/refund.ts"] });
    const labels = ["incident/sev2", "incident/rollback", "Incident/Postmortem", "area/payments"];
    const ranked = rank([rollback, payments], incident("Things are slow", "", labels));
    expect(ranked[0]?.change.sha).toBe(payments.sha);
    expect(ranked[0]?.reason).toContain("matches “payments”");
    expect(ranked[1]?.reason).toBe("landed 3 h before");
    const postmortem = change({ ago: 3 * HOUR, paths: ["docs/postmortem/template.md"] });
    expect(rank([postmortem], incident("Things are slow", "", labels))[0]?.reason).toBe("landed 3 h before");
  });

  it.each([
    ["db/migrations/0042_add_index.sql", "changes a migration (0042_add_index.sql)"],
    ["config/production.yml", "changes config (production.yml)"],
    ["yarn.lock", "changes dependencies (yarn.lock)"],
    [".github/workflows/deploy.yml", "changes CI/deploy (deploy.yml)"],
    ["Dockerfile", "changes CI/deploy (Dockerfile)"],
  ])("ranks %s as risky: %s", (path, reason) => {
    const plain = change({ ago: 2 * HOUR, paths: ["src/widgets/list.ts"] });
    const risky = change({ ago: 2 * HOUR, paths: ["src/widgets/list.ts", path] });
    const ranked = rank([plain, risky]);
    expect(ranked[0]?.change.sha).toBe(risky.sha);
    expect(ranked[0]?.reason).toBe(reason);
    expect(score(ranked[0]) - score(ranked[1])).toBeGreaterThanOrEqual(9);
  });

  it("ranks a migration above config", () => {
    const config = change({ ago: 2 * HOUR, paths: ["config/app.yml"] });
    const migration = change({ ago: 2 * HOUR, paths: ["db/migrate/001_orders.rb"] });
    expect(rank([config, migration]).map((s) => s.change.sha)).toEqual([migration.sha, config.sha]);
  });

  it("lists up to three factors, strongest first", () => {
    const busy = change({
      ago: 30 * MIN,
      paths: ["src/checkout/cart.ts", "db/migrations/1.sql", "package.json", "config/app.yml", "Dockerfile"],
    });
    const [s] = rank([busy], incident("Checkout down"));
    const parts = s?.reason.split(" · ") ?? [];
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/^touches src\/checkout\//);
    expect(parts[1]).toBe("changes a migration (1.sql)");
  });

  it.each([
    ["after the reference", -1 * MIN, false],
    ["older than the window", WINDOW + 1, false],
    ["exactly at the window's start", WINDOW, true],
    ["exactly at the reference", 0, true],
  ])("a change landing %s is included: %s", (_label, ago, included) => {
    const c = change({ ago });
    const keep = change({ ago: HOUR });
    const shas = rank([c, keep]).map((s) => s.change.sha);
    expect(shas.includes(c.sha)).toBe(included);
    expect(shas).toContain(keep.sha);
  });

  it("prefers newer changes, all else equal, and reports ageMs", () => {
    const old = change({ ago: 20 * HOUR });
    const recent = change({ ago: 2 * HOUR });
    const ranked = rank([old, recent]);
    expect(ranked.map((s) => s.change.sha)).toEqual([recent.sha, old.sha]);
    expect(ranked.map((s) => s.ageMs)).toEqual([2 * HOUR, 20 * HOUR]);
    expect(score(ranked[0])).toBeGreaterThan(score(ranked[1]));
  });

  it("ranks larger changes higher, sub-linearly, and names very large ones", () => {
    const small = change({ ago: 2 * HOUR, additions: 5, deletions: 0 });
    const big = change({
      ago: 2 * HOUR,
      additions: 1500,
      deletions: 300,
      paths: Array.from({ length: 40 }, (_, i) => `src/widgets/w${i}.ts`),
    });
    const huge = change({
      ago: 2 * HOUR,
      additions: 150_000,
      deletions: 30_000,
      paths: Array.from({ length: 100 }, (_, i) => `src/widgets/w${i}.ts`),
      pathsTruncated: true,
    });
    const medium = change({ ago: 2 * HOUR, additions: 150, deletions: 50, paths: ["a/b.ts", "a/c.ts"] });
    const ranked = rank([small, big, medium]);
    expect(ranked.map((s) => s.change.sha)).toEqual([big.sha, medium.sha, small.sha]);
    expect(ranked[0]?.reason).toBe("large change (1,800 lines, 40 files)");
    expect(ranked[1]?.reason).toBe("landed 2 h before");
    const [h, s] = rank([huge, small]);
    expect(h?.change.sha).toBe(huge.sha);
    // Sub-linear and bounded: 36,000× the lines is worth at most 10 points.
    expect(score(h) - score(s)).toBeLessThanOrEqual(10);
    expect(score(h) - score(ranked[0])).toBeLessThanOrEqual(2);
    expect(h?.reason).toBe("large change (180,000 lines, 100+ files)");
  });

  it("says so for a direct push", () => {
    const push = change({ ago: 2 * HOUR, pullRequest: null, paths: [], headline: "hotfix timeouts" });
    const pr = change({ ago: 2 * HOUR, paths: [] });
    const ranked = rank([pr, push]);
    expect(ranked[0]?.change.sha).toBe(push.sha);
    expect(ranked[0]?.reason).toBe("direct push, no pull request");
    expect(ranked[1]?.reason).not.toContain("direct push");
  });

  it("keeps the direct push fact among stronger factors", () => {
    const push = change({
      ago: 2 * HOUR,
      pullRequest: null,
      paths: [],
      headline: "Raise checkout and payment timeouts",
      additions: 2000,
      deletions: 0,
    });
    const [s] = rank([push], incident("Checkout payments failing"), [deployment(push.sha, HOUR)]);
    expect(s?.reason).toBe(
      "title mentions “checkout”, “payments” · deployed to production 1 h before · direct push, no pull request",
    );
  });

  it("bumps a deployed change and mentions the deployment", () => {
    const deployed = change({ ago: 5 * HOUR });
    const undeployed = change({ ago: 3 * HOUR });
    const staging = change({ ago: 5 * HOUR });
    const deps = [
      deployment(deployed.sha, 3 * HOUR, { environment: "staging" }),
      deployment(deployed.sha, 2 * HOUR),
      deployment(deployed.sha, -1 * HOUR, { environment: "staging" }),
      deployment(staging.sha, 2 * HOUR, { environment: "staging" }),
    ];
    const ranked = rank([undeployed, staging, deployed], incident("Something is off"), deps);
    // Production outweighs two hours of recency, staging only a little.
    expect(ranked.map((s) => s.change.sha)).toEqual([deployed.sha, staging.sha, undeployed.sha]);
    expect(ranked[0]?.reason).toBe("deployed to production 2 h before");
    expect(ranked[0]?.deployment).toBe(deps[1]);
    expect(ranked[1]?.reason).toBe("deployed to staging 2 h before");
    expect(ranked[1]?.deployment).toBe(deps[3]);
    expect(ranked[2]?.deployment).toBeNull();
    expect(ranked[2]?.reason).toBe("landed 3 h before");
    expect(score(ranked[0]) - score(ranked[1])).toBeCloseTo(10, 5);
  });

  it("does not bump failed deployments or ones after the reference", () => {
    const failed = change({ ago: 2 * HOUR });
    const later = change({ ago: 2 * HOUR });
    const plain = change({ ago: 2 * HOUR });
    const deps = [deployment(failed.sha, HOUR, { state: "failure" }), deployment(later.sha, -10 * MIN)];
    const ranked = rank([failed, later, plain], incident("x"), deps);
    expect(new Set(ranked.map((s) => s.score)).size).toBe(1);
    expect(ranked.every((s) => !s.reason.includes("deployed"))).toBe(true);
    expect(ranked.find((s) => s.change.sha === later.sha)?.deployment).toBe(deps[1]);
  });

  it("breaks ties by newer first, then sha, whatever the input order", () => {
    const a = change({ sha: "a".repeat(40), ago: 2 * HOUR });
    const b = change({ sha: "b".repeat(40), ago: 2 * HOUR });
    const c = change({ sha: "c".repeat(40), ago: 2 * HOUR - 1 });
    const expected = [c.sha, a.sha, b.sha];
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ]) {
      expect(rank(order).map((s) => s.change.sha)).toEqual(expected);
    }
    const scores = rank([a, b]).map((s) => s.score);
    expect(scores[0]).toBe(scores[1]);
  });

  it("keeps reasons short, single-line and free of mentions", () => {
    const long = change({
      ago: 40 * MIN,
      paths: [
        `packages/@acme/checkout-${"very-long-directory-name-".repeat(4)}/cart/src/checkout/cart.ts`,
        `db/migrations/${"x".repeat(80)}.sql`,
        `config/${"y".repeat(80)}.yml`,
      ],
    });
    const [s] = rank([long], incident("Checkout cart broken @bob"), [
      deployment(long.sha, 20 * MIN, { environment: `@team-${"z".repeat(60)}-production` }),
    ]);
    expect(s?.reason.length).toBeGreaterThan(0);
    expect(s?.reason.length).toBeLessThan(140);
    expect(s?.reason).not.toContain("@");
    expect(s?.reason).not.toContain("\n");
    expect(s?.reason).toContain("deployed to");
    const scoped = change({ ago: 40 * MIN, paths: ["packages/@acme/checkout/cart.ts"] });
    const [t] = rank([scoped], incident("Checkout broken"), [
      deployment(scoped.sha, 20 * MIN, { environment: "@ops" }),
    ]);
    expect(t?.reason).toBe(
      "touches packages/acme/checkout/ (matches “checkout”) · deployed to ops 20 min before",
    );
  });

  it("ranks 2,000 changes", () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      change({
        ago: (i * WINDOW) / 2000,
        paths: Array.from({ length: 20 }, (_, j) => `src/module${i % 50}/part${j}/file${j}.ts`),
        additions: i,
      }),
    );
    const ranked = rank(many, incident("module7 errors", "part3 is slow"));
    expect(ranked).toHaveLength(2000);
    for (let i = 1; i < ranked.length; i++) {
      expect(score(ranked[i - 1])).toBeGreaterThanOrEqual(score(ranked[i]));
    }
    expect(ranked.every((s) => s.reason.length > 0)).toBe(true);
  });
});
