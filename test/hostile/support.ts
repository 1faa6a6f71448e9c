// The hostile-input corpus's scenarios: a declaration, a comment of commands on a declared SEV2
// incident, an issue opened from the form, and a delivery that must cost nothing. Each records every
// request sent, every request nock had no answer for, and every line Probot logged.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { expect, vi } from "vitest";
import type { PermissionLevel } from "../../src/core/permissions.js";
import firebreak from "../../src/index.js";
import { declaredSev2, incidentComment, permissionAnswer, timelineWithComment } from "../helpers/commands.js";
import { type ContextOptions, commentId, contextReply, labeledNode } from "../helpers/graphql.js";
import {
  graphqlQuery,
  operationRequests,
  permissionPath,
  recordRequests,
  recordUnmatched,
  requestLine,
  type SentRequest,
} from "../helpers/harness.js";
import { checkoutCommits, type Declared, TRACKER_ID } from "../helpers/incident.js";
import {
  type CommentEventOptions,
  type IssueEventOptions,
  issueCommentEvent,
  issueEvent,
  OWNER,
  REPO,
} from "../helpers/payloads.js";
import { API, APP_ID, githubApi, withConfig } from "../helpers/probot.js";
import { answerWrites, postedComments, updatedComment, type WriteOp, writesSent } from "../helpers/writes.js";

type Json = Record<string, any>;

export const TRACKER_NODE = commentId(TRACKER_ID);
/** The comment of commands (see test/helpers/commands.ts). */
export const COMMAND_NODE = commentId(2001);
/** The database id GitHub gives the first comment firebreak posts in a scenario. */
export const FIRST_NEW_COMMENT = 3001;

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * An app wired like production, logging every line (trace and up) to `logs`. Retries are off as in
 * the other tests, unless `retries`: then Octokit's retry plugin runs as it would in production, to
 * show that a refusal is not asked again.
 */
export function hostileApp(o: { retries?: boolean } = {}): { probot: Probot; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const log = pino({ level: "trace" }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    log: log as never,
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      ...(o.retries ? {} : { retry: { enabled: false } }),
      throttle: { enabled: false },
    })),
  });
  probot.load(firebreak);
  return { probot, logs };
}

/** Log lines at warn (40) or above: what an operator would look at. */
export const loud = (logs: LogLine[]): LogLine[] => logs.filter((line) => line.level >= 40);

export interface Run {
  scope: nock.Scope;
  sent: SentRequest[];
  /** Requests nock had no answer for (the network is off, so each also failed). */
  unmatched: string[];
  logs: LogLine[];
  /** The delivery's error, if it failed. */
  error: unknown;
  writes: WriteOp[][];
  /** Comments firebreak posted, in order. */
  comments: string[];
}

async function deliverRecorded(
  scope: nock.Scope,
  event: { name: string; payload: Json },
  o: { retries?: boolean } = {},
): Promise<Run> {
  const sent = recordRequests(scope);
  const unmatched = recordUnmatched();
  const { probot, logs } = hostileApp(o);
  let error: unknown = null;
  try {
    await probot.receive({ id: `hostile-${Math.random().toString(36).slice(2)}`, ...event } as never);
  } catch (caught) {
    error = caught;
  }
  return {
    scope,
    sent,
    unmatched,
    logs,
    error,
    writes: writesSent(sent),
    comments: postedComments(sent),
  };
}

/** The lines of the tracker's warning block, without the quote markers. */
export function warnings(tracker: string): string[] {
  return tracker
    .split("\n")
    .filter((line) => line.startsWith("> - "))
    .map((line) => line.slice(4));
}

/** `@name` and `@org/team` mentions that would notify someone: outside code, not neutralised. */
export function livePings(markdown: string): string[] {
  const shown = markdown
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/`[^`\n]*`/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  return [...shown.matchAll(/(?:^|[^\w`&/])@([A-Za-z0-9][\w-]*(?:\/[\w-]+)?)/g)].map((m) => `@${m[1]}`);
}

/** A lone half of a surrogate pair: not valid UTF-8, which GitHub refuses or mangles. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bidirectional controls and C0 control characters (but tab and newline): never in firebreak's comments. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const UNSHOWABLE = /[\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The config file's answer: none, the repository's YAML, or interceptors of one's own. */
export type ConfigAnswer = string | null | ((scope: nock.Scope) => nock.Scope);

