import nock from "nock";
import { describe, expect, it } from "vitest";
import { contextReply, labeledNode, labelId } from "../helpers/graphql.js";
import {
  deliver,
  graphqlQuery,
  operationRequests,
  recordRequests,
  recordUnmatched,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, TRACKER_ID } from "../helpers/incident.js";
import type { IssueEventOptions } from "../helpers/payloads.js";
import { API, APP_ID, APP_SLUG, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

describe("events on issues that are not incidents cost nothing", () => {
  const cases: Array<[string, "opened" | "labeled" | "unlabeled" | "edited", IssueEventOptions]> = [
    ["labelling an issue `bug`", "labeled", { labels: ["bug"], label: "bug" }],
    ["labelling an incident `bug`", "labeled", { labels: ["incident/sev2", "bug"], label: "bug" }],
    ["opening an issue without incident labels or form", "opened", { labels: ["bug"] }],
    ["removing `bug`", "unlabeled", { labels: [], label: "bug" }],
    ["a label whose name only looks like firebreak's", "labeled", { labels: ["sev2"], label: "sev2" }],
    ["editing an issue", "edited", { labels: [] }],
    ["editing an incident", "edited", { labels: ["incident/sev2", "incident/investigating"] }],
  ];

  it.each(cases)(
    "%s: no request at all, not even the token or the app's identity",
    async (_, action, options) => {
      const scope = nock(API);
      const unmatched = recordUnmatched();

      await deliver(testProbot(), action, options);

      expect(unmatched).toEqual([]);
      expect(scope.pendingMocks()).toEqual([]);
    },
  );

  it("would notice a request (the check above can fail)", async () => {
    const unmatched = recordUnmatched();

    await expect(
      deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" }),
    ).rejects.toThrow();

    expect(unmatched.length).toBeGreaterThan(0);
  });
});

describe("events caused by bots", () => {
  it("ignores firebreak's own label writes after asking once who it is", async () => {
    const scope = nock(API).get("/app").reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" });
    const sent = recordRequests(scope);
    const unmatched = recordUnmatched();
    const probot = testProbot();

    await deliver(probot, "labeled", {
      labels: ["incident/sev2"],
      label: "incident/sev2",
      sender: { login: "firebreak[bot]", type: "Bot" },
    });
    // The identity is remembered: the next one of its own events costs nothing.
    await deliver(probot, "labeled", {
      labels: ["incident/sev2", "incident/investigating"],
      label: "incident/investigating",
      sender: { login: "firebreak[bot]", type: "Bot" },
    });

    expect(sent.map(requestLine)).toEqual(["GET /app"]);
    expect(unmatched).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("declares an incident another bot labels, like any user", async () => {
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [labeledNode("incident/sev1", "2026-11-22T14:01:58Z", "alertmanager")],
          commits: [],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "labeled", {
      labels: ["incident/sev1"],
      label: "incident/sev1",
      sender: { login: "alertmanager[bot]", type: "Bot" },
    });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);
    expect(tracker).toContain("## 🔥 SEV1 Critical incident · investigating");
    expect(tracker).toContain("Declared SEV1 by @&#8203;alertmanager");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
