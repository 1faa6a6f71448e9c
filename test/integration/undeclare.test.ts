import { describe, expect, it, vi } from "vitest";
import { commentId, contextReply, labeledNode, unlabeledNode } from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import {
  configFile,
  declaredTimeline,
  declareIncident,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, settled, updatedComment, writesSent } from "../helpers/writes.js";

const NOW = new Date("2026-11-22T15:00:00Z");
useFixedClock(NOW);

const TRACKER_NODE = commentId(TRACKER_ID);

describe("removing the severity label", () => {
  it("marks the tracker as no longer an incident and writes nothing else", async () => {
    vi.setSystemTime(new Date("2026-11-22T14:02:00Z"));
    const declared = await declareIncident();
    vi.setSystemTime(NOW);

    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared),
            unlabeledNode("incident/sev2", "2026-11-22T14:59:00Z", "bob"),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(
      sent,
      deliver(testProbot(), "unlabeled", { labels: ["incident/investigating"], label: "incident/sev2" }),
    );

    // No label removed, no comment, no history read: only the tracker changes.
    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables.withHistory,
    ).toBe(false);
    const tracker = updatedComment(sent, TRACKER_NODE) ?? "";
    expect(writesSent(sent)).toEqual([[{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }]]);
    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("no longer an incident");
    expect(tracker).toContain("Severity label removed by @&#8203;bob: no longer an incident");
    // The record of what it was stays: declared time and suspects are kept.
    expect(tracker).toContain("Declared SEV2 by @&#8203;alice");
    expect(tracker).toContain("[#12]");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the issue once and writes nothing when no tracker was ever posted", async () => {
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            labeledNode("incident/sev2", "2026-11-22T14:58:00Z"),
            unlabeledNode("incident/sev2", "2026-11-22T14:58:30Z"),
          ],
        }),
      );
    const sent = recordRequests(scope);

    await settled(sent, deliver(testProbot(), "unlabeled", { labels: [], label: "incident/sev2" }));

    expect(operationRequests(sent).map(requestLine)).toEqual(["POST /graphql IncidentContext"]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
