// The reminders' decision: which reminders are due for an incident at a given time, around every
// deadline (just before, at, just after), and what stops each one (already reminded, a commander,
// a status change, a post-mortem, the configuration).
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { validateConfig } from "../../src/config/validate.js";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import {
  buildReminderView,
  dueReminders,
  parseReminderMarker,
  type ReminderState,
  reminderMarker,
  reminderStateOf,
} from "../../src/core/reminders.js";
import { replayTimeline } from "../../src/core/timeline.js";
import { createRenderer } from "../../src/render/templates.js";

const t = (iso: string) => new Date(iso);
const ms = (iso: string, delta: number) => new Date(t(iso).getTime() + delta);

function configWith(raw: unknown): Config {
  const { config, problems } = validateConfig(raw);
  expect(problems).toEqual([]);
  return config;
}

// SEV2: respond within 30 min, an update every hour here (so the two deadlines differ), paging two.
const CONFIG = configWith({
  severities: {
    sev1: { notify: ["@acme/oncall"] },
    sev2: { notify: ["@acme/payments", "carol"], update_every: "1h" },
  },
});

/** SEV2 declared at 14:00 UTC, nobody on it yet. */
function incident(overrides: Partial<ReminderState> = {}): ReminderState {
  return {
    number: 42,
    severity: "sev2",
    status: "investigating",
    open: true,
    closedNotPlanned: false,
    declaredAt: t("2026-11-22T14:00:00Z"),
    severitySince: t("2026-11-22T14:00:00Z"),
    incidentCommander: null,
    statusChangedAt: null,
    lastUpdateAt: null,
    resolvedAt: null,
    hasPostmortem: false,
    reminded: [],
    ...overrides,
  };
}

const RESPONSE_DUE = "2026-11-22T14:30:00Z";
const UPDATE_DUE = "2026-11-22T15:00:00Z";
/** Resolved at 15:00, so the post-mortem is due 48 h later. */
const RESOLVED = t("2026-11-22T15:00:00Z");
const POSTMORTEM_DUE = "2026-11-24T15:00:00Z";
const resolved = (overrides: Partial<ReminderState> = {}) =>
  incident({
    status: "resolved",
    incidentCommander: "bob",
    statusChangedAt: t("2026-11-22T14:10:00Z"),
    resolvedAt: RESOLVED,
    ...overrides,
  });

type Row = [name: string, state: ReminderState, now: Date, expected: Array<[string, string, string[]]>];
const due = (state: ReminderState, now: Date, config = CONFIG) =>
  dueReminders(state, now, config).map((r) => [r.kind, r.due.toISOString().replace(".000", ""), r.mention]);

