import { describe, expect, it } from "vitest";
import {
  ABANDONED_MS,
  advanceCheckpoint,
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  type ReplayCheckpoint,
  SETTLE_MS,
  settledUntil,
} from "../../src/core/checkpoint.js";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import { type IncidentHistory, replayTimeline, replyMarker } from "../../src/core/timeline.js";

const T0 = Date.UTC(2026, 10, 22, 14, 0);
const at = (second: number) => new Date(T0 + second * 1000);
const APP = "firebreak";
const options = { appLogin: APP, reporter: "alice" };
const KEY = checkpointKey(names, APP);

let nextId = 1;
const comment = (
  second: number,
  body: string,
  extra: Partial<Extract<TimelineItem, { type: "comment" }>> = {},
): Extract<TimelineItem, { type: "comment" }> => {
  const id = nextId++;
  return {
    type: "comment",
    id,
    nodeId: `IC_${id}`,
    author: "bob",
    byApp: false,
    appReaction: "THUMBS_UP",
    createdAt: at(second),
    body,
    ...extra,
  };
};
const label = (second: number, name: string, actor = APP, type: "labeled" | "unlabeled" = "labeled") =>
  ({ type, label: name, actor, createdAt: at(second) }) as TimelineItem;

/**
 * A busy incident, as GitHub records it: declared, then many rounds of commands, each answered
 * by firebreak (👍, or 😕 with a reply listing what it applied) and followed by the label writes
 * it made; people's notes; a severity change by hand; an assignment.
 */
function busyIncident(rounds: number): TimelineItem[] {
  nextId = 1;
  const items: TimelineItem[] = [
    label(0, "incident/sev3", "alice"),
    label(1, "incident/investigating"),
    comment(2, "<!-- firebreak:tracker -->\ntracker", { byApp: true, author: APP, appReaction: null }),
    comment(3, "<!-- firebreak:checklist:respond -->\n- [ ] assess", {
      byApp: true,
      author: APP,
      appReaction: null,
    }),
  ];
  const statuses = ["identified", "monitoring", "investigating"] as const;
  let status = "investigating";
  for (let r = 0; r < rounds; r++) {
    const s = 10 + r * 60;
    const next = statuses[r % 3] as string;
    items.push(comment(s, `/status ${next} round ${r}\n/note looked at dashboard ${r}`));
    items.push(label(s + 2, `incident/${next}`));
    items.push(label(s + 3, `incident/${status}`, APP, "unlabeled"));
    status = next;
    // A comment with a mistake: 😕, and the reply says which lines were applied.
    const mixed = comment(
      s + 10,
      `/update all hands ${r}\n/status fixed\n/action-item write runbook ${r} @dana`,
      {
        appReaction: "CONFUSED",
        author: "carol",
      },
    );
    items.push(mixed);
    items.push(
      comment(s + 12, `${replyMarker(mixed.id, [1, 3])}\n❌ /status fixed`, {
        byApp: true,
        author: APP,
        appReaction: null,
      }),
    );
    if (r % 7 === 3) items.push(comment(s + 20, `/role ic @erin`, { author: "erin" }));
    if (r % 11 === 5) items.push({ type: "assigned", assignee: "erin", actor: APP, createdAt: at(s + 21) });
    items.push(comment(s + 30, "just talking, no commands", { appReaction: null }));
  }
  const end = 10 + rounds * 60;
  items.push(label(end, "incident/sev1", "bob"));
  items.push(label(end + 1, "incident/sev3", "bob", "unlabeled"));
  items.push(comment(end + 5, "/impact checkout down for 20% of users\n/cause bad deploy"));
  return items;
}

/** The parts of a history a checkpoint must keep exactly (the long lists are checked separately). */
function essentials(h: IncidentHistory) {
  return {
    declaredAt: h.declaredAt,
    severity: h.severity,
    status: h.status,
    roles: h.roles,
    startedAt: h.startedAt,
    impact: h.impact,
    cause: h.cause,
    acknowledgedAt: h.acknowledgedAt,
    identifiedAt: h.identifiedAt,
    mitigatedAt: h.mitigatedAt,
    resolvedAt: h.resolvedAt,
    closedAt: h.closedAt,
    lastChange: h.severityChanges.at(-1),
    lastUpdate: h.updates.at(-1),
    lastEntries: h.entries.slice(-15),
    entryCount: h.entries.length + h.omitted.entries,
    actionItemCount: h.actionItems.length + h.omitted.actionItems,
    firstActionItems: h.actionItems.slice(0, 10),
    updateCount: h.updates.length + h.omitted.updates,
  };
}

