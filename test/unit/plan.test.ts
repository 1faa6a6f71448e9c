import { describe, expect, it } from "vitest";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import type { PermissionLevel } from "../../src/core/permissions.js";
import {
  CHECKLIST_MARKERS,
  type CommentTrigger,
  escalationMarker,
  type PlanInput,
  planIncident,
} from "../../src/core/plan.js";
import { replyMarker } from "../../src/core/timeline.js";
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
const comment = (
  id: number,
  body: string,
  minute: number,
  o: { author?: string; byApp?: boolean; reaction?: "THUMBS_UP" | "CONFUSED" | null } = {},
): Extract<TimelineItem, { type: "comment" }> => ({
  type: "comment",
  id,
  nodeId: `IC_${id}`,
  author: o.author ?? (o.byApp ? "firebreak" : "bob"),
  byApp: o.byApp ?? false,
  appReaction: o.reaction ?? null,
  createdAt: at(minute),
  body,
});
const own = (id: number, body: string) => comment(id, body, 2, { byApp: true });
const PERMISSIONS = {
  default: "triage",
  status: null,
  severity: null,
  role: null,
  update: null,
  notice: null,
  note: null,
  started: null,
  impact: null,
  cause: null,
  "action-item": null,
  incident: null,
  rollback: "write",
} as const;

/** An incident declared at 14:01 as SEV2, with its tracker and first checklist. */
const declared: TimelineItem[] = [
  labeled("incident/sev2", 1),
  labeled("incident/investigating", 1, "firebreak"),
  own(9, `${TRACKER_MARKER}\nbody`),
  own(10, CHECKLIST_MARKERS.respond),
];
const LABELS = ["incident/sev2", "incident/investigating"];

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    trigger: { kind: "labeled", label: "incident/sev2" },
    labels: LABELS,
    timeline: declared,
    names,
    permissions: PERMISSIONS,
    assignOnDeclare: () => [],
    knownUsers: new Set(["bob", "carol", "alice"]),
    appLogin: "firebreak",
    reporter: "alice",
    now: NOW,
    ...overrides,
  };
}

/** Plans a comment of `body` by bob (triage by default) on the declared incident. */
function commentPlan(
  body: string,
  o: {
    permission?: PermissionLevel | null;
    author?: string;
    labels?: string[];
    timeline?: TimelineItem[];
  } = {},
) {
  const trigger: CommentTrigger = {
    kind: "comment",
    id: 50,
    nodeId: "IC_50",
    author: o.author ?? "bob",
    createdAt: NOW,
    body,
    permission: o.permission === undefined ? "triage" : o.permission,
  };
  const timeline = [...(o.timeline ?? declared), comment(50, body, 10, { author: o.author ?? "bob" })];
  return planIncident(input({ trigger, labels: o.labels ?? LABELS, timeline }));
}

