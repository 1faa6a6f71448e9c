// The Probot app: wiring only. Each handler decides from the payload first and costs nothing on
// issues that are not incidents.
import { type Probot, ProbotOctokit } from "probot";
import { appIdentityLoader } from "./github/app-identity.js";
import { APP_REQUEST_POLICY, policyOptions, type RequestPolicy, requestPolicy } from "./github/client.js";
import { handleComment } from "./handlers/comments.js";
import { reportingRefusals } from "./handlers/delivery.js";
import { shareIssueLocks } from "./handlers/issue-lock.js";
import { handleIssueEvent } from "./handlers/issues.js";
import { handlePullRequestClosed } from "./handlers/pull-requests.js";
import { recovering } from "./handlers/recovery.js";

export default function firebreak(app: Probot): void {
  const deps = { identity: appIdentityLoader(() => app.auth()), now: () => new Date() };
  // REDIS_URL (Probot's setting for cluster-wide throttling) also shares the per-issue lock across replicas.
  shareIssueLocks(process.env.REDIS_URL || null, app.log);
  app.on(
    ["issues.opened", "issues.labeled", "issues.unlabeled", "issues.closed", "issues.reopened"],
    reportingRefusals(recovering(handleIssueEvent(deps))),
  );
  app.on("issue_comment.created", reportingRefusals(recovering(handleComment(deps))));
  app.on("pull_request.closed", reportingRefusals(recovering(handlePullRequestClosed(deps))));
}

/**
 * Probot's Octokit with firebreak's request policy (timeouts, which requests may be retried, rate
 * limits: src/github/client.ts). `npm start` (src/main.ts) runs the app with it.
 */
export function firebreakOctokit(policy: RequestPolicy = APP_REQUEST_POLICY): typeof ProbotOctokit {
  return ProbotOctokit.plugin(requestPolicy(policy)).defaults((options: Record<string, unknown>) =>
    policyOptions(options, policy),
  );
}
