// `/notice` with a status file: GitHub's answers to the StatusNoticeTarget read and the
// FirebreakStatusNotice mutation, and that mutation read back as a list of operations.
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
import { OWNER, REPO } from "./payloads.js";

type Json = Record<string, any>;

export const REPOSITORY_ID = "R_shop";
export const STATUS_BRANCH = "firebreak/status-notices";
export const BRANCH_REF_ID = "REF_status";
/** The default branch's head, and the standing branch's when it has one. */
export const BASE_OID = "c".repeat(40);
export const BRANCH_OID = "d".repeat(40);
export const NEW_COMMIT_OID = "e".repeat(40);

/** A body matcher for a GraphQL document by operation name. */
export function graphqlOperation(name: "StatusNoticeTarget" | "FirebreakStatusNotice") {
  const kind = name === "FirebreakStatusNotice" ? "mutation" : "query";
  return (body: any): boolean =>
    typeof body?.query === "string" && new RegExp(`\\b${kind} ${name}\\b`).test(body.query);
}

export interface TargetOptions {
  /** The standing branch's head; null when it does not exist. */
  branch?: string | null;
  /** The open pull request from it. */
  pullRequest?: number | null;
  /** The status file's text on the branch and on the base branch; null when absent. */
  branchFile?: string | null;
  baseFile?: string | null;
  /** The base branch is missing. */
  noBase?: boolean;
}

/** GitHub's answer to StatusNoticeTarget. */
export function targetResponse(o: TargetOptions = {}): Json {
  const blob = (text: string | null | undefined) =>
    text === null || text === undefined ? null : { text, isTruncated: false, isBinary: false };
  return {
    data: {
      repository: {
        id: REPOSITORY_ID,
        nameWithOwner: `${OWNER}/${REPO}`,
        branchRef: o.branch ? { id: BRANCH_REF_ID, target: { oid: o.branch } } : null,
        baseRef: o.noBase ? null : { target: { oid: BASE_OID } },
        pullRequests: {
          nodes: o.pullRequest
            ? [
                {
                  number: o.pullRequest,
                  url: `https://github.com/${OWNER}/${REPO}/pull/${o.pullRequest}`,
                  isCrossRepository: false,
                },
              ]
            : [],
        },
        branchFile: o.branch ? blob(o.branchFile) : null,
        baseFile: blob(o.baseFile),
      },
    },
  };
}

let schema: GraphQLSchema | null = null;

/** The operations of a FirebreakStatusNotice mutation, in order, validated against GitHub's schema. */
export function decodeStatusNotice(body: { query: string; variables?: Json }): Json[] {
  schema ??= buildSchema(published.idl, { assumeValidSDL: true });
  const document = parse(body.query);
  const problems = validate(schema, document).map((error) => error.message);
  if (problems.length > 0) throw new Error(`FirebreakStatusNotice is not valid: ${problems.join("; ")}`);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation?.name?.value !== "FirebreakStatusNotice") throw new Error("not a FirebreakStatusNotice");
  const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return fields.map((field, i) => {
    if (field.alias?.value !== `w${i}`) throw new Error(`field ${i} is not aliased w${i}`);
    const input = field.arguments?.find((a) => a.name.value === "input");
    return {
      op: field.name.value,
      ...(input ? (valueFromASTUntyped(input.value, body.variables) as Json) : {}),
    };
  });
}

/** The file a `createCommitOnBranch` operation writes, decoded. */
export function committedFile(op: Json): { path: string; text: string } {
  const [addition] = op.fileChanges.additions;
  return { path: addition.path, text: Buffer.from(addition.contents, "base64").toString("utf8") };
}

/**
 * A nock reply for FirebreakStatusNotice: every field succeeds (the pull request opened is
 * `pullRequest`), except the aliases in `fail`, answered with GitHub's error.
 */
export function answerStatusNotice(o: { pullRequest?: number; fail?: Record<string, string> } = {}) {
  return (_uri: string, body: any): [number, Json] => {
    const ops = decodeStatusNotice(body);
    const data: Json = {};
    const errors: Json[] = [];
    ops.forEach((op, i) => {
      const alias = `w${i}`;
      const refusal = o.fail?.[alias];
      if (refusal !== undefined) {
        data[alias] = null;
        errors.push({ type: "UNPROCESSABLE", path: [alias], message: refusal });
        return;
      }
      data[alias] =
        op.op === "createPullRequest"
          ? {
              pullRequest: {
                number: o.pullRequest ?? 57,
                url: `https://github.com/${OWNER}/${REPO}/pull/${o.pullRequest ?? 57}`,
              },
            }
          : op.op === "createCommitOnBranch"
            ? { commit: { oid: NEW_COMMIT_OID } }
            : { ref: { id: BRANCH_REF_ID } };
    });
    return [200, errors.length > 0 ? { data, errors } : { data }];
  };
}
