import { describe, expect, it } from "vitest";
import { createRenderer } from "../../src/render/templates.js";

const view = { marker: "<!-- m -->", severity: { tag: "SEV2" } };

describe("template overrides", () => {
  it("uses a repository's override", () => {
    const renderer = createRenderer({ "escalation.md.hbs": "{{marker}} custom {{severity.tag}}" });
    expect(renderer.render("escalation", view)).toBe("<!-- m --> custom SEV2");
    expect(renderer.warnings).toEqual([]);
  });

  it("falls back to the built-in template when an override does not compile, naming file and line", () => {
    const renderer = createRenderer({ "tracker.md.hbs": "line one\n\n{{#if severity}}\nunclosed" });
    expect(renderer.warnings).toHaveLength(1);
    expect(renderer.warnings[0]).toMatch(
      /^`\.github\/firebreak\/tracker\.md\.hbs` line 4: the template does not compile \(Expecting .+\); the built-in tracker template was used instead$/,
    );
  });

  it("falls back when an override uses a field firebreak does not provide", () => {
    const renderer = createRenderer({ "escalation.md.hbs": "ok\n{{severity.colour}}" });
    const out = renderer.render("escalation", {
      ...view,
      escalated: true,
      severity: { tag: "SEV1", name: "Critical", meaning: "Down" },
      respond: { within: "immediately", by: "x" },
      notify: null,
    });
    expect(out).toContain("Escalated to SEV1 Critical");
    expect(renderer.warnings).toEqual([
      "`.github/firebreak/escalation.md.hbs` line 2: `colour` is not a field or helper firebreak provides; the built-in escalation template was used instead",
    ]);
  });

  it("ignores files that are not templates it knows", () => {
    expect(createRenderer({ "README.md": "x", "other.md.hbs": "{{#if" }).warnings).toEqual([]);
  });

  it("starts every comment with its marker, wherever an override puts it (or leaves it out)", () => {
    const renderer = createRenderer({
      "escalation.md.hbs": "Escalated to {{severity.tag}} {{marker}}",
      "reply.md.hbs": "no marker here",
    });
    expect(renderer.render("escalation", view)).toBe("<!-- m -->\nEscalated to SEV2 ");
    expect(renderer.render("reply", { marker: "<!-- r -->" })).toBe("<!-- r -->\nno marker here");
  });
});
