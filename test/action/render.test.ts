// The post-mortem document of a realistic incident (sections, facts, placeholders, a snapshot), and
// the pure pieces behind it: file names, the action items table read back, markers, the timeline's
// size on a long incident, text safety.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import { DEFAULT_LABEL_NAMES } from "../../src/core/labels.js";
import type { TimelineItem } from "../../src/core/model.js";
import {
  ACTION_COMMITTER,
  buildPostmortemView,
  incidentCommentBody,
  isActionCommit,
  keptCommentBody,
  MAX_TIMELINE_ROWS,
  normalizeDir,
  parseActionItemsTable,
  parseFollowUpMarker,
  parsePostmortemPrMarker,
  postmortemCommitMessage,
  postmortemPath,
  postmortemPrMarker,
  recordedFollowUpNumbers,
  reviewFollowUps,
  slugify,
} from "../../src/core/postmortem.js";
import { replayTimeline } from "../../src/core/timeline.js";
import { createRenderer } from "../../src/render/templates.js";
import { resetCore } from "./core-mock.js";
import type { FakeGitHub } from "./fake-github.js";
import { closedPayload, withCheckoutIncident } from "./fixtures.js";
import { event, runAction, startFake, stopFake } from "./harness.js";

describe("the post-mortem of incident #42", () => {
  let fake: FakeGitHub;
  let document: string;

  beforeEach(async () => {
    fake = startFake();
    withCheckoutIncident(fake);
    resetCore({ "dry-run": "true" });
    document = (await runAction(event("issues", closedPayload()))).document ?? "";
  });
  afterEach(() => {
    expect(fake.problems).toEqual([]);
    stopFake();
  });

  const section = (heading: string) => {
    const start = document.indexOf(`## ${heading}\n`);
    expect(start, `section ${heading}`).toBeGreaterThan(-1);
    const end = document.indexOf("\n## ", start + 3);
    return document.slice(start, end === -1 ? undefined : end);
  };

  it("has every section of the seeds' templates, in order", () => {
    const headings = [...document.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      "Summary",
      "Metadata",
      "Impact",
      "Timeline",
      "Detection and response",
      "Root cause",
      "Resolution",
      "Suspects considered",
      "What went well",
      "What could have gone better",
      "Action items",
      "Lessons learned",
      "Participants",
      "Links",
    ]);
  });

  it("fills in what the incident recorded", () => {
    expect(section("Summary")).toContain(
      "SEV2 (High) incident, declared 2026-11-22 14:02 UTC; it had started 14 min earlier; resolved 52 min after the declaration.",
    );
    expect(section("Metadata")).toContain("| **Incident commander** | @bob |");
    expect(section("Metadata")).toContain("| **Started** | 2026-11-22 13:48 UTC |");
    expect(section("Impact")).toContain(
      "Recorded during the incident: About 30% of card payments fail at checkout with HTTP 500",
    );
    expect(section("Timeline")).toContain(
      "| 2026-11-22 14:10 | Note by @carol: pay-db connection pool at 100% |",
    );
    expect(section("Timeline")).toContain(
      "| 2026-11-22 14:25 | Status update by @carol: Revert #14 is deploying",
    );
    expect(section("Detection and response")).toContain("| Time to detect | 14 min | started → declared |");
    expect(section("Detection and response")).toContain("| Time to resolve | 52 min | declared → resolved |");
    expect(section("Detection and response")).toContain(
      "SEV2 asks for a response by 2026-11-22 14:32 UTC; acknowledged at 2026-11-22 14:04 UTC: **met**.",
    );
    expect(section("Root cause")).toContain("#12 retried card payments without a timeout");
    expect(section("Resolution")).toContain(
      '- [#14](https://github.com/acme/shop/pull/14) Revert "Retry card payments in checkout" (merged 2026-11-22 14:31 UTC)',
    );
    expect(section("Suspects considered")).toContain(
      "| 1 | [#12](https://github.com/acme/shop/pull/12) Retry card payments in checkout | @frank | 2 h 48 min before |",
    );
    expect(section("Action items")).toContain(
      "| 1 | Add an alert when pay-db pool use is above 75% | @carol | 2026-12-01 |",
    );
    expect(section("Participants")).toContain("- @bob (Incident commander)\n- @carol\n- @dave\n- @alice");
    expect(section("Links")).toContain("- [Revert pull request #14](https://github.com/acme/shop/pull/14)");
  });

  it("leaves a refused command out: eve's `/cause` was not applied", () => {
    expect(document).not.toContain("CDN");
    expect(section("Participants")).not.toContain("eve");
  });

  it("draws the timeline as a mermaid chart in UTC", () => {
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(document)?.[1] ?? "";
    expect(chart.split("\n")).toEqual([
      "gantt",
      "  title Incident #42 (UTC)",
      "  dateFormat YYYY-MM-DD HH:mm:ss",
      "  axisFormat %H:%M",
      "  todayMarker off",
      "  section Response",
      "  Detection :done, p0, 2026-11-22 13:48:00, 2026-11-22 14:02:05",
      "  Investigation :done, p1, 2026-11-22 14:02:05, 2026-11-22 14:15:02",
      "  Mitigation :done, p2, 2026-11-22 14:15:02, 2026-11-22 14:35:02",
      "  Verification :done, p3, 2026-11-22 14:35:02, 2026-11-22 14:55:02",
      "  section Milestones",
      "  Started :milestone, m0, 2026-11-22 13:48:00, 0s",
      "  Declared SEV2 :milestone, m1, 2026-11-22 14:02:05, 0s",
      "  Identified :milestone, m2, 2026-11-22 14:15:02, 0s",
      "  Revert 14 merged :milestone, m3, 2026-11-22 14:31:00, 0s",
      "  Monitoring :milestone, m4, 2026-11-22 14:35:02, 0s",
      "  Resolved :milestone, m5, 2026-11-22 14:55:02, 0s",
    ]);
  });

  it("keeps what only people know as clear placeholders", () => {
    for (const heading of [
      "Summary",
      "What went well",
      "What could have gone better",
      "Lessons learned",
      "Root cause",
    ]) {
      expect(section(heading)).toContain("✏️");
    }
    expect(document).not.toMatch(/undefined|null|\[object Object\]/);
  });

  it("reads its own action items back", () => {
    expect(parseActionItemsTable(document)).toEqual([
      {
        text: "Add an alert when pay-db pool use is above 75%",
        owner: "carol",
        due: "2026-12-01",
        issue: null,
        line: expect.any(Number),
      },
      {
        text: "Load-test checkout retries before release",
        owner: "bob",
        due: null,
        issue: null,
        line: expect.any(Number),
      },
    ]);
  });

  it("matches the snapshot", () => {
    expect(document).toMatchSnapshot();
  });
});

