// Issue 8, status notices: `/notice <state> <text>` renders a customer-facing notice into the reply
// and, when `notices.enabled`, adds it to the status file on a standing branch with a pull request.
// Each test delivers one `issue_comment.created` on a declared SEV2 incident and asserts the
// exact requests.
import type nock from "nock";
import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/core/permissions.js";
import {
  COMMAND_ID,
  DECLARED_AT,
  declaredSev2,
  INCIDENT_LABELS,
  incidentComment,
  permissionAnswer,
  timelineWithComment,
} from "../helpers/commands.js";
import { type ContextOptions, commentId, contextReply, type Reaction } from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliver,
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
import { configFile, declaredTimeline, TRACKER_ID } from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import {
  answerStatusNotice,
  BASE_OID,
  BRANCH_OID,
  BRANCH_REF_ID,
  committedFile,
  decodeStatusNotice,
  graphqlOperation,
  REPOSITORY_ID,
  STATUS_BRANCH,
  type TargetOptions,
  targetResponse,
} from "../helpers/status-notice.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const COMMAND_NODE = commentId(COMMAND_ID);
const MARKER = `<!-- firebreak:notice:${COMMAND_ID}:1 -->`;
const ENABLED = "notices:\n  enabled: true\n";

const INVESTIGATING = "/notice investigating Card payments fail for some customers.";
/** The notice INVESTIGATING renders (the comment was written at 14:20; SEV2 updates every 30 minutes). */
const INVESTIGATING_NOTICE = [
  MARKER,
  "### 🔴 Investigating: Checkout returns 500 for card payments",
  "",
  "_2026-11-22 14:20 UTC_",
  "",
  "Card payments fail for some customers.",
  "",
  "We are investigating the problem and will keep you updated here.",
  "",
  "Next update by 2026-11-22 14:50 UTC.",
].join("\n");

interface Run {
  scope: nock.Scope;
  sent: SentRequest[];
  tracker: string | undefined;
  comments: string[];
}

/**
 * `by` (with `role`) comments `body` on the declared incident. `mutations`: the FirebreakWrites
 * requests expected; `status` adds the status file's interceptors.
 */
async function runNotice(
  body: string,
  o: {
    by?: string;
    role?: PermissionLevel;
    config?: string | null;
    mutations: number;
    reacted?: Reaction[];
    context?: Partial<ContextOptions>;
    status?: (scope: nock.Scope) => nock.Scope;
  },
): Promise<Run> {
  const by = o.by ?? "carol";
  const declared = await declaredSev2();
  let scope = configFile(githubApi(), o.config ?? null)
    .get(permissionPath(by))
    .reply(() => permissionAnswer(by, o.role ?? "triage"))
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(
      contextReply({
        timeline: timelineWithComment(declared, { body, by, reacted: o.reacted ?? [] }),
        ...o.context,
      }),
    );
  if (o.status) scope = o.status(scope);
  if (o.mutations > 0)
    scope = scope
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(o.mutations)
      .reply(answerWrites({ firstCommentId: 3001 }));
  const sent = recordRequests(scope);
  await settled(sent, deliverComment(testProbot(), incidentComment(body, { by })));
  return { scope, sent, tracker: updatedComment(sent, TRACKER_NODE), comments: postedComments(sent) };
}

const reaction = (content: "THUMBS_UP" | "CONFUSED") => ({
  op: "addReaction",
  subjectId: COMMAND_NODE,
  content,
});
const lines = (markdown: string | undefined) => (markdown ?? "").split("\n");

/** The status file's read, answered with `target`, then (optionally) its mutation. */
function statusFile(target: TargetOptions, answer?: ReturnType<typeof answerStatusNotice>) {
  return (scope: nock.Scope): nock.Scope => {
    const read = scope
      .post("/graphql", graphqlOperation("StatusNoticeTarget"))
      .reply(200, targetResponse(target));
    return answer ? read.post("/graphql", graphqlOperation("FirebreakStatusNotice")).reply(answer) : read;
  };
}

const statusMutations = (sent: SentRequest[]) =>
  sent
    .filter((r) => requestLine(r) === "POST /graphql FirebreakStatusNotice")
    .map((r) => decodeStatusNotice(r.body));

