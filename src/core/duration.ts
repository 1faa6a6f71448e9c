// Durations as people write them in config and commands ("30m", "1h30m", "2 hours") and as they read them
// in comments ("1 h 12 min"). Pure: no I/O.

import type { ResponseTarget } from "./model.js";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Unit words, each with its length in ms and its rank (bigger units first: "1h30m", never "30m1h"). */
const UNITS: Record<string, { ms: number; rank: number }> = {};
for (const [ms, rank, words] of [
  [WEEK, 0, ["w", "wk", "wks", "week", "weeks"]],
  [DAY, 1, ["d", "day", "days"]],
  [HOUR, 2, ["h", "hr", "hrs", "hour", "hours"]],
  [MINUTE, 3, ["m", "min", "mins", "minute", "minutes"]],
  [SECOND, 4, ["s", "sec", "secs", "second", "seconds"]],
] as const) {
  for (const word of words) UNITS[word] = { ms, rank };
}

/** One "<number> <unit>" part, optionally followed by a separator (space, comma or "and"). */
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*(?:(?:,|\band\b)\s*)?/y;

/**
 * Milliseconds in a duration such as `30m`, `2h`, `1h30m`, `1h 30m`, `1d`, `45s`, `90 min`, `2 hours`,
 * `1 day` or `1.5h` (case-insensitive, spaces anywhere). `0` alone means zero. Null when the text is not a
 * duration: a bare number other than 0 (`30` could be seconds or minutes), unknown units, negative values,
 * or units out of order or repeated (`30m 1h`).
 */
export function parseDuration(text: string): number | null {
  const source = text.trim().toLowerCase();
  if (/^0+(?:\.0*)?$/.test(source)) return 0;
  if (source === "") return null;
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const match = PART.exec(source);
    if (!match) return null;
    const unit = UNITS[match[2] ?? ""];
    if (!unit || unit.rank <= lastRank) return null;
    lastRank = unit.rank;
    total += Number(match[1]) * unit.ms;
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * A response target: a duration (`30m`, `2 hours`), `immediate` / `immediately` / `now` (a duration of 0),
 * or `next business day` (also `next_business_day`, `next-business-day`). Null when it is none of these.
 */
export function parseResponseTarget(text: string): ResponseTarget | null {
  const words = text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
  if (words === "immediate" || words === "immediately" || words === "now") return { kind: "duration", ms: 0 };
  if (words === "next business day") return { kind: "next_business_day" };
  const ms = parseDuration(text);
  return ms === null ? null : { kind: "duration", ms };
}

/**
 * A duration the way people read it: `0 min`, `45 s` (under a minute), `12 min`, `1 h 12 min`, `3 h`,
 * `2 d 4 h`, `1 d`. At most two adjacent units, rounded down. Negative durations get a leading `-`.
 */
export function formatDuration(ms: number): string {
  if (Number.isNaN(ms)) return "unknown";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === Number.POSITIVE_INFINITY) return "forever";
  if (ms === 0) return "0 min";
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
