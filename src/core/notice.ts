// Customer-facing status notices (`/notice`) and the resolution drafts the tracker offers: what
// users see, never internals (no suspects, commits, pull requests or responders' names). Pure.
import { formatDuration } from "./duration.js";
import { neutralizeMentions } from "./markdown.js";
import { STATUSES, type Status } from "./model.js";
import { formatUtc } from "./time.js";
import type { IncidentHistory } from "./timeline.js";

/** The states of a status page: the incident's own statuses. */
export const NOTICE_STATES = STATUSES;
export type NoticeState = Status;

/** Status-page updates are short; a longer text is refused rather than cut. */
export const MAX_NOTICE_LENGTH = 1_000;

const STATE_NAMES: Record<NoticeState, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

const STATE_EMOJI: Record<NoticeState, string> = {
  investigating: "🔴",
  identified: "🟡",
  monitoring: "🔵",
  resolved: "🟢",
};

/** What each state tells customers, after whatever the responder wrote. */
const STATE_SENTENCES: Record<NoticeState, string> = {
  investigating: "We are investigating the problem and will keep you updated here.",
  identified: "We have identified the cause and are working on a fix.",
  monitoring: "A fix is in place and we are monitoring the results.",
  resolved: "This incident has been resolved. We apologize for the inconvenience.",
};

/** `@alice`, `@acme/payments` as GitHub reads mentions (not `support@example.com`). */
const MENTION = /(^|[^\w`])@([A-Za-z0-9][\w-]*(?:\/[\w.-]+)?)/;

export type NoticeReading = { state: NoticeState; text: string } | { problem: string };

/** `/notice <state> <text>`: the state, and the text customers will read. */
export function readNotice(args: string): NoticeReading {
  const [word = ""] = args.split(/\s+/).filter(Boolean);
  const valid = NOTICE_STATES.join(", ");
  if (!word) return { problem: `which state? valid: ${valid}; then the text customers will read` };
  const state = NOTICE_STATES.find((s) => s === word.toLowerCase());
  if (!state) return { problem: `unknown state \`${clip(word)}\`; valid: ${valid}` };
  const text = args.slice(args.indexOf(word) + word.length).trim();
  if (!text) return { problem: `\`/notice ${state}\` needs the text customers will read after the state` };
  if (text.length > MAX_NOTICE_LENGTH) {
    return {
      problem: `a notice is at most ${MAX_NOTICE_LENGTH.toLocaleString("en")} characters and this one has ${text.length.toLocaleString("en")}; keep to what customers see and need to do`,
    };
  }
  const mention = MENTION.exec(text);
  if (mention) {
    return {
      problem: `customer notices name no one: take out \`@${clip(mention[2] ?? "", 40)}\` (nobody was notified)`,
    };
  }
  return { state, text };
}

/** The hidden line that identifies a notice, in replies and in the status file: its comment and line. */
export function noticeMarker(commentId: number, line: number): string {
  return `<!-- firebreak:notice:${commentId}:${line} -->`;
}

export interface NoticeView {
  /** Hidden id; null for a draft (the tracker's), which is not one yet. */
  marker: string | null;
  status: NoticeState;
  /** `Investigating` */
  state: string;
  emoji: string;
  title: string;
  /** When the notice was written, UTC. */
  at: string;
  /** What the responder wrote; null in a draft. */
  text: string | null;
  /** The state's own sentence. */
  standard: string;
  impact: string | null;
  cause: string | null;
  /** When customers were affected, for a resolution. */
  window: { from: string; to: string; duration: string } | null;
  /** When the next update is due, while the incident is open. */
  next: string | null;
}

export interface NoticeInput {
  state: NoticeState;
  text: string;
  /** The incident's title. */
  title: string;
  /** When the notice was asked for (the comment's time, so a rerun renders the same notice). */
  at: Date;
  commentId: number;
  line: number;
  history: Pick<IncidentHistory, "startedAt" | "resolvedAt">;
  declaredAt: Date;
  /** The severity's update cadence. */
  updateEveryMs: number;
}

/** The view of a `/notice`, for templates/notice.md.hbs. */
export function noticeView(input: NoticeInput): NoticeView {
  const resolved = input.state === "resolved";
  return {
    marker: noticeMarker(input.commentId, input.line),
    status: input.state,
    state: STATE_NAMES[input.state],
    emoji: STATE_EMOJI[input.state],
    title: markdownText(customerText(input.title, 200), 200),
    at: formatUtc(input.at),
    text: markdownText(input.text, MAX_NOTICE_LENGTH),
    standard: STATE_SENTENCES[input.state],
    impact: null,
    cause: null,
    window: resolved
      ? affectedWindow(input.history.startedAt ?? input.declaredAt, input.history.resolvedAt ?? input.at)
      : null,
    next: resolved ? null : formatUtc(new Date(input.at.getTime() + input.updateEveryMs)),
  };
}

export interface CustomerEmailView {
  subject: string;
  title: string;
  window: { from: string; to: string; duration: string };
  impact: string | null;
  cause: string | null;
}

export interface ResolutionDrafts {
  notice: NoticeView;
  email: CustomerEmailView;
}

/**
 * What the tracker offers once an incident is resolved: the resolution notice and a customer email,
 * filled from the incident (title, impact, when it started and ended, the cause if given), with
 * names, issue and pull request numbers and commit ids taken out. Null while it is not resolved.
 */
