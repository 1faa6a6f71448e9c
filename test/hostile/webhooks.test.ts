// Webhooks with missing fields, unexpected actions and events firebreak does not handle: each either
// costs nothing at all or is handled as GitHub would have meant it; none crashes the delivery.
import { describe, expect, it } from "vitest";
import { useFixedClock } from "../helpers/harness.js";
import { issueCommentEvent, issueEvent } from "../helpers/payloads.js";
import { pullRequestClosedEvent } from "../helpers/rollback.js";
import { comment, commentPayload, declareSev2, deliverNothingSent, expectDeclared, loud } from "./support.js";

// Declarations here happen at 14:02; the comment scenarios set their own time.
useFixedClock(new Date("2026-11-22T14:02:00Z"));

type Json = Record<string, any>;
const INCIDENT = ["incident/sev2", "incident/investigating"];

const incidentIssue = (action: "opened" | "closed" | "labeled", edit: (p: Json) => void = () => {}) => {
  const payload = issueEvent(action, { labels: INCIDENT });
  edit(payload);
  return payload;
};

/** Events and shapes that cost nothing: no request, no warning. */
const free: Array<[string, () => { name: string; payload: Json }]> = [
  [
    "issues.transferred on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "transferred" } }),
  ],
  [
    "issues.deleted on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "deleted" } }),
  ],
  [
    "issues.pinned on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "pinned" } }),
  ],
  [
    "issues.locked on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "locked" } }),
  ],
  [
    "issues.milestoned on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "milestoned" } }),
  ],
  [
    "issues.assigned on an incident",
    () => ({ name: "issues", payload: { ...incidentIssue("opened"), action: "assigned" } }),
  ],
  [
    "issue_comment.deleted of a command",
    () => ({ name: "issue_comment", payload: { ...commentPayload("/status resolved"), action: "deleted" } }),
  ],
  [
    "issue_comment.edited into a command",
    () => ({
      name: "issue_comment",
      payload: issueCommentEvent("edited", { body: "/status resolved", issue: { labels: INCIDENT } }),
    }),
  ],
  [
    "an event firebreak never subscribed to (push)",
    () => ({ name: "push", payload: { ref: "refs/heads/main", installation: { id: 777 } } }),
  ],
  [
    "an event name GitHub does not have",
    () => ({ name: "frobnicate", payload: { action: "spin", installation: { id: 777 } } }),
  ],
  [
    "pull_request.opened",
    () => ({ name: "pull_request", payload: { action: "opened", installation: { id: 777 } } }),
  ],
  [
    "pull_request.closed without a head (was a TypeError)",
    () => {
      const payload = pullRequestClosedEvent({ merged: true });
      delete payload.pull_request.head;
      return { name: "pull_request", payload };
    },
  ],
  [
    "pull_request.closed, a revert branch never merged",
    () => ({ name: "pull_request", payload: pullRequestClosedEvent({ merged: false }) }),
  ],
  [
    "pull_request.closed, a fork's branch named like a revert",
    () => ({
      name: "pull_request",
      payload: pullRequestClosedEvent({ merged: true, headRepo: "mallory/shop" }),
    }),
  ],
  [
    "issues.labeled without the `label` field",
    () => ({ name: "issues", payload: incidentIssue("labeled", (p) => delete p.label) }),
  ],
  [
    "issues.closed without `issue.labels`",
    () => ({ name: "issues", payload: incidentIssue("closed", (p) => delete p.issue.labels) }),
  ],
  [
    "issues.closed whose labels are null entries",
    () => ({
      name: "issues",
      payload: incidentIssue("closed", (p) => {
        p.issue.labels = [null, { name: "bug" }];
      }),
    }),
  ],
  [
    "issues.labeled on a pull request",
    () => {
      const payload = issueEvent("labeled", { labels: ["incident/sev1"], label: "incident/sev1" });
      payload.issue.pull_request = { url: "https://api.github.com/repos/acme/shop/pulls/42" };
      return { name: "issues", payload };
    },
  ],
  [
    "issue_comment.created with `comment.body: null`",
    () => {
      const payload = commentPayload("");
      payload.comment.body = null;
      return { name: "issue_comment", payload };
    },
  ],
  [
    "issue_comment.created by a bot",
    () => ({
      name: "issue_comment",
      payload: commentPayload("/status resolved", { by: { login: "ci[bot]", type: "Bot" } }),
    }),
  ],
  [
    "issue_comment.created on a pull request with /incident",
    () => {
      const payload = commentPayload("/incident sev1");
      payload.issue.pull_request = { url: "https://api.github.com/repos/acme/shop/pulls/42" };
      return { name: "issue_comment", payload };
    },
  ],
  [
    "issue_comment.created with neither `sender` nor `comment.user` (was a TypeError)",
    () => {
      const payload = commentPayload("/status identified");
      payload.comment.user = null;
      delete payload.sender;
      return { name: "issue_comment", payload };
    },
  ],
];
describe("webhooks: nothing to do, nothing sent", () => {
  it.each(free)("%s", async (_name, event) => {
    const { logs, error } = await deliverNothingSent(event());

    expect(error).toBeNull();
    expect(loud(logs)).toEqual([]);
  });
});

