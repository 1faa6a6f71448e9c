// The post-mortem the companion Action proposes: its file name, its view (what the incident's records
// say, laid out for templates/postmortem.md.hbs), its action items and the follow-up issues they
// become, and reading the action items back from the document once reviewers have edited it. Pure:
// the same records give the same document, so a rerun with nothing new changes nothing.
import { createHash } from "node:crypto";
import { ROLE_NAMES, ROLES, type Role } from "./commands.js";
import { formatDuration } from "./duration.js";
import { severityTag } from "./labels.js";
import { inlineText } from "./markdown.js";
import { type Metric, responseMetrics } from "./metrics.js";
import type { ResponseTarget, SeverityKey, Status } from "./model.js";
import { formatUtc, formatUtcDate, responseDeadline } from "./time.js";
import type { IncidentHistory, TimelineEntry, TimelineKind } from "./timeline.js";
import type { SuspectsView } from "./tracker.js";

export const POSTMORTEM_LABEL = "incident/postmortem";
export const FOLLOW_UP_LABEL = "incident/follow-up";
export const DEFAULT_POSTMORTEM_DIR = "docs/postmortems";
/** Marks what only people can write; reviewers search the document for it. */
export const PLACEHOLDER = "✏️";

/** The hidden line in the Action's comment on the incident (one per incident, updated on reruns). */
export const INCIDENT_COMMENT_MARKER = "<!-- firebreak:postmortem-link -->";
/** The hidden line in the Action's comment on the pull request when people's commits were kept. */
export const KEPT_COMMENT_MARKER = "<!-- firebreak:postmortem-kept -->";
/** The hidden line in the Action's comment on a merged post-mortem listing the follow-ups it opened. */
export const MERGED_COMMENT_MARKER = "<!-- firebreak:postmortem-follow-ups -->";

/** Who the Action's commits are by; with the trailer, how a rerun tells them from people's. */
export const ACTION_COMMITTER = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
} as const;
const COMMIT_TRAILER = "Firebreak-Postmortem";

/** `incident-42/postmortem`: one branch per incident, so a rerun finds its own. */
export function postmortemBranch(issueNumber: number): string {
  return `incident-${issueNumber}/postmortem`;
}

/** The incident a post-mortem branch belongs to, or null for any other branch. */
export function incidentOfBranch(branch: string): number | null {
  const match = /^incident-(\d+)\/postmortem$/.exec(branch);
  return match ? Number(match[1]) : null;
}

export function postmortemCommitMessage(issueNumber: number, title: string, update: boolean): string {
  const subject = `${update ? "Update" : "Draft"} the post-mortem of incident #${issueNumber}`;
  return `${subject}\n\n${plainText(title, 200)}\n\n${COMMIT_TRAILER}: ${issueNumber}\n`;
}

/** A commit the Action made: its committer and its trailer. People's commits (even amended ones) are not. */
export function isActionCommit(
  commit: { message: string; committerEmail: string | null },
  issueNumber: number,
): boolean {
  return (
    commit.committerEmail?.toLowerCase() === ACTION_COMMITTER.email.toLowerCase() &&
    new RegExp(`^${COMMIT_TRAILER}: ${issueNumber}$`, "m").test(commit.message)
  );
}

/** The hidden line in the pull request body naming the incident and the document. */
export function postmortemPrMarker(issueNumber: number, path: string): string {
  return `<!-- firebreak:postmortem incident=${issueNumber} path=${encodeURI(path)} -->`;
}

export function parsePostmortemPrMarker(
  body: string | null | undefined,
): { incident: number; path: string } | null {
  const match = /<!-- firebreak:postmortem incident=(\d+) path=(\S+) -->/.exec(body ?? "");
  if (!match?.[2]) return null;
  try {
    return { incident: Number(match[1]), path: decodeURI(match[2]) };
  } catch {
    return null;
  }
}

export function followUpMarker(issueNumber: number, key: string): string {
  return `<!-- firebreak:follow-up incident=${issueNumber} item=${key} -->`;
}

export function parseFollowUpMarker(
  body: string | null | undefined,
): { incident: number; key: string } | null {
  const match = /<!-- firebreak:follow-up incident=(\d+) item=([\w-]+) -->/.exec(body ?? "");
  return match?.[2] ? { incident: Number(match[1]), key: match[2] } : null;
}

// ---------------------------------------------------------------------------------------------
// The file

/** `checkout-returns-500-for-card-payments`: lower case, ASCII, at most 60 characters, whole words. */
export function slugify(title: string): string {
  const words = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  let slug = "";
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 60) break;
    slug = next;
  }
  return slug || (words[0] ?? "").slice(0, 60);
}

/**
 * The post-mortem directory as configured, normalised (`./docs/postmortems/` → `docs/postmortems`).
 * Null when it leaves the repository or is empty.
 */
