// Issue 8, status notices: reading `/notice`, the customer-facing views and their templates, the
// status file's text, the config section, and the plan's part. No HTTP.
import { schema as published } from "@octokit/graphql-schema";
import { buildSchema, type GraphQLSchema, parse, validate } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { validateConfig } from "../../src/config/validate.js";
import { parseCommands } from "../../src/core/commands.js";
import { DEFAULT_LABEL_NAMES as names } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import {
  customerText,
  MAX_NOTICE_LENGTH,
  noticeFileReply,
  noticeMarker,
  noticeView,
  readNotice,
  resolutionDrafts,
} from "../../src/core/notice.js";
import { type CommentTrigger, type PlanInput, planIncident } from "../../src/core/plan.js";
import { TRACKER_MARKER } from "../../src/core/tracker.js";
import { batchMutation } from "../../src/github/batch.js";
import { appendNotices, STATUS_NOTICE_QUERY } from "../../src/github/status-notice.js";
import { createRenderer } from "../../src/render/templates.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 14, minute));
const USAGE = "/notice investigating|identified|monitoring|resolved <what customers see>";

describe("reading /notice", () => {
  it.each([
    [
      "/notice investigating Checkout is failing for some card payments",
      "investigating",
      "Checkout is failing for some card payments",
    ],
    ["/notice Identified   We found the cause.", "identified", "We found the cause."],
    ["/NOTICE monitoring A fix is rolling out", "monitoring", "A fix is rolling out"],
    [
      "/notice resolved Write to support@example.com if you were charged twice",
      "resolved",
      "Write to support@example.com if you were charged twice",
    ],
    [`/notice resolved ${"x".repeat(MAX_NOTICE_LENGTH)}`, "resolved", "x".repeat(MAX_NOTICE_LENGTH)],
  ])("%s", (line, state, text) => {
    expect(parseCommands(line)).toEqual([
      { line: 1, source: line, ok: true, command: { kind: "notice", state, text } },
    ]);
  });

  it.each([
    [
      "/notice",
      "which state? valid: investigating, identified, monitoring, resolved; then the text customers will read",
    ],
    ["/notice monitoring", "`/notice monitoring` needs the text customers will read after the state"],
    [
      "/notice fixed It works",
      "unknown state `fixed`; valid: investigating, identified, monitoring, resolved",
    ],
    [
      "/notice identified ping @alice please",
      "customer notices name no one: take out `@alice` (nobody was notified)",
    ],
    [
      "/notice identified cc @acme/payments",
      "customer notices name no one: take out `@acme/payments` (nobody was notified)",
    ],
    [
      `/notice resolved ${"x".repeat(MAX_NOTICE_LENGTH + 1)}`,
      "a notice is at most 1,000 characters and this one has 1,001; keep to what customers see and need to do",
    ],
  ])("%s is refused with a reason and the usage", (line, problem) => {
    const [parsed] = parseCommands(line);
    expect(parsed).toMatchObject({ ok: false, name: "notice", problem, usage: USAGE });
  });

  it("readNotice gives the state and the text", () => {
    expect(readNotice("monitoring  All payments are going through")).toEqual({
      state: "monitoring",
      text: "All payments are going through",
    });
  });
});

describe("customer-safe text", () => {
  it.each([
    ["Bad deploy by @bob, see #12 and 3f2a9c1d", "Bad deploy"],
    [
      "A retry change (#12, 3f2a9c1 by @bob) exhausted the rate limit",
      "A retry change exhausted the rate limit",
    ],
    ["Reverted in acme/shop#309.", "Reverted."],
    ["Cache keys\u0000 were\n\nwrong", "Cache keys were wrong"],
    // Words made of hex letters are words, not commits.
    ["The defaced page was restored", "The defaced page was restored"],
    [
      "Payments failed for customers; email support@example.com",
      "Payments failed for customers; email support@example.com",
    ],
  ])("%j → %j", (text, expected) => {
    expect(customerText(text, 500)).toBe(expected);
  });

  it("cuts long text with an ellipsis", () => {
    expect(customerText("a".repeat(20), 10)).toBe(`${"a".repeat(9)}…`);
  });
});

