// Declaring an incident (`incident/sev2` added: the read with the branch's history, the status
// label, then the tracker and the first checklist) while GitHub fails, and the installation token
// or the config that cannot be fetched in time.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { labeledNode } from "../helpers/graphql.js";
import { deliver, useFixedClock } from "../helpers/harness.js";
import { CHECKLIST_MARKER, checkoutCommits, TRACKER_MARKER } from "../helpers/incident.js";
import { type Fault, type FaultyIssue, faultProbot, faultyIssue, type Route } from "./github.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const TOKEN = "POST /app/installations/777/access_tokens";
const CONFIG = [
  "GET /repos/acme/shop/contents/.github%2Fincident.yml",
  "GET /repos/acme/.github/contents/.github%2Fincident.yml",
];
const IDENTITY = "GET /app";
const READ = "POST /graphql IncidentContext";
const STATE = "FirebreakWrites state";
const OUTPUT = "FirebreakWrites output";
const NOTICE = "POST /repos/acme/shop/issues/42/comments";
const FAILURE_MARKER = "<!-- firebreak:failure -->";

async function declare(faults: Partial<Record<Route, Fault[]>>, issue?: FaultyIssue) {
  const github =
    issue ??
    faultyIssue({
      timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
      commits: checkoutCommits(),
      faults,
    });
  const { probot, waits } = faultProbot();
  const outcome = await deliver(probot, "labeled", {
    labels: ["incident/sev2"],
    label: "incident/sev2",
  }).then(
    () => "ok",
    (error: unknown) => `failed: ${String(error)}`,
  );
  return { issue: github, waits, outcome };
}

const byMarker = (issue: FaultyIssue, marker: string) =>
  issue.appComments().filter((body) => body.startsWith(marker));

/** Declared exactly once: the status label, one tracker, one checklist, no notice. */
function expectDeclared(issue: FaultyIssue) {
  expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
  expect(byMarker(issue, TRACKER_MARKER)).toHaveLength(1);
  expect(byMarker(issue, CHECKLIST_MARKER)).toHaveLength(1);
  expect(byMarker(issue, FAILURE_MARKER)).toEqual([]);
  expect(byMarker(issue, TRACKER_MARKER)[0]).toContain("Retry card payments in checkout");
  expect(issue.scope.pendingMocks()).toEqual([]);
}

describe("declaring an incident while GitHub fails", () => {
  it("goes through untouched when nothing fails", async () => {
    const { issue, waits, outcome } = await declare({});
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, STATE, OUTPUT]);
    expect(waits).toEqual([]);
    expectDeclared(issue);
  });

  it("sends the read again when it times out", async () => {
    const { issue, waits, outcome } = await declare({ read: [{ timeout: true }] });
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, READ, STATE, OUTPUT]);
    expect(waits).toEqual([1_000]);
    expectDeclared(issue);
  });

  it("waits out a secondary rate limit on the read", async () => {
    const { issue, waits, outcome } = await declare({ read: [{ secondary: 429, retryAfter: 7 }] });
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, READ, STATE, OUTPUT]);
    expect(waits).toEqual([7_000]);
    expectDeclared(issue);
  });

  it("adds the status label once, though both attempts of the state change landed and failed", async () => {
    const landed: Fault[] = Array(2).fill({ status: 500, landed: true });
    const { issue, waits, outcome } = await declare({ state: landed });
    expect(outcome).toBe("ok");
    // The second run reads the label there: no state change left, only the tracker and checklist.
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, STATE, STATE, ...CONFIG, READ, OUTPUT]);
    expect(waits).toEqual([1_000]);
    expectDeclared(issue);
    expect(issue.timeline.filter((n) => n.label?.name === "incident/investigating")).toHaveLength(1);
  });

  it("posts one tracker and one checklist when the output landed but its answer was a 502", async () => {
    const { issue, waits, outcome } = await declare({ output: [{ status: 502, landed: true }] });
    expect(outcome).toBe("ok");
    // Read again: the tracker and checklist are there (and the tracker would render the same).
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, STATE, OUTPUT, ...CONFIG, READ]);
    expect(waits).toEqual([]);
    expectDeclared(issue);
  });

  it("posts them on the second run when the first output never landed (no answer in time)", async () => {
    const { issue, waits, outcome } = await declare({ output: [{ timeout: true, landed: false }] });
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, STATE, OUTPUT, ...CONFIG, READ, OUTPUT]);
    expect(waits).toEqual([]);
    expectDeclared(issue);
  });

  it("that cannot post its tracker says so once, and how to try again", async () => {
    const failing: Fault[] = Array(2).fill({ status: 502, landed: false });
    const { issue, waits, outcome } = await declare({ output: failing });
    expect(outcome).toMatch(/^failed/);
    expect(issue.lines()).toEqual([
      TOKEN,
      ...CONFIG,
      IDENTITY,
      READ,
      STATE,
      OUTPUT,
      ...CONFIG,
      READ,
      OUTPUT,
      NOTICE,
    ]);
    expect(waits).toEqual([]);
    expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
    expect(byMarker(issue, TRACKER_MARKER)).toEqual([]);
    const [notice, ...more] = byMarker(issue, FAILURE_MARKER);
    expect(more).toEqual([]);
    expect(notice).toContain(
      "could not finish updating this incident after the label `incident/sev2` was added: GitHub answered 502 Bad Gateway",
    );
    expect(notice).toContain("To try again now, comment `/help`.");
    expect(issue.scope.pendingMocks()).toEqual([]);
  });

  it("is finished by the next event after such a failure: one tracker, one checklist", async () => {
    const failing: Fault[] = Array(2).fill({ status: 502, landed: false });
    const { issue } = await declare({ output: failing });
    nock.cleanAll();
    // The same label event delivered again (GitHub's "Redeliver"), now that GitHub answers.
    const again = faultyIssue({ timeline: issue.timeline, commits: checkoutCommits() });
    const { outcome } = await declare({}, again);
    expect(outcome).toBe("ok");
    expect(again.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, READ, OUTPUT]);
    expect(byMarker(again, TRACKER_MARKER)).toHaveLength(1);
    expect(byMarker(again, CHECKLIST_MARKER)).toHaveLength(1);
    expect(byMarker(again, FAILURE_MARKER)).toHaveLength(1);
  });
});

describe("the plumbing while GitHub fails", () => {
  it("sends the config request again after a 502", async () => {
    const { issue, waits, outcome } = await declare({ config: [{ status: 502 }] });
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, CONFIG[0], ...CONFIG, IDENTITY, READ, STATE, OUTPUT]);
    expect(waits).toEqual([1_000]);
    expectDeclared(issue);
  });

  it("asks for the installation token again when it is not issued in time", async () => {
    const { issue, waits, outcome } = await declare({ token: [{ timeout: true }] });
    expect(outcome).toBe("ok");
    // The token is fetched inside the first request (the config), which is sent again a second later.
    expect(issue.lines()).toEqual([TOKEN, TOKEN, ...CONFIG, IDENTITY, READ, STATE, OUTPUT]);
    expect(waits).toEqual([1_000]);
    expectDeclared(issue);
  });
});