describe("webhooks: missing fields on an incident event", () => {
  it("no `installation`: nothing sent, one warning saying to install the app (was sent unauthenticated)", async () => {
    const payload = issueEvent("labeled", { labels: ["incident/sev2"], label: "incident/sev2" });
    delete payload.installation;

    const { logs, error } = await deliverNothingSent({ name: "issues", payload });

    expect(error).toBeNull();
    expect(loud(logs).map((line) => [line.level, line.msg])).toEqual([
      [
        40,
        "firebreak ignored a webhook without an installation: install the GitHub App on the repository (a repository webhook cannot be answered)",
      ],
    ]);
  });

  it("no `sender`: declared as usual (was a TypeError)", async () => {
    const run = await declareSev2({ edit: (payload) => delete payload.sender });

    expectDeclared(run);
    expect(loud(run.logs)).toEqual([]);
  });

  it("no `repository.default_branch`: declared, suspects read from main (was a TypeError)", async () => {
    const run = await declareSev2({ edit: (payload) => delete payload.repository.default_branch });

    expectDeclared(run);
    const read = run.sent.find((request) => /query IncidentContext/.test(request.body?.query ?? ""));
    expect(read?.body.variables.branch).toBe("refs/heads/main");
    expect(run.tracker).toContain("Changes that landed on `main`");
  });

  it("`issue.user: null` (a deleted account): declared, credited to whoever labelled it", async () => {
    const run = await declareSev2({
      edit: (payload) => {
        payload.issue.user = null;
      },
    });

    expectDeclared(run);
    expect(run.tracker).toContain("Declared SEV2 by @&#8203;alice");
  });

  it("a label payload without a description or colour", async () => {
    const run = await declareSev2({
      edit: (payload) => {
        payload.label = { name: "incident/sev2" };
      },
    });

    expectDeclared(run);
  });

  it("a comment with `comment.user: null` but a sender: answered as the sender", async () => {
    const run = await comment("/status identified", {
      edit: (payload) => {
        payload.comment.user = null;
      },
    });

    expect(run.error).toBeNull();
    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/identified"] },
      { op: "removeLabelsFromLabelable", labelIds: ["LA_incident/investigating"] },
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a comment with no `sender`: answered as the comment's author (was a TypeError)", async () => {
    const run = await comment("/status identified", { edit: (payload) => delete payload.sender });

    expect(run.error).toBeNull();
    expect(run.writes[0]).toEqual([
      { op: "addLabelsToLabelable", labelIds: ["LA_incident/identified"] },
      { op: "removeLabelsFromLabelable", labelIds: ["LA_incident/investigating"] },
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});
