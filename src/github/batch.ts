// Several GraphQL mutations as ONE request, each field with its own input variable. GitHub runs the
// fields in order and carries on past one that fails, so the result says, per field, what happened.
import type { GitHubClient } from "./client.js";

export interface MutationField {
  /** The mutation's name, e.g. `createIssue`; its input type is `CreateIssueInput`. */
  field: string;
  input: Record<string, unknown>;
  /** What to read back; `clientMutationId` when nothing is needed. */
  selection?: string;
}

export interface FieldResult<T = unknown> {
  data: T | null;
  /** GitHub's message when the field failed; null when it succeeded. */
  error: string | null;
  /** GitHub's error type (FORBIDDEN, NOT_FOUND, UNPROCESSABLE…), when it gave one. */
  type: string | null;
}

/** The document and variables for a batch (exported for schema validation in tests). */
export function batchMutation(
  name: string,
  fields: MutationField[],
): { query: string; variables: Record<string, unknown> } {
  const inputType = (field: string) => `${field[0]?.toUpperCase()}${field.slice(1)}Input`;
  const declarations = fields.map((f, i) => `$w${i}: ${inputType(f.field)}!`).join(", ");
  const body = fields
    .map((f, i) => `  w${i}: ${f.field}(input: $w${i}) { ${f.selection ?? "clientMutationId"} }`)
    .join("\n");
  return {
    query: `mutation ${name}(${declarations}) {\n${body}\n}`,
    variables: Object.fromEntries(fields.map((f, i) => [`w${i}`, f.input])),
  };
}

/**
 * Performs the fields in one request. A field GitHub refused has its message in `error`; a failure
 * of the request itself (network, 401, 5xx, a rejected document) throws.
 */
export async function performBatch<T = unknown>(
  github: GitHubClient,
  name: string,
  fields: MutationField[],
): Promise<Array<FieldResult<T>>> {
  if (fields.length === 0) return [];
  const { query, variables } = batchMutation(name, fields);
  let data: Record<string, unknown> | null;
  let problems: GraphqlProblem[] = [];
  try {
    data = await github.graphql<Record<string, unknown>>(query, variables);
  } catch (error) {
    if (!isGraphqlResponseError(error) || !error.data) throw error;
    data = error.data;
    problems = error.errors;
  }
  return fields.map((_, i) => {
    const problem = problems.find((p) => p.path?.[0] === `w${i}`);
    const value = (data?.[`w${i}`] ?? null) as T | null;
    if (problem) return { data: value, error: problem.message, type: problem.type ?? null };
    return value === null
      ? { data: null, error: "GitHub did not carry out this change", type: null }
      : { data: value, error: null, type: null };
  });
}

export interface GraphqlProblem {
  message: string;
  type?: string;
  path?: Array<string | number>;
}

export function isGraphqlResponseError(
  error: unknown,
): error is { name: string; data?: Record<string, unknown>; errors: GraphqlProblem[]; message: string } {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: string }).name === "GraphqlResponseError" &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

/**
 * A query whose only errors are NOT_FOUND on the given aliases (a login GitHub does not know), or
 * ones `alsoAllowed` accepts, still answered the rest: its data is the read, with those fields null.
 */
export async function allowNotFound<T extends Record<string, unknown>>(
  read: Promise<T>,
  aliases: RegExp,
  alsoAllowed: (problem: GraphqlProblem) => boolean = () => false,
): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (
      isGraphqlResponseError(error) &&
      error.data &&
      error.errors.every(
        (e) => (e.type === "NOT_FOUND" && aliases.test(String(e.path?.[0] ?? ""))) || alsoAllowed(e),
      )
    ) {
      return error.data as T;
    }
    throw error;
  }
}
