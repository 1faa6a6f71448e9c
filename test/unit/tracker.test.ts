import { describe, expect, it } from "vitest";
import { DEFAULT_LABEL_NAMES } from "../../src/core/labels.js";
import type { Change } from "../../src/core/model.js";
import { rankSuspects } from "../../src/core/suspects.js";
import { type IncidentHistory, replayTimeline } from "../../src/core/timeline.js";
import {
  buildSuspectsView,
  buildTrackerView,
  cachedSuspects,
  describeResponseTarget,
  renderTrackerWithinLimit,
  suspectsKey,
  type TrackerInput,
} from "../../src/core/tracker.js";
import { createRenderer } from "../../src/render/templates.js";

const DECLARED = new Date("2026-11-22T14:02:00Z");

function change(n: number, path: string, hoursBefore: number): Change {
  const landedAt = new Date(DECLARED.getTime() - hoursBefore * 3_600_000);
  return {
    sha: String(n).padStart(40, "0"),
    headline: `Change ${n}`,
    url: `https://github.com/acme/shop/commit/${n}`,
    landedAt,
    author: "bob",
    additions: 5,
    deletions: 1,
    paths: [path],
    pathsTruncated: false,
    pullRequest: {
      number: n,
      title: `PR ${n} by @carol`,
      url: `https://github.com/acme/shop/pull/${n}`,
      author: "bob",
      mergedAt: landedAt,
    },
  };
}

function suspects(count: number, maxShown = 10) {
  const changes = Array.from({ length: count }, (_, i) =>
    change(i + 1, i === 3 ? "src/checkout/pay.ts" : `src/other${i}.ts`, i + 1),
  );
  const text = { title: "Checkout is down", body: "", labels: [] };
  const ranked = rankSuspects({
    changes,
    deployments: [],
    incident: text,
    reference: DECLARED,
    windowMs: 48 * 3_600_000,
  });
  return buildSuspectsView("k", {
    ranked,
    maxShown,
    inWindow: count + 5,
    scanned: count,
    branch: "main",
    since: new Date(DECLARED.getTime() - 48 * 3_600_000),
    until: DECLARED,
    deployments: [],
  });
}

type Inputs = Partial<TrackerInput> & {
  entries?: IncidentHistory["entries"];
  record?: Partial<IncidentHistory>;
};

function input({ entries = [], record = {}, ...overrides }: Inputs = {}): TrackerInput {
  const history = { ...replayTimeline([], DEFAULT_LABEL_NAMES), entries, ...record };
  return {
    severity: {
      key: "sev2",
      name: "High",
      meaning: "Major feature down",
      respondWithin: { kind: "duration", ms: 30 * 60_000 },
      notify: [],
    },
    status: "investigating",
    noLongerIncident: false,
    declaredAt: DECLARED,
    respondFrom: DECLARED,
    businessDayStartMinutes: 9 * 60,
    history,
    updateEveryMs: 30 * 60_000,
    now: new Date(DECLARED.getTime() + 10 * 60_000),
    suspects: suspects(3),
    warnings: [],
    notices: [],
    ...overrides,
  };
}

const renderer = createRenderer();
const render = (view: object) => renderer.render("tracker", view);

