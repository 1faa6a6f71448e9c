// Issue 4: `/rollback` through probot.receive. Each test comments on the declared SEV2 incident #42
// and answers, with nock, the revert engine's query and Git Data requests; it asserts the exact
// requests and bodies, the reply, the reaction, and that nothing is left behind.
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/core/permissions.js";
import {
  ANSWERED_AT,
  COMMAND_ID,
  declaredSev2,
  incidentComment,
  permissionAnswer,
  timelineWithComment,
} from "../helpers/commands.js";
import { commentId, commentNode, contextReply } from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliverComment,
  graphqlQuery,
  operationRequests,
  permissionPath,
  recordRequests,
  recordUnmatched,
  requestLine,
  roundTrips,
  type SentRequest,
  useFixedClock,
} from "../helpers/harness.js";
import { configFile, TRACKER_ID } from "../helpers/incident.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import {
  answerRevert,
  BRANCH,
  commitUrl,
  contextReplyWithIssue,
  FINAL,
  HEAD,
  MERGED_TREE,
  ORIGINAL,
  originalPullRequest,
  PARENT_TREE,
  pullRequestClosedEvent,
  pullUrl,
  REPO_PATH,
  REVERT_PR,
  type RevertSteps,
  revertedCommit,
  revertPullRequestNode,
  rollbackReferenceNode,
  TARGET,
  UNDO,
} from "../helpers/rollback.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(ANSWERED_AT);

const TRACKER_NODE = commentId(TRACKER_ID);
const COMMAND_NODE = commentId(COMMAND_ID);
const REPLY_ID = 3001;
const REVERT_TITLE = `Revert "${ORIGINAL.title}"`;
/** How the tracker's timeline names the revert pull request. */
const REVERT_LINK = `[#${REVERT_PR}](${pullUrl(REVERT_PR)}) ${REVERT_TITLE}`;
/** The lines of a comment, for exact comparisons. */
const lines = (markdown: string | undefined) => (markdown ?? "").split("\n");
/** The tracker's timeline entries about a rollback. */
const rollbackLines = (tracker: string | undefined) =>
  lines(tracker).filter((line) => /^- \*\*[^*]+\*\* Rollback /.test(line));

interface Run {
  scope: nock.Scope;
  sent: SentRequest[];
  /** The reply firebreak posted (the only comment it posts for a `/rollback`). */
  reply: string;
  /** Its ✅/❌ line for the first command. */
  line: string;
  /** The tracker's new body, or undefined when it was not updated. */
  tracker: string | undefined;
  /** The engine's requests: everything but the permission check, the incident read and the answer. */
  engine: SentRequest[];
}

/**
 * `login` (with `role`) comments `body` on the declared incident; `revert` answers the engine (none:
 * the engine must not be asked anything). firebreak answers in one FirebreakWrites request.
 */
async function runRollback(
  body: string,
  o: {
    by?: string;
    role?: PermissionLevel;
    revert?: RevertSteps;
    /** The repository's `.github/incident.yml`. */
    config?: string;
  } = {},
): Promise<Run> {
  const by = o.by ?? "carol";
  const declared = await declaredSev2();
  let scope = configFile(githubApi(), o.config ?? null)
    .get(permissionPath(by))
    .reply(() => permissionAnswer(by, o.role ?? "write"))
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(contextReply({ timeline: timelineWithComment(declared, { body, by }) }))
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .reply(answerWrites({ firstCommentId: REPLY_ID }));
  if (o.revert) scope = answerRevert(scope, o.revert);
  const sent = recordRequests(scope);
  await settled(sent, deliverComment(testProbot(), incidentComment(body, { by })));
  const comments = postedComments(sent);
  expect(comments, "one comment: the reply").toHaveLength(1);
  const reply = comments[0] ?? "";
  return {
    scope,
    sent,
    reply,
    line: reply.split("\n").find((l) => /^[✅❌] /.test(l)) ?? "",
    tracker: updatedComment(sent, TRACKER_NODE),
    engine: operationRequests(sent).filter(
      (r) =>
        !r.path.endsWith("/permission") &&
        !["POST /graphql IncidentContext", "POST /graphql FirebreakWrites"].includes(requestLine(r)),
    ),
  };
}

