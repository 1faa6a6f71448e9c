// Deciding what to write so that an issue matches the incident it is, after any trigger: a label
// changed by hand, an issue opened from the form, closed or reopened, or a comment of commands.
// Pure: the handler reads GitHub, calls planIncident, and performs the plan.

import type { ReplayCheckpoint } from "./checkpoint.js";
import { type Command, type CommandName, type ParsedLine, parseCommands, USAGE } from "./commands.js";
import { parseDuration } from "./duration.js";
import {
  type LabelNames,
  severitiesIn,
  severityOfLabel,
  severityTag,
  statusIn,
  statusOfLabel,
} from "./labels.js";
import type { SeverityKey, Status, TimelineItem } from "./model.js";
import { NOTICE_REPLY, type NoticeState } from "./notice.js";
import {
  allows,
  GATED_COMMANDS,
  type GatedCommand,
  neededFor,
  type PermissionLevel,
  type Permissions,
  REPORTER_MAY_RUN,
} from "./permissions.js";
import { parseRevertTarget, type RevertTarget, ROLLBACK_USAGE } from "./revert.js";
import { formatUtc, parseStartedAt } from "./time.js";
import { type IncidentHistory, replayTimeline, replyMarker } from "./timeline.js";
import { TRACKER_MARKER } from "./tracker.js";

export const CHECKLIST_MARKERS = {
  respond: "<!-- firebreak:checklist:respond -->",
  verify: "<!-- firebreak:checklist:verify -->",
  "post-incident": "<!-- firebreak:checklist:post-incident -->",
} as const;
export type ChecklistPhase = keyof typeof CHECKLIST_MARKERS;

export function escalationMarker(key: string): string {
  return `<!-- firebreak:escalation:${key} -->`;
}

export interface CommentTrigger {
  kind: "comment";
  id: number;
  /** GraphQL node id, for the reaction. */
  nodeId: string;
  author: string;
  createdAt: Date;
  body: string;
  /** The author's role on the repository; null when GitHub says they have none. */
  permission: PermissionLevel | null;
}

/** What GitHub refused of a plan's changes, with its message. */
export interface Refused {
  labels: string | null;
  assignees: string | null;
}

export type Trigger =
  | { kind: "opened"; formSeverity: SeverityKey | null }
  | { kind: "labeled" | "unlabeled"; label: string }
  | { kind: "closed" | "reopened" }
  /** Something the incident's records show changed elsewhere (a rollback merged): render it again. */
  | { kind: "refresh" }
  | CommentTrigger;

export interface PlanInput {
  trigger: Trigger;
  /** The issue's labels now, as read from GitHub. */
  labels: string[];
  /** The records: all of them, or those since the checkpoint (and firebreak's own comments). */
  timeline: TimelineItem[];
  /** The replay up to a moment, as the tracker carried it; null when `timeline` is the whole record. */
  checkpoint?: ReplayCheckpoint | null;
  names: LabelNames;
  permissions: Permissions;
  /** Who to assign when an incident is first declared. */
  assignOnDeclare: (severity: SeverityKey) => string[];
  /** Logins GitHub knows (lower-cased), as the read looked them up. */
  knownUsers: ReadonlySet<string>;
  /** firebreak's own login as GraphQL reports actors (no `[bot]` suffix). */
  appLogin: string;
  /** Who opened the issue. */
  reporter: string | null;
  /** GitHub refused the label or assignee changes a first plan asked for: plan again without them. */
  refused?: Refused | null;
  /** How the `/rollback`s a first plan asked for went, by command line: plan again with them. */
  rollbacks?: ReadonlyMap<number, { ok: boolean; message: string }>;
  /** How adding the `/notice`s of a first plan to the status file went, by command line: plan again with them. */
  noticeFiles?: ReadonlyMap<number, { ok: boolean; message: string }>;
  /** The tracker's top suspects, one line each, for a `/rollback` that names no change. */
  suspects?: string[];
  /** The incident form's "When it started" answer, if the issue came from the form. */
  formStarted?: string | null;
  now: Date;
}