describe("the response reminder", () => {
  const rows: Row[] = [
    ["1 ms before the deadline", incident(), ms(RESPONSE_DUE, -1), []],
    ["at the deadline (not late yet)", incident(), t(RESPONSE_DUE), []],
    [
      "1 ms after the deadline: pages the notify list",
      incident(),
      ms(RESPONSE_DUE, 1),
      [["response", RESPONSE_DUE, ["@acme/payments", "@carol"]]],
    ],
    [
      "already reminded of this deadline",
      incident({ reminded: [{ kind: "response", due: t(RESPONSE_DUE) }] }),
      ms(RESPONSE_DUE, 60_000),
      [],
    ],
    [
      "an update reminder for the same time does not count",
      incident({ reminded: [{ kind: "update", due: t(RESPONSE_DUE) }] }),
      ms(RESPONSE_DUE, 1),
      [["response", RESPONSE_DUE, ["@acme/payments", "@carol"]]],
    ],
    ["an incident commander is set", incident({ incidentCommander: "bob" }), ms(RESPONSE_DUE, 1), []],
    [
      "the status has changed",
      incident({ statusChangedAt: t("2026-11-22T14:29:00Z"), status: "identified" }),
      ms(RESPONSE_DUE, 1),
      [],
    ],
    [
      "the incident is closed",
      incident({ open: false, resolvedAt: t("2026-11-22T14:20:00Z") }),
      ms(RESPONSE_DUE, 1),
      [],
    ],
    [
      "escalated to SEV1 (respond immediately): the deadline is the escalation, paging SEV1's list",
      incident({ severity: "sev1", severitySince: t("2026-11-22T14:20:00Z") }),
      ms("2026-11-22T14:20:00Z", 1),
      [["response", "2026-11-22T14:20:00Z", ["@acme/oncall"]]],
    ],
    [
      "escalated after a reminder of the old deadline: the new deadline is reminded",
      incident({
        severity: "sev1",
        severitySince: t("2026-11-22T14:40:00Z"),
        reminded: [{ kind: "response", due: t(RESPONSE_DUE) }],
      }),
      ms("2026-11-22T14:40:00Z", 1),
      [["response", "2026-11-22T14:40:00Z", ["@acme/oncall"]]],
    ],
    [
      "SEV4 declared on a Friday afternoon: due Monday at the start of the business day",
      incident({
        severity: "sev4",
        declaredAt: t("2026-11-20T16:00:00Z"),
        severitySince: t("2026-11-20T16:00:00Z"),
      }),
      ms("2026-11-23T09:00:00Z", 1),
      [["response", "2026-11-23T09:00:00Z", []]],
    ],
    [
      "SEV4 on the Sunday before: not yet",
      incident({
        severity: "sev4",
        declaredAt: t("2026-11-20T16:00:00Z"),
        severitySince: t("2026-11-20T16:00:00Z"),
      }),
      t("2026-11-22T23:00:00Z"),
      [],
    ],
  ];
  it.each(rows)("%s", (_name, state, now, expected) => {
    expect(due(state, now).filter(([kind]) => kind === "response")).toEqual(expected);
  });

  it("is not sent when the configuration turns it off", () => {
    const off = configWith({ reminders: { response: false } });
    expect(due(incident(), ms(RESPONSE_DUE, 1), off)).toEqual([]);
    expect(due(incident(), ms(RESPONSE_DUE, 1)).map(([kind]) => kind)).toEqual(["response"]);
  });
});

describe("the update nudge", () => {
  const onIt = (overrides: Partial<ReminderState> = {}) =>
    incident({ incidentCommander: "bob", ...overrides });
  const rows: Row[] = [
    ["1 ms before a cadence after the declaration", onIt(), ms(UPDATE_DUE, -1), []],
    ["a cadence after the declaration", onIt(), t(UPDATE_DUE), []],
    ["1 ms after: nudges the commander", onIt(), ms(UPDATE_DUE, 1), [["update", UPDATE_DUE, ["@bob"]]]],
    [
      "nobody has taken it on: the response reminder speaks, no update is asked for",
      incident(),
      ms(UPDATE_DUE, 1),
      [["response", RESPONSE_DUE, ["@acme/payments", "@carol"]]],
    ],
    [
      "the status changed but no commander: nudges the notify list",
      incident({ status: "identified", statusChangedAt: t("2026-11-22T14:10:00Z") }),
      ms(UPDATE_DUE, 1),
      [["update", UPDATE_DUE, ["@acme/payments", "@carol"]]],
    ],
    [
      "already nudged for this deadline",
      onIt({ reminded: [{ kind: "update", due: t(UPDATE_DUE) }] }),
      ms(UPDATE_DUE, 3_600_000),
      [],
    ],
    [
      "an update at 14:40 moves the deadline to 15:40: not at 15:00",
      onIt({ lastUpdateAt: t("2026-11-22T14:40:00Z") }),
      ms(UPDATE_DUE, 1),
      [],
    ],
    [
      "an update at 14:40, at 15:40 exactly",
      onIt({ lastUpdateAt: t("2026-11-22T14:40:00Z") }),
      t("2026-11-22T15:40:00Z"),
      [],
    ],
    [
      "an update at 14:40, just after 15:40, though the 15:00 deadline was nudged before",
      onIt({ lastUpdateAt: t("2026-11-22T14:40:00Z"), reminded: [{ kind: "update", due: t(UPDATE_DUE) }] }),
      ms("2026-11-22T15:40:00Z", 1),
      [["update", "2026-11-22T15:40:00Z", ["@bob"]]],
    ],
    [
      "while monitoring, updates are still due",
      onIt({ status: "monitoring", statusChangedAt: t("2026-11-22T14:30:00Z") }),
      ms(UPDATE_DUE, 1),
      [["update", UPDATE_DUE, ["@bob"]]],
    ],
    ["resolved: no more updates", onIt({ status: "resolved", resolvedAt: RESOLVED }), ms(UPDATE_DUE, 1), []],
    ["closed: no more updates", onIt({ open: false }), ms(UPDATE_DUE, 1), []],
    [
      "SEV1 (every 15 min by default), after an escalation at 14:20 with the last update at 14:50",
      onIt({
        severity: "sev1",
        severitySince: t("2026-11-22T14:20:00Z"),
        lastUpdateAt: t("2026-11-22T14:50:00Z"),
      }),
      ms("2026-11-22T15:05:00Z", 1),
      [["update", "2026-11-22T15:05:00Z", ["@bob"]]],
    ],
  ];
  it.each(rows)("%s", (_name, state, now, expected) => {
    expect(due(state, now)).toEqual(expected);
  });

  it("is not sent when the configuration turns it off", () => {
    const off = configWith({ reminders: { updates: false } });
    expect(due(onIt(), ms(UPDATE_DUE, 1), off)).toEqual([]);
  });
});

