// Writes to an issue as ONE GraphQL request: label and assignee changes, comment edits, new
// comments (posted in the order given) and a reaction. One request whatever the number of
// changes is what keeps a comment with five commands from costing five times one.
import { batchMutation, type MutationField, performBatch } from "./batch.js";
import type { GitHubClient } from "./client.js";

export type Write =
  | { kind: "addLabels"; labelIds: string[] }
  | { kind: "removeLabels"; labelIds: string[] }
  | { kind: "addAssignees"; userIds: string[] }
  | { kind: "updateComment"; commentId: string; body: string }
  | { kind: "addComment"; body: string }
  | { kind: "addReaction"; subjectId: string; content: "THUMBS_UP" | "CONFUSED" };

export interface WriteResult {
  /** Per write, in order: null when it succeeded, else GitHub's message. */
  errors: Array<string | null>;
}

const OPERATION = "FirebreakWrites";

function field(write: Write, issueId: string): MutationField {
  switch (write.kind) {
    case "addLabels":
      return { field: "addLabelsToLabelable", input: { labelableId: issueId, labelIds: write.labelIds } };
    case "removeLabels":
      return {
        field: "removeLabelsFromLabelable",
        input: { labelableId: issueId, labelIds: write.labelIds },
      };
    case "addAssignees":
      return {
        field: "addAssigneesToAssignable",
        input: { assignableId: issueId, assigneeIds: write.userIds },
      };
    case "updateComment":
      return { field: "updateIssueComment", input: { id: write.commentId, body: write.body } };
    case "addComment":
      return { field: "addComment", input: { subjectId: issueId, body: write.body } };
    case "addReaction":
      return { field: "addReaction", input: { subjectId: write.subjectId, content: write.content } };
  }
}

/** The mutation document and variables for a list of writes on one issue (exported for tests). */
export function writesMutation(
  issueId: string,
  writes: Write[],
): { query: string; variables: Record<string, unknown> } {
  return batchMutation(
    OPERATION,
    writes.map((write) => field(write, issueId)),
  );
}

/**
 * Performs the writes, in order, in one request. GitHub carries on past a write that fails, so the
 * result says which did not happen; a failure of the request itself (network, 5xx) throws.
 */
export async function performWrites(
  github: GitHubClient,
  issueId: string,
  writes: Write[],
): Promise<WriteResult> {
  const results = await performBatch(
    github,
    OPERATION,
    writes.map((write) => field(write, issueId)),
  );
  return { errors: results.map((result) => result.error) };
}
