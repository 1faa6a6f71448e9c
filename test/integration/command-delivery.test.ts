// Issue 3, "Cost and correctness": redelivered comments, comments arriving together, and GitHub
// refusing a change.

import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  COMMAND_ID,
  COMMENT_AT,
  declaredSev2,
  incidentComment,
  permissionAnswer,
  timelineWithComment,
} from "../helpers/commands.js";
import { fakeIssue } from "../helpers/fake-issue.js";
import {
  commentId,
  commentNode,
  contextReply,
  labeledNode,
  labelId,
  labelsAfter,
  unlabeledNode,
} from "../helpers/graphql.js";
import {
  deliverComment,
  graphqlQuery,
  operationRequests,
  permissionPath,
  recordRequests,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, declaredTimeline, TRACKER_ID } from "../helpers/incident.js";
import { API, APP_ID, APP_SLUG, githubApi, INSTALLATION_ID, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const lines = (markdown: string | undefined) => (markdown ?? "").split("\n");

describe("a comment delivered again", () => {
  it("is not answered twice: firebreak's reaction on it says it was handled, so only the read is made", async () => {
    const declared = await declaredSev2();
    // GitHub's records after the first delivery: the labels swapped, the comment reacted to.
    const timeline = [
      ...timelineWithComment(declared, { body: "/status identified", reacted: ["THUMBS_UP"] }),
      labeledNode("incident/identified", "2026-11-22T14:20:05Z", "firebreak"),
      unlabeledNode("incident/investigating", "2026-11-22T14:20:05Z", "firebreak"),
    ];
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "write"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline }));
    const sent = recordRequests(scope);

    await deliverComment(testProbot(), incidentComment("/status identified"));

    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
    ]);
    expect(writesSent(sent)).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("delivered twice at once, posts one reply and one reaction", async () => {
    const body = "/update Rolling back #12 now";
    const declared = await declaredSev2();
    const issue = fakeIssue({ timeline: timelineWithComment(declared, { body }) });
    const scope = configFile(configFile(githubApi(), null), null)
      .get(permissionPath("carol"))
      .times(2)
      .reply(() => permissionAnswer("carol", "write"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .times(2)
      .reply(issue.context)
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(issue.writes);
    const sent = recordRequests(scope);

    const probot = testProbot();
    // Settled, not raced: a failure must not leave the other delivery running into the next test.
    const results = await Promise.allSettled([
      deliverComment(probot, incidentComment(body), "created", "same-delivery"),
      deliverComment(probot, incidentComment(body), "created", "same-delivery"),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);

    const [reply = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: updatedComment(sent, TRACKER_NODE) },
        { op: "addComment", body: reply },
        { op: "addReaction", subjectId: commentId(COMMAND_ID), content: "THUMBS_UP" },
      ],
    ]);
    expect(postedComments(sent)).toHaveLength(1);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("two comments at once on the same incident", () => {
  it("applies both in turn: the second reads the first's writes, no status change is lost", async () => {
    const declared = await declaredSev2();
    // Both comments are on GitHub when the first is answered.
    const issue = fakeIssue({
      timeline: [
        ...declaredTimeline(declared, { labeledAt: "2026-11-22T14:01:58Z" }),
        commentNode(2001, "/status identified", COMMENT_AT, { author: "carol" }),
        commentNode(2002, "/status monitoring", "2026-11-22T14:20:01Z", { author: "erin" }),
      ],
    });
    const scope = configFile(configFile(githubApi(), null), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "write"))
      .get(permissionPath("erin"))
      .reply(() => permissionAnswer("erin", "triage"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .times(2)
      .reply(issue.context)
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(4)
      .reply(issue.writes);
    const sent = recordRequests(scope);

    const probot = testProbot();
    // Settled, not raced: a failure must not leave the other delivery running into the next test.
    const results = await Promise.allSettled([
      deliverComment(probot, incidentComment("/status identified", { id: 2001 })),
      deliverComment(
        probot,
        incidentComment("/status monitoring", { id: 2002, by: "erin", at: "2026-11-22T14:20:01Z" }),
      ),
    ]);
    // Every mutation sent must be one GitHub can run (decoding checks it against the schema).
    const writes = writesSent(sent);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);

    const graphql = sent.filter((r) => r.path === "/graphql").map(requestLine);
    expect(graphql).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const [checklist = ""] = postedComments(sent);
    const trackers = writes.flat().filter((op) => op.op === "updateIssueComment");
    expect(writes).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/identified")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] },
      ],
      [trackers[0], { op: "addReaction", subjectId: commentId(2001), content: "THUMBS_UP" }],
      // The second read saw `identified`: that is the label it swaps out.
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/monitoring")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/identified")] },
      ],
      [
        trackers[1],
        { op: "addComment", body: checklist },
        { op: "addReaction", subjectId: commentId(2002), content: "THUMBS_UP" },
      ],
    ]);
    expect(trackers).toHaveLength(2);
    expect(checklist.startsWith("<!-- firebreak:checklist:verify -->")).toBe(true);
    const final = trackers[1]?.body as string;
    expect(final).toContain("## 🔥 SEV2 High incident · monitoring");
    expect(final).toContain("Status **identified** by @&#8203;carol");
    expect(final).toContain("Status **monitoring** by @&#8203;erin");
    // GitHub ends with one severity and the last status.
    expect(labelsAfter(issue.timeline).sort()).toEqual(["incident/monitoring", "incident/sev2"]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("GitHub refusing a change", () => {
  it("says the status was not changed and reacts 😕 when the state mutation is refused", async () => {
    const declared = await declaredSev2();
    const refusal = "Resource not accessible by integration";
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "write"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: timelineWithComment(declared, { body: "/status identified" }) }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ fail: { w0: refusal, w1: refusal } }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment("/status identified")));

    const [reply = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/identified")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] },
      ],
      // The tracker still says investigating, so it is not rewritten; the answer says why.
      [
        { op: "addComment", body: reply },
        { op: "addReaction", subjectId: commentId(COMMAND_ID), content: "CONFUSED" },
      ],
    ]);
    expect(lines(reply)).toContain(
      `❌ \`/status identified\`: GitHub refused the change (${refusal}); nothing was changed`,
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("GitHub failing the permission check", () => {
  it("fails the delivery cleanly, without an unhandled rejection, while the app's identity is being looked up", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      // The first comment after start: the app's identity (GET /app) is still on its way when the
      // permission check fails.
      const scope = configFile(
        nock(API)
          .get("/app")
          .delay(100)
          .reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" })
          .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
          .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} }),
        null,
      )
        .get(permissionPath("carol"))
        .reply(502, { message: "Server Error" })
        .post("/graphql", graphqlQuery("IncidentContext"))
        .optionally()
        .reply(contextReply({ timeline: [] }));

      const delivered = deliverComment(testProbot(), incidentComment("/status identified"));
      await expect(delivered).rejects.toThrow();

      expect(unhandled).toEqual([]);
      expect(scope.pendingMocks()).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });
});
