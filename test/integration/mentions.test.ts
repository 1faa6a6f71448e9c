import { describe, expect, it } from "vitest";
import {
  commitNode,
  contextReply,
  crossReferenceNode,
  labeledNode,
  labelId,
  renamedNode,
} from "../helpers/graphql.js";
import { deliver, graphqlQuery, liveMentions, recordRequests, useFixedClock } from "../helpers/harness.js";
import { configFile, suspectRow, TRACKER_ID } from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const TITLE = "Checkout down since @bob's card retry";
const PR_TITLE = "@carol fixed the card retry";

describe("mentions", () => {
  it("never pings people named in the issue or in pull requests; only the notify list is paged", async () => {
    const scope = configFile(githubApi(), "severities:\n  sev2:\n    notify: ['@acme/oncall', dave]\n")
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            renamedNode("Checkout down", TITLE, "2026-11-22T14:01:00Z"),
            crossReferenceNode(
              { kind: "PullRequest", number: 31, title: PR_TITLE },
              "2026-11-22T14:01:30Z",
              "carol",
            ),
            labeledNode("incident/sev2", "2026-11-22T14:01:58Z"),
          ],
          commits: [
            commitNode({
              sha: "d".repeat(40),
              headline: `${PR_TITLE} (#31)`,
              committedDate: "2026-11-22T12:00:00Z",
              author: "carol",
              pr: {
                number: 31,
                title: PR_TITLE,
                mergedAt: "2026-11-22T12:00:00Z",
                files: ["src/checkout/card.ts"],
              },
            }),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "labeled", {
      title: TITLE,
      body: "@bob saw it first; cc @erin",
      labels: ["incident/sev2"],
      label: "incident/sev2",
    });

    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    // Shown, but with a zero-width space that keeps GitHub from notifying.
    expect(tracker).toContain("Retitled to “Checkout down since @&#8203;bob's card retry”");
    expect(tracker).toContain("@&#8203;carol fixed the card retry");
    expect(suspectRow(tracker, 1)).toContain(
      "[#31](https://github.com/acme/shop/pull/31) @&#8203;carol fixed",
    );
    expect(suspectRow(tracker, 1)).toContain("| @&#8203;carol |");
    // The only live mentions are the configured pages.
    expect(tracker).toContain("Paging @acme/oncall @dave.");
    expect(liveMentions(tracker)).toEqual(["@acme/oncall", "@dave"]);
    expect(liveMentions(checklist)).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
