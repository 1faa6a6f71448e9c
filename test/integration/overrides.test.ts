import { describe, expect, it } from "vitest";
import { contextReply, labeledNode, labelId } from "../helpers/graphql.js";
import { deliver, graphqlQuery, recordRequests, requestLine, useFixedClock } from "../helpers/harness.js";
import {
  CHECKLIST_MARKER,
  checkoutCommits,
  configFile,
  TRACKER_ID,
  TRACKER_MARKER,
} from "../helpers/incident.js";
import { githubApi, testProbot } from "../helpers/probot.js";
import { answerWrites, postedComments, writesSent } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

/** Declares SEV2 on a repository with these files in `.github/firebreak/`; returns tracker and checklist. */
async function declareWithOverrides(overrides: Record<string, string>) {
  const scope = configFile(githubApi(), null)
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(
      contextReply({
        timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
        commits: checkoutCommits(),
        overrides,
      }),
    )
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  const sent = recordRequests(scope);
  await deliver(testProbot(), "labeled", { labels: ["incident/sev2"], label: "incident/sev2" });
  const [tracker = "", checklist = ""] = postedComments(sent);
  // Whatever the templates, the writes are the declaration's: the status label, the tracker, the checklist.
  expect(writesSent(sent)).toEqual([
    [{ op: "addLabelsToLabelable", labelIds: [labelId("incident/investigating")] }],
    [
      { op: "addComment", body: tracker },
      { op: "addComment", body: checklist },
    ],
  ]);
  return { scope, sent, tracker, checklist };
}

/** The tracker's warning lines, without the quote markers. */
function warnings(tracker: string): string[] {
  return tracker
    .split("\n")
    .filter((line) => line.startsWith("> - "))
    .map((line) => line.slice(4));
}

const BUILT_IN_HEADING = "## 🔥 SEV2 High incident · investigating";

describe("template overrides in .github/firebreak/", () => {
  it("renders the tracker with the repository's template", async () => {
    const { scope, sent, tracker, checklist } = await declareWithOverrides({
      "tracker.md.hbs": "{{marker}}\nCUSTOM {{severity.tag}} {{status}}, by {{respond.by}}\n",
    });

    expect(
      sent.find((r) => requestLine(r) === "POST /graphql IncidentContext")?.body.variables.overrides,
    ).toBe("main:.github/firebreak");
    expect(tracker).toBe(`${TRACKER_MARKER}\nCUSTOM SEV2 investigating, by 2026-11-22 14:31 UTC\n`);
    // Templates that are not overridden stay built-in.
    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(checklist).toContain("First response checklist · SEV2 High");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("falls back to the built-in tracker when the override does not compile, naming file and line", async () => {
    const { scope, tracker } = await declareWithOverrides({
      "tracker.md.hbs": "{{marker}}\n## {{severity.tag}}\n{{#if notify}}\nPaging {{notify}}\n",
    });

    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain(BUILT_IN_HEADING);
    const problems = warnings(tracker);
    expect(problems).toHaveLength(1);
    // Handlebars notices the missing {{/if}} where the file ends: line 5.
    expect(problems[0]).toMatch(
      /^`\.github\/firebreak\/tracker\.md\.hbs` line 5: the template does not compile/,
    );
    expect(problems[0]).toContain("the built-in tracker template was used instead");
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("falls back to the built-in tracker when the override uses a field firebreak does not provide", async () => {
    const { scope, tracker } = await declareWithOverrides({
      "tracker.md.hbs": "{{marker}}\nOwner: {{nosuchfield}}\n",
    });

    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toContain(BUILT_IN_HEADING);
    expect(tracker).not.toContain("Owner:");
    expect(warnings(tracker)).toEqual([
      "`.github/firebreak/tracker.md.hbs` line 2: `nosuchfield` is not a field or helper firebreak provides; " +
        "the built-in tracker template was used instead",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reports a broken checklist override in the tracker and posts the built-in checklist", async () => {
    const { scope, tracker, checklist } = await declareWithOverrides({
      "checklist-respond.md.hbs": "{{marker}}\n- [ ] Call {{oncall_phone}}\n",
    });

    expect(checklist.startsWith(CHECKLIST_MARKER)).toBe(true);
    expect(checklist).toContain("First response checklist · SEV2 High");
    expect(warnings(tracker)).toEqual([
      "`.github/firebreak/checklist-respond.md.hbs` line 2: `oncall_phone` is not a field or helper firebreak provides; " +
        "the built-in checklist-respond template was used instead",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("cuts an override's output visibly at GitHub's comment size limit instead of failing to post", async () => {
    const { scope, tracker } = await declareWithOverrides({
      "tracker.md.hbs": `{{marker}}\n${"Runbook line.\n".repeat(6000)}`,
    });

    expect(tracker.startsWith(TRACKER_MARKER)).toBe(true);
    expect(tracker).toHaveLength(65_536);
    expect(tracker.endsWith("… (cut to fit GitHub's comment size limit)")).toBe(true);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