const reaction = (content: "THUMBS_UP" | "CONFUSED") => ({
  op: "addReaction",
  subjectId: COMMAND_NODE,
  content,
});

/** A refusal: the reply and 😕 in one request, the tracker untouched. */
function expectRefusalAnswer(run: Run): void {
  expect(writesSent(run.sent)).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
  expect(run.tracker).toBeUndefined();
  expect(run.reply).toContain("Nothing was changed for the commands marked ❌");
}

/** The engine's requests as `METHOD path` (GraphQL by operation name), without the repository prefix. */
const calls = (requests: SentRequest[]) => requests.map((r) => requestLine(r).replace(REPO_PATH, ""));

/** `{ref}` in a path is percent-encoded, slashes included. */
const ENCODED_REF = "/git/refs/heads%2Fincident-42%2Frevert-3f2a9c1";

const CLEAN_REVERT_CALLS = [
  "POST /graphql RevertTarget",
  "POST /git/commits",
  "POST /git/refs",
  "POST /merges",
  "POST /git/commits",
  `PATCH ${ENCODED_REF}`,
  "POST /pulls",
  `POST /issues/${REVERT_PR}/labels`,
  `POST /pulls/${REVERT_PR}/requested_reviewers`,
];

describe("/rollback <sha>: a clean revert", () => {
  const body = "/rollback 3f2a9c1 card retries broke checkout";

  it("opens the revert pull request with the engine's 9 requests, in order, with exact bodies", async () => {
    const { scope, engine } = await runRollback(body, { revert: {} });

    expect(calls(engine)).toEqual(CLEAN_REVERT_CALLS);
    const [query, undo, ref, merge, final, move, pull, label, review] = engine;
    expect(query?.body.variables).toEqual({
      owner: "acme",
      repo: "shop",
      branch: "refs/heads/main",
      expression: "3f2a9c1",
      byCommit: true,
      number: 0,
      byPullRequest: false,
      revertBranch: BRANCH,
      label: "incident/rollback",
    });
    // X: the target's parent tree on top of the target.
    expect(undo?.body).toEqual({
      message: `firebreak: undo ${TARGET} (temporary, for incident #42)`,
      tree: PARENT_TREE,
      parents: [TARGET],
    });
    expect(ref?.body).toEqual({ ref: `refs/heads/${BRANCH}`, sha: HEAD });
    expect(merge?.body).toEqual({
      base: BRANCH,
      head: UNDO,
      commit_message: `firebreak: revert ${TARGET} (temporary)`,
    });
    // The merged tree, with main's head as the only parent.
    expect(final?.body).toEqual({
      message: `Revert "${ORIGINAL.title} (#309)"\n\nThis reverts commit ${TARGET}.\n\nRolled back for incident #42.`,
      tree: MERGED_TREE,
      parents: [HEAD],
    });
    expect(move?.body).toEqual({ sha: FINAL, force: true });
    expect(pull?.body).toEqual({
      title: REVERT_TITLE,
      head: BRANCH,
      base: "main",
      body: [
        `Reverts [\`3f2a9c1\`](${commitUrl(TARGET)}) from #309 (${ORIGINAL.title}, by @&#8203;bob).`,
        "",
        "- **Incident:** #42",
        "- **Requested by:** @&#8203;carol with `/rollback`",
        "- **Reason:** card retries broke checkout",
        "",
        "The revert was computed by firebreak on `main` at `9d0c4f2`: its tree is what `git revert 3f2a9c1` gives there.",
        "",
        "### Verify the rollback",
        "",
        "- [ ] The diff undoes only the change above",
        "- [ ] CI passes on this pull request",
        "- [ ] Merged and deployed; the incident's symptoms are gone (say so on #42)",
        "- [ ] A follow-up exists to fix and re-land the change",
        "",
        `<!-- firebreak:revert sha=${TARGET} incident=42 -->`,
      ].join("\n"),
      maintainer_can_modify: true,
    });
    expect(label?.body).toEqual({ labels: ["incident/rollback"] });
    // The original pull request's author reviews the revert.
    expect(review?.body).toEqual({ reviewers: ["bob"] });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("answers ✅ with the pull request, reacts 👍, and the tracker's timeline shows it opened", async () => {
    const { scope, sent, reply, line, tracker } = await runRollback(body, { revert: {} });

    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(line).toBe(
      `✅ \`${body}\`: opened [#${REVERT_PR}](${pullUrl(REVERT_PR)}) reverting \`3f2a9c1\`; review requested from @&#8203;bob`,
    );
    expect(reply).not.toContain("Nothing was changed");
    expect(scope.pendingMocks()).toEqual([]);
    // As GitHub will record it: firebreak's pull request cross-references the incident (its actor is
    // firebreak), so the next render from GitHub's records (see "a rollback merged" below) says the same.
    expect(rollbackLines(tracker)).toEqual([
      `- **2026-11-22 14:20 UTC** Rollback pull request ${REVERT_LINK} opened by @&#8203;firebreak`,
    ]);
  });

  it("costs 12 requests through the app (9 by the engine + permission, read, answer) in 10 round trips", async () => {
    const { scope, sent, engine } = await runRollback(body, { revert: {} });

    const operation = operationRequests(sent);
    expect(operation.map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      ...CLEAN_REVERT_CALLS.map((call) =>
        call.includes("/graphql") ? call : call.replace(" /", ` ${REPO_PATH}/`),
      ),
      "POST /graphql FirebreakWrites",
    ]);
    expect(engine.length).toBeLessThanOrEqual(9);
    expect(operation).toHaveLength(12);
    expect(budgetedRequests(sent)).toHaveLength(11);
    // The permission check beside the read; seven engine steps one after another; the label and the
    // review request together; the answer.
    expect(roundTrips(operation)).toBe(10);
    expect(roundTrips(engine)).toBe(8);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/rollback #N: a merged pull request", () => {
  it("reverts its merge commit: same branch, same 9 requests, ✅ and 👍", async () => {
    const { scope, engine, line, tracker } = await runRollback("/rollback #309", { revert: {} });

    expect(calls(engine)).toEqual(CLEAN_REVERT_CALLS);
    expect(engine[0]?.body.variables).toEqual({
      owner: "acme",
      repo: "shop",
      branch: "refs/heads/main",
      expression: "",
      byCommit: false,
      number: 309,
      byPullRequest: true,
      revertBranch: "",
      label: "incident/rollback",
    });
    expect(engine[1]?.body).toEqual({
      message: `firebreak: undo ${TARGET} (temporary, for incident #42)`,
      tree: PARENT_TREE,
      parents: [TARGET],
    });
    expect(engine[2]?.body).toEqual({ ref: `refs/heads/${BRANCH}`, sha: HEAD });
    expect(engine[6]?.body).toMatchObject({ title: REVERT_TITLE, head: BRANCH, base: "main" });
    expect(engine[6]?.body.body).toContain("- **Reason:** _no reason given_");
    expect(line).toBe(
      `✅ \`/rollback #309\`: opened [#${REVERT_PR}](${pullUrl(REVERT_PR)}) reverting \`3f2a9c1\`; review requested from @&#8203;bob`,
    );
    expect(tracker).toContain(`Rollback pull request [#${REVERT_PR}]`);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("refusals: nothing written but the answer", () => {
  const body = "/rollback 3f2a9c1 card retries broke checkout";

  it("a triage user: needs write; the engine is not asked anything", async () => {
    const run = await runRollback(body, { by: "dave", role: "triage" });

    expect(run.engine).toEqual([]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: you need the **write** role on this repository to run \`/rollback\` (you have triage); ` +
        "ask a maintainer, or someone with that role, to run it",
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("the role is configurable: with `rollback: triage` the same user's revert is opened", async () => {
    const run = await runRollback(body, {
      by: "dave",
      role: "triage",
      config: "permissions:\n  rollback: triage\n",
      revert: {},
    });

    expect(calls(run.engine)).toEqual(CLEAN_REVERT_CALLS);
    expect(run.line).toBe(
      `✅ \`${body}\`: opened [#${REVERT_PR}](${pullUrl(REVERT_PR)}) reverting \`3f2a9c1\`; review requested from @&#8203;bob`,
    );
    expect(run.engine[6]?.body.body).toContain("- **Requested by:** @&#8203;dave with `/rollback`");
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("an unknown sha: one query, no git write", async () => {
    const run = await runRollback(body, {
      revert: { until: "query", target: { commit: null, reachable: null } },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: no commit starting with \`3f2a9c1\` in acme/shop (if several objects start with it, give more characters)`,
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("an ambiguous short sha: one query, no git write, asks for more characters", async () => {
    const run = await runRollback(body, {
      revert: {
        until: "query",
        target: {
          commit: null,
          reachable: null,
          errors: [
            {
              type: "UNPROCESSABLE",
              path: ["repository", "commit"],
              locations: [{ line: 8, column: 5 }],
              message: "Short sha 3f2a9c1 is ambiguous",
            },
          ],
        },
      },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: \`3f2a9c1\` is ambiguous: several objects start with it; give more characters`,
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a commit not on the default branch: one query, no git write", async () => {
    const run = await runRollback(body, {
      revert: {
        until: "query",
        target: {
          reachable: "DIVERGED",
          commit: { __typename: "Commit", ...revertedCommit(), associatedPullRequests: { nodes: [] } },
        },
      },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: \`3f2a9c1\` is not on \`main\`: only a change that landed there can be rolled back`,
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it.each([
    ["open", "OPEN", "#309 is not merged yet: there is nothing to roll back (close it instead)"],
    ["closed", "CLOSED", "#309 was closed without being merged: there is nothing to roll back"],
  ])("a pull request not merged (%s): one query, no git write", async (_, state, message) => {
    const run = await runRollback("/rollback #309", {
      revert: {
        until: "query",
        target: { pullRequest: { ...originalPullRequest({ merged: false }), state, mergeCommit: null } },
      },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(`❌ \`/rollback #309\`: ${message}`);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("already reverted by this incident's open pull request: the reply links it, no second one", async () => {
    const run = await runRollback(body, {
      revert: { until: "query", target: { thisIncident: [revertPullRequestNode(REVERT_PR)] } },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: \`3f2a9c1\` already has a revert pull request: [#${REVERT_PR}](${pullUrl(REVERT_PR)})`,
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("already reverted by another incident's merged pull request: the reply links it", async () => {
    const run = await runRollback(body, {
      revert: {
        until: "query",
        target: {
          rollbacks: [revertPullRequestNode(290, { state: "MERGED", branch: "incident-37/revert-3f2a9c1" })],
        },
      },
    });

    expect(calls(run.engine)).toEqual(["POST /graphql RevertTarget"]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: \`3f2a9c1\` was already reverted by [#290](${pullUrl(290)}), merged`,
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("HEAD~1: refused before anything is read", async () => {
    const run = await runRollback("/rollback HEAD~1");

    expect(run.engine).toEqual([]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      "❌ `/rollback HEAD~1`: `HEAD~1` is not a commit or a pull request: only a commit sha (7 to 40 hex characters) " +
        "or a pull request number (`#123`) can be rolled back. Usage: `/rollback <commit sha or #PR> [reason]`",
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("no target: never guesses, lists the tracker's suspects", async () => {
    const run = await runRollback("/rollback");

    expect(run.engine).toEqual([]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      "❌ `/rollback`: name the change to roll back: firebreak never guesses. Usage: `/rollback <commit sha or #PR> [reason]`. The top suspects:",
    );
    const suspects = run.reply.split("\n").filter((l) => /^ {3}\d\. /.test(l));
    expect(suspects).toHaveLength(2);
    expect(suspects[0]).toMatch(
      /^ {3}1\. \[#12\]\(https:\/\/github\.com\/acme\/shop\/pull\/12\) Retry card payments in checkout/,
    );
    expect(suspects[1]).toMatch(/^ {3}2\. \[#13\]/);
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});

describe("a revert GitHub cannot make", () => {
  const body = "/rollback 3f2a9c1 card retries broke checkout";
  const manual = [
    "```sh",
    `git fetch origin && git switch -c ${BRANCH} origin/main && git revert ${TARGET}`,
    "# fix the conflicts, then:",
    "git add -A && git revert --continue",
    `git push -u origin ${BRANCH}`,
    "```",
  ].join("\n");

  it("a conflict (409): deletes the temporary branch, names the files, gives the git commands, 😕", async () => {
    const run = await runRollback(body, {
      revert: {
        until: {
          conflict: "Merge conflict\nCONFLICT (content): Merge conflict in src/checkout/pay.ts",
        },
      },
    });

    expect(calls(run.engine)).toEqual([
      "POST /graphql RevertTarget",
      "POST /git/commits",
      "POST /git/refs",
      "POST /merges",
      `DELETE ${ENCODED_REF}`,
    ]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: GitHub cannot revert \`3f2a9c1\` cleanly: it conflicts with later changes in \`src/checkout/pay.ts\`. Revert it by hand:`,
    );
    expect(run.reply).toContain(manual);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("GitHub's plain 'Merge conflict': no files named, the same commands", async () => {
    const run = await runRollback(body, { revert: { until: { conflict: "Merge conflict" } } });

    expect(calls(run.engine).at(-1)).toBe(`DELETE ${ENCODED_REF}`);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: GitHub cannot revert \`3f2a9c1\` cleanly: it conflicts with later changes. Revert it by hand:`,
    );
    expect(run.reply).toContain(manual);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a 502 on the final commit (no retries): the branch is deleted, the reply says nothing was left behind, 😕", async () => {
    const run = await runRollback(body, { revert: { until: { failFinal: 502 } } });

    expect(calls(run.engine)).toEqual([
      "POST /graphql RevertTarget",
      "POST /git/commits",
      "POST /git/refs",
      "POST /merges",
      "POST /git/commits",
      `DELETE ${ENCODED_REF}`,
    ]);
    expectRefusalAnswer(run);
    expect(run.line).toBe(
      `❌ \`${body}\`: the rollback failed: committing the revert failed: GitHub answered 502: Server Error; ` +
        "nothing was left behind, try again",
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});

describe("pull_request.closed: a rollback merged", () => {
  const MERGED_AT = "2026-11-22T14:40:00Z";

  it("one incident read and a tracker update whose timeline shows the rollback merged", async () => {
    const declared = await declaredSev2();
    const command = "/rollback 3f2a9c1 card retries broke checkout";
    const timeline = [
      ...timelineWithComment(declared, { body: command, reacted: ["THUMBS_UP"] }),
      commentNode(
        REPLY_ID,
        `<!-- firebreak:reply:${COMMAND_ID} applied:1 -->\n✅ ok`,
        "2026-11-22T14:20:05Z",
        {
          byApp: true,
        },
      ),
      rollbackReferenceNode({ createdAt: "2026-11-22T14:20:04Z", mergedAt: MERGED_AT }),
    ];
    const scope = configFile(githubApi(), null)
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReplyWithIssue({ timeline }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites());
    const sent = recordRequests(scope);

    await settled(
      sent,
      testProbot().receive({
        id: "pr-closed-1",
        name: "pull_request",
        payload: pullRequestClosedEvent({ merged: true }) as any,
      }),
    );

    expect(operationRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    const read = sent.find((r) => requestLine(r) === "POST /graphql IncidentContext");
    expect(read?.body.variables).toMatchObject({ owner: "acme", repo: "shop", issue: 42 });
    const tracker = updatedComment(sent, TRACKER_NODE);
    expect(writesSent(sent)).toEqual([[{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }]]);
    expect(rollbackLines(tracker)[0]).toBe(
      `- **2026-11-22 14:20 UTC** Rollback pull request ${REVERT_LINK} opened by @&#8203;firebreak`,
    );
    expect(rollbackLines(tracker)).toEqual([
      `- **2026-11-22 14:20 UTC** Rollback pull request ${REVERT_LINK} opened by @&#8203;firebreak`,
      `- **2026-11-22 14:40 UTC** Rollback ${REVERT_LINK} merged`,
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it.each([
    ["closed without merging", { merged: false }],
    ["another branch merged", { merged: true, branch: "fix-checkout-retries" }],
    ["a fork's branch named like a revert", { merged: true, headRepo: "mallory/shop" }],
  ])("%s: no request at all", async (_, options) => {
    const scope = nock(API);
    const unmatched = recordUnmatched();

    await testProbot().receive({
      id: "pr-closed-2",
      name: "pull_request",
      payload: pullRequestClosedEvent(options) as any,
    });

    expect(unmatched).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
