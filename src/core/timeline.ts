// The incident's history, replayed from GitHub's records: label, assignment, close and reference
// events, and the commands in comments that firebreak applied. Pure: same records, same answer.
import { type Command, parseCommands, ROLE_NAMES, type Role } from "./commands.js";
import { parseDuration } from "./duration.js";
import { type LabelNames, severitiesIn, severityOfLabel, severityTag, statusOfLabel } from "./labels.js";
import { inlineText, quietLogin } from "./markdown.js";
import type { SeverityKey, Status, TimelineItem } from "./model.js";
import { rollbackIssueOf } from "./revert.js";
import { formatUtc, parseStartedAt } from "./time.js";

export type TimelineKind =
  | "declared"
  | "severity"
  | "no-longer-incident"
  | "status"
  | "assigned"
  | "unassigned"
  | "closed"
  | "reopened"
  | "reference"
  | "renamed"
  | "role"
  | "update"
  | "notice"
  | "note"
  | "started"
  | "impact"
  | "cause"
  | "action-item"
  | "rollback";

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** Markdown, already safe to post: user text neutralised, logins do not ping. */
  text: string;
  /** Who did it; null when GitHub does not say. */
  actor?: string | null;
}

export interface ActionItem {
  text: string;
  owner: string | null;
  due: string | null;
  by: string | null;
  at: Date;
  /** Where it was written: the comment and its line, which identify it across runs. */
  commentId: number;
  line: number;
}

/** A revert pull request firebreak opened for the incident (`/rollback`), as its branch names it. */
export interface Rollback {
  number: number;
  title: string;
  url: string;
  openedAt: Date;
  mergedAt: Date | null;
}

export interface IncidentHistory {
  /** When a severity label first appeared; null if the records hold none yet. */
  declaredAt: Date | null;
  /** The severity label just taken off, and its entry: a new one put on soon after is a change, not a new incident. */
  dropped: { from: SeverityKey; at: Date; entry: TimelineEntry } | null;
  /** The severity the last label events leave (most severe of those present). */
  severity: SeverityKey | null;
  status: Status | null;
  entries: TimelineEntry[];
  /** Every change of the effective severity after the declaration, oldest first. */
  severityChanges: Array<{ at: Date; from: SeverityKey; to: SeverityKey }>;
  /**
   * firebreak removed less severe labels that stood next to the severity, and no severity label
   * has changed since: the tracker explains it until the next change.
   */
  correction: { removed: string[]; kept: SeverityKey } | null;
  roles: Record<Role, string | null>;
  startedAt: Date | null;
  impact: string | null;
  cause: string | null;
  updates: Array<{ at: Date; by: string | null; text: string }>;
  actionItems: ActionItem[];
  rollbacks: Rollback[];
  acknowledgedAt: Date | null;
  identifiedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** Older records a checkpoint folded away, by list: they happened, but are no longer listed. */
  omitted: { entries: number; actionItems: number; updates: number; severityChanges: number };
}

export interface ReplayOptions {
  /** firebreak's login as GraphQL names actors; its own label writes read differently. */
  appLogin?: string;
  /** The issue's author: an incident declared from the form is declared by them. */
  reporter?: string | null;
  /**
   * The comment being answered right now: the lines firebreak is applying from it, which its
   * reaction and reply do not record yet.
   */
  pending?: { commentId: number; lines: ReadonlySet<number> };
  /** The incident form's "When it started" answer, read relative to the declaration; `/started` overrides it. */
  formStarted?: string | null;
}

export const REPLY_MARKER_PREFIX = "<!-- firebreak:reply:";

/** Taking one severity label off and putting another on within this long is one change of severity. */
const RELABEL_WINDOW_MS = 5 * 60_000;

/** The hidden line in a reply that records which command lines of a comment were applied. */
export function replyMarker(commentId: number, appliedLines: Iterable<number>): string {
  return `${REPLY_MARKER_PREFIX}${commentId} applied:${[...appliedLines].join(",")} -->`;
}