describe("the notice view and template", () => {
  const base = {
    title: "Checkout <b>500s</b> after @bob's deploy #12",
    at: new Date("2026-11-22T14:20:30Z"),
    commentId: 2001,
    line: 2,
    history: { startedAt: null, resolvedAt: null },
    declaredAt: new Date("2026-11-22T14:01:58Z"),
    updateEveryMs: 30 * 60_000,
  };

  it("an open incident's notice: its id, the state, the text, and when the next update comes", () => {
    const view = noticeView({ ...base, state: "identified", text: "We know why <script> runs @ 3am" });
    expect(view).toEqual({
      marker: "<!-- firebreak:notice:2001:2 -->",
      status: "identified",
      state: "Identified",
      emoji: "🟡",
      title: "Checkout &lt;b&gt;500s&lt;/b&gt; after deploy",
      at: "2026-11-22 14:20 UTC",
      text: "We know why &lt;script&gt; runs @ 3am",
      standard: "We have identified the cause and are working on a fix.",
      impact: null,
      cause: null,
      window: null,
      next: "2026-11-22 14:50 UTC",
    });
    expect(createRenderer().render("notice", view)).toBe(
      [
        "<!-- firebreak:notice:2001:2 -->",
        "### 🟡 Identified: Checkout &lt;b&gt;500s&lt;/b&gt; after deploy",
        "",
        "_2026-11-22 14:20 UTC_",
        "",
        "We know why &lt;script&gt; runs @ 3am",
        "",
        "We have identified the cause and are working on a fix.",
        "",
        "Next update by 2026-11-22 14:50 UTC.",
        "",
      ].join("\n"),
    );
  });

  it("a resolution: from when it started (if said) to when it was resolved; no next update", () => {
    const view = noticeView({
      ...base,
      state: "resolved",
      text: "All good.",
      history: { startedAt: at(0), resolvedAt: at(45) },
    });
    expect(view.window).toEqual({
      from: "2026-11-22 14:00 UTC",
      to: "2026-11-22 14:45 UTC",
      duration: "45 min",
    });
    expect(view.next).toBeNull();
  });

  it("the marker is the comment and the line", () => {
    expect(noticeMarker(7, 3)).toBe("<!-- firebreak:notice:7:3 -->");
  });
});

describe("the tracker's resolution drafts", () => {
  const history = {
    startedAt: null,
    resolvedAt: at(50),
    impact: "Card payments failed for @acme/customers-eu",
    cause: "Pool exhausted after `3f2a9c1` (#12) by @bob",
  };

  it("none while the incident is not resolved", () => {
    expect(
      resolutionDrafts({ title: "t", history: { ...history, resolvedAt: null }, declaredAt: at(1) }),
    ).toBeNull();
  });

  it("the notice and the email, from the declaration to the resolution, without internals", () => {
    const drafts = resolutionDrafts({ title: "Checkout down", history, declaredAt: at(2) });
    expect(drafts?.notice).toMatchObject({
      marker: null,
      status: "resolved",
      text: null,
      impact: "Card payments failed for",
      cause: "Pool exhausted after",
      window: { from: "2026-11-22 14:02 UTC", to: "2026-11-22 14:50 UTC", duration: "48 min" },
      next: null,
    });
  });

  it("renders the email as plain text, with placeholders where the incident says nothing", () => {
    const drafts = resolutionDrafts({
      title: "Checkout down",
      history: { ...history, impact: null, cause: null },
      declaredAt: at(2),
    });
    const email = createRenderer().render("customer-email", drafts?.email ?? {});
    expect(email.split("\n").slice(0, 11)).toEqual([
      "Subject: Resolved: Checkout down",
      "",
      "Hello,",
      "",
      "We are writing about a problem with our service between 2026-11-22 14:02 UTC and 2026-11-22 14:50 UTC (48 min). It has been fully resolved.",
      "",
      "What you may have noticed:",
      "[How the problem showed for customers]",
      "",
      "What happened:",
      "[Briefly, what went wrong, in customers' terms]",
    ]);
    // A draft's notice carries no id: it is not a notice until someone posts it.
    expect(
      createRenderer()
        .render("notice", drafts?.notice ?? {})
        .startsWith("### 🟢 Resolved: Checkout down\n"),
    ).toBe(true);
  });
});

