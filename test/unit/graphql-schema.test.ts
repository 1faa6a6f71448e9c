// Every GraphQL document firebreak sends, validated against GitHub's published schema, so a field
// GitHub does not have (or an argument of the wrong type) fails here rather than in production.
import { schema as published } from "@octokit/graphql-schema";
import { buildSchema, type GraphQLSchema, parse, validate } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import {
  HISTORY_QUERY,
  INCIDENT_CONTEXT_QUERY,
  incidentContextQuery,
  LATEST_TIMELINE_QUERY,
  MORE_TIMELINE_QUERY,
} from "../../src/github/incident-context.js";
import { writesMutation } from "../../src/github/mutations.js";

let schema: GraphQLSchema;

beforeAll(() => {
  // The published SDL defines one field twice, which full SDL validation rejects.
  schema = buildSchema(published.idl, { assumeValidSDL: true });
});

function errorsOf(document: string): string[] {
  return validate(schema, parse(document)).map((error) => error.message);
}

describe("firebreak's GraphQL documents against GitHub's schema", () => {
  it.each([
    ["IncidentContext", INCIDENT_CONTEXT_QUERY],
    ["MoreTimeline", MORE_TIMELINE_QUERY],
    ["LatestTimeline", LATEST_TIMELINE_QUERY],
    ["History", HISTORY_QUERY],
    ["IncidentContext", incidentContextQuery(3)],
    [
      "FirebreakWrites",
      writesMutation("I_1", [
        { kind: "removeLabels", labelIds: ["LA_1"] },
        { kind: "addLabels", labelIds: ["LA_2"] },
        { kind: "addAssignees", userIds: ["U_1"] },
        { kind: "updateComment", commentId: "IC_1", body: "tracker" },
        { kind: "addComment", body: "reply" },
        { kind: "addReaction", subjectId: "IC_2", content: "THUMBS_UP" },
      ]).query,
    ],
  ])("%s is valid", (name, document) => {
    const ast = parse(document);
    const operation = ast.definitions.find((d) => d.kind === "OperationDefinition");
    expect(operation && "name" in operation ? operation.name?.value : null).toBe(name);
    expect(errorsOf(document)).toEqual([]);
  });

  it("catches a field GitHub does not have, so the check can fail", () => {
    const broken = HISTORY_QUERY.replace("messageHeadline", "messageHeadlien");
    expect(broken).not.toBe(HISTORY_QUERY);
    const errors = errorsOf(broken);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Cannot query field "messageHeadlien" on type "Commit"');
  });

  it("catches a variable of the wrong type", () => {
    const broken = MORE_TIMELINE_QUERY.replace("$issue: Int!", "$issue: String!");
    expect(errorsOf(broken)).toEqual([expect.stringContaining('Variable "$issue" of type "String!"')]);
  });
});
