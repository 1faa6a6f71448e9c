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
