// Times as responders read them: always UTC, minute precision.
import type { ResponseTarget } from "./model.js";

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026-11-22 14:32 UTC` */
export function formatUtc(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${formatUtcTime(date)}`;
}

/** `14:32 UTC` */
export function formatUtcTime(date: Date): string {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** `2026-11-22` */
export function formatUtcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The moment a response is due. "Next business day" means the first Monday–Friday after the
 * declaration day, at `businessDayStartMinutes` after midnight UTC.
 */
export function responseDeadline(
  declaredAt: Date,
  target: ResponseTarget,
  businessDayStartMinutes: number,
): Date {
  if (target.kind === "duration") return new Date(declaredAt.getTime() + target.ms);
  const day = new Date(
    Date.UTC(declaredAt.getUTCFullYear(), declaredAt.getUTCMonth(), declaredAt.getUTCDate()),
  );
  do {
    day.setUTCDate(day.getUTCDate() + 1);
  } while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return new Date(day.getTime() + businessDayStartMinutes * 60_000);
}

/**
 * When an incident really began, as a responder writes it in `/started`: ISO 8601
 * (`2026-11-22T14:25Z`, `2026-11-22 14:25`), a time of day in UTC meaning the day it was written
 * (`14:25`, `14:25 UTC`; yesterday if that is still ahead), or a span back (`2h ago`, `90 min ago`).
 * Null when it is none of these or lies in the future.
 */
export function parseStartedAt(
  text: string,
  writtenAt: Date,
  parseSpan: (span: string) => number | null,
): Date | null {
  const input = text.trim();
  const ago = /^(.+?)\s+ago$/i.exec(input);
  if (ago?.[1]) {
    const ms = parseSpan(ago[1]);
    return ms === null ? null : new Date(writtenAt.getTime() - ms);
  }
  const clock = /^(\d{1,2}):(\d{2})(?:\s*(?:UTC|Z))?$/i.exec(input);
  if (clock) {
    const hours = Number(clock[1]);
    const minutes = Number(clock[2]);
    if (hours > 23 || minutes > 59) return null;
    const day = Date.UTC(
      writtenAt.getUTCFullYear(),
      writtenAt.getUTCMonth(),
      writtenAt.getUTCDate(),
      hours,
      minutes,
    );
    return new Date(day > writtenAt.getTime() ? day - 86_400_000 : day);
  }
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(
    input,
  );
  if (iso) {
    const zone = !iso[3] || /^(z|utc)$/i.test(iso[3]) ? "Z" : iso[3].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    const date = new Date(`${iso[1]}T${iso[2]}${zone}`);
    if (Number.isNaN(date.getTime()) || date.getTime() > writtenAt.getTime()) return null;
    return date;
  }
  return null;
}
