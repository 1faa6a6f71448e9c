// The incidents index, from the post-mortems' front matter: the table, the charts, edits made in
// review, and files whose front matter cannot be read (listed as skipped, never fatal).
import { describe, expect, it } from "vitest";
import {
  buildIncidentIndexView,
  CHART_MONTHS,
  INCIDENT_INDEX_MARKER,
  readFrontMatter,
} from "../../src/core/incident-index.js";
import { createRenderer } from "../../src/render/templates.js";

/** Front matter as the post-mortem template writes it, with `fields` replacing or removing lines. */
function postmortem(fields: Record<string, string | null> = {}, body = "\n# Post-mortem\n"): string {
  const base: Record<string, string> = {
    incident: "42",
    title: '"Checkout returns 500 for card payments"',
    severity: "SEV2",
    status: "resolved",
    started: "2026-11-22T13:48:00Z",
    declared: "2026-11-22T14:02:05Z",
    acknowledged: "2026-11-22T14:04:00Z",
    identified: "2026-11-22T14:15:02Z",
    mitigated: "2026-11-22T14:35:02Z",
    resolved: "2026-11-22T14:55:02Z",
    closed: "2026-11-22T15:05:00Z",
    durations_minutes: "\n  detect: 14\n  acknowledge: 1\n  identify: 12\n  mitigate: 32\n  resolve: 52",
    issue: '"https://github.com/acme/shop/issues/42"',
  };
  const lines = Object.entries({ ...base, ...fields }).flatMap(([key, value]) =>
    value === null ? [] : [`${key}:${value.startsWith("\n") ? "" : " "}${value}`],
  );
  return `---\n${lines.join("\n")}\n---\n${body}`;
}

const CHECKOUT = { name: "2026-11-22-checkout-returns-500-for-card-payments.md", text: postmortem() };
const LOGIN = {
  name: "2026-10-03-login-down.md",
  text: postmortem({
    incident: "17",
    title: '"Nobody can sign in | SSO @okta"',
    severity: "SEV1",
    started: "null",
    declared: "2026-10-03T09:00:00Z",
    acknowledged: "null",
    resolved: "2026-10-03T12:30:00Z",
    durations_minutes: "\n  acknowledge: null\n  resolve: 210",
    issue: '"https://github.com/acme/shop/issues/17"',
  }),
};
const SEARCH = {
  name: "2026-10-15-search-slow.md",
  text: postmortem({
    incident: "23",
    title: '"Search is slow"',
    severity: "SEV3",
    started: "null",
    declared: "2026-10-15T10:00:00Z",
    acknowledged: "2026-10-15T10:20:00Z",
    resolved: "2026-10-15T10:50:00Z",
    issue: '"https://github.com/acme/shop/issues/23"',
  }),
};

