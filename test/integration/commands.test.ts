// Issue 3: responders drive an incident with commands in comments. Each test delivers one
// `issue_comment.created` on a declared SEV2 incident and asserts the exact writes.
import type nock from "nock";
import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/core/permissions.js";
import {
  COMMAND_ID,
  declaredSev2,
  incidentComment,
  permissionAnswer,
  REPORTER,
  timelineWithComment,
} from "../helpers/commands.js";
import {
  type ContextOptions,
  commentId,
  commitNode,
  contextReply,
  historyResponse,
  labelId,
  userId,
} from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliverComment,
  graphqlQuery,
  liveMentions,
  operationRequests,
  permissionPath,
  recordRequests,
  requestLine,
  roundTrips,
  type SentRequest,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, type Declared, suspectRow, TRACKER_ID, TRACKER_MARKER } from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const COMMAND_NODE = commentId(COMMAND_ID);
const NEW_COMMENT_ID = 3001;

interface Run {
  scope: nock.Scope;
  sent: SentRequest[];
  declared: Declared;
  /** The tracker's new body, or undefined when it was not updated. */
  tracker: string | undefined;
  /** The comments posted, in order. */
  comments: string[];
}

/**
 * `login` (with `role` on the repository) comments `body` on the declared incident. `mutations` is
 * how many FirebreakWrites requests the app is expected to send; `also` adds further interceptors.
 */
async function runCommand(
  body: string,
  o: {
    by?: string;
    role?: PermissionLevel;
    mutations: number;
    context?: Partial<ContextOptions>;
    also?: (scope: nock.Scope) => nock.Scope;
  },
): Promise<Run> {
  const by = o.by ?? "carol";
  const declared = await declaredSev2();
  let scope = configFile(githubApi(), null)
    .get(permissionPath(by))
    .reply(() => permissionAnswer(by, o.role ?? "write"))
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(contextReply({ timeline: timelineWithComment(declared, { body, by }), ...o.context }));
  if (o.also) scope = o.also(scope);
  if (o.mutations > 0)
    scope = scope
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(o.mutations)
      .reply(answerWrites({ firstCommentId: NEW_COMMENT_ID }));
  const sent = recordRequests(scope);
  await settled(sent, deliverComment(testProbot(), incidentComment(body, { by })));
  return {
    scope,
    sent,
    declared,
    tracker: updatedComment(sent, TRACKER_NODE),
    comments: postedComments(sent),
  };
}

const reaction = (content: "THUMBS_UP" | "CONFUSED") => ({
  op: "addReaction",
  subjectId: COMMAND_NODE,
  content,
});
const swap = (from: string, to: string) => [
  { op: "addLabelsToLabelable", labelIds: [labelId(to)] },
  { op: "removeLabelsFromLabelable", labelIds: [labelId(from)] },
];

/** The lines of the tracker's header table and timeline, for exact comparisons. */
const lines = (markdown: string | undefined) => (markdown ?? "").split("\n");

