// Issue 3, "Timeline and metrics": status changes by hand count like commands, closing resolves,
// reopening investigates again, and a re-render from GitHub's records keeps what commands applied.
import { describe, expect, it } from "vitest";
import { COMMAND_ID, COMMENT_AT, declaredSev2, INCIDENT_LABELS } from "../helpers/commands.js";
import {
  commentId,
  commentNode,
  contextReply,
  labeledNode,
  labelId,
  unlabeledNode,
} from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  requestLine,
  type SentRequest,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, declaredTimeline, TRACKER_ID } from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const DECLARED_AT = "2026-11-22T14:01:58Z";
const closedNode = (at: string, actor = "alice") => ({
  __typename: "ClosedEvent",
  createdAt: at,
  actor: { login: actor },
});
const reopenedNode = (at: string, actor = "alice") => ({
  __typename: "ReopenedEvent",
  createdAt: at,
  actor: { login: actor },
});

function tracker(sent: SentRequest[]): string {
  const body = updatedComment(sent, TRACKER_NODE);
  if (body === undefined) throw new Error("the tracker was not updated");
  return body;
}

describe("status labels changed by hand", () => {
  it("count like `/status`: the old status label goes, the tracker and metrics follow", async () => {
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared, { labeledAt: DECLARED_AT }),
            labeledNode("incident/identified", COMMENT_AT, "carol"),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(
      sent,
      deliver(testProbot(), "labeled", {
        labels: [...INCIDENT_LABELS, "incident/identified"],
        label: "incident/identified",
      }),
    );

    expect(writesSent(sent)).toEqual([
      [{ op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] }],
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker(sent) }],
    ]);
    expect(tracker(sent)).toContain("## 🔥 SEV2 High incident · identified");
    expect(tracker(sent)).toContain("- **2026-11-22 14:20 UTC** Status **identified** by @&#8203;carol");
    expect(tracker(sent)).toContain("Time to identify 18 min");
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("closing and reopening", () => {
  it("closing without `/status resolved` resolves the incident at close time", async () => {
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [...declaredTimeline(declared, { labeledAt: DECLARED_AT }), closedNode(COMMENT_AT)],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(sent, deliver(testProbot(), "closed", { labels: INCIDENT_LABELS }));

    const [checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/resolved")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] },
      ],
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker(sent) },
        { op: "addComment", body: checklist },
      ],
    ]);
    expect(tracker(sent)).toContain("## 🔥 SEV2 High incident · resolved");
    expect(tracker(sent)).toContain("Issue closed by @&#8203;alice");
    expect(tracker(sent)).toContain("Time to resolve 18 min");
    expect(checklist.startsWith("<!-- firebreak:checklist:post-incident -->")).toBe(true);
    expect(checklist).toContain("Resolved at **2026-11-22 14:20 UTC**");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reopening returns it to investigating and says so", async () => {
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared, { labeledAt: DECLARED_AT }),
            closedNode("2026-11-22T14:10:00Z"),
            labeledNode("incident/resolved", "2026-11-22T14:10:02Z", "firebreak"),
            unlabeledNode("incident/investigating", "2026-11-22T14:10:02Z", "firebreak"),
            reopenedNode(COMMENT_AT, "bob"),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(
      sent,
      deliver(testProbot(), "reopened", { labels: ["incident/sev2", "incident/resolved"] }),
    );

    expect(writesSent(sent)).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/resolved")] },
      ],
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker(sent) }],
    ]);
    expect(tracker(sent)).toContain("## 🔥 SEV2 High incident · investigating");
    expect(tracker(sent)).toContain("Issue reopened by @&#8203;bob");
    expect(tracker(sent)).toContain(
      "- **2026-11-22 14:20 UTC** Status **investigating** by @&#8203;firebreak",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("re-rendering from GitHub's records", () => {
  it("keeps what a partly refused comment applied, as its reply records it", async () => {
    const declared = await declaredSev2();
    // Earlier: carol's note went in, her `/status fixed` did not (😕 and a reply saying which lines applied).
    const timeline = [
      ...declaredTimeline(declared, { labeledAt: DECLARED_AT }),
      commentNode(COMMAND_ID, "/note Paged the payments team\n/status fixed", "2026-11-22T14:10:00Z", {
        author: "carol",
        reacted: ["CONFUSED"],
      }),
      commentNode(
        3001,
        `<!-- firebreak:reply:${COMMAND_ID} applied:1 -->\n❌ \`/status fixed\`: unknown status`,
        "2026-11-22T14:10:03Z",
        { byApp: true },
      ),
      // Now someone relabels by hand, which re-renders the tracker from these records.
      labeledNode("incident/identified", COMMENT_AT, "erin"),
    ];
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(
      sent,
      deliver(testProbot(), "labeled", {
        labels: [...INCIDENT_LABELS, "incident/identified"],
        label: "incident/identified",
      }),
    );

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(tracker(sent)).toContain("Note by @&#8203;carol: Paged the payments team");
    expect(tracker(sent)).toContain("Status **identified** by @&#8203;erin");
    // carol's note at 14:10 acknowledged the incident.
    expect(tracker(sent)).toContain("Time to acknowledge 8 min");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
