import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { type Config, ConfigSchema, DEFAULT_CONFIG } from "../../src/config/schema.js";
import { type ConfigProblem, formatProblem, validateConfig } from "../../src/config/validate.js";
import { formatDuration, parseDuration, parseResponseTarget } from "../../src/core/duration.js";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `{ severities: { sev2: { notify: value } } }` from `at("severities.sev2.notify", value)`. */
function at(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isObject(existing) && isObject(value) ? merge(existing, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function get(config: Config, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], config);
}

function yaml(text: string): unknown {
  return load(text);
}

describe("parseDuration", () => {
  it.each([
    ["30m", 30 * MINUTE],
    ["2h", 2 * HOUR],
    ["1h30m", 90 * MINUTE],
    ["1d", DAY],
    ["45s", 45 * SECOND],
    ["90 min", 90 * MINUTE],
    ["2 hours", 2 * HOUR],
    ["1 day", DAY],
    ["1.5h", 90 * MINUTE],
    [".5h", 30 * MINUTE],
    ["1H30M", 90 * MINUTE],
    ["  1h   30m ", 90 * MINUTE],
    ["1 hour 30 minutes", 90 * MINUTE],
    ["1h, 30m", 90 * MINUTE],
    ["1 hour and 30 minutes", 90 * MINUTE],
    ["2 Days", 2 * DAY],
    ["1w", 7 * DAY],
    ["10 secs", 10 * SECOND],
    ["0", 0],
    ["0m", 0],
  ])("%j is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [""],
    ["   "],
    ["30"],
    ["half an hour"],
    ["-5m"],
    ["30m 1h"],
    ["1h1h"],
    ["5 parsecs"],
    ["m"],
    ["1h30"],
    ["1.h"],
  ])("%j is not a duration", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe("parseResponseTarget", () => {
  it.each([
    ["immediate", { kind: "duration", ms: 0 }],
    ["Immediately", { kind: "duration", ms: 0 }],
    [" now ", { kind: "duration", ms: 0 }],
    ["next business day", { kind: "next_business_day" }],
    ["next_business_day", { kind: "next_business_day" }],
    ["Next  Business Day", { kind: "next_business_day" }],
    ["45m", { kind: "duration", ms: 45 * MINUTE }],
    ["2 hours", { kind: "duration", ms: 2 * HOUR }],
    ["tomorrow", null],
    ["next week", null],
    ["", null],
  ])("%j → %j", (text, target) => {
    expect(parseResponseTarget(text)).toEqual(target);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 min"],
    [500, "0 s"],
    [45 * SECOND, "45 s"],
    [59_999, "59 s"],
    [MINUTE, "1 min"],
    [12 * MINUTE + 59 * SECOND, "12 min"],
    [59 * MINUTE + 59 * SECOND, "59 min"],
    [72 * MINUTE, "1 h 12 min"],
    [3 * HOUR, "3 h"],
    [3 * HOUR + 59 * SECOND, "3 h"],
    [52 * HOUR, "2 d 4 h"],
    [DAY, "1 d"],
    [DAY + 59 * MINUTE, "1 d"],
    [-90 * SECOND, "-1 min"],
  ])("%d ms reads %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("defaults", () => {
  it.each([
    ["no file", undefined],
    ["an empty file", null],
    ["an empty mapping", {}],
    ["empty sections", { severities: null, labels: { severity: null }, suspects: null }],
  ])("%s gives the defaults and no problems", (_name, raw) => {
    expect(validateConfig(raw)).toEqual({ config: DEFAULT_CONFIG, problems: [] });
  });

  it("the schema alone accepts no file", () => {
    expect(ConfigSchema.parse(undefined)).toEqual(DEFAULT_CONFIG);
    expect(ConfigSchema.parse(null)).toEqual(DEFAULT_CONFIG);
    expect(ConfigSchema.parse({})).toEqual(DEFAULT_CONFIG);
  });

  it("holds the documented values, parsed for code", () => {
    expect(DEFAULT_CONFIG.severities.sev1).toEqual({
      name: "Critical",
      meaning: "Complete outage, payments down, data loss or a security breach",
      respond_within: { kind: "duration", ms: 0 },
      update_every: 15 * MINUTE,
      notify: [],
      assign: [],
      suspect_window: 48 * HOUR,
    });
    expect(DEFAULT_CONFIG.severities.sev2.respond_within).toEqual({ kind: "duration", ms: 30 * MINUTE });
    expect(DEFAULT_CONFIG.severities.sev3.update_every).toBe(2 * HOUR);
    expect(DEFAULT_CONFIG.severities.sev4.respond_within).toEqual({ kind: "next_business_day" });
    expect(DEFAULT_CONFIG.severities.sev4.update_every).toBe(DAY);
    expect(DEFAULT_CONFIG.labels).toEqual({
      severity: {
        sev1: "incident/sev1",
        sev2: "incident/sev2",
        sev3: "incident/sev3",
        sev4: "incident/sev4",
      },
      status: {
        investigating: "incident/investigating",
        identified: "incident/identified",
        monitoring: "incident/monitoring",
        resolved: "incident/resolved",
      },
    });
    expect(DEFAULT_CONFIG.default_branch).toBeNull();
    expect(DEFAULT_CONFIG.business_day_start).toBe(9 * 60);
    expect(DEFAULT_CONFIG.suspects).toEqual({ max_shown: 10, max_scanned: 100 });
  });

  it("hands out a copy that can be changed without touching DEFAULT_CONFIG", () => {
    const { config } = validateConfig(undefined);
    config.severities.sev1.notify.push("@alice");
    config.suspects.max_shown = 3;
    expect(DEFAULT_CONFIG.severities.sev1.notify).toEqual([]);
    expect(DEFAULT_CONFIG.suspects.max_shown).toBe(10);
    expect(Object.isFrozen(DEFAULT_CONFIG.severities.sev1)).toBe(true);
  });
});

describe("partial overrides merge with the defaults", () => {
  it("one setting of one severity keeps every other default", () => {
    const { config, problems } = validateConfig(
      yaml('severities: { sev2: { notify: ["@acme/payments-oncall"] } }'),
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      severities: {
        ...DEFAULT_CONFIG.severities,
        sev2: { ...DEFAULT_CONFIG.severities.sev2, notify: ["@acme/payments-oncall"] },
      },
    });
  });

  it("reads a full file the way a user writes it", () => {
    const raw = yaml(`
severities:
  sev1:
    respond_within: 5m
    update_every: 10 min
    notify: [alice, "@acme/sre"]
    assign: ["@bob"]
  sev4:
    respond_within: 1 day
labels:
  status:
    resolved: fixed
default_branch: release
business_day_start: "08:30"
suspects:
  max_shown: 5
  max_scanned: 300
`);
    const { config, problems } = validateConfig(raw);
    expect(problems).toEqual([]);
    expect(config.severities.sev1).toMatchObject({
      name: "Critical",
      respond_within: { kind: "duration", ms: 5 * MINUTE },
      update_every: 10 * MINUTE,
      notify: ["@alice", "@acme/sre"],
      assign: ["bob"],
    });
    expect(config.severities.sev4.respond_within).toEqual({ kind: "duration", ms: DAY });
    expect(config.severities.sev2).toEqual(DEFAULT_CONFIG.severities.sev2);
    expect(config.labels.status).toEqual({ ...DEFAULT_CONFIG.labels.status, resolved: "fixed" });
    expect(config.labels.severity).toEqual(DEFAULT_CONFIG.labels.severity);
    expect(config.default_branch).toBe("release");
    expect(config.business_day_start).toBe(8 * 60 + 30);
    expect(config.suspects).toEqual({ max_shown: 5, max_scanned: 300 });
  });

  it.each([
    ["severities.sev1.notify", "alice", ["@alice"]],
    ["severities.sev1.notify", null, []],
    [
      "severities.sev1.notify",
      ["alice", "@Bob", "acme/payments-oncall", "@acme/sre_team"],
      ["@alice", "@Bob", "@acme/payments-oncall", "@acme/sre_team"],
    ],
    ["severities.sev1.notify", ["alice", "@alice", "ALICE"], ["@alice"]],
    ["severities.sev1.assign", ["@alice", "bob-smith", "b0b"], ["alice", "bob-smith", "b0b"]],
    ["severities.sev1.respond_within", "now", { kind: "duration", ms: 0 }],
    ["severities.sev2.respond_within", "next_business_day", { kind: "next_business_day" }],
    ["severities.sev2.respond_within", 0, { kind: "duration", ms: 0 }],
    ["severities.sev3.suspect_window", "3 days", 3 * DAY],
    ["severities.sev3.name", "  Moderate  ", "Moderate"],
    ["labels.severity.sev1", " P1 ", "P1"],
    ["default_branch", "refs/heads/release/2.x", "release/2.x"],
    ["default_branch", null, null],
    ["business_day_start", "8:05", 8 * 60 + 5],
    ["suspects.max_scanned", 1000, 1000],
  ])("%s: %j is read as %j", (path, value, expected) => {
    const { config, problems } = validateConfig(at(path, value));
    expect(problems).toEqual([]);
    expect(get(config, path)).toEqual(expected);
  });
});

describe("a bad value is reported and replaced by its default; its neighbours survive", () => {
  const long = "x".repeat(70);
  it.each([
    // path, bad value, message, neighbour path, neighbour value, neighbour as read
    [
      "severities.sev2.respond_within",
      "half an hour",
      '"half an hour" is not a duration; use 30m',
      "severities.sev2.notify",
      ["@acme/payments-oncall"],
      ["@acme/payments-oncall"],
    ],
    [
      "severities.sev1.respond_within",
      "asap",
      '"asap" is not a duration; use immediate',
      "severities.sev1.update_every",
      "10m",
      10 * MINUTE,
    ],
    [
      "severities.sev4.respond_within",
      true,
      "true is not a duration; use next business day",
      "severities.sev4.name",
      "Trivial",
      "Trivial",
    ],
    [
      "severities.sev2.respond_within",
      30,
      "30 is not a duration; use 30m",
      "severities.sev2.update_every",
      "1h",
      HOUR,
    ],
    [
      "severities.sev3.update_every",
      2,
      "2 is not a duration; use 2m",
      "severities.sev3.respond_within",
      "4h",
      { kind: "duration", ms: 4 * HOUR },
    ],
    [
      "severities.sev1.update_every",
      "30s",
      '"30s" is too short; use at least 1m, e.g. 15m',
      "severities.sev1.assign",
      ["alice"],
      ["alice"],
    ],
    [
      "severities.sev2.suspect_window",
      "forever",
      '"forever" is not a duration; use 48h',
      "severities.sev2.respond_within",
      "1h",
      { kind: "duration", ms: HOUR },
    ],
    [
      "severities.sev2.suspect_window",
      null,
      "is empty; use 48h",
      "severities.sev2.update_every",
      "20m",
      20 * MINUTE,
    ],
    [
      "severities.sev3.suspect_window",
      ["72h"],
      "a list is not a duration; use 72h",
      "severities.sev3.name",
      "Minor",
      "Minor",
    ],
    [
      "severities.sev1.name",
      "",
      'is empty; use "Critical"',
      "severities.sev1.meaning",
      "Everything is down",
      "Everything is down",
    ],
    [
      "severities.sev1.name",
      42,
      '42 is not text; use "Critical"',
      "severities.sev1.meaning",
      "Everything is down",
      "Everything is down",
    ],
    [
      "severities.sev2.name",
      "x".repeat(41),
      `"${"x".repeat(41)}" is 41 characters long; use at most 40, e.g. "High"`,
      "severities.sev2.notify",
      "alice",
      ["@alice"],
    ],
    [
      "severities.sev1.notify",
      5,
      "5 is not a list of GitHub users or teams; use [alice, @org/team]",
      "severities.sev1.assign",
      ["bob"],
      ["bob"],
    ],
    [
      "severities.sev1.notify",
      "@@bob",
      '"@@bob" is not a GitHub user or team; use alice or @org/team',
      "severities.sev1.assign",
      ["bob"],
      ["bob"],
    ],
    ["labels.severity.sev2", "", "is empty; use incident/sev2", "labels.severity.sev3", "p3", "p3"],
    [
      "labels.status.resolved",
      7,
      "7 is not a label name; use incident/resolved",
      "labels.status.monitoring",
      "watching",
      "watching",
    ],
    [
      "labels.status.resolved",
      long,
      `"${long.slice(0, 57)}..." is 70 characters long; GitHub allows at most 50, e.g. incident/resolved`,
      "labels.severity.sev1",
      "p1",
      "p1",
    ],
    [
      "default_branch",
      "my branch",
      '"my branch" is not a branch name; use main',
      "business_day_start",
      "10:00",
      600,
    ],
    [
      "default_branch",
      "feature..x",
      '"feature..x" is not a branch name; use main',
      "business_day_start",
      "10:00",
      600,
    ],
    ["default_branch", "-main", '"-main" is not a branch name; use main', "business_day_start", "10:00", 600],
    [
      "default_branch",
      "release.lock",
      '"release.lock" is not a branch name; use main',
      "business_day_start",
      "10:00",
      600,
    ],
    [
      "default_branch",
      "main\u0007",
      '"main\\u0007" is not a branch name; use main',
      "business_day_start",
      "10:00",
      600,
    ],
    ["default_branch", 5, "5 is not a branch name; use main", "business_day_start", "10:00", 600],
    [
      "default_branch",
      "",
      "is empty; use main, or remove it to use the repository's default branch",
      "business_day_start",
      "10:00",
      600,
    ],
    [
      "business_day_start",
      "9am",
      '"9am" is not a time of day; use "09:00" (24-hour, UTC)',
      "default_branch",
      "main",
      "main",
    ],
    [
      "business_day_start",
      "24:00",
      '"24:00" is not a time of day; use "09:00" (24-hour, UTC)',
      "default_branch",
      "main",
      "main",
    ],
    [
      "business_day_start",
      9,
      '9 is not a time of day; use "09:00" (24-hour, UTC)',
      "default_branch",
      "main",
      "main",
    ],
    [
      "suspects.max_shown",
      0,
      "0 is too small; use a whole number from 1 to 50, e.g. 10",
      "suspects.max_scanned",
      200,
      200,
    ],
    [
      "suspects.max_shown",
      51,
      "51 is too large; use a whole number from 1 to 50, e.g. 10",
      "suspects.max_scanned",
      200,
      200,
    ],
    [
      "suspects.max_shown",
      2.5,
      "2.5 is not a whole number; use a whole number from 1 to 50, e.g. 10",
      "suspects.max_scanned",
      200,
      200,
    ],
    [
      "suspects.max_shown",
      "ten",
      '"ten" is not a number; use a whole number from 1 to 50, e.g. 10',
      "suspects.max_scanned",
      200,
      200,
    ],
    [
      "suspects.max_scanned",
      1001,
      "1001 is too large; use a whole number from 1 to 1000, e.g. 100",
      "suspects.max_shown",
      20,
      20,
    ],
    [
      "severities.sev2",
      "high",
      '"high" is not a mapping; use a mapping like { respond_within: 30m, notify: [alice] }',
      "severities.sev1.notify",
      ["alice"],
      ["@alice"],
    ],
    [
      "severities",
      ["sev1"],
      "a list is not a mapping; use a mapping like { sev2: { respond_within: 30m } }",
      "suspects.max_shown",
      3,
      3,
    ],
    [
      "labels.severity",
      "incident",
      '"incident" is not a mapping; use a mapping like { sev1: incident/sev1 }',
      "labels.status.resolved",
      "done",
      "done",
    ],
    [
      "suspects",
      10,
      "10 is not a mapping; use a mapping like { max_shown: 10 }",
      "default_branch",
      "main",
      "main",
    ],
  ])("%s: %j", (path, bad, message, neighbour, neighbourValue, neighbourRead) => {
    const { config, problems } = validateConfig(merge(at(path, bad), at(neighbour, neighbourValue)));
    expect(problems).toEqual([{ path, message }]);
    expect(get(config, path)).toEqual(get(DEFAULT_CONFIG, path));
    expect(get(config, neighbour)).toEqual(neighbourRead);
  });
});

describe("lists of people: a bad entry is dropped, the good ones are kept", () => {
  const tenUsers = Array.from({ length: 10 }, (_, index) => `user${index}`);
  it.each([
    [
      "severities.sev1.notify",
      ["alice", "@@bob", "@acme/oncall"],
      [["[1]", '"@@bob" is not a GitHub user or team; use alice or @org/team']],
      ["@alice", "@acme/oncall"],
    ],
    [
      "severities.sev1.notify",
      ["bad-", "ok"],
      [["[0]", '"bad-" is not a GitHub user or team; use alice or @org/team']],
      ["@ok"],
    ],
    [
      "severities.sev1.notify",
      ["two--hyphens"],
      [["[0]", '"two--hyphens" is not a GitHub user or team; use alice or @org/team']],
      [],
    ],
    [
      "severities.sev1.notify",
      ["a".repeat(40)],
      [["[0]", `"${"a".repeat(40)}" is not a GitHub user or team; use alice or @org/team`]],
      [],
    ],
    [
      "severities.sev1.notify",
      [5, "ok"],
      [["[0]", "5 is not a GitHub user or team; use alice or @org/team"]],
      ["@ok"],
    ],
    [
      "severities.sev1.notify",
      ["@@a", "ok", "@@b"],
      [
        ["[0]", '"@@a" is not a GitHub user or team; use alice or @org/team'],
        ["[2]", '"@@b" is not a GitHub user or team; use alice or @org/team'],
      ],
      ["@ok"],
    ],
    [
      "severities.sev2.assign",
      ["@acme/oncall", "bob"],
      [["[0]", '"@acme/oncall" is a team; only users can be assigned, e.g. alice (mention teams in notify)']],
      ["bob"],
    ],
    [
      "severities.sev2.assign",
      "acme/oncall",
      [["", '"acme/oncall" is a team; only users can be assigned, e.g. alice (mention teams in notify)']],
      [],
    ],
    [
      "severities.sev2.assign",
      ["al ice", "carol"],
      [["[0]", '"al ice" is not a GitHub user; use alice']],
      ["carol"],
    ],
    [
      "severities.sev2.assign",
      [...tenUsers, "kim"],
      [["[10]", '"kim" is one too many; GitHub assigns at most 10 people to an issue']],
      tenUsers,
    ],
  ])("%s: %j", (path, value, expected, kept) => {
    const { config, problems } = validateConfig(at(path, value));
    expect(problems).toEqual(expected.map(([suffix, message]) => ({ path: `${path}${suffix}`, message })));
    expect(get(config, path)).toEqual(kept);
  });
});

describe("unknown keys are reported, with a suggestion when one is close", () => {
  it.each([
    [
      { severities: { sev2: { respond_in: "1h" } } },
      "severities.sev2.respond_in",
      "unknown key; did you mean respond_within?",
    ],
    [
      { severities: { sev1: { respondWithin: "1h" } } },
      "severities.sev1.respondWithin",
      "unknown key; did you mean respond_within?",
    ],
    [
      { severities: { sev1: { assignees: ["bob"] } } },
      "severities.sev1.assignees",
      "unknown key; did you mean assign?",
    ],
    [
      { severities: { sev3: { colour: "red" } } },
      "severities.sev3.colour",
      "unknown key; valid keys are name, meaning, respond_within, update_every, notify, assign, suspect_window",
    ],
    [
      { severities: { sev5: { name: "Trivial" } } },
      "severities.sev5",
      "unknown key; valid keys are sev1–sev4",
    ],
    [{ severities: { SEV2: {} } }, "severities.SEV2", "unknown key; did you mean sev2?"],
    [{ severities: { critical: {} } }, "severities.critical", "unknown key; did you mean sev1?"],
    [{ labels: { severity: { p3: "P3" } } }, "labels.severity.p3", "unknown key; did you mean sev3?"],
    [{ labels: { statuses: {} } }, "labels.statuses", "unknown key; did you mean status?"],
    [
      { labels: { status: { mitigated: "x" } } },
      "labels.status.mitigated",
      "unknown key; valid keys are investigating, identified, monitoring, resolved",
    ],
    [{ suspects: { max_scaned: 5 } }, "suspects.max_scaned", "unknown key; did you mean max_scanned?"],
    [{ max_shown: 5 }, "max_shown", "unknown key here; did you mean suspects.max_shown?"],
    [{ sev2: {} }, "sev2", "unknown key here; did you mean severities.sev2 or labels.severity.sev2?"],
    [
      { notify: ["alice"] },
      "notify",
      "unknown key here; did you mean severities.sev1.notify (or the same key under another severity)?",
    ],
    [{ severity: {} }, "severity", "unknown key; did you mean severities?"],
    [
      { colour: "red" },
      "colour",
      "unknown key; valid keys are severities, labels, default_branch, business_day_start, suspects, permissions, notices, reminders",
    ],
  ])("%j", (raw, path, message) => {
    const { config, problems } = validateConfig(raw);
    expect(problems).toEqual([{ path, message }]);
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it("keeps the known settings next to an unknown one", () => {
    const { config, problems } = validateConfig({
      severities: { sev2: { respond_in: "1h", respond_within: "45m" } },
    });
    expect(problems.map(formatProblem)).toEqual([
      "severities.sev2.respond_in: unknown key; did you mean respond_within?",
    ]);
    expect(config.severities.sev2.respond_within).toEqual({ kind: "duration", ms: 45 * MINUTE });
  });

  it("ignores _extends, which Probot has already followed", () => {
    expect(validateConfig({ _extends: ".github", suspects: { max_shown: 4 } })).toEqual({
      config: { ...DEFAULT_CONFIG, suspects: { max_shown: 4, max_scanned: 100 } },
      problems: [],
    });
  });
});

describe("labels must be distinct", () => {
  it.each([
    [
      { status: { resolved: "incident/sev1" } },
      [
        [
          "labels.status.resolved",
          '"incident/sev1" is already used by labels.severity.sev1; every label must be distinct',
        ],
      ],
      {},
    ],
    // The changed label is the one at fault, even when it comes first.
    [
      { severity: { sev1: "incident/sev2" } },
      [
        [
          "labels.severity.sev1",
          '"incident/sev2" is already used by labels.severity.sev2; every label must be distinct',
        ],
      ],
      {},
    ],
    // GitHub compares label names ignoring case.
    [
      { status: { monitoring: "Incident/SEV3" } },
      [
        [
          "labels.status.monitoring",
          '"Incident/SEV3" is already used by labels.severity.sev3; every label must be distinct',
        ],
      ],
      {},
    ],
    [
      { severity: { sev1: "p1", sev2: "p1" } },
      [
        [
          "labels.severity.sev2",
          '"p1" is already used by labels.severity.sev1; every label must be distinct',
        ],
      ],
      { "severity.sev1": "p1" },
    ],
    // Swapping two labels is odd but leaves them distinct.
    [
      { severity: { sev1: "incident/resolved" }, status: { resolved: "incident/sev1" } },
      [],
      { "severity.sev1": "incident/resolved", "status.resolved": "incident/sev1" },
    ],
    // A bad label falls back to its default, which then collides with a changed one: both are reported.
    [
      { severity: { sev1: "incident/sev2", sev2: 5 } },
      [
        ["labels.severity.sev2", "5 is not a label name; use incident/sev2"],
        [
          "labels.severity.sev1",
          '"incident/sev2" is already used by labels.severity.sev2; every label must be distinct',
        ],
      ],
      {},
    ],
  ])("%j", (labels, expected, kept) => {
    const { config, problems } = validateConfig({ labels });
    expect(problems).toEqual(expected.map(([path, message]) => ({ path, message })));
    const labelsRead = config.labels as unknown as Record<string, Record<string, string>>;
    const flat = Object.fromEntries(
      Object.entries(labelsRead).flatMap(([group, names]) =>
        Object.entries(names).map(([key, name]) => [`${group}.${key}`, name]),
      ),
    );
    const defaults = Object.fromEntries(
      Object.entries(DEFAULT_CONFIG.labels).flatMap(([group, names]) =>
        Object.entries(names).map(([key, name]) => [`${group}.${key}`, name]),
      ),
    );
    expect(flat).toEqual({ ...defaults, ...kept });
    expect(new Set(Object.values(flat).map((name) => name.toLowerCase())).size).toBe(8);
  });
});

describe("a file that is not a mapping of settings", () => {
  it.each([
    ["a list", "- sev1\n- sev2\n", "a list"],
    ["a string", "severities sev1\n", '"severities sev1"'],
    ["a number", "42\n", "42"],
    ["a boolean", "true\n", "true"],
  ])("%s gives one problem at (file) and full defaults", (_name, text, shown) => {
    expect(validateConfig(yaml(text))).toEqual({
      config: DEFAULT_CONFIG,
      problems: [
        {
          path: "(file)",
          message: `${shown} is not a mapping of settings; start the file with a setting such as "severities:"; using all defaults`,
        },
      ],
    });
  });

  it("a Map is not a mapping of settings either", () => {
    const { config, problems } = validateConfig(new Map([["severities", {}]]));
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(problems.map((problem) => problem.path)).toEqual(["(file)"]);
  });
});

describe("validateConfig never throws", () => {
  it("reports a value that cannot even be read, and uses the defaults", () => {
    const raw = {
      get severities(): unknown {
        throw new Error("boom");
      },
    };
    expect(validateConfig(raw)).toEqual({
      config: DEFAULT_CONFIG,
      problems: [{ path: "(file)", message: "could not be checked (boom); using all defaults" }],
    });
  });

  it("treats odd keys as unknown keys, not as object internals", () => {
    const raw = yaml("__proto__: { polluted: true }\nconstructor: 1\nsuspects: { max_shown: 2 }\n");
    const { config, problems } = validateConfig(raw);
    expect(problems.map((problem) => problem.path).sort()).toEqual(["__proto__", "constructor"]);
    expect(config.suspects.max_shown).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not change the value it is given", () => {
    const raw = {
      severities: { sev1: { notify: ["alice", "@@bob"], respond_in: "1h" } },
      suspects: { max_shown: 0 },
    };
    const before = structuredClone(raw);
    validateConfig(raw);
    expect(raw).toEqual(before);
  });
});

describe("a file with many mistakes", () => {
  it("reports each one and keeps everything that was right", () => {
    const raw = yaml(`
severities:
  sev1:
    respond_within: immediately
    notify: ["@acme/sre", "@@bob"]
    assign: ["@acme/sre", alice]
  sev2:
    respond_within: half an hour
    update_every: 30
    notify: ["@acme/payments-oncall"]
  sev5: {}
labels:
  status:
    resolved: incident/sev1
suspects:
  max_shown: 0
  max_scanned: 500
`);
    const { config, problems } = validateConfig(raw);
    expect(problems.map(formatProblem)).toEqual([
      'severities.sev1.notify[1]: "@@bob" is not a GitHub user or team; use alice or @org/team',
      'severities.sev1.assign[0]: "@acme/sre" is a team; only users can be assigned, e.g. alice (mention teams in notify)',
      'severities.sev2.respond_within: "half an hour" is not a duration; use 30m',
      "severities.sev2.update_every: 30 is not a duration; use 30m",
      "severities.sev5: unknown key; valid keys are sev1–sev4",
      'labels.status.resolved: "incident/sev1" is already used by labels.severity.sev1; every label must be distinct',
      "suspects.max_shown: 0 is too small; use a whole number from 1 to 50, e.g. 10",
    ]);
    expect(config.severities.sev1).toMatchObject({ notify: ["@acme/sre"], assign: ["alice"] });
    expect(config.severities.sev2).toEqual({
      ...DEFAULT_CONFIG.severities.sev2,
      notify: ["@acme/payments-oncall"],
    });
    expect(config.labels).toEqual(DEFAULT_CONFIG.labels);
    expect(config.suspects).toEqual({ max_shown: 10, max_scanned: 500 });
  });

  it("the schema alone rejects the same file, with the same words", () => {
    const result = ConfigSchema.safeParse({ severities: { sev2: { respond_within: "half an hour" } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      '"half an hour" is not a duration; use 30m',
    ]);
  });
});

describe("formatProblem", () => {
  it("puts the path before the message", () => {
    const problem: ConfigProblem = { path: "suspects.max_shown", message: "0 is too small" };
    expect(formatProblem(problem)).toBe("suspects.max_shown: 0 is too small");
  });
});