function answerConfig(scope: nock.Scope, config: ConfigAnswer): nock.Scope {
  if (typeof config === "function") return config(scope);
  if (config === null)
    return scope
      .get(`/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(".github/incident.yml")}`)
      .reply(404)
      .get(`/repos/${OWNER}/.github/contents/${encodeURIComponent(".github/incident.yml")}`)
      .reply(404);
  return withConfig(scope, OWNER, REPO, config);
}

export interface Declaration extends Run {
  tracker: string;
  checklist: string;
}

/**
 * `incident/sev2` labelled on acme/shop#42 by alice at 14:01:58 (the clock reads 14:02:00), with
 * the checkout commits on main; the repository's config and `.github/firebreak/` as given.
 */
export async function declareSev2(
  o: {
    config?: ConfigAnswer;
    overrides?: Record<string, string> | null;
    context?: Partial<ContextOptions>;
    event?: IssueEventOptions;
    /** The answer to the incident read, instead of the usual one. */
    read?: (scope: nock.Scope) => nock.Scope;
    /** Interceptors after the read, instead of the two writes a declaration makes. */
    writes?: (scope: nock.Scope) => nock.Scope;
    edit?: (payload: Json) => void;
    retries?: boolean;
  } = {},
): Promise<Declaration> {
  let scope = answerConfig(githubApi(), o.config ?? null);
  scope = o.read
    ? o.read(scope)
    : scope.post("/graphql", graphqlQuery("IncidentContext")).reply(
        contextReply({
          timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
          commits: checkoutCommits(),
          overrides: o.overrides ?? null,
          ...o.context,
        }),
      );
  scope = o.writes
    ? o.writes(scope)
    : scope
        .post("/graphql", graphqlQuery("FirebreakWrites"))
        .times(2)
        .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  const payload = issueEvent("labeled", { labels: ["incident/sev2"], label: "incident/sev2", ...o.event });
  o.edit?.(payload);
  const run = await deliverRecorded(scope, { name: "issues", payload }, { retries: o.retries ?? false });
  const [tracker = "", checklist = ""] = run.comments;
  return { ...run, tracker, checklist };
}

/** What every successful declaration writes: the status label, then the tracker and the checklist. */
export function expectDeclared(run: Declaration): void {
  expect(run.error).toBeNull();
  expect(run.unmatched).toEqual([]);
  expect(operationRequests(run.sent).map(requestLine)).toEqual([
    "POST /graphql IncidentContext",
    "POST /graphql FirebreakWrites",
    "POST /graphql FirebreakWrites",
  ]);
  expect(run.writes).toEqual([
    [{ op: "addLabelsToLabelable", labelIds: ["LA_incident/investigating"] }],
    [
      { op: "addComment", body: run.tracker },
      { op: "addComment", body: run.checklist },
    ],
  ]);
  expect(run.tracker.startsWith("<!-- firebreak:tracker -->")).toBe(true);
  expect(run.checklist.startsWith("<!-- firebreak:checklist:respond -->")).toBe(true);
  expect(run.scope.pendingMocks()).toEqual([]);
}

export interface CommandRun extends Run {
  declared: Declared;
  /** The tracker's new body, or undefined when it was not updated. */
  tracker: string | undefined;
  /** The one reply, or undefined. */
  reply: string | undefined;
}

let declared: Promise<Declared> | null = null;

/**
 * The SEV2 incident as the app declared it (its tracker and checklist), declared once per file:
 * every command scenario starts from it, at 14:20:05.
 */
async function declaredOnce(): Promise<Declared> {
  declared ??= declaredSev2();
  const result = await declared;
  vi.setSystemTime(new Date("2026-11-22T14:20:05Z"));
  return result;
}

/**
 * `by` (with `role`) comments `body` on the declared incident at 14:20:00. The read answers the
 * incident's timeline with that comment; `mutations` FirebreakWrites requests are answered (two by
 * default, both optional: assert `writes`); `also` adds interceptors.
 */
