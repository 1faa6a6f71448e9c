// Issue 7: a command on an incident with thousands of records stays within its budget (≤ 4
// requests beyond the permission check): the tracker carries a checkpoint of the replay, and the
// app reads only the records after it, from the end of the timeline backwards.
import { describe, expect, it } from "vitest";
import {
  COMMAND_ID,
  DECLARED_AT,
  declaredSev2,
  incidentComment,
  permissionAnswer,
} from "../helpers/commands.js";
import { commentId, commentNode, contextReply, labelsAfter, timelinePage } from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliverComment,
  graphqlQuery,
  permissionPath,
  recordRequests,
  requestLine,
  roundTrips,
  type SentRequest,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, declaredTimeline, TRACKER_ID } from "../helpers/incident.js";
import { OWNER, REPO } from "../helpers/payloads.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, settled, updatedComment, writesSent } from "../helpers/writes.js";

type Json = Record<string, any>;

useFixedClock(new Date("2026-11-22T18:00:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const CHECKPOINT = /<!-- firebreak:replay [A-Za-z0-9+/=]+ -->$/;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
const declaredAt = Date.parse(DECLARED_AT);

/** `count` answered `/note`s from the responders, one every two seconds after the declaration. */
function chatter(count: number, firstId = 5000): Json[] {
  return Array.from({ length: count }, (_, i) =>
    commentNode(firstId + i, `/note checked shard ${i}`, iso(declaredAt + 60_000 + i * 2000), {
      author: i % 2 ? "bob" : "erin",
      reacted: ["THUMBS_UP"],
    }),
  );
}

/** The IncidentContext answer: the timeline's first page, and a cursor when there is more. */
function firstPage(timeline: Json[]) {
  return contextReply({
    timeline: timeline.slice(0, 100),
    timelineNext: timeline.length > 100 ? "cursor-100" : null,
    issueLabels: labelsAfter(timeline),
  });
}

/** The LatestTimeline answer: the last 100 records before a cursor, as GitHub pages backwards. */
function latestPage(timeline: Json[], before: string | null) {
  const end = before === null ? timeline.length : Number(before.replace("cursor-", ""));
  const start = Math.max(0, end - 100);
  return {
    data: {
      repository: {
        issue: {
          timelineItems: {
            pageInfo: { hasPreviousPage: start > 0, startCursor: `cursor-${start}` },
            nodes: timeline.slice(start, end),
          },
        },
      },
    },
  };
}

async function command(
  timeline: Json[],
  body: string,
  o: { id: number; at: string; reads: "forward" | "latest"; mutations?: number },
): Promise<{ sent: SentRequest[]; tracker: string | undefined; pending: string[] }> {
  let scope = configFile(githubApi(), null)
    .get(permissionPath("carol"))
    .reply(() => permissionAnswer("carol", "write"))
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(firstPage(timeline));
  if (o.reads === "forward") {
    for (let start = 100; start < timeline.length; start += 100) {
      const next = start + 100 < timeline.length ? `cursor-${start + 100}` : null;
      scope = scope
        .post("/graphql", graphqlQuery("MoreTimeline"))
        .reply(200, timelinePage(timeline.slice(start, start + 100), next));
    }
  } else {
    scope = scope
      .post("/graphql", graphqlQuery("LatestTimeline"))
      .reply((_uri, req: any) => [200, latestPage(timeline, req.variables.before)]);
  }
  scope = scope
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(o.mutations ?? 2)
    .reply(answerWrites({ firstCommentId: 9000 }));
  const sent = recordRequests(scope);
  const payload = incidentComment(body, { id: o.id, at: o.at });
  await settled(sent, deliverComment(testProbot(), payload));
  return { sent, tracker: updatedComment(sent, TRACKER_NODE), pending: scope.pendingMocks() };
}

describe("a command on an incident with a long timeline", () => {
  it("reads it all once, and leaves a checkpoint in the tracker; the next command reads only what came after", async () => {
    const declared = await declaredSev2();
    const history = [...declaredTimeline(declared, { labeledAt: DECLARED_AT }), ...chatter(996)];
    expect(history).toHaveLength(1000);

    // The first command on the long incident: the tracker has no checkpoint yet, so all ten pages are read.
    const firstAt = "2026-11-22T18:00:00Z";
    const first = [...history, commentNode(COMMAND_ID, "/status identified", firstAt, { author: "carol" })];
    const one = await command(first, "/status identified", { id: COMMAND_ID, at: firstAt, reads: "forward" });
    expect(one.pending).toEqual([]);
    expect(budgetedRequests(one.sent)).toHaveLength(1 + 10 + 2);
    expect(one.tracker).toMatch(CHECKPOINT);
    expect(one.tracker).toContain("_… 984 earlier events_");

    // GitHub now records what firebreak did: the swap, the tracker with its checkpoint, the 👍.
    const answered = [
      ...history,
      commentNode(COMMAND_ID, "/status identified", firstAt, { author: "carol", reacted: ["THUMBS_UP"] }),
      {
        __typename: "LabeledEvent",
        createdAt: "2026-11-22T18:00:06Z",
        actor: { login: "firebreak" },
        label: { name: "incident/identified" },
      },
      {
        __typename: "UnlabeledEvent",
        createdAt: "2026-11-22T18:00:06Z",
        actor: { login: "firebreak" },
        label: { name: "incident/investigating" },
      },
    ].map((node) => (node.databaseId === TRACKER_ID ? { ...node, body: one.tracker } : node));

    // Ten minutes later, another command: one read of the latest records, two writes.
    const secondAt = "2026-11-22T18:10:00Z";
    const second = [...answered, commentNode(COMMAND_ID + 1, "/role ic me", secondAt, { author: "carol" })];
    const two = await command(second, "/role ic me", { id: COMMAND_ID + 1, at: secondAt, reads: "latest" });
    expect(two.pending).toEqual([]);
    expect(budgetedRequests(two.sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql LatestTimeline",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(roundTrips(budgetedRequests(two.sent))).toBe(4);
    const latest = two.sent.find((r) => requestLine(r) === "POST /graphql LatestTimeline");
    expect(latest?.body.variables).toEqual({ owner: OWNER, repo: REPO, issue: 42, before: null });
    expect(writesSent(two.sent)[0]).toEqual([{ op: "addAssigneesToAssignable", assigneeIds: ["U_carol"] }]);

    // The tracker is as right as from the whole record: status, the IC, the count of earlier events.
    const tracker = two.tracker ?? "";
    expect(tracker).toMatch(/\| \*\*Status\*\* \| identified/);
    expect(tracker).toContain("Incident commander");
    expect(tracker).toContain("@&#8203;carol");
    expect(tracker).toContain("Status **identified** by @&#8203;carol");
    // The declaration, investigating, 996 notes, identified and the IC: 1,000 entries, the last 15 shown.
    expect(tracker).toContain("_… 985 earlier events_");
    expect(tracker.length).toBeLessThan(65_536);
    expect(tracker).toMatch(CHECKPOINT);
  });

  it("reads the whole record for a comment from before the checkpoint (a webhook redelivered long after)", async () => {
    const declared = await declaredSev2();
    const history = [...declaredTimeline(declared, { labeledAt: DECLARED_AT }), ...chatter(296)];
    // A command firebreak never answered (GitHub was down, say), then, two hours later, a `/note`.
    const lateAt = iso(declaredAt + 70_000);
    const late = commentNode(COMMAND_ID, "/cause expired certificate", lateAt, { author: "carol" });
    const noteAt = "2026-11-22T16:10:00Z";
    const first = [
      ...history,
      late,
      commentNode(COMMAND_ID + 1, "/note still here", noteAt, { author: "carol" }),
    ];
    const one = await command(first, "/note still here", {
      id: COMMAND_ID + 1,
      at: noteAt,
      reads: "forward",
      mutations: 1,
    });
    expect(one.pending).toEqual([]);
    const tracker = one.tracker ?? "";
    // Its checkpoint passes the unanswered command: after an hour, it counts as abandoned.
    expect(tracker).toMatch(CHECKPOINT);
    expect(tracker).not.toContain("expired certificate");
    // Its redelivery now: the latest records do not hold it, so the app reads everything again
    // rather than answer it without knowing whether it was answered.
    const timeline = first.map((node) =>
      node.databaseId === TRACKER_ID ? { ...node, body: tracker } : node,
    );
    let scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "write"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(firstPage(timeline))
      .post("/graphql", graphqlQuery("LatestTimeline"))
      .reply((_uri, req: any) => [200, latestPage(timeline, req.variables.before)]);
    for (let start = 100; start < timeline.length; start += 100) {
      const next = start + 100 < timeline.length ? `cursor-${start + 100}` : null;
      scope = scope
        .post("/graphql", graphqlQuery("MoreTimeline"))
        .reply(200, timelinePage(timeline.slice(start, start + 100), next));
    }
    scope = scope
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(1)
      .reply(answerWrites({ firstCommentId: 9000 }));
    const sent = recordRequests(scope);
    await settled(
      sent,
      deliverComment(
        testProbot(),
        incidentComment("/cause expired certificate", { id: COMMAND_ID, at: lateAt }),
      ),
    );
    expect(scope.pendingMocks()).toEqual([]);
    // Answered from the whole record: the cause is recorded.
    expect(updatedComment(sent, TRACKER_NODE)).toContain("expired certificate");
  });
});
