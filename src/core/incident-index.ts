// The incidents index the Action keeps next to the post-mortems (`docs/postmortems/README.md`): a
// table of every incident and mermaid charts, computed from the post-mortems' front matter so that
// corrections reviewers make there show in the index. Pure: the files' text in, the view out. A file
// whose front matter cannot be read is listed as skipped, never fatal.
import yaml from "js-yaml";
import { formatDuration } from "./duration.js";
import { severityTag } from "./labels.js";
import { inlineText } from "./markdown.js";
import { SEVERITY_KEYS, type SeverityKey } from "./model.js";
import { formatUtcDate } from "./time.js";

export const INCIDENT_INDEX_MARKER = "<!-- firebreak:incident-index -->";
export const INCIDENT_INDEX_FILE = "README.md";
/** The charts show at most this many months, ending with the latest incident's. */
export const CHART_MONTHS = 24;

/** One post-mortem, as its front matter describes the incident. */
export interface IndexEntry {
  file: string;
  incident: number | null;
  title: string;
  severity: SeverityKey;
  started: Date | null;
  declared: Date;
  acknowledged: Date | null;
  resolved: Date | null;
  /** `durations_minutes`, used when the times they derive from are missing. */
  minutes: { acknowledge: number | null; resolve: number | null };
  issue: string | null;
}

export type FrontMatterRead = { ok: true; entry: IndexEntry } | { ok: false; problem: string };

/** The incident a post-mortem describes, from its front matter (the block between the first two `---` lines). */
export function readFrontMatter(file: string, text: string): FrontMatterRead {
  const block = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!block) return { ok: false, problem: "no front matter (a block between `---` lines at the top)" };
  let data: unknown;
  try {
    data = yaml.load(block[1] ?? "");
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    const line = error instanceof yaml.YAMLException ? ` on line ${error.mark.line + 2}` : "";
    return { ok: false, problem: `the front matter is not valid YAML${line} (${reason})` };
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    return { ok: false, problem: "the front matter is not a mapping of fields" };
  const fields = data as Record<string, unknown>;

  const severity = severityOf(fields.severity);
  if (!severity) {
    return {
      ok: false,
      problem: `\`severity\`: ${shown(fields.severity)} is not a severity; use one of ${SEVERITY_KEYS.map(severityTag).join(", ")}`,
    };
  }
  const times: Record<string, Date | null> = {};
  for (const name of ["declared", "started", "acknowledged", "resolved"]) {
    const value = fields[name];
    const date = dateOf(value);
    if (date === undefined) {
      return {
        ok: false,
        problem: `\`${name}\`: ${shown(value)} is not a time; use the form 2026-11-22T14:02:05Z`,
      };
    }
    times[name] = date;
  }
  const declared = times.declared;
  if (!declared) return { ok: false, problem: "`declared` is missing; use the form 2026-11-22T14:02:05Z" };
  const durations = (fields.durations_minutes ?? {}) as Record<string, unknown>;
  const minutes = (value: unknown) => (typeof value === "number" && value >= 0 ? value : null);
  const title = typeof fields.title === "string" && fields.title.trim() ? fields.title : titleFromFile(file);
  return {
    ok: true,
    entry: {
      file,
      incident:
        typeof fields.incident === "number" && Number.isInteger(fields.incident) ? fields.incident : null,
      title,
      severity,
      started: times.started ?? null,
      declared,
      acknowledged: times.acknowledged ?? null,
      resolved: times.resolved ?? null,
      minutes: {
        acknowledge: typeof durations === "object" ? minutes(durations?.acknowledge) : null,
        resolve: typeof durations === "object" ? minutes(durations?.resolve) : null,
      },
      issue: typeof fields.issue === "string" && /^https?:\/\/\S+$/.test(fields.issue) ? fields.issue : null,
    },
  };
}

function severityOf(value: unknown): SeverityKey | null {
  const text =
    typeof value === "string"
      ? value
          .trim()
          .toLowerCase()
          .replace(/[\s_-]/g, "")
      : "";
  return (SEVERITY_KEYS as readonly string[]).includes(text) ? (text as SeverityKey) : null;
}