/**
 * Which command lines of a person's comment firebreak applied, as its own records say: a 👍
 * means all of them; a 😕 means those its reply lists; no reaction means none (not answered yet).
 */
export function appliedLines(
  comment: Extract<TimelineItem, { type: "comment" }>,
  replies: ReadonlyMap<number, ReadonlySet<number>>,
): ReadonlySet<number> {
  if (comment.byApp || comment.appReaction === null) return new Set();
  if (comment.appReaction === "THUMBS_UP") return new Set(parseCommands(comment.body).map((p) => p.line));
  return replies.get(comment.id) ?? new Set();
}

function readReplies(items: readonly TimelineItem[]): Map<number, Set<number>> {
  const replies = new Map<number, Set<number>>();
  for (const item of items) {
    if (item.type !== "comment" || !item.byApp) continue;
    const match = /^<!-- firebreak:reply:(\d+) applied:([\d,]*) -->/.exec(item.body);
    if (match)
      replies.set(Number(match[1]), new Set((match[2] ?? "").split(",").filter(Boolean).map(Number)));
  }
  return replies;
}

/** The replay's working state: the history so far and what it carries from one record to the next. */
export interface ReplayState {
  h: IncidentHistory;
  /** The labels the issue has, as the records so far leave them. */
  labels: Set<string>;
  /** A label firebreak changes because someone asked (a command) is credited to them, with their note. */
  credit: Map<string, { actor: string | null; note: string }>;
  /** A severity a command set: firebreak adds the new label, then removes the old one, as one change. */
  swappedTo: SeverityKey | null;
}

export function emptyHistory(): IncidentHistory {
  return {
    declaredAt: null,
    dropped: null,
    severity: null,
    status: null,
    entries: [],
    severityChanges: [],
    correction: null,
    roles: { ic: null, lead: null, comms: null, scribe: null },
    startedAt: null,
    impact: null,
    cause: null,
    updates: [],
    actionItems: [],
    rollbacks: [],
    acknowledgedAt: null,
    identifiedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    omitted: { entries: 0, actionItems: 0, updates: 0, severityChanges: 0 },
  };
}

/**
 * Replays the records into what happened to the incident. `from` is the state a checkpoint
 * carried up to some moment; `items` are then only the records from that moment on.
 */
export function replayTimeline(
  items: readonly TimelineItem[],
  names: LabelNames,
  options: ReplayOptions = {},
  from: ReplayState | null = null,
): IncidentHistory {
  const state = replayInto(from ? copyState(from) : freshState(), items, names, options);
  return finish(state.h, options);
}

/**
 * The state after the records before `cutoff`, ready to carry on from: what a checkpoint keeps.
 * Firebreak's replies anywhere in `items` still say which lines of an earlier comment it applied.
 */
export function replayUntil(
  items: readonly TimelineItem[],
  names: LabelNames,
  options: Omit<ReplayOptions, "pending">,
  cutoff: Date,
  from: ReplayState | null = null,
): ReplayState {
  const before = items.filter((item) => item.createdAt.getTime() < cutoff.getTime());
  return replayInto(from ? copyState(from) : freshState(), before, names, options, readReplies(items));
}

function freshState(): ReplayState {
  return { h: emptyHistory(), labels: new Set(), credit: new Map(), swappedTo: null };
}

function copyState(state: ReplayState): ReplayState {
  const h = state.h;
  const entries = [...h.entries];
  return {
    h: {
      ...h,
      entries,
      // The dropped entry is one of the entries: the copy must point at the copy's.
      dropped: h.dropped
        ? { ...h.dropped, entry: entries[h.entries.indexOf(h.dropped.entry)] ?? h.dropped.entry }
        : null,
      severityChanges: [...h.severityChanges],
      correction: h.correction ? { ...h.correction, removed: [...h.correction.removed] } : null,
      roles: { ...h.roles },
      updates: [...h.updates],
      actionItems: [...h.actionItems],
      rollbacks: h.rollbacks.map((r) => ({ ...r })),
      omitted: { ...h.omitted },
    },
    labels: new Set(state.labels),
    credit: new Map(state.credit),
    swappedTo: state.swappedTo,
  };
}

