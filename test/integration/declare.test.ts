import { describe, expect, it } from "vitest";
import { ALL_LABELS, contextReply, labeledNode, labelId, userId } from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliver,
  graphqlQuery,
  LABELS_PATH,
  operationRequests,
  recordRequests,
  requestLine,
  roundTrips,
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
import { OWNER, REPO } from "../helpers/payloads.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const SEV2_LABELED = labeledNode("incident/sev2", "2026-11-22T14:01:58Z");

/** The answer to `POST /repos/{o}/{r}/labels`: the label as created, with its node id. */
function createdLabel(_uri: string, body: any): [number, Record<string, unknown>] {
  return [
    201,
    { id: 1, node_id: labelId(body.name), name: body.name, color: body.color, description: body.description },
  ];
}

/** A declaration by label on a repository that has `existingLabels`; returns what was sent. */
async function declareBySev2Label(o: { existingLabels?: string[]; creations?: number } = {}) {
  const existingLabels = o.existingLabels ?? ALL_LABELS;
  let scope = configFile(githubApi(), null)
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(contextReply({ existingLabels, timeline: [SEV2_LABELED], commits: checkoutCommits() }));
  const creations = o.creations ?? ALL_LABELS.length - existingLabels.length;
  if (creations > 0) scope = scope.post(LABELS_PATH).times(creations).reply(createdLabel);
  scope = scope
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  const sent = recordRequests(scope);
  await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });
  return { scope, sent };
}

describe("declaring an incident by label", () => {
  it("labels it investigating, posts the tracker and then the first checklist", async () => {
    const { scope, sent } = await declareBySev2Label();

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const [tracker = "", checklist = ""] = postedComments(sent);
    // What changes first, then what is said: the tracker, then the checklist.
    expect(writesSent(sent)).toEqual([
      [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
      [
        { op: "addComment", body: tracker },
        { op: "addComment", body: checklist },
      ],
    ]);

    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    // SEV2: respond within 30 minutes of the label (14:01:58).
    expect(tracker).toContain("within 30 min");
    expect(tracker).toContain("by **2026-11-22 14:31 UTC**");
    expect(tracker).toContain("- **2026-11-22 14:01 UTC** Declared SEV2 by @&#8203;alice");
    expect(tracker).toContain("- **2026-11-22 14:02 UTC** Status **investigating** by @&#8203;firebreak");
    // The checkout change ranks above the README change that landed later.
    expect(suspectRow(tracker, 1)).toContain(
      "[#12](https://github.com/acme/shop/pull/12) Retry card payments",
    );
    expect(suspectRow(tracker, 2)).toContain("[#13](https://github.com/acme/shop/pull/13) Docs");
    expect(suspectRow(tracker, 3)).toBeUndefined();
    expect(tracker).toContain("<!-- firebreak:suspects ");

    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(checklist).toContain("### ✅ First response checklist · SEV2 High");
    expect(checklist).toContain("by **2026-11-22 14:31 UTC**");
    expect(checklist).not.toContain(TRACKER_MARKER);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("stays within budget: the read, one state mutation and one output mutation, in 3 round trips", async () => {
    const { scope, sent } = await declareBySev2Label();

    const budgeted = budgetedRequests(sent);
    expect(budgeted.map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(budgeted.length).toBeLessThanOrEqual(5);
    expect(roundTrips(budgeted)).toBe(3);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the timeline, labels and the history of the suspect window in one GraphQL request", async () => {
    const { scope, sent } = await declareBySev2Label();

    const reads = sent.filter(
      (r) => requestLine(r) !== "POST /graphql FirebreakWrites" && r.path === "/graphql",
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]?.body.variables).toEqual({
      owner: OWNER,
      repo: REPO,
      issue: 42,
      branch: "refs/heads/main",
      overrides: "main:.github/firebreak",
      withHistory: true,
      // The SEV2 window (48h) before now, with ten minutes of slack on both sides for clock skew.
      since: "2026-11-20T13:52:00.000Z",
      until: "2026-11-22T14:12:00.000Z",
      commits: 100,
      ...Object.fromEntries(ALL_LABELS.map((name, i) => [`l${i}`, name])),
    });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("creates the labels the repository lacks, with colour and description, before labelling the issue", async () => {
    const { scope, sent } = await declareBySev2Label({ existingLabels: ["incident/sev2"] });

    const lines = sent.map(requestLine);
    const lastCreated = lines.lastIndexOf(`POST ${LABELS_PATH}`);
    expect(lastCreated).toBeGreaterThan(lines.indexOf("POST /graphql IncidentContext"));
    expect(lastCreated).toBeLessThan(lines.indexOf("POST /graphql FirebreakWrites"));
    const created = sent.filter((r) => r.method === "POST" && r.path === LABELS_PATH);
    expect(created).toHaveLength(7);
    // The label that exists is not created again.
    expect(created.map((r) => r.body.name)).not.toContain("incident/sev2");
    // Exactly these bodies: name, colour and description, nothing else.
    expect(created.map((r) => r.body)).toEqual(
      expect.arrayContaining([
        { name: "incident/sev1", color: "b60205", description: "SEV1 Critical incident (firebreak)" },
        { name: "incident/sev3", color: "fbca04", description: "SEV3 Medium incident (firebreak)" },
        { name: "incident/sev4", color: "c5def5", description: "SEV4 Low incident (firebreak)" },
        {
          name: "incident/investigating",
          color: "e99695",
          description: "Incident status: investigating (firebreak)",
        },
        {
          name: "incident/identified",
          color: "f9d0c4",
          description: "Incident status: identified (firebreak)",
        },
        {
          name: "incident/monitoring",
          color: "bfd4f2",
          description: "Incident status: monitoring (firebreak)",
        },
        { name: "incident/resolved", color: "0e8a16", description: "Incident status: resolved (firebreak)" },
      ]),
    );
    // The issue is labelled with the node id GitHub gave the label it just created.
    expect(writesSent(sent)[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] },
    ]);
    // Label creation is one-time and not budgeted; the rest is the usual three requests.
    expect(budgetedRequests(sent)).toHaveLength(3);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("assigns the people the severity names in `assign`, once, on declaration", async () => {
    const scope = configFile(githubApi(), "severities:\n  sev2:\n    assign: [carol, dave]\n")
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: [SEV2_LABELED], commits: checkoutCommits() }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });

    // Their node ids come with the read: one alias each.
    const read = sent.find((r) => requestLine(r) === "POST /graphql IncidentContext");
    expect(read?.body.variables).toMatchObject({ u0: "carol", u1: "dave" });
    expect(read?.body.variables.u2).toBeUndefined();
    const [state, outputs] = writesSent(sent);
    expect(state).toEqual([
      { op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] },
      { op: "addAssigneesToAssignable", assigneeIds: [userId("carol"), userId("dave")] },
    ]);
    expect(outputs?.map((op) => op.op)).toEqual(["addComment", "addComment"]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