export async function comment(
  body: string,
  o: {
    by?: string;
    role?: PermissionLevel;
    config?: ConfigAnswer;
    /** Timeline nodes after the declaration and before the comment. */
    before?: Json[];
    context?: Partial<ContextOptions>;
    also?: (scope: nock.Scope) => nock.Scope;
    /** Fields of the first FirebreakWrites request GitHub refuses (FORBIDDEN), with its message. */
    fail?: Record<string, string>;
    edit?: (payload: Json) => void;
    /** GitHub's answer to the role check, instead of `role`. */
    permission?: [number, Json];
    retries?: boolean;
  } = {},
): Promise<CommandRun> {
  const by = o.by ?? "carol";
  const declaredIncident = await declaredOnce();
  const nodes = timelineWithComment(declaredIncident, { body, by });
  // The person's comment comes last; anything `before` goes between the declaration and it.
  const timeline = [...nodes.slice(0, -1), ...(o.before ?? []), ...nodes.slice(-1)];
  let scope = answerConfig(githubApi(), o.config ?? null)
    .get(permissionPath(by))
    .reply(() => o.permission ?? permissionAnswer(by, o.role ?? "write"))
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(contextReply({ timeline, ...o.context }));
  if (o.also) scope = o.also(scope);
  const failing = answerWrites({ firstCommentId: FIRST_NEW_COMMENT, ...(o.fail ? { fail: o.fail } : {}) });
  const answering = answerWrites({ firstCommentId: FIRST_NEW_COMMENT });
  let mutations = 0;
  scope = scope
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .optionally()
    .reply((uri, requestBody) => (mutations++ === 0 ? failing : answering)(uri, requestBody));
  const payload = issueCommentEvent("created", incidentComment(body, { by }));
  o.edit?.(payload);
  const run = await deliverRecorded(
    scope,
    { name: "issue_comment", payload },
    { retries: o.retries ?? false },
  );
  const replies = run.comments.filter((c) => c.startsWith("<!-- firebreak:reply:"));
  expect(replies.length, "at most one reply per comment").toBeLessThanOrEqual(1);
  return {
    ...run,
    declared: declaredIncident,
    tracker: updatedComment(run.sent, TRACKER_NODE),
    reply: replies[0],
  };
}

/** The ✅/❌ lines of a reply. */
export const outcomeLines = (reply: string | undefined): string[] =>
  (reply ?? "").split("\n").filter((line) => /^[✅❌] /.test(line));

/** The tracker's timeline entries (`- **<time>** …`). */
export const timelineLines = (tracker: string | undefined): string[] =>
  (tracker ?? "").split("\n").filter((line) => /^- \*\*\d{4}-/.test(line));

export const reaction = (content: "THUMBS_UP" | "CONFUSED") => ({
  op: "addReaction",
  subjectId: COMMAND_NODE,
  content,
});

/** Nothing may be sent at all: not the token, not the app's identity, not the config. */
export async function deliverNothingSent(event: {
  name: string;
  payload: Json;
}): Promise<{ logs: LogLine[]; error: unknown }> {
  const scope = nock(API);
  const run = await deliverRecorded(scope, event);
  expect(run.unmatched).toEqual([]);
  expect(run.sent).toEqual([]);
  expect(scope.pendingMocks()).toEqual([]);
  return { logs: run.logs, error: run.error };
}

/** A comment's payload, as `issueCommentEvent` builds it, for tables of odd shapes. */
export function commentPayload(body: string, o: Partial<CommentEventOptions> = {}): Json {
  return issueCommentEvent("created", { ...incidentComment(body), ...o });
}

/** An issue opened from the form (or not): the declaration's reads and writes answered if asked. */
export async function openIssue(
  body: string | null,
  o: { title?: string; labels?: string[]; author?: string; context?: Partial<ContextOptions> } = {},
): Promise<Declaration> {
  const scope = answerConfig(githubApi(), null)
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(contextReply({ timeline: [], commits: checkoutCommits(), ...o.context }))
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  const payload = issueEvent("opened", {
    labels: o.labels ?? [],
    author: o.author ?? "dana",
    ...(o.title ? { title: o.title } : {}),
  });
  payload.issue.body = body;
  const run = await deliverRecorded(scope, { name: "issues", payload });
  const [tracker = "", checklist = ""] = run.comments;
  return { ...run, tracker, checklist };
}

/** An issue body as GitHub writes it from the incident form (.github/ISSUE_TEMPLATE/incident.yml). */
export function formBody(answers: {
  severity?: string;
  started?: string;
  broken?: string;
  impact?: string;
}): string {
  return [
    "### What is broken",
    "",
    answers.broken ?? "Checkout returns 500 for card payments",
    "",
    "### Impact",
    "",
    answers.impact ?? "About 30% of checkout attempts fail",
    "",
    "### Severity",
    "",
    answers.severity ??
      "SEV2 · High: a major feature is unavailable, performance badly degraded, or sign-in failing",
    "",
    "### When it started",
    "",
    answers.started ?? "_No response_",
  ].join("\n");
}