/** What the records leave once read to the end: the form's start time, and entries in time order. */
function finish(state: IncidentHistory, options: ReplayOptions): IncidentHistory {
  const h = { ...state, entries: [...state.entries] };
  if (!h.startedAt && options.formStarted && h.declaredAt) {
    const startedAt = parseStartedAt(options.formStarted, h.declaredAt, parseDuration);
    if (startedAt) {
      h.startedAt = startedAt;
      h.entries.push({
        at: h.declaredAt,
        kind: "started",
        text: `Started at ${formatUtc(startedAt)}, says the incident form`,
        actor: null,
      });
    }
  }
  // A merge is recorded when it happened, which may be after later records.
  h.entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  return h;
}

function replayInto(
  state: ReplayState,
  items: readonly TimelineItem[],
  names: LabelNames,
  options: ReplayOptions,
  replies: ReadonlyMap<number, ReadonlySet<number>> = readReplies(items),
): ReplayState {
  const ordered = [...items].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const { h, labels, credit } = state;
  const add = (at: Date, kind: TimelineKind, text: string, actor: string | null = null) =>
    h.entries.push({ at, kind, text, actor });
  const acknowledge = (at: Date) => {
    h.acknowledgedAt ??= at;
  };

  for (const item of ordered) {
    const actor = "actor" in item ? item.actor : null;
    const by = ` by ${quietLogin(actor)}`;
    switch (item.type) {
      case "labeled":
      case "unlabeled": {
        if (item.type === "labeled") labels.add(item.label);
        else labels.delete(item.label);
        const bySelf = actor !== null && actor === options.appLogin;
        const asked = bySelf && item.type === "labeled" ? credit.get(item.label) : undefined;
        if (asked) credit.delete(item.label);
        const who = asked ? asked.actor : actor;
        const byWho = ` by ${quietLogin(who)}`;
        const note = asked?.note ? `: ${inlineText(asked.note, 300)}` : "";
        const fromForm = bySelf && !asked;
        const labelSeverity = severityOfLabel(item.label, names);
        if (labelSeverity && !bySelf) state.swappedTo = null;
        if (labelSeverity && asked) state.swappedTo = labelSeverity;
        const forced = labelSeverity && asked ? labelSeverity : null;
        const partOfSwap =
          bySelf && item.type === "unlabeled" && labelSeverity !== null && state.swappedTo !== null;
        if (!partOfSwap) {
          replaySeverity(h, names, labels, item, {
            bySelf,
            fromForm,
            forced,
            byWho,
            note,
            reporter: options.reporter ?? null,
            add,
          });
        }
        const labelStatus = statusOfLabel(item.label, names);
        if (labelStatus && item.type === "labeled" && labelStatus !== h.status) {
          if (h.status !== null) acknowledge(item.createdAt);
          h.status = labelStatus;
          if (labelStatus === "identified") h.identifiedAt ??= item.createdAt;
          if (labelStatus === "monitoring") h.mitigatedAt ??= item.createdAt;
          if (labelStatus === "resolved") h.resolvedAt ??= item.createdAt;
          add(item.createdAt, "status", `Status **${labelStatus}**${byWho}${note}`, who);
        }
        break;
      }
      case "assigned":
        add(item.createdAt, "assigned", `${quietLogin(item.assignee)} assigned${by}`, actor);
        break;
      case "unassigned":
        add(item.createdAt, "unassigned", `${quietLogin(item.assignee)} unassigned${by}`, actor);
        break;
      case "closed":
        h.closedAt ??= item.createdAt;
        add(item.createdAt, "closed", `Issue closed${by}`, actor);
        break;
      case "reopened":
        add(item.createdAt, "reopened", `Issue reopened${by}`, actor);
        break;
      case "cross-referenced": {
        const { source } = item;
        const link = `[#${source.number}](${source.url}) ${inlineText(source.title, 120)}`;
        if (source.kind === "pull_request" && source.branch && rollbackIssueOf(source.branch) !== null) {
          h.rollbacks.push({
            number: source.number,
            title: source.title,
            url: source.url,
            openedAt: item.createdAt,
            mergedAt: source.mergedAt,
          });
          add(item.createdAt, "rollback", `Rollback pull request ${link} opened${by}`, actor);
          if (source.mergedAt) add(source.mergedAt, "rollback", `Rollback ${link} merged`);
          break;
        }
        const what = source.kind === "pull_request" ? "pull request" : "issue";
        add(item.createdAt, "reference", `Referenced from ${what} ${link}${by}`, actor);
        if (source.mergedAt) add(source.mergedAt, "reference", `Pull request ${link} merged`);
        break;
      }
      case "renamed":
        add(item.createdAt, "renamed", `Retitled to “${inlineText(item.to, 120)}”${by}`, actor);
        break;
      case "comment": {
        const applied =
          options.pending?.commentId === item.id ? options.pending.lines : appliedLines(item, replies);
        if (applied.size === 0) break;
        for (const parsed of parseCommands(item.body)) {
          if (!parsed.ok || !applied.has(parsed.line)) continue;
          if (item.author && item.author !== options.reporter) acknowledge(item.createdAt);
          replayCommand(h, names, parsed.command, { item, line: parsed.line, credit, add, acknowledge });
        }
        break;
      }
    }
  }
  return state;
}

