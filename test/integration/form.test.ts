import nock from "nock";
import { describe, expect, it } from "vitest";
import { contextReply, labelId } from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  recordUnmatched,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import {
  CHECKLIST_MARKER,
  checkoutCommits,
  configFile,
  suspectRow,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

/** An issue body as GitHub writes it from the incident form's answers. */
function formBody(severity: string): string {
  return [
    "### Severity",
    "",
    severity,
    "",
    "### What is happening?",
    "",
    "Checkout returns 500 for card payments since about 14:00.",
    "",
    "### Since when?",
    "",
    "_No response_",
  ].join("\n");
}

describe("an issue opened from the incident form", () => {
  it("is declared at the severity answered: one labels write, the tracker, then the checklist", async () => {
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      // Just opened: nothing on the timeline yet.
      .reply(contextReply({ timeline: [], commits: checkoutCommits() }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "opened", {
      author: "dana",
      labels: [],
      body: formBody("SEV2 · High: a major feature is unavailable, performance is badly degraded"),
    });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        {
          op: "addLabelsToLabelable",
          labelIds: [labelId("incident/sev2"), labelId("incident/investigating")],
        },
      ],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    // The history of the SEV2 window is read with the context.
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables,
    ).toMatchObject({
      withHistory: true,
      since: "2026-11-20T13:52:00.000Z",
      until: "2026-11-22T14:12:00.000Z",
    });

    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    // Declared now (the labels are firebreak's own writes), so the response is due 30 minutes from now.
    expect(tracker).toContain("within 30 min");
    expect(tracker).toContain("by **2026-11-22 14:32 UTC**");
    // Declared by whoever filled in the form, not by firebreak which set the labels.
    expect(tracker).toContain("Declared SEV2 by @&#8203;dana with the incident form");
    expect(suspectRow(tracker, 1)).toContain("[#12]");
    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(checklist).toContain("First response checklist · SEV2 High");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads SEV1 from the answer too, with its own response target", async () => {
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: [], commits: [] }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "opened", { labels: [], body: formBody("SEV1 · Critical: complete outage") });

    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        {
          op: "addLabelsToLabelable",
          labelIds: [labelId("incident/sev1"), labelId("incident/investigating")],
        },
      ],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    expect(tracker).toContain("## 🔥 SEV1 Critical incident · investigating");
    expect(tracker).toContain("immediately");
    expect(tracker).toContain("by **2026-11-22 14:02 UTC**");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it.each([
    ["an ordinary bug report", "The cart total is off by one cent when a coupon is applied."],
    ["a body that only mentions a severity", "Feels like a sev2 to me.\n\n### Notes\n\nSEV2?"],
    ["a form left without a severity", formBody("_No response_")],
  ])("costs no request at all for %s", async (_name, body) => {
    const scope = nock(API);
    const unmatched = recordUnmatched();

    await deliver(testProbot(), "opened", { labels: [], body });

    expect(unmatched).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