/** What an operation sees: the checkpoint the tracker carried (through its encoding), and the records since it. */
function resume(items: TimelineItem[], checkpoint: ReplayCheckpoint) {
  const decoded = decodeCheckpoint(
    `<!-- firebreak:tracker -->\n…\n\n${encodeCheckpoint(checkpoint, KEY)}`,
    KEY,
  );
  if (!decoded) throw new Error("the checkpoint did not survive its encoding");
  const since = items.filter((item) => item.createdAt.getTime() >= decoded.until.getTime());
  return { decoded, since };
}

describe("a replay checkpoint", () => {
  it("gives the same history from the checkpoint and the records since as from all of them", () => {
    const items = busyIncident(200);
    expect(items.length).toBeGreaterThan(1000);
    const whole = replayTimeline(items, names, options);

    // Checkpoints made along the way, as operations on the incident would make them.
    let checkpoint: ReplayCheckpoint | null = null;
    for (const upTo of [100, 400, 700, items.length - 40, items.length]) {
      const seen = items.slice(0, upTo);
      const input = checkpoint ? resume(seen, checkpoint).since : seen;
      checkpoint = advanceCheckpoint(input, names, options, checkpoint);
    }
    if (!checkpoint) throw new Error("no checkpoint was made");
    const { decoded, since } = resume(items, checkpoint);
    expect(since.length).toBeLessThan(20);
    const resumed = replayTimeline(since, names, options, decoded.state);
    expect(essentials(resumed)).toEqual(essentials(whole));
    expect(resumed.impact).toBe("checkout down for 20% of users");
    expect(resumed.severity).toBe("sev1");
    // The long lists are folded: the entries kept are the newest, the rest counted.
    expect(resumed.entries.length).toBeLessThan(50);
    expect(resumed.omitted.entries).toBe(whole.entries.length - resumed.entries.length);
  });

  it("stays small however long the incident: a few kilobytes in the tracker", () => {
    const items = busyIncident(2000);
    const checkpoint = advanceCheckpoint(items, names, options, null);
    if (!checkpoint) throw new Error("no checkpoint was made");
    const encoded = encodeCheckpoint(checkpoint, KEY);
    expect(encoded.length).toBeLessThan(16_000);
  });

  it("freezes a command as it was answered: editing the comment later changes nothing", () => {
    const items = busyIncident(10);
    const checkpoint = advanceCheckpoint(items, names, options, null);
    if (!checkpoint) throw new Error("no checkpoint was made");
    const { decoded } = resume(items, checkpoint);
    // Someone edits an answered command into `/role scribe @mallory`.
    const edited = items.map((item) =>
      item.type === "comment" && item.body.startsWith("/status identified round 0")
        ? { ...item, body: "/role scribe @mallory" }
        : item,
    );
    const since = edited.filter((item) => item.createdAt.getTime() >= decoded.until.getTime());
    const resumed = replayTimeline(since, names, options, decoded.state);
    expect(resumed.roles.scribe).toBeNull();
    // Without the checkpoint, the edit would rewrite the record: that is what it protects.
    expect(replayTimeline(edited, names, options).roles.scribe).toBe("mallory");
  });

  it("keeps firebreak's checklist and escalation markers, so none is posted twice", () => {
    const items = [
      ...busyIncident(3),
      comment(400, "<!-- firebreak:checklist:verify -->\n- [ ] check", {
        byApp: true,
        author: APP,
        appReaction: null,
      }),
      comment(401, "<!-- firebreak:escalation:sev1:2026-11-22T14:06:00.000Z -->\nescalated", {
        byApp: true,
        author: APP,
        appReaction: null,
      }),
      label(1000, "incident/identified", "bob"),
    ];
    const checkpoint = advanceCheckpoint(items, names, options, null);
    expect(checkpoint?.markers).toEqual([
      "<!-- firebreak:checklist:respond -->",
      "<!-- firebreak:checklist:verify -->",
      "<!-- firebreak:escalation:sev1:2026-11-22T14:06:00.000Z -->",
    ]);
  });

  it("never moves back", () => {
    const items = busyIncident(5);
    const later = advanceCheckpoint(items, names, options, null);
    if (!later) throw new Error("no checkpoint was made");
    expect(advanceCheckpoint(items.slice(0, 10), names, options, later)).toBe(later);
  });
});

