// Issue 3: who may run commands, which comments are commands at all, and `/incident` on a plain issue.
import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  COMMAND_ID,
  declaredSev2,
  incidentComment,
  permissionAnswer,
  REPORTER,
  timelineWithComment,
} from "../helpers/commands.js";
import { commentId, commentNode, contextReply, labelId } from "../helpers/graphql.js";
import {
  budgetedRequests,
  deliverComment,
  graphqlQuery,
  operationRequests,
  permissionPath,
  recordRequests,
  recordUnmatched,
  requestLine,
  useFixedClock,
} from "../helpers/harness.js";
import {
  CHECKLIST_MARKER,
  checkoutCommits,
  configFile,
  suspectRow,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import type { CommentEventOptions } from "../helpers/payloads.js";
import { API, githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, settled, updatedComment, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const TRACKER_NODE = commentId(TRACKER_ID);
const COMMAND_NODE = commentId(COMMAND_ID);
const reaction = (content: "THUMBS_UP" | "CONFUSED") => ({
  op: "addReaction",
  subjectId: COMMAND_NODE,
  content,
});
const lines = (markdown: string | undefined) => (markdown ?? "").split("\n");

describe("permissions", () => {
  it("refuses a read-only user politely, naming the role needed; nothing changes, 😕", async () => {
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .get(permissionPath("bob"))
      .reply(() => permissionAnswer("bob", "read"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({ timeline: timelineWithComment(declared, { body: "/status identified", by: "bob" }) }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment("/status identified", { by: "bob" })));

    const [reply = ""] = postedComments(sent);
    // No state mutation and no tracker update: only the answer.
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)).toContain(
      "❌ `/status identified`: you need the **triage** role on this repository to run `/status` (you have read); " +
        "ask a maintainer, or someone with that role, to run it",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("lets the reporter, who may only read, run /note and /update", async () => {
    const body = "/note The checkout page shows a blank error\n/update Still failing for card payments";
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .get(permissionPath(REPORTER))
      .reply(() => permissionAnswer(REPORTER, "read"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: timelineWithComment(declared, { body, by: REPORTER }) }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment(body, { by: REPORTER })));

    const [reply = ""] = postedComments(sent);
    const tracker = updatedComment(sent, TRACKER_NODE);
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(lines(reply).filter((line) => /^[✅❌] /.test(line))).toEqual([
      "✅ `/note The checkout page shows a blank error`",
      "✅ `/update Still failing for card payments`: status update posted below",
    ]);
    expect(lines(reply)).toContain("| **Posted by** | @&#8203;dana at 14:20 UTC |");
    expect(tracker).toContain("Note by @&#8203;dana: The checkout page shows a blank error");
    expect(lines(tracker)).toContain("| **Next update** | due by 2026-11-22 14:50 UTC (`/update`) |");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("follows the per-command permissions of .github/incident.yml", async () => {
    // `/note` opened to anyone who can read; the default (triage) still guards `/status`.
    const config = "permissions:\n  note: read\n";
    const body = "/note Seen from the EU too\n/status identified";
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), config)
      .get(permissionPath("erin"))
      .reply(() => permissionAnswer("erin", "read"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: timelineWithComment(declared, { body, by: "erin" }) }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment(body, { by: "erin" })));

    const [reply = ""] = postedComments(sent);
    const tracker = updatedComment(sent, TRACKER_NODE);
    expect(writesSent(sent)).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: tracker },
        { op: "addComment", body: reply },
        reaction("CONFUSED"),
      ],
    ]);
    expect(lines(reply).filter((line) => /^[✅❌] /.test(line))).toEqual([
      "✅ `/note Seen from the EU too`",
      "❌ `/status identified`: you need the **triage** role on this repository to run `/status` (you have read); " +
        "ask a maintainer, or someone with that role, to run it",
    ]);
    expect(tracker).toContain("Note by @&#8203;erin: Seen from the EU too");
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("comments that are not commands cost nothing", () => {
  const cases: Array<[string, CommentEventOptions, "created" | "edited"]> = [
    [
      "a bot's command on an incident",
      incidentComment("/status resolved", { by: "deploy-bot[bot]", type: "Bot" }),
      "created",
    ],
    ["an edited comment on an incident", incidentComment("/status resolved"), "edited"],
    [
      "`/incident` inside a code fence on a plain issue",
      { ...incidentComment("Run this:\n```\n/incident sev1\n```", { labels: [] }) },
      "created",
    ],
    [
      "`/incident` in a quote on a plain issue",
      incidentComment("> /incident sev1\nShould we?", { labels: [] }),
      "created",
    ],
    [
      "a `/status` in a quote on an incident",
      incidentComment("> /status resolved\nNot yet, the error rate is still high", {}),
      "created",
    ],
    [
      "a `/rollback` inside a code fence on an incident",
      incidentComment("If it gets worse:\n\n~~~\n/rollback abc1234\n~~~", {}),
      "created",
    ],
    [
      "a command in inline code on an incident",
      incidentComment("`/status resolved` once the graphs are green", {}),
      "created",
    ],
    ["an ordinary comment on an incident", incidentComment("Looking into it now.", {}), "created"],
    [
      "another tool's slash command on a plain issue",
      incidentComment("/assign me", { labels: ["bug"] }),
      "created",
    ],
  ];

  it.each(cases)("%s: no request at all", async (_name, options, action) => {
    const scope = nock(API);
    const unmatched = recordUnmatched();

    await deliverComment(testProbot(), options, action);

    expect(unmatched).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("would notice a request (the check above can fail)", async () => {
    // Identity, token, configuration and permission answered, nothing else: a real command must read.
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "write"));
    const unmatched = recordUnmatched();

    await expect(deliverComment(testProbot(), incidentComment("/status resolved"))).rejects.toThrow();

    expect(unmatched).toEqual(["POST /graphql"]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("runs only the command that is not quoted", async () => {
    const body = "> /rollback abc1234\n\n/note Bob suggests rolling back abc1234";
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "triage"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: timelineWithComment(declared, { body }) }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment(body)));

    // The note alone: no reply (the quoted /rollback would have needed one), 👍.
    const tracker = updatedComment(sent, TRACKER_NODE);
    expect(writesSent(sent)).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: tracker }, reaction("THUMBS_UP")],
    ]);
    expect(tracker).toContain("Note by @&#8203;carol: Bob suggests rolling back abc1234");
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("/incident on a plain issue", () => {
  it("declares it: labels, tracker, first checklist and 👍, in the declaration's budget", async () => {
    const body = "/incident sev2";
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "triage"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [commentNode(COMMAND_ID, body, "2026-11-22T14:20:00Z", { author: "carol" })],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment(body, { labels: ["bug"] })));

    const [tracker = "", checklist = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([
      [
        {
          op: "addLabelsToLabelable",
          labelIds: [labelId("incident/sev2"), labelId("incident/investigating")],
        },
      ],
      [{ op: "addComment", body: tracker }, { op: "addComment", body: checklist }, reaction("THUMBS_UP")],
    ]);
    // The suspects' history comes with the one read.
    expect(budgetedRequests(sent).map(requestLine)).toEqual([
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
      "POST /graphql FirebreakWrites",
    ]);
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables.withHistory,
    ).toBe(true);
    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
    expect(tracker).toContain("Declared SEV2 by @&#8203;carol");
    // Declared when firebreak labelled it (14:20:05): respond within 30 minutes.
    expect(tracker).toContain("by **2026-11-22 14:50 UTC**");
    expect(suspectRow(tracker, 1)).toContain("[#12]");
    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(checklist).toContain("### ✅ First response checklist · SEV2 High");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the suspects' history over the declared severity's window, as a label would", async () => {
    const body = "/incident sev2";
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "triage"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [commentNode(COMMAND_ID, body, "2026-11-22T14:20:00Z", { author: "carol" })],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .times(2)
      .reply(answerWrites({ firstCommentId: TRACKER_ID }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment(body, { labels: [] })));

    // Same as `incident/sev2` added by hand: the SEV2 window (48 h) with ten minutes of slack on each side.
    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables,
    ).toMatchObject({
      withHistory: true,
      since: "2026-11-20T14:10:05.000Z",
      until: "2026-11-22T14:30:05.000Z",
      commits: 100,
    });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("on an incident, says it already is one and changes nothing", async () => {
    const declared = await declaredSev2();
    const scope = configFile(githubApi(), null)
      .get(permissionPath("carol"))
      .reply(() => permissionAnswer("carol", "triage"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(contextReply({ timeline: timelineWithComment(declared, { body: "/incident sev1" }) }))
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(sent, deliverComment(testProbot(), incidentComment("/incident sev1")));

    const [reply = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)).toContain(
      "❌ `/incident sev1`: this is already a SEV2 incident; to change its severity use `/severity sev1`…`/severity sev4`",
    );
    expect(operationRequests(sent).map(requestLine)).toEqual([
      `GET ${permissionPath("carol")}`,
      "POST /graphql IncidentContext",
      "POST /graphql FirebreakWrites",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("refuses a read-only user on a plain issue: a reply, 😕, no labels", async () => {
    const scope = configFile(githubApi(), null)
      .get(permissionPath("bob"))
      .reply(() => permissionAnswer("bob", "read"))
      .post("/graphql", graphqlQuery("IncidentContext"))
      .reply(
        contextReply({
          timeline: [commentNode(COMMAND_ID, "/incident sev1", "2026-11-22T14:20:00Z", { author: "bob" })],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", graphqlQuery("FirebreakWrites"))
      .reply(answerWrites({ firstCommentId: 3001 }));
    const sent = recordRequests(scope);

    await settled(
      sent,
      deliverComment(testProbot(), incidentComment("/incident sev1", { by: "bob", labels: [] })),
    );

    const [reply = ""] = postedComments(sent);
    expect(writesSent(sent)).toEqual([[{ op: "addComment", body: reply }, reaction("CONFUSED")]]);
    expect(lines(reply)).toContain(
      "❌ `/incident sev1`: you need the **triage** role on this repository to run `/incident` (you have read); " +
        "ask a maintainer, or someone with that role, to run it",
    );
    expect(reply).not.toContain(TRACKER_MARKER);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