function replaySeverity(
  h: IncidentHistory,
  names: LabelNames,
  labels: ReadonlySet<string>,
  item: Extract<TimelineItem, { type: "labeled" | "unlabeled" }>,
  ctx: {
    bySelf: boolean;
    /** firebreak labelled it on its own: only the incident form makes it declare. */
    fromForm: boolean;
    /** The severity a command asked for, whatever other severity labels stand for a moment. */
    forced: SeverityKey | null;
    byWho: string;
    note: string;
    reporter: string | null;
    add: (at: Date, kind: TimelineKind, text: string, actor?: string | null) => void;
  },
): void {
  const now = ctx.forced ?? severitiesIn([...labels], names)[0] ?? null;
  const correcting = ctx.bySelf && item.type === "unlabeled";
  if (severityOfLabel(item.label, names) && !correcting) h.correction = null;
  if (now !== h.severity) {
    if (now && !h.severity && !h.declaredAt) {
      h.declaredAt = item.createdAt;
      const declarer =
        ctx.fromForm && ctx.reporter ? ` by ${quietLogin(ctx.reporter)} with the incident form` : ctx.byWho;
      ctx.add(item.createdAt, "declared", `Declared ${severityTag(now)}${declarer}${ctx.note}`);
    } else if (
      now &&
      !h.severity &&
      h.dropped &&
      item.createdAt.getTime() - h.dropped.at.getTime() <= RELABEL_WINDOW_MS
    ) {
      // The old severity label taken off, the new one put on moments later: one change of severity.
      const { from, entry } = h.dropped;
      // A checkpoint may have folded the entry away already.
      const index = h.entries.indexOf(entry);
      if (index !== -1) h.entries.splice(index, 1);
      h.dropped = null;
      if (now !== from) {
        h.severityChanges.push({ at: item.createdAt, from, to: now });
        const verb = now < from ? "Escalated" : "Lowered";
        ctx.add(
          item.createdAt,
          "severity",
          `${verb} from ${severityTag(from)} to ${severityTag(now)}${ctx.byWho}${ctx.note}`,
        );
      }
    } else if (now && !h.severity) {
      ctx.add(item.createdAt, "declared", `Declared again as ${severityTag(now)}${ctx.byWho}${ctx.note}`);
    } else if (now && h.severity) {
      h.severityChanges.push({ at: item.createdAt, from: h.severity, to: now });
      const verb = now < h.severity ? "Escalated" : "Lowered";
      ctx.add(
        item.createdAt,
        "severity",
        `${verb} from ${severityTag(h.severity)} to ${severityTag(now)}${ctx.byWho}${ctx.note}`,
      );
    } else if (h.severity) {
      ctx.add(
        item.createdAt,
        "no-longer-incident",
        `Severity label removed${ctx.byWho}: no longer an incident`,
      );
      h.dropped = { from: h.severity, at: item.createdAt, entry: h.entries.at(-1) as TimelineEntry };
    }
    h.severity = now;
  } else if (item.type === "unlabeled" && h.severity && severityOfLabel(item.label, names)) {
    ctx.add(
      item.createdAt,
      "severity",
      `\`${inlineText(item.label, 50)}\` removed${ctx.byWho}; ${severityTag(h.severity)} stands`,
    );
    if (correcting) {
      const earlier: string[] = h.correction?.kept === h.severity ? h.correction.removed : [];
      h.correction = { removed: [...earlier, item.label], kept: h.severity };
    }
  }
}

