// Creating firebreak's labels where a repository lacks them: once per repository, over REST.
import type { LabelSpec } from "../core/labels.js";
import type { GitHubClient, RepoRef } from "./client.js";

/**
 * Creates the labels, with colour and description, side by side, and returns their node ids by
 * name. Another replica creating the same label first (422) is fine: the label is read back.
 */
export async function createLabels(
  github: GitHubClient,
  repo: RepoRef,
  labels: LabelSpec[],
): Promise<Record<string, string>> {
  const created = await Promise.all(
    labels.map(async (label) => {
      const where = { owner: repo.owner, repo: repo.repo };
      try {
        const { data } = await github.request("POST /repos/{owner}/{repo}/labels", { ...where, ...label });
        return [label.name, data.node_id] as const;
      } catch (error) {
        if (statusOf(error) !== 422) throw error;
        const { data } = await github.request("GET /repos/{owner}/{repo}/labels/{name}", {
          ...where,
          name: label.name,
        });
        return [label.name, data.node_id] as const;
      }
    }),
  );
  return Object.fromEntries(created);
}

export function statusOf(error: unknown): number | null {
  return typeof error === "object" && error !== null && "status" in error && typeof error.status === "number"
    ? error.status
    : null;
}

/** Puts the issue's labels back as they were, in one request: the undo of a label swap GitHub carried out in part. */
export async function restoreLabels(
  github: GitHubClient,
  issue: RepoRef & { issueNumber: number },
  labels: string[],
) {
  await github.request("PUT /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    labels,
  });
}
