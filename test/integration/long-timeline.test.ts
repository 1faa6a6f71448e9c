import { describe, expect, it } from "vitest";
import { contextReply, labeledNode, labelId, timelinePage, unlabeledNode } from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import { checkoutCommits, configFile, TRACKER_ID, TRACKER_MARKER } from "../helpers/incident.js";
import { OWNER, REPO } from "../helpers/payloads.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const at = (secondsAfter1357: number) =>
  new Date(Date.parse("2026-11-22T13:57:00Z") + secondsAfter1357 * 1000).toISOString();

/**
 * 299 label events from a flapping alert bot, one a second: it adds and removes `incident/identified`
 * and `incident/monitoring` in turn (150 status changes). Then alice labels the issue SEV2.
 */
function flappingTimeline() {
  const nodes = Array.from({ length: 299 }, (_, i) => {
    const label = i % 4 < 2 ? "incident/identified" : "incident/monitoring";
    return i % 2 === 0
      ? labeledNode(label, at(i), "alertmanager")
      : unlabeledNode(label, at(i), "alertmanager");
  });
  return [...nodes, labeledNode("incident/sev2", at(299))];
}

describe("an issue with a long timeline", () => {
  it("reads every page of it and folds older events so the tracker fits in a comment", async () => {
    const timeline = flappingTimeline();
    expect(timeline).toHaveLength(300);
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: timeline.slice(0, 100),
          issueLabels: ["incident/sev2"],
          timelineNext: "cursor-100",
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", graphqlQuery("MoreTimeline"))
      .reply(200, timelinePage(timeline.slice(100, 200), "cursor-200"))
      .post("/graphql", graphqlQuery("MoreTimeline"))
      .reply(200, timelinePage(timeline.slice(200)))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql MoreTimeline",
      "POST /graphql MoreTimeline",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const more = sent.filter((r) => requestLine(r) === "POST /graphql MoreTimeline");
    expect(more.map((r) => r.body.variables)).toEqual([
      { owner: OWNER, repo: REPO, issue: 42, after: "cursor-100" },
      { owner: OWNER, repo: REPO, issue: 42, after: "cursor-200" },
    ]);

    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker.length).toBeLessThan(65_536);
    // 150 status changes, the declaration and firebreak's `investigating`: 152 entries, the last 15 shown.
    expect(tracker).toContain("_… 137 earlier events_");
    const entries = tracker.split("\n").filter((line) => line.startsWith("- **2026-"));
    expect(entries).toHaveLength(15);
    expect(entries.at(-2)).toBe("- **2026-11-22 14:01 UTC** Declared SEV2 by @&#8203;alice");
    expect(entries.at(-1)).toBe("- **2026-11-22 14:02 UTC** Status **investigating** by @&#8203;firebreak");
    // The declaration was found on the last page: the response target counts from it.
    expect(tracker).toContain("by **2026-11-22 14:31 UTC**");
    expect(tracker).not.toContain("**2026-11-22 13:57 UTC**");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
