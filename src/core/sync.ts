// Deciding what to write so the issue matches the incident it is: labels, tracker, checklist,
// escalation notice. Pure: the handler reads GitHub, calls this, and performs the plan.
import { type LabelNames, severitiesIn, severityOfLabel, severityTag, statusIn } from "./labels.js";
import type { SeverityKey, Status, TimelineItem } from "./model.js";
import { type IncidentHistory, replayTimeline } from "./timeline.js";
import { TRACKER_MARKER } from "./tracker.js";

export const CHECKLIST_RESPOND_MARKER = "<!-- firebreak:checklist:respond -->";

export function escalationMarker(key: string): string {
  return `<!-- firebreak:escalation:${key} -->`;
}

export interface SyncInput {
  /** The labels as the webhook reports them, after the event. */
  labels: string[];
  /** Severity answered in the incident form, for an issue opened from it without a severity label. */
  formSeverity: SeverityKey | null;
  /** Did this event add a severity label? Only then can it be an escalation worth announcing. */
  severityLabelAdded: boolean;
  timeline: TimelineItem[];
  names: LabelNames;
  /** Who to assign when an incident is first declared. */
  assignOnDeclare: (severity: SeverityKey) => string[];
  /** firebreak's own login as GraphQL reports actors (no `[bot]` suffix). */
  appLogin: string;
  /** Who opened the issue. */
  reporter: string | null;
  now: Date;
}

export interface SyncPlan {
  severity: SeverityKey;
  status: Status;
  noLongerIncident: boolean;
  addLabels: string[];
  removeLabels: string[];
  assign: string[];
  /** The existing tracker comment to update; null to create one. */
  trackerId: number | null;
  /** Its body as it stands, so an unchanged tracker is not written again. */
  trackerBody: string | null;
  postChecklist: boolean;
  escalation: { severity: SeverityKey; marker: string } | null;
  declaredAt: Date;
  /** The history as it will stand once the plan's label writes are made. */
  history: IncidentHistory;
  notices: string[];
}

/** Null when the issue is not, and never was, an incident: nothing to write. */
export function planSync(input: SyncInput): SyncPlan | null {
  const { names } = input;
  const replayOptions = { appLogin: input.appLogin, reporter: input.reporter };
  const own = input.timeline.filter((item) => item.type === "comment" && item.byApp) as Array<
    Extract<TimelineItem, { type: "comment" }>
  >;
  const tracker = own.find((comment) => comment.body.includes(TRACKER_MARKER)) ?? null;
  const present = severitiesIn(input.labels, names);
  const severity = present[0] ?? input.formSeverity;

  if (!severity) {
    // The severity label is gone. Without a tracker there is nothing to mark.
    if (!tracker) return null;
    const history = replayTimeline(input.timeline, names, replayOptions);
    return {
      severity: lastKnownSeverity(input.timeline, names) ?? "sev4",
      status: statusIn(input.labels, names) ?? "investigating",
      noLongerIncident: true,
      addLabels: [],
      removeLabels: [],
      assign: [],
      trackerId: tracker.id,
      trackerBody: tracker.body,
      postChecklist: false,
      escalation: null,
      declaredAt: history.declaredAt ?? input.now,
      history,
      notices: [],
    };
  }

  const addLabels: string[] = [];
  if (present.length === 0) addLabels.push(names.severity[severity]);
  const status = statusIn(input.labels, names) ?? "investigating";
  if (!statusIn(input.labels, names)) addLabels.push(names.status[status]);
  const removeLabels = present.slice(1).map((key) => names.severity[key]);

  // Our own label writes, as the timeline will record them, so the tracker shows them already.
  const planned: TimelineItem[] = [
    ...addLabels.map((label) => ({
      type: "labeled" as const,
      label,
      actor: input.appLogin,
      createdAt: input.now,
    })),
    ...removeLabels.map((label) => ({
      type: "unlabeled" as const,
      label,
      actor: input.appLogin,
      createdAt: input.now,
    })),
  ];
  const history = replayTimeline([...input.timeline, ...planned], names, replayOptions);

  const lastChange = history.severityChanges.at(-1);
  let escalation: SyncPlan["escalation"] = null;
  if (
    input.severityLabelAdded &&
    lastChange &&
    lastChange.to === severity &&
    lastChange.to < lastChange.from
  ) {
    const marker = escalationMarker(`${severity}:${lastChange.at.toISOString()}`);
    if (!own.some((comment) => comment.body.includes(marker))) escalation = { severity, marker };
  }

  return {
    severity,
    status,
    noLongerIncident: false,
    addLabels,
    removeLabels,
    assign: tracker ? [] : input.assignOnDeclare(severity),
    trackerId: tracker?.id ?? null,
    trackerBody: tracker?.body ?? null,
    postChecklist: !own.some((comment) => comment.body.includes(CHECKLIST_RESPOND_MARKER)),
    escalation,
    declaredAt: history.declaredAt ?? input.now,
    history,
    notices: history.correction ? [correctionNotice(history.correction, names)] : [],
  };
}

function lastKnownSeverity(timeline: TimelineItem[], names: LabelNames): SeverityKey | null {
  const added = timeline.filter((item) => item.type === "labeled" && severityOfLabel(item.label, names));
  const last = added.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).at(-1);
  return last?.type === "labeled" ? severityOfLabel(last.label, names) : null;
}

function correctionNotice(correction: { removed: string[]; kept: SeverityKey }, names: LabelNames): string {
  const removed = correction.removed.map((label) => `\`${label}\``).join(", ");
  const kept = names.severity[correction.kept];
  return (
    `An incident has one severity: next to \`${kept}\`, firebreak removed ${removed} and kept the most severe, ` +
    `${severityTag(correction.kept)}. To lower the severity, remove \`${kept}\` first, then add the lower one.`
  );
}