export function normalizeDir(dir: string): string | null {
  const parts = dir
    .trim()
    .replace(/\\/g, "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.some((part) => part === "..")) return null;
  return parts.join("/");
}

/** `docs/postmortems/2026-11-22-checkout-returns-500.md`: the day it was declared, the title's words. */
export function postmortemPath(dir: string, declaredAt: Date, title: string, issueNumber: number): string {
  const slug = slugify(title) || `incident-${issueNumber}`;
  return `${dir}/${formatUtcDate(declaredAt)}-${slug}.md`;
}

// ---------------------------------------------------------------------------------------------
// Text for a committed markdown file: safe, on one line, and with plain @logins (a file notifies
// nobody, and reviewers edit it as text).

function docText(text: string, max = 500): string {
  return inlineText(text, max).replaceAll("@&#8203;", "@");
}

function docCell(text: string, max = 500): string {
  return docText(text, max).replace(/\|/g, "\\|");
}

/** Already-rendered inline markdown (timeline entries, suspects), made fit for a file's table cell. */
function fromView(markdown: string): string {
  return markdown.replaceAll("@&#8203;", "@").replace(/(?<!\\)\|/g, "\\|");
}

/** Text for places GitHub shows as plain text (titles): one line, bounded, nothing escaped. */
export function plainText(text: string, max = 200): string {
  const line = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const login = (who: string) => `@${who}`;
const iso = (date: Date | null) => (date ? `${date.toISOString().slice(0, 19)}Z` : null);
const utc = (date: Date) => formatUtc(date).replace(/ UTC$/, "");

// ---------------------------------------------------------------------------------------------
// The view

export interface Reference {
  kind: "pull_request" | "issue";
  number: number;
  title: string;
  url: string;
  /** OPEN, CLOSED or MERGED, as GitHub says; null when unknown. */
  state: string | null;
  mergedAt: Date | null;
  /** A revert pull request (firebreak's `/rollback`, or titled `Revert "…"`). */
  revert: boolean;
  at: Date;
}

export interface FollowUpLink {
  number: number;
  url: string;
}

export interface PostmortemInput {
  repoUrl: string;
  incident: {
    number: number;
    title: string;
    url: string;
    reporter: string | null;
    createdAt: Date;
    closedAt: Date | null;
  };
  history: IncidentHistory;
  severity: { key: SeverityKey; name: string; meaning: string; respondWithin: ResponseTarget };
  status: Status;
  businessDayStartMinutes: number;
  /** firebreak's tracker comment, with the suspects it ranked when the incident was declared. */
  tracker: { url: string; suspects: SuspectsView | null } | null;
  references: Reference[];
  /** Lower-cased logins of bots (firebreak among them): never participants or reviewers. */
  bots: ReadonlySet<string>;
  /** Follow-up issues already open, by action item key. */
  followUps: ReadonlyMap<string, FollowUpLink>;
  path: string;
}

export interface PostmortemView {
  frontMatter: string;
  marker: string;
  placeholder: string;
  path: string;
  incident: { number: number; title: string; url: string };
  severity: { tag: string; name: string; meaning: string };
  status: string;
  summary: string;
  metadata: Array<{ name: string; value: string }>;
  impact: { recorded: string | null; window: string | null };
  timeline: { rows: Array<{ at: string; event: string }>; omitted: number; chart: string };
  metrics: { rows: Array<{ name: string; value: string; span: string }>; target: string | null };
  cause: string | null;
  resolution: {
    reverts: Array<{ link: string; state: string }>;
    changes: Array<{ link: string; state: string }>;
    updates: Array<{ at: string; by: string; text: string }>;
    resolved: string | null;
  };
  suspects: {
    rows: Array<{ rank: number; change: string; author: string; landed: string; reason: string }>;
    branch: string;
    window: string;
    more: number;
    deployments: string[];
  } | null;
  actionItems: Array<{
    n: number;
    text: string;
    owner: string | null;
    due: string | null;
    issue: string | null;
  }>;
  participants: Array<{ login: string; roles: string | null; events: number }>;
  links: Array<{ text: string; url: string }>;
}

/** Beyond this many rows, the timeline table keeps the decisive entries and folds the rest into a count. */
export const MAX_TIMELINE_ROWS = 400;
const MINOR: ReadonlySet<TimelineKind> = new Set(["note", "assigned", "unassigned", "renamed"]);

export function buildPostmortemView(input: PostmortemInput): PostmortemView {
  const { history, incident } = input;
  const declaredAt = history.declaredAt ?? incident.createdAt;
  const resolvedAt = history.resolvedAt ?? history.closedAt ?? incident.closedAt;
  const tag = severityTag(input.severity.key);
  const metrics = responseMetrics({
    startedAt: history.startedAt,
    declaredAt,
    acknowledgedAt: history.acknowledgedAt,
    identifiedAt: history.identifiedAt,
    mitigatedAt: history.mitigatedAt,
    resolvedAt,
  });
  const participants = participantsOf(input);
  const { reverts, changes } = pullRequestsOf(input);
  const title = docText(incident.title, 200);
  const incidentLink = `[#${incident.number}](${incident.url})`;

  return {
    frontMatter: frontMatter(input, declaredAt, resolvedAt, metrics),
    marker: `<!-- firebreak:postmortem-document incident=${incident.number} -->`,
    placeholder: PLACEHOLDER,
    path: input.path,
    incident: { number: incident.number, title, url: incident.url },
    severity: { tag, name: docText(input.severity.name, 40), meaning: docText(input.severity.meaning, 300) },
    status: input.status,
    summary: summaryLine(input, declaredAt, resolvedAt),
    metadata: metadataRows(input, declaredAt, resolvedAt, incidentLink),
    impact: {
      recorded: history.impact ? docText(history.impact, 2_000) : null,
      window:
        resolvedAt && (history.startedAt ?? declaredAt) < resolvedAt
          ? `${utc(history.startedAt ?? declaredAt)} → ${utc(resolvedAt)} UTC (${formatDuration(resolvedAt.getTime() - (history.startedAt ?? declaredAt).getTime())}${history.startedAt ? ", from when it started" : ", from the declaration: when it started was not recorded"})`
          : null,
    },
    timeline: {
      ...timelineRows(history.entries),
      chart: timelineChart(input, declaredAt, resolvedAt, reverts),
    },
    metrics: {
      rows: metrics.map((metric) => ({
        name: metric.name,
        value: metric.ms === null ? `_not recorded: ${missingReason(metric)}_` : formatDuration(metric.ms),
        span: metric.from,
      })),
      target: responseTarget(input, declaredAt),
    },
    cause: history.cause ? docText(history.cause, 2_000) : null,
    resolution: {
      reverts: reverts.map((r) => ({ link: referenceLink(r), state: referenceState(r) })),
      changes: changes.map((r) => ({ link: referenceLink(r), state: referenceState(r) })),
      updates: history.updates.map((u) => ({
        at: utc(u.at),
        by: u.by ? login(u.by) : "someone",
        text: docText(u.text, 1_000),
      })),
      resolved: resolvedAt ? `${utc(resolvedAt)} UTC` : null,
    },
    suspects: input.tracker?.suspects ? suspectsOf(input.tracker.suspects) : null,
    actionItems: recordedFollowUps(history, incident.url).map((item, i) => {
      const issue = input.followUps.get(item.key);
      return {
        n: i + 1,
        text: docCell(item.text, 300),
        owner: item.owner ? login(item.owner) : null,
        due: item.due,
        issue: issue ? `[#${issue.number}](${issue.url})` : null,
      };
    }),
    participants,
    links: linksOf(input, reverts, changes),
  };
}

function frontMatter(
  input: PostmortemInput,
  declaredAt: Date,
  resolvedAt: Date | null,
  metrics: Metric[],
): string {
  const { history, incident } = input;
  const minutes = (metric: Metric | undefined) =>
    metric?.ms == null ? "null" : String(Math.floor(metric.ms / 60_000));
  const byKey = (key: Metric["key"]) => metrics.find((m) => m.key === key);
  const time = (date: Date | null) => iso(date) ?? "null";
  return [
    `incident: ${incident.number}`,
    `title: ${JSON.stringify(plainText(incident.title, 200))}`,
    `severity: ${severityTag(input.severity.key)}`,
    `status: ${input.status}`,
    `started: ${time(history.startedAt)}`,
    `declared: ${time(declaredAt)}`,
    `acknowledged: ${time(history.acknowledgedAt)}`,
    `identified: ${time(history.identifiedAt)}`,
    `mitigated: ${time(history.mitigatedAt)}`,
    `resolved: ${time(resolvedAt)}`,
    `closed: ${time(history.closedAt ?? incident.closedAt)}`,
    "durations_minutes:",
    `  detect: ${minutes(byKey("detect"))}`,
    `  acknowledge: ${minutes(byKey("acknowledge"))}`,
    `  identify: ${minutes(byKey("identify"))}`,
    `  mitigate: ${minutes(byKey("mitigate"))}`,
    `  resolve: ${minutes(byKey("resolve"))}`,
    `issue: ${JSON.stringify(incident.url)}`,
  ].join("\n");
}

function summaryLine(input: PostmortemInput, declaredAt: Date, resolvedAt: Date | null): string {
  const { history } = input;
  const parts = [
    `${severityTag(input.severity.key)} (${docText(input.severity.name, 40)}) incident, declared ${utc(declaredAt)} UTC`,
  ];
  if (history.startedAt && history.startedAt < declaredAt) {
    parts.push(
      `it had started ${formatDuration(declaredAt.getTime() - history.startedAt.getTime())} earlier`,
    );
  }
  if (resolvedAt) {
    parts.push(
      `resolved ${formatDuration(Math.max(0, resolvedAt.getTime() - declaredAt.getTime()))} after the declaration`,
    );
  } else {
    parts.push(`not resolved when this draft was written`);
  }
  const changes = history.severityChanges;
  if (changes.length > 0) {
    parts.push(
      changes
        .map((c) => `${c.to < c.from ? "escalated" : "lowered"} to ${severityTag(c.to)}`)
        .join(", then "),
    );
  }
  return `${parts.join("; ")}.`;
}

function metadataRows(
  input: PostmortemInput,
  declaredAt: Date,
  resolvedAt: Date | null,
  incidentLink: string,
): Array<{ name: string; value: string }> {
  const { history, incident } = input;
  const rows: Array<{ name: string; value: string }> = [
    { name: "Incident", value: `${incidentLink} ${docCell(incident.title, 200)}` },
    {
      name: "Severity",
      value: `${severityTag(input.severity.key)} ${docCell(input.severity.name, 40)}: ${docCell(input.severity.meaning, 300)}`,
    },
    { name: "Status", value: input.status },
    {
      name: "Started",
      value: history.startedAt ? `${utc(history.startedAt)} UTC` : "_not recorded (`/started`)_",
    },
    { name: "Declared", value: `${utc(declaredAt)} UTC` },
    { name: "Resolved", value: resolvedAt ? `${utc(resolvedAt)} UTC` : "_not resolved_" },
  ];
  if (resolvedAt) {
    rows.push({
      name: "Duration",
      value: formatDuration(Math.max(0, resolvedAt.getTime() - declaredAt.getTime())),
    });
  }
  for (const role of ROLES) {
    const who = history.roles[role];
    rows.push({ name: ROLE_NAMES[role], value: who ? login(who) : "_not set_" });
  }
  if (incident.reporter) rows.push({ name: "Reported by", value: login(incident.reporter) });
  if (input.tracker)
    rows.push({ name: "Tracker", value: `[firebreak's tracker comment](${input.tracker.url})` });
  return rows;
}

function timelineRows(entries: readonly TimelineEntry[]): {
  rows: Array<{ at: string; event: string }>;
  omitted: number;
} {
  let kept: readonly TimelineEntry[] = entries;
  if (entries.length > MAX_TIMELINE_ROWS) {
    const decisive = entries.filter((e) => !MINOR.has(e.kind));
    const minor = entries.filter((e) => MINOR.has(e.kind));
    const keep = new Set<TimelineEntry>();
    const take = (list: readonly TimelineEntry[], room: number) => {
      const head = Math.ceil(room / 2);
      for (const e of [...list.slice(0, head), ...list.slice(Math.max(head, list.length - (room - head)))])
        keep.add(e);
    };
    if (decisive.length >= MAX_TIMELINE_ROWS) take(decisive, MAX_TIMELINE_ROWS);
    else {
      for (const e of decisive) keep.add(e);
      take(minor, MAX_TIMELINE_ROWS - decisive.length);
    }
    kept = entries.filter((e) => keep.has(e));
  }
  return {
    rows: kept.map((entry) => ({ at: utc(entry.at), event: fromView(entry.text) })),
    omitted: entries.length - kept.length,
  };
}

function missingReason(metric: Metric): string {
  switch (metric.key) {
    case "detect":
      return "nobody said when it started (`/started`)";
    case "acknowledge":
      return "no responder took it on";
    case "identify":
      return "the status never became identified";
    case "mitigate":
      return "the status never became monitoring";
    case "resolve":
      return "not resolved";
  }
}

function responseTarget(input: PostmortemInput, declaredAt: Date): string | null {
  const { history, severity } = input;
  const from = history.severityChanges.at(-1)?.at ?? declaredAt;
  const deadline = responseDeadline(from, severity.respondWithin, input.businessDayStartMinutes);
  const tag = severityTag(severity.key);
  const by = `${tag} asks for a response by ${utc(deadline)} UTC`;
  const ack = history.acknowledgedAt;
  if (!ack) return `${by}; no acknowledgement was recorded.`;
  const met = ack.getTime() <= deadline.getTime();
  return `${by}; acknowledged at ${utc(ack)} UTC: ${met ? "**met**" : `**missed** by ${formatDuration(ack.getTime() - deadline.getTime())}`}.`;
}

/** Reverts (firebreak's `/rollback` pull requests, and any titled `Revert …`) and the other pull requests. */
function pullRequestsOf(input: PostmortemInput): { reverts: Reference[]; changes: Reference[] } {
  const pulls = input.references.filter((r) => r.kind === "pull_request");
  const rollbacks = new Set(input.history.rollbacks.map((r) => r.number));
  const reverts: Reference[] = input.history.rollbacks.map((r) => {
    const seen = pulls.find((p) => p.number === r.number);
    return {
      kind: "pull_request",
      number: r.number,
      title: r.title,
      url: r.url,
      state: seen?.state ?? (r.mergedAt ? "MERGED" : null),
      mergedAt: r.mergedAt,
      revert: true,
      at: r.openedAt,
    };
  });
  reverts.push(...pulls.filter((p) => p.revert && !rollbacks.has(p.number)));
  const changes = pulls.filter((p) => !p.revert && !rollbacks.has(p.number));
  return { reverts, changes };
}

function referenceLink(r: Reference): string {
  return `[#${r.number}](${r.url}) ${docCell(r.title, 120)}`;
}

function referenceState(r: Reference): string {
  if (r.state === "MERGED") return r.mergedAt ? `merged ${utc(r.mergedAt)} UTC` : "merged";
  if (r.state === "OPEN") return "open";
  if (r.state === "CLOSED") return r.kind === "pull_request" ? "closed without merging" : "closed";
  return "unknown";
}

function suspectsOf(view: SuspectsView): NonNullable<PostmortemView["suspects"]> {
  return {
    rows: view.rows.map((row) => ({
      rank: row.rank,
      change: fromView(row.change),
      author: fromView(row.author),
      landed: row.landed,
      reason: fromView(row.reason),
    })),
    branch: view.branch,
    window: view.window,
    more: view.more,
    deployments: view.deployments.map(fromView),
  };
}

function participantsOf(input: PostmortemInput): PostmortemView["participants"] {
  const { history, bots } = input;
  const events = new Map<string, number>();
  const roles = new Map<string, string[]>();
  const person = (who: string | null | undefined): who is string => !!who && !bots.has(who.toLowerCase());
  for (const role of ROLES) {
    const who = history.roles[role];
    if (person(who)) {
      roles.set(who, [...(roles.get(who) ?? []), ROLE_NAMES[role]]);
      events.set(who, events.get(who) ?? 0);
    }
  }
  if (person(input.incident.reporter))
    events.set(input.incident.reporter, events.get(input.incident.reporter) ?? 0);
  for (const entry of history.entries) {
    if (person(entry.actor)) events.set(entry.actor, (events.get(entry.actor) ?? 0) + 1);
  }
  const rolesOrder = (who: string) => {
    const first = ROLES.findIndex((role: Role) => history.roles[role] === who);
    return first === -1 ? ROLES.length : first;
  };
  return [...events.entries()]
    .sort(([a, ea], [b, eb]) => rolesOrder(a) - rolesOrder(b) || eb - ea || a.localeCompare(b))
    .map(([who, count]) => ({ login: login(who), roles: roles.get(who)?.join(", ") ?? null, events: count }));
}

/**
 * Who reviews the post-mortem: the incident commander first, then the other roles, then whoever
 * did most. Bots and `exclude` (the Action's own login) never; at most `max`.
 */
export function reviewersFor(
  history: IncidentHistory,
  options: { bots: ReadonlySet<string>; exclude: string[]; reporter: string | null; max?: number },
): string[] {
  const out: string[] = [];
  const skip = new Set([...options.exclude.map((l) => l.toLowerCase()), ...options.bots]);
  const add = (who: string | null | undefined) => {
    if (!who || skip.has(who.toLowerCase()) || out.some((o) => o.toLowerCase() === who.toLowerCase())) return;
    out.push(who);
  };
  for (const role of ROLES) add(history.roles[role]);
  const counts = new Map<string, number>();
  for (const entry of history.entries) {
    if (entry.actor) counts.set(entry.actor, (counts.get(entry.actor) ?? 0) + 1);
  }
  for (const [who] of [...counts.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))) add(who);
  add(options.reporter);
  return out.slice(0, options.max ?? 10);
}

function linksOf(
  input: PostmortemInput,
  reverts: Reference[],
  changes: Reference[],
): PostmortemView["links"] {
  const links = [{ text: `Incident #${input.incident.number}`, url: input.incident.url }];
  if (input.tracker) links.push({ text: "firebreak's tracker comment", url: input.tracker.url });
  for (const r of reverts) links.push({ text: `Revert pull request #${r.number}`, url: r.url });
  for (const r of changes)
    links.push({ text: `Pull request #${r.number}: ${docText(r.title, 120)}`, url: r.url });
  for (const r of input.references.filter((x) => x.kind === "issue")) {
    links.push({ text: `Issue #${r.number}: ${docText(r.title, 120)}`, url: r.url });
  }
  for (const [, issue] of [...input.followUps.entries()].sort(([, a], [, b]) => a.number - b.number)) {
    links.push({ text: `Follow-up issue #${issue.number}`, url: issue.url });
  }
  return links;
}

// ---------------------------------------------------------------------------------------------
// The chart: phases as bars and milestones as diamonds, in UTC wall-clock time (mermaid shows the
// times it is given, so every reader sees UTC whatever their time zone).

function timelineChart(
  input: PostmortemInput,
  declaredAt: Date,
  resolvedAt: Date | null,
  reverts: Reference[],
): string {
  const { history } = input;
  const at = (date: Date) => `${formatUtcDate(date)} ${date.toISOString().slice(11, 19)}`;
  const span = (resolvedAt ?? declaredAt).getTime() - (history.startedAt ?? declaredAt).getTime();
  const lines = [
    "gantt",
    `  title Incident #${input.incident.number} (UTC)`,
    "  dateFormat YYYY-MM-DD HH:mm:ss",
    `  axisFormat ${span > 86_400_000 ? "%m-%d %H:%M" : "%H:%M"}`,
    "  todayMarker off",
  ];
  const start = history.startedAt && history.startedAt < declaredAt ? history.startedAt : null;
  const phases: Array<[string, Date | null, Date | null]> = [
    ["Detection", start, declaredAt],
    ["Investigation", declaredAt, history.identifiedAt ?? history.mitigatedAt ?? resolvedAt],
    ["Mitigation", history.identifiedAt, history.mitigatedAt ?? (history.identifiedAt ? resolvedAt : null)],
    ["Verification", history.mitigatedAt, history.mitigatedAt ? resolvedAt : null],
  ];
  const bars = phases.filter(
    (p): p is [string, Date, Date] =>
      p[1] !== null && p[2] !== null && p[2].getTime() - p[1].getTime() >= 1_000,
  );
  if (bars.length > 0) {
    lines.push("  section Response");
    bars.forEach(([name, from, to], i) => {
      lines.push(`  ${name} :done, p${i}, ${at(from)}, ${at(to)}`);
    });
  }
  const milestones: Array<[string, Date]> = [];
  if (start) milestones.push(["Started", start]);
  milestones.push([
    `Declared ${severityTag(history.severityChanges[0]?.from ?? input.severity.key)}`,
    declaredAt,
  ]);
  for (const change of history.severityChanges) {
    milestones.push([
      `${change.to < change.from ? "Escalated" : "Lowered"} to ${severityTag(change.to)}`,
      change.at,
    ]);
  }
  if (history.identifiedAt) milestones.push(["Identified", history.identifiedAt]);
  if (history.mitigatedAt) milestones.push(["Monitoring", history.mitigatedAt]);
  for (const r of reverts) if (r.mergedAt) milestones.push([`Revert ${r.number} merged`, r.mergedAt]);
  if (resolvedAt) milestones.push(["Resolved", resolvedAt]);
  lines.push("  section Milestones");
  milestones
    .sort((a, b) => a[1].getTime() - b[1].getTime())
    .forEach(([name, when], i) => {
      lines.push(`  ${name} :milestone, m${i}, ${at(when)}, 0s`);
    });
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Action items and follow-up issues

export interface FollowUpItem {
  /** Identifies the item across runs: `c<comment id>-l<line>` when recorded, `d<hash>` when added in review. */
  key: string;
  text: string;
  owner: string | null;
  due: string | null;
  source:
    | { kind: "recorded"; by: string | null; at: Date; commentUrl: string }
    | { kind: "review"; pullRequest: { number: number; url: string } };
}

/** The action items recorded with `/action-item`, in the order they were written. */
export function recordedFollowUps(history: IncidentHistory, incidentUrl: string): FollowUpItem[] {
  return history.actionItems.map((item) => ({
    key: `c${item.commentId}-l${item.line}`,
    text: item.text,
    owner: item.owner,
    due: item.due,
    source: {
      kind: "recorded",
      by: item.by,
      at: item.at,
      commentUrl: `${incidentUrl}#issuecomment-${item.commentId}`,
    },
  }));
}

export interface ActionItemRow {
  text: string;
  owner: string | null;
  due: string | null;
  /** The issue the row links to, if any. */
  issue: number | null;
  /** 1-based line of the row in the document. */
  line: number;
}

const LOGIN = /(?:^|[^\w`/])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\b/;
const ISSUE_LINK = /(?:^|[^\w&])#(\d+)\b|\/issues\/(\d+)\b/;

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  const body = line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\" && body[i + 1] === "|") {
      current += "\\|";
      i++;
    } else if (ch === "|") {
      cells.push(current.trim());
      current = "";
    } else current += ch;
  }
  cells.push(current.trim());
  return cells;
}

/**
 * The rows of the document's action items table (the first table under a heading that says
 * "action items"). Placeholder rows (with ✏️) and empty rows are left out.
 */
export function parseActionItemsTable(markdown: string): ActionItemRow[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const heading = lines.findIndex((l) => /^#{1,6}\s+.*\baction items?\b/i.test(l));
  if (heading === -1) return [];
  const level = /^#+/.exec(lines[heading] ?? "")?.[0].length ?? 2;
  let fence = false;
  for (let i = heading + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^ {0,3}(`{3,}|~{3,})/.test(line)) fence = !fence;
    if (fence) continue;
    const next = /^(#{1,6})\s/.exec(line);
    if (next?.[1] && next[1].length <= level) return [];
    const delimiter = lines[i + 1] ?? "";
    if (!line.trim().startsWith("|") || !/^\s*\|?\s*:?-{3,}/.test(delimiter)) continue;
    const header = splitRow(line).map((h) => h.toLowerCase());
    const column = (pattern: RegExp) => header.findIndex((h) => pattern.test(h));
    const issueCol = column(/issue|tracking|ticket|follow/);
    const ownerCol = column(/owner|who|assignee/);
    const dueCol = column(/due|date|when/);
    let textCol = column(/action|item|task|what/);
    if (textCol === -1)
      textCol = header.findIndex((h, n) => h !== "#" && n !== ownerCol && n !== dueCol && n !== issueCol);
    const rows: ActionItemRow[] = [];
    for (let j = i + 2; j < lines.length; j++) {
      const row = lines[j] ?? "";
      if (!row.trim().startsWith("|")) break;
      const cells = splitRow(row);
      const cell = (n: number) => (n >= 0 ? (cells[n] ?? "") : "");
      const text = cell(textCol).replace(/\\\|/g, "|").trim();
      if (!text || text.includes(PLACEHOLDER) || /^[-–—…_*\s.]*$/.test(text)) continue;
      const linkSource = issueCol >= 0 ? cell(issueCol) : row;
      const link = ISSUE_LINK.exec(linkSource);
      const owner = LOGIN.exec(` ${cell(ownerCol)}`)?.[1] ?? null;
      const due = /\b(\d{4}-\d{2}-\d{2})\b/.exec(cell(dueCol))?.[1] ?? null;
      rows.push({
        text,
        owner,
        due,
        issue: link ? Number(link[1] ?? link[2]) : null,
        line: j + 1,
      });
    }
    return rows;
  }
  return [];
}

/** The rows reviewers added without an issue: each becomes a follow-up, keyed by its text. */
export function reviewFollowUps(
  rows: ActionItemRow[],
  pullRequest: { number: number; url: string },
): FollowUpItem[] {
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    if (row.issue !== null) return [];
    const text = row.text
      .replace(/[*_`~]/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\s+/g, " ")
      .trim();
    if (!text) return [];
    const key = `d${createHash("sha256").update(text.toLowerCase()).digest("hex").slice(0, 12)}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ key, text, owner: row.owner, due: row.due, source: { kind: "review", pullRequest } }];
  });
}