describe("the post-mortem nudge", () => {
  const rows: Row[] = [
    ["1 ms before 48 h after the resolution", resolved(), ms(POSTMORTEM_DUE, -1), []],
    ["48 h after the resolution", resolved(), t(POSTMORTEM_DUE), []],
    [
      "1 ms after: nudges the commander",
      resolved(),
      ms(POSTMORTEM_DUE, 1),
      [["postmortem", POSTMORTEM_DUE, ["@bob"]]],
    ],
    [
      "closed and resolved, no commander: the notify list",
      resolved({ open: false, incidentCommander: null }),
      ms(POSTMORTEM_DUE, 1),
      [["postmortem", POSTMORTEM_DUE, ["@acme/payments", "@carol"]]],
    ],
    [
      "closed without /status resolved: 48 h after the close",
      incident({ open: false, incidentCommander: "bob", resolvedAt: t("2026-11-22T16:00:00Z") }),
      ms("2026-11-24T16:00:00Z", 1),
      [["postmortem", "2026-11-24T16:00:00Z", ["@bob"]]],
    ],
    ["a post-mortem pull request exists", resolved({ hasPostmortem: true }), ms(POSTMORTEM_DUE, 1), []],
    [
      "already nudged",
      resolved({ reminded: [{ kind: "postmortem", due: t(POSTMORTEM_DUE) }] }),
      ms(POSTMORTEM_DUE, 1),
      [],
    ],
    ["closed as not planned", resolved({ open: false, closedNotPlanned: true }), ms(POSTMORTEM_DUE, 1), []],
    ["SEV3: no post-mortem expected by default", resolved({ severity: "sev3" }), ms(POSTMORTEM_DUE, 1), []],
    [
      "reopened and investigating again: not resolved now",
      resolved({ status: "investigating" }),
      ms(POSTMORTEM_DUE, 1),
      [["update", UPDATE_DUE, ["@bob"]]],
    ],
  ];
  it.each(rows)("%s", (_name, state, now, expected) => {
    expect(due(state, now)).toEqual(expected);
  });

  it("follows the configured delay and severities", () => {
    const config = configWith({ reminders: { postmortem_after: "24h", postmortem_severities: ["sev3"] } });
    const sev3 = resolved({ severity: "sev3" });
    expect(due(sev3, ms("2026-11-23T15:00:00Z", 0), config)).toEqual([]);
    expect(due(sev3, ms("2026-11-23T15:00:00Z", 1), config)).toEqual([
      ["postmortem", "2026-11-23T15:00:00Z", ["@bob"]],
    ]);
    expect(due(resolved(), ms(POSTMORTEM_DUE, 1), config)).toEqual([]);
    const none = configWith({ reminders: { postmortem_severities: [] } });
    expect(due(resolved(), ms(POSTMORTEM_DUE, 1), none)).toEqual([]);
  });
});

