// Repositories where the app lacks a permission: GitHub answers 403 (or FORBIDDEN in GraphQL) on a
// read or a write. Each becomes one clear answer on the issue when one can still be posted, or one
// log line naming what to fix when nothing can; never a retry storm. The apps here run with Octokit's
// retry plugin on, as in production, to show that a refusal is asked once.
import type nock from "nock";
import { describe, expect, it } from "vitest";
import { contextReply, labeledNode } from "../helpers/graphql.js";
import {
  graphqlQuery,
  LABELS_PATH,
  operationRequests,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import { checkoutCommits } from "../helpers/incident.js";
import { answerRevert, BRANCH, TARGET } from "../helpers/rollback.js";
import {
  comment,
  declareSev2,
  expectDeclared,
  type LogLine,
  loud,
  outcomeLines,
  reaction,
  TRACKER_NODE,
} from "./support.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const FORBIDDEN = { message: "Resource not accessible by integration" };
const SEV2_TIMELINE = [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")];

/** The one line an operator sees: a warning naming GitHub's answer and what to check. */
function expectOneRefusalLine(logs: LogLine[], event: string, status: string, said: string): void {
  expect(loud(logs).map((line) => [line.level, line.status, line.msg])).toEqual([
    [
      40,
      status,
      `firebreak could not handle this ${event} event: GitHub answered ${status} (${said}). The app lacks a permission on this repository (see the README's Permissions), or the issue is gone; nothing more is tried for this delivery.`,
    ],
  ]);
}

/** How many times each of the operation's requests was sent. */
function counts(run: { sent: Parameters<typeof operationRequests>[0] }): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const line of operationRequests(run.sent).map(requestLine)) tally[line] = (tally[line] ?? 0) + 1;
  return tally;
}

const readAnswer = (status: number, body: object) => (s: nock.Scope) =>
  s.post("/graphql", graphqlQuery("IncidentContext")).reply(status, body);