describe("/notice without a status file", () => {
  it("renders the customer notice into the reply, records it in the tracker, 👍; two requests", async () => {
    const { scope, sent, tracker, comments } = await runNotice(INVESTIGATING, { mutations: 1 });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(reply).toBe(
      [
        `<!-- firebreak:reply:${COMMAND_ID} applied:1 -->`,
        `✅ \`${INVESTIGATING}\`: customer notice below: post it where your customers look`,
        "",
        "---",
        "",
        INVESTIGATING_NOTICE,
        "",
      ].join("\n"),
    );
    // Customers see no internals: no severity, suspects, commits or responders.
    expect(INVESTIGATING_NOTICE).not.toMatch(/SEV2|#12|aaaaaaa|carol|bob/);
    expect(lines(tracker)).toContain(
      "- **2026-11-22 14:20 UTC** Customer notice **investigating** by @&#8203;carol",
    );
    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    expect(budgetedRequests(sent)).toHaveLength(2);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("a resolved notice says when customers were affected and promises no further update", async () => {
    const { scope, comments } = await runNotice(
      "/notice RESOLVED Card payments work again. Payments that failed were not charged.",
      { mutations: 1 },
    );

    const [reply = ""] = comments;
    expect(reply).toContain(
      [
        "### 🟢 Resolved: Checkout returns 500 for card payments",
        "",
        "_2026-11-22 14:20 UTC_",
        "",
        "Card payments work again. Payments that failed were not charged.",
        "",
        "This incident has been resolved. We apologize for the inconvenience.",
        "",
        // Declared 14:01:58; the incident is not resolved in firebreak yet, so the notice's time ends it.
        "**Affected:** from 2026-11-22 14:01 UTC to 2026-11-22 14:20 UTC (18 min)",
      ].join("\n"),
    );
    expect(reply).not.toContain("Next update");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("refuses empty text, an unknown state, an over-long text and @mentions: ❌ each, 😕, nothing written", async () => {
    const long = `/notice identified ${"x".repeat(1_001)}`;
    const body = [
      "/notice investigating",
      "/notice fixed All good now",
      "/notice identified Thanks @bob for finding it",
      long,
    ].join("\n");
    const { scope, sent, tracker, comments } = await runNotice(body, { mutations: 1 });

    const [reply = ""] = comments;
    expect(tracker).toBeUndefined();
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    const usage = "Usage: `/notice investigating|identified|monitoring|resolved <what customers see>`";
    expect(lines(reply).slice(1, 5)).toEqual([
      `❌ \`/notice investigating\`: \`/notice investigating\` needs the text customers will read after the state. ${usage}`,
      `❌ \`/notice fixed All good now\`: unknown state \`fixed\`; valid: investigating, identified, monitoring, resolved. ${usage}`,
      `❌ \`/notice identified Thanks @bob for finding it\`: customer notices name no one: take out \`@bob\` (nobody was notified). ${usage}`,
      `❌ \`${long.slice(0, 120)}\`: a notice is at most 1,000 characters and this one has 1,001; keep to what customers see and need to do. ${usage}`,
    ]);
    expect(reply).not.toContain("firebreak:notice:");
    // The lines echoed are code spans, which ping no one; nothing else names anyone.
    expect(liveMentions(reply.replace(/`[^`\n]*`/g, ""))).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("needs the triage role by default: a reader is refused, even with the status file on", async () => {
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      by: "dave",
      role: "read",
      config: ENABLED,
      mutations: 1,
    });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)).toContain(
      `❌ \`${INVESTIGATING}\`: you need the **triage** role on this repository to run \`/notice\` (you have read); ask a maintainer, or someone with that role, to run it`,
    );
    // Nothing rendered for customers, and the status file is not even read.
    expect(reply).not.toContain("Investigating:");
    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("dave")}`,
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("the role it needs is configurable: `permissions.notice: write`", async () => {
    const { scope, comments } = await runNotice(INVESTIGATING, {
      config: "permissions:\n  notice: write\n",
      mutations: 1,
    });

    expect(lines(comments[0])).toContain(
      `❌ \`${INVESTIGATING}\`: you need the **write** role on this repository to run \`/notice\` (you have triage); ask a maintainer, or someone with that role, to run it`,
    );
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("redelivered after it was answered: one read, nothing written, the status file untouched", async () => {
    const { scope, sent } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      reacted: ["THUMBS_UP"],
      mutations: 0,
    });

    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/notice with the status file (notices.enabled)", () => {
  it("first notice: creates the branch from main, commits STATUS.md, opens the pull request; four requests", async () => {
    const { scope, sent, tracker, comments } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: statusFile({ branch: null, baseFile: null }, answerStatusNotice({ pullRequest: 57 })),
    });

    const read = sent.find((r) => requestLine(r) === "POST /graphql StatusNoticeTarget");
    expect(read?.body.variables).toEqual({
      owner: "acme",
      repo: "shop",
      branchRef: `refs/heads/${STATUS_BRANCH}`,
      baseRef: "refs/heads/main",
      branch: STATUS_BRANCH,
      branchFile: `${STATUS_BRANCH}:STATUS.md`,
      baseFile: "main:STATUS.md",
    });
    const [ops = []] = statusMutations(sent);
    expect(ops.map((op) => op.op)).toEqual(["createRef", "createCommitOnBranch", "createPullRequest"]);
    expect(ops[0]).toEqual({
      op: "createRef",
      repositoryId: REPOSITORY_ID,
      name: `refs/heads/${STATUS_BRANCH}`,
      oid: BASE_OID,
    });
    expect(ops[1]).toMatchObject({
      branch: { repositoryNameWithOwner: "acme/shop", branchName: STATUS_BRANCH },
      expectedHeadOid: BASE_OID,
      message: { headline: "Status notice: investigating, acme/shop#42", body: "" },
    });
    // A new file: a heading, then the notice with its hidden id.
    expect(committedFile(ops[1] ?? {})).toEqual({
      path: "STATUS.md",
      text: `# Status\n\n${INVESTIGATING_NOTICE}\n`,
    });
    expect(ops[2]).toMatchObject({
      repositoryId: REPOSITORY_ID,
      baseRefName: "main",
      headRefName: STATUS_BRANCH,
      title: "Status page: customer notices to publish",
    });

    const [reply = ""] = comments;
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(lines(reply)[1]).toBe(
      `✅ \`${INVESTIGATING}\`: customer notice below; added to \`STATUS.md\` in #57: review it, then merge to publish`,
    );
    expect(reply).toContain(INVESTIGATING_NOTICE);
    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      "POST /graphql StatusNoticeTarget",
      "POST /graphql FirebreakStatusNotice",
      "POST /graphql FirebreakWrites",
    ]);
    expect(budgetedRequests(sent)).toHaveLength(4);
    // Each needs the answer before it: read the incident, read the file's branch, write it, answer.
    expect(roundTrips(budgetedRequests(sent))).toBe(4);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("with its pull request open: appends to the branch's file after the earlier notice, no new pull request", async () => {
    const earlier = "# Status\n\n<!-- firebreak:notice:1999:1 -->\n### 🔴 Investigating: Login is slow\n";
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      config: "notices:\n  enabled: true\n  status_file: docs/status.md\n",
      mutations: 1,
      status: statusFile(
        { branch: BRANCH_OID, pullRequest: 58, branchFile: earlier, baseFile: "# Status\n" },
        answerStatusNotice(),
      ),
    });

    const [ops = []] = statusMutations(sent);
    expect(ops.map((op) => op.op)).toEqual(["createCommitOnBranch"]);
    expect(ops[0]?.expectedHeadOid).toBe(BRANCH_OID);
    expect(committedFile(ops[0] ?? {})).toEqual({
      path: "docs/status.md",
      text: `${earlier}\n${INVESTIGATING_NOTICE}\n`,
    });
    expect(lines(comments[0])[1]).toBe(
      `✅ \`${INVESTIGATING}\`: customer notice below; added to \`docs/status.md\` in #58, with the notices not published yet: merge it to publish`,
    );
    expect(budgetedRequests(sent)).toHaveLength(4);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("after the last pull request was merged: moves the branch back to main, then commits and opens a new one", async () => {
    const published = "# Status\n\n<!-- firebreak:notice:1999:1 -->\n### 🟢 Resolved: Login is slow\n";
    const { scope, sent } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: statusFile(
        { branch: BRANCH_OID, pullRequest: null, branchFile: "stale", baseFile: published },
        answerStatusNotice({ pullRequest: 59 }),
      ),
    });

    const [ops = []] = statusMutations(sent);
    expect(ops.map((op) => op.op)).toEqual(["updateRef", "createCommitOnBranch", "createPullRequest"]);
    expect(ops[0]).toEqual({ op: "updateRef", refId: BRANCH_REF_ID, oid: BASE_OID, force: true });
    expect(ops[1]?.expectedHeadOid).toBe(BASE_OID);
    // Built on main's file, not on the branch's leftover.
    expect(committedFile(ops[1] ?? {}).text).toBe(`${published}\n${INVESTIGATING_NOTICE}\n`);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("redelivered before it was answered (the notice already on the branch): no second commit or pull request", async () => {
    const already = `# Status\n\n${INVESTIGATING_NOTICE}\n`;
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: statusFile({ branch: BRANCH_OID, pullRequest: 57, branchFile: already, baseFile: null }),
    });

    expect(statusMutations(sent)).toEqual([]);
    expect(lines(comments[0])[1]).toBe(
      `✅ \`${INVESTIGATING}\`: customer notice below; already in \`STATUS.md\` in #57`,
    );
    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      "POST /graphql StatusNoticeTarget",
      "POST /graphql FirebreakWrites",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("two notices in one comment: one commit adding both, in order", async () => {
    const body = `${INVESTIGATING}\n/notice identified We found the cause.`;
    const { scope, sent, comments } = await runNotice(body, {
      config: ENABLED,
      mutations: 1,
      status: statusFile({ branch: null, baseFile: "# Status\n" }, answerStatusNotice({ pullRequest: 60 })),
    });

    const [ops = []] = statusMutations(sent);
    expect(ops.map((op) => op.op)).toEqual(["createRef", "createCommitOnBranch", "createPullRequest"]);
    expect(ops[1]?.message).toEqual({
      headline: "2 status notices",
      body: "- Status notice: investigating, acme/shop#42\n- Status notice: identified, acme/shop#42",
    });
    const text = committedFile(ops[1] ?? {}).text;
    expect(
      text.startsWith(`# Status\n\n${INVESTIGATING_NOTICE}\n\n<!-- firebreak:notice:${COMMAND_ID}:2 -->\n`),
    ).toBe(true);
    expect(lines(comments[0]).filter((line) => line.includes("added to `STATUS.md` in #60"))).toHaveLength(2);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("redelivered after its pull request was merged: already published, nothing written", async () => {
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: statusFile({ branch: BRANCH_OID, baseFile: `# Status\n\n${INVESTIGATING_NOTICE}\n` }),
    });

    expect(statusMutations(sent)).toEqual([]);
    expect(lines(comments[0])[1]).toBe(
      `✅ \`${INVESTIGATING}\`: customer notice below; already published in \`STATUS.md\` on \`main\``,
    );
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("another notice moved the branch meanwhile: reads again and commits on top of it, once", async () => {
    const theirs = "# Status\n\n<!-- firebreak:notice:2500:1 -->\n### 🔴 Investigating: Search is down\n";
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: (s) =>
        statusFile(
          { branch: BRANCH_OID, pullRequest: 57, branchFile: "# Status\n", baseFile: null },
          answerStatusNotice({
            fail: { w0: `Expected branch to point to "${BRANCH_OID}" but it did not. Pull and try again.` },
          }),
        )(s)
          .post("/graphql", graphqlOperation("StatusNoticeTarget"))
          .reply(
            200,
            targetResponse({ branch: "f".repeat(40), pullRequest: 57, branchFile: theirs, baseFile: null }),
          )
          .post("/graphql", graphqlOperation("FirebreakStatusNotice"))
          .reply(answerStatusNotice()),
    });

    const [first = [], second = []] = statusMutations(sent);
    expect(first[0]?.expectedHeadOid).toBe(BRANCH_OID);
    expect(second[0]?.expectedHeadOid).toBe("f".repeat(40));
    expect(committedFile(second[0] ?? {}).text).toBe(`${theirs}\n${INVESTIGATING_NOTICE}\n`);
    expect(lines(comments[0])[1]).toContain("added to `STATUS.md` in #57");
    expect(budgetedRequests(sent)).toHaveLength(6);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("GitHub refuses the commit: ❌ saying why, the notice still shown to post by hand, 😕", async () => {
    const { scope, sent, tracker, comments } = await runNotice(INVESTIGATING, {
      config: ENABLED,
      mutations: 1,
      status: statusFile(
        { branch: BRANCH_OID, pullRequest: 57, branchFile: "# Status\n", baseFile: null },
        answerStatusNotice({ fail: { w0: "Resource not accessible by integration" } }),
      ),
    });

    const [reply = ""] = comments;
    expect(tracker).toBeUndefined();
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)[1]).toBe(
      `❌ \`${INVESTIGATING}\`: the customer notice below could not be added to \`STATUS.md\`: GitHub refused the commit (Resource not accessible by integration). Post it by hand, or run \`/notice\` again`,
    );
    expect(reply).toContain(INVESTIGATING_NOTICE);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("a base branch that does not exist is named, with the setting to fix; nothing is written", async () => {
    const { scope, sent, comments } = await runNotice(INVESTIGATING, {
      config: "notices:\n  enabled: true\n  base: gh-pages\n",
      mutations: 1,
      status: statusFile({ branch: null, noBase: true }),
    });

    expect(statusMutations(sent)).toEqual([]);
    expect(lines(comments[0])[1]).toBe(
      `❌ \`${INVESTIGATING}\`: the customer notice below could not be added to \`STATUS.md\`: the base branch \`gh-pages\` does not exist; fix \`notices.base\` in \`.github/incident.yml\`. Post it by hand, or run \`/notice\` again`,
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("the tracker's customer drafts", () => {
  it("/status resolved offers the resolution notice and the customer email, filled from the incident", async () => {
    const body = [
      "/impact Card payments failed at checkout for about a third of customers",
      "/cause A retry change (#12, 3f2a9c1 by @bob) exhausted the payment provider's rate limit",
      "/status resolved",
    ].join("\n");
    const { scope, tracker } = await runNotice(body, { mutations: 2 });

    const start = (tracker ?? "").indexOf("<details>");
    const section = (tracker ?? "").slice(start, (tracker ?? "").indexOf("</details>") + "</details>".length);
    expect(section).toBe(
      [
        "<details>",
        "<summary>📢 <b>Tell customers</b>: the resolution notice and an email draft, filled from this incident (review before sending)</summary>",
        "",
        "### 🟢 Resolved: Checkout returns 500 for card payments",
        "",
        "_2026-11-22 14:20 UTC_",
        "",
        "This incident has been resolved. We apologize for the inconvenience.",
        "",
        "**Impact:** Card payments failed at checkout for about a third of customers",
        "",
        "**Cause:** A retry change exhausted the payment provider's rate limit",
        "",
        "**Affected:** from 2026-11-22 14:01 UTC to 2026-11-22 14:20 UTC (18 min)",
        "",
        "```text",
        "Subject: Resolved: Checkout returns 500 for card payments",
        "",
        "Hello,",
        "",
        "We are writing about a problem with our service between 2026-11-22 14:01 UTC and 2026-11-22 14:20 UTC (18 min). It has been fully resolved.",
        "",
        "What you may have noticed:",
        "Card payments failed at checkout for about a third of customers",
        "",
        "What happened:",
        "A retry change exhausted the payment provider's rate limit",
        "",
        "What we did:",
        "Our team found the problem and restored normal service within 18 min.",
        "",
        "What we are doing to prevent it happening again:",
        "[The follow-up work, in customers' terms]",
        "",
        "We apologize for the inconvenience. If you were affected and need help, please contact our support team.",
        "",
        "Thank you for your patience,",
        "[Your team]",
        "```",
        "",
        "</details>",
      ].join("\n"),
    );
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("closing the issue resolves it, and the tracker offers the drafts, ending at the close", async () => {
    const declared = await declaredSev2();
    const closed = {
      __typename: "ClosedEvent",
      createdAt: "2026-11-22T14:31:00Z",
      actor: { login: "alice" },
    };
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: [...declaredTimeline(declared, { labeledAt: DECLARED_AT }), closed] }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(sent, deliver(testProbot(), "closed", { labels: INCIDENT_LABELS }));

    const tracker = updatedComment(sent, TRACKER_NODE) ?? "";
    expect(tracker).toContain("<summary>📢 <b>Tell customers</b>");
    // Resolved when firebreak labels it (now, 14:20:05, the frozen clock): the close resolved it.
    expect(tracker).toContain("**Affected:** from 2026-11-22 14:01 UTC to 2026-11-22 14:20 UTC (18 min)");
    expect(tracker).toContain("What you may have noticed:\n[How the problem showed for customers]");
    expect(liveMentions(tracker)).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("an open incident's tracker offers no drafts", async () => {
    const { scope, tracker } = await runNotice("/status identified", { mutations: 2 });

    expect(tracker).toContain("· identified");
    expect(tracker).not.toContain("Tell customers");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
