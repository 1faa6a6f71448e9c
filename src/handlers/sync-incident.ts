// Bringing an issue in line with the incident it is: read GitHub once, let the core decide, write.
import type { LoadedConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { formatDuration } from "../core/duration.js";
import { labelSpecs, severitiesIn, severityTag, statusIn } from "../core/labels.js";
import type { SeverityKey } from "../core/model.js";
import { rankSuspects } from "../core/suspects.js";
import { CHECKLIST_RESPOND_MARKER, planSync, type SyncPlan } from "../core/sync.js";
import {
  buildSuspectsView,
  cachedSuspects,
  describeResponseTarget,
  renderTrackerWithinLimit,
  respondBy,
  type SeverityInfo,
  type SuspectsView,
  suspectsKey,
} from "../core/tracker.js";
import type { GitHubClient, IssueRef } from "../github/client.js";
import {
  type ChangesRead,
  fetchChanges,
  fetchIncidentContext,
  type IncidentContext,
} from "../github/incident-context.js";
import {
  addAssignees,
  addLabels,
  createComment,
  createLabels,
  removeLabel,
  updateComment,
} from "../github/issues.js";
import { createRenderer } from "../render/templates.js";

export interface IncidentIssue extends IssueRef {
  title: string;
  body: string;
  /** Label names as the webhook reports them, after the event. */
  labels: string[];
  /** Who opened the issue. */
  reporter: string | null;
}

export interface SyncRequest {
  github: GitHubClient;
  issue: IncidentIssue;
  /** The repository's default branch, from the payload. */
  defaultBranch: string;
  loaded: LoadedConfig;
  formSeverity: SeverityKey | null;
  severityLabelAdded: boolean;
  /** firebreak's login as GraphQL names actors (no `[bot]`). */
  appLogin: string;
  now: Date;
}

/**
 * Reading a little more history than the window, on both sides, lets the declaration's first read
 * serve it even when GitHub's clock and ours disagree by a few minutes.
 */
const WINDOW_SLACK_MS = 10 * 60_000;

export async function syncIncident(req: SyncRequest): Promise<SyncPlan | null> {
  const { github, issue, now } = req;
  const { config } = req.loaded;
  const names = config.labels;
  const branch = config.default_branch ?? req.defaultBranch;
  // An issue with no status label has not been set up yet: this is (most likely) the declaration,
  // so the history is read in the same request. Later syncs reuse the suspects kept in the tracker.
  const declaring = statusIn(issue.labels, names) === null;
  const guess = severitiesIn(issue.labels, names)[0] ?? req.formSeverity ?? "sev4";
  const guessWindow = config.severities[guess].suspect_window;
  const context = await fetchIncidentContext(github, {
    ...issue,
    branch,
    history: declaring
      ? {
          since: new Date(now.getTime() - guessWindow - WINDOW_SLACK_MS),
          until: new Date(now.getTime() + WINDOW_SLACK_MS),
          maxCommits: config.suspects.max_scanned,
        }
      : null,
    labelNames: [...Object.values(names.severity), ...Object.values(names.status)],
  });

  const plan = planSync({
    labels: context.labels,
    formSeverity: req.formSeverity,
    severityLabelAdded: req.severityLabelAdded,
    timeline: context.timeline,
    names,
    assignOnDeclare: (severity) => config.severities[severity].assign,
    appLogin: req.appLogin,
    reporter: issue.reporter,
    now,
  });
  if (!plan) return null;

  const renderer = createRenderer(context.overrides);
  const { suspects, branchFound } = await suspectsFor(req, plan, context, branch);
  const info = severityInfo(config, plan.severity);
  const respondFrom = plan.history.severityChanges.at(-1)?.at ?? plan.declaredAt;
  const respond = {
    within: describeResponseTarget(info.respondWithin),
    by: respondBy(respondFrom, info.respondWithin, config.business_day_start),
  };
  const severityView = { tag: severityTag(plan.severity), name: info.name, meaning: info.meaning };
  // Rendered before the tracker so that a broken checklist override is reported in it.
  const checklist = plan.postChecklist
    ? renderer.render("checklist-respond", checklistView(config, plan, severityView, respond))
    : null;
  const escalation = plan.escalation
    ? renderer.render("escalation", {
        marker: plan.escalation.marker,
        escalated: true,
        severity: severityView,
        respond,
        notify: info.notify.length > 0 ? info.notify.join(" ") : null,
      })
    : null;
  const warnings = [...req.loaded.problems];
  if (!branchFound) {
    warnings.push(
      `branch \`${branch}\` does not exist, so no suspects could be listed; fix \`default_branch\` in \`.github/incident.yml\``,
    );
  }
  const trackerInput = {
    severity: info,
    status: plan.status,
    noLongerIncident: plan.noLongerIncident,
    declaredAt: plan.declaredAt,
    respondFrom,
    businessDayStartMinutes: config.business_day_start,
    entries: plan.history.entries,
    suspects,
    warnings: [...warnings, ...renderer.warnings],
    notices: plan.notices,
  };
  const renderTracker = () =>
    renderTrackerWithinLimit(trackerInput, (view) => renderer.render("tracker", view));
  let tracker = renderTracker();
  if (renderer.warnings.length > trackerInput.warnings.length - warnings.length) {
    // The tracker override itself failed while rendering: render the built-in one with that warning.
    trackerInput.warnings = [...warnings, ...renderer.warnings];
    tracker = renderTracker();
  }

  // Labels must exist, with colour and description, before they are put on the issue.
  const missing = new Set(context.missingLabels);
  const severityNames = Object.fromEntries(Object.entries(config.severities).map(([k, v]) => [k, v.name]));
  const toCreate = labelSpecs(names, severityNames as Record<SeverityKey, string>).filter((l) =>
    missing.has(l.name),
  );
  if (toCreate.length > 0) await createLabels(github, issue, toCreate);

  await Promise.all([
    addLabels(github, issue, plan.addLabels),
    ...plan.removeLabels.map((label) => removeLabel(github, issue, label)),
    addAssignees(github, issue, plan.assign),
    plan.trackerId === null
      ? createComment(github, issue, tracker)
      : tracker === plan.trackerBody
        ? null
        : updateComment(github, issue, plan.trackerId, tracker),
    escalation ? createComment(github, issue, escalation) : null,
  ]);
  // The checklist follows the tracker, so it must be posted after it.
  if (checklist) await createComment(github, issue, checklist);
  return plan;
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

async function suspectsFor(
  req: SyncRequest,
  plan: SyncPlan,
  context: IncidentContext,
  branch: string,
): Promise<{ suspects: SuspectsView; branchFound: boolean }> {
  const { config } = req.loaded;
  const windowMs = config.severities[plan.severity].suspect_window;
  const reference = plan.declaredAt;
  const since = new Date(reference.getTime() - windowMs);
  const text = {
    title: req.issue.title,
    body: req.issue.body,
    labels: context.labels.filter((label) => !isIncidentLabel(label, config)),
  };
  const key = suspectsKey({
    reference,
    windowMs,
    branch,
    maxShown: config.suspects.max_shown,
    maxScanned: config.suspects.max_scanned,
    text,
  });
  const tracker = context.timeline.find(
    (item) => item.type === "comment" && item.byApp && plan.trackerId === item.id,
  );
  const cached = tracker?.type === "comment" ? cachedSuspects(tracker.body, key) : null;
  if (cached) return { suspects: cached, branchFound: true };

  const history: ChangesRead =
    context.history && coversWindow(req, since, reference, windowMs)
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

/** Did the declaration's first read (now − window − slack … now + slack) cover the window the plan needs? */
function coversWindow(req: SyncRequest, since: Date, reference: Date, windowMs: number): boolean {
  const { config } = req.loaded;
  const guess = severitiesIn(req.issue.labels, config.labels)[0] ?? req.formSeverity ?? "sev4";
  const readSince = req.now.getTime() - config.severities[guess].suspect_window - WINDOW_SLACK_MS;
  return (
    readSince <= since.getTime() && reference.getTime() <= req.now.getTime() + WINDOW_SLACK_MS && windowMs > 0
  );
}

function isIncidentLabel(label: string, config: Config): boolean {
  return [...Object.values(config.labels.severity), ...Object.values(config.labels.status)].includes(label);
}

function checklistView(
  config: Config,
  plan: SyncPlan,
  severity: { tag: string; name: string; meaning: string },
  respond: { within: string; by: string },
) {
  return {
    marker: CHECKLIST_RESPOND_MARKER,
    severity,
    respond,
    updateEvery: formatDuration(config.severities[plan.severity].update_every),
    isSev1: plan.severity === "sev1",
    isSev2: plan.severity === "sev2",
    isSev3: plan.severity === "sev3",
    isSev4: plan.severity === "sev4",
    urgent: plan.severity === "sev1" || plan.severity === "sev2",
  };
}
