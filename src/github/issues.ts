// Writes to issues: comments, labels, assignees. Small functions, one request each.
import type { LabelSpec } from "../core/labels.js";
import type { GitHubClient, IssueRef, RepoRef } from "./client.js";

export interface PostedComment {
  id: number;
  url: string;
}

export async function createComment(
  github: GitHubClient,
  issue: IssueRef,
  body: string,
): Promise<PostedComment> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    body,
  });
  return { id: Number(data.id), url: data.html_url };
}

export async function updateComment(
  github: GitHubClient,
  repo: RepoRef,
  commentId: number,
  body: string,
): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    owner: repo.owner,
    repo: repo.repo,
    comment_id: commentId,
    body,
  });
}

export async function addLabels(github: GitHubClient, issue: IssueRef, labels: string[]): Promise<void> {
  if (labels.length === 0) return;
  await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    labels,
  });
}

/** Removing a label that is already gone is not an error: the goal state holds. */
export async function removeLabel(github: GitHubClient, issue: IssueRef, label: string): Promise<void> {
  try {
    await github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
      owner: issue.owner,
      repo: issue.repo,
      issue_number: issue.issueNumber,
      name: label,
    });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

export async function addAssignees(
  github: GitHubClient,
  issue: IssueRef,
  assignees: string[],
): Promise<void> {
  if (assignees.length === 0) return;
  await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/assignees", {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    assignees,
  });
}

/**
 * Creates the labels a repository lacks, with colour and description, side by side. Another
 * replica creating the same label first (422 already_exists) is fine.
 */
export async function createLabels(github: GitHubClient, repo: RepoRef, labels: LabelSpec[]): Promise<void> {
  await Promise.all(
    labels.map(async (label) => {
      try {
        await github.request("POST /repos/{owner}/{repo}/labels", {
          owner: repo.owner,
          repo: repo.repo,
          ...label,
        });
      } catch (error) {
        if (statusOf(error) !== 422) throw error;
      }
    }),
  );
}

export function statusOf(error: unknown): number | null {
  return typeof error === "object" && error !== null && "status" in error && typeof error.status === "number"
    ? error.status
    : null;
}