describe("the reminders section of .github/incident.yml", () => {
  it("defaults to every reminder, post-mortems 48 h after SEV1 and SEV2", () => {
    expect(configWith(undefined).reminders).toEqual({
      response: true,
      updates: true,
      postmortem_after: 48 * 3_600_000,
      postmortem_severities: ["sev1", "sev2"],
    });
  });

  it("names the field and keeps the defaults for bad values", () => {
    const { config, problems } = validateConfig({
      reminders: {
        response: "yes",
        postmortem_after: "two days",
        postmortem_severities: ["sev2", "p9"],
        remind_every: "1h",
      },
    });
    expect(problems).toEqual([
      { path: "reminders.response", message: '"yes" is not true or false; use true' },
      { path: "reminders.postmortem_after", message: '"two days" is not a duration; use 48h' },
      {
        path: "reminders.postmortem_severities[1]",
        message: '"p9" is not a severity; use one of sev1, sev2, sev3, sev4',
      },
      {
        path: "reminders.remind_every",
        message: "unknown key; valid keys are response, updates, postmortem_after, postmortem_severities",
      },
    ]);
    expect(config.reminders).toEqual({
      response: true,
      updates: true,
      postmortem_after: 48 * 3_600_000,
      postmortem_severities: ["sev2"],
    });
  });
});

describe("reminder markers", () => {
  it("round-trips the deadlines on the comment's first line", () => {
    const marker = reminderMarker([
      { kind: "response", due: t("2026-11-22T14:30:00Z") },
      { kind: "update", due: new Date("2026-11-22T15:00:00.400Z") },
    ]);
    expect(marker).toBe(
      "<!-- firebreak:reminder response=2026-11-22T14:30:00Z update=2026-11-22T15:00:00Z -->",
    );
    expect(parseReminderMarker(`${marker}\n### ⏰ text`)).toEqual([
      { kind: "response", due: t("2026-11-22T14:30:00Z") },
      { kind: "update", due: t("2026-11-22T15:00:00Z") },
    ]);
  });

  it.each([
    [
      "a marker further down (quoted by someone)",
      `hello\n${reminderMarker([{ kind: "response", due: RESOLVED }])}`,
    ],
    ["another firebreak comment", "<!-- firebreak:tracker -->\nresponse=2026-11-22T14:30:00Z"],
    ["an unfinished marker", "<!-- firebreak:reminder response=2026-11-22T14:30:00Z"],
    ["nothing", ""],
  ])("reads nothing from %s", (_name, body) => {
    expect(parseReminderMarker(body)).toEqual([]);
  });

  it("a posted reminder stops its own deadline from being reminded again", () => {
    const first = dueReminders(incident(), ms(UPDATE_DUE, 1), CONFIG);
    const posted = parseReminderMarker(reminderMarker(first));
    expect(dueReminders(incident({ reminded: posted }), ms(UPDATE_DUE, 600_000), CONFIG)).toEqual([]);
  });
});

describe("the state of an incident, from its records", () => {
  const at = (hhmm: string) => t(`2026-11-22T${hhmm}:00Z`);
  const command = (id: number, by: string, hhmm: string, body: string): TimelineItem => ({
    type: "comment",
    id,
    nodeId: `IC_${id}`,
    author: by,
    byApp: false,
    appReaction: "THUMBS_UP",
    createdAt: at(hhmm),
    body,
  });
  const label = (name: string, hhmm: string, actor = "firebreak"): TimelineItem => ({
    type: "labeled",
    label: name,
    actor,
    createdAt: at(hhmm),
  });
  const stateOf = (
    items: TimelineItem[],
    labels: string[],
    extra: { open?: boolean; closedAt?: Date | null } = {},
  ) =>
    reminderStateOf(
      {
        number: 42,
        labels,
        open: extra.open ?? true,
        closedNotPlanned: false,
        createdAt: at("13:59"),
        closedAt: extra.closedAt ?? null,
        history: replayTimeline(items, names, { appLogin: "firebreak", reporter: "alice" }),
        hasPostmortem: false,
        reminded: [],
      },
      names,
    );

  it("reads the commander, the first status change, the last update and the escalation", () => {
    const state = stateOf(
      [
        label("incident/sev3", "14:00", "alice"),
        label("incident/investigating", "14:00"),
        command(1, "bob", "14:05", "/role ic me"),
        command(2, "bob", "14:10", "/update looking at the pool"),
        label("incident/sev2", "14:12", "carol"),
        label("incident/identified", "14:20"),
        command(3, "bob", "14:40", "/update revert deploying"),
        command(4, "eve", "14:45", "/update not applied"),
      ].map((item) =>
        item.type === "comment" && item.id === 4 ? { ...item, appReaction: "CONFUSED" as const } : item,
      ),
      ["incident/sev2", "incident/sev3", "incident/identified"],
    );
    expect(state).toMatchObject({
      severity: "sev2",
      status: "identified",
      declaredAt: at("14:00"),
      severitySince: at("14:12"),
      incidentCommander: "bob",
      statusChangedAt: at("14:20"),
      lastUpdateAt: at("14:40"),
      resolvedAt: null,
    });
  });

  it("a fresh incident: only the first status, nobody on it", () => {
    const state = stateOf(
      [label("incident/sev2", "14:00", "alice"), label("incident/investigating", "14:00")],
      ["incident/sev2", "incident/investigating"],
    );
    expect(state).toMatchObject({ incidentCommander: null, statusChangedAt: null, lastUpdateAt: null });
    expect(dueReminders(state as ReminderState, ms(RESPONSE_DUE, 1), CONFIG).map((r) => r.kind)).toEqual([
      "response",
    ]);
  });

  it("resolution from the status, or else from the close; none without a severity label", () => {
    const items = [label("incident/sev2", "14:00", "alice"), label("incident/resolved", "15:00")];
    expect(stateOf(items, ["incident/sev2", "incident/resolved"])?.resolvedAt).toEqual(at("15:00"));
    expect(
      stateOf([label("incident/sev2", "14:00", "alice")], ["incident/sev2"], {
        open: false,
        closedAt: at("16:00"),
      })?.resolvedAt,
    ).toEqual(at("16:00"));
    expect(stateOf(items, ["bug"])).toBeNull();
  });
});

