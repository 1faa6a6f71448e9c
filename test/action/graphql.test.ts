// Every GraphQL document the Action sends, validated against GitHub's published schema, so a field
// GitHub does not have (or a type that does not fit) fails here rather than in a workflow.
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { batchMutation } from "../../src/github/batch.js";
import { followUpPrepQuery } from "../../src/github/follow-ups.js";
import {
  MERGED_POSTMORTEM_QUERY,
  POSTMORTEM_READ_QUERY,
  POSTMORTEM_TIMELINE_QUERY,
} from "../../src/github/postmortem.js";
import { PROJECT_QUERY } from "../../src/github/projects.js";
import { REMINDERS_QUERY } from "../../src/github/reminders.js";
import { githubSchema } from "./fake-github.js";

const errorsOf = (document: string) => validate(githubSchema(), parse(document)).map((e) => e.message);

describe("the Action's GraphQL documents against GitHub's schema", () => {
  it.each([
    ["PostmortemRead", POSTMORTEM_READ_QUERY],
    ["PostmortemTimeline", POSTMORTEM_TIMELINE_QUERY],
    ["MergedPostmortem", MERGED_POSTMORTEM_QUERY],
    ["FollowUpPrep", followUpPrepQuery(0)],
    ["FollowUpPrep", followUpPrepQuery(3)],
    ["ProjectFields", PROJECT_QUERY.organization],
    ["ProjectFields", PROJECT_QUERY.user],
    ["ReminderSweep", REMINDERS_QUERY],
    [
      "FirebreakReminders",
      batchMutation("FirebreakReminders", [{ field: "addComment", input: { subjectId: "I", body: "b" } }])
        .query,
    ],
    [
      "FirebreakFollowUps",
      batchMutation("FirebreakFollowUps", [
        {
          field: "createIssue",
          input: { repositoryId: "R", title: "t", body: "b", labelIds: ["L"], assigneeIds: ["U"] },
          selection: "issue { id number url }",
        },
      ]).query,
    ],
    [
      "FirebreakPostmortem",
      batchMutation("FirebreakPostmortem", [
        { field: "addLabelsToLabelable", input: {} },
        { field: "requestReviews", input: {} },
        { field: "addComment", input: {} },
        { field: "updateIssueComment", input: {} },
        { field: "addReaction", input: {} },
      ]).query,
    ],
    [
      "FirebreakBoardItems",
      batchMutation("FirebreakBoardItems", [
        {
          field: "addProjectV2ItemById",
          input: {},
          selection:
            "item { id fieldValues(first: 50) { nodes { ... on ProjectV2ItemFieldValueCommon { field { ... on ProjectV2FieldCommon { id } } } } } }",
        },
      ]).query,
    ],
    [
      "FirebreakBoardFields",
      batchMutation("FirebreakBoardFields", [{ field: "updateProjectV2ItemFieldValue", input: {} }]).query,
    ],
  ])("%s is valid", (name, document) => {
    const operation = parse(document).definitions.find((d) => d.kind === "OperationDefinition");
    expect(operation && "name" in operation ? operation.name?.value : null).toBe(name);
    expect(errorsOf(document)).toEqual([]);
  });

  it("would catch a field GitHub does not have", () => {
    const broken = POSTMORTEM_READ_QUERY.replace(
      "viewerDidAuthor createdAt body",
      "viewerDidAuthr createdAt body",
    );
    expect(broken).not.toBe(POSTMORTEM_READ_QUERY);
    expect(errorsOf(broken)).toEqual([expect.stringContaining('Cannot query field "viewerDidAuthr"')]);
  });

  it("would catch a mutation input of the wrong type", () => {
    const { query } = batchMutation("X", [{ field: "createIssue", input: {} }]);
    expect(errorsOf(query.replace("CreateIssueInput", "AddCommentInput"))).not.toEqual([]);
  });
});
