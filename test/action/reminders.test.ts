// The reminders sweep through the Action's runner against the stateful fake GitHub: what it
// reads (one search request for every incident), what it posts (one comment per incident with
// something due, in one mutation), that a second sweep says nothing new, and what it costs for 0,
// 10 and 200 open incidents.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import { type ActionEvent, type RunResult, run } from "../../action/src/runner.js";
import { REMINDERS_QUERY } from "../../src/github/reminders.js";
import { resetCore, state } from "./core-mock.js";
import type { FakeGitHub } from "./fake-github.js";
import { addIncident, command, crossReference, LABELS, labeled, openIncidents } from "./fixtures.js";
import { event, startFake, stopFake, testOctokit } from "./harness.js";

const NOW = new Date("2026-11-22T15:00:00Z");
const minutesBefore = (minutes: number, from = NOW) =>
  new Date(from.getTime() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
const schedule = () => event("schedule", { schedule: "*/10 * * * *" });

let fake: FakeGitHub;
beforeEach(() => {
  fake = startFake();
  for (const login of ["alice", "bob", "carol"]) fake.addUser(login);
  for (const label of LABELS) fake.addLabel(label);
  resetCore();
});
afterEach(() => {
  expect(fake.problems).toEqual([]);
  stopFake();
});

const sweep = (e: ActionEvent = schedule(), now = NOW): Promise<RunResult> =>
  run({ octokit: testOctokit(), event: e, now });
const operations = () => fake.requests.map((r) => r.operation ?? `${r.method} ${r.path}`);
const comments = (number: number) =>
  (fake.issues.get(number)?.timeline ?? []).filter(
    (n) => n.__typename === "IssueComment" && n.viewerDidAuthor,
  );

const incident = (number: number, o: Omit<Parameters<typeof addIncident>[2], "now">) =>
  addIncident(fake, number, { ...o, now: NOW });

const config = (yaml: string) => fake.putFile(".github/incident.yml", yaml);

describe("the reminders sweep", () => {
  it("with nothing due: one request, nothing written", async () => {
    incident(50, { declaredMinutesAgo: 10 });
    const result = await sweep();

    expect(state.failed).toEqual([]);
    expect(result.outcome).toBe("reminders");
    expect(operations()).toEqual(["ReminderSweep"]);
    expect(result.requests.repository).toBe(1);
    expect(result.reminders).toEqual([]);
    expect(comments(50)).toEqual([]);
    expect(state.infos.join("\n")).toContain("1 incident looked at; nothing is due.");
  });

  it("asks GitHub for open incidents and recently closed SEV1–SEV2 ones, with the configuration", async () => {
    await sweep();
    const sent = fake.requests[0]?.body;
    expect(sent?.query).toBe(REMINDERS_QUERY);
    expect(sent?.variables).toEqual({
      owner: "acme",
      repo: "shop",
      withFiles: true,
      config: "HEAD:.github/incident.yml",
      template: "HEAD:.github/firebreak/reminder.md.hbs",
      open: 'repo:acme/shop is:issue is:open label:"incident/sev1","incident/sev2","incident/sev3","incident/sev4" sort:created-asc',
      withOpen: true,
      openFirst: 10,
      openAfter: null,
      // 48 h for the post-mortem and a week more: 2026-11-13.
      closed:
        'repo:acme/shop is:issue is:closed label:"incident/sev1","incident/sev2" closed:>=2026-11-13 sort:created-asc',
      withClosed: true,
      closedFirst: 10,
      closedAfter: null,
    });
  });

  it("reminds an incident nobody took on, once: the next sweep reads its own reminder and says nothing", async () => {
    config("severities:\n  sev2:\n    notify: ['@acme/payments']\n    update_every: 2h\n");
    incident(51, { declaredMinutesAgo: 31 });
    incident(52, { declaredMinutesAgo: 31, after: [command(5201, "bob", minutesBefore(20), "/role ic me")] });

    const result = await sweep();
    expect(state.failed).toEqual([]);
    expect(operations()).toEqual(["ReminderSweep", "FirebreakReminders"]);
    expect(result.reminders).toEqual([
      { issue: 51, url: "https://github.com/acme/shop/issues/51", reminders: ["response"], posted: true },
    ]);
    const [comment] = comments(51);
    expect(comment?.body.split("\n")[0]).toBe("<!-- firebreak:reminder response=2026-11-22T14:59:00Z -->");
    expect(comment?.body).toContain("@acme/payments: please respond.");
    expect(comments(52)).toEqual([]);
    expect(JSON.parse(state.outputs.reminders ?? "[]")).toEqual(result.reminders);

    resetCore();
    fake.requests.length = 0;
    const again = await sweep(schedule(), new Date(NOW.getTime() + 10 * 60_000));
    expect(operations()).toEqual(["ReminderSweep"]);
    expect(again.reminders).toEqual([]);
    expect(comments(51)).toHaveLength(1);
  });

  it("nudges the commander for an overdue update, and the post-mortem of a closed SEV2", async () => {
    incident(53, {
      declaredMinutesAgo: 90,
      after: [
        command(5301, "bob", minutesBefore(85), "/role ic me"),
        command(5302, "bob", minutesBefore(80), "/status identified"),
        labeled("incident/identified", minutesBefore(80), "firebreak"),
        command(5303, "bob", minutesBefore(40), "/update the pool is draining"),
      ],
      status: "incident/identified",
    });
    // Resolved 49 h ago: the post-mortem was due an hour ago.
    incident(54, {
      declaredMinutesAgo: 50 * 60,
      after: [
        command(5401, "carol", minutesBefore(49.5 * 60), "/role ic me"),
        labeled("incident/resolved", minutesBefore(49 * 60), "firebreak"),
      ],
      closedMinutesAgo: 48.5 * 60,
      status: "incident/resolved",
    });
    // The same, with its post-mortem pull request open: nothing to say.
    incident(55, {
      declaredMinutesAgo: 50 * 60,
      after: [
        labeled("incident/resolved", minutesBefore(49 * 60), "firebreak"),
        crossReference(minutesBefore(40 * 60), "github-actions", {
          number: 90,
          title: "Post-mortem: #55",
          state: "OPEN",
          branch: "incident-55/postmortem",
        }),
      ],
      closedMinutesAgo: 48.5 * 60,
      status: "incident/resolved",
    });
    // Closed as not planned: no post-mortem expected.
    incident(56, { declaredMinutesAgo: 50 * 60, closedMinutesAgo: 49 * 60, stateReason: "NOT_PLANNED" });

    const result = await sweep();
    expect(state.failed).toEqual([]);
    expect(result.reminders.map((r) => [r.issue, r.reminders])).toEqual([
      [53, ["update"]],
      [54, ["postmortem"]],
    ]);
    expect(operations()).toEqual(["ReminderSweep", "FirebreakReminders"]);
    const update = comments(53)[0]?.body ?? "";
    expect(update.split("\n")[0]).toBe("<!-- firebreak:reminder update=2026-11-22T14:50:00Z -->");
    expect(update).toContain("the last was at 2026-11-22 14:20 UTC");
    expect(update).toContain("@bob, please post one.");
    const postmortem = comments(54)[0]?.body ?? "";
    expect(postmortem.split("\n")[0]).toBe("<!-- firebreak:reminder postmortem=2026-11-22T14:00:00Z -->");
    expect(postmortem).toContain("@carol, please start the review");
    expect([55, 56].map((n) => comments(n))).toEqual([[], []]);
  });

  it("searches again with renamed severity labels: one more request", async () => {
    fake.addLabel("sev:high");
    config("labels:\n  severity:\n    sev2: 'sev:high'\n");
    incident(57, { severity: "sev:high", declaredMinutesAgo: 31 });

    const result = await sweep();
    expect(state.failed).toEqual([]);
    expect(operations()).toEqual(["ReminderSweep", "ReminderSweep", "FirebreakReminders"]);
    expect(fake.requests[1]?.body.variables).toMatchObject({
      withFiles: false,
      open: 'repo:acme/shop is:issue is:open label:"incident/sev1","sev:high","incident/sev3","incident/sev4" sort:created-asc',
      closed: expect.stringContaining('label:"incident/sev1","sev:high" closed:>='),
    });
    expect(result.reminders.map((r) => r.issue)).toEqual([57]);
  });

  it("reads a long timeline's further records: one request per further 100", async () => {
    const notes = Array.from({ length: 150 }, (_, i) =>
      command(70_000 + i, "bob", minutesBefore(29 - i / 10), `/note observation ${i}`),
    );
    incident(58, { declaredMinutesAgo: 31, after: notes });
    const result = await sweep();
    expect(operations()).toEqual(["ReminderSweep", "PostmortemTimeline", "FirebreakReminders"]);
    expect(result.reminders.map((r) => r.issue)).toEqual([58]);
  });

  it("on a dry run posts nothing and shows what it would say", async () => {
    resetCore({ "dry-run": "true" });
    incident(59, { declaredMinutesAgo: 31 });
    const result = await sweep();
    expect(operations()).toEqual(["ReminderSweep"]);
    expect(result.reminders).toEqual([
      { issue: 59, url: "https://github.com/acme/shop/issues/59", reminders: ["response"], posted: false },
    ]);
    expect(comments(59)).toEqual([]);
    expect(state.infos.join("\n")).toContain("<!-- firebreak:reminder response=2026-11-22T14:59:00Z -->");
  });

  it("uses the repository's template, and falls back to the built-in one when it breaks", async () => {
    fake.putFile(".github/firebreak/reminder.md.hbs", "{{marker}}\nWake up, {{response.notify}}!");
    config("severities:\n  sev2:\n    notify: [carol]\n");
    incident(60, { declaredMinutesAgo: 31 });
    await sweep();
    expect(comments(60)[0]?.body).toBe(
      "<!-- firebreak:reminder response=2026-11-22T14:59:00Z -->\nWake up, @carol!",
    );

    fake.putFile(".github/firebreak/reminder.md.hbs", "{{#if response}}never closed");
    incident(61, { declaredMinutesAgo: 32 });
    resetCore();
    await sweep();
    expect(comments(61)[0]?.body).toContain("### ⏰ No one has taken this SEV2 High incident on");
    expect(state.warnings).toEqual([
      expect.stringMatching(
        /^`\.github\/firebreak\/reminder\.md\.hbs` line 1: the template does not compile/,
      ),
    ]);
  });

  it("without firebreak's tracker, says why it cannot tell who responded, and only nudges post-mortems", async () => {
    incident(62, { declaredMinutesAgo: 31, tracker: false });
    const result = await sweep();
    expect(result.reminders).toEqual([]);
    expect(state.warnings).toEqual([expect.stringContaining("#62 has no firebreak tracker comment")]);

    resetCore({ "app-slug": "firebreak[bot]" });
    const named = await sweep();
    expect(named.reminders.map((r) => r.issue)).toEqual([62]);
  });

  it("a comment GitHub refuses is a warning naming the permission, not a failed run", async () => {
    incident(63, { declaredMinutesAgo: 31 });
    fake.refuse("mutation addComment", 200, "Resource not accessible by integration", "FORBIDDEN");
    const result = await sweep();
    expect(state.failed).toEqual([]);
    expect(result.reminders).toEqual([expect.objectContaining({ issue: 63, posted: false })]);
    expect(state.warnings).toEqual([
      "Could not remind #63: Resource not accessible by integration. The token lacks the issues: write permission.",
    ]);
  });
});

describe("which runs sweep", () => {
  it("workflow_dispatch with mode reminders (as the input or the dispatch's own input)", async () => {
    incident(64, { declaredMinutesAgo: 31 });
    resetCore({ mode: "reminders" });
    expect((await sweep(event("workflow_dispatch", { inputs: {} }))).outcome).toBe("reminders");
    resetCore();
    expect((await sweep(event("workflow_dispatch", { inputs: { mode: "reminders" } }))).reminders).toEqual(
      [],
    );
  });

  it("a schedule with mode postmortem does nothing, and says why", async () => {
    resetCore({ mode: "postmortem" });
    const result = await sweep();
    expect(result.outcome).toBe("skipped");
    expect(fake.requests).toEqual([]);
    expect(state.notices).toEqual([expect.stringContaining("On a schedule the Action sends the reminders")]);
  });

  it("an unknown mode fails, naming the input", async () => {
    resetCore({ mode: "remind" });
    const result = await sweep();
    expect(result.outcome).toBe("failed");
    expect(state.failed).toEqual([
      'mode: "remind" is not a mode; use postmortem or reminders, or leave it empty',
    ]);
  });
});

describe("what a sweep costs", () => {
  it.each([
    // open incidents, all due?, requests: searches (10, then 100 a page), comments (25 a request)
    [0, false, 1, 0],
    [10, false, 1, 0],
    [10, true, 1, 1],
    [200, false, 3, 0],
    [200, true, 3, 8],
  ])(
    "%i open incidents, reminders due: %s → %i search requests and %i writes",
    async (count, due, reads, writes) => {
      openIncidents(fake, count, due, NOW);
      const result = await sweep();
      expect(state.failed).toEqual([]);
      const sweeps = operations().filter((o) => o === "ReminderSweep").length;
      const posts = operations().filter((o) => o === "FirebreakReminders").length;
      console.info(
        `reminders sweep, ${count} open incidents${due ? ", every one due" : ", none due"}: ${result.requests.repository} requests (${sweeps} search, ${posts} comment mutations)`,
      );
      expect([sweeps, posts]).toEqual([reads, writes]);
      expect(result.requests.repository).toBe(reads + writes);
      expect(result.reminders).toHaveLength(due ? count : 0);
      // The budget: one search query (paged) plus at most 2 requests per incident reminded.
      expect(result.requests.repository - sweeps).toBeLessThanOrEqual(2 * result.reminders.length);
    },
  );
});
