// A checkpoint of the replay, carried in the tracker comment, so an operation on a long incident
// reads only the records since it instead of the whole timeline (design.md: a command costs ≤ 4
// requests, whatever the incident's length).
//
// It covers only a *settled* prefix of the records: everything before the first command comment
// firebreak has not answered yet (another replica may be answering it right now), before an open
// rollback pull request (its merge is still to come), and before the last few minutes (a record
// GitHub has not shown yet). Everything after it is read again every time, so two replicas
// racing, a lost update or a redelivered webhook cannot make it wrong: it only ever moves forward
// over records that no longer change. Records it covers are frozen as they were first answered:
// editing a comment afterwards no longer changes what the incident's record says it did.
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseCommands } from "./commands.js";
import type { LabelNames } from "./labels.js";
import { SEVERITY_KEYS, type SeverityKey, STATUSES, type TimelineItem } from "./model.js";
import { rollbackIssueOf } from "./revert.js";
import {
  type IncidentHistory,
  REPLY_MARKER_PREFIX,
  type ReplayOptions,
  type ReplayState,
  replayUntil,
  type TimelineEntry,
} from "./timeline.js";
import { TRACKER_MARKER } from "./tracker.js";

export interface ReplayCheckpoint {
  /** The records before this moment are in `state`; those from it on must be read. */
  until: Date;
  state: ReplayState;
  /** The hidden markers of firebreak's checklists and notices before `until`: posted once, never again. */
  markers: string[];
}

/** Records this close to the newest one are never covered: GitHub may not show all of them yet. */
export const SETTLE_MS = 2 * 60_000;
/** A command comment still unanswered this long after later records never will be (firebreak answers in seconds). */
export const ABANDONED_MS = 60 * 60_000;

/** What a checkpoint keeps of each list: what the tracker shows, and a little more. */
const KEEP = { entries: 30, actionItems: 20, updates: 3, severityChanges: 5, markers: 50 };

const PREFIX = "<!-- firebreak:replay ";

/**
 * The checkpoint after `items` (the records from `from.until` on, or all of them): it moves up to
 * the first record that may still change, never back.
 */
export function advanceCheckpoint(
  items: readonly TimelineItem[],
  names: LabelNames,
  options: Omit<ReplayOptions, "pending">,
  from: ReplayCheckpoint | null,
): ReplayCheckpoint | null {
  const cutoff = settledUntil(items);
  if (!cutoff) return from;
  if (from && cutoff.getTime() <= from.until.getTime()) return from;
  const state = foldOlder(replayUntil(items, names, options, cutoff, from?.state ?? null));
  const own = items.flatMap((item) =>
    item.type === "comment" && item.byApp && item.createdAt.getTime() < cutoff.getTime()
      ? [markerOf(item.body)]
      : [],
  );
  const markers = [...new Set([...(from?.markers ?? []), ...own.filter((m): m is string => m !== null)])];
  return { until: cutoff, state, markers: markers.slice(-KEEP.markers) };
}

/** The first moment whose records may still change; null when there are no records. */
export function settledUntil(items: readonly TimelineItem[]): Date | null {
  if (items.length === 0) return null;
  const newest = Math.max(...items.map((item) => item.createdAt.getTime()));
  let until = newest - SETTLE_MS;
  for (const item of items) {
    const at = item.createdAt.getTime();
    if (at < until && unsettled(item, newest)) until = at;
  }
  return new Date(until);
}

function unsettled(item: TimelineItem, newest: number): boolean {
  if (item.type === "comment") {
    return (
      !item.byApp &&
      !item.byBot &&
      item.appReaction === null &&
      newest - item.createdAt.getTime() < ABANDONED_MS &&
      parseCommands(item.body).length > 0
    );
  }
  if (item.type === "cross-referenced") {
    const { source } = item;
    return source.open === true && source.branch !== null && rollbackIssueOf(source.branch) !== null;
  }
  return false;
}

/** A firebreak comment's marker, if it is one the planner looks for (not the tracker, not a reply). */
function markerOf(body: string): string | null {
  const first = body.split("\n", 1)[0] ?? "";
  if (!first.startsWith("<!-- firebreak:") || !first.endsWith("-->")) return null;
  if (first.startsWith(TRACKER_MARKER) || first.startsWith(REPLY_MARKER_PREFIX)) return null;
  return first;
}

/** Older entries of the long lists are counted, not kept: the tracker shows the newest anyway. */
function foldOlder(state: ReplayState): ReplayState {
  const h = state.h;
  const keepLast = <T>(list: T[], n: number) => list.slice(Math.max(0, list.length - n));
  const entries = keepLast(h.entries, KEEP.entries);
  const updates = keepLast(h.updates, KEEP.updates);
  const severityChanges = keepLast(h.severityChanges, KEEP.severityChanges);
  // The tracker lists the first action items, so those are the ones kept.
  const actionItems = h.actionItems.slice(0, KEEP.actionItems);
  return {
    ...state,
    h: {
      ...h,
      entries,
      updates,
      severityChanges,
      actionItems,
      omitted: {
        entries: h.omitted.entries + h.entries.length - entries.length,
        updates: h.omitted.updates + h.updates.length - updates.length,
        severityChanges: h.omitted.severityChanges + h.severityChanges.length - severityChanges.length,
        actionItems: h.omitted.actionItems + h.actionItems.length - actionItems.length,
      },
    },
  };
}