describe("label and issue events", () => {
  it("declares from a label: status label, tracker and the first checklist", () => {
    const plan = planIncident(input({ labels: ["incident/sev2"], timeline: [labeled("incident/sev2", 1)] }));
    expect(plan).toMatchObject({
      severity: "sev2",
      status: "investigating",
      addLabels: ["incident/investigating"],
      removeLabels: [],
      tracker: null,
      checklists: ["respond"],
      reply: null,
      reaction: null,
      declaredAt: at(1),
    });
  });

  it("declares from the form, crediting the reporter", () => {
    const plan = planIncident(
      input({ trigger: { kind: "opened", formSeverity: "sev3" }, labels: [], timeline: [] }),
    );
    expect(plan?.addLabels).toEqual(["incident/sev3", "incident/investigating"]);
    expect(plan?.history.entries[0]?.text).toBe("Declared SEV3 by @&#8203;alice with the incident form");
  });

  it("assigns the configured people on declaration only, and only those GitHub knows", () => {
    const fresh = input({
      labels: ["incident/sev1"],
      timeline: [labeled("incident/sev1", 1)],
      assignOnDeclare: () => ["carol", "ghost"],
    });
    expect(planIncident(fresh)?.assign).toEqual(["carol"]);
    expect(planIncident(input({ assignOnDeclare: () => ["carol"] }))?.assign).toEqual([]);
  });

  it("is nothing to do on an issue that is not and never was an incident", () => {
    expect(planIncident(input({ labels: ["bug"], timeline: [] }))).toBeNull();
  });

  it("swaps the status when a status label is added by hand, even backwards, and posts the phase checklist once", () => {
    const monitoring = planIncident(
      input({
        trigger: { kind: "labeled", label: "incident/monitoring" },
        labels: [...LABELS, "incident/monitoring"],
      }),
    );
    expect(monitoring).toMatchObject({
      status: "monitoring",
      removeLabels: ["incident/investigating"],
      addLabels: [],
      checklists: ["verify"],
    });
    const back = planIncident(
      input({
        trigger: { kind: "labeled", label: "incident/identified" },
        labels: ["incident/sev2", "incident/monitoring", "incident/identified"],
        timeline: [...declared, own(11, CHECKLIST_MARKERS.verify)],
      }),
    );
    expect(back).toMatchObject({
      status: "identified",
      removeLabels: ["incident/monitoring"],
      checklists: [],
    });
  });

  it("does not put back a status label removed by hand", () => {
    const plan = planIncident(
      input({ trigger: { kind: "unlabeled", label: "incident/investigating" }, labels: ["incident/sev2"] }),
    );
    expect(plan?.addLabels).toEqual([]);
  });

  it("resolves on close and returns to investigating on reopen", () => {
    const closed = planIncident(input({ trigger: { kind: "closed" } }));
    expect(closed).toMatchObject({
      status: "resolved",
      addLabels: ["incident/resolved"],
      removeLabels: ["incident/investigating"],
      checklists: ["post-incident"],
    });
    const reopened = planIncident(
      input({ trigger: { kind: "reopened" }, labels: ["incident/sev2", "incident/resolved"] }),
    );
    expect(reopened).toMatchObject({
      status: "investigating",
      addLabels: ["incident/investigating"],
      removeLabels: ["incident/resolved"],
    });
  });

  it("keeps the most severe of two severity labels, explains it, and announces the escalation once", () => {
    const timeline = [...declared, labeled("incident/sev1", 5, "carol")];
    const plan = planIncident(
      input({
        labels: [...LABELS, "incident/sev1"],
        timeline,
        trigger: { kind: "labeled", label: "incident/sev1" },
      }),
    );
    expect(plan?.severity).toBe("sev1");
    expect(plan?.removeLabels).toEqual(["incident/sev2"]);
    expect(plan?.notices[0]).toContain("firebreak removed `incident/sev2` and kept the most severe, SEV1");
    const marker = escalationMarker(`sev1:${at(5).toISOString()}`);
    expect(plan?.escalation).toEqual({ severity: "sev1", marker });
    const again = planIncident(
      input({
        labels: [...LABELS, "incident/sev1"],
        timeline: [...timeline, own(12, marker)],
        trigger: { kind: "labeled", label: "incident/sev1" },
      }),
    );
    expect(again?.escalation).toBeNull();
  });

  it("marks an incident whose severity label is gone as no longer one", () => {
    const plan = planIncident(
      input({
        trigger: { kind: "unlabeled", label: "incident/sev2" },
        labels: ["incident/investigating"],
        timeline: [...declared, unlabeled("incident/sev2", 6)],
      }),
    );
    expect(plan).toMatchObject({
      noLongerIncident: true,
      severity: "sev2",
      addLabels: [],
      removeLabels: [],
      checklists: [],
    });
  });
});

