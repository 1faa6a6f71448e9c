// When GitHub fails an operation in a way that may pass (a 5xx, a timeout, a rate limit the request
// policy would not wait out), the operation runs once more from its read: it is safe, because an
// operation reads what GitHub holds and finds firebreak's own comments by their markers (a redelivery
// is handled the same way). If that fails too, the people on the issue are told, once.
import { rollbackIssueOf } from "../core/revert.js";
import { describeFailure, type GitHubClient, isTransient } from "../github/client.js";
import { createRenderer } from "../render/templates.js";

const FAILURE_MARKER = "<!-- firebreak:failure -->";

/** What a failure notice needs of a webhook's payload (issues, issue_comment, pull_request). */
interface Payload {
  action?: string;
  repository?: { name?: string; owner?: { login?: string } | null };
  issue?: { number: number };
  comment?: { html_url?: string };
  label?: { name?: string };
  pull_request?: { number: number; head?: { ref?: string } };
}

interface RecoveryContext {
  id: string;
  name: string;
  payload: Payload;
  octokit: Pick<GitHubClient, "request">;
  log: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

export function recovering<C extends RecoveryContext>(
  handler: (context: C) => Promise<void>,
): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await handler(context);
      return;
    } catch (error) {
      if (!isTransient(error)) throw error;
      context.log.warn(
        { event: context.name, id: context.id },
        `${describeFailure(error)}: handling the ${context.name} event again from the start`,
      );
    }
    try {
      await handler(context);
    } catch (error) {
      if (isTransient(error)) await tellOnce(context, error);
      throw error;
    }
  };
}

/** One comment on the issue saying what could not be finished and how to try again. */
async function tellOnce(context: RecoveryContext, error: unknown): Promise<void> {
  const notice = failureNotice(context.payload, describeFailure(error));
  if (!notice) return;
  const { owner, repo } = notice;
  try {
    await context.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: notice.issueNumber,
      body: createRenderer().render("failure", {
        marker: FAILURE_MARKER,
        what: notice.what,
        reason: notice.reason,
        advice: notice.advice,
        // githubstatus.com speaks for github.com; a GitHub Enterprise Server's status is its admins'.
        statusPage: onGitHubCom(context.octokit) ? "https://www.githubstatus.com" : null,
      }),
    });
  } catch (failed) {
    context.log.error(
      { event: context.name, id: context.id },
      `firebreak could not tell the people on ${owner}/${repo}#${notice.issueNumber} either: ${describeFailure(failed)}`,
    );
  }
}

function onGitHubCom(octokit: RecoveryContext["octokit"]): boolean {
  const baseUrl = octokit.request.endpoint?.DEFAULTS?.baseUrl;
  return !baseUrl || /^https:\/\/api\.github\.com\/?$/.test(baseUrl);
}

const RETRY_ISSUE =
  "Nothing is lost: the labels are the record, and firebreak rebuilds the tracker from the issue's history on the next event here. To try again now, comment `/help`.";

function failureNotice(payload: Payload, reason: string) {
  const owner: string | undefined = payload.repository?.owner?.login;
  const repo: string | undefined = payload.repository?.name;
  if (!owner || !repo) return null;
  if (payload.comment && payload.issue) {
    return {
      owner,
      repo,
      issueNumber: payload.issue.number,
      reason,
      what: `the commands in [this comment](${payload.comment.html_url})`,
      advice:
        "Some of it may have been done: the labels show the status and severity as they stand. Post the commands again in a new comment once GitHub answers; a status, severity or role that is already set is left as it is.",
    };
  }
  if (payload.issue) {
    const label = payload.label?.name ? ` \`${payload.label.name}\`` : "";
    const after =
      payload.action === "labeled"
        ? `after the label${label} was added`
        : payload.action === "unlabeled"
          ? `after the label${label} was removed`
          : `after the issue was ${payload.action}`;
    return {
      owner,
      repo,
      issueNumber: payload.issue.number,
      reason,
      what: `updating this incident ${after}`,
      advice: RETRY_ISSUE,
    };
  }
  const pr = payload.pull_request;
  const issueNumber = pr?.head?.ref ? rollbackIssueOf(pr.head.ref) : null;
  if (!pr || issueNumber === null) return null;
  return {
    owner,
    repo,
    issueNumber,
    reason,
    what: `updating the tracker after #${pr.number} was merged`,
    advice: RETRY_ISSUE,
  };
}
