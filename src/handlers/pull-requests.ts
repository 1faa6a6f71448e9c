// pull_request.closed: a merged rollback pull request changes what its incident's tracker shows.
import type { Context } from "probot";
import { configReader, loadConfig } from "../config/load.js";
import { rollbackIssueOf } from "../core/revert.js";
import { installed } from "./delivery.js";
import { runIncidentOperation } from "./incident-operation.js";
import { withIssueLock } from "./issue-lock.js";
import { defaultBranchOf, type HandlerDeps } from "./issues.js";

export function handlePullRequestClosed(deps: HandlerDeps) {
  return async (context: Context<"pull_request.closed">): Promise<void> => {
    const { pull_request: pr } = context.payload;
    const issueNumber = rollbackIssueOf(pr.head?.ref ?? "");
    // Only a merged rollback of this repository concerns an incident; anything else costs nothing.
    if (
      !pr.merged ||
      issueNumber === null ||
      pr.head.repo?.full_name !== context.payload.repository.full_name ||
      !installed(context)
    )
      return;

    const { owner, repo } = context.repo();
    await withIssueLock(`${owner}/${repo}#${issueNumber}`, async () => {
      await runIncidentOperation({
        github: context.octokit,
        // The read fills in the issue: this webhook is about the pull request.
        issue: { owner, repo, issueNumber, title: "", body: "", labels: [], reporter: null },
        defaultBranch: defaultBranchOf(context.payload.repository),
        loaded: await loadConfig(configReader(context.octokit, { owner, repo })),
        trigger: { kind: "refresh" },
        declaring: false,
        severityHint: null,
        users: [],
        appLogin: (await deps.identity()).slug,
        now: deps.now(),
      });
    });
  };
}