describe("tracker view", () => {
  it("shows the response deadline counted from when the current severity took effect", () => {
    const view = buildTrackerView(input({ respondFrom: new Date("2026-11-22T15:00:00Z") }));
    expect(view.respond).toEqual({ within: "within 30 min", by: "2026-11-22 15:30 UTC" });
    expect(view.declaredAt).toBe("2026-11-22 14:02 UTC");
  });

  it("describes every kind of response target", () => {
    expect(describeResponseTarget({ kind: "duration", ms: 0 })).toBe("immediately");
    expect(describeResponseTarget({ kind: "duration", ms: 2 * 3_600_000 })).toBe("within 2 h");
    expect(describeResponseTarget({ kind: "next_business_day" })).toBe("on the next business day");
  });

  it("ranks the suspect that touches the incident's words first, shows at most max_shown, counts the rest", () => {
    const view = suspects(25, 10);
    expect(view.rows).toHaveLength(10);
    expect(view.rows[0]?.change).toContain("[#4]");
    expect(view.more).toBe(15);
    expect(view.notScanned).toBe(5);
    // PR titles are user text: no live mention.
    expect(view.rows[0]?.change).toContain("@&#8203;carol");
  });

  it("carries the suspects view through the tracker body for the next render, keyed on its inputs", () => {
    const body = render(buildTrackerView(input()));
    expect(cachedSuspects(body, "k")?.rows).toEqual(suspects(3).rows);
    expect(cachedSuspects(body, "other")).toBeNull();
    expect(cachedSuspects(body.replace(/suspects \S+/, "suspects bm90IGpzb24="), "k")).toBeNull();
    expect(cachedSuspects("no cache here", "k")).toBeNull();
  });

  it("keys suspects on everything they were ranked from", () => {
    const parts = {
      reference: DECLARED,
      windowMs: 1,
      branch: "main",
      maxShown: 10,
      maxScanned: 100,
      text: { title: "a", body: "", labels: [] },
    };
    expect(suspectsKey(parts)).toBe(suspectsKey({ ...parts }));
    expect(suspectsKey(parts)).not.toBe(suspectsKey({ ...parts, text: { ...parts.text, title: "b" } }));
    expect(suspectsKey(parts)).not.toBe(suspectsKey({ ...parts, reference: new Date(0) }));
  });

  it("shows the last 15 timeline entries and folds older ones into a visible count", () => {
    const entries = Array.from({ length: 427 }, (_, i) => ({
      at: DECLARED,
      kind: "status" as const,
      text: `event ${i}`,
    }));
    const body = render(buildTrackerView(input({ entries })));
    expect(body).toContain("_… 412 earlier events_");
    expect(body).toContain("event 426");
    expect(body).not.toContain("event 411\n");
  });

  it("stays within GitHub's 65,536-character limit by folding more of the timeline", () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({
      at: DECLARED,
      kind: "status" as const,
      text: `${"x".repeat(5_000)} ${i}`,
    }));
    const body = renderTrackerWithinLimit(input({ entries }), render);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/_… \d+ earlier events_/);
  });

  it("cuts visibly as a last resort when even an empty timeline does not fit", () => {
    const body = renderTrackerWithinLimit(input(), () => "y".repeat(70_000));
    expect(body.length).toBe(65_536);
    expect(body.endsWith("(cut to fit GitHub's comment size limit)")).toBe(true);
  });

  it("lists at most 20 warnings and says how many more there are", () => {
    const view = buildTrackerView(input({ warnings: Array.from({ length: 25 }, (_, i) => `problem ${i}`) }));
    expect(view.warnings).toHaveLength(21);
    expect(view.warnings.at(-1)).toBe("… and 5 more problems");
  });

  it("shows roles, start, impact, cause, metrics and action items once the records hold them", () => {
    const body = render(
      buildTrackerView(
        input({
          record: {
            roles: { ic: "bob", lead: null, comms: "carol", scribe: null },
            startedAt: new Date("2026-11-22T13:40:00Z"),
            impact: "30% of card payments | fail",
            cause: "retry storm",
            acknowledgedAt: new Date("2026-11-22T14:07:00Z"),
            actionItems: [
              {
                text: "add a breaker",
                owner: "carol",
                due: "2026-12-01",
                by: "bob",
                at: DECLARED,
                commentId: 1,
                line: 1,
              },
            ],
          },
        }),
      ),
    );
    expect(body).toContain("| **Incident commander** | @&#8203;bob |");
    expect(body).toContain("| **Tech lead** | _not set: `/role …`_ |");
    expect(body).toContain("| **Started** | 2026-11-22 13:40 UTC |");
    expect(body).toContain("| **Impact** | 30% of card payments \\| fail |");
    expect(body).toContain("| **Cause** | retry storm |");
    expect(body).toContain("**Response so far:** Time to detect 22 min · Time to acknowledge 5 min");
    expect(body).toContain("- add a breaker · owner @&#8203;carol · due 2026-12-01");
  });

  it("shows when the next update is due, and says so when it is overdue", () => {
    const due = buildTrackerView(input()).nextUpdate;
    expect(due).toEqual({ due: "2026-11-22 14:32 UTC", overdue: false });
    const late = buildTrackerView(input({ now: new Date("2026-11-22T15:00:00Z") })).nextUpdate;
    expect(late).toEqual({ due: "2026-11-22 14:32 UTC", overdue: true });
    const afterUpdate = buildTrackerView(
      input({ record: { updates: [{ at: new Date("2026-11-22T14:20:00Z"), by: "bob", text: "x" }] } }),
    ).nextUpdate;
    expect(afterUpdate?.due).toBe("2026-11-22 14:50 UTC");
    expect(buildTrackerView(input({ status: "resolved" })).nextUpdate).toBeNull();
  });

  it("renders the no-longer-an-incident note and the notify line", () => {
    const body = render(
      buildTrackerView(
        input({
          noLongerIncident: true,
          severity: { ...input().severity, notify: ["@acme/oncall", "@alice"] },
        }),
      ),
    );
    expect(body).toContain("**no longer an incident**");
    expect(body).toContain("Paging @acme/oncall @alice.");
  });
});
