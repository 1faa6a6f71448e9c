// Hostile template overrides in `.github/firebreak/`: one that does not compile, names a field or a
// helper firebreak does not provide, renders nothing, or plays with markers never costs a comment.
// The built-in template stands in, and the tracker names the file, the line and the problem.
import { describe, expect, it } from "vitest";
import { useFixedClock } from "../helpers/harness.js";
import { suspectRow } from "../helpers/incident.js";
import {
  COMMAND_NODE,
  comment,
  declareSev2,
  expectDeclared,
  outcomeLines,
  reaction,
  TRACKER_NODE,
  warnings,
} from "./support.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const BUILT_IN_TRACKER = "## 🔥 SEV2 High incident · investigating";
const BUILT_IN_CHECKLIST = "### ✅ First response checklist · SEV2 High";
const usedInstead = (name: string) => `; the built-in ${name} template was used instead`;

interface Case {
  name: string;
  overrides: Record<string, string>;
  /** The tracker's warnings, exactly (a RegExp matches one line). */
  warns: Array<string | RegExp>;
  check?: (tracker: string, checklist: string) => void;
}

const builtIns = (tracker: string, checklist: string) => {
  expect(tracker).toContain(BUILT_IN_TRACKER);
  expect(suspectRow(tracker, 1)).toContain("[#12]");
  expect(checklist).toContain(BUILT_IN_CHECKLIST);
};

const CASES: Case[] = [
  {
    name: "a tracker that does not compile (an unclosed block)",
    overrides: { "tracker.md.hbs": "{{marker}}\n{{#if status}}\nSEV {{severity.tag}}\n" },
    warns: [
      `\`.github/firebreak/tracker.md.hbs\` line 4: the template does not compile (Expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK', got 'EOF')${usedInstead("tracker")}`,
    ],
    check: builtIns,
  },
  {
    name: "a tracker with a stray closing tag",
    overrides: { "tracker.md.hbs": "{{marker}}\n{{/each}}\n" },
    warns: [/^`\.github\/firebreak\/tracker\.md\.hbs` line 2: the template does not compile \(/],
    check: builtIns,
  },
  {
    name: "a tracker naming a field firebreak does not provide",
    overrides: { "tracker.md.hbs": "{{marker}}\nColour: {{colour}}\n" },
    warns: [
      `\`.github/firebreak/tracker.md.hbs\` line 2: \`colour\` is not a field or helper firebreak provides${usedInstead("tracker")}`,
    ],
    check: builtIns,
  },
  {
    name: "a tracker calling a helper that does not exist",
    overrides: { "tracker.md.hbs": "{{marker}}\n{{shout status}}\n" },
    warns: [
      `\`.github/firebreak/tracker.md.hbs\` line 2: \`shout\` is not a field or helper firebreak provides${usedInstead("tracker")}`,
    ],
    check: builtIns,
  },
  {
    name: "a tracker including a partial that does not exist",
    overrides: { "tracker.md.hbs": "{{marker}}\n{{> footer}}\n" },
    warns: [
      `\`.github/firebreak/tracker.md.hbs\`: the template failed (The partial footer could not be found)${usedInstead("tracker")}`,
    ],
    check: builtIns,
  },
  {
    name: "a tracker reaching for the prototype (`constructor.name`)",
    overrides: { "tracker.md.hbs": "{{marker}}\n{{constructor.name}}\n" },
    warns: [
      /^`\.github\/firebreak\/tracker\.md\.hbs` line 2: `name` is not a field or helper firebreak provides/,
    ],
    check: builtIns,
  },
  {
    name: "an empty tracker file (was posted as an empty tracker)",
    overrides: { "tracker.md.hbs": "" },
    warns: [`\`.github/firebreak/tracker.md.hbs\`: renders nothing${usedInstead("tracker")}`],
    check: builtIns,
  },
  {
    name: "a tracker of nothing but the marker and blank lines",
    overrides: { "tracker.md.hbs": "{{marker}}\n\n   \n" },
    warns: [`\`.github/firebreak/tracker.md.hbs\`: renders nothing${usedInstead("tracker")}`],
    check: builtIns,
  },
  {
    name: "a tracker whose only block is over a list that is not there",
    overrides: { "tracker.md.hbs": "{{#each incidents}}- {{this}}\n{{/each}}" },
    warns: [`\`.github/firebreak/tracker.md.hbs\`: renders nothing${usedInstead("tracker")}`],
    check: builtIns,
  },
  {
    name: "a tracker looking up `constructor` (renders nothing, Handlebars refuses the prototype)",
    overrides: { "tracker.md.hbs": "{{lookup this 'constructor'}}" },
    warns: [`\`.github/firebreak/tracker.md.hbs\`: renders nothing${usedInstead("tracker")}`],
    check: builtIns,
  },
  {
    name: "a checklist that does not compile: the built-in checklist is posted",
    overrides: { "checklist-respond.md.hbs": "{{marker}}\n{{#if urgent}}\n- [ ] Page\n" },
    warns: [/^`\.github\/firebreak\/checklist-respond\.md\.hbs` line 4: the template does not compile \(/],
    check: builtIns,
  },
  {
    name: "a checklist naming a field that does not exist",
    overrides: { "checklist-respond.md.hbs": "{{marker}}\n- [ ] Call {{oncall.phone}}\n" },
    warns: [
      `\`.github/firebreak/checklist-respond.md.hbs\` line 2: \`phone\` is not a field or helper firebreak provides${usedInstead("checklist-respond")}`,
    ],
    check: builtIns,
  },
  {
    name: "a tracker and a checklist both broken: two warnings, both built-ins",
    overrides: { "tracker.md.hbs": "{{nope}}", "checklist-respond.md.hbs": "{{#each}}" },
    warns: [
      /^`\.github\/firebreak\/checklist-respond\.md\.hbs` line 1: /,
      /^`\.github\/firebreak\/tracker\.md\.hbs` line 1: `nope` /,
    ],
    check: builtIns,
  },
  {
    name: "a tracker without `{{marker}}`: the marker is put first anyway",
    overrides: { "tracker.md.hbs": "CUSTOM {{severity.tag}} {{status}}\n" },
    warns: [],
    check: (tracker) => expect(tracker).toBe("<!-- firebreak:tracker -->\nCUSTOM SEV2 investigating\n"),
  },
  {
    name: "a tracker printing `{{marker}}` twice, mid-text: once, first",
    overrides: { "tracker.md.hbs": "A {{marker}} B {{marker}}\n" },
    warns: [],
    check: (tracker) => expect(tracker).toBe("<!-- firebreak:tracker -->\nA  B \n"),
  },
  {
    name: "a checklist that prints the tracker's marker stays a checklist",
    overrides: { "checklist-respond.md.hbs": "<!-- firebreak:tracker -->\n- [ ] Fake tracker\n" },
    warns: [],
    check: (tracker, checklist) => {
      expect(tracker).toContain(BUILT_IN_TRACKER);
      expect(checklist).toBe(
        "<!-- firebreak:checklist:respond -->\n<!-- firebreak:tracker -->\n- [ ] Fake tracker\n",
      );
    },
  },
  {
    name: "files that are not templates (`tracker.md.hbs.bak`, `../tracker.md.hbs`) are ignored",
    overrides: { "tracker.md.hbs.bak": "{{broken", "../tracker.md.hbs": "{{broken" },
    warns: [],
    check: builtIns,
  },
];

describe("templates: a broken override never costs a comment", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const run = await declareSev2({ overrides: c.overrides });

    expectDeclared(run);
    const found = warnings(run.tracker);
    expect(found).toHaveLength(c.warns.length);
    for (const warn of c.warns) {
      if (typeof warn === "string") expect(found).toContain(warn);
      else
        expect(
          found.some((line) => warn.test(line)),
          `${warn} among ${JSON.stringify(found)}`,
        ).toBe(true);
    }
    c.check?.(run.tracker, run.checklist);
  });
});

