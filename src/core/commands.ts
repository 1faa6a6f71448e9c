// ChatOps: finding and reading the commands in a comment. Pure.
import { commentOpenAfter, sliceText } from "./markdown.js";
import { SEVERITY_KEYS, type SeverityKey, STATUSES, type Status } from "./model.js";
import { type NoticeState, readNotice } from "./notice.js";

export const ROLES = ["ic", "lead", "comms", "scribe"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  ic: "Incident commander",
  lead: "Tech lead",
  comms: "Comms lead",
  scribe: "Scribe",
};

const ROLE_ALIASES: Record<string, Role> = {
  ic: "ic",
  commander: "ic",
  "incident-commander": "ic",
  lead: "lead",
  "tech-lead": "lead",
  tl: "lead",
  comms: "comms",
  "comms-lead": "comms",
  communications: "comms",
  scribe: "scribe",
};

export type Command =
  | { kind: "status"; status: Status; note: string }
  | { kind: "severity"; severity: SeverityKey; reason: string }
  | { kind: "role"; role: Role; who: string | "me" }
  | { kind: "update"; text: string }
  | { kind: "notice"; state: NoticeState; text: string }
  | { kind: "note"; text: string }
  | { kind: "started"; text: string }
  | { kind: "impact"; text: string }
  | { kind: "cause"; text: string }
  | { kind: "action-item"; text: string; owner: string | null; due: string | null }
  | { kind: "incident"; severity: SeverityKey }
  | { kind: "rollback"; target: string | null; reason: string }
  | { kind: "postmortem" }
  | { kind: "help" };

export type CommandName = Command["kind"];

/** One command line as written, and what it means or why it means nothing. */
export type ParsedLine =
  | { line: number; source: string; ok: true; command: Command }
  | { line: number; source: string; ok: false; name: string; problem: string; usage: string | null };

export const USAGE: Record<CommandName, string> = {
  status: "/status investigating|identified|monitoring|resolved [note]",
  severity: "/severity sev1|sev2|sev3|sev4 [reason]",
  role: "/role ic|lead|comms|scribe @user (or me)",
  update: "/update <what changed, what is being done>",
  notice: "/notice investigating|identified|monitoring|resolved <what customers see>",
  note: "/note <text for the timeline>",
  started: "/started <when: 2026-11-22T14:25Z, 14:25, 14:25 UTC or 2h ago>",
  impact: "/impact <who and what users are affected>",
  cause: "/cause <the root cause>",
  "action-item": "/action-item <what to do> [@owner] [due:YYYY-MM-DD]",
  incident: "/incident sev1|sev2|sev3|sev4",
  rollback: "/rollback <commit sha or #PR> [reason]",
  postmortem: "/postmortem",
  help: "/help",
};

/** Longest line we read as a command; a longer one is refused rather than echoed. */
export const MAX_COMMAND_LENGTH = 2_000;

const COMMAND_LINE = /^ {0,3}\/([A-Za-z][A-Za-z-]*)(?:[ \t]+(.*))?$/;

/**
 * Characters that show nothing (zero-width space, word joiner, byte-order mark) or only reorder
 * what is shown (bidirectional controls): dropped, so a command runs as it reads on GitHub.
 */
const INVISIBLE = /[\u200B\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * The command lines of a comment body. A line is a command when it starts with `/name`; lines in
 * fenced code blocks, in indented code, in `>` quotes, inside inline code or inside HTML comments
 * (which GitHub does not show) are not.
 */
export function findCommandLines(
  body: string,
): Array<{ line: number; name: string; args: string; source: string }> {
  const found: Array<{ line: number; name: string; args: string; source: string }> = [];
  let fence: string | null = null;
  let inComment = false;
  const lines = body.replace(/\r\n?/g, "\n").replace(INVISIBLE, "").split("\n");
  lines.forEach((text, index) => {
    if (inComment) {
      inComment = commentOpenAfter(text, true);
      return;
    }
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence) {
      if (
        fenceMatch?.[1] &&
        fenceMatch[1][0] === fence[0] &&
        fenceMatch[1].length >= fence.length &&
        !/\S/.test(text.slice(fenceMatch[0].length))
      ) {
        fence = null;
      }
      return;
    }
    if (fenceMatch?.[1]) {
      fence = fenceMatch[1];
      return;
    }
    inComment = commentOpenAfter(text, false);
    const match = COMMAND_LINE.exec(text);
    if (!match?.[1]) return;
    found.push({
      line: index + 1,
      name: match[1].toLowerCase(),
      args: (match[2] ?? "").trim(),
      source: text.trim(),
    });
  });
  return found;
}

