// firebreak writes to an issue with the `FirebreakWrites` GraphQL mutation (one for label and
// assignee changes, one for the tracker, comments and the reaction). These helpers read such a
// request back as a list of operations a test can compare, and answer it as GitHub would.
import { schema as published } from "@octokit/graphql-schema";
import {
  buildSchema,
  type FieldNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
  valueFromASTUntyped,
} from "graphql";
import { ISSUE_NODE_ID } from "./graphql.js";
import type { SentRequest } from "./harness.js";
import { OWNER, REPO } from "./payloads.js";

type Json = Record<string, any>;

/**
 * One field of a FirebreakWrites mutation, its input resolved, the issue as subject left out:
 * `{ op: "addLabelsToLabelable", labelIds }`, `{ op: "removeLabelsFromLabelable", labelIds }`,
 * `{ op: "addAssigneesToAssignable", assigneeIds }`, `{ op: "updateIssueComment", id, body }`,
 * `{ op: "addComment", body }`, `{ op: "addReaction", subjectId, content }`, …
 */
export type WriteOp = { op: string; [input: string]: any };

/** Input fields that name the issue written to; the decoded ops leave them out when they do. */
const SUBJECT_FIELDS = ["labelableId", "assignableId", "subjectId", "issueId"];

let schema: GraphQLSchema | null = null;

/** GitHub's published schema (built once per test file; the SDL defines one field twice). */
function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(published.idl, { assumeValidSDL: true });
  return schema;
}

export function isWritesRequest(request: { path: string; body?: any }): boolean {
  return (
    request.path === "/graphql" &&
    typeof request.body?.query === "string" &&
    /\bmutation FirebreakWrites\b/.test(request.body.query)
  );
}

/**
 * The operations of one FirebreakWrites request, in order, with their variables resolved. Throws
 * when the document is not valid against GitHub's schema, when the aliases are not w0, w1, … in
 * order, or when the variables sent do not match those the document declares.
 */
export function decodeWrites(body: { query: string; variables?: Json }, issueId = ISSUE_NODE_ID): WriteOp[] {
  const document = parse(body.query);
  const problems = validate(githubSchema(), document).map((error) => error.message);
  if (problems.length > 0) throw new Error(`FirebreakWrites is not valid: ${problems.join("; ")}`);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation?.operation !== "mutation" || operation.name?.value !== "FirebreakWrites")
    throw new Error("not a FirebreakWrites mutation");
  const variables = body.variables ?? {};
  const declared = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
  const extra = Object.keys(variables).filter((name) => !declared.includes(name));
  if (extra.length > 0) throw new Error(`variables the mutation does not declare: ${extra.join(", ")}`);
  const missing = (operation.variableDefinitions ?? [])
    .filter((v) => v.type.kind === Kind.NON_NULL_TYPE && variables[v.variable.name.value] == null)
    .map((v) => v.variable.name.value);
  if (missing.length > 0) throw new Error(`required variables not sent: ${missing.join(", ")}`);

  const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return fields.map((field, i) => {
    if (field.alias?.value !== `w${i}`)
      throw new Error(`field ${i} is aliased ${field.alias?.value ?? "(none)"}, not w${i}`);
    const input = field.arguments?.find((a) => a.name.value === "input");
    const resolved = (input ? valueFromASTUntyped(input.value, variables) : {}) as Json;
    const op: Json = { op: field.name.value };
    for (const [key, value] of Object.entries(resolved)) {
      if (SUBJECT_FIELDS.includes(key) && value === issueId) continue;
      op[key] = value;
    }
    return op as WriteOp;
  });
}

/** The FirebreakWrites requests among those sent, each decoded, in the order they were sent. */
export function writesSent(sent: SentRequest[]): WriteOp[][] {
  return sent.filter(isWritesRequest).map((request) => decodeWrites(request.body));
}

/** Just the operation names of each FirebreakWrites request: `[["addLabelsToLabelable"], …]`. */
export function writeOpNames(sent: SentRequest[]): string[][] {
  return writesSent(sent).map((ops) => ops.map((op) => op.op));
}

/** The bodies of the comments firebreak created (`addComment`), in the order they were posted. */
export function postedComments(sent: SentRequest[]): string[] {
  return writesSent(sent).flatMap((ops) =>
    ops.flatMap((op) => (op.op === "addComment" ? [op.body as string] : [])),
  );
}

/** The body the tracker comment was updated to (`updateIssueComment`), or undefined. */
export function updatedComment(sent: SentRequest[], nodeId: string): string | undefined {
  const updates = writesSent(sent)
    .flat()
    .filter((op) => op.op === "updateIssueComment" && op.id === nodeId);
  if (updates.length > 1) throw new Error(`comment ${nodeId} was updated ${updates.length} times`);
  return updates[0]?.body as string | undefined;
}

export interface WritesAnswer {
  /** The databaseId GitHub gives the first comment created; the next ones count on. */
  firstCommentId?: number;
  /** Aliases (`w0`, …) GitHub refuses, with its message: their data is null and `errors` names them. */
  fail?: Record<string, string>;
  /**
   * Called with the operations GitHub carried out (the refused ones left out), each `addComment`
   * with the databaseId it was given, before the answer goes back: keeps a stateful fake in step.
   */
  onWrites?: (applied: Array<WriteOp & { createdId?: number }>) => void;
}

/**
 * A nock reply function for FirebreakWrites: every field succeeds (an `addComment` answers with
 * the new comment's databaseId and url), except the aliases in `fail`, which come back null with a
 * GraphQL error, as GitHub answers them (status 200).
 */
export function answerWrites(o: WritesAnswer = {}) {
  let next = o.firstCommentId ?? 2001;
  return (_uri: string, body: any): [number, Json] => {
    let ops: WriteOp[];
    try {
      ops = decodeWrites(body);
    } catch (error) {
      // GitHub answers a document it cannot run with errors and no data (status 200), running nothing.
      return [200, { errors: [{ message: error instanceof Error ? error.message : String(error) }] }];
    }
    const applied: Array<WriteOp & { createdId?: number }> = [];
    const data: Json = {};
    const errors: Json[] = [];
    ops.forEach((op, i) => {
      const alias = `w${i}`;
      const refusal = o.fail?.[alias];
      if (refusal !== undefined) {
        data[alias] = null;
        errors.push({
          type: "FORBIDDEN",
          path: [alias],
          locations: [{ line: i + 2, column: 3 }],
          message: refusal,
        });
        return;
      }
      if (op.op === "addComment") {
        const id = next++;
        applied.push({ ...op, createdId: id });
        data[alias] = {
          commentEdge: {
            node: { databaseId: id, url: `https://github.com/${OWNER}/${REPO}/issues/42#issuecomment-${id}` },
          },
        };
      } else {
        applied.push(op);
        data[alias] = { clientMutationId: null };
      }
    });
    o.onWrites?.(applied);
    return [200, errors.length > 0 ? { data, errors } : { data }];
  };
}

/**
 * Awaits a delivery. When it fails, a FirebreakWrites document GitHub could not run is named first
 * (its validation error is the cause; the app only learns that nothing was carried out).
 */
export async function settled(sent: SentRequest[], delivery: Promise<void>): Promise<void> {
  try {
    await delivery;
  } catch (error) {
    writesSent(sent);
    throw error;
  }
}
