// The tracker comment's view: a projection of the incident, rebuilt from GitHub's records each time.
import { createHash } from "node:crypto";
import { ROLE_NAMES, ROLES } from "./commands.js";
import { formatDuration } from "./duration.js";
import { severityTag } from "./labels.js";
import { cellText, GITHUB_BODY_LIMIT, inlineText, quietLogin } from "./markdown.js";
import { responseMetrics } from "./metrics.js";
import type { Deployment, ResponseTarget, SeverityKey, Status } from "./model.js";
import type { IncidentText, Suspect } from "./suspects.js";
import { formatUtc, responseDeadline } from "./time.js";
import type { IncidentHistory } from "./timeline.js";

export const TRACKER_MARKER = "<!-- firebreak:tracker -->";

/** What firebreak knows of a severity level, from the configuration. */
export interface SeverityInfo {
  key: SeverityKey;
  name: string;
  meaning: string;
  respondWithin: ResponseTarget;
  notify: string[];
}

/** The suspects section as shown; kept in the tracker so re-renders need not read history again. */
export interface SuspectsView {
  /** Identifies the inputs this view was ranked from (see `suspectsKey`). */
  key: string;
  rows: Array<{ rank: number; change: string; author: string; landed: string; reason: string }>;
  more: number;
  notScanned: number;
  scanned: number;
  branch: string;
  window: string;
  deployments: string[];
}

export interface SuspectsInput {
  ranked: Suspect[];
  maxShown: number;
  /** Changes in the window, including any not read (beyond the scan limit). */
  inWindow: number;
  scanned: number;
  branch: string;
  since: Date;
  until: Date;
  deployments: Deployment[];
}

export interface TrackerInput {
  severity: SeverityInfo;
  status: Status;
  /** The severity label is gone: the tracker stays, marked as no longer an incident. */
  noLongerIncident: boolean;
  declaredAt: Date;
  /** When the current severity took effect: the response target counts from here. */
  respondFrom: Date;
  businessDayStartMinutes: number;
  /** What the records say: timeline entries, roles, start, impact, cause, updates, action items. */
  history: IncidentHistory;
  /** How often a status update is due while the incident is open. */
  updateEveryMs: number;
  now: Date;
  suspects: SuspectsView;
  /** Lines shown at the top: configuration and template problems. */
  warnings: string[];
  /** Lines shown at the top: what firebreak corrected and why. */
  notices: string[];
  /** Once resolved: the resolution notice and customer email drafts, rendered (see core/notice.ts). */
  resolution?: { notice: string; email: string } | null;
  /** The replay checkpoint, encoded (core/checkpoint.ts): kept at the very end, outside any template. */
  checkpoint?: string | null;
}

/** How many timeline entries the tracker shows before folding older ones into a count. */
export const TRACKER_TIMELINE_ENTRIES = 15;
const MAX_WARNINGS = 20;
const MAX_ACTION_ITEMS = 10;

export interface TrackerView {
  marker: string;
  warnings: string[];
  notices: string[];
  noLongerIncident: boolean;
  severity: { tag: string; name: string; meaning: string };
  status: string;
  respond: { within: string; by: string };
  declaredAt: string;
  notify: string | null;
  roles: Array<{ name: string; who: string | null }>;
  started: string | null;
  impact: string | null;
  cause: string | null;
  nextUpdate: { due: string; overdue: boolean } | null;
  metrics: Array<{ name: string; value: string }>;
  actionItems: { items: Array<{ text: string; owner: string | null; due: string | null }>; more: number };
  timeline: { entries: Array<{ at: string; text: string }>; earlier: number };
  suspects: SuspectsView;
  /** The customer communication drafts, offered once the incident is resolved. */
  resolution: { notice: string; email: string } | null;
  /** Hidden line carrying the suspects view for the next re-render. */
  suspectsCache: string;
}

export function describeResponseTarget(target: ResponseTarget): string {
  if (target.kind === "next_business_day") return "on the next business day";
  if (target.ms === 0) return "immediately";
  return `within ${formatDuration(target.ms)}`;
}

export function respondBy(declaredAt: Date, target: ResponseTarget, businessDayStartMinutes: number): string {
  return formatUtc(responseDeadline(declaredAt, target, businessDayStartMinutes));
}