export function parseCommands(body: string): ParsedLine[] {
  return findCommandLines(body).map(({ line, name, args, source }) => {
    if (source.length > MAX_COMMAND_LENGTH) {
      return {
        line,
        source: sliceText(source, 80),
        ok: false,
        name,
        problem: `the line is longer than ${MAX_COMMAND_LENGTH} characters`,
        usage: null,
      };
    }
    const result = readCommand(name, args);
    return "problem" in result
      ? { line, source, ok: false, name, problem: result.problem, usage: result.usage }
      : { line, source, ok: true, command: result };
  });
}

type Reading = Command | { problem: string; usage: string | null };

function readCommand(name: string, args: string): Reading {
  const [first = "", ...rest] = args.split(/\s+/).filter(Boolean);
  const remainder = args.slice(args.indexOf(first) + first.length).trim();
  const need = (kind: CommandName, what: string): Reading => ({ problem: what, usage: USAGE[kind] });
  switch (name) {
    case "status": {
      const status = STATUSES.find((s) => s === first.toLowerCase());
      if (!first)
        return need("status", "which status? valid: investigating, identified, monitoring, resolved");
      if (!status)
        return need(
          "status",
          `unknown status \`${clip(first)}\`; valid: investigating, identified, monitoring, resolved`,
        );
      return { kind: "status", status, note: remainder };
    }
    case "severity":
    case "incident": {
      const severity = severityWord(first);
      if (!first) return need(name, "which severity? valid: sev1, sev2, sev3, sev4");
      if (!severity) return need(name, `unknown severity \`${clip(first)}\`; valid: sev1, sev2, sev3, sev4`);
      return name === "severity"
        ? { kind: "severity", severity, reason: remainder }
        : { kind: "incident", severity };
    }
    case "role": {
      const role = ROLE_ALIASES[first.toLowerCase()];
      if (!first) return need("role", "which role? valid: ic, lead, comms, scribe");
      if (!role) return need("role", `unknown role \`${clip(first)}\`; valid: ic, lead, comms, scribe`);
      const who = rest[0] ?? "";
      if (!who)
        return need("role", `who? name a GitHub user, e.g. \`/role ${role} @alice\` or \`/role ${role} me\``);
      if (/^@?me$/i.test(who)) return { kind: "role", role, who: "me" };
      const login = who.replace(/^@/, "");
      if (!isLogin(login)) return need("role", `\`${clip(who)}\` is not a GitHub user name`);
      if (rest.length > 1) return need("role", "one person per role; write one `/role` line for each");
      return { kind: "role", role, who: login };
    }
    case "update":
    case "note":
    case "impact":
    case "cause":
    case "started":
      if (!args) return need(name, `\`/${name}\` needs text after it`);
      return { kind: name, text: args };
    case "notice": {
      const notice = readNotice(args);
      return "problem" in notice ? need("notice", notice.problem) : { kind: "notice", ...notice };
    }
    case "action-item":
    case "action":
    case "actionitem":
      return readActionItem(args);
    case "rollback":
    case "revert":
      return { kind: "rollback", target: first || null, reason: remainder };
    // One spelling only: the example workflow starts the Action on `/postmortem` alone.
    case "postmortem":
      return { kind: "postmortem" };
    case "help":
      return { kind: "help" };
    default:
      return { problem: `\`/${clip(name, 40)}\` is not a firebreak command`, usage: null };
  }
}

function readActionItem(args: string): Reading {
  let owner: string | null = null;
  let due: string | null = null;
  const words: string[] = [];
  for (const word of args.split(/\s+/).filter(Boolean)) {
    const dueMatch = /^due:(.*)$/i.exec(word);
    if (dueMatch) {
      const date = dueMatch[1] ?? "";
      if (!isIsoDate(date))
        return {
          problem: `\`${clip(word)}\` is not a date; write due:YYYY-MM-DD`,
          usage: USAGE["action-item"],
        };
      due = date;
    } else if (/^@[A-Za-z0-9-]+$/.test(word) && owner === null && isLogin(word.slice(1))) {
      owner = word.slice(1);
    } else {
      words.push(word);
    }
  }
  const text = words.join(" ");
  if (!text)
    return { problem: "`/action-item` needs a description of what to do", usage: USAGE["action-item"] };
  return { kind: "action-item", text, owner, due };
}

function severityWord(word: string): SeverityKey | null {
  const match = /^(?:sev)?([1-4])$/i.exec(word);
  return match ? (SEVERITY_KEYS[Number(match[1]) - 1] ?? null) : null;
}

function isLogin(login: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(login);
}

function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function clip(text: string, max = 60): string {
  const safe = text.replace(/`/g, "'");
  return safe.length > max ? `${sliceText(safe, max - 1)}…` : safe;
}
