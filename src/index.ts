// The Probot app: wiring only. Each handler decides from the payload first and costs nothing on
// issues that are not incidents.
import type { Probot } from "probot";
import { appIdentityLoader } from "./github/app-identity.js";
import { handleComment } from "./handlers/comments.js";
import { handleIssueEvent } from "./handlers/issues.js";
import { handlePullRequestClosed } from "./handlers/pull-requests.js";

export default function firebreak(app: Probot): void {
  const deps = { identity: appIdentityLoader(() => app.auth()), now: () => new Date() };
  app.on(
    ["issues.opened", "issues.labeled", "issues.unlabeled", "issues.closed", "issues.reopened"],
    handleIssueEvent(deps),
  );
  app.on("issue_comment.created", handleComment(deps));
  app.on("pull_request.closed", handlePullRequestClosed(deps));
}