/**
 * The checkpoint is only good for the labels and the app it was made with: a renamed label or
 * another app reads the records differently.
 */
export function checkpointKey(names: LabelNames, appLogin: string): string {
  return createHash("sha256")
    .update(JSON.stringify([names, appLogin.toLowerCase()]))
    .digest("hex")
    .slice(0, 12);
}

export function encodeCheckpoint(checkpoint: ReplayCheckpoint, key: string): string {
  const { h } = checkpoint.state;
  const json = {
    v: 1,
    key,
    until: checkpoint.until.toISOString(),
    markers: checkpoint.markers,
    labels: [...checkpoint.state.labels],
    credit: [...checkpoint.state.credit],
    swappedTo: checkpoint.state.swappedTo,
    h: {
      ...h,
      dropped: h.dropped
        ? { from: h.dropped.from, at: h.dropped.at, entry: h.entries.indexOf(h.dropped.entry) }
        : null,
    },
  };
  return `${PREFIX}${Buffer.from(JSON.stringify(json)).toString("base64")} -->`;
}

/** The checkpoint a tracker body carries, if it is intact and made with this key; null otherwise. */
export function decodeCheckpoint(trackerBody: string, key: string): ReplayCheckpoint | null {
  const start = trackerBody.lastIndexOf(PREFIX);
  if (start === -1) return null;
  const end = trackerBody.indexOf(" -->", start);
  if (end === -1) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(trackerBody.slice(start + PREFIX.length, end), "base64").toString());
  } catch {
    return null;
  }
  const parsed = CheckpointJson.safeParse(raw);
  if (!parsed.success || parsed.data.key !== key) return null;
  const { h, ...rest } = parsed.data;
  const entries = h.entries as TimelineEntry[];
  const history: IncidentHistory = {
    ...h,
    entries,
    dropped: h.dropped
      ? {
          from: h.dropped.from,
          at: h.dropped.at,
          // An entry folded away can no longer be taken back out of the list: a stand-in does no harm.
          entry: entries[h.dropped.entry] ?? { at: h.dropped.at, kind: "no-longer-incident", text: "" },
        }
      : null,
  };
  return {
    until: rest.until,
    markers: rest.markers,
    state: {
      h: history,
      labels: new Set(rest.labels),
      credit: new Map(rest.credit),
      swappedTo: rest.swappedTo,
    },
  };
}

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const severity = z.enum(SEVERITY_KEYS) as z.ZodType<SeverityKey>;
const login = z.string().nullable();

const CheckpointJson = z.object({
  v: z.literal(1),
  key: z.string(),
  until: date,
  markers: z.array(z.string()),
  labels: z.array(z.string()),
  credit: z.array(z.tuple([z.string(), z.object({ actor: login, note: z.string() })])),
  swappedTo: severity.nullable(),
  h: z.object({
    declaredAt: date.nullable(),
    dropped: z.object({ from: severity, at: date, entry: z.number().int() }).nullable(),
    severity: severity.nullable(),
    status: z.enum(STATUSES).nullable(),
    entries: z.array(z.object({ at: date, kind: z.string(), text: z.string(), actor: login.optional() })),
    severityChanges: z.array(z.object({ at: date, from: severity, to: severity })),
    correction: z.object({ removed: z.array(z.string()), kept: severity }).nullable(),
    roles: z.object({ ic: login, lead: login, comms: login, scribe: login }),
    startedAt: date.nullable(),
    impact: z.string().nullable(),
    cause: z.string().nullable(),
    updates: z.array(z.object({ at: date, by: login, text: z.string() })),
    actionItems: z.array(
      z.object({
        text: z.string(),
        owner: login,
        due: z.string().nullable(),
        by: login,
        at: date,
        commentId: z.number(),
        line: z.number(),
      }),
    ),
    rollbacks: z.array(
      z.object({
        number: z.number(),
        title: z.string(),
        url: z.string(),
        openedAt: date,
        mergedAt: date.nullable(),
      }),
    ),
    acknowledgedAt: date.nullable(),
    identifiedAt: date.nullable(),
    mitigatedAt: date.nullable(),
    resolvedAt: date.nullable(),
    closedAt: date.nullable(),
    omitted: z.object({
      entries: z.number(),
      actionItems: z.number(),
      updates: z.number(),
      severityChanges: z.number(),
    }),
  }),
});
