// The incidents index in the post-mortem pull request: written in the same commit as the
// post-mortem, from the front matter of the post-mortems already on the default branch (and this
// draft's), with no request more; malformed files reported and skipped; a README people wrote kept.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import { resetCore, state } from "./core-mock.js";
import type { FakeGitHub } from "./fake-github.js";
import {
  closedPayload,
  commentPayload,
  commitFiles,
  earlierPostmortems,
  postmortemText,
  withCheckoutIncident,
} from "./fixtures.js";
import { event, runAction, startFake, stopFake } from "./harness.js";

const BRANCH = "incident-42/postmortem";
const DOC = "docs/postmortems/2026-11-22-checkout-returns-500-for-card-payments.md";
const INDEX = "docs/postmortems/README.md";
const LOGIN_DOWN = "docs/postmortems/2026-10-03-login-down.md";

let fake: FakeGitHub;
beforeEach(() => {
  fake = startFake();
  withCheckoutIncident(fake);
  fake.addLabel("incident/postmortem");
  resetCore();
});
afterEach(() => {
  expect(fake.problems).toEqual([]);
  stopFake();
});

const closeIncident = () => runAction(event("issues", closedPayload()));
const onBranch = (path: string) => fake.filesAt(BRANCH)?.get(path);
const tableRows = (index: string | undefined) =>
  (index ?? "").split("\n").filter((l) => /^\| \d{4}-/.test(l));

function earlier(): void {
  commitFiles(fake, {
    [LOGIN_DOWN]: postmortemText({
      incident: 17,
      title: "Nobody can sign in",
      severity: "SEV1",
      declared: "2026-10-03T09:00:00Z",
      acknowledged: "2026-10-03T09:02:00Z",
      resolved: "2026-10-03T12:30:00Z",
    }),
    "docs/postmortems/2026-10-15-search-slow.md": postmortemText({
      incident: 23,
      title: "Search is slow",
      severity: "SEV3",
      declared: "2026-10-15T10:00:00Z",
      resolved: "2026-10-15T10:50:00Z",
    }),
    // Not post-mortems the index can read: reported and skipped.
    "docs/postmortems/offsite-notes.md": "# Notes from the offsite\n",
    "docs/postmortems/2026-09-01-typo.md": postmortemText({
      incident: 9,
      title: "Typo",
      severity: "P2",
      declared: "2026-09-01T10:00:00Z",
      resolved: null,
    }),
    // Neither markdown nor directly in the directory: not looked at.
    "docs/postmortems/diagram.png": "PNG",
    "docs/postmortems/2025/2025-01-01-old.md": "---\nnot: read\n---\n",
  });
}