describe("the reminder comment", () => {
  const render = (state: ReminderState, now: Date) => {
    const reminders = dueReminders(state, now, CONFIG);
    const view = buildReminderView(
      { number: state.number, severity: state.severity, declaredAt: state.declaredAt },
      reminders,
      CONFIG,
    );
    return createRenderer().render("reminder", view);
  };

  it("starts with the marker, names the deadline and pages the notify list", () => {
    const body = render(incident(), ms(RESPONSE_DUE, 1));
    const lines = body.split("\n");
    expect(lines[0]).toBe("<!-- firebreak:reminder response=2026-11-22T14:30:00Z -->");
    expect(body).toContain("### ⏰ No one has taken this SEV2 High incident on");
    expect(body).toContain("It was to be answered within 30 min, by **2026-11-22 14:30 UTC**");
    expect(body).toContain("@acme/payments @carol: please respond.");
    expect(body).not.toContain("update is overdue");
    // Nothing in it reads as a command.
    expect(lines.filter((line) => line.startsWith("/"))).toEqual([]);
  });

  it("asks for an update: since the declaration, or since the last one", () => {
    const changed = { status: "identified" as const, statusChangedAt: t("2026-11-22T14:10:00Z") };
    const none = render(incident(changed), ms(UPDATE_DUE, 1));
    expect(none.split("\n")[0]).toBe("<!-- firebreak:reminder update=2026-11-22T15:00:00Z -->");
    expect(none).toContain(
      "SEV2 incidents get an update every 1 h; there has been none since the declaration at 2026-11-22 14:00 UTC, so one was due by **2026-11-22 15:00 UTC**. @acme/payments @carol, please post one.",
    );
    const since = render(
      incident({ ...changed, incidentCommander: "bob", lastUpdateAt: t("2026-11-22T14:40:00Z") }),
      ms("2026-11-22T15:40:00Z", 1),
    );
    expect(since).toContain(
      "the last was at 2026-11-22 14:40 UTC, so one was due by **2026-11-22 15:40 UTC**. @bob, please post one.",
    );
    expect(since).not.toContain("No one has taken");
  });

  it("nudges the commander about the post-mortem", () => {
    const body = render(resolved(), ms(POSTMORTEM_DUE, 1));
    expect(body.split("\n")[0]).toBe("<!-- firebreak:reminder postmortem=2026-11-24T15:00:00Z -->");
    expect(body).toContain(
      "This SEV2 incident was resolved at 2026-11-22 15:00 UTC, more than 2 d ago, and no post-mortem pull request has been opened. @bob, please start the review",
    );
    expect(body).not.toContain("No one has taken");
  });

  it("says who to configure when nobody is paged", () => {
    const body = render(
      incident({ severity: "sev3", severitySince: t("2026-11-22T14:00:00Z") }),
      t("2026-11-22T16:00:01Z"),
    );
    expect(body).toContain(
      "Nobody is listed to be paged for SEV3 (`severities.sev3.notify` in `.github/incident.yml`).",
    );
  });
});