/** What firebreak answers about one command line of a comment. */
export interface Outcome {
  line: number;
  source: string;
  ok: boolean;
  /** Markdown; null when the tracker already says it all. */
  message: string | null;
}

/** A `/notice` of the comment: the reply shows it; the handler may also add it to the status file. */
export interface PendingNotice {
  line: number;
  state: NoticeState;
  text: string;
}

/** A `/rollback` the handler must carry out (I/O), then settle with a second plan. */
export interface PendingRollback {
  line: number;
  target: RevertTarget;
  reason: string;
}

export interface IncidentPlan {
  severity: SeverityKey;
  status: Status;
  noLongerIncident: boolean;
  addLabels: string[];
  removeLabels: string[];
  assign: string[];
  /** The existing tracker comment; null to create one. */
  tracker: { id: number; nodeId: string; body: string } | null;
  /** Phase checklists to post, in order. */
  checklists: ChecklistPhase[];
  escalation: { severity: SeverityKey; marker: string } | null;
  /** For a comment: the answer to each command, and whether a reply is needed to say it. */
  reply: {
    commentId: number;
    marker: string;
    outcomes: Outcome[];
    help: boolean;
    update: string | null;
    needed: boolean;
  } | null;
  reaction: "THUMBS_UP" | "CONFUSED" | null;
  /** `/rollback`s to carry out before this plan can be written (none once settled). */
  rollbacks: PendingRollback[];
  /** The comment's `/notice`s that passed (their answers say whether the status file took them). */
  statusNotices: PendingNotice[];
  declaredAt: Date;
  /** The history as it will stand once the plan's writes are made. */
  history: IncidentHistory;
  notices: string[];
}