describe("reading a post-mortem's front matter", () => {
  it("reads what the post-mortem template writes", () => {
    const read = readFrontMatter(CHECKOUT.name, CHECKOUT.text);
    expect(read).toEqual({
      ok: true,
      entry: {
        file: CHECKOUT.name,
        incident: 42,
        title: "Checkout returns 500 for card payments",
        severity: "sev2",
        started: new Date("2026-11-22T13:48:00Z"),
        declared: new Date("2026-11-22T14:02:05Z"),
        acknowledged: new Date("2026-11-22T14:04:00Z"),
        resolved: new Date("2026-11-22T14:55:02Z"),
        minutes: { acknowledge: 1, resolve: 52 },
        issue: "https://github.com/acme/shop/issues/42",
      },
    });
  });

  it("reads Windows line endings, quoted times and a title taken from the file name", () => {
    const text = postmortem({ title: null, declared: '"2026-11-22T14:02:05Z"', severity: "sev2" }).replace(
      /\n/g,
      "\r\n",
    );
    const read = readFrontMatter("2026-11-22-db-failover.md", text);
    expect(read.ok && read.entry).toMatchObject({
      title: "db failover",
      declared: new Date("2026-11-22T14:02:05Z"),
      severity: "sev2",
    });
  });

  it.each([
    [
      "no front matter",
      "# Post-mortem: written by hand\n",
      "no front matter (a block between `---` lines at the top)",
    ],
    [
      "an unclosed front matter",
      "---\nincident: 4\n# heading\n",
      "no front matter (a block between `---` lines at the top)",
    ],
    [
      "invalid YAML",
      postmortem({ title: '"unclosed' }),
      expect.stringMatching(/^the front matter is not valid YAML on line \d+ \(/),
    ],
    [
      "a list instead of fields",
      "---\n- incident\n- 42\n---\n",
      "the front matter is not a mapping of fields",
    ],
    [
      "a severity that is not one",
      postmortem({ severity: "P1" }),
      '`severity`: "P1" is not a severity; use one of SEV1, SEV2, SEV3, SEV4',
    ],
    [
      "no severity",
      postmortem({ severity: null }),
      "`severity`: a missing value is not a severity; use one of SEV1, SEV2, SEV3, SEV4",
    ],
    [
      "a declaration time that is not a time",
      postmortem({ declared: "yesterday" }),
      '`declared`: "yesterday" is not a time; use the form 2026-11-22T14:02:05Z',
    ],
    [
      "a resolution time that is a mapping",
      postmortem({ resolved: "{ at: 15 }" }),
      "`resolved`: a mapping or list is not a time; use the form 2026-11-22T14:02:05Z",
    ],
    [
      "no declaration time",
      postmortem({ declared: null }),
      "`declared` is missing; use the form 2026-11-22T14:02:05Z",
    ],
  ])("reports %s", (_name, text, problem) => {
    expect(readFrontMatter("x.md", text)).toEqual({ ok: false, problem });
  });
});

describe("the index view", () => {
  it("lists every incident newest first, with durations from the times", () => {
    const view = buildIncidentIndexView([LOGIN, CHECKOUT, SEARCH]);
    expect(view.marker).toBe(INCIDENT_INDEX_MARKER);
    expect(view.summary).toBe("3 incidents from 2026-10-03 to 2026-11-22 (1 SEV1, 1 SEV2, 1 SEV3).");
    expect(view.rows).toEqual([
      {
        date: "2026-11-22",
        severity: "SEV2",
        incident: "[#42 Checkout returns 500 for card payments](https://github.com/acme/shop/issues/42)",
        duration: "1 h 7 min",
        acknowledge: "1 min",
        resolve: "52 min",
        postmortem:
          "[2026-11-22-checkout-returns-500-for-card-payments.md](2026-11-22-checkout-returns-500-for-card-payments.md)",
      },
      {
        date: "2026-10-15",
        severity: "SEV3",
        incident: "[#23 Search is slow](https://github.com/acme/shop/issues/23)",
        duration: "50 min",
        acknowledge: "20 min",
        resolve: "50 min",
        postmortem: "[2026-10-15-search-slow.md](2026-10-15-search-slow.md)",
      },
      {
        date: "2026-10-03",
        severity: "SEV1",
        // A table cell: the pipe escaped; a file pings nobody, so the @ stays plain.
        incident: "[#17 Nobody can sign in \\| SSO @okta](https://github.com/acme/shop/issues/17)",
        duration: "3 h 30 min",
        acknowledge: "—",
        resolve: "3 h 30 min",
        postmortem: "[2026-10-03-login-down.md](2026-10-03-login-down.md)",
      },
    ]);
    expect(view.skipped).toEqual([]);
  });

  it("follows edits made in review: a corrected time wins over the stale durations", () => {
    const edited = {
      ...CHECKOUT,
      text: postmortem({ resolved: "2026-11-22T16:02:05Z", acknowledged: null }),
    };
    const [row] = buildIncidentIndexView([edited]).rows;
    // resolve: from the corrected time (2 h), not durations_minutes (52); acknowledge: the duration, its time gone.
    expect(row).toMatchObject({ duration: "2 h 14 min", acknowledge: "1 min", resolve: "2 h" });
  });

  it("keeps links whole whatever the title and file name hold", () => {
    const odd = { name: "2026-11-24-db (primary).md", text: postmortem({ title: '"[prod] DB down"' }) };
    expect(buildIncidentIndexView([odd]).rows[0]).toMatchObject({
      incident: "[#42 \\[prod\\] DB down](https://github.com/acme/shop/issues/42)",
      postmortem: "[2026-11-24-db (primary).md](2026-11-24-db%20%28primary%29.md)",
    });
  });

  it("an unresolved incident, with no issue link", () => {
    const open = {
      name: "2026-11-23-cache.md",
      text: postmortem({
        title: '"Cache <b>misses</b>"',
        resolved: "null",
        durations_minutes: null,
        issue: null,
      }),
    };
    expect(buildIncidentIndexView([open]).rows[0]).toMatchObject({
      incident: "Cache &lt;b&gt;misses&lt;/b&gt;",
      duration: "—",
      resolve: "—",
    });
  });

  it("lists the files it skips and why, and still indexes the rest", () => {
    const view = buildIncidentIndexView([
      CHECKOUT,
      { name: "notes.md", text: "# Notes from the offsite\n" },
      { name: "2026-09-01-bad.md", text: postmortem({ severity: "P1" }) },
      { name: "2026-09-02-huge.md", text: null },
    ]);
    expect(view.rows.map((r) => r.date)).toEqual(["2026-11-22"]);
    expect(view.skipped).toEqual([
      {
        file: "2026-09-01-bad.md",
        problem: '`severity`: "P1" is not a severity; use one of SEV1, SEV2, SEV3, SEV4',
      },
      { file: "2026-09-02-huge.md", problem: "could not be read (too large, or not text)" },
      { file: "notes.md", problem: "no front matter (a block between `---` lines at the top)" },
    ]);
  });

  it("draws incidents per month by severity as stacked bars, and the median time to resolve", () => {
    const second = {
      name: "2026-10-20-b.md",
      text: postmortem({
        severity: "SEV1",
        declared: "2026-10-20T10:00:00Z",
        resolved: "2026-10-20T10:10:00Z",
      }),
    };
    const { charts } = buildIncidentIndexView([LOGIN, CHECKOUT, SEARCH, second]);
    expect(charts.perMonth).toBe(
      [
        '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#c5def5, #fbca04, #d93f0b, #b60205"}}}}%%',
        "xychart-beta",
        '  title "Incidents per month"',
        '  x-axis ["2026-10", "2026-11"]',
        '  y-axis "Incidents" 0 --> 3',
        // All, SEV1–3, SEV1–2, SEV1: drawn over each other, they stack.
        "  bar [3, 1]",
        "  bar [3, 1]",
        "  bar [2, 1]",
        "  bar [2, 0]",
      ].join("\n"),
    );
    expect(charts.legend).toBe(
      "Bars stack by severity, the whole bar being the month's total: 🟥 SEV1 · 🟧 SEV2 · 🟨 SEV3 · 🟦 SEV4.",
    );
    // October: 210, 50 and 10 minutes → median 50; November: 52 min 57 s, shown to a tenth.
    expect(charts.resolve).toBe(
      [
        "xychart-beta",
        '  title "Median time to resolve (minutes)"',
        '  x-axis ["2026-10", "2026-11"]',
        '  y-axis "Minutes" 0 --> 53',
        "  bar [50, 53]",
        "  line [50, 53]",
      ].join("\n"),
    );
    expect(charts.resolveUnit).toBe("minutes");
  });

  it("shows empty months, at most the last 24, and hours for long resolutions", () => {
    const old = {
      name: "2023-01-05-old.md",
      text: postmortem({ declared: "2023-01-05T10:00:00Z", resolved: "2023-01-05T20:00:00Z" }),
    };
    const { charts } = buildIncidentIndexView([old, CHECKOUT]);
    const months = /x-axis \[(.*)\]/.exec(charts.perMonth)?.[1]?.split(", ") ?? [];
    expect(months).toHaveLength(CHART_MONTHS);
    expect(months[0]).toBe('"2024-12"');
    expect(months.at(-1)).toBe('"2026-11"');
    expect(charts.perMonth).toContain(`  bar [${[...Array(CHART_MONTHS - 1).fill(0), 1].join(", ")}]`);
    // The 2023 incident is in the table, not in the charts' window.
    expect(buildIncidentIndexView([old, CHECKOUT]).rows).toHaveLength(2);

    const long = {
      name: "2026-11-01-long.md",
      text: postmortem({ declared: "2026-11-01T00:00:00Z", resolved: "2026-11-01T05:00:00Z" }),
    };
    const hours = buildIncidentIndexView([long]).charts;
    expect(hours.resolveUnit).toBe("hours");
    expect(hours.resolve).toContain('  y-axis "Hours" 0 --> 5\n  bar [5]');
    expect(hours.resolve).not.toContain("line");
  });
});

describe("the index page", () => {
  it("renders the table, the charts GitHub draws and the skipped files", () => {
    const page = createRenderer().render(
      "incident-index",
      buildIncidentIndexView([LOGIN, CHECKOUT, { name: "notes.md", text: "hello" }]),
    );
    expect(page.split("\n")[0]).toBe(INCIDENT_INDEX_MARKER);
    expect(page).toContain("2 incidents from 2026-10-03 to 2026-11-22 (1 SEV1, 1 SEV2).");
    expect(page).toContain("```mermaid\n%%{init:");
    expect(page).toContain(
      "## Time to resolve, per month\n\nMedian time from declaration to resolution of the incidents declared that month, in hours.",
    );
    expect(page).toContain(
      "| Date | Severity | Incident | Duration | Time to acknowledge | Time to resolve | Post-mortem |\n| --- | --- | --- | --- | --- | --- | --- |\n| 2026-11-22 | SEV2 | [#42 Checkout returns 500 for card payments](https://github.com/acme/shop/issues/42) | 1 h 7 min | 1 min | 52 min |",
    );
    expect(page).toContain("### Not listed");
    expect(page).toContain("- `notes.md`: no front matter (a block between `---` lines at the top)");
  });

  it("with no readable post-mortem, says so", () => {
    const page = createRenderer().render(
      "incident-index",
      buildIncidentIndexView([{ name: "a.md", text: "x" }]),
    );
    expect(page).toContain("No post-mortem in this directory has front matter firebreak can read yet.");
    expect(page).not.toContain("```mermaid");
  });
});