describe("the status file", () => {
  const entry = (n: number) => ({
    marker: `<!-- m${n} -->`,
    body: `<!-- m${n} -->\n### Notice ${n}\n\n`,
    headline: `h${n}`,
  });

  it("a new (or empty) file gets a heading", () => {
    expect(appendNotices(null, [entry(1)])).toBe("# Status\n\n<!-- m1 -->\n### Notice 1\n");
    expect(appendNotices("  \n", [entry(1)])).toBe("# Status\n\n<!-- m1 -->\n### Notice 1\n");
  });

  it("notices go at the end, each after a blank line, whatever the file ended with", () => {
    expect(appendNotices("# Our status\n\nAll good.\n\n\n", [entry(1), entry(2)])).toBe(
      "# Our status\n\nAll good.\n\n<!-- m1 -->\n### Notice 1\n\n<!-- m2 -->\n### Notice 2\n",
    );
    expect(appendNotices("# Our status", [entry(1)])).toBe("# Our status\n\n<!-- m1 -->\n### Notice 1\n");
  });

  it("says how adding it went", () => {
    const pr = { number: 57, url: "u" };
    expect(noticeFileReply({ kind: "added", path: "STATUS.md", pullRequest: pr, opened: true })).toEqual({
      ok: true,
      message: "customer notice below; added to `STATUS.md` in #57: review it, then merge to publish",
    });
    expect(noticeFileReply({ kind: "already", path: "STATUS.md", pullRequest: null, base: "main" })).toEqual({
      ok: true,
      message: "customer notice below; already published in `STATUS.md` on `main`",
    });
    expect(noticeFileReply({ kind: "failed", path: "s.md", reason: "no" })).toEqual({
      ok: false,
      message:
        "the customer notice below could not be added to `s.md`: no. Post it by hand, or run `/notice` again",
    });
  });

  describe("GraphQL documents against GitHub's schema", () => {
    let schema: GraphQLSchema;
    beforeAll(() => {
      schema = buildSchema(published.idl, { assumeValidSDL: true });
    });
    const errorsOf = (document: string) => validate(schema, parse(document)).map((e) => e.message);

    it("StatusNoticeTarget is valid", () => {
      expect(errorsOf(STATUS_NOTICE_QUERY)).toEqual([]);
    });

    it("FirebreakStatusNotice with every field it may send is valid", () => {
      const { query } = batchMutation("FirebreakStatusNotice", [
        { field: "createRef", input: {}, selection: "ref { id }" },
        { field: "updateRef", input: {}, selection: "ref { id }" },
        { field: "createCommitOnBranch", input: {}, selection: "commit { oid }" },
        { field: "createPullRequest", input: {}, selection: "pullRequest { number url }" },
      ]);
      expect(errorsOf(query)).toEqual([]);
    });
  });
});

describe("the notices config section", () => {
  it("is off by default, with STATUS.md on a standing branch into the default branch", () => {
    expect(validateConfig(undefined).config.notices).toEqual({
      enabled: false,
      status_file: "STATUS.md",
      branch: "firebreak/status-notices",
      base: null,
    });
    expect(validateConfig(undefined).config.permissions.notice).toBeNull();
  });

  it("takes good values", () => {
    const { config, problems } = validateConfig({
      notices: {
        enabled: true,
        status_file: "./docs/status.md",
        branch: "refs/heads/status",
        base: "gh-pages",
      },
      permissions: { notice: "write" },
    });
    expect(problems).toEqual([]);
    expect(config.notices).toEqual({
      enabled: true,
      status_file: "docs/status.md",
      branch: "status",
      base: "gh-pages",
    });
    expect(config.permissions.notice).toBe("write");
  });

  it.each([
    ["enabled", "yes", 'notices.enabled: "yes" is not true or false; use false'],
    [
      "status_file",
      "../STATUS.md",
      'notices.status_file: "../STATUS.md" is not a file path in the repository; use STATUS.md',
    ],
    [
      "status_file",
      ".github/workflows/status.yml",
      'notices.status_file: ".github/workflows/status.yml" is a workflow file, which firebreak may not write; use STATUS.md',
    ],
    ["status_file", "", "notices.status_file: is empty; use STATUS.md"],
    [
      "branch",
      "status notices",
      'notices.branch: "status notices" is not a branch name; use firebreak/status-notices',
    ],
    [
      "base",
      3,
      "notices.base: 3 is not a branch name; use main, or remove it to use the repository's default branch",
    ],
  ])("notices.%s = %j: the problem names the field, and the default stands", (key, value, message) => {
    const { config, problems } = validateConfig({ notices: { enabled: true, [key]: value } });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([message]);
    expect(config.notices[key as keyof typeof config.notices]).toEqual(
      validateConfig(key === "enabled" ? undefined : { notices: { enabled: true } }).config.notices[
        key as keyof typeof config.notices
      ],
    );
  });

  it("suggests the key meant", () => {
    const { problems } = validateConfig({ notices: { statusfile: "S.md" } });
    expect(problems).toEqual([
      { path: "notices.statusfile", message: "unknown key; did you mean status_file?" },
    ]);
  });
});