describe("file names", () => {
  it("are the declaration day and the title's words", () => {
    expect(slugify("Checkout returns 500 for card payments")).toBe("checkout-returns-500-for-card-payments");
    expect(slugify("Zahlungsausfälle bei Überweisungen!")).toBe("zahlungsausfalle-bei-uberweisungen");
    expect(slugify("🔥🔥")).toBe("");
    const long = slugify("a".repeat(10) + " b".repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).not.toMatch(/-$/);
    const declared = new Date("2026-11-22T23:59:00Z");
    expect(postmortemPath("docs/postmortems", declared, "🔥🔥", 42)).toBe(
      "docs/postmortems/2026-11-22-incident-42.md",
    );
  });

  it("stay inside the repository", () => {
    expect(normalizeDir("./docs/postmortems/")).toBe("docs/postmortems");
    expect(normalizeDir("docs\\incidents")).toBe("docs/incidents");
    expect(normalizeDir("../elsewhere")).toBeNull();
    expect(normalizeDir(" ")).toBeNull();
  });
});

describe("the action items table, as reviewers edit it", () => {
  const doc = (rows: string) =>
    [
      "## Timeline",
      "| Time | Event |",
      "| --- | --- |",
      "| 14:00 | Action item: not this one |",
      "",
      "## Action items",
      "",
      "```",
      "| # | Action | Owner | Due | Issue |",
      "| --- | --- | --- | --- | --- |",
      "| 9 | inside a code block | @x | | |",
      "```",
      "",
      "| # | Action | Owner | Due | Issue |",
      "| --- | --- | --- | --- | --- |",
      rows,
      "",
      "## Lessons learned",
    ].join("\n");

  it("finds rows without an issue, with their owner and date", () => {
    const rows = parseActionItemsTable(
      doc(
        [
          "| 1 | Add an alert | @carol | 2026-12-01 | [#58](https://github.com/acme/shop/issues/58) |",
          "| 2 | Cap retries at 3 \\| with jitter | @dave-ops | due 2026-12-15 | |",
          "| 3 | _✏️ what will prevent a recurrence_ | | | |",
          "| 4 | Review on-call rota | Someone | | |",
          "|  |   |  |  |  |",
        ].join("\n"),
      ),
    );
    expect(rows).toEqual([
      { text: "Add an alert", owner: "carol", due: "2026-12-01", issue: 58, line: 16 },
      { text: "Cap retries at 3 | with jitter", owner: "dave-ops", due: "2026-12-15", issue: null, line: 17 },
      { text: "Review on-call rota", owner: null, due: null, issue: null, line: 19 },
    ]);
    const pull = { number: 57, url: "https://github.com/acme/shop/pull/57" };
    const items = reviewFollowUps(rows, pull);
    expect(items.map((i) => i.text)).toEqual(["Cap retries at 3 | with jitter", "Review on-call rota"]);
    // Keys depend on the text only, so a rerun finds the same items.
    expect(reviewFollowUps(rows, pull).map((i) => i.key)).toEqual(items.map((i) => i.key));
    expect(items[0]?.key).toMatch(/^d[0-9a-f]{12}$/);
  });

  it("finds nothing in a document without the section", () => {
    expect(parseActionItemsTable("# Post-mortem\n\n| a | b |\n| --- | --- |\n| x | y |\n")).toEqual([]);
  });
});