function replayCommand(
  h: IncidentHistory,
  names: LabelNames,
  command: Command,
  ctx: {
    item: Extract<TimelineItem, { type: "comment" }>;
    line: number;
    credit: Map<string, { actor: string | null; note: string }>;
    add: (at: Date, kind: TimelineKind, text: string, actor?: string | null) => void;
    acknowledge: (at: Date) => void;
  },
): void {
  const { item } = ctx;
  const at = item.createdAt;
  const who = item.author;
  const by = ` by ${quietLogin(who)}`;
  switch (command.kind) {
    case "status":
      ctx.credit.set(names.status[command.status], { actor: who, note: command.note });
      break;
    case "severity":
      ctx.credit.set(names.severity[command.severity], { actor: who, note: command.reason });
      break;
    case "incident":
      ctx.credit.set(names.severity[command.severity], { actor: who, note: "" });
      break;
    case "role": {
      const person = command.who === "me" ? who : command.who;
      h.roles[command.role] = person;
      if (command.role === "ic") ctx.acknowledge(at);
      ctx.add(at, "role", `${ROLE_NAMES[command.role]}: ${quietLogin(person)} (set${by})`, who);
      break;
    }
    case "update":
      h.updates.push({ at, by: who, text: command.text });
      ctx.add(at, "update", `Status update${by}: ${inlineText(command.text, 300)}`, who);
      break;
    case "note":
      ctx.add(at, "note", `Note${by}: ${inlineText(command.text, 300)}`, who);
      break;
    case "notice":
      // Customers were told something: the record keeps when and what, not how it was worded.
      ctx.add(at, "notice", `Customer notice **${command.state}**${by}`, who);
      break;
    case "impact":
      h.impact = command.text;
      ctx.add(at, "impact", `Impact${by}: ${inlineText(command.text, 300)}`, who);
      break;
    case "cause":
      h.cause = command.text;
      ctx.add(at, "cause", `Cause${by}: ${inlineText(command.text, 300)}`, who);
      break;
    case "started": {
      const startedAt = parseStartedAt(command.text, at, parseDuration);
      if (!startedAt) break;
      h.startedAt = startedAt;
      ctx.add(at, "started", `Started at ${formatUtc(startedAt)}, says ${quietLogin(who)}`, who);
      break;
    }
    case "action-item":
      h.actionItems.push({
        text: command.text,
        owner: command.owner,
        due: command.due,
        by: who,
        at,
        commentId: item.id,
        line: ctx.line,
      });
      ctx.add(
        at,
        "action-item",
        `Action item${by}: ${inlineText(command.text, 200)}${command.owner ? ` (owner ${quietLogin(command.owner)})` : ""}${command.due ? ` due ${command.due}` : ""}`,
        who,
      );
      break;
    case "rollback":
    case "postmortem":
    case "help":
      break;
  }
}
