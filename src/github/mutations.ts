// Writes to an issue as ONE GraphQL request: label and assignee changes, comment edits, new
// comments (posted in the order given) and a reaction. One request whatever the number of
// changes is what keeps a comment with five commands from costing five times one.
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

interface Field {
  type: string;
  input: string;
  selection: string;
  variables: Record<string, unknown>;
}

function field(write: Write, i: number): Field {
  const v = (name: string) => `$w${i}${name}`;
  const simple = "clientMutationId";
  switch (write.kind) {
    case "addLabels":
    case "removeLabels":
      return {
        type: `${v("labels")}: [ID!]!`,
        input: `${write.kind === "addLabels" ? "addLabelsToLabelable" : "removeLabelsFromLabelable"}(input: { labelableId: $subject, labelIds: ${v("labels")} })`,
        selection: simple,
        variables: { [`w${i}labels`]: write.labelIds },
      };
    case "addAssignees":
      return {
        type: `${v("users")}: [ID!]!`,
        input: `addAssigneesToAssignable(input: { assignableId: $subject, assigneeIds: ${v("users")} })`,
        selection: simple,
        variables: { [`w${i}users`]: write.userIds },
      };
    case "updateComment":
      return {
        type: `${v("id")}: ID!, ${v("body")}: String!`,
        input: `updateIssueComment(input: { id: ${v("id")}, body: ${v("body")} })`,
        selection: simple,
        variables: { [`w${i}id`]: write.commentId, [`w${i}body`]: write.body },
      };
    case "addComment":
      return {
        type: `${v("body")}: String!`,
        input: `addComment(input: { subjectId: $subject, body: ${v("body")} })`,
        selection: simple,
        variables: { [`w${i}body`]: write.body },
      };
    case "addReaction":
      return {
        type: `${v("on")}: ID!, ${v("content")}: ReactionContent!`,
        input: `addReaction(input: { subjectId: ${v("on")}, content: ${v("content")} })`,
        selection: simple,
        variables: { [`w${i}on`]: write.subjectId, [`w${i}content`]: write.content },
      };
  }
}

/** The mutation document and variables for a list of writes on one issue (exported for tests). */
export function writesMutation(
  issueId: string,
  writes: Write[],
): { query: string; variables: Record<string, unknown> } {
  const fields = writes.map(field);
  // GitHub rejects a document that declares a variable it does not use.
  const subject = fields.some((f) => f.input.includes("$subject"));
  const types = [...(subject ? ["$subject: ID!"] : []), ...fields.map((f) => f.type)].join(", ");
  const body = fields.map((f, i) => `  w${i}: ${f.input} { ${f.selection} }`).join("\n");
  return {
    query: `mutation FirebreakWrites(${types}) {\n${body}\n}`,
    variables: Object.assign(subject ? { subject: issueId } : {}, ...fields.map((f) => f.variables)),
  };
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
  if (writes.length === 0) return { errors: [] };
  const { query, variables } = writesMutation(issueId, writes);
  let data: Record<string, unknown> | null;
  let problems: Array<{ message: string; path?: Array<string | number> }> = [];
  try {
    data = await github.graphql<Record<string, unknown>>(query, variables);
  } catch (error) {
    if (!isResponseError(error)) throw error;
    data = error.data ?? null;
    problems = error.errors;
  }
  const errors = writes.map((_, i) => {
    const problem = problems.find((p) => p.path?.[0] === `w${i}`);
    if (problem) return problem.message;
    return data?.[`w${i}`] == null ? "GitHub did not carry out this change" : null;
  });
  return { errors };
}

function isResponseError(error: unknown): error is {
  data?: Record<string, unknown>;
  errors: Array<{ message: string; path?: Array<string | number> }>;
} {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: string }).name === "GraphqlResponseError" &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}