describe("the incidents index", () => {
  it("is written in the post-mortem's commit, from the directory's front matter, at no extra request", async () => {
    earlier();
    const result = await closeIncident();

    expect(state.failed).toEqual([]);
    expect(fake.requests.map((r) => r.operation ?? `${r.method} ${r.path}`)).toEqual([
      "PostmortemRead",
      "FollowUpPrep",
      "POST /repos/acme/shop/labels",
      "FirebreakFollowUps",
      "POST /repos/acme/shop/git/trees",
      "POST /repos/acme/shop/git/commits",
      "POST /repos/acme/shop/git/refs",
      "POST /repos/acme/shop/pulls",
      "FirebreakPostmortem",
    ]);
    // One tree with both files, so one commit.
    const tree = fake.requests.find((r) => r.path.endsWith("/git/trees"))?.body.tree;
    expect(tree.map((entry: { path: string }) => entry.path)).toEqual([DOC, INDEX]);
    expect(result.index).toMatchObject({ path: INDEX, skipped: 2 });

    const index = onBranch(INDEX);
    expect(index?.split("\n")[0]).toBe("<!-- firebreak:incident-index -->");
    expect(tableRows(index)).toEqual([
      "| 2026-11-22 | SEV2 | [#42 Checkout returns 500 for card payments](https://github.com/acme/shop/issues/42) | 1 h 7 min | 1 min | 52 min | [2026-11-22-checkout-returns-500-for-card-payments.md](2026-11-22-checkout-returns-500-for-card-payments.md) |",
      "| 2026-10-15 | SEV3 | [#23 Search is slow](https://github.com/acme/shop/issues/23) | 50 min | — | 50 min | [2026-10-15-search-slow.md](2026-10-15-search-slow.md) |",
      "| 2026-10-03 | SEV1 | [#17 Nobody can sign in](https://github.com/acme/shop/issues/17) | 3 h 30 min | 2 min | 3 h 30 min | [2026-10-03-login-down.md](2026-10-03-login-down.md) |",
    ]);
    expect(index).toContain('  x-axis ["2026-10", "2026-11"]');
    expect(index).toContain('- `2026-09-01-typo.md`: `severity`: "P2" is not a severity');
    expect(index).toContain("- `offsite-notes.md`: no front matter");
    expect(state.warnings).toEqual([
      'docs/postmortems/2026-09-01-typo.md: `severity`: "P2" is not a severity; use one of SEV1, SEV2, SEV3, SEV4; it is not listed in the incidents index.',
      "docs/postmortems/offsite-notes.md: no front matter (a block between `---` lines at the top); it is not listed in the incidents index.",
    ]);
    // The post-mortem itself is as before.
    expect(onBranch(DOC)).toBe(result.document);
  });

  it("follows the merged post-mortems as reviewers left them", async () => {
    earlier();
    await closeIncident();
    // In review of #17's post-mortem, long merged, someone corrects when it was resolved.
    const edited = (fake.filesAt("main")?.get(LOGIN_DOWN) ?? "").replace(
      "resolved: 2026-10-03T12:30:00Z",
      "resolved: 2026-10-03T10:00:00Z",
    );
    commitFiles(fake, { [LOGIN_DOWN]: edited }, "dave");

    resetCore();
    await runAction(event("issue_comment", commentPayload("/postmortem")));
    expect(state.failed).toEqual([]);
    expect(tableRows(onBranch(INDEX))[2]).toContain(
      "| 2026-10-03 | SEV1 | [#17 Nobody can sign in](https://github.com/acme/shop/issues/17) | 1 h | 2 min | 1 h |",
    );
  });

  it("rewrites its own README, and never one people wrote", async () => {
    commitFiles(fake, { [INDEX]: "<!-- firebreak:incident-index -->\n# Incidents\n\nold\n" });
    await closeIncident();
    expect(tableRows(onBranch(INDEX))).toHaveLength(1);

    stopFake();
    fake = startFake();
    withCheckoutIncident(fake);
    fake.addLabel("incident/postmortem");
    resetCore();
    commitFiles(fake, { [INDEX]: "# Our post-mortems\n\nRead them before on-call.\n" });
    const result = await closeIncident();
    expect(state.failed).toEqual([]);
    expect(onBranch(INDEX)).toBe("# Our post-mortems\n\nRead them before on-call.\n");
    expect(onBranch(DOC)).toBe(result.document);
    expect(result.index).toBeNull();
    expect(state.warnings).toEqual([
      "docs/postmortems/README.md was not written by firebreak, so the incidents index was not written. Rename that file, or add the line <!-- firebreak:incident-index --> to it to let firebreak rewrite it.",
    ]);
  });

  it("is not written with incident-index: false", async () => {
    resetCore({ "incident-index": "false" });
    const result = await closeIncident();
    expect(state.failed).toEqual([]);
    expect(onBranch(INDEX)).toBeUndefined();
    expect(result.index).toBeNull();
  });

  it("uses the repository's template; one that does not compile fails the run before anything is written", async () => {
    commitFiles(fake, {
      ".github/firebreak/incident-index.md.hbs": "{{#each rows}}- {{date}} {{severity}}\n{{/each}}",
    });
    await closeIncident();
    expect(onBranch(INDEX)).toBe("<!-- firebreak:incident-index -->\n- 2026-11-22 SEV2\n");

    stopFake();
    fake = startFake();
    withCheckoutIncident(fake);
    resetCore();
    commitFiles(fake, { ".github/firebreak/incident-index.md.hbs": "{{#each rows}}" });
    const result = await closeIncident();
    expect(result.outcome).toBe("failed");
    expect(state.failed).toEqual([
      expect.stringMatching(
        /^\.github\/firebreak\/incident-index\.md\.hbs line 1: the template does not compile/,
      ),
    ]);
    expect(fake.refs.has(BRANCH)).toBe(false);
  });

  it("a dry run says it would update the index", async () => {
    resetCore({ "dry-run": "true" });
    const result = await closeIncident();
    expect(result.index).toMatchObject({ path: INDEX, skipped: 0 });
    expect(state.infos.join("\n")).toContain(
      `The pull request would add \`${DOC}\` and update the incidents index \`${INDEX}\` on branch \`${BRANCH}\`.`,
    );
  });

  it("indexes 300 earlier post-mortems from the one read", async () => {
    commitFiles(fake, earlierPostmortems(300));
    const result = await closeIncident();
    expect(state.failed).toEqual([]);
    expect(result.requests.repository).toBe(9);
    expect(tableRows(onBranch(INDEX))).toHaveLength(301);
    expect(result.index).toMatchObject({ path: INDEX, skipped: 0 });
  });
});
