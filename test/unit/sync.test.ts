import { describe, expect, it } from "vitest";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import { CHECKLIST_RESPOND_MARKER, escalationMarker, planSync, type SyncInput } from "../../src/core/sync.js";
import { TRACKER_MARKER } from "../../src/core/tracker.js";

const NOW = new Date("2026-11-22T14:10:00Z");
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
const own = (id: number, body: string): TimelineItem => ({
  type: "comment",
  id,
  author: "firebreak",
  byApp: true,
  createdAt: at(2),
  body,
});

function input(overrides: Partial<SyncInput>): SyncInput {
  return {
    labels: [],
    formSeverity: null,
    severityLabelAdded: false,
    timeline: [],
    names,
    assignOnDeclare: (severity) => (severity === "sev1" ? ["oncall-lead"] : []),
    appLogin: "firebreak",
    reporter: "alice",
    now: NOW,
    ...overrides,
  };
}

describe("planSync", () => {
  it("declares: adds the status label, assigns as configured, creates tracker and checklist", () => {
    const plan = planSync(
      input({ labels: ["incident/sev1"], severityLabelAdded: true, timeline: [labeled("incident/sev1", 1)] }),
    );
    expect(plan).toMatchObject({
      severity: "sev1",
      status: "investigating",
      addLabels: ["incident/investigating"],
      removeLabels: [],
      assign: ["oncall-lead"],
      trackerId: null,
      postChecklist: true,
      escalation: null,
      declaredAt: at(1),
      noLongerIncident: false,
    });
    // The status label firebreak is about to add already shows in the history it renders.
    expect(plan?.history.entries.map((e) => e.kind)).toEqual(["declared", "status"]);
  });

  it("declares from the incident form: both labels, declared now", () => {
    const plan = planSync(input({ formSeverity: "sev2" }));
    expect(plan?.addLabels).toEqual(["incident/sev2", "incident/investigating"]);
    expect(plan?.declaredAt).toEqual(NOW);
  });

  it("is nothing to do for an issue that is not and never was an incident", () => {
    expect(planSync(input({ labels: ["bug"] }))).toBeNull();
  });

  it("finds its own tracker and checklist and does not create them again; other people's markers do not count", () => {
    const spoof: TimelineItem = {
      type: "comment",
      id: 5,
      author: "mallory",
      byApp: false,
      createdAt: at(1),
      body: TRACKER_MARKER,
    };
    const plan = planSync(
      input({
        labels: ["incident/sev2", "incident/investigating"],
        timeline: [
          labeled("incident/sev2", 1),
          spoof,
          own(9, `${TRACKER_MARKER}\n…`),
          own(10, CHECKLIST_RESPOND_MARKER),
        ],
      }),
    );
    expect(plan).toMatchObject({ trackerId: 9, postChecklist: false, addLabels: [], assign: [] });
  });

  it("keeps the most severe of two severity labels, removes the other and says why", () => {
    const plan = planSync(
      input({
        labels: ["incident/sev3", "incident/sev1", "incident/investigating"],
        severityLabelAdded: true,
        timeline: [
          labeled("incident/sev3", 1),
          labeled("incident/investigating", 1),
          own(9, TRACKER_MARKER),
          labeled("incident/sev1", 5),
        ],
      }),
    );
    expect(plan?.severity).toBe("sev1");
    expect(plan?.removeLabels).toEqual(["incident/sev3"]);
    expect(plan?.notices).toEqual([
      "An incident has one severity: next to `incident/sev1`, firebreak removed `incident/sev3` and kept the most severe, SEV1. To lower the severity, remove `incident/sev1` first, then add the lower one.",
    ]);
    expect(plan?.escalation).toEqual({
      severity: "sev1",
      marker: escalationMarker(`sev1:${at(5).toISOString()}`),
    });
  });

  it("keeps explaining the correction on later renders, until the severity changes again", () => {
    const corrected = [
      labeled("incident/sev3", 1),
      own(9, TRACKER_MARKER),
      labeled("incident/sev1", 5),
      labeled("incident/sev4", 5),
      unlabeled("incident/sev3", 6, "firebreak"),
      unlabeled("incident/sev4", 6, "firebreak"),
    ];
    const labels = ["incident/sev1", "incident/investigating"];
    expect(planSync(input({ labels, timeline: corrected }))?.notices[0]).toContain(
      "firebreak removed `incident/sev3`, `incident/sev4` and kept the most severe, SEV1",
    );
    const later = [...corrected, unlabeled("incident/sev1", 8), labeled("incident/sev2", 9)];
    expect(
      planSync(input({ labels: ["incident/sev2", "incident/investigating"], timeline: later }))?.notices,
    ).toEqual([]);
  });

  it("credits a form declaration to the reporter, not to firebreak", () => {
    const plan = planSync(input({ formSeverity: "sev3" }));
    expect(plan?.history.entries[0]?.text).toBe("Declared SEV3 by @&#8203;alice with the incident form");
  });

  it("announces an escalation once: a redelivery finds the notice already posted", () => {
    const timeline = [labeled("incident/sev3", 1), own(9, TRACKER_MARKER), labeled("incident/sev1", 5)];
    const marker = escalationMarker(`sev1:${at(5).toISOString()}`);
    const base = { labels: ["incident/sev1", "incident/investigating"], severityLabelAdded: true };
    expect(planSync(input({ ...base, timeline }))?.escalation?.marker).toBe(marker);
    expect(planSync(input({ ...base, timeline: [...timeline, own(11, marker)] }))?.escalation).toBeNull();
  });

  it("does not announce lowering the severity", () => {
    const plan = planSync(
      input({
        labels: ["incident/sev3", "incident/investigating"],
        severityLabelAdded: true,
        timeline: [
          labeled("incident/sev1", 1),
          own(9, TRACKER_MARKER),
          unlabeled("incident/sev1", 4),
          labeled("incident/sev3", 5),
        ],
      }),
    );
    expect(plan?.severity).toBe("sev3");
    expect(plan?.escalation).toBeNull();
  });

  it("marks an incident whose severity label is gone as no longer one, keeping its last severity", () => {
    const plan = planSync(
      input({
        labels: ["incident/investigating"],
        timeline: [labeled("incident/sev2", 1), own(9, TRACKER_MARKER), unlabeled("incident/sev2", 6)],
      }),
    );
    expect(plan).toMatchObject({
      noLongerIncident: true,
      severity: "sev2",
      trackerId: 9,
      addLabels: [],
      removeLabels: [],
      postChecklist: false,
    });
  });
});
