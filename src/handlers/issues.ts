// issues.opened / labeled / unlabeled / closed / reopened: declaring, escalating, resolving.
import type { Context } from "probot";
import { configReader, loadConfig } from "../config/load.js";
import { formSeverity } from "../core/form.js";
import { severitiesIn, severityOfLabel, statusIn, statusOfLabel } from "../core/labels.js";
import type { Trigger } from "../core/plan.js";
import { mightConcernIncident } from "../core/triage.js";
import type { AppIdentity } from "../github/app-identity.js";
import { installed } from "./delivery.js";
import { runIncidentOperation } from "./incident-operation.js";
import { withIssueLock } from "./issue-lock.js";

type IssueEvent = Context<
  "issues.opened" | "issues.labeled" | "issues.unlabeled" | "issues.closed" | "issues.reopened"
>;

export interface HandlerDeps {
  identity: () => Promise<AppIdentity>;
  now: () => Date;
}

export function handleIssueEvent(deps: HandlerDeps) {
  return async (context: IssueEvent): Promise<void> => {
    const { payload } = context;
    if (!mightConcernIncident(payload) || !installed(context)) return;
    // `sender` is missing from some deliveries (GitHub documents it as optional).
    if (payload.sender?.type === "Bot" && payload.sender.login === (await deps.identity()).botLogin) return;

    const { owner, repo } = context.repo();
    const issueNumber = payload.issue.number;
    await withIssueLock(`${owner}/${repo}#${issueNumber}`, async () => {
      const loaded = await loadConfig(configReader(context.octokit, { owner, repo }));
      const names = loaded.config.labels;
      const labels = (payload.issue.labels ?? []).flatMap((label) => (label ? [label.name] : []));
      const changed = "label" in payload && payload.label ? payload.label.name : null;
      const fromForm = payload.action === "opened" ? formSeverity(payload.issue.body) : null;
      const severity = severitiesIn(labels, names)[0] ?? fromForm;
      const isIncident = severity !== null;
      // With the configuration known: was this one of firebreak's labels after all?
      const relevant =
        payload.action === "labeled" || payload.action === "unlabeled"
          ? changed !== null &&
            (severityOfLabel(changed, names) !== null ||
              (statusOfLabel(changed, names) !== null && isIncident))
          : isIncident;
      if (!relevant) return;

      const trigger: Trigger =
        payload.action === "opened"
          ? { kind: "opened", formSeverity: fromForm }
          : payload.action === "labeled" || payload.action === "unlabeled"
            ? { kind: payload.action, label: changed ?? "" }
            : { kind: payload.action };
      await runIncidentOperation({
        github: context.octokit,
        issue: {
          owner,
          repo,
          issueNumber,
          title: payload.issue.title,
          body: payload.issue.body ?? "",
          labels,
          reporter: payload.issue.user?.login ?? null,
        },
        defaultBranch: defaultBranchOf(payload.repository),
        loaded,
        trigger,
        declaring: isIncident && statusIn(labels, names) === null,
        severityHint: severity,
        users: [],
        appLogin: (await deps.identity()).slug,
        now: deps.now(),
      });
    });
  };
}

/** GitHub always names the default branch; a hand-made delivery may not: `main` then (the tracker says if it does not exist). */
export function defaultBranchOf(repository: { default_branch?: string | null }): string {
  return repository.default_branch || "main";
}