/** Null when there is nothing to write: not an incident (and never was), or a comment already answered. */
export function planIncident(input: PlanInput): IncidentPlan | null {
  const { names, trigger } = input;
  const own = input.timeline.filter(
    (item): item is Extract<TimelineItem, { type: "comment" }> => item.type === "comment" && item.byApp,
  );
  // Markers count only where firebreak puts them, first: a person's text echoed in a reply is not one.
  const tracker = own.find((comment) => comment.body.startsWith(TRACKER_MARKER)) ?? null;
  const present = severitiesIn(input.labels, names);
  const isIncident = present.length > 0;

  // What the trigger asks for.
  let severity: SeverityKey | null = present[0] ?? null;
  let status: Status | null = statusIn(input.labels, names);
  let commands: CommandPlan | null = null;
  switch (trigger.kind) {
    case "opened":
      severity ??= trigger.formSeverity;
      break;
    case "labeled":
      // A status label put on by hand is the new status, even if it goes backwards.
      if (severity) status = statusOfLabel(trigger.label, names) ?? status;
      break;
    case "closed":
      if (severity) status = "resolved";
      break;
    case "reopened":
      if (severity) status = "investigating";
      break;
    case "comment": {
      const answered = input.timeline.some(
        (item) => item.type === "comment" && item.id === trigger.id && item.appReaction,
      );
      if (answered) return null;
      commands = planCommands(input, trigger, { severity, status, isIncident });
      if (!commands) return null;
      severity = commands.severity;
      status = commands.status;
      break;
    }
    default:
      break;
  }

  const replayOptions = {
    appLogin: input.appLogin,
    reporter: input.reporter,
    formStarted: input.formStarted ?? null,
    ...(commands ? { pending: { commentId: commands.commentId, lines: commands.applied } } : {}),
  };
  const from = input.checkpoint?.state ?? null;
  // firebreak's markers: on its comments read, and those the checkpoint remembers from before it.
  const hasMarker = (marker: string) =>
    own.some((comment) => comment.body.startsWith(marker)) ||
    (input.checkpoint?.markers.some((known) => known.startsWith(marker)) ?? false);

  if (!severity) {
    // Not an incident. One that was (it has a tracker) is marked as no longer one; the answer to a
    // comment still goes out.
    if (!tracker && !commands) return null;
    const history = replayTimeline(input.timeline, names, replayOptions, from);
    if (!tracker) {
      return commands ? answerOnly(input, commands, history) : null;
    }
    return {
      severity: lastKnownSeverity(input.timeline, names) ?? history.dropped?.from ?? "sev4",
      status: status ?? "investigating",
      noLongerIncident: true,
      addLabels: [],
      removeLabels: [],
      assign: [],
      tracker,
      checklists: [],
      escalation: null,
      reply: commands ? reply(commands) : null,
      reaction: commands ? reaction(commands) : null,
      rollbacks: [],
      statusNotices: [],
      declaredAt: history.declaredAt ?? input.now,
      history,
      notices: [],
    };
  }

  // A status label removed by hand is not put back; any other incident without one starts investigating.
  const statusRemovedByHand = trigger.kind === "unlabeled" && statusOfLabel(trigger.label, names) !== null;
  const wanted = statusRemovedByHand && !status ? [] : [names.status[status ?? "investigating"]];
  status ??= "investigating";
  const addLabels = [names.severity[severity], ...wanted].filter((label) => !input.labels.includes(label));
  const removeLabels = input.labels.filter(
    (label) =>
      (severityOfLabel(label, names) !== null && label !== names.severity[severity]) ||
      (statusOfLabel(label, names) !== null && label !== names.status[status]),
  );

  // Our own label writes, as the timeline will record them, so the tracker shows them already.
  // Added before removed, as the writes are made, so a swap never leaves the issue without a severity.
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
  if (input.refused?.labels) {
    // Only a comment's answer can say so; the labels stay as they are and the tracker shows them.
    addLabels.length = 0;
    removeLabels.length = 0;
    planned.length = 0;
  }
  const history = replayTimeline([...input.timeline, ...planned], names, replayOptions, from);

  const severityAsked =
    (trigger.kind === "labeled" && severityOfLabel(trigger.label, names) !== null) ||
    commands?.severityAsked === true;
  const lastChange = history.severityChanges.at(-1);
  let escalation: IncidentPlan["escalation"] = null;
  if (severityAsked && lastChange && lastChange.to === severity && lastChange.to < lastChange.from) {
    const marker = escalationMarker(`${severity}:${lastChange.at.toISOString()}`);
    if (!hasMarker(marker)) escalation = { severity, marker };
  }

  const posted = (phase: ChecklistPhase) => hasMarker(CHECKLIST_MARKERS[phase]);
  const checklists: ChecklistPhase[] = [];
  if (!posted("respond")) checklists.push("respond");
  if (status === "monitoring" && !posted("verify")) checklists.push("verify");
  if (status === "resolved" && !posted("post-incident")) checklists.push("post-incident");

  const assign =
    tracker || input.refused?.assignees
      ? []
      : input.assignOnDeclare(severity).filter((login) => input.knownUsers.has(login.toLowerCase()));
  if (commands) assign.push(...commands.assign.filter((login) => !assign.includes(login)));

  return {
    severity,
    status,
    noLongerIncident: false,
    addLabels,
    removeLabels,
    assign,
    tracker,
    checklists,
    escalation,
    reply: commands ? reply(commands) : null,
    reaction: commands ? reaction(commands) : null,
    rollbacks: commands?.rollbacks ?? [],
    statusNotices: commands?.statusNotices ?? [],
    declaredAt: history.declaredAt ?? input.now,
    history,
    notices: history.correction ? [correctionNotice(history.correction, names)] : [],
  };
}

// ---------------------------------------------------------------------------------------------
// Commands

interface CommandPlan {
  commentId: number;
  outcomes: Outcome[];
  /** Lines applied: their effects are in the plan, and the reaction and reply will record them. */
  applied: Set<number>;
  severity: SeverityKey | null;
  status: Status | null;
  severityAsked: boolean;
  assign: string[];
  help: boolean;
  update: string | null;
  rollbacks: PendingRollback[];
  statusNotices: PendingNotice[];
}

