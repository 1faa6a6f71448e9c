import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { fakeIssue } from "../helpers/fake-issue.js";
import { contextReply, labeledNode, labelId } from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import {
  CHECKLIST_MARKER,
  checkoutCommits,
  configFile,
  declaredTimeline,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const SEV2_LABELED_AT = "2026-11-22T14:01:58Z";
const LABELED_SEV2 = { labels: ["incident/sev2"], label: "incident/sev2" };

describe("a webhook delivered twice", () => {
  it("changes nothing the second time: no comment, no tracker update", async () => {
    const probot = testProbot();
    const first = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [labeledNode("incident/sev2", SEV2_LABELED_AT)],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const firstSent = recordRequests(first);
    await deliver(probot, "labeled", LABELED_SEV2, "redelivered");
    const [tracker = "", checklist = ""] = postedComments(firstSent);
    expect(writesSent(firstSent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    expect(first.pendingMocks()).toEqual([]);

    // Redelivered half an hour later with the original payload; GitHub now holds what the first wrote.
    vi.setSystemTime(new Date("2026-11-22T14:30:00Z"));
    // Same process: the app's identity and the installation token are cached.
    const again = configFile(nock(API), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: declaredTimeline({ tracker, checklist }, { labeledAt: SEV2_LABELED_AT }),
          commits: checkoutCommits(),
        }),
      );
    const againSent = recordRequests(again);
    await deliver(probot, "labeled", LABELED_SEV2, "redelivered");

    // The payload is stale (no status label), but the labels are read afresh: nothing is added. The
    // tracker it would render is byte-identical to the one posted, so it is not written again, and
    // the suspects come from the tracker (no History query). No mutation at all.
    expect(operationRequests(againSent).map(requestLine)).toEqual(["POST /graphql IncidentContext"]);
    expect(again.pendingMocks()).toEqual([]);
  });

  it("posts one tracker when `opened` and `labeled` for an issue created with the label arrive together", async () => {
    // A small stand-in for GitHub's records, so the second event reads what the first one wrote.
    const issue = fakeIssue({
      timeline: [labeledNode("incident/sev2", SEV2_LABELED_AT)],
      commits: checkoutCommits(),
      firstCommentId: TRACKER_ID,
    });
    const scope = configFile(configFile(githubApi(), null), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .times(2)
      .reply(issue.context)
      // Only the first operation writes: the second reads the labels and comments the first one left.
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(issue.writes);
    const sent = recordRequests(scope);

    const probot = testProbot();
    // Settled, not raced: a failure must not leave the other delivery running into the next test.
    const results = await Promise.allSettled([
      deliver(probot, "opened", { labels: ["incident/sev2"] }),
      deliver(probot, "labeled", LABELED_SEV2),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);

    const comments = postedComments(sent);
    expect(comments).toHaveLength(2);
    expect(comments[0]?.startsWith(TRACKER_MARKER)).toBe(true);
    expect(comments[1]?.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
      "POST /graphql IncidentContext",
    ]);
    expect(writesSent(sent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: comments[0] },
        { op: "addComment", body: comments[1] },
      ],
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
