// `/rollback`: carrying out the reverts a plan asked for, and saying how each went.
import type { TimelineItem } from "../core/model.js";
import type { PendingRollback } from "../core/plan.js";
import { revertBranchName, revertReply } from "../core/revert.js";
import type { GitHubClient, IssueRef } from "../github/client.js";
import { rollback } from "../github/revert.js";

export interface RollbackResults {
  /** The answer to each `/rollback` line. */
  outcomes: Map<number, { ok: boolean; message: string }>;
  /** The pull requests opened, as the issue's timeline will soon record them. */
  references: TimelineItem[];
}

/** One after another: two reverts of the same branch must not race. */
export async function carryOutRollbacks(
  github: GitHubClient,
  issue: IssueRef,
  defaultBranch: string,
  people: { requester: string | null; appLogin: string },
  pending: PendingRollback[],
  now: Date,
): Promise<RollbackResults> {
  const results: RollbackResults = { outcomes: new Map(), references: [] };
  for (const request of pending) {
    const outcome = await rollback(github, {
      owner: issue.owner,
      repo: issue.repo,
      defaultBranch,
      target: request.target,
      issueNumber: issue.issueNumber,
      requester: people.requester,
      reason: request.reason,
    });
    results.outcomes.set(request.line, revertReply(outcome));
    if (outcome.kind === "opened") {
      // As GitHub will record it: firebreak's pull request mentions the incident.
      results.references.push({
        type: "cross-referenced",
        actor: people.appLogin,
        createdAt: now,
        source: {
          kind: "pull_request",
          number: outcome.number,
          title: outcome.title,
          url: outcome.url,
          branch: revertBranchName(issue.issueNumber, outcome.reverted),
          mergedAt: null,
        },
      });
    }
  }
  return results;
}