describe("commands", () => {
  it("changes the status silently: labels swapped, 👍, no reply", () => {
    const plan = commentPlan("/status identified found it");
    expect(plan).toMatchObject({
      status: "identified",
      addLabels: ["incident/identified"],
      removeLabels: ["incident/investigating"],
      reaction: "THUMBS_UP",
    });
    expect(plan?.reply?.needed).toBe(false);
    const entry = plan?.history.entries.find((e) => e.kind === "status" && e.text.includes("identified"));
    expect(entry?.text).toBe("Status **identified** by @&#8203;bob: found it");
    expect(plan?.history.identifiedAt).toEqual(NOW);
  });

  it("posts the verification checklist on monitoring and the post-incident checklist on resolved", () => {
    expect(commentPlan("/status monitoring")?.checklists).toEqual(["verify"]);
    const resolved = commentPlan("/status monitoring\n/status resolved");
    expect(resolved?.checklists).toEqual(["post-incident"]);
    expect(resolved?.history.resolvedAt).toEqual(NOW);
  });

  it("refuses an unknown status with the valid ones, changes nothing, 😕", () => {
    const plan = commentPlan("/status fixed");
    expect(plan).toMatchObject({ addLabels: [], removeLabels: [], reaction: "CONFUSED" });
    expect(plan?.reply?.outcomes).toEqual([
      {
        line: 1,
        source: "/status fixed",
        ok: false,
        message:
          "unknown status `fixed`; valid: investigating, identified, monitoring, resolved. Usage: `/status investigating|identified|monitoring|resolved [note]`",
      },
    ]);
    expect(plan?.reply?.marker).toBe(replyMarker(50, []));
  });

  it("refuses someone without the role, naming it; the reporter may still note, update and record impact", () => {
    const refused = commentPlan("/status identified", { permission: "read" });
    expect(refused?.addLabels).toEqual([]);
    expect(refused?.reply?.outcomes[0]?.message).toBe(
      "you need the **triage** role on this repository to run `/status` (you have read); ask a maintainer, or someone with that role, to run it",
    );
    const reporter = commentPlan("/note paging the DBA\n/impact EU only\n/status resolved", {
      permission: "read",
      author: "alice",
    });
    expect(reporter?.reply?.outcomes.map((o) => o.ok)).toEqual([true, true, false]);
    expect(reporter?.reply?.marker).toBe(replyMarker(50, [1, 2]));
    expect(reporter?.history.impact).toBe("EU only");
  });

  it("applies five commands in one plan, in order", () => {
    const plan = commentPlan(
      "/role ic me\n/status identified\n/impact EU checkout\n/cause retry storm\n/action-item add a circuit breaker @carol due:2026-12-01",
    );
    expect(plan).toMatchObject({ assign: ["bob"], status: "identified", reaction: "THUMBS_UP" });
    expect(plan?.history.roles.ic).toBe("bob");
    expect(plan?.history.cause).toBe("retry storm");
    expect(plan?.history.actionItems).toEqual([
      {
        text: "add a circuit breaker",
        owner: "carol",
        due: "2026-12-01",
        by: "bob",
        at: NOW,
        commentId: 50,
        line: 5,
      },
    ]);
    expect(plan?.history.acknowledgedAt).toEqual(NOW);
  });

  it("refuses a role for a person GitHub does not know", () => {
    expect(commentPlan("/role lead @nobody-here")?.reply?.outcomes[0]).toMatchObject({
      ok: false,
      message: "GitHub has no user `nobody-here`; check the spelling",
    });
  });

  it("confirms how it read /started, and uses it for time to detect", () => {
    const plan = commentPlan("/started 13:40");
    expect(plan?.reply?.outcomes[0]).toMatchObject({
      ok: true,
      message: "started at **2026-11-22 13:40 UTC**",
    });
    expect(plan?.history.startedAt).toEqual(new Date("2026-11-22T13:40:00Z"));
    expect(commentPlan("/started next tuesday")?.reply?.outcomes[0]?.ok).toBe(false);
  });

  it("escalates with /severity and announces it", () => {
    const plan = commentPlan("/severity sev1 all regions now");
    expect(plan).toMatchObject({
      severity: "sev1",
      addLabels: ["incident/sev1"],
      removeLabels: ["incident/sev2"],
    });
    expect(plan?.escalation?.severity).toBe("sev1");
    expect(plan?.history.entries.at(-1)?.text).toBe(
      "Escalated from SEV2 to SEV1 by @&#8203;bob: all regions now",
    );
  });

  it("declares with /incident on a plain issue; refuses it on an incident", () => {
    const plan = commentPlan("/incident sev3", { labels: [], timeline: [] });
    expect(plan).toMatchObject({
      severity: "sev3",
      addLabels: ["incident/sev3", "incident/investigating"],
      checklists: ["respond"],
      tracker: null,
    });
    expect(commentPlan("/incident sev3")?.reply?.outcomes[0]?.ok).toBe(false);
  });

  it("answers other commands on a plain issue with how to declare, and writes nothing else", () => {
    const plan = commentPlan("/status identified", { labels: [], timeline: [] });
    expect(plan).toMatchObject({ addLabels: [], tracker: null, checklists: [], reaction: "CONFUSED" });
    expect(plan?.reply?.outcomes[0]?.message).toContain(
      "this issue is not an incident; declare it first with `/incident sev1`",
    );
  });

  it("leaves /postmortem to the Action: a comment with only that is not answered", () => {
    expect(commentPlan("/postmortem")).toBeNull();
  });

  it("counts a marker only at the start of firebreak's comment: an echoed one does not stop a checklist", () => {
    const echoed = own(30, `${replyMarker(29, [])}\n❌ \`/note ${CHECKLIST_MARKERS.verify}\`: …`);
    const plan = commentPlan("/status monitoring", { timeline: [...declared, echoed] });
    expect(plan?.checklists).toEqual(["verify"]);
  });

  it("does not answer a comment twice", () => {
    const answered = [...declared, comment(50, "/status identified", 10, { reaction: "THUMBS_UP" })];
    const trigger: CommentTrigger = {
      kind: "comment",
      id: 50,
      nodeId: "IC_50",
      author: "bob",
      createdAt: NOW,
      body: "/status identified",
      permission: "triage",
    };
    expect(planIncident(input({ trigger, timeline: answered }))).toBeNull();
  });

  it("replays applied commands from reactions and replies, and ignores unanswered or refused lines", () => {
    const timeline = [
      ...declared,
      comment(20, "/note first", 3, { reaction: "THUMBS_UP" }),
      comment(21, "/note second\n/status fixed", 4, { reaction: "CONFUSED" }),
      own(22, replyMarker(21, [1])),
      comment(23, "/note never answered", 5),
    ];
    const plan = planIncident(input({ timeline }));
    expect(plan?.history.entries.filter((e) => e.kind === "note").map((e) => e.text)).toEqual([
      "Note by @&#8203;bob: first",
      "Note by @&#8203;bob: second",
    ]);
  });

  it("says a refused write was not made", () => {
    const trigger: CommentTrigger = {
      kind: "comment",
      id: 50,
      nodeId: "IC_50",
      author: "bob",
      createdAt: NOW,
      body: "/status identified\n/note x",
      permission: "triage",
    };
    const plan = planIncident(
      input({
        trigger,
        timeline: [...declared, comment(50, trigger.body, 10)],
        refused: { labels: "Resource not accessible by integration", assignees: null },
      }),
    );
    expect(plan).toMatchObject({ addLabels: [], removeLabels: [], reaction: "CONFUSED" });
    expect(plan?.reply?.outcomes.map((o) => [o.ok, o.message])).toEqual([
      [false, "GitHub refused the change (Resource not accessible by integration); nothing was changed"],
      [true, null],
    ]);
  });

  it("leaves a valid /rollback pending for the handler, and settles it on the second plan", () => {
    const pending = commentPlan("/rollback 3f2a9c1 bad deploy", { permission: "write" });
    expect(pending?.rollbacks).toEqual([
      { line: 1, target: { kind: "sha", sha: "3f2a9c1" }, reason: "bad deploy" },
    ]);
    const trigger: CommentTrigger = {
      kind: "comment",
      id: 50,
      nodeId: "IC_50",
      author: "bob",
      createdAt: NOW,
      body: "/rollback #12",
      permission: "write",
    };
    const settled = planIncident(
      input({
        trigger,
        timeline: [...declared, comment(50, trigger.body, 10)],
        rollbacks: new Map([[1, { ok: false, message: "already reverted by #20" }]]),
      }),
    );
    expect(settled?.rollbacks).toEqual([]);
    expect(settled?.reply?.outcomes[0]).toMatchObject({ ok: false, message: "already reverted by #20" });
    expect(settled?.reaction).toBe("CONFUSED");
  });

  it("refuses a /rollback that names no change, listing the suspects, and /help lists the caller's permissions", () => {
    const none = planIncident(
      input({
        trigger: {
          kind: "comment",
          id: 50,
          nodeId: "IC_50",
          author: "bob",
          createdAt: NOW,
          body: "/rollback",
          permission: "write",
        },
        timeline: [...declared, comment(50, "/rollback", 10)],
        suspects: ["#12 Retry card payments (touches src/checkout/)"],
      }),
    );
    expect(none?.rollbacks).toEqual([]);
    expect(none?.reply?.outcomes[0]?.message).toBe(
      "name the change to roll back: firebreak never guesses. Usage: `/rollback <commit sha or #PR> [reason]`. The top suspects:\n   1. #12 Retry card payments (touches src/checkout/)",
    );
    expect(commentPlan("/rollback abc1234")?.reply?.outcomes[0]?.message).toContain(
      "you need the **write** role",
    );
    const help = commentPlan("/help", { permission: "read" });
    expect(help).toMatchObject({ reaction: "THUMBS_UP", reply: { help: true, needed: true } });
  });
});
