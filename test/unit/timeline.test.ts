import { describe, expect, it } from "vitest";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import { replayTimeline } from "../../src/core/timeline.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 14, minute));
const labeled = (label: string, minute: number, actor = "alice"): TimelineItem => ({
  type: "labeled",
  label,
  actor,
  createdAt: at(minute),
});
const unlabeled = (label: string, minute: number, actor = "alice"): TimelineItem => ({
  type: "unlabeled",
  label,
  actor,
  createdAt: at(minute),
});

describe("replayTimeline", () => {
  it("dates the declaration from the first severity label and records status changes", () => {
    const history = replayTimeline(
      [labeled("bug", 0), labeled("incident/sev2", 1), labeled("incident/investigating", 2, "firebreak")],
      names,
    );
    expect(history.declaredAt).toEqual(at(1));
    expect(history.severity).toBe("sev2");
    expect(history.status).toBe("investigating");
    expect(history.entries.map((e) => [e.kind, e.text])).toEqual([
      ["declared", "Declared SEV2 by @&#8203;alice"],
      ["status", "Status **investigating** by @&#8203;firebreak"],
    ]);
  });

  it("replays in time order whatever order the records come in", () => {
    const history = replayTimeline([labeled("incident/sev1", 5), labeled("incident/sev3", 1)], names);
    expect(history.declaredAt).toEqual(at(1));
    expect(history.severityChanges).toEqual([{ at: at(5), from: "sev3", to: "sev1" }]);
    expect(history.entries.at(-1)?.text).toBe("Escalated from SEV3 to SEV1 by @&#8203;alice");
  });

  it("takes the most severe of two severity labels and notes the removal of the other", () => {
    const history = replayTimeline(
      [
        labeled("incident/sev3", 1),
        labeled("incident/sev1", 2, "bob"),
        unlabeled("incident/sev3", 3, "firebreak"),
      ],
      names,
    );
    expect(history.severity).toBe("sev1");
    expect(history.entries.map((e) => e.text)).toEqual([
      "Declared SEV3 by @&#8203;alice",
      "Escalated from SEV3 to SEV1 by @&#8203;bob",
      "`incident/sev3` removed by @&#8203;firebreak; SEV1 stands",
    ]);
  });

  it("records lowering the severity and losing the last severity label", () => {
    const history = replayTimeline(
      [
        labeled("incident/sev1", 1),
        unlabeled("incident/sev1", 2),
        labeled("incident/sev3", 3),
        unlabeled("incident/sev3", 4),
      ],
      names,
    );
    // SEV1 off and SEV3 on a minute later is lowering it; then the last severity label goes.
    expect(history.entries.map((e) => e.kind)).toEqual(["declared", "severity", "no-longer-incident"]);
    expect(history.entries[1]?.text).toBe("Lowered from SEV1 to SEV3 by @&#8203;alice");
    expect(history.severityChanges).toEqual([{ at: at(3), from: "sev1", to: "sev3" }]);
    expect(history.declaredAt).toEqual(at(1));
    expect(history.severity).toBeNull();
  });

  it("describes assignment, closing, references and retitling without pinging anyone", () => {
    const items: TimelineItem[] = [
      labeled("incident/sev2", 0),
      { type: "assigned", assignee: "carol", actor: "alice", createdAt: at(1) },
      {
        type: "cross-referenced",
        actor: "dave",
        createdAt: at(2),
        source: {
          kind: "pull_request",
          number: 7,
          title: "Revert @erin's change",
          url: "https://x/pull/7",
          branch: "erin/revert",
          mergedAt: null,
        },
      },
      { type: "renamed", from: "a", to: "Checkout <b>down</b>", actor: "alice", createdAt: at(3) },
      { type: "closed", actor: null, createdAt: at(4) },
      { type: "reopened", actor: "alice", createdAt: at(5) },
    ];
    expect(
      replayTimeline(items, names)
        .entries.map((e) => e.text)
        .slice(1),
    ).toEqual([
      "@&#8203;carol assigned by @&#8203;alice",
      "Referenced from pull request [#7](https://x/pull/7) Revert @&#8203;erin's change by @&#8203;dave",
      "Retitled to “Checkout &lt;b&gt;down&lt;/b&gt;” by @&#8203;alice",
      "Issue closed by someone",
      "Issue reopened by @&#8203;alice",
    ]);
  });

  it("ignores comments and labels that are not firebreak's", () => {
    const history = replayTimeline(
      [
        {
          type: "comment",
          id: 1,
          nodeId: "IC_1",
          author: "a",
          byApp: false,
          appReaction: null,
          createdAt: at(0),
          body: "/status identified",
        },
        labeled("bug", 1),
      ],
      names,
    );
    expect(history).toMatchObject({ declaredAt: null, severity: null, status: null, entries: [] });
  });

  it("knows firebreak's rollback pull requests by their branch, and records when they merge", () => {
    const history = replayTimeline(
      [
        labeled("incident/sev2", 0),
        {
          type: "cross-referenced",
          actor: "firebreak",
          createdAt: at(5),
          source: {
            kind: "pull_request",
            number: 12,
            title: 'Revert "Retry card payments"',
            url: "https://x/pull/12",
            branch: "incident-42/revert-3f2a9c1",
            mergedAt: at(20),
          },
        },
        { type: "labeled", label: "incident/monitoring", actor: "bob", createdAt: at(25) },
      ],
      names,
    );
    expect(history.rollbacks).toEqual([
      {
        number: 12,
        title: 'Revert "Retry card payments"',
        url: "https://x/pull/12",
        openedAt: at(5),
        mergedAt: at(20),
      },
    ]);
    expect(history.entries.map((e) => e.text)).toEqual([
      "Declared SEV2 by @&#8203;alice",
      'Rollback pull request [#12](https://x/pull/12) Revert "Retry card payments" opened by @&#8203;firebreak',
      'Rollback [#12](https://x/pull/12) Revert "Retry card payments" merged',
      "Status **monitoring** by @&#8203;bob",
    ]);
  });

  it("reads a severity label taken off and another put on moments later as one change", () => {
    const swapped = replayTimeline(
      [
        labeled("incident/sev3", 0),
        unlabeled("incident/sev3", 10, "bob"),
        labeled("incident/sev1", 11, "bob"),
      ],
      names,
    );
    expect(swapped.severityChanges).toEqual([{ at: at(11), from: "sev3", to: "sev1" }]);
    expect(swapped.entries.map((e) => e.text)).toEqual([
      "Declared SEV3 by @&#8203;alice",
      "Escalated from SEV3 to SEV1 by @&#8203;bob",
    ]);
    // Much later, it is a new declaration of an incident that had ended.
    const later = replayTimeline(
      [labeled("incident/sev3", 0), unlabeled("incident/sev3", 10), labeled("incident/sev1", 40)],
      names,
    );
    expect(later.severityChanges).toEqual([]);
    expect(later.entries.map((e) => e.kind)).toEqual(["declared", "no-longer-incident", "declared"]);
  });

  it("takes the start from the incident form's answer, unless someone says otherwise with /started", () => {
    const fromForm = replayTimeline([labeled("incident/sev2", 30)], names, { formStarted: "20 minutes ago" });
    expect(fromForm.startedAt).toEqual(at(10));
    expect(fromForm.entries.map((e) => e.text)).toContain(
      "Started at 2026-11-22 14:10 UTC, says the incident form",
    );
    const said: TimelineItem = {
      type: "comment",
      id: 7,
      nodeId: "IC_7",
      author: "bob",
      byApp: false,
      appReaction: "THUMBS_UP",
      createdAt: at(40),
      body: "/started 14:05",
    };
    const overridden = replayTimeline([labeled("incident/sev2", 30), said], names, {
      formStarted: "20 minutes ago",
    });
    expect(overridden.startedAt).toEqual(at(5));
    expect(
      replayTimeline([labeled("incident/sev2", 30)], names, { formStarted: "no idea" }).startedAt,
    ).toBeNull();
  });
});