export function resolutionDrafts(input: {
  title: string;
  history: Pick<IncidentHistory, "startedAt" | "resolvedAt" | "impact" | "cause">;
  declaredAt: Date;
}): ResolutionDrafts | null {
  const { history } = input;
  if (!history.resolvedAt) return null;
  const window = affectedWindow(history.startedAt ?? input.declaredAt, history.resolvedAt);
  const impact = history.impact ? customerText(history.impact, 500) : "";
  const cause = history.cause ? customerText(history.cause, 500) : "";
  const title = customerText(input.title, 200);
  return {
    notice: {
      marker: null,
      status: "resolved",
      state: STATE_NAMES.resolved,
      emoji: STATE_EMOJI.resolved,
      title: markdownText(title, 200),
      at: formatUtc(history.resolvedAt),
      text: null,
      standard: STATE_SENTENCES.resolved,
      impact: impact ? markdownText(impact, 500) : null,
      cause: cause ? markdownText(cause, 500) : null,
      window,
      next: null,
    },
    email: {
      subject: `Resolved: ${plainText(title)}`,
      title: plainText(title),
      window,
      impact: impact ? plainText(impact) : null,
      cause: cause ? plainText(cause) : null,
    },
  };
}

function affectedWindow(from: Date, to: Date): { from: string; to: string; duration: string } {
  const end = to.getTime() < from.getTime() ? from : to;
  return {
    from: formatUtc(from),
    to: formatUtc(end),
    duration: formatDuration(end.getTime() - from.getTime()),
  };
}

/**
 * Text a responder wrote for the team, made fit for customers: one line, and no names, issue or
 * pull request numbers, or commit ids (the draft is reviewed before it is sent; this only keeps
 * internals from slipping through).
 */
export function customerText(text: string, maxLength: number): string {
  const cleaned = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(withLead(String.raw`(?<![\w\x60])@[A-Za-z0-9][\w-]*(?:\/[\w.-]+)?(?:['’]s\b)?`), "")
    .replace(withLead(String.raw`(?<![\w/])(?:[\w.-]+\/[\w.-]+)?#\d+\b`), "")
    .replace(withLead(String.raw`\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b`), "")
    // What the removals leave behind: empty code, `(, )`, a comma before the full stop.
    .replace(/`\s*`/g, "")
    .replace(/[([](?:[\s,;:&+/-]|\b(?:by|in|from|and|see|via|cc|with|commit|pr|issue)\b)*[)\]]/gi, "")
    .replace(/\s+/g, " ")
    .replace(/\s+([,.;:!?)])/g, "$1")
    .replace(/[,;:]+(?=[.!?)]|$)/g, "")
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}

/** A pattern, with the word that introduced it ("by @bob", "in #12", "see 3f2a9c1") taken too. */
function withLead(pattern: string): RegExp {
  return new RegExp(
    String.raw`(?:\s+(?:by|cc|see|in|from|via|and|with|thanks to|commit|pr|pull request|issue)\s+)?` +
      pattern,
    "gi",
  );
}

/** One line of text for markdown: no HTML (so no forged hidden markers), no pings. */
function markdownText(text: string, maxLength: number): string {
  const oneLine = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const clipped = oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
  return neutralizeMentions(clipped.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/** Text for the plain-text email, shown in a code block: nothing that could end the block or hide a marker. */
function plainText(text: string): string {
  return text.replace(/`/g, "'").replace(/</g, "‹").replace(/>/g, "›");
}

function clip(text: string, max = 60): string {
  const safe = text.replace(/`/g, "'");
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

// ---------------------------------------------------------------------------------------------
// Adding notices to the status file (src/github/status-notice.ts does it; these words say how it went).

export type NoticeFileOutcome =
  /** Committed to the standing branch; `opened` when this run opened its pull request. */
  | { kind: "added"; path: string; pullRequest: { number: number; url: string }; opened: boolean }
  /** A rerun: the notice is already on the branch (its pull request open) or already published. */
  | { kind: "already"; path: string; pullRequest: { number: number; url: string } | null; base: string }
  | { kind: "failed"; path: string; reason: string };

/** The answer to one `/notice` line, given how adding it to the status file went. */
export function noticeFileReply(outcome: NoticeFileOutcome): { ok: boolean; message: string } {
  const file = `\`${outcome.path}\``;
  switch (outcome.kind) {
    case "added":
      return {
        ok: true,
        message: outcome.opened
          ? `customer notice below; added to ${file} in #${outcome.pullRequest.number}: review it, then merge to publish`
          : `customer notice below; added to ${file} in #${outcome.pullRequest.number}, with the notices not published yet: merge it to publish`,
      };
    case "already":
      return {
        ok: true,
        message: outcome.pullRequest
          ? `customer notice below; already in ${file} in #${outcome.pullRequest.number}`
          : `customer notice below; already published in ${file} on \`${outcome.base}\``,
      };
    case "failed":
      return {
        ok: false,
        message: `the customer notice below could not be added to ${file}: ${outcome.reason}. Post it by hand, or run \`/notice\` again`,
      };
  }
}

/** The answer to a `/notice` when no status file is configured. */
export const NOTICE_REPLY = "customer notice below: post it where your customers look";
