// A command (`/status monitoring`: a label swap, then the tracker, the verification checklist and
// the reaction) while GitHub fails: each fault on the read, the state change and the output, with
// the exact requests sent, the waits, what the issue holds afterwards, and the one notice when the
// command cannot be finished.
import { beforeEach, describe, expect, it } from "vitest";
import { COMMAND_ID, declaredSev2, incidentComment, timelineWithComment } from "../helpers/commands.js";
import { deliverComment, useFixedClock } from "../helpers/harness.js";
import type { Declared } from "../helpers/incident.js";
import { type Fault, type FaultyIssue, faultProbot, faultyIssue, type Route } from "./github.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TOKEN = "POST /app/installations/777/access_tokens";
const CONFIG = [
  "GET /repos/acme/shop/contents/.github%2Fincident.yml",
  "GET /repos/acme/.github/contents/.github%2Fincident.yml",
];
const IDENTITY = "GET /app";
const PERMISSION = "GET /repos/acme/shop/collaborators/carol/permission";
const READ = "POST /graphql IncidentContext";
const STATE = "FirebreakWrites state";
const OUTPUT = "FirebreakWrites output";
const NOTICE = "POST /repos/acme/shop/issues/42/comments";
/** The operation run again: the config is read again; the app's identity and token are cached. */
const AGAIN = [...CONFIG, PERMISSION];

const VERIFY_MARKER = "<!-- firebreak:checklist:verify -->";
const FAILURE_MARKER = "<!-- firebreak:failure -->";

let declared: Declared;
beforeEach(async () => {
  declared ??= await declaredSev2();
});

async function run(faults: Partial<Record<Route, Fault[]>>) {
  const issue = faultyIssue({
    timeline: timelineWithComment(declared, { body: "/status monitoring" }),
    roles: { carol: "triage" },
    faults,
  });
  const { probot, waits } = faultProbot();
  const delivery = deliverComment(probot, incidentComment("/status monitoring")).then(
    () => "ok",
    (error: unknown) => `failed: ${String(error)}`,
  );
  return { issue, waits, outcome: await delivery };
}

/** The command carried out exactly once: the status swapped, one verification checklist, a 👍, no notice. */
function expectDone(issue: FaultyIssue) {
  expect(issue.labels()).toEqual(["incident/sev2", "incident/monitoring"]);
  expect(statusEvents(issue)).toEqual(["+incident/monitoring", "-incident/investigating"]);
  expect(issue.appComments().filter((c) => c.startsWith(VERIFY_MARKER))).toHaveLength(1);
  expect(issue.appComments().filter((c) => c.startsWith(FAILURE_MARKER))).toEqual([]);
  expect(issue.reactions(COMMAND_ID)).toEqual(["THUMBS_UP"]);
  expect(issue.appComments()[0]).toContain("monitoring");
  expect(issue.scope.pendingMocks()).toEqual([]);
}

/** Label events firebreak made after the declaration. */
function statusEvents(issue: FaultyIssue): string[] {
  return issue.timeline
    .filter((n) => /LabeledEvent|UnlabeledEvent/.test(n.__typename) && n.createdAt > "2026-11-22T14:10:00Z")
    .map((n) => `${n.__typename === "LabeledEvent" ? "+" : "-"}${n.label.name}`);
}

function notices(issue: FaultyIssue): string[] {
  return issue.appComments().filter((c) => c.startsWith(FAILURE_MARKER));
}

