import { describe, expect, it } from "vitest";
import { formAnswer, formSeverity, formStartedText } from "../../src/core/form.js";
import {
  DEFAULT_LABEL_NAMES,
  labelSpecs,
  mightBeIncidentLabel,
  severitiesIn,
  statusIn,
} from "../../src/core/labels.js";
import { cellText, inlineText, neutralizeMentions } from "../../src/core/markdown.js";
import { responseDeadline } from "../../src/core/time.js";
import { mightConcernIncident } from "../../src/core/triage.js";

describe("mentions from user text never ping", () => {
  it.each([
    ["@bob look", "@&#8203;bob look"],
    ["cc @acme/oncall", "cc @&#8203;acme/oncall"],
    ["mail bob@example.com", "mail bob@example.com"],
    ["`@bob` in code", "`@bob` in code"],
    ["(@bob)", "(@&#8203;bob)"],
    ["@ alone", "@ alone"],
  ])("%s", (text, expected) => expect(neutralizeMentions(text)).toBe(expected));

  it("inline text is one line, without HTML, and bounded", () => {
    expect(inlineText("a\nb\r\n\tc <!-- firebreak:tracker -->")).toBe(
      "a b c &lt;!-- firebreak:tracker --&gt;",
    );
    expect(inlineText("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
    expect(inlineText("\u0000\u0007bell")).toBe("bell");
    expect(cellText("a | b")).toBe("a \\| b");
  });
});

describe("the incident form", () => {
  const body =
    "### What is broken\n\nCheckout\n\n### Severity\n\nSEV2 · High: a major feature is unavailable\n\n### When it started\n\n_No response_";
  it("reads when it started, without the hedging", () => {
    expect(formStartedText("### When it started\n\nAbout 20 minutes ago")).toBe("20 minutes ago");
    expect(formStartedText("### When it started\n\n~14:25 UTC")).toBe("14:25 UTC");
    expect(formStartedText("### When it started\n\n_No response_")).toBeNull();
    expect(formStartedText(null)).toBeNull();
  });

  it("reads answers and the severity", () => {
    expect(formAnswer(body, "What is broken")).toBe("Checkout");
    expect(formAnswer(body, "When it started")).toBeNull();
    expect(formSeverity(body)).toBe("sev2");
    expect(formSeverity(body.replace("SEV2", "sev 1"))).toBe("sev1");
  });
  it.each([
    [null],
    [""],
    ["SEV2 somewhere in prose"],
    ["### Severity\n\nSEV5"],
    ["### Severity\n\n_No response_"],
    ["### Severity level\n\nSEV1"],
  ])("does not declare from %j", (text) => expect(formSeverity(text)).toBeNull());
});

describe("labels", () => {
  it("recognises firebreak's labels by default name or by the stamp in their description", () => {
    expect(mightBeIncidentLabel({ name: "incident/sev3" })).toBe(true);
    expect(mightBeIncidentLabel({ name: "P1", description: "SEV2 High incident (firebreak)" })).toBe(true);
    expect(mightBeIncidentLabel({ name: "P1", description: "priority one" })).toBe(false);
    expect(mightBeIncidentLabel({ name: "bug", description: null })).toBe(false);
  });
  it("orders severities most severe first and picks the furthest status", () => {
    expect(severitiesIn(["incident/sev4", "x", "incident/sev2"], DEFAULT_LABEL_NAMES)).toEqual([
      "sev2",
      "sev4",
    ]);
    expect(statusIn(["incident/investigating", "incident/monitoring"], DEFAULT_LABEL_NAMES)).toBe(
      "monitoring",
    );
    expect(statusIn([], DEFAULT_LABEL_NAMES)).toBeNull();
  });
  it("creates eight stamped labels within GitHub's 100-character description limit", () => {
    const specs = labelSpecs(DEFAULT_LABEL_NAMES, {
      sev1: "Critical",
      sev2: "High",
      sev3: "Medium",
      sev4: "x".repeat(120),
    });
    expect(specs).toHaveLength(8);
    for (const spec of specs) {
      expect(spec.description.length).toBeLessThanOrEqual(100);
      expect(spec.color).toMatch(/^[0-9a-f]{6}$/);
    }
    expect(specs[0]).toEqual({
      name: "incident/sev1",
      color: "b60205",
      description: "SEV1 Critical incident (firebreak)",
    });
  });
});

describe("triage from the payload alone", () => {
  const issue = (labels: string[], body = "") => ({ body, labels: labels.map((name) => ({ name })) });
  it.each([
    [{ action: "opened", issue: issue(["incident/sev2"]) }, true],
    [{ action: "opened", issue: issue([], "### Severity\n\nSEV1 · Critical") }, true],
    [{ action: "opened", issue: issue(["bug"], "it broke") }, false],
    [{ action: "labeled", label: { name: "incident/sev1" }, issue: issue([]) }, true],
    [{ action: "labeled", label: { name: "bug" }, issue: issue(["incident/sev1"]) }, false],
    [{ action: "unlabeled", label: { name: "incident/sev1" }, issue: issue([]) }, true],
    [{ action: "edited", issue: issue(["incident/sev1"]) }, false],
    [{ action: "opened", issue: { ...issue(["incident/sev1"]), pull_request: {} } }, false],
  ])("%j → %s", (payload, expected) => expect(mightConcernIncident(payload)).toBe(expected));
});

describe("response deadlines", () => {
  const nextBusinessDay = { kind: "next_business_day" } as const;
  it.each([
    ["2026-11-20T16:00:00Z", "2026-11-23T09:00:00.000Z"], // Friday → Monday
    ["2026-11-21T10:00:00Z", "2026-11-23T09:00:00.000Z"], // Saturday → Monday
    ["2026-11-23T08:00:00Z", "2026-11-24T09:00:00.000Z"], // Monday early → Tuesday
  ])("next business day after %s is %s", (declared, due) => {
    expect(responseDeadline(new Date(declared), nextBusinessDay, 9 * 60).toISOString()).toBe(due);
  });
  it("adds a fixed delay", () => {
    expect(
      responseDeadline(
        new Date("2026-11-22T14:02:00Z"),
        { kind: "duration", ms: 1_800_000 },
        0,
      ).toISOString(),
    ).toBe("2026-11-22T14:32:00.000Z");
  });
});