describe("planning a /notice", () => {
  const declared: TimelineItem[] = [
    { type: "labeled", label: "incident/sev2", actor: "alice", createdAt: at(1) },
    { type: "labeled", label: "incident/investigating", actor: "firebreak", createdAt: at(1) },
    {
      type: "comment",
      id: 9,
      nodeId: "IC_9",
      author: "firebreak",
      byApp: true,
      appReaction: null,
      createdAt: at(2),
      body: `${TRACKER_MARKER}\nbody`,
    },
  ];
  const plan = (body: string, o: Partial<PlanInput> & { permission?: CommentTrigger["permission"] } = {}) => {
    const trigger: CommentTrigger = {
      kind: "comment",
      id: 50,
      nodeId: "IC_50",
      author: "bob",
      createdAt: at(10),
      body,
      permission: o.permission === undefined ? "triage" : o.permission,
    };
    const comment: TimelineItem = {
      type: "comment",
      id: 50,
      nodeId: "IC_50",
      author: "bob",
      byApp: false,
      appReaction: null,
      createdAt: at(10),
      body,
    };
    return planIncident({
      trigger,
      labels: ["incident/sev2", "incident/investigating"],
      timeline: [...declared, comment],
      names,
      permissions: DEFAULT_CONFIG.permissions,
      assignOnDeclare: () => [],
      knownUsers: new Set(),
      appLogin: "firebreak",
      reporter: "alice",
      now: at(10),
      ...o,
    });
  };

  it("lists the notice for the reply, answers it, and records it in the timeline; no label changes", () => {
    const decided = plan("/note checking\n/notice identified We found it");
    expect(decided?.statusNotices).toEqual([{ line: 2, state: "identified", text: "We found it" }]);
    expect(decided?.reply?.outcomes[1]).toEqual({
      line: 2,
      source: "/notice identified We found it",
      ok: true,
      message: "customer notice below: post it where your customers look",
    });
    expect(decided?.addLabels).toEqual([]);
    expect(decided?.reaction).toBe("THUMBS_UP");
    expect(decided?.history.entries.at(-1)?.text).toBe("Customer notice **identified** by @&#8203;bob");
  });

  it("with the status file's answer, says how that went; a failure is not applied", () => {
    const failed = { ok: false, message: "could not" };
    const decided = plan("/notice identified We found it", { noticeFiles: new Map([[1, failed]]) });
    expect(decided?.reply?.outcomes[0]).toMatchObject(failed);
    expect(decided?.reaction).toBe("CONFUSED");
    expect(decided?.history.entries.some((e) => e.kind === "notice")).toBe(false);
    // Still listed, so the reply shows the notice to post by hand.
    expect(decided?.statusNotices).toHaveLength(1);
  });

  it("a reader may not post one, and nothing is listed", () => {
    const decided = plan("/notice identified We found it", { permission: "read" });
    expect(decided?.statusNotices).toEqual([]);
    expect(decided?.reply?.outcomes[0]?.ok).toBe(false);
  });
});