describe("a command while GitHub fails", () => {
  it("goes through untouched when nothing fails (the baseline every case below departs from)", async () => {
    const { issue, waits, outcome } = await run({});
    expect(outcome).toBe("ok");
    expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, STATE, OUTPUT]);
    expect(waits).toEqual([]);
    expectDone(issue);
  });

  describe("the read", () => {
    it.each<[string, Fault]>([
      ["a 500", { status: 500 }],
      ["a 502", { status: 502 }],
      ["no answer in time", { timeout: true }],
    ])("is sent again after %s, one second later", async (_name, fault) => {
      const { issue, waits, outcome } = await run({ read: [fault] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, READ, STATE, OUTPUT]);
      expect(waits).toEqual([1_000]);
      expectDone(issue);
    });

    it("waits out a secondary rate limit for as long as `retry-after` says", async () => {
      const { issue, waits, outcome } = await run({ read: [{ secondary: 403, retryAfter: 4 }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, READ, STATE, OUTPUT]);
      expect(waits).toEqual([4_000]);
      expectDone(issue);
    });

    it("failing four times (twice per run) changes nothing and says so once", async () => {
      const failing: Fault[] = Array(4).fill({ status: 503 });
      const { issue, waits, outcome } = await run({ read: failing });
      expect(outcome).toMatch(/^failed/);
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        READ,
        ...AGAIN,
        READ,
        READ,
        NOTICE,
      ]);
      expect(waits).toEqual([1_000, 1_000]);
      expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
      expect(issue.reactions(COMMAND_ID)).toEqual([]);
      const [notice, ...more] = notices(issue);
      expect(more).toEqual([]);
      expect(notice).toContain("could not finish the commands in [this comment](");
      expect(notice).toContain("GitHub answered 503 Service Unavailable");
      expect(notice).toContain("Post the commands again in a new comment");
      expect(issue.scope.pendingMocks()).toEqual([]);
    });

    it("does not wait out the installation's hourly limit: it says when it ends, once", async () => {
      const limited: Fault[] = Array(2).fill({ primary: true, resetInSeconds: 1_800 });
      const { issue, waits, outcome } = await run({ read: limited, notice: [] });
      expect(outcome).toMatch(/^failed/);
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, ...AGAIN, READ, NOTICE]);
      expect(waits).toEqual([]);
      const [notice, ...more] = notices(issue);
      expect(more).toEqual([]);
      expect(notice).toContain("API requests are used up for the next 1801 s");
    });
  });

  describe("the state change (labels)", () => {
    it("is sent again after a 502, even when the first attempt landed: it is safe to repeat", async () => {
      const { issue, waits, outcome } = await run({ state: [{ status: 502, landed: true }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, STATE, STATE, OUTPUT]);
      expect(waits).toEqual([1_000]);
      expectDone(issue);
    });

    it("is sent again after no answer in time", async () => {
      const { issue, waits, outcome } = await run({ state: [{ timeout: true }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, STATE, STATE, OUTPUT]);
      expect(waits).toEqual([1_000]);
      expectDone(issue);
    });

    it.each<[string, Fault, number]>([
      ["a 403 secondary rate limit", { secondary: 403, retryAfter: 3 }, 3_000],
      ["a 429 secondary rate limit", { secondary: 429, retryAfter: 2 }, 2_000],
      ["a 429 with `retry-after`", { status: 429, retryAfter: 5 }, 5_000],
    ])("waits out %s", async (_name, fault, wait) => {
      const { issue, waits, outcome } = await run({ state: [fault] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, STATE, STATE, OUTPUT]);
      expect(waits).toEqual([wait]);
      expectDone(issue);
    });

    it("waits out a rate limit twice at most, then runs the operation again from the read", async () => {
      const limited: Fault[] = Array(3).fill({ secondary: 403, retryAfter: 1 });
      const { issue, waits, outcome } = await run({ state: limited });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        STATE,
        STATE,
        ...AGAIN,
        READ,
        STATE,
        OUTPUT,
      ]);
      expect(waits).toEqual([1_000, 1_000]);
      expectDone(issue);
    });

    it("does not wait a minute for a secondary limit without `retry-after`: it runs the operation again", async () => {
      const { issue, waits, outcome } = await run({ state: [{ secondary: 403 }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        ...AGAIN,
        READ,
        STATE,
        OUTPUT,
      ]);
      expect(waits).toEqual([]);
      expectDone(issue);
    });

    it("refused by a secondary limit on both runs says so once, and is not taken for a missing permission", async () => {
      const limited: Fault[] = Array(2).fill({ secondary: 403 });
      const { issue, waits, outcome } = await run({ state: limited });
      // Thrown, not logged away as a refusal: the delivery failed and may be redelivered.
      expect(outcome).toMatch(/^failed/);
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        ...AGAIN,
        READ,
        STATE,
        NOTICE,
      ]);
      expect(waits).toEqual([]);
      expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
      const [notice, ...more] = notices(issue);
      expect(more).toEqual([]);
      expect(notice).toContain("GitHub's secondary rate limit asked firebreak to wait 60 s");
    });

    it("that never lands leaves the labels as they were, and one notice", async () => {
      const failing: Fault[] = Array(4).fill({ status: 502, landed: false });
      const { issue, waits, outcome } = await run({ state: failing });
      expect(outcome).toMatch(/^failed/);
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        STATE,
        ...AGAIN,
        READ,
        STATE,
        STATE,
        NOTICE,
      ]);
      expect(waits).toEqual([1_000, 1_000]);
      expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
      expect(statusEvents(issue)).toEqual([]);
      expect(issue.reactions(COMMAND_ID)).toEqual([]);
      expect(issue.appComments().filter((c) => c.startsWith(VERIFY_MARKER))).toEqual([]);
      expect(notices(issue)).toHaveLength(1);
      expect(notices(issue)[0]).toContain("GitHub answered 502 Bad Gateway");
    });
  });

  describe("the output (tracker, checklist, reaction: it adds a comment, so it is never sent twice)", () => {
    it("that failed after landing is not sent again: the operation reads, finds it done and stops", async () => {
      const { issue, waits, outcome } = await run({ output: [{ status: 502, landed: true }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        OUTPUT,
        ...AGAIN,
        READ,
      ]);
      expect(waits).toEqual([]);
      expectDone(issue);
    });

    it("that timed out after landing is not sent again either", async () => {
      const { issue, waits, outcome } = await run({ output: [{ timeout: true, landed: true }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        OUTPUT,
        ...AGAIN,
        READ,
      ]);
      expect(waits).toEqual([]);
      expectDone(issue);
    });

    it("that failed before landing is made by the second run, which finds the labels already swapped", async () => {
      const { issue, waits, outcome } = await run({ output: [{ status: 500, landed: false }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        OUTPUT,
        ...AGAIN,
        READ,
        OUTPUT,
      ]);
      expect(waits).toEqual([]);
      expectDone(issue);
    });

    it("refused by a secondary rate limit is waited out and sent again: GitHub did not run it", async () => {
      const { issue, waits, outcome } = await run({ output: [{ secondary: 403, retryAfter: 2 }] });
      expect(outcome).toBe("ok");
      expect(issue.lines()).toEqual([TOKEN, ...CONFIG, IDENTITY, PERMISSION, READ, STATE, OUTPUT, OUTPUT]);
      expect(waits).toEqual([2_000]);
      expectDone(issue);
    });

    it("failing on both runs leaves the status GitHub holds, no checklist or 👍, and one notice", async () => {
      const failing: Fault[] = Array(2).fill({ timeout: true, landed: false });
      const { issue, waits, outcome } = await run({ output: failing });
      expect(outcome).toMatch(/^failed/);
      expect(issue.lines()).toEqual([
        TOKEN,
        ...CONFIG,
        IDENTITY,
        PERMISSION,
        READ,
        STATE,
        OUTPUT,
        ...AGAIN,
        READ,
        OUTPUT,
        NOTICE,
      ]);
      expect(waits).toEqual([]);
      // The label swap is whole (never two status labels); the tracker catches up on the next event.
      expect(issue.labels()).toEqual(["incident/sev2", "incident/monitoring"]);
      expect(issue.reactions(COMMAND_ID)).toEqual([]);
      expect(issue.appComments().filter((c) => c.startsWith(VERIFY_MARKER))).toEqual([]);
      const [notice, ...more] = notices(issue);
      expect(more).toEqual([]);
      expect(notice).toContain("GitHub did not answer in time");
      expect(notice).toContain("Some of it may have been done");
    });
  });

  it("a notice GitHub refuses too is not sent again: the failure is logged and the delivery fails", async () => {
    const failing: Fault[] = Array(4).fill({ status: 502, landed: false });
    const { issue, outcome } = await run({ state: failing, notice: [{ status: 502, landed: false }] });
    expect(outcome).toMatch(/^failed/);
    expect(issue.lines().filter((line) => line === NOTICE)).toHaveLength(1);
    expect(notices(issue)).toEqual([]);
    expect(issue.labels()).toEqual(["incident/sev2", "incident/investigating"]);
  });
});