describe("settledUntil: the records a checkpoint may cover", () => {
  const quiet = (second: number) => label(second, "bug", "alice");

  it("stops two minutes before the newest record", () => {
    expect(settledUntil([quiet(0), quiet(1000)])).toEqual(new Date(at(1000).getTime() - SETTLE_MS));
    expect(settledUntil([])).toBeNull();
  });

  it("stops at a command firebreak has not answered yet: another replica may be answering it", () => {
    const pending = comment(100, "/status identified", { appReaction: null });
    expect(settledUntil([quiet(0), pending, quiet(1000)])).toEqual(at(100));
  });

  it("passes comments firebreak never answers: plain talk, other bots, firebreak's own, and commands abandoned an hour ago", () => {
    const items = [
      quiet(0),
      comment(100, "no commands here", { appReaction: null }),
      comment(101, "/status identified", { appReaction: null, byBot: true, author: "ci-bot" }),
      comment(102, "<!-- firebreak:reply:1 applied: -->\n/status is not…", {
        byApp: true,
        appReaction: null,
      }),
      comment(103, "/status identified", { appReaction: null }),
      quiet(103 + ABANDONED_MS / 1000 + 1),
    ];
    expect(settledUntil(items)).toEqual(new Date(at(103 + ABANDONED_MS / 1000 + 1).getTime() - SETTLE_MS));
  });

  it("stops at an open rollback pull request: its merge is still to come", () => {
    const rollback = (open: boolean, branch: string): TimelineItem => ({
      type: "cross-referenced",
      actor: APP,
      createdAt: at(200),
      source: {
        kind: "pull_request",
        number: 9,
        title: "Revert",
        url: "u",
        branch,
        mergedAt: null,
        open,
      },
    });
    expect(settledUntil([quiet(0), rollback(true, "incident-42/revert-abc1234"), quiet(1000)])).toEqual(
      at(200),
    );
    expect(settledUntil([quiet(0), rollback(false, "incident-42/revert-abc1234"), quiet(1000)])).toEqual(
      new Date(at(1000).getTime() - SETTLE_MS),
    );
    expect(settledUntil([quiet(0), rollback(true, "feature/x"), quiet(1000)])).toEqual(
      new Date(at(1000).getTime() - SETTLE_MS),
    );
  });
});

describe("decodeCheckpoint", () => {
  const checkpoint = advanceCheckpoint(busyIncident(4), names, options, null) as ReplayCheckpoint;
  const body = `<!-- firebreak:tracker -->\n## tracker\n\n${encodeCheckpoint(checkpoint, KEY)}`;

  it("reads back what was written", () => {
    const decoded = decodeCheckpoint(body, KEY);
    expect(decoded?.until).toEqual(checkpoint.until);
    expect(decoded?.state.h).toEqual(checkpoint.state.h);
    expect(decoded?.state.labels).toEqual(checkpoint.state.labels);
  });

  it("refuses one made for other labels or another app, or damaged: the whole record is read instead", () => {
    expect(decodeCheckpoint(body, checkpointKey(names, "other-app"))).toBeNull();
    expect(decodeCheckpoint(body.replace(/replay (\S{20})/, "replay AAAA$1"), KEY)).toBeNull();
    const wrongType = Buffer.from(JSON.stringify({ v: 1, key: KEY, until: "yesterday" })).toString("base64");
    expect(decodeCheckpoint(`<!-- firebreak:replay ${wrongType} -->`, KEY)).toBeNull();
    expect(decodeCheckpoint("<!-- firebreak:tracker -->\nno checkpoint", KEY)).toBeNull();
  });
});