describe("/status", () => {
  it("/status identified swaps the status label, updates the tracker and reacts 👍, without a reply", async () => {
    const { scope, sent, tracker } = await runCommand("/status identified", { mutations: 2 });

    expect(writesSent(sent)).toEqual([
      swap("incident/investigating", "incident/identified"),
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }, reaction("THUMBS_UP")],
    ]);
    expect(tracker?.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("## 🔥 SEV2 High incident · identified");
    expect(lines(tracker)).toContain("| **Status** | identified |");
    expect(lines(tracker)).toContain("- **2026-11-22 14:20 UTC** Status **identified** by @&#8203;carol");
    // Declared 14:01:58; carol's command at 14:20:00 acknowledged it, the label at 14:20:05 identified it.
    expect(tracker).toContain("**Response so far:** Time to acknowledge 18 min · Time to identify 18 min");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads once (no history), checks the permission once, and writes in two mutations", async () => {
    const { scope, sent } = await runCommand("/status identified", { mutations: 2 });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    const read = sent.find((r) => requestLine(r) === "POST /graphql IncidentContext");
    expect(read?.body.variables.withHistory).toBe(false);
    expect(budgetedRequests(sent)).toHaveLength(3);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/status monitoring posts the verification checklist with the absolute times of its checks", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/status monitoring", { mutations: 2 });

    const [checklist = ""] = comments;
    expect(writesSent(sent)).toEqual([
      swap("incident/investigating", "incident/monitoring"),
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: checklist },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(checklist.startsWith("<!-- firebreak:checklist:verify -->")).toBe(true);
    expect(checklist).toContain("### 🔎 Verification checklist · SEV2 High");
    expect(checklist).toContain("monitored since **2026-11-22 14:20 UTC**");
    // 5, 15, 30 and 60 minutes after monitoring began (14:20:05).
    expect(checklist).toContain("- [ ] **14:25 UTC** (5 min)");
    expect(checklist).toContain("- [ ] **14:35 UTC** (15 min)");
    expect(checklist).toContain("- [ ] **14:50 UTC** (30 min)");
    expect(checklist).toContain("- [ ] **15:20 UTC** (1 h)");
    expect(checklist).not.toContain(TRACKER_MARKER);
    expect(tracker).toContain("## 🔥 SEV2 High incident · monitoring");
    expect(tracker).toContain("Time to mitigate 18 min");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/status resolved posts the post-incident checklist with due dates and records time to resolve", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/status resolved", { mutations: 2 });

    const [checklist = ""] = comments;
    expect(writesSent(sent)).toEqual([
      swap("incident/investigating", "incident/resolved"),
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: checklist },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(checklist.startsWith("<!-- firebreak:checklist:post-incident -->")).toBe(true);
    expect(checklist).toContain("Resolved at **2026-11-22 14:20 UTC** after 18 min");
    expect(checklist).toContain("**Within 24 hours: by 2026-11-23 14:20 UTC**");
    expect(checklist).toContain("**Within 48 hours: by 2026-11-24 14:20 UTC**");
    expect(checklist).toContain("**Within 1 week: by 2026-11-29 14:20 UTC**");
    expect(tracker).toContain("## 🔥 SEV2 High incident · resolved");
    expect(tracker).toContain("Time to resolve 18 min");
    // A resolved incident owes no more status updates.
    expect(tracker).not.toContain("**Next update**");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/status fixed: ❌ reply naming the valid statuses, 😕, and nothing changed", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/status fixed", { mutations: 1 });

    const [reply = ""] = comments;
    // No state mutation; the tracker is unchanged, so it is not written.
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(tracker).toBeUndefined();
    expect(reply.startsWith(`<!-- firebreak:reply:${COMMAND_ID} `)).toBe(true);
    expect(lines(reply)).toContain(
      "❌ `/status fixed`: unknown status `fixed`; valid: investigating, identified, monitoring, resolved. " +
        "Usage: `/status investigating|identified|monitoring|resolved [note]`",
    );
    expect(reply).toContain("Nothing was changed for the commands marked ❌");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/status with the status it already has: 👍 and a reply saying so, no label written", async () => {
    const { scope, sent, comments } = await runCommand("/status investigating", { mutations: 1 });

    const [reply = ""] = comments;
    const [outputs = []] = writesSent(sent);
    expect(outputs.filter((op) => op.op !== "updateIssueComment")).toEqual([
      { op: "addComment", body: reply },
      reaction("THUMBS_UP"),
    ]);
    expect(lines(reply)).toContain("✅ `/status investigating`: the status is already **investigating**");
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/role", () => {
  it("/role ic me assigns the commenter by node id and shows them as incident commander", async () => {
    const { scope, sent, tracker } = await runCommand("/role ic me", { mutations: 2 });

    // The commenter's node id comes with the read.
    const read = sent.find((r) => requestLine(r) === "POST /graphql IncidentContext");
    expect(read?.body.variables).toMatchObject({ u0: "carol" });
    expect(read?.body.query).toContain("u0: user(login: $u0) { id login }");
    expect(writesSent(sent)).toEqual([
      [{ op: "addAssigneesToAssignable", assigneeIds: [userId("carol")] }],
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }, reaction("THUMBS_UP")],
    ]);
    expect(lines(tracker)).toContain("| **Incident commander** | @&#8203;carol |");
    expect(tracker).toContain("Incident commander: @&#8203;carol (set by @&#8203;carol)");
    expect(liveMentions(tracker ?? "")).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/role lead @nobody-here: ❌ when GitHub knows no such user, nothing assigned", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/role lead @nobody-here", {
      mutations: 1,
      context: { unknownUsers: ["nobody-here"] },
    });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(tracker).toBeUndefined();
    expect(lines(reply)).toContain(
      "❌ `/role lead @nobody-here`: GitHub has no user `nobody-here`; check the spelling",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/update", () => {
  it("replies with the formatted status update and its next-update time; the tracker shows it due", async () => {
    const body = "/update Rolled back #12; card payments recovering";
    const { scope, sent, tracker, comments } = await runCommand(body, { mutations: 1 });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(lines(reply)).toContain(`✅ \`${body}\`: status update posted below`);
    expect(lines(reply)).toContain("### 📣 Status update · SEV2 · investigating");
    expect(lines(reply)).toContain("Rolled back #12; card payments recovering");
    expect(lines(reply)).toContain("| **Impact** | _not recorded yet: `/impact …`_ |");
    expect(lines(reply)).toContain("| **Posted by** | @&#8203;carol at 14:20 UTC |");
    // SEV2 updates are due every 30 minutes.
    expect(lines(reply)).toContain("| **Next update** | by 2026-11-22 14:50 UTC |");
    expect(lines(tracker)).toContain("| **Next update** | due by 2026-11-22 14:50 UTC (`/update`) |");
    expect(tracker).toContain("Status update by @&#8203;carol: Rolled back #12; card payments recovering");
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("records for the post-mortem", () => {
  it("/note, /impact, /cause and /action-item are recorded in the tracker, 👍 and no reply", async () => {
    const body = [
      "Recording what we know so far:",
      "/note Rolled back #12 at 14:15",
      "/impact 30% of card payments fail at checkout",
      "/cause Retry loop exhausts the payment connection pool",
      "/action-item add alerting on pool >75% @bob due:2026-12-01",
    ].join("\n");
    const { scope, sent, tracker, comments } = await runCommand(body, { mutations: 1 });

    expect(comments).toEqual([]);
    expect(writesSent(sent)).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }, reaction("THUMBS_UP")],
    ]);
    expect(lines(tracker)).toContain("| **Impact** | 30% of card payments fail at checkout |");
    expect(lines(tracker)).toContain("| **Cause** | Retry loop exhausts the payment connection pool |");
    expect(lines(tracker)).toContain("- add alerting on pool &gt;75% · owner @&#8203;bob · due 2026-12-01");
    expect(tracker).toContain("Note by @&#8203;carol: Rolled back #12 at 14:15");
    expect(liveMentions(tracker ?? "")).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/started 2h ago: a reply confirms the time read, and the suspects are ranked before it", async () => {
    const body = "/started 2h ago";
    const { scope, sent, tracker, comments } = await runCommand(body, {
      mutations: 1,
      also: (s) =>
        s.post("/graphql", graphqlQuery("History")).reply(
          200,
          // GitHub returns what landed in the new window: only #12 (11:00), not #13 (13:00).
          historyResponse([
            commitNode({
              sha: "a".repeat(40),
              headline: "Retry card payments in checkout (#12)",
              committedDate: "2026-11-22T11:00:00Z",
              pr: {
                number: 12,
                title: "Retry card payments in checkout",
                mergedAt: "2026-11-22T11:00:00Z",
                files: ["src/checkout/pay.ts"],
              },
            }),
          ]),
        ),
    });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    // Written at 14:20:00: two hours earlier.
    expect(lines(reply)).toContain("✅ `/started 2h ago`: started at **2026-11-22 12:20 UTC**");
    expect(lines(tracker)).toContain("| **Started** | 2026-11-22 12:20 UTC |");
    // Started 12:20:00, declared 14:01:58.
    expect(tracker).toContain("Time to detect 1 h 41 min");
    // The SEV2 window (48 h) now ends when the incident began.
    expect(sent.find((r) => requestLine(r) === "POST /graphql History")?.body.variables).toMatchObject({
      since: "2026-11-20T12:20:00.000Z",
      until: "2026-11-22T12:20:00.000Z",
    });
    expect(suspectRow(tracker ?? "", 1)).toContain("[#12]");
    expect(suspectRow(tracker ?? "", 2)).toBeUndefined();
    // Within the budget of one command: read, history, one output mutation.
    expect(budgetedRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql History",
      "POST /graphql FirebreakWrites",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/severity", () => {
  it("/severity sev1 escalates: labels swapped, tracker rewritten, escalation notice posted", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/severity sev1 Payments fully down", {
      mutations: 2,
    });

    const [notice = ""] = comments;
    expect(writesSent(sent)).toEqual([
      swap("incident/sev2", "incident/sev1"),
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: notice },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(notice.startsWith("<!-- firebreak:escalation:sev1:2026-11-22T14:20:05.000Z -->")).toBe(true);
    expect(notice).toContain("### ⬆️ Escalated to SEV1 Critical");
    expect(notice).toContain("Respond immediately, by **2026-11-22 14:20 UTC**");
    expect(tracker).toContain("## 🔥 SEV1 Critical incident · investigating");
    expect(tracker).toContain("Escalated from SEV2 to SEV1 by @&#8203;carol: Payments fully down");
    expect(tracker).not.toContain("no longer an incident");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/severity sev3 lowers it within one command's budget, re-ranking suspects over the SEV3 window", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/severity sev3 Only saved cards fail", {
      mutations: 2,
      also: (s) => s.post("/graphql", graphqlQuery("History")).reply(200, historyResponse([])),
    });

    expect(comments).toEqual([]);
    expect(writesSent(sent)).toEqual([
      swap("incident/sev2", "incident/sev3"),
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }, reaction("THUMBS_UP")],
    ]);
    expect(tracker).toContain("## 🔥 SEV3 Medium incident · investigating");
    expect(tracker).toContain("Lowered from SEV2 to SEV3 by @&#8203;carol: Only saved cards fail");
    // SEV3 looks back 72 h from the declaration.
    expect(sent.find((r) => requestLine(r) === "POST /graphql History")?.body.variables).toMatchObject({
      since: "2026-11-19T14:01:58.000Z",
      until: "2026-11-22T14:01:58.000Z",
    });
    expect(budgetedRequests(sent).length).toBeLessThanOrEqual(4);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/help and mistakes", () => {
  it("/help lists every command with whether the caller may run it", async () => {
    // The reporter, who may only read the repository.
    const { scope, sent, tracker, comments } = await runCommand("/help", {
      by: REPORTER,
      role: "read",
      mutations: 1,
    });

    const [reply = ""] = comments;
    // Nothing about the incident changed: the tracker stays as it is.
    expect(tracker).toBeUndefined();
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("THUMBS_UP")]]);
    const table = lines(reply).filter((line) => line.startsWith("| `/"));
    expect(table).toEqual([
      "| `/status investigating\\|identified\\|monitoring\\|resolved [note]` | no: needs the triage role |",
      "| `/severity sev1\\|sev2\\|sev3\\|sev4 [reason]` | no: needs the triage role |",
      "| `/role ic\\|lead\\|comms\\|scribe @user (or me)` | no: needs the triage role |",
      "| `/update <what changed, what is being done>` | yes |",
      "| `/notice investigating\\|identified\\|monitoring\\|resolved <what customers see>` | no: needs the triage role |",
      "| `/note <text for the timeline>` | yes |",
      "| `/started <when: 2026-11-22T14:25Z, 14:25, 14:25 UTC or 2h ago>` | no: needs the triage role |",
      "| `/impact <who and what users are affected>` | yes |",
      "| `/cause <the root cause>` | no: needs the triage role |",
      "| `/action-item <what to do> [@owner] [due:YYYY-MM-DD]` | no: needs the triage role |",
      "| `/incident sev1\\|sev2\\|sev3\\|sev4` | no: needs the triage role |",
      "| `/rollback <commit sha or #PR> [reason]` | no: needs the write role |",
      "| `/help` | yes |",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("an unknown command: ❌ with a hint to /help, 😕", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/frobnicate the pool", { mutations: 1 });

    const [reply = ""] = comments;
    expect(tracker).toBeUndefined();
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)).toContain(
      "❌ `/frobnicate the pool`: `/frobnicate` is not a firebreak command. Try `/help` for the list of commands.",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("/rollback never guesses: without a change it lists the tracker's suspects; HEAD~1 is refused; nothing is read", async () => {
    const { scope, sent, tracker, comments } = await runCommand("/rollback\n/rollback HEAD~1", {
      mutations: 1,
    });

    const [reply = ""] = comments;
    expect(tracker).toBeUndefined();
    // No revert was attempted: the permission check, the incident read and the answer, nothing else.
    expect(operationRequests(sent).map(requestLine)).toEqual([
      "GET /repos/acme/shop/collaborators/carol/permission",
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(reply).toContain(
      "❌ `/rollback`: name the change to roll back: firebreak never guesses. Usage: `/rollback <commit sha or #PR> [reason]`. The top suspects:\n   1. [#12](https://github.com/acme/shop/pull/12)",
    );
    expect(reply).toContain(
      "❌ `/rollback HEAD~1`: `HEAD~1` is not a commit or a pull request: only a commit sha (7 to 40 hex characters) or a pull request number (`#123`) can be rolled back.",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("several commands in one comment", () => {
  const FIVE = [
    "/status identified",
    "/role ic me",
    "/impact 30% of card payments fail at checkout",
    "/note Rolled back #12",
    "/update Rolled back #12; error rate falling",
  ].join("\n");

  it("costs the read, one state mutation and one output mutation, not five times one command", async () => {
    const { scope, sent, tracker, comments } = await runCommand(FIVE, { mutations: 2 });

    const budgeted = budgetedRequests(sent);
    expect(budgeted.map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(budgeted.length).toBeLessThanOrEqual(4);
    expect(roundTrips(budgeted)).toBe(3);
    // One permission check for the whole comment.
    expect(operationRequests(sent).filter((r) => r.path.endsWith("/permission"))).toHaveLength(1);

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        ...swap("incident/investigating", "incident/identified"),
        { op: "addAssigneesToAssignable", assigneeIds: [userId("carol")] },
      ],
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    // One reply covering every command.
    expect(lines(reply).filter((line) => /^[✅❌] /.test(line))).toEqual([
      "✅ `/status identified`",
      "✅ `/role ic me`",
      "✅ `/impact 30% of card payments fail at checkout`",
      "✅ `/note Rolled back #12`",
      "✅ `/update Rolled back #12; error rate falling`: status update posted below",
    ]);
    expect(lines(reply)).toContain("### 📣 Status update · SEV2 · identified");
    expect(lines(reply)).toContain("| **Impact** | 30% of card payments fail at checkout |");
    expect(tracker).toContain("## 🔥 SEV2 High incident · identified");
    expect(lines(tracker)).toContain("| **Incident commander** | @&#8203;carol |");
    expect(lines(tracker)).toContain("| **Impact** | 30% of card payments fail at checkout |");
    expect(tracker).toContain("Note by @&#8203;carol: Rolled back #12");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("answers a mix of good and bad commands in one reply, 😕, applying the good ones", async () => {
    const body = ["/note Paged the payments team", "/status fixed"].join("\n");
    const { scope, sent, tracker, comments } = await runCommand(body, { mutations: 1 });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("CONFUSED"),
      ],
    ]);
    expect(lines(reply).filter((line) => /^[✅❌] /.test(line))).toEqual([
      "✅ `/note Paged the payments team`",
      "❌ `/status fixed`: unknown status `fixed`; valid: investigating, identified, monitoring, resolved. " +
        "Usage: `/status investigating|identified|monitoring|resolved [note]`",
    ]);
    // The reply records which lines were applied, so a re-render knows the note stands.
    expect(reply.startsWith(`<!-- firebreak:reply:${COMMAND_ID} applied:1 -->`)).toBe(true);
    expect(tracker).toContain("Note by @&#8203;carol: Paged the payments team");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
