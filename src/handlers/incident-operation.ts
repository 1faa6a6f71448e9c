// One incident operation, whatever set it off: read GitHub once, let the core decide, then write
// in at most two requests (what changes: labels and assignees; then what is said: the tracker,
// notices, checklists, the reply and the reaction).
import type { LoadedConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { advanceCheckpoint, checkpointKey, encodeCheckpoint } from "../core/checkpoint.js";
import { formatDuration, parseDuration } from "../core/duration.js";
import { formStartedText } from "../core/form.js";
import { labelSpecs, severityTag } from "../core/labels.js";
import { inlineText, sliceText } from "../core/markdown.js";
import type { SeverityKey } from "../core/model.js";
import type { PermissionLevel } from "../core/permissions.js";
import {
  CHECKLIST_MARKERS,
  type ChecklistPhase,
  helpRows,
  type IncidentPlan,
  planIncident,
  type Refused,
  type Trigger,
} from "../core/plan.js";
import { rankSuspects } from "../core/suspects.js";
import { formatUtc, formatUtcTime, parseStartedAt } from "../core/time.js";
import {
  buildSuspectsView,
  cachedSuspects,
  describeResponseTarget,
  renderTrackerWithinLimit,
  respondBy,
  type SeverityInfo,
  type SuspectsView,
  suspectsKey,
  TRACKER_MARKER,
  type TrackerInput,
} from "../core/tracker.js";
import type { GitHubClient, IssueRef } from "../github/client.js";
import {
  type ChangesRead,
  fetchChanges,
  fetchIncidentContext,
  type IncidentContext,
} from "../github/incident-context.js";
import { createLabels, restoreLabels } from "../github/labels.js";
import { performWrites, type Write } from "../github/mutations.js";
import { createRenderer, type Renderer } from "../render/templates.js";
import { addNoticesToFile, renderNotices, renderResolution } from "./notices.js";
import { carryOutRollbacks, type RollbackResults } from "./rollback.js";

export interface IncidentIssue extends IssueRef {
  title: string;
  body: string;
  /** Label names as the webhook reports them (only a hint: the read gives the labels now). */
  labels: string[];
  /** Who opened the issue. */
  reporter: string | null;
}

export interface OperationRequest {
  github: GitHubClient;
  issue: IncidentIssue;
  /** The repository's default branch, from the payload. */
  defaultBranch: string;
  loaded: LoadedConfig;
  trigger: Trigger;
  /** Does the event declare an incident (a severity on an issue with no status label yet)? */
  declaring: boolean;
  /** The severity the payload points to (a label, the form's answer, `/incident`): sizes the first history read. */
  severityHint: SeverityKey | null;
  /** Logins the writes may need node ids for (a new incident commander). */
  users: string[];
  /** For a comment: its author's role on the repository, being looked up. */
  permission?: Promise<PermissionLevel | null>;
  /** firebreak's login as GraphQL names actors (no `[bot]`). */
  appLogin: string;
  now: Date;
}

type SuspectsRead = { suspects: SuspectsView; branchFound: boolean };

/** Reading a little more history than the window, on both sides, lets the declaration's first read serve it. */
const WINDOW_SLACK_MS = 10 * 60_000;

export async function runIncidentOperation(req: OperationRequest): Promise<IncidentPlan | null> {
  const { github, issue, now } = req;
  const { config } = req.loaded;
  const names = config.labels;
  const branch = config.default_branch ?? req.defaultBranch;
  const assignOnDeclare = req.declaring ? Object.values(config.severities).flatMap((s) => s.assign) : [];
  const [context, permission] = await Promise.all([
    fetchIncidentContext(github, {
      ...issue,
      branch,
      users: [...new Set([...req.users, ...assignOnDeclare])],
      history: req.declaring ? firstHistoryRead(req) : null,
      labelNames: [...Object.values(names.severity), ...Object.values(names.status)],
      checkpointKey: checkpointKey(names, req.appLogin),
      ...(req.trigger.kind === "comment" ? { commentId: req.trigger.id } : {}),
    }),
    req.permission ?? Promise.resolve(null),
  ]);
  const trigger: Trigger = req.trigger.kind === "comment" ? { ...req.trigger, permission } : req.trigger;
  // A webhook about another object (a merged rollback pull request) carries none of the issue: the read has it.
  const current = {
    ...issue,
    title: issue.title || context.issue.title,
    body: issue.body || context.issue.body,
    reporter: issue.reporter ?? context.issue.author,
  };
  const op: OperationRequest = { ...req, trigger, issue: current };

  let rollbacks: RollbackResults | null = null;
  let noticeFiles: Map<number, { ok: boolean; message: string }> | undefined;
  const plan = (refused: Refused | null) =>
    planIncident({
      trigger,
      labels: context.labels,
      timeline: [...context.timeline, ...(rollbacks?.references ?? [])],
      checkpoint: context.checkpoint,
      rollbacks: rollbacks?.outcomes,
      noticeFiles,
      suspects: trackerSuspects(context),
      formStarted: formStartedText(current.body),
      names,
      permissions: config.permissions,
      assignOnDeclare: (severity) => config.severities[severity].assign,
      knownUsers: new Set(Object.entries(context.users).flatMap(([login, user]) => (user ? [login] : []))),
      appLogin: req.appLogin,
      reporter: current.reporter,
      refused,
      now,
    });
  let decided = plan(null);
  if (!decided) return null;
  if (decided.rollbacks.length > 0) {
    // Reverts are I/O the core cannot do: carry them out, then decide again knowing how they went.
    const requester = trigger.kind === "comment" ? trigger.author : null;
    const people = { requester, appLogin: req.appLogin };
    rollbacks = await carryOutRollbacks(github, issue, branch, people, decided.rollbacks, now);
    decided = plan(null);
    if (!decided) return null;
  }
  if (decided.statusNotices.length > 0 && config.notices.enabled && trigger.kind === "comment") {
    // The status file's pull request is I/O too: add the notices, then decide again knowing how it went.
    noticeFiles = await addNoticesToFile(github, createRenderer(context.overrides), decided, {
      config,
      issue: current,
      comment: trigger,
      defaultBranch: req.defaultBranch,
    });
    decided = plan(null);
    if (!decided) return null;
  }

  // The suspects do not depend on how the writes go: any history they need is read meanwhile.
  const suspects = wantsTracker(decided) ? suspectsFor(op, decided, context, branch) : null;
  // Both run at once; whichever fails first is the error, and the other's failure is not left unhandled.
  const [state, read] = await Promise.allSettled([changeState(op, context, decided), suspects]);
  if (state.status === "rejected") throw state.reason;
  if (read.status === "rejected") throw read.reason;
  const refused = state.value;
  if (refused) {
    // Nothing firebreak says may claim a change GitHub refused: decide again, knowing.
    decided = plan(refused);
    if (!decided) return null;
  }
  const outputs = await outputWrites(op, context, decided, read.value, branch);
  const { errors } = await performWrites(github, context.issueId, outputs);
  const failed = outputs.flatMap((write, i) => (errors[i] ? [`${write.kind}: ${errors[i]}`] : []));
  // The changes stand; what could not be said is logged, and the next event re-renders it.
  if (failed.length > 0) throw new Error(`GitHub refused part of firebreak's answer: ${failed.join("; ")}`);
  return decided;
}

/**
 * A declaration reads the history of its window (with some slack) in the incident read itself. The
 * window ends when the incident began: now, or earlier if the incident form says so.
 */
function firstHistoryRead(req: OperationRequest) {
  const window = req.loaded.config.severities[req.severityHint ?? "sev4"].suspect_window;
  const stated = formStartedText(req.issue.body);
  const start = (stated && parseStartedAt(stated, req.now, parseDuration)) || req.now;
  return {
    since: new Date(start.getTime() - window - WINDOW_SLACK_MS),
    until: new Date(req.now.getTime() + WINDOW_SLACK_MS),
    maxCommits: req.loaded.config.suspects.max_scanned,
  };
}

function wantsTracker(plan: IncidentPlan): boolean {
  return plan.tracker !== null || !plan.noLongerIncident;
}

/**
 * Makes the plan's label and assignee changes (one request) and says what GitHub refused. A label
 * swap GitHub carried out only in part is undone, so an incident is never left without its
 * severity or status.
 */
async function changeState(
  op: OperationRequest,
  context: IncidentContext,
  plan: IncidentPlan,
): Promise<Refused | null> {
  const writes = await stateChanges(op, context, plan);
  if (writes.length === 0) return null;
  const { errors } = await performWrites(op.github, context.issueId, writes);
  const errorOf = (kinds: Write["kind"][]) =>
    writes.flatMap((write, i) => (kinds.includes(write.kind) && errors[i] ? [errors[i] as string] : []))[0] ??
    null;
  const refused: Refused = {
    labels: errorOf(["addLabels", "removeLabels"]),
    assignees: errorOf(["addAssignees"]),
  };
  if (!refused.labels && !refused.assignees) return null;
  const someLabelWriteMade = writes.some((write, i) => write.kind !== "addAssignees" && errors[i] === null);
  if (refused.labels && someLabelWriteMade) await restoreLabels(op.github, op.issue, context.labels);
  return refused;
}

/** Label and assignee changes, with the node ids GitHub needs; missing labels are created first. */
async function stateChanges(
  req: OperationRequest,
  context: IncidentContext,
  plan: IncidentPlan,
): Promise<Write[]> {
  const { config } = req.loaded;
  const ids = { ...context.labelIds };
  // All of firebreak's labels the repository lacks are created at once, so responders can pick
  // them from GitHub's label menu (which offers only existing labels).
  const missing = context.missingLabels;
  if (missing.length > 0 && !plan.noLongerIncident) {
    const severityNames = Object.fromEntries(Object.entries(config.severities).map(([k, v]) => [k, v.name]));
    const specs = labelSpecs(config.labels, severityNames as Record<SeverityKey, string>).filter((l) =>
      missing.includes(l.name),
    );
    Object.assign(ids, await createLabels(req.github, req.issue, specs));
  }
  const writes: Write[] = [];
  const remove = plan.removeLabels.flatMap((name) => (ids[name] ? [ids[name]] : []));
  const add = plan.addLabels.flatMap((name) => (ids[name] ? [ids[name]] : []));
  const assign = plan.assign.flatMap((login) => context.users[login.toLowerCase()]?.id ?? []);
  // Added before removed, so a swap never leaves the issue without a severity, even for a moment.
  if (add.length > 0) writes.push({ kind: "addLabels", labelIds: add });
  if (remove.length > 0) writes.push({ kind: "removeLabels", labelIds: remove });
  if (assign.length > 0) writes.push({ kind: "addAssignees", userIds: assign });
  return writes;
}

/** The tracker, notices, checklists, reply and reaction, in the order people will read them. */
async function outputWrites(
  req: OperationRequest,
  context: IncidentContext,
  plan: IncidentPlan,
  read: SuspectsRead | null,
  branch: string,
): Promise<Write[]> {
  const { config } = req.loaded;
  const renderer = createRenderer(context.overrides);
  const info = severityInfo(config, plan.severity);
  const respondFrom = plan.history.severityChanges.at(-1)?.at ?? plan.declaredAt;
  const respond = {
    within: describeResponseTarget(info.respondWithin),
    by: respondBy(respondFrom, info.respondWithin, config.business_day_start),
  };
  const severity = { tag: severityTag(plan.severity), name: info.name, meaning: info.meaning };
  const urgent = plan.severity === "sev1" || plan.severity === "sev2";

  // Everything but the tracker is rendered first, so the tracker can report a broken override.
  const escalation = plan.escalation
    ? renderer.render("escalation", {
        marker: plan.escalation.marker,
        escalated: true,
        severity,
        respond,
        notify: info.notify.length > 0 ? info.notify.join(" ") : null,
      })
    : null;
  const reply = plan.reply?.needed ? renderReply(req, plan, renderer) : null;
  const checklists = plan.checklists.map((phase) =>
    renderChecklist(renderer, phase, { config, plan, severity, respond, urgent, now: req.now }),
  );

  const writes: Write[] = [];
  if (wantsTracker(plan)) {
    // A refused severity change moves the suspect window back: then read what the plan now needs.
    const { suspects, branchFound } =
      read && read.suspects.key === suspectsWindow(req, plan, context, branch).key
        ? read
        : await suspectsFor(req, plan, context, branch);
    const warnings = [...req.loaded.problems];
    if (!branchFound) {
      warnings.push(
        `branch \`${branch}\` does not exist, so no suspects could be listed; fix \`default_branch\` in \`.github/incident.yml\``,
      );
    }
    const input: TrackerInput = {
      severity: info,
      status: plan.status,
      noLongerIncident: plan.noLongerIncident,
      declaredAt: plan.declaredAt,
      respondFrom,
      businessDayStartMinutes: config.business_day_start,
      history: plan.history,
      updateEveryMs: config.severities[plan.severity].update_every,
      now: req.now,
      suspects,
      warnings: [...warnings, ...renderer.warnings],
      notices: plan.notices,
      resolution: renderResolution(renderer, plan, req.issue.title),
      checkpoint: trackerCheckpoint(req, context),
    };
    const render = () => renderTrackerWithinLimit(input, (view) => renderer.render("tracker", view));
    let tracker = render();
    if (renderer.warnings.length > input.warnings.length - warnings.length) {
      // The tracker override itself failed while rendering: render the built-in one with that warning.
      input.warnings = [...warnings, ...renderer.warnings];
      tracker = render();
    }
    if (!plan.tracker) writes.push({ kind: "addComment", body: tracker });
    else if (plan.tracker.body !== tracker) {
      writes.push({ kind: "updateComment", commentId: plan.tracker.nodeId, body: tracker });
    }
  }
  if (escalation) writes.push({ kind: "addComment", body: escalation });
  if (reply) writes.push({ kind: "addComment", body: reply });
  for (const body of checklists) writes.push({ kind: "addComment", body });
  // The reaction comes last: it is firebreak's record that the comment was answered.
  if (plan.reaction && req.trigger.kind === "comment") {
    writes.push({ kind: "addReaction", subjectId: req.trigger.nodeId, content: plan.reaction });
  }
  return writes;
}

function renderReply(req: OperationRequest, plan: IncidentPlan, renderer: Renderer): string {
  const { config } = req.loaded;
  const reply = plan.reply;
  if (!reply) return "";
  const trigger = req.trigger;
  const caller = trigger.kind === "comment" ? trigger : null;
  const last = plan.history.updates.at(-1);
  const update =
    reply.update && last
      ? {
          severity: severityTag(plan.severity),
          status: plan.status,
          text: inlineText(reply.update, 2_000),
          impact: plan.history.impact
            ? inlineText(plan.history.impact, 500)
            : "_not recorded yet: `/impact …`_",
          by: caller ? `@&#8203;${caller.author}` : "someone",
          at: formatUtcTime(last.at),
          next: formatUtc(new Date(last.at.getTime() + config.severities[plan.severity].update_every)),
        }
      : null;
  return renderer.render("reply", {
    marker: reply.marker,
    outcomes: reply.outcomes.map((outcome) => ({
      ok: outcome.ok,
      source: sliceText(outcome.source.replace(/`/g, "'"), 120),
      message: outcome.message,
    })),
    update,
    notices:
      caller && plan.statusNotices.length > 0
        ? renderNotices(renderer, plan, { config, issue: req.issue, comment: caller }).map((n) => n.body)
        : [],
    help:
      reply.help && caller
        ? helpRows(config.permissions, {
            login: caller.author,
            permission: caller.permission,
            isReporter: caller.author === req.issue.reporter,
          }).map((row) => ({ ...row, usage: row.usage.replace(/\|/g, "\\|") }))
        : null,
    anyFailed: reply.outcomes.some((outcome) => !outcome.ok),
  });
}

function renderChecklist(
  renderer: Renderer,
  phase: ChecklistPhase,
  c: {
    config: Config;
    plan: IncidentPlan;
    severity: { tag: string; name: string; meaning: string };
    respond: { within: string; by: string };
    urgent: boolean;
    now: Date;
  },
): string {
  const { plan } = c;
  const marker = CHECKLIST_MARKERS[phase];
  const at = (from: Date, minutes: number) => formatUtcTime(new Date(from.getTime() + minutes * 60_000));
  switch (phase) {
    case "respond":
      return renderer.render("checklist-respond", {
        marker,
        severity: c.severity,
        respond: c.respond,
        updateEvery: formatDuration(c.config.severities[plan.severity].update_every),
        isSev1: plan.severity === "sev1",
        isSev2: plan.severity === "sev2",
        isSev3: plan.severity === "sev3",
        isSev4: plan.severity === "sev4",
        urgent: c.urgent,
      });
    case "verify": {
      const since = plan.history.mitigatedAt ?? c.now;
      return renderer.render("checklist-verify", {
        marker,
        severity: c.severity,
        since: formatUtc(since),
        checks: [at(since, 5), at(since, 15), at(since, 30), at(since, 60)],
        urgent: c.urgent,
      });
    }
    case "post-incident": {
      const resolvedAt = plan.history.resolvedAt ?? c.now;
      const day = (hours: number) => formatUtc(new Date(resolvedAt.getTime() + hours * 3_600_000));
      return renderer.render("checklist-post-incident", {
        marker,
        severity: c.severity,
        resolvedAt: formatUtc(resolvedAt),
        duration: formatDuration(resolvedAt.getTime() - plan.declaredAt.getTime()),
        due: { day: day(24), twoDays: day(48), week: day(24 * 7) },
        urgent: c.urgent,
      });
    }
  }
}

function severityInfo(config: Config, key: SeverityKey): SeverityInfo {
  const severity = config.severities[key];
  return {
    key,
    name: severity.name,
    meaning: severity.meaning,
    respondWithin: severity.respond_within,
    notify: severity.notify,
  };
}

/** The window the suspects are ranked over, the incident's words, and the key of that ranking. */
function suspectsWindow(req: OperationRequest, plan: IncidentPlan, context: IncidentContext, branch: string) {
  const { config } = req.loaded;
  const windowMs = config.severities[plan.severity].suspect_window;
  // The window ends when the incident really began, if someone said; else at the declaration.
  const reference = plan.history.startedAt ?? plan.declaredAt;
  const incidentLabels = new Set([
    ...Object.values(config.labels.severity),
    ...Object.values(config.labels.status),
  ]);
  const text = {
    title: req.issue.title,
    body: req.issue.body,
    labels: context.labels.filter((label) => !incidentLabels.has(label)),
  };
  const key = suspectsKey({
    // To the minute the tracker shows: a declaration is ranked at firebreak's clock, and GitHub records
    // it a moment later, to the second; the next render must still find that ranking, not read again.
    reference: new Date(Math.floor(reference.getTime() / 60_000) * 60_000),
    windowMs,
    branch,
    maxShown: config.suspects.max_shown,
    maxScanned: config.suspects.max_scanned,
    text,
  });
  return { windowMs, reference, since: new Date(reference.getTime() - windowMs), text, key };
}

async function suspectsFor(
  req: OperationRequest,
  plan: IncidentPlan,
  context: IncidentContext,
  branch: string,
): Promise<SuspectsRead> {
  const { config } = req.loaded;
  const { windowMs, reference, since, text, key } = suspectsWindow(req, plan, context, branch);
  const cached = plan.tracker ? cachedSuspects(plan.tracker.body, key) : null;
  if (cached) return { suspects: cached, branchFound: true };

  const first = req.declaring ? firstHistoryRead(req) : null;
  const covered =
    context.history !== null &&
    first !== null &&
    first.since.getTime() <= since.getTime() &&
    reference.getTime() <= first.until.getTime();
  const history: ChangesRead =
    covered && context.history
      ? context.history
      : await fetchChanges(req.github, req.issue, {
          branch,
          since,
          until: reference,
          maxCommits: config.suspects.max_scanned,
        });
  const ranked = rankSuspects({
    changes: history.changes,
    deployments: context.deployments,
    incident: text,
    reference,
    windowMs,
  });
  return {
    suspects: buildSuspectsView(key, {
      ranked,
      maxShown: config.suspects.max_shown,
      inWindow: history.inWindow,
      scanned: history.scanned,
      branch,
      since,
      until: reference,
      deployments: context.deployments,
    }),
    branchFound: history.branchFound,
  };
}

/** The replay checkpoint the tracker carries on: only for a timeline longer than one read (a short one is read whole anyway). */
function trackerCheckpoint(req: OperationRequest, context: IncidentContext): string | null {
  if (!context.long) return null;
  const names = req.loaded.config.labels;
  const options = { appLogin: req.appLogin, reporter: req.issue.reporter ?? null };
  const checkpoint = advanceCheckpoint(context.timeline, names, options, context.checkpoint);
  return checkpoint ? encodeCheckpoint(checkpoint, checkpointKey(names, req.appLogin)) : null;
}

/** The tracker's top suspects as one line each, for a `/rollback` that names no change. */
function trackerSuspects(context: IncidentContext): string[] {
  const tracker = context.timeline.find(
    (item) => item.type === "comment" && item.byApp && item.body.startsWith(TRACKER_MARKER),
  );
  const view = tracker?.type === "comment" ? cachedSuspects(tracker.body) : null;
  return view?.rows.map((row) => `${row.change} (${row.reason})`) ?? [];
}