export function followUpTitle(text: string): string {
  return plainText(text.replace(/[*_`]/g, ""), 120);
}

export interface FollowUpView {
  marker: string;
  incident: { number: number; title: string; url: string; severity: string };
  postmortem: { path: string; url: string; pullRequest: { number: number; url: string } | null };
  item: { text: string; owner: string | null; due: string | null };
  recorded: { by: string; at: string; url: string } | null;
  review: { number: number; url: string } | null;
}

/** The follow-up issue's body view. Logins are shown without pinging: the owner is assigned instead. */
export function buildFollowUpView(
  item: FollowUpItem,
  ctx: {
    incident: { number: number; title: string; url: string };
    severity: SeverityKey | null;
    path: string;
    postmortemUrl: string;
    pullRequest: { number: number; url: string } | null;
  },
): FollowUpView {
  const source = item.source;
  return {
    marker: followUpMarker(ctx.incident.number, item.key),
    incident: {
      number: ctx.incident.number,
      title: inlineText(ctx.incident.title, 200),
      url: ctx.incident.url,
      severity: ctx.severity ? severityTag(ctx.severity) : "",
    },
    postmortem: { path: ctx.path, url: ctx.postmortemUrl, pullRequest: ctx.pullRequest },
    item: {
      text: inlineText(item.text, 2_000),
      owner: item.owner ? `@&#8203;${item.owner}` : null,
      due: item.due,
    },
    recorded:
      source.kind === "recorded"
        ? {
            by: source.by ? `@&#8203;${source.by}` : "someone",
            at: formatUtc(source.at),
            url: source.commentUrl,
          }
        : null,
    review: source.kind === "review" ? source.pullRequest : null,
  };
}

// ---------------------------------------------------------------------------------------------
// What the Action says: the pull request, its comment on the incident, and the comments it leaves
// when people's commits are kept or a merged post-mortem's follow-ups are opened. No line starts
// with `/`, so nothing it writes reads as a command.

export function postmortemPrTitle(issueNumber: number, title: string): string {
  return plainText(`Post-mortem: #${issueNumber} ${title}`, 250);
}

export function postmortemPrBody(input: {
  issueNumber: number;
  title: string;
  severity: SeverityKey;
  path: string;
}): string {
  return [
    postmortemPrMarker(input.issueNumber, input.path),
    `Post-mortem of incident #${input.issueNumber} (${severityTag(input.severity)}): **${inlineText(input.title, 200)}**.`,
    "",
    `firebreak drafted \`${input.path}\` from the incident's records: the timeline, the response metrics, the suspects it ranked, reverts, status updates, participants and action items. Sections marked ${PLACEHOLDER} are for people: write them here, in review.`,
    "",
    "- **Action items:** add rows to the table during review. When this pull request is merged, firebreak opens a follow-up issue for each row without one.",
    `- **Regenerating:** comment \`/postmortem\` on #${input.issueNumber}. firebreak updates this branch only while nobody else has committed to it; after that it leaves a comment instead of overwriting your edits.`,
  ].join("\n");
}

const FOLLOW_UPS_RECORD = /<!-- firebreak:follow-ups ([\w=,-]*) -->/;

/** Which follow-up issue each item got, as the Action recorded it in its own comment. */
export function recordedFollowUpNumbers(body: string | null | undefined): Map<string, number> {
  const match = FOLLOW_UPS_RECORD.exec(body ?? "");
  const pairs = (match?.[1] ?? "").split(",").flatMap((pair) => {
    const [key, number] = pair.split("=");
    return key && number && /^\d+$/.test(number) ? [[key, Number(number)] as const] : [];
  });
  return new Map(pairs);
}

function followUpsRecord(followUps: ReadonlyArray<{ key: string; number: number }>): string {
  return `<!-- firebreak:follow-ups ${followUps.map((f) => `${f.key}=${f.number}`).join(",")} -->`;
}

export function incidentCommentBody(input: {
  pullRequest: { number: number; url: string } | null;
  path: string;
  followUps: ReadonlyArray<{ key: string; number: number }>;
  /** People's commits on the branch were kept, so the draft there is not the latest. */
  kept: boolean;
}): string {
  const lines = [INCIDENT_COMMENT_MARKER];
  lines.push(
    input.pullRequest
      ? `📝 **Post-mortem:** #${input.pullRequest.number} proposes \`${input.path}\` for review.`
      : `📝 **Post-mortem:** \`${input.path}\` is being drafted.`,
  );
  if (input.kept) {
    lines.push(
      "",
      "The branch has commits by people, so firebreak did not overwrite it; see the pull request.",
    );
  }
  if (input.followUps.length > 0) {
    lines.push("", `**Follow-up issues:** ${input.followUps.map((f) => `#${f.number}`).join(" · ")}`);
  }
  lines.push(
    "",
    "<sub>Written by firebreak's companion Action; it updates this comment when the post-mortem is regenerated (comment `/postmortem`).</sub>",
    followUpsRecord(input.followUps),
  );
  return lines.join("\n");
}

export function keptCommentBody(input: {
  commits: ReadonlyArray<{ oid: string; author: string | null }>;
  document: string;
  limit: number;
}): string {
  const who = input.commits
    .slice(0, 5)
    .map((c) => `\`${c.oid.slice(0, 7)}\`${c.author ? ` by ${inlineText(c.author, 60)}` : ""}`)
    .join(", ");
  const more = input.commits.length > 5 ? ` and ${input.commits.length - 5} more` : "";
  const head = [
    KEPT_COMMENT_MARKER,
    input.commits.length > 0
      ? `⚠️ This branch has commits by people (${who}${more}), so firebreak did not overwrite the post-mortem with a new draft.`
      : "⚠️ Someone pushed to this branch while firebreak was updating it, so firebreak did not overwrite the post-mortem with a new draft.",
    "",
    "The incident's records may have changed since. The draft firebreak would write now is below: copy what you need into the document.",
    "",
    "<details><summary>The regenerated draft</summary>",
    "",
    "````markdown",
  ].join("\n");
  const tail = "\n````\n\n</details>";
  const room = input.limit - head.length - tail.length - 40;
  const document =
    input.document.length > room
      ? `${input.document.slice(0, Math.max(0, room))}\n… (cut to fit a comment)`
      : input.document;
  return `${head}\n${document.replace(/^````/gm, "\\````")}${tail}`;
}

export function mergedCommentBody(input: {
  created: ReadonlyArray<{ key: string; number: number; text: string }>;
  existing: ReadonlyArray<{ key: string; number: number }>;
  failed: ReadonlyArray<{ text: string; message: string }>;
}): string {
  const lines = [MERGED_COMMENT_MARKER];
  if (input.created.length > 0) {
    lines.push("✅ firebreak opened a follow-up issue for each action item added in review:", "");
    for (const f of input.created) lines.push(`- #${f.number} ${inlineText(f.text, 120)}`);
  } else {
    lines.push("Every action item in the merged post-mortem already has an issue.");
  }
  if (input.failed.length > 0) {
    lines.push("", "Not opened:");
    for (const f of input.failed) lines.push(`- ${inlineText(f.text, 120)}: ${inlineText(f.message, 200)}`);
  }
  lines.push("", followUpsRecord([...input.existing, ...input.created]));
  return lines.join("\n");
}
