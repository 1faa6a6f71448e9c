import nock from "nock";
import { describe, expect, it } from "vitest";
import { ALL_LABELS, contextReply, labeledNode, labelId } from "../helpers/graphql.js";
import {
  CONFIG_PATH,
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
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import type { LabelInput } from "../helpers/payloads.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

/** A SEV2 declaration by label on a repository whose config read is answered by `config`. */
function declaration(
  config: (scope: nock.Scope) => nock.Scope,
  severityLabel = "incident/sev2",
  labelNames = ALL_LABELS,
) {
  const scope = config(githubApi())
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(
      contextReply({
        labelNames,
        timeline: [labeledNode(severityLabel, "2026-11-22T14:01:58Z")],
        commits: checkoutCommits(),
      }),
    )
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  return { scope, sent: recordRequests(scope) };
}

/** Every declaration here writes the same: the status label, then the tracker and the checklist. */
function expectDeclarationWrites(sent: Parameters<typeof writesSent>[0]): void {
  const [tracker, checklist] = postedComments(sent);
  expect(writesSent(sent)).toEqual([
    [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
    [
      { op: "addComment", body: tracker },
      { op: "addComment", body: checklist },
    ],
  ]);
}

/** The lines of the tracker's warning block, without the quote markers. */
function warnings(tracker: string): string[] {
  return tracker
    .split("\n")
    .filter((line) => line.startsWith("> - "))
    .map((line) => line.slice(4));
}

describe("a configuration with mistakes", () => {
  it("still declares with the defaults, and the tracker names each bad setting and how to fix it", async () => {
    const yaml = ["severities:", "  sev2:", "    respond_within: half an hour", "pager_duty: true", ""].join(
      "\n",
    );
    const { scope, sent } = declaration((s) => configFile(s, yaml));

    await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });

    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("> [!WARNING]");
    const problems = warnings(tracker);
    expect(problems).toHaveLength(2);
    expect(problems).toContain('`severities.sev2.respond_within`: "half an hour" is not a duration; use 30m');
    expect(problems).toContainEqual(expect.stringMatching(/^`pager_duty`: unknown key/));
    // The default SEV2 target stands in for the bad one.
    expect(tracker).toContain("within 30 min");
    expect(tracker).toContain("by **2026-11-22 14:31 UTC**");
    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expectDeclarationWrites(sent);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("says the file is not valid YAML and uses every default", async () => {
    const { scope, sent } = declaration((s) => configFile(s, "severities: [unclosed\n"));

    await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });

    const [tracker = ""] = postedComments(sent);
    const problems = warnings(tracker);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^`\.github\/incident\.yml` is not valid YAML/);
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expectDeclarationWrites(sent);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("asks for the Contents permission when the file may not be read", async () => {
    const { scope, sent } = declaration((s) =>
      s.get(CONFIG_PATH).reply(403, { message: "Resource not accessible by integration" }),
    );

    await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });

    const [tracker = ""] = postedComments(sent);
    expect(warnings(tracker)).toEqual([expect.stringContaining("Contents: read")]);
    expectDeclarationWrites(sent);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("renamed labels", () => {
  const CONFIG = "labels:\n  severity:\n    sev2: P1\n";
  const P1_NAMES = ALL_LABELS.map((name) => (name === "incident/sev2" ? "P1" : name));

  it("declares from a renamed label that carries firebreak's stamp", async () => {
    const p1: LabelInput = { name: "P1", description: "SEV2 High incident (firebreak)" };
    const { scope, sent } = declaration((s) => configFile(s, CONFIG), "P1", P1_NAMES);

    await deliver(testProbot(), "labeled", { labels: [p1], label: p1 });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expectDeclarationWrites(sent);
    // The query asks about the renamed label, in the SEV2 slot.
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables,
    ).toMatchObject({
      l0: "incident/sev1",
      l1: "P1",
      l2: "incident/sev3",
    });
    const [tracker = ""] = postedComments(sent);
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(tracker).toContain("Declared SEV2 by @&#8203;alice");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("ignores the renamed label without the stamp: triage reads only the payload (documented limitation)", async () => {
    const p1: LabelInput = { name: "P1", description: "Top priority" };
    const scope = nock(API);
    const unmatched = recordUnmatched();

    await deliver(testProbot(), "labeled", { labels: [p1], label: p1 });

    expect(unmatched).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