function planCommands(
  input: PlanInput,
  trigger: CommentTrigger,
  start: { severity: SeverityKey | null; status: Status | null; isIncident: boolean },
): CommandPlan | null {
  // `/postmortem` belongs to the companion Action; a comment with nothing else is not ours to answer.
  const lines = parseCommands(trigger.body).filter((p) => !(p.ok && p.command.kind === "postmortem"));
  if (lines.length === 0) return null;
  const plan: CommandPlan = {
    commentId: trigger.id,
    outcomes: [],
    applied: new Set(),
    severity: start.severity,
    status: start.severity ? (start.status ?? "investigating") : start.status,
    severityAsked: false,
    assign: [],
    help: false,
    update: null,
    rollbacks: [],
    statusNotices: [],
  };
  for (const parsed of lines) {
    const outcome = applyCommand(input, trigger, parsed, plan);
    plan.outcomes.push({ line: parsed.line, source: parsed.source, ...outcome });
    if (outcome.ok) plan.applied.add(parsed.line);
  }
  return plan;
}

type Result = { ok: boolean; message: string | null };

function applyCommand(
  input: PlanInput,
  trigger: CommentTrigger,
  parsed: ParsedLine,
  plan: CommandPlan,
): Result {
  if (!parsed.ok) {
    return {
      ok: false,
      message: `${parsed.problem}.${parsed.usage ? ` Usage: \`${parsed.usage}\`` : " Try `/help` for the list of commands."}`,
    };
  }
  const { command } = parsed;
  if (command.kind === "help") {
    plan.help = true;
    return { ok: true, message: "the commands are listed below" };
  }
  const refusal = permissionRefusal(input, trigger, command.kind);
  if (refusal) return { ok: false, message: refusal };
  if (command.kind === "incident") {
    if (plan.severity) {
      return {
        ok: false,
        message: `this is already a ${severityTag(plan.severity)} incident; to change its severity use \`/severity sev1\`…\`/severity sev4\``,
      };
    }
    if (input.refused?.labels) {
      return {
        ok: false,
        message: `GitHub refused the change (${input.refused.labels}); nothing was changed`,
      };
    }
    plan.severity = command.severity;
    plan.status = "investigating";
    plan.severityAsked = true;
    return { ok: true, message: null };
  }
  if (!plan.severity) {
    return {
      ok: false,
      message: "this issue is not an incident; declare it first with `/incident sev1` … `/incident sev4`",
    };
  }
  return applyIncidentCommand(input, trigger, command, plan, parsed.line);
}

function applyIncidentCommand(
  input: PlanInput,
  trigger: CommentTrigger,
  command: Command,
  plan: CommandPlan,
  line: number,
): Result {
  const refusal =
    (command.kind === "status" && plan.status !== command.status) ||
    (command.kind === "severity" && plan.severity !== command.severity)
      ? input.refused?.labels
      : command.kind === "role" && command.role === "ic"
        ? input.refused?.assignees
        : null;
  if (refusal) return { ok: false, message: `GitHub refused the change (${refusal}); nothing was changed` };
  switch (command.kind) {
    case "status":
      if (plan.status === command.status)
        return { ok: true, message: `the status is already **${command.status}**` };
      plan.status = command.status;
      return { ok: true, message: null };
    case "severity":
      if (plan.severity === command.severity) {
        return { ok: true, message: `the severity is already ${severityTag(command.severity)}` };
      }
      plan.severity = command.severity;
      plan.severityAsked = true;
      return { ok: true, message: null };
    case "role": {
      const person = command.who === "me" ? trigger.author : command.who;
      if (!input.knownUsers.has(person.toLowerCase())) {
        return { ok: false, message: `GitHub has no user \`${person}\`; check the spelling` };
      }
      if (command.role === "ic" && !plan.assign.includes(person)) plan.assign.push(person);
      return { ok: true, message: null };
    }
    case "started": {
      const startedAt = parseStartedAt(command.text, trigger.createdAt, parseDuration);
      if (!startedAt) {
        return {
          ok: false,
          message: `\`${command.text.slice(0, 60).replace(/`/g, "'")}\` is not a time in the past firebreak can read. Usage: \`${USAGE.started}\``,
        };
      }
      return { ok: true, message: `started at **${formatUtc(startedAt)}**` };
    }
    case "update":
      plan.update = command.text;
      return { ok: true, message: "status update posted below" };
    case "notice":
      plan.statusNotices.push({ line, state: command.state, text: command.text });
      return input.noticeFiles?.get(line) ?? { ok: true, message: NOTICE_REPLY };
    case "rollback": {
      const settled = input.rollbacks?.get(line);
      if (settled) return settled;
      if (!command.target) {
        const top = (input.suspects ?? []).slice(0, 3).map((s, i) => `${i + 1}. ${s}`);
        return {
          ok: false,
          message:
            `name the change to roll back: firebreak never guesses. Usage: \`${ROLLBACK_USAGE}\`` +
            (top.length > 0 ? `. The top suspects:\n   ${top.join("\n   ")}` : ""),
        };
      }
      const target = parseRevertTarget(command.target);
      if (target.kind === "invalid") return { ok: false, message: target.message };
      plan.rollbacks.push({ line, target, reason: command.reason });
      return { ok: true, message: null };
    }
    case "note":
    case "impact":
    case "cause":
    case "action-item":
      return { ok: true, message: null };
    default:
      return { ok: true, message: null };
  }
}