describe("permissions: a declaration GitHub refuses ends in one log line", () => {
  const cases: Array<[string, (s: nock.Scope) => nock.Scope, string, string]> = [
    ["403 on the incident read", readAnswer(403, FORBIDDEN), "403", "Resource not accessible by integration"],
    [
      "FORBIDDEN from GraphQL on the whole read",
      readAnswer(200, {
        data: { repository: null },
        errors: [
          { type: "FORBIDDEN", path: ["repository"], message: "Resource not accessible by integration" },
        ],
      }),
      "FORBIDDEN",
      "Resource not accessible by integration",
    ],
    [
      "the issue gone (transferred or deleted) by the time it is read",
      readAnswer(200, {
        data: { repository: { issue: null } },
        errors: [
          {
            type: "NOT_FOUND",
            path: ["repository", "issue"],
            message: "Could not resolve to an issue or pull request with the number of 42.",
          },
        ],
      }),
      "NOT_FOUND",
      "Could not resolve to an issue or pull request with the number of 42.",
    ],
  ];

  it.each(cases)("%s: asked once, nothing written", async (_name, read, status, said) => {
    const run = await declareSev2({ retries: true, read, writes: (s) => s });

    expect(run.error).toBeNull();
    expect(run.unmatched).toEqual([]);
    expect(run.writes).toEqual([]);
    expect(counts(run)).toEqual({ "POST /graphql IncidentContext": 1 });
    expectOneRefusalLine(run.logs, "issues", status, said);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("403 on the first write: asked once, the second write is not attempted", async () => {
    const run = await declareSev2({
      retries: true,
      writes: (s) => s.post("/graphql", graphqlQuery("FirebreakWrites")).reply(403, FORBIDDEN),
    });

    expect(run.error).toBeNull();
    expect(counts(run)).toEqual({ "POST /graphql IncidentContext": 1, "POST /graphql FirebreakWrites": 1 });
    expectOneRefusalLine(run.logs, "issues", "403", "Resource not accessible by integration");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("403 creating the missing labels: each label asked once, nothing else written", async () => {
    const run = await declareSev2({
      retries: true,
      read: (s) =>
        s
          .post("/graphql", graphqlQuery("IncidentContext"))
          .reply(contextReply({ timeline: SEV2_TIMELINE, commits: checkoutCommits(), existingLabels: [] })),
      writes: (s) => s.post(LABELS_PATH).times(8).reply(403, FORBIDDEN),
    });

    expect(run.error).toBeNull();
    expect(run.writes).toEqual([]);
    expect(counts(run)).toEqual({ "POST /graphql IncidentContext": 1, [`POST ${LABELS_PATH}`]: 8 });
    expectOneRefusalLine(run.logs, "issues", "403", "Resource not accessible by integration");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("no Deployments permission yet (FORBIDDEN on that field alone): declared without them (was refused whole)", async () => {
    const run = await declareSev2({
      read: (s) =>
        s.post("/graphql", graphqlQuery("IncidentContext")).reply((uri, body) => {
          const [status, answer] = contextReply({ timeline: SEV2_TIMELINE, commits: checkoutCommits() })(
            uri,
            body,
          );
          answer.data.repository.deployments = null;
          answer.errors = [
            {
              type: "FORBIDDEN",
              path: ["repository", "deployments"],
              message: "Resource not accessible by integration",
            },
          ];
          return [status, answer];
        }),
    });

    expectDeclared(run);
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(loud(run.logs)).toEqual([]);
  });
});

describe("permissions: a command GitHub refuses", () => {
  it("403 on the role check: nothing written, one log line", async () => {
    const run = await comment("/status identified", { retries: true, permission: [403, FORBIDDEN] });

    expect(run.error).toBeNull();
    expect(run.writes).toEqual([]);
    // The read goes out side by side with the role check; nothing follows either.
    expect(counts(run)).toEqual({
      "GET /repos/acme/shop/collaborators/carol/permission": 1,
      "POST /graphql IncidentContext": 1,
    });
    expectOneRefusalLine(run.logs, "issue_comment", "403", "Resource not accessible by integration");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("labels refused field by field (FORBIDDEN): put back, and the reply says the status did not change", async () => {
    const run = await comment("/status identified", {
      retries: true,
      fail: { w0: "Resource not accessible by integration" },
      also: (s) => s.put("/repos/acme/shop/issues/42/labels").reply(200, []),
    });

    expect(run.error).toBeNull();
    expect(counts(run)).toEqual({
      "GET /repos/acme/shop/collaborators/carol/permission": 1,
      "POST /graphql IncidentContext": 1,
      "POST /graphql FirebreakWrites": 2,
      "PUT /repos/acme/shop/issues/42/labels": 1,
    });
    const restore = run.sent.find((request) => request.method === "PUT");
    expect(restore?.body).toEqual({ labels: ["incident/sev2", "incident/investigating"] });
    expect(run.writes).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: ["LA_incident/identified"] },
        { op: "removeLabelsFromLabelable", labelIds: ["LA_incident/investigating"] },
      ],
      [{ op: "addComment", body: run.reply }, reaction("CONFUSED")],
    ]);
    expect(outcomeLines(run.reply)).toEqual([
      "❌ `/status identified`: GitHub refused the change (Resource not accessible by integration); nothing was changed",
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("/rollback refused on its first git write: nothing made, the reply names the permissions", async () => {
    const run = await comment(`/rollback ${TARGET}`, {
      retries: true,
      also: (s) =>
        answerRevert(s, { until: "query" }).post("/repos/acme/shop/git/commits").reply(403, FORBIDDEN),
    });

    expect(run.error).toBeNull();
    expect(counts(run)).toEqual({
      "GET /repos/acme/shop/collaborators/carol/permission": 1,
      "POST /graphql IncidentContext": 1,
      "POST /graphql RevertTarget": 1,
      "POST /repos/acme/shop/git/commits": 1,
      "POST /graphql FirebreakWrites": 1,
    });
    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([
      `❌ \`/rollback ${TARGET}\`: the rollback failed: creating the undo commit failed: GitHub answered 403: Resource not accessible by integration (the app needs the Contents and Pull requests: read and write permissions); nothing was left behind, try again`,
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("/rollback refused after its branch exists: the branch is deleted, the reply names the permissions", async () => {
    const run = await comment(`/rollback ${TARGET}`, {
      retries: true,
      also: (s) => answerRevert(s, { until: { failFinal: 403 } }),
    });

    expect(run.error).toBeNull();
    const sent = operationRequests(run.sent).map(requestLine);
    expect(sent.filter((line) => line.startsWith("DELETE"))).toEqual([
      `DELETE /repos/acme/shop/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`,
    ]);
    expect(sent.filter((line) => line === "POST /repos/acme/shop/git/commits")).toHaveLength(2);
    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([
      expect.stringMatching(
        /GitHub answered 403: Server Error \(the app needs the Contents and Pull requests: read and write permissions\); nothing was left behind, try again$/,
      ),
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("every answer refused field by field: nothing claimed, one error logged, the delivery fails once", async () => {
    const refusedAll = {
      w0: "Resource not accessible by integration",
      w1: "Resource not accessible by integration",
    };
    const run = await comment("/note checking", { retries: true, fail: refusedAll });

    expect(counts(run)).toEqual({
      "GET /repos/acme/shop/collaborators/carol/permission": 1,
      "POST /graphql IncidentContext": 1,
      "POST /graphql FirebreakWrites": 1,
    });
    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(loud(run.logs).map((line) => line.level)).toEqual([50]);
    expect(String(run.error)).toContain("GitHub refused part of firebreak's answer");
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});