export function buildTrackerView(
  input: TrackerInput,
  limits = { entries: TRACKER_TIMELINE_ENTRIES },
): TrackerView {
  const { severity, history } = input;
  const entries = history.entries;
  const shown = limits.entries > 0 ? entries.slice(-limits.entries) : [];
  const warnings = input.warnings.slice(0, MAX_WARNINGS);
  if (input.warnings.length > MAX_WARNINGS)
    warnings.push(`… and ${input.warnings.length - MAX_WARNINGS} more problems`);
  return {
    marker: TRACKER_MARKER,
    warnings,
    notices: input.notices,
    noLongerIncident: input.noLongerIncident,
    severity: {
      tag: severityTag(severity.key),
      name: cellText(severity.name, 40),
      meaning: cellText(severity.meaning, 300),
    },
    status: input.status,
    respond: {
      within: describeResponseTarget(severity.respondWithin),
      by: respondBy(input.respondFrom, severity.respondWithin, input.businessDayStartMinutes),
    },
    declaredAt: formatUtc(input.declaredAt),
    notify: severity.notify.length > 0 ? severity.notify.join(" ") : null,
    roles: ROLES.map((role) => ({
      name: ROLE_NAMES[role],
      who: history.roles[role] ? quietLogin(history.roles[role]) : null,
    })),
    started: history.startedAt ? formatUtc(history.startedAt) : null,
    impact: history.impact ? cellText(history.impact, 500) : null,
    cause: history.cause ? cellText(history.cause, 500) : null,
    nextUpdate: nextUpdate(input),
    metrics: responseMetrics({
      startedAt: history.startedAt,
      declaredAt: input.declaredAt,
      acknowledgedAt: history.acknowledgedAt,
      identifiedAt: history.identifiedAt,
      mitigatedAt: history.mitigatedAt,
      resolvedAt: history.resolvedAt,
    }).flatMap((metric) =>
      metric.ms === null ? [] : [{ name: metric.name, value: formatDuration(metric.ms) }],
    ),
    actionItems: {
      items: history.actionItems.slice(0, MAX_ACTION_ITEMS).map((item) => ({
        text: inlineText(item.text, 200),
        owner: item.owner ? quietLogin(item.owner) : null,
        due: item.due,
      })),
      more: Math.max(0, history.actionItems.length - MAX_ACTION_ITEMS) + history.omitted.actionItems,
    },
    timeline: {
      entries: shown.map((entry) => ({ at: formatUtc(entry.at), text: entry.text })),
      earlier: entries.length - shown.length + history.omitted.entries,
    },
    suspects: input.suspects,
    resolution: input.resolution && !input.noLongerIncident ? input.resolution : null,
    suspectsCache: encodeSuspects(input.suspects),
  };
}

/** While the incident is open, an update is due one cadence after the last one (or the declaration). */
function nextUpdate(input: TrackerInput): TrackerView["nextUpdate"] {
  if (input.status === "resolved" || input.noLongerIncident) return null;
  const last = input.history.updates.at(-1)?.at ?? input.declaredAt;
  const due = new Date(last.getTime() + input.updateEveryMs);
  return { due: formatUtc(due), overdue: due.getTime() < input.now.getTime() };
}

/**
 * The suspects ranked for an incident depend only on these inputs; the key lets a re-render reuse
 * the view it finds in the tracker instead of reading the branch's history again.
 */
export function suspectsKey(parts: {
  reference: Date;
  windowMs: number;
  branch: string;
  maxShown: number;
  maxScanned: number;
  text: IncidentText;
}): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export function buildSuspectsView(key: string, input: SuspectsInput): SuspectsView {
  const top = input.ranked.slice(0, input.maxShown);
  return {
    key,
    rows: top.map((suspect, i) => ({
      rank: i + 1,
      change: changeLink(suspect),
      author: quietLogin(suspect.change.pullRequest?.author ?? suspect.change.author),
      landed: `${formatDuration(suspect.ageMs)} before`,
      reason: cellText(suspect.reason, 160),
    })),
    more: input.ranked.length - top.length,
    notScanned: Math.max(0, input.inWindow - input.scanned),
    scanned: input.scanned,
    branch: inlineText(input.branch, 100),
    window: `${formatUtc(input.since)} and ${formatUtc(input.until)}`,
    deployments: input.deployments
      .filter((d) => d.createdAt <= input.until)
      .slice(0, 3)
      .map(
        (d) =>
          `\`${inlineText(d.environment, 40)}\` ${d.state ?? "no status"} at ${formatUtc(d.createdAt)} (\`${d.sha.slice(0, 7)}\`)`,
      ),
  };
}

function changeLink(suspect: Suspect): string {
  const { change } = suspect;
  if (change.pullRequest) {
    return `[#${change.pullRequest.number}](${change.pullRequest.url}) ${cellText(change.pullRequest.title, 100)}`;
  }
  return `[\`${change.sha.slice(0, 7)}\`](${change.url}) ${cellText(change.headline, 100)}`;
}

const CACHE_PREFIX = "<!-- firebreak:suspects ";

function encodeSuspects(view: SuspectsView): string {
  return `${CACHE_PREFIX}${Buffer.from(JSON.stringify(view)).toString("base64")} -->`;
}

/**
 * The suspects view a tracker body carries, if it is intact (and, given a key, was ranked from the
 * same inputs: without one, whatever the tracker shows now).
 */
export function cachedSuspects(trackerBody: string, key?: string): SuspectsView | null {
  const start = trackerBody.indexOf(CACHE_PREFIX);
  if (start === -1) return null;
  const end = trackerBody.indexOf(" -->", start);
  try {
    const view = JSON.parse(
      Buffer.from(trackerBody.slice(start + CACHE_PREFIX.length, end), "base64").toString(),
    );
    return view &&
      typeof view === "object" &&
      (key === undefined || view.key === key) &&
      Array.isArray(view.rows)
      ? (view as SuspectsView)
      : null;
  } catch {
    return null;
  }
}

/**
 * Renders the tracker within GitHub's body limit: when a body is too long, the timeline shows
 * fewer entries (the rest folded into "… N earlier events") until it fits.
 */
export function renderTrackerWithinLimit(
  input: TrackerInput,
  render: (view: TrackerView) => string,
  limit = GITHUB_BODY_LIMIT,
): string {
  const trailer = input.checkpoint ? `\n\n${input.checkpoint}` : "";
  const room = limit - trailer.length;
  let entries = TRACKER_TIMELINE_ENTRIES;
  let body = render(buildTrackerView(input, { entries }));
  while (body.length > room && entries > 0) {
    entries = Math.floor(entries / 2);
    body = render(buildTrackerView(input, { entries }));
  }
  if (body.length <= room) return body + trailer;
  // Only an override template can get here: cut visibly rather than fail to post.
  const note = "\n\n… (cut to fit GitHub's comment size limit)";
  return body.slice(0, room - note.length) + note + trailer;
}