describe("markers and commits", () => {
  it("round-trip", () => {
    const marker = postmortemPrMarker(42, "docs/post mortems/2026-11-22-x.md");
    expect(parsePostmortemPrMarker(`text\n${marker}\nmore`)).toEqual({
      incident: 42,
      path: "docs/post mortems/2026-11-22-x.md",
    });
    expect(parseFollowUpMarker("<!-- firebreak:follow-up incident=42 item=c1013-l2 -->\nbody")).toEqual({
      incident: 42,
      key: "c1013-l2",
    });
    const comment = incidentCommentBody({
      pullRequest: { number: 57, url: "u" },
      path: "p.md",
      followUps: [
        { key: "c1-l1", number: 58 },
        { key: "dabc", number: 59 },
      ],
      kept: false,
    });
    expect([...recordedFollowUpNumbers(comment)]).toEqual([
      ["c1-l1", 58],
      ["dabc", 59],
    ]);
    expect(comment.split("\n").some((line) => line.startsWith("/"))).toBe(false);
  });

  it("tell the Action's commits from people's, even an amended one", () => {
    const ours = {
      message: postmortemCommitMessage(42, "Checkout", false),
      committerEmail: ACTION_COMMITTER.email,
    };
    expect(isActionCommit(ours, 42)).toBe(true);
    expect(isActionCommit(ours, 43)).toBe(false);
    expect(isActionCommit({ ...ours, committerEmail: "carol@example.com" }, 42)).toBe(false);
    expect(isActionCommit({ message: "Fix typo", committerEmail: ACTION_COMMITTER.email }, 42)).toBe(false);
  });

  it("keep the regenerated draft within a comment's size", () => {
    const body = keptCommentBody({
      commits: [{ oid: "abcdef1234", author: "carol" }],
      document: "x".repeat(100_000),
      limit: 65_536,
    });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("(cut to fit a comment)");
  });
});