/** A Date (YAML reads unquoted timestamps as dates), null for null, undefined when it is not a time. */
function dateOf(value: unknown): Date | null | undefined {
  if (value === null || value === undefined) return null;
  const date =
    value instanceof Date ? value : typeof value === "string" && value.trim() ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function shown(value: unknown): string {
  if (value === undefined) return "a missing value";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return value === null ? "an empty value" : typeof value === "object" ? "a mapping or list" : String(value);
}

/** `2026-11-22-checkout-returns-500.md` → `checkout returns 500`. */
function titleFromFile(file: string): string {
  return file
    .replace(/\.md$/i, "")
    .replace(/^\d{4}-\d{2}-\d{2}-/, "")
    .replace(/-/g, " ");
}

// ---------------------------------------------------------------------------------------------
// The view, for templates/incident-index.md.hbs

export interface IncidentIndexView {
  marker: string;
  summary: string;
  rows: Array<{
    date: string;
    severity: string;
    incident: string;
    duration: string;
    acknowledge: string;
    resolve: string;
    postmortem: string;
  }>;
  charts: { perMonth: string; legend: string; resolve: string | null; resolveUnit: string };
  skipped: Array<{ file: string; problem: string }>;
}

/** Text from a file, made fit for a table cell in another file: one line, no HTML, plain @logins. */
function cell(text: string, max = 200): string {
  return inlineText(text, max).replaceAll("@&#8203;", "@").replace(/\|/g, "\\|");
}

const NOT_RECORDED = "—";

/** The index of `files` (name and text; text null when it could not be read), newest incident first. */
export function buildIncidentIndexView(
  files: ReadonlyArray<{ name: string; text: string | null }>,
): IncidentIndexView {
  const entries: IndexEntry[] = [];
  const skipped: IncidentIndexView["skipped"] = [];
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const read =
      file.text === null
        ? ({ ok: false, problem: "could not be read (too large, or not text)" } as const)
        : readFrontMatter(file.name, file.text);
    if (read.ok) entries.push(read.entry);
    else skipped.push({ file: file.name.replace(/`/g, "'"), problem: read.problem });
  }
  entries.sort(
    (a, b) =>
      b.declared.getTime() - a.declared.getTime() ||
      (b.incident ?? 0) - (a.incident ?? 0) ||
      a.file.localeCompare(b.file),
  );
  return {
    marker: INCIDENT_INDEX_MARKER,
    summary: summaryOf(entries),
    rows: entries.map((entry) => {
      // Inside a link's text, brackets would end it.
      const title = cell(entry.title).replace(/([[\]])/g, "\\$1");
      return {
        date: formatUtcDate(entry.declared),
        severity: severityTag(entry.severity),
        incident: entry.issue
          ? `[${entry.incident !== null ? `#${entry.incident} ` : ""}${title}](${entry.issue})`
          : title,
        duration: shownSpan(durationMs(entry)),
        acknowledge: shownSpan(acknowledgeMs(entry)),
        resolve: shownSpan(resolveMs(entry)),
        postmortem: `[${cell(entry.file.replace(/[[\]]/g, ""), 120)}](${encodeURI(entry.file).replace(/\(/g, "%28").replace(/\)/g, "%29")})`,
      };
    }),
    charts: charts(entries),
    skipped,
  };
}

function span(from: Date | null, to: Date | null): number | null {
  return from && to ? Math.max(0, to.getTime() - from.getTime()) : null;
}

/** From when it started (or was declared) to its resolution. */
function durationMs(entry: IndexEntry): number | null {
  return span(entry.started ?? entry.declared, entry.resolved);
}

function acknowledgeMs(entry: IndexEntry): number | null {
  return (
    span(entry.declared, entry.acknowledged) ??
    (entry.minutes.acknowledge === null ? null : entry.minutes.acknowledge * 60_000)
  );
}

function resolveMs(entry: IndexEntry): number | null {
  return (
    span(entry.declared, entry.resolved) ??
    (entry.minutes.resolve === null ? null : entry.minutes.resolve * 60_000)
  );
}

function shownSpan(ms: number | null): string {
  return ms === null ? NOT_RECORDED : formatDuration(ms);
}

function summaryOf(entries: IndexEntry[]): string {
  if (entries.length === 0) return "No incidents yet.";
  const counts = SEVERITY_KEYS.flatMap((key) => {
    const n = entries.filter((e) => e.severity === key).length;
    return n > 0 ? [`${n} ${severityTag(key)}`] : [];
  });
  const first = formatUtcDate(entries.at(-1)?.declared as Date);
  const last = formatUtcDate(entries[0]?.declared as Date);
  const one = entries.length === 1;
  return `${entries.length} ${one ? "incident" : "incidents"}${one ? ` on ${first}` : ` from ${first} to ${last}`} (${counts.join(", ")}).`;
}

// ---------------------------------------------------------------------------------------------
// Charts: mermaid's xychart, which GitHub renders. It has no stacked bars, so the severities are
// drawn as overlapping cumulative bars (all, then SEV1–3, SEV1–2, SEV1), which reads as a stack.

const SEVERITY_COLOURS: Record<SeverityKey, { hex: string; swatch: string }> = {
  sev1: { hex: "#b60205", swatch: "🟥" },
  sev2: { hex: "#d93f0b", swatch: "🟧" },
  sev3: { hex: "#fbca04", swatch: "🟨" },
  sev4: { hex: "#c5def5", swatch: "🟦" },
};

const monthOf = (date: Date) => date.toISOString().slice(0, 7);

/** Every month from the first to the last, at most CHART_MONTHS ending with the last. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = last.split("-").map(Number) as [number, number];
  while (months.length < CHART_MONTHS) {
    const label = `${year}-${String(month).padStart(2, "0")}`;
    months.unshift(label);
    if (label <= first) break;
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function charts(entries: IndexEntry[]): IncidentIndexView["charts"] {
  const legend = `Bars stack by severity, the whole bar being the month's total: ${SEVERITY_KEYS.map((key) => `${SEVERITY_COLOURS[key].swatch} ${severityTag(key)}`).join(" · ")}.`;
  if (entries.length === 0) return { perMonth: "", legend, resolve: null, resolveUnit: "hours" };
  const months = monthsBetween(
    monthOf(entries.at(-1)?.declared as Date),
    monthOf(entries[0]?.declared as Date),
  );
  const axis = `  x-axis [${months.map((m) => `"${m}"`).join(", ")}]`;

  // Cumulative counts: the first series counts every severity, the last only SEV1.
  const series = SEVERITY_KEYS.map((_, upTo) => {
    const included = new Set(SEVERITY_KEYS.slice(0, SEVERITY_KEYS.length - upTo));
    return months.map(
      (month) => entries.filter((e) => included.has(e.severity) && monthOf(e.declared) === month).length,
    );
  });
  const top = Math.max(1, ...(series[0] ?? []));
  const palette = [...SEVERITY_KEYS]
    .reverse()
    .map((key) => SEVERITY_COLOURS[key].hex)
    .join(", ");
  const perMonth = [
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    "xychart-beta",
    '  title "Incidents per month"',
    axis,
    `  y-axis "Incidents" 0 --> ${top}`,
    ...series.map((counts) => `  bar [${counts.join(", ")}]`),
  ].join("\n");

  const resolved = months.flatMap((month) => {
    const spans = entries.flatMap((e) => {
      const ms = monthOf(e.declared) === month ? resolveMs(e) : null;
      return ms === null ? [] : [ms];
    });
    return spans.length > 0 ? [{ month, ms: median(spans) }] : [];
  });
  if (resolved.length === 0) return { perMonth, legend, resolve: null, resolveUnit: "hours" };
  const inHours = Math.max(...resolved.map((r) => r.ms)) >= 2 * 3_600_000;
  const unit = inHours ? 3_600_000 : 60_000;
  const values = resolved.map((r) => Math.round((r.ms / unit) * 10) / 10);
  const resolve = [
    "xychart-beta",
    `  title "Median time to resolve (${inHours ? "hours" : "minutes"})"`,
    `  x-axis [${resolved.map((r) => `"${r.month}"`).join(", ")}]`,
    `  y-axis "${inHours ? "Hours" : "Minutes"}" 0 --> ${Math.max(1, Math.ceil(Math.max(...values)))}`,
    `  bar [${values.join(", ")}]`,
    ...(values.length > 1 ? [`  line [${values.join(", ")}]`] : []),
  ].join("\n");
  return { perMonth, legend, resolve, resolveUnit: inHours ? "hours" : "minutes" };
}