function permissionRefusal(input: PlanInput, trigger: CommentTrigger, kind: CommandName): string | null {
  if (!(GATED_COMMANDS as readonly string[]).includes(kind)) return null;
  const command = kind as GatedCommand;
  if (REPORTER_MAY_RUN.includes(command) && input.reporter && trigger.author === input.reporter) return null;
  const needed = neededFor(command, input.permissions);
  if (allows(trigger.permission, needed)) return null;
  return (
    `you need the **${needed}** role on this repository to run \`/${kind}\` ` +
    `(you have ${trigger.permission ?? "no role"}); ask a maintainer, or someone with that role, to run it`
  );
}

function reply(commands: CommandPlan): NonNullable<IncidentPlan["reply"]> {
  return {
    commentId: commands.commentId,
    marker: replyMarker(commands.commentId, commands.applied),
    outcomes: commands.outcomes,
    help: commands.help,
    update: commands.update,
    needed: commands.outcomes.some((outcome) => !outcome.ok || outcome.message !== null),
  };
}

function reaction(commands: CommandPlan): "THUMBS_UP" | "CONFUSED" {
  return commands.outcomes.every((outcome) => outcome.ok) ? "THUMBS_UP" : "CONFUSED";
}

/** A comment on an issue that is not (and was not) an incident: only the answer goes out. */
function answerOnly(input: PlanInput, commands: CommandPlan, history: IncidentHistory): IncidentPlan {
  return {
    severity: "sev4",
    status: "investigating",
    noLongerIncident: true,
    addLabels: [],
    removeLabels: [],
    assign: [],
    tracker: null,
    checklists: [],
    escalation: null,
    reply: reply(commands),
    reaction: reaction(commands),
    rollbacks: [],
    statusNotices: [],
    declaredAt: input.now,
    history,
    notices: [],
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
    `${severityTag(correction.kept)}. To lower the severity, remove \`${kept}\` first, then add the lower one, or use \`/severity\`.`
  );
}

/** `/help`: every command with whether the caller may run it. */
export function helpRows(
  permissions: Permissions,
  caller: { login: string; permission: PermissionLevel | null; isReporter: boolean },
): Array<{ usage: string; allowed: boolean; needs: string }> {
  const gated = GATED_COMMANDS.map((command) => {
    const needed = neededFor(command, permissions);
    const reporterMay = caller.isReporter && REPORTER_MAY_RUN.includes(command);
    return {
      usage: USAGE[command],
      allowed: reporterMay || allows(caller.permission, needed),
      needs: needed,
    };
  });
  return [...gated, { usage: USAGE.help, allowed: true, needs: "anyone" }];
}
