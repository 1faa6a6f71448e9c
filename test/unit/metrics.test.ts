import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/core/duration.js";
import { responseMetrics } from "../../src/core/metrics.js";
import { parseStartedAt } from "../../src/core/time.js";

const t = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00Z`);

describe("response metrics", () => {
  it("measures each span from the moments recorded (hand-computed)", () => {
    const metrics = responseMetrics({
      startedAt: t("13:48"),
      declaredAt: t("14:02"),
      acknowledgedAt: t("14:09"),
      identifiedAt: t("14:47"),
      mitigatedAt: t("15:14"),
      resolvedAt: t("16:30"),
    });
    expect(metrics.map((m) => [m.key, m.ms === null ? null : formatDuration(m.ms)])).toEqual([
      ["detect", "14 min"],
      ["acknowledge", "7 min"],
      ["identify", "45 min"],
      ["mitigate", "1 h 12 min"],
      ["resolve", "2 h 28 min"],
    ]);
  });

  it("leaves unknown spans empty and never goes negative", () => {
    const metrics = responseMetrics({
      startedAt: t("14:30"),
      declaredAt: t("14:02"),
      acknowledgedAt: null,
      identifiedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
    });
    expect(metrics.map((m) => m.ms)).toEqual([0, null, null, null, null]);
  });
});

describe("/started times", () => {
  const written = new Date("2026-11-22T14:10:00Z");
  it.each([
    ["2026-11-22T13:25Z", "2026-11-22T13:25:00.000Z"],
    ["2026-11-22 13:25", "2026-11-22T13:25:00.000Z"],
    ["2026-11-22T15:25+02:00", "2026-11-22T13:25:00.000Z"],
    ["13:25", "2026-11-22T13:25:00.000Z"],
    ["13:25 UTC", "2026-11-22T13:25:00.000Z"],
    ["23:50", "2026-11-21T23:50:00.000Z"], // later today would be in the future: yesterday
    ["2h ago", "2026-11-22T12:10:00.000Z"],
    ["90 min ago", "2026-11-22T12:40:00.000Z"],
    ["1h30m ago", "2026-11-22T12:40:00.000Z"],
  ])("%s → %s", (text, expected) => {
    expect(parseStartedAt(text, written, parseDuration)?.toISOString()).toBe(expected);
  });
  it.each([["yesterday"], ["25:00"], ["2026-11-23T10:00Z"], ["soon ago"], [""], ["13:61"]])(
    "refuses %j",
    (text) => {
      expect(parseStartedAt(text, written, parseDuration)).toBeNull();
    },
  );
});
