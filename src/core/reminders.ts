// Reminders the companion Action posts on a schedule: an incident nobody has taken on by its
// response deadline, a status update overdue, a resolved incident still without a post-mortem.
// Pure: the decision depends on the incident's records, the time and the configuration, and what
// was already said is read back from the reminders' own hidden markers, so each deadline is
// reminded once however often the sweep runs.
import type { Config } from "../config/schema.js";
import { formatDuration } from "./duration.js";
import { type LabelNames, severitiesIn, severityTag, statusIn } from "./labels.js";
import type { SeverityKey, Status } from "./model.js";
import { formatUtc, responseDeadline } from "./time.js";
import type { IncidentHistory } from "./timeline.js";
import { describeResponseTarget } from "./tracker.js";

export const REMINDER_KINDS = ["response", "update", "postmortem"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** The first line of every reminder: `<!-- firebreak:reminder response=2026-11-22T14:32:05Z -->`. */
export const REMINDER_MARKER_PREFIX = "<!-- firebreak:reminder ";

/** A reminder already posted: which deadline it was for. */
export interface PostedReminder {
  kind: ReminderKind;
  due: Date;
}

/** What the decision needs to know of one incident. */
export interface ReminderState {
  number: number;
  severity: SeverityKey;
  status: Status;
  open: boolean;
  /** Closed as "not planned": not an incident after all, so no post-mortem is expected. */
  closedNotPlanned: boolean;
  declaredAt: Date;
  /** When the current severity took effect: the response deadline counts from here, as in the tracker. */
  severitySince: Date;
  incidentCommander: string | null;
  /** The first change of status after the declaration; null while it is still the first status. */
  statusChangedAt: Date | null;
  lastUpdateAt: Date | null;
  /** Resolved (`/status resolved`), or else closed; null while neither. */
  resolvedAt: Date | null;
  /** A post-mortem pull request exists (open or merged). */
  hasPostmortem: boolean;
  reminded: readonly PostedReminder[];
}

export type Reminder =
  | { kind: "response"; due: Date; mention: string[] }
  | { kind: "update"; due: Date; lastUpdateAt: Date | null; mention: string[] }
  | { kind: "postmortem"; due: Date; resolvedAt: Date; mention: string[] };

/**
 * The reminders due now, at most one of each kind: each is due once its deadline has passed
 * (strictly: at the deadline itself it is not late yet) and no reminder names that deadline.
 */
export function dueReminders(state: ReminderState, now: Date, config: Config): Reminder[] {
  const settings = config.reminders;
  const severity = config.severities[state.severity];
  const ic = state.incidentCommander ? [`@${state.incidentCommander}`] : null;
  const active = state.open && state.status !== "resolved";
  const due: Reminder[] = [];
  const late = (kind: ReminderKind, deadline: Date) =>
    now.getTime() > deadline.getTime() && !alreadyReminded(state.reminded, kind, deadline);

  if (settings.response && active && !state.incidentCommander && !state.statusChangedAt) {
    const deadline = responseDeadline(
      state.severitySince,
      severity.respond_within,
      config.business_day_start,
    );
    if (late("response", deadline))
      due.push({ kind: "response", due: deadline, mention: [...severity.notify] });
  }
  // Updates are owed once someone has taken the incident on; before that, the response reminder speaks.
  if (settings.updates && active && (state.incidentCommander || state.statusChangedAt)) {
    const since = state.lastUpdateAt ?? state.declaredAt;
    const deadline = new Date(since.getTime() + severity.update_every);
    if (late("update", deadline)) {
      due.push({
        kind: "update",
        due: deadline,
        lastUpdateAt: state.lastUpdateAt,
        mention: ic ?? [...severity.notify],
      });
    }
  }
  const finished = !state.open || state.status === "resolved";
  if (
    finished &&
    state.resolvedAt &&
    !state.closedNotPlanned &&
    !state.hasPostmortem &&
    settings.postmortem_severities.includes(state.severity)
  ) {
    const deadline = new Date(state.resolvedAt.getTime() + settings.postmortem_after);
    if (late("postmortem", deadline)) {
      due.push({
        kind: "postmortem",
        due: deadline,
        resolvedAt: state.resolvedAt,
        mention: ic ?? [...severity.notify],
      });
    }
  }
  return due;
}

function alreadyReminded(reminded: readonly PostedReminder[], kind: ReminderKind, due: Date): boolean {
  const key = isoSeconds(due);
  return reminded.some((r) => r.kind === kind && isoSeconds(r.due) === key);
}

/** `2026-11-22T14:32:05Z`: GitHub's timestamps have whole seconds, and so do the markers. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The incident as the decision sees it, from its labels and its replayed records; null when it has no severity. */
export function reminderStateOf(
  input: {
    number: number;
    labels: readonly string[];
    open: boolean;
    closedNotPlanned: boolean;
    createdAt: Date;
    closedAt: Date | null;
    history: IncidentHistory;
    hasPostmortem: boolean;
    reminded: readonly PostedReminder[];
  },
  names: LabelNames,
): ReminderState | null {
  const { history } = input;
  const severity = severitiesIn(input.labels, names)[0] ?? null;
  if (!severity) return null;
  const declaredAt = history.declaredAt ?? input.createdAt;
  // The first status entry is the one the incident was declared with; any later one is a change.
  const statusChange = history.entries.filter((entry) => entry.kind === "status")[1] ?? null;
  return {
    number: input.number,
    severity,
    status: statusIn(input.labels, names) ?? history.status ?? (input.open ? "investigating" : "resolved"),
    open: input.open,
    closedNotPlanned: input.closedNotPlanned,
    declaredAt,
    severitySince: history.severityChanges.at(-1)?.at ?? declaredAt,
    incidentCommander: history.roles.ic,
    statusChangedAt: statusChange?.at ?? null,
    lastUpdateAt: history.updates.at(-1)?.at ?? null,
    resolvedAt: history.resolvedAt ?? history.closedAt ?? input.closedAt,
    hasPostmortem: input.hasPostmortem,
    reminded: input.reminded,
  };
}

// ---------------------------------------------------------------------------------------------
// The marker

/** The hidden first line of a reminder comment, naming each deadline it reminds of. */
export function reminderMarker(reminders: ReadonlyArray<{ kind: ReminderKind; due: Date }>): string {
  return `${REMINDER_MARKER_PREFIX}${reminders.map((r) => `${r.kind}=${isoSeconds(r.due)}`).join(" ")} -->`;
}

/** The deadlines a comment reminded of, from its first line; empty for any other comment. */
export function parseReminderMarker(body: string | null | undefined): PostedReminder[] {
  const first = (body ?? "").split("\n", 1)[0] ?? "";
  if (!first.startsWith(REMINDER_MARKER_PREFIX) || !first.trimEnd().endsWith("-->")) return [];
  const posted: PostedReminder[] = [];
  for (const match of first.matchAll(/\b(response|update|postmortem)=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/g)) {
    const due = new Date(match[2] as string);
    if (!Number.isNaN(due.getTime())) posted.push({ kind: match[1] as ReminderKind, due });
  }
  return posted;
}

// ---------------------------------------------------------------------------------------------
// The comment's view, for templates/reminder.md.hbs

export interface ReminderView {
  marker: string;
  incident: { number: number };
  severity: { tag: string; name: string };
  response: { within: string; due: string; notify: string | null; setting: string } | null;
  update: { every: string; due: string; last: string | null; since: string; to: string | null } | null;
  postmortem: { resolved: string; after: string; to: string | null } | null;
}

export function buildReminderView(
  incident: { number: number; severity: SeverityKey; declaredAt: Date },
  reminders: readonly Reminder[],
  config: Config,
): ReminderView {
  const severity = config.severities[incident.severity];
  const mentions = (list: readonly string[]) => (list.length > 0 ? list.join(" ") : null);
  const view: ReminderView = {
    marker: reminderMarker(reminders),
    incident: { number: incident.number },
    severity: { tag: severityTag(incident.severity), name: severity.name },
    response: null,
    update: null,
    postmortem: null,
  };
  for (const reminder of reminders) {
    switch (reminder.kind) {
      case "response":
        view.response = {
          within: describeResponseTarget(severity.respond_within),
          due: formatUtc(reminder.due),
          notify: mentions(reminder.mention),
          setting: `severities.${incident.severity}.notify`,
        };
        break;
      case "update":
        view.update = {
          every: formatDuration(severity.update_every),
          due: formatUtc(reminder.due),
          last: reminder.lastUpdateAt ? formatUtc(reminder.lastUpdateAt) : null,
          since: formatUtc(incident.declaredAt),
          to: mentions(reminder.mention),
        };
        break;
      case "postmortem":
        view.postmortem = {
          resolved: formatUtc(reminder.resolvedAt),
          after: formatDuration(config.reminders.postmortem_after),
          to: mentions(reminder.mention),
        };
        break;
    }
  }
  return view;
}
