import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import {
  commentId,
  commentNode,
  commitNode,
  contextReply,
  historyResponse,
  labeledNode,
  labelId,
  unlabeledNode,
} from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliver,
  graphqlQuery,
  liveMentions,
  operationRequests,
  recordRequests,
  requestLine,
  roundTrips,
  type SentRequest,
  useFixedClock,
} from "../helpers/harness.js";
import {
  CHECKLIST_ID,
  configFile,
  type Declared,
  declaredTimeline,
  declareIncident,
  suspectRow,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import { OWNER, REPO } from "../helpers/payloads.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, updatedComment, writesSent } from "../helpers/writes.js";

const DECLARED_AT = "2026-11-22T14:01:58Z";
const SEV1_ADDED_AT = "2026-11-22T14:10:00Z";
const ESCALATION_TIME = new Date("2026-11-22T14:10:05Z");

useFixedClock(ESCALATION_TIME);

const PAGE_ONCALL = "severities:\n  sev1:\n    notify: ['@acme/oncall']\n";
/** SEV3 ranks its suspects over the same 48 hours as SEV1, so an escalation keeps them. */
const PAGE_ONCALL_SAME_WINDOWS = `${PAGE_ONCALL}  sev3:\n    suspect_window: 48h\n`;

const TRACKER_NODE = commentId(TRACKER_ID);

/** Declares SEV3 at DECLARED_AT (firebreak answering two seconds later) and returns what it posted. */
async function declareSev3(config: string | null): Promise<Declared> {
  vi.setSystemTime(new Date("2026-11-22T14:02:00Z"));
  const declared = await declareIncident({ severity: "incident/sev3", labeledAt: DECLARED_AT, config });
  vi.setSystemTime(ESCALATION_TIME);
  return declared;
}

/** alice adds `incident/sev1` to the SEV3 incident without removing `incident/sev3`. */
function addSev1(probot = testProbot()) {
  return deliver(probot, "labeled", {
    labels: ["incident/sev3", "incident/investigating", "incident/sev1"],
    label: "incident/sev1",
  });
}

function updatedTracker(sent: SentRequest[]): string {
  const tracker = updatedComment(sent, TRACKER_NODE);
  if (tracker === undefined) throw new Error("the tracker was not updated");
  return tracker;
}

/** An escalation's writes: the less severe label removed; then the tracker updated and the notice posted. */
function expectEscalationWrites(sent: SentRequest[], removed: string): void {
  const [notice] = postedComments(sent);
  expect(writesSent(sent)).toEqual([
    [{ op: "removeLabelsFromLabelable", labelIds: [labelId(removed)] }],
    [
      { op: "updateIssueComment", id: TRACKER_NODE, body: updatedTracker(sent) },
      { op: "addComment", body: notice },
    ],
  ]);
}

describe("escalating an incident", () => {
  it("keeps the most severe label, rewrites the tracker, announces the escalation and pages", async () => {
    const declared = await declareSev3(PAGE_ONCALL_SAME_WINDOWS);
    const scope = configFile(githubApi(), PAGE_ONCALL_SAME_WINDOWS)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared, { severity: "incident/sev3", labeledAt: DECLARED_AT }),
            labeledNode("incident/sev1", SEV1_ADDED_AT),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await addSev1();

    // No new checklist, no second read of the history: the tracker's cached suspects still apply.
    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(roundTrips(budgetedRequests(sent))).toBe(3);
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables.withHistory,
    ).toBe(false);
    expectEscalationWrites(sent, "incident/sev3");

    const tracker = updatedTracker(sent);
    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("## 🔥 SEV1 Critical incident · investigating");
    // SEV1 is due immediately, counted from the escalation rather than the declaration.
    expect(tracker).toContain("immediately");
    expect(tracker).toContain("by **2026-11-22 14:10 UTC**");
    expect(tracker).toContain("Escalated from SEV3 to SEV1 by @&#8203;alice");
    // A notice explains why incident/sev3 went away.
    const notice = tracker.split("\n").find((line) => line.includes("kept the most severe"));
    expect(notice).toMatch(/^> /);
    expect(notice).toContain("removed `incident/sev3`");
    expect(notice).toContain("SEV1");
    expect(tracker).toContain("Paging @acme/oncall.");
    // The suspects are the ones the declaration ranked, not re-read.
    expect(suspectRow(tracker, 1)).toBe(suspectRow(declared.tracker, 1));
    expect(suspectRow(tracker, 1)).toContain("[#12]");

    const [escalation = ""] = postedComments(sent);
    expect(
      escalation.startsWith(`<!-- firebreak:escalation:sev1:${new Date(SEV1_ADDED_AT).toISOString()} -->`),
    ).toBe(true);
    expect(escalation).toContain("### ⬆️ Escalated to SEV1 Critical");
    expect(escalation).toContain("by **2026-11-22 14:10 UTC**");
    expect(escalation).toContain("Paging @acme/oncall.");
    expect(liveMentions(escalation)).toEqual(["@acme/oncall"]);
    expect(escalation).not.toContain(TRACKER_MARKER);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("does not announce the same escalation twice when the event is delivered again", async () => {
    const declared = await declareSev3(PAGE_ONCALL_SAME_WINDOWS);
    // The first delivery's writes: sev3 removed, the tracker updated, the escalation posted.
    const first = configFile(githubApi(), PAGE_ONCALL_SAME_WINDOWS)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared, { severity: "incident/sev3", labeledAt: DECLARED_AT }),
            labeledNode("incident/sev1", SEV1_ADDED_AT),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const firstSent = recordRequests(first);
    const probot = testProbot();
    await addSev1(probot);
    expectEscalationWrites(firstSent, "incident/sev3");
    const tracker = updatedTracker(firstSent);
    const [escalation = ""] = postedComments(firstSent);

    // Same app process: identity and token are cached, so only the config is read again.
    const again = configFile(nock(API), PAGE_ONCALL_SAME_WINDOWS)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            labeledNode("incident/sev3", DECLARED_AT),
            labeledNode("incident/investigating", "2026-11-22T14:02:00Z", "firebreak"),
            commentNode(TRACKER_ID, tracker, "2026-11-22T14:02:01Z", { byApp: true }),
            commentNode(CHECKLIST_ID, declared.checklist, "2026-11-22T14:02:02Z", { byApp: true }),
            labeledNode("incident/sev1", SEV1_ADDED_AT),
            unlabeledNode("incident/sev3", "2026-11-22T14:10:05Z", "firebreak"),
            commentNode(2001, escalation, "2026-11-22T14:10:06Z", { byApp: true }),
          ],
        }),
      );
    const againSent = recordRequests(again);
    await addSev1(probot);

    // The redelivered payload still lists incident/sev3, but the labels are read afresh: nothing to
    // remove, no second escalation comment, and the tracker it renders is the one GitHub holds.
    expect(operationRequests(againSent).map(requestLine)).toEqual(["POST /graphql IncidentContext"]);
    expect(first.pendingMocks()).toEqual([]);
    expect(again.pendingMocks()).toEqual([]);
  });

  it("re-ranks the suspects over the SEV1 window when the escalation changes the window", async () => {
    const declared = await declareSev3(null); // SEV3 looks back 72h, SEV1 48h
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            ...declaredTimeline(declared, { severity: "incident/sev3", labeledAt: DECLARED_AT }),
            labeledNode("incident/sev1", SEV1_ADDED_AT),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("History"))
      .reply(200, historyResponse([]))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await addSev1();

    // The History read goes out side by side with the label changes: three round trips in all.
    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql History",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(roundTrips(operationRequests(sent))).toBe(3);
    expectEscalationWrites(sent, "incident/sev3");
    const history = sent.find((r) => requestLine(r) === "POST /graphql History");
    expect(history?.body.variables).toMatchObject({
      since: "2026-11-20T14:01:58.000Z",
      until: "2026-11-22T14:01:58.000Z",
    });
    const [escalation = ""] = postedComments(sent);
    expect(escalation).toContain("### ⬆️ Escalated to SEV1 Critical");
    // Nobody to page without a notify list.
    expect(escalation).not.toContain("Paging");
    expect(liveMentions(escalation)).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the history again, for the incident's window, when the tracker lost its suspects", async () => {
    // A SEV2 incident whose tracker someone rewrote by hand, escalated to SEV1 (both look back 48h).
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [
            labeledNode("incident/sev2", DECLARED_AT),
            labeledNode("incident/investigating", "2026-11-22T14:02:00Z", "firebreak"),
            commentNode(
              TRACKER_ID,
              `${TRACKER_MARKER}\nWe are on it, see the war room.`,
              "2026-11-22T14:02:01Z",
              {
                byApp: true,
              },
            ),
            commentNode(
              CHECKLIST_ID,
              "<!-- firebreak:checklist:respond -->\n- [x] done",
              "2026-11-22T14:02:02Z",
              {
                byApp: true,
              },
            ),
            labeledNode("incident/sev1", SEV1_ADDED_AT),
          ],
        }),
      )
      .post("/graphql", graphqlQuery("History"))
      .reply(
        200,
        historyResponse([
          commitNode({
            sha: "c".repeat(40),
            headline: "Pool card payment connections (#21)",
            committedDate: "2026-11-22T12:00:00Z",
            pr: {
              number: 21,
              title: "Pool card payment connections",
              mergedAt: "2026-11-22T12:00:00Z",
              files: ["src/checkout/pool.ts"],
            },
          }),
        ]),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await deliver(testProbot(), "labeled", {
      labels: ["incident/sev2", "incident/investigating", "incident/sev1"],
      label: "incident/sev1",
    });

    const graphql = sent.filter((r) => r.path === "/graphql");
    expect(graphql.map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql History",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(graphql[0]?.body.variables.withHistory).toBe(false);
    expect(graphql[1]?.body.variables).toEqual({
      owner: OWNER,
      repo: REPO,
      branch: "refs/heads/main",
      // The SEV1 window (48h) before the declaration.
      since: "2026-11-20T14:01:58.000Z",
      until: "2026-11-22T14:01:58.000Z",
      commits: 100,
      after: null,
    });
    expectEscalationWrites(sent, "incident/sev2");
    const tracker = updatedTracker(sent);
    expect(tracker).toContain("## 🔥 SEV1 Critical incident");
    expect(suspectRow(tracker, 1)).toContain("[#21]");
    expect(tracker).toContain("<!-- firebreak:suspects ");
    // A checklist exists (however it was ticked): no second one.
    expect(postedComments(sent)).toHaveLength(1);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
