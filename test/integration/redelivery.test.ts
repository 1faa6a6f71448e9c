import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { commentNode, contextResponse, labeledNode } from "../helpers/graphql.js";
import {
  commentIds,
  deliver,
  graphqlQuery,
  ISSUE_PATH,
  operationRequests,
  postedComments,
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

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const SEV2_LABELED_AT = "2026-11-22T14:01:58Z";
const LABELED_SEV2 = { labels: ["incident/sev2"], label: "incident/sev2" };

describe("a webhook delivered twice", () => {
  it("changes nothing the second time: no comment, no tracker update", async () => {
    const probot = testProbot();
    const first = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        200,
        contextResponse({
          timeline: [labeledNode("incident/sev2", SEV2_LABELED_AT)],
          commits: checkoutCommits(),
        }),
      )
      .post(`${ISSUE_PATH}/labels`, { labels: ["incident/investigating"] })
      .reply(200, [])
      .post(`${ISSUE_PATH}/comments`)
      .times(2)
      .reply(commentIds(TRACKER_ID));
    const firstSent = recordRequests(first);
    await deliver(probot, "labeled", LABELED_SEV2, "redelivered");
    const [tracker = "", checklist = ""] = postedComments(firstSent);
    expect(first.pendingMocks()).toEqual([]);

    // Redelivered half an hour later with the original payload; GitHub now holds what the first wrote.
    vi.setSystemTime(new Date("2026-11-22T14:30:00Z"));
    // Same process: the app's identity and the installation token are cached.
    const again = configFile(nock(API), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        200,
        contextResponse({
          timeline: declaredTimeline({ tracker, checklist }, { labeledAt: SEV2_LABELED_AT }),
          commits: checkoutCommits(),
        }),
      );
    const againSent = recordRequests(again);
    await deliver(probot, "labeled", LABELED_SEV2, "redelivered");

    // The payload is stale (no status label), but the labels are read afresh: nothing is added. The
    // tracker it would render is byte-identical to the one posted, so it is not written again, and
    // the suspects come from the tracker (no History query).
    expect(operationRequests(againSent).map(requestLine)).toEqual(["POST /graphql IncidentContext"]);
    expect(again.pendingMocks()).toEqual([]);
  });

  it("posts one tracker when `opened` and `labeled` for an issue created with the label arrive together", async () => {
    // A small stand-in for GitHub's records, so the second event reads what the first one wrote.
    const timeline: Array<Record<string, any>> = [labeledNode("incident/sev2", SEV2_LABELED_AT)];
    let nextId = TRACKER_ID;
    const scope = configFile(configFile(githubApi(), null), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .times(2)
      .reply(() => [200, contextResponse({ timeline: [...timeline], commits: checkoutCommits() })])
      // Only the first sync adds the status label: the second reads the labels the first one left.
      .post(`${ISSUE_PATH}/labels`, { labels: ["incident/investigating"] })
      .reply(() => {
        timeline.push(labeledNode("incident/investigating", "2026-11-22T14:02:00Z", "firebreak"));
        return [200, []];
      })
      .post(`${ISSUE_PATH}/comments`)
      .times(2)
      .reply((_uri, body: any) => {
        const id = nextId++;
        timeline.push(commentNode(id, body.body, "2026-11-22T14:02:01Z", { byApp: true }));
        return [201, { id, html_url: `https://github.com/acme/shop/issues/42#issuecomment-${id}` }];
      });
    const sent = recordRequests(scope);

    const probot = testProbot();
    await Promise.all([
      deliver(probot, "opened", { labels: ["incident/sev2"] }),
      deliver(probot, "labeled", LABELED_SEV2),
    ]);

    const comments = postedComments(sent);
    expect(comments).toHaveLength(2);
    expect(comments[0]?.startsWith(TRACKER_MARKER)).toBe(true);
    expect(comments[1]?.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(sent.some((r) => r.method === "PATCH")).toBe(false);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
