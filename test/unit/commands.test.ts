import { describe, expect, it } from "vitest";
import { type Command, parseCommands } from "../../src/core/commands.js";

type Expect = Array<Command | { error: string }>;

const ok = (body: string) => parseCommands(body).map((p) => (p.ok ? p.command : { error: p.problem }));

// Each row: a comment body and the commands (or problems) firebreak must read from it, in order.
const table: Array<[string, string, Expect]> = [
  ["plain status", "/status identified", [{ kind: "status", status: "identified", note: "" }]],
  [
    "status with a note",
    "/status monitoring rolled back #309",
    [{ kind: "status", status: "monitoring", note: "rolled back #309" }],
  ],
  ["case-insensitive name and value", "/STATUS Resolved", [{ kind: "status", status: "resolved", note: "" }]],
  [
    "unknown status",
    "/status fixed",
    [{ error: "unknown status `fixed`; valid: investigating, identified, monitoring, resolved" }],
  ],
  [
    "status without a value",
    "/status",
    [{ error: "which status? valid: investigating, identified, monitoring, resolved" }],
  ],
  [
    "severity",
    "/severity sev1 payments down everywhere",
    [{ kind: "severity", severity: "sev1", reason: "payments down everywhere" }],
  ],
  ["severity as a digit", "/severity 3", [{ kind: "severity", severity: "sev3", reason: "" }]],
  ["severity SEV2", "/severity SEV2", [{ kind: "severity", severity: "sev2", reason: "" }]],
  ["bad severity", "/severity sev5", [{ error: "unknown severity `sev5`; valid: sev1, sev2, sev3, sev4" }]],
  ["role ic with @", "/role ic @alice", [{ kind: "role", role: "ic", who: "alice" }]],
  ["role me", "/role ic me", [{ kind: "role", role: "ic", who: "me" }]],
  ["role @me", "/role ic @me", [{ kind: "role", role: "ic", who: "me" }]],
  ["role alias", "/role tech-lead bob", [{ kind: "role", role: "lead", who: "bob" }]],
  ["role scribe", "/role scribe @carol-d", [{ kind: "role", role: "scribe", who: "carol-d" }]],
  ["unknown role", "/role boss @alice", [{ error: "unknown role `boss`; valid: ic, lead, comms, scribe" }]],
  [
    "role without a person",
    "/role comms",
    [{ error: "who? name a GitHub user, e.g. `/role comms @alice` or `/role comms me`" }],
  ],
  ["role with a team", "/role ic @acme/oncall", [{ error: "`@acme/oncall` is not a GitHub user name" }]],
  [
    "role with two people",
    "/role ic @a @b",
    [{ error: "one person per role; write one `/role` line for each" }],
  ],
  [
    "update",
    "/update Rolled back; error rate falling",
    [{ kind: "update", text: "Rolled back; error rate falling" }],
  ],
  ["update without text", "/update", [{ error: "`/update` needs text after it" }]],
  ["note", "/note restarted pods in eu-west", [{ kind: "note", text: "restarted pods in eu-west" }]],
  ["started", "/started 14:25 UTC", [{ kind: "started", text: "14:25 UTC" }]],
  ["impact", "/impact 30% of checkouts fail", [{ kind: "impact", text: "30% of checkouts fail" }]],
  [
    "cause",
    "/cause retry loop exhausted the pool",
    [{ kind: "cause", text: "retry loop exhausted the pool" }],
  ],
  [
    "action item with owner and due date",
    "/action-item add alerting on pool >75% @bob due:2026-12-01",
    [{ kind: "action-item", text: "add alerting on pool >75%", owner: "bob", due: "2026-12-01" }],
  ],
  [
    "action item alone",
    "/action-item write a runbook",
    [{ kind: "action-item", text: "write a runbook", owner: null, due: null }],
  ],
  [
    "action item with a bad date",
    "/action-item fix it due:next-week",
    [{ error: "`due:next-week` is not a date; write due:YYYY-MM-DD" }],
  ],
  [
    "action item with an impossible date",
    "/action-item fix it due:2026-02-30",
    [{ error: "`due:2026-02-30` is not a date; write due:YYYY-MM-DD" }],
  ],
  [
    "action item without text",
    "/action-item @bob",
    [{ error: "`/action-item` needs a description of what to do" }],
  ],
  ["incident", "/incident sev2", [{ kind: "incident", severity: "sev2" }]],
  [
    "rollback with a sha",
    "/rollback 3f2a9c1 bad deploy",
    [{ kind: "rollback", target: "3f2a9c1", reason: "bad deploy" }],
  ],
  ["rollback without a target", "/rollback", [{ kind: "rollback", target: null, reason: "" }]],
  ["help", "/help", [{ kind: "help" }]],
  ["unknown command", "/deploy now", [{ error: "`/deploy` is not a firebreak command" }]],
  ["postmortem belongs to the Action", "/postmortem", [{ kind: "postmortem" }]],
  [
    "several commands, one per line, prose around them",
    "Taking this.\n/role ic me\nLooks like the retry change.\n/status identified\n/note suspect #309",
    [
      { kind: "role", role: "ic", who: "me" },
      { kind: "status", status: "identified", note: "" },
      { kind: "note", text: "suspect #309" },
    ],
  ],
  ["fenced code block", "```\n/status resolved\n```", []],
  [
    "tilde fence",
    "~~~sh\n/rollback abc1234\n~~~\n/note after the fence",
    [{ kind: "note", text: "after the fence" }],
  ],
  ["unclosed fence hides the rest", "```\n/status resolved", []],
  [
    "longer fence closes only on as long a fence",
    "````\n```\n/status resolved\n````\n/help",
    [{ kind: "help" }],
  ],
  ["quoted command", "> /rollback 3f2a9c1\nno thanks", []],
  ["nested quote", ">> /status resolved", []],
  ["inline code", "run `/status resolved` when done", []],
  ["command in backticks at line start", "`/status resolved`", []],
  ["indented code (4 spaces)", "    /status resolved", []],
  [
    "up to three spaces is still a command",
    "   /status resolved",
    [{ kind: "status", status: "resolved", note: "" }],
  ],
  ["a path is not a command", "/etc/hosts was edited", []],
  ["slash mid-line", "see a/b and /status later", []],
  [
    "Windows line endings",
    "/note one\r\n/note two",
    [
      { kind: "note", text: "one" },
      { kind: "note", text: "two" },
    ],
  ],
  ["unicode text", "/note 支付失败 — ça échoue 🔥", [{ kind: "note", text: "支付失败 — ça échoue 🔥" }]],
  ["unicode name is not a command", "/stätus resolved", []],
  ["tab after the name", "/status\tidentified", [{ kind: "status", status: "identified", note: "" }]],
  ["empty body", "", []],
  [
    "very long line is refused, not echoed",
    `/note ${"x".repeat(5_000)}`,
    [{ error: "the line is longer than 2000 characters" }],
  ],
];

describe("parseCommands", () => {
  it(`reads ${table.length} comment bodies`, () => expect(table.length).toBeGreaterThanOrEqual(40));
  it.each(table)("%s", (_name, body, expected) => {
    expect(ok(body)).toEqual(expected);
  });

  it("keeps the line number and the source of each command", () => {
    expect(parseCommands("hello\n\n  /status identified  ")).toEqual([
      {
        line: 3,
        source: "/status identified",
        ok: true,
        command: { kind: "status", status: "identified", note: "" },
      },
    ]);
  });

  it("gives the usage with a problem", () => {
    const [parsed] = parseCommands("/status fixed");
    expect(parsed).toMatchObject({
      ok: false,
      usage: "/status investigating|identified|monitoring|resolved [note]",
    });
  });

  it("reads a 100 kB comment of 5,000 commands", () => {
    const body = Array.from({ length: 5_000 }, (_, i) => `/note ${i}`).join("\n");
    expect(body.length).toBeGreaterThan(30_000);
    const parsed = parseCommands(body);
    expect(parsed).toHaveLength(5_000);
    expect(parsed.at(-1)).toMatchObject({ ok: true, command: { kind: "note", text: "4999" } });
  });
});