describe("a long incident", () => {
  it("keeps the decisive entries of a 3,000-event timeline and counts the rest", () => {
    const at = (s: number) => new Date(Date.parse("2026-11-22T14:00:00Z") + s * 1_000);
    const items: TimelineItem[] = [
      { type: "labeled", label: "incident/sev1", actor: "alice", createdAt: at(0) },
      ...Array.from(
        { length: 2_998 },
        (_, i): TimelineItem => ({
          type: "comment",
          id: 10_000 + i,
          nodeId: `IC_${i}`,
          author: "bob",
          byApp: false,
          appReaction: "THUMBS_UP",
          createdAt: at(10 + i),
          body: `/note observation ${i}`,
        }),
      ),
      { type: "closed", actor: "bob", createdAt: at(4_000) },
    ];
    const history = replayTimeline(items, DEFAULT_LABEL_NAMES, { appLogin: "firebreak", reporter: "alice" });
    expect(history.entries).toHaveLength(3_000);
    const view = buildPostmortemView({
      repoUrl: "https://github.com/acme/shop",
      incident: {
        number: 7,
        title: "Everything is slow",
        url: "https://github.com/acme/shop/issues/7",
        reporter: "alice",
        createdAt: at(0),
        closedAt: at(4_000),
      },
      history,
      severity: {
        key: "sev1",
        name: "Critical",
        meaning: "Outage",
        respondWithin: { kind: "duration", ms: 0 },
      },
      status: "resolved",
      businessDayStartMinutes: 540,
      tracker: null,
      references: [],
      bots: new Set(["firebreak"]),
      followUps: new Map(),
      path: "docs/postmortems/x.md",
    });
    expect(view.timeline.rows).toHaveLength(MAX_TIMELINE_ROWS);
    expect(view.timeline.omitted).toBe(3_000 - MAX_TIMELINE_ROWS);
    expect(view.timeline.rows[0]?.event).toContain("Declared SEV1");
    expect(view.timeline.rows.at(-1)?.event).toContain("Issue closed");
    const started = performance.now();
    const text = createRenderer().render("postmortem", view);
    expect(performance.now() - started).toBeLessThan(500);
    expect(text).toContain(
      `| … | _${3_000 - MAX_TIMELINE_ROWS} minor entries (notes, assignments) are not shown`,
    );
  });
});

describe("text from issues", () => {
  it("cannot break the document's tables or inject HTML", () => {
    const items: TimelineItem[] = [
      {
        type: "labeled",
        label: "incident/sev3",
        actor: "alice",
        createdAt: new Date("2026-11-22T14:00:00Z"),
      },
      {
        type: "comment",
        id: 1,
        nodeId: "IC_1",
        author: "bob",
        byApp: false,
        appReaction: "THUMBS_UP",
        createdAt: new Date("2026-11-22T14:05:00Z"),
        body: "/note a | b <script>alert(1)</script> @everyone\n/action-item fix | this <b>now</b>",
      },
    ];
    const history = replayTimeline(items, DEFAULT_LABEL_NAMES, { appLogin: "firebreak" });
    const view = buildPostmortemView({
      repoUrl: "https://github.com/acme/shop",
      incident: {
        number: 9,
        title: "Title with | pipe <img src=x>",
        url: "https://github.com/acme/shop/issues/9",
        reporter: "alice",
        createdAt: new Date("2026-11-22T14:00:00Z"),
        closedAt: null,
      },
      history,
      severity: {
        key: "sev3",
        name: "Medium",
        meaning: "Minor",
        respondWithin: { kind: "duration", ms: 7_200_000 },
      },
      status: "investigating",
      businessDayStartMinutes: 540,
      tracker: null,
      references: [],
      bots: new Set(),
      followUps: new Map(),
      path: "docs/postmortems/x.md",
    });
    const text = createRenderer().render("postmortem", view);
    const body = text.slice(text.indexOf("\n---\n", 4));
    // The front matter is data (GitHub shows it escaped); the markdown body never carries raw HTML.
    expect(body).not.toMatch(/<script|<img|<b>/);
    expect(text).toContain("| Note by @bob: a \\| b &lt;script&gt;alert(1)&lt;/script&gt; @everyone |");
    expect(text).toContain("| 1 | fix \\| this &lt;b&gt;now&lt;/b&gt; |");
    expect(text).toContain('title: "Title with | pipe <img src=x>"');
    expect(parseActionItemsTable(text)[0]?.text).toBe("fix | this &lt;b&gt;now&lt;/b&gt;");
  });
});