describe("templates: overrides of what a command posts", () => {
  it("a reply override naming a missing field: the built-in reply answers, the tracker says why", async () => {
    const run = await comment("/status fixed", {
      context: { overrides: { "reply.md.hbs": "{{marker}}\n{{#each outcomes}}{{verdict}}{{/each}}\n" } },
    });

    expect(run.error).toBeNull();
    expect(run.writes).toEqual([
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker },
        { op: "addComment", body: run.reply },
        reaction("CONFUSED"),
      ],
    ]);
    expect(warnings(run.tracker ?? "")).toEqual([
      "`.github/firebreak/reply.md.hbs` line 2: `verdict` is not a field or helper firebreak provides; the built-in reply template was used instead",
    ]);
    expect(outcomeLines(run.reply)).toEqual([
      "❌ `/status fixed`: unknown status `fixed`; valid: investigating, identified, monitoring, resolved. Usage: `/status investigating|identified|monitoring|resolved [note]`",
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });

  it("an escalation override that does not compile: built-in notice, and the tracker says why", async () => {
    const run = await comment("/severity sev1 checkout is fully down", {
      context: { overrides: { "escalation.md.hbs": "{{marker}}\n{{#with severity}}\n" } },
    });

    expect(run.error).toBeNull();
    const [escalation] = run.comments;
    expect(run.writes).toEqual([
      [
        { op: "addLabelsToLabelable", labelIds: ["LA_incident/sev1"] },
        { op: "removeLabelsFromLabelable", labelIds: ["LA_incident/sev2"] },
      ],
      [
        { op: "updateIssueComment", id: TRACKER_NODE, body: run.tracker },
        { op: "addComment", body: escalation },
        { op: "addReaction", subjectId: COMMAND_NODE, content: "THUMBS_UP" },
      ],
    ]);
    expect(escalation).toMatch(/^<!-- firebreak:escalation:[^\n]+ -->\n/);
    expect(escalation).toContain("SEV1");
    expect(warnings(run.tracker ?? "")).toEqual([
      expect.stringMatching(
        /^`\.github\/firebreak\/escalation\.md\.hbs` line 3: the template does not compile \(/,
      ),
    ]);
    expect(run.scope.pendingMocks()).toEqual([]);
  });
});
