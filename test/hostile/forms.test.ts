// Issue form bodies edited into odd shapes. An issue is declared only from a Severity answer GitHub
// shows as one; anything else is an ordinary issue and costs no request at all.
import { describe, expect, it } from "vitest";
import { labeledNode } from "../helpers/graphql.js";
import { useFixedClock } from "../helpers/harness.js";
import { issueEvent } from "../helpers/payloads.js";
import { deliverNothingSent, formBody, livePings, openIssue } from "./support.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const ordinary: Array<[string, string | null]> = [
  ["no Severity section at all", "### What is broken\n\nCheckout returns 500\n\n### Impact\n\nAll users\n"],
  ["the Severity left unanswered", formBody({ severity: "_No response_" })],
  ["an empty Severity answer", formBody({ severity: "" })],
  ["a severity that does not exist (SEV9)", formBody({ severity: "SEV9 · Apocalypse" })],
  ["full-width letters (ＳＥＶ２)", formBody({ severity: "ＳＥＶ２ · High" })],
  ["a Severity heading of the wrong level (##)", formBody({}).replace("### Severity", "## Severity")],
  ["an empty body", ""],
  ["no body (null)", null],
  [
    "the form pasted inside a code block (was declared SEV1)",
    "Our incident form reads:\n\n```markdown\n### Severity\n\nSEV1 · Critical\n```\n",
  ],
  ["the form pasted inside a tilde fence", "Example:\n~~~\n### Severity\n\nSEV2 · High\n~~~\n"],
  [
    "a Severity answer hidden in an HTML comment (was declared SEV1)",
    "Something is slow.\n<!--\n### Severity\n\nSEV1 · Critical\n-->\n",
  ],
];

describe("forms: bodies that declare nothing cost nothing", () => {
  it.each(ordinary)("%s", async (_name, body) => {
    const payload = issueEvent("opened", { labels: [], author: "dana" });
    payload.issue.body = body;

    const { logs, error } = await deliverNothingSent({ name: "issues", payload });

    expect(error).toBeNull();
    expect(logs.filter((line) => line.level >= 40)).toEqual([]);
  });
});

describe("forms: odd shapes that still declare", () => {
  it("two Severity sections: the first answer counts", async () => {
    const run = await openIssue(
      `${formBody({ severity: "SEV3 · Medium" })}\n\n### Severity\n\nSEV1 · Critical\n`,
    );

    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev3", "LA_incident/investigating"] },
    ]);
    expect(run.tracker).toContain("## 🔥 SEV3 Medium incident · investigating");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("Windows line endings (CRLF)", async () => {
    const run = await openIssue(formBody({}).replace(/\n/g, "\r\n"));

    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev2", "LA_incident/investigating"] },
    ]);
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a form answer that quotes a heading in code: the real Severity below still counts", async () => {
    const body = formBody({
      broken: "The page shows:\n```\n### Severity\n\nSEV4\n```",
      severity: "SEV2 · High",
    });
    const run = await openIssue(body);

    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev2", "LA_incident/investigating"] },
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a megabyte of answer: declared, and every comment stays under GitHub's 65,536 characters", async () => {
    const run = await openIssue(formBody({ broken: "checkout ".repeat(120_000) }));

    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev2", "LA_incident/investigating"] },
    ]);
    for (const body of run.comments) expect(body.length).toBeLessThan(65_536);
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a start time that cannot be read is left out rather than guessed", async () => {
    const run = await openIssue(formBody({ started: "yesterday-ish, maybe after lunch?" }));

    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev2", "LA_incident/investigating"] },
    ]);
    expect(run.tracker).not.toContain("| **Started** |");
    expect(run.tracker).not.toContain("says the incident form");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a start time in the future is left out", async () => {
    const run = await openIssue(formBody({ started: "2027-01-01T00:00Z" }));

    expect(run.tracker).not.toContain("| **Started** |");
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("mentions of people and teams in the form never reach the comments", async () => {
    const run = await openIssue(
      formBody({ broken: "@acme/oncall @bob checkout is down", impact: "@everyone cannot pay" }),
      { title: "@acme/payments checkout 500s" },
    );

    expect(run.comments).toHaveLength(2);
    for (const body of run.comments) expect(livePings(body)).toEqual([]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a severity label and a different form answer: the label wins", async () => {
    const run = await openIssue(formBody({ severity: "SEV1 · Critical" }), {
      labels: ["incident/sev3"],
      context: { timeline: [labeledNode("incident/sev3", "2026-11-22T14:01:59Z", "dana")] },
    });

    expect(run.writes[0]).toEqual([{ op: "addLabelsToLabelable", labelIds: ["LA_incident/investigating"] }]);
    expect(run.tracker).toContain("## 🔥 SEV3 Medium incident · investigating");
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});
