// issues.opened / labeled / unlabeled: declaring, escalating and un-declaring incidents.
import type { Context } from "probot";
import { loadConfig } from "../config/load.js";
import { formSeverity } from "../core/form.js";
import { severitiesIn, severityOfLabel, statusOfLabel } from "../core/labels.js";
import { mightConcernIncident } from "../core/triage.js";
import type { AppIdentity } from "../github/app-identity.js";
import { withIssueLock } from "./issue-lock.js";
import { syncIncident } from "./sync-incident.js";

type IssueEvent = Context<"issues.opened" | "issues.labeled" | "issues.unlabeled">;

export interface HandlerDeps {
  identity: () => Promise<AppIdentity>;
  now: () => Date;
}

export function handleIssueEvent(deps: HandlerDeps) {
  return async (context: IssueEvent): Promise<void> => {
    const { payload } = context;
    if (!mightConcernIncident(payload)) return;
    if (payload.sender.type === "Bot" && payload.sender.login === (await deps.identity()).botLogin) return;

    const { owner, repo } = context.repo();
    const issueNumber = payload.issue.number;
    await withIssueLock(`${owner}/${repo}#${issueNumber}`, async () => {
      const loaded = await loadConfig((file) => context.config(file));
      const names = loaded.config.labels;
      const labels = (payload.issue.labels ?? []).map((label) => label.name);
      const changed = "label" in payload && payload.label ? payload.label.name : null;
      const fromForm = payload.action === "opened" ? formSeverity(payload.issue.body) : null;
      const isIncident = severitiesIn(labels, names).length > 0 || fromForm !== null;
      // With the configuration known: was this one of firebreak's labels after all?
      const relevant =
        payload.action === "opened"
          ? isIncident
          : changed !== null &&
            (severityOfLabel(changed, names) !== null ||
              (statusOfLabel(changed, names) !== null && isIncident));
      if (!relevant) return;

      const identity = await deps.identity();
      await syncIncident({
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
        defaultBranch: payload.repository.default_branch,
        loaded,
        formSeverity: fromForm,
        severityLabelAdded:
          payload.action !== "unlabeled" && changed !== null && severityOfLabel(changed, names) !== null,
        appLogin: identity.slug,
        now: deps.now(),
      });
    });
  };
}
