// fetchIncidentContext and fetchChanges over a real Octokit, with GitHub's GraphQL endpoint answered
// by nock: the variables each request carries, how answers map to the core's records, and when
// (and how) further pages are read.
import { Octokit } from "@octokit/core";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Change } from "../../src/core/model.js";
import {
  fetchChanges,
  fetchIncidentContext,
  type IncidentContextRequest,
} from "../../src/github/incident-context.js";
import {
  ALL_LABELS,
  type CommitOptions,
  commentNode,
  commitNode,
  contextResponse,
  historyResponse,
  labeledNode,
  unlabeledNode,
} from "../helpers/graphql.js";

type Json = Record<string, any>;
type Operation = "IncidentContext" | "MoreTimeline" | "History";

const API = "https://api.github.com";
const OWNER = "acme";
const REPO = "shop";
const HOUR = 3_600_000;
const NOW = new Date("2026-11-22T14:02:00Z");
const SINCE = new Date(NOW.getTime() - 48 * HOUR);

interface Sent {
  operation: string;
  variables: Json;
}
/** Every GraphQL request answered, in the order the answers were produced. */
let sent: Sent[];
let octokit: Octokit;

beforeEach(() => {
  nock.disableNetConnect();
  sent = [];
  octokit = new Octokit({ baseUrl: API });
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function operationOf(query: string): string | null {
  return /\bquery\s+(\w+)/.exec(query)?.[1] ?? null;
}

/**
 * Answers one request for `operation` (and, when given, only with that `after` cursor). The answer
 * may be a function, awaited before replying, to hold an answer back.
 */
function answer(
  operation: Operation,
  response: Json | (() => Promise<Json>),
  match: { after?: string | null } = {},
): nock.Scope {
  return nock(API)
    .post("/graphql", (body: Json) => {
      if (operationOf(body.query) !== operation) return false;
      return !("after" in match) || body.variables?.after === match.after;
    })
    .reply(async (_uri, body) => {
      const json = (typeof body === "string" ? JSON.parse(body) : body) as Json;
      const data = typeof response === "function" ? await response() : response;
      sent.push({ operation: operationOf(json.query) ?? "?", variables: json.variables });
      return [200, data];
    });
}

function request(over: Partial<IncidentContextRequest> = {}): IncidentContextRequest {
  return {
    owner: OWNER,
    repo: REPO,
    issueNumber: 42,
    branch: "main",
    history: { since: SINCE, until: NOW, maxCommits: 100 },
    labelNames: ALL_LABELS,
    ...over,
  };
}

const sha = (n: number) => n.toString(16).padStart(40, "0");

/** A commit merged into main by its own PR (#n), `n` minutes before NOW. */
function merged(n: number, over: Partial<CommitOptions> = {}): Json {
  const at = new Date(NOW.getTime() - n * 60_000).toISOString();
  return commitNode({
    sha: sha(n),
    headline: `Change ${n} (#${n})`,
    committedDate: at,
    pr: { number: n, title: `Change ${n}`, mergedAt: at, files: [`src/file${n}.ts`] },
    ...over,
  });
}

function commits(from: number, count: number): Json[] {
  return Array.from({ length: count }, (_, i) => merged(from + i));
}

const actor = (login: string | null) => (login === null ? null : { login });

describe("fetchIncidentContext: the one request", () => {
  it("sends the issue, the branch, the window and firebreak's eight label names", async () => {
    const scope = answer("IncidentContext", contextResponse({ commits: [] }));
    await fetchIncidentContext(octokit, request({ history: { since: SINCE, until: NOW, maxCommits: 250 } }));

    expect(sent).toEqual([
      {
        operation: "IncidentContext",
        variables: {
          owner: OWNER,
          repo: REPO,
          issue: 42,
          branch: "refs/heads/main",
          overrides: "main:.github/firebreak",
          withHistory: true,
          since: "2026-11-20T14:02:00.000Z",
          until: "2026-11-22T14:02:00.000Z",
          commits: 100,
          l0: "incident/sev1",
          l1: "incident/sev2",
          l2: "incident/sev3",
          l3: "incident/sev4",
          l4: "incident/investigating",
          l5: "incident/identified",
          l6: "incident/monitoring",
          l7: "incident/resolved",
        },
      },
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("asks for no more commits than it may scan", async () => {
    const scope = answer("IncidentContext", contextResponse({ commits: [] }));
    await fetchIncidentContext(octokit, request({ history: { since: SINCE, until: NOW, maxCommits: 7 } }));
    expect(sent[0]?.variables.commits).toBe(7);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("maps every kind of timeline record to the core's items", async () => {
    const timeline: Json[] = [
      labeledNode("incident/sev2", "2026-11-22T14:00:00Z"),
      commentNode(1001, "<!-- firebreak:tracker -->\ntracker", "2026-11-22T14:00:05Z", { byApp: true }),
      commentNode(1002, "/status identified", "2026-11-22T14:10:00Z", { author: "carol" }),
      {
        __typename: "IssueComment",
        id: "IC_1003",
        databaseId: 1003,
        author: null,
        viewerDidAuthor: false,
        createdAt: "2026-11-22T14:11:00Z",
        body: "from a deleted account",
        reactionGroups: [
          { content: "THUMBS_UP", viewerHasReacted: false },
          { content: "CONFUSED", viewerHasReacted: true },
        ],
      },
      unlabeledNode("incident/investigating", "2026-11-22T14:12:00Z", "carol"),
      {
        __typename: "AssignedEvent",
        createdAt: "2026-11-22T14:13:00Z",
        actor: actor("carol"),
        assignee: { login: "dave" },
      },
      {
        __typename: "UnassignedEvent",
        createdAt: "2026-11-22T14:14:00Z",
        actor: null,
        assignee: {},
      },
      {
        __typename: "CrossReferencedEvent",
        createdAt: "2026-11-22T14:15:00Z",
        actor: actor("erin"),
        source: {
          __typename: "PullRequest",
          number: 77,
          title: "Revert retry",
          url: "https://github.com/acme/shop/pull/77",
          pullState: "OPEN",
        },
      },
      {
        __typename: "CrossReferencedEvent",
        createdAt: "2026-11-22T14:16:00Z",
        actor: actor("erin"),
        source: {
          __typename: "Issue",
          number: 78,
          title: "Pool alerts",
          url: "https://github.com/acme/ops/issues/78",
        },
      },
      {
        // A source GitHub no longer lets the viewer see comes back without its fields.
        __typename: "CrossReferencedEvent",
        createdAt: "2026-11-22T14:16:30Z",
        actor: actor("erin"),
        source: { __typename: "Issue" },
      },
      {
        __typename: "RenamedTitleEvent",
        createdAt: "2026-11-22T14:17:00Z",
        actor: actor("alice"),
        previousTitle: "Checkout broken",
        currentTitle: "Checkout returns 500",
      },
      { __typename: "ClosedEvent", createdAt: "2026-11-22T15:00:00Z", actor: actor("alice") },
      { __typename: "ReopenedEvent", createdAt: "2026-11-22T15:05:00Z", actor: actor("bob") },
      { __typename: "PinnedEvent", createdAt: "2026-11-22T15:06:00Z", actor: actor("bob") },
    ];
    const scope = answer("IncidentContext", contextResponse({ timeline, commits: [] }));
    const context = await fetchIncidentContext(octokit, request());

    const at = (iso: string) => new Date(iso);
    expect(context.timeline).toEqual([
      { type: "labeled", label: "incident/sev2", actor: "alice", createdAt: at("2026-11-22T14:00:00Z") },
      {
        type: "comment",
        id: 1001,
        nodeId: "IC_1001",
        appReaction: null,
        author: "firebreak",
        byApp: true,
        byBot: false,
        createdAt: at("2026-11-22T14:00:05Z"),
        body: "<!-- firebreak:tracker -->\ntracker",
      },
      {
        type: "comment",
        id: 1002,
        nodeId: "IC_1002",
        appReaction: null,
        author: "carol",
        byApp: false,
        byBot: false,
        createdAt: at("2026-11-22T14:10:00Z"),
        body: "/status identified",
      },
      {
        type: "comment",
        id: 1003,
        nodeId: "IC_1003",
        appReaction: "CONFUSED",
        author: null,
        byApp: false,
        byBot: false,
        createdAt: at("2026-11-22T14:11:00Z"),
        body: "from a deleted account",
      },
      {
        type: "unlabeled",
        label: "incident/investigating",
        actor: "carol",
        createdAt: at("2026-11-22T14:12:00Z"),
      },
      { type: "assigned", assignee: "dave", actor: "carol", createdAt: at("2026-11-22T14:13:00Z") },
      { type: "unassigned", assignee: null, actor: null, createdAt: at("2026-11-22T14:14:00Z") },
      {
        type: "cross-referenced",
        actor: "erin",
        createdAt: at("2026-11-22T14:15:00Z"),
        source: {
          kind: "pull_request",
          number: 77,
          title: "Revert retry",
          url: "https://github.com/acme/shop/pull/77",
          branch: null,
          mergedAt: null,
          open: true,
        },
      },
      {
        type: "cross-referenced",
        actor: "erin",
        createdAt: at("2026-11-22T14:16:00Z"),
        source: {
          kind: "issue",
          number: 78,
          title: "Pool alerts",
          url: "https://github.com/acme/ops/issues/78",
          branch: null,
          mergedAt: null,
          open: false,
        },
      },
      {
        type: "renamed",
        from: "Checkout broken",
        to: "Checkout returns 500",
        actor: "alice",
        createdAt: at("2026-11-22T14:17:00Z"),
      },
      { type: "closed", actor: "alice", createdAt: at("2026-11-22T15:00:00Z") },
      { type: "reopened", actor: "bob", createdAt: at("2026-11-22T15:05:00Z") },
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("maps the changes on the branch, one per pull request", async () => {
    const manyFiles = merged(1);
    const pr1 = manyFiles.associatedPullRequests.nodes[0];
    pr1.files = { totalCount: 150, nodes: [{ path: "a.ts" }, { path: "b.ts" }] };
    pr1.additions = 900;
    pr1.deletions = 40;
    pr1.author = { login: "frank" };

    // The commits a merged branch brings along belong to the same PR: one suspect.
    const mergeOf2 = merged(2, { headline: "Merge pull request #2 from acme/pool" });
    const branchCommitOf2 = merged(3, { headline: "Tune pool" });
    branchCommitOf2.associatedPullRequests.nodes[0].number = 2;

    // Its only PR was merged into another branch: the commit landed on main some other way.
    const otherBase = merged(4, { headline: "Backport fix", additions: 3, deletions: 1 });
    otherBase.associatedPullRequests.nodes[0].baseRefName = "release/1.x";
    otherBase.associatedPullRequests.nodes[0].additions = 999;

    // Open (unmerged) PR.
    const unmergedPr = merged(5, { headline: "WIP" });
    unmergedPr.associatedPullRequests.nodes[0].mergedAt = null;

    // A direct push by someone GitHub cannot attribute to a user.
    const push = commitNode({
      sha: sha(6),
      headline: "Hotfix config",
      committedDate: "2026-11-22T13:00:00Z",
    });
    push.author = { name: "Ops Robot", user: null };
    const noAuthor = commitNode({ sha: sha(7), headline: "Orphan", committedDate: "2026-11-22T12:00:00Z" });
    noAuthor.author = null;
    noAuthor.associatedPullRequests = null;

    const scope = answer(
      "IncidentContext",
      contextResponse({
        commits: [manyFiles, mergeOf2, branchCommitOf2, otherBase, unmergedPr, push, noAuthor],
      }),
    );
    const { history } = await fetchIncidentContext(octokit, request());

    expect(history).toMatchObject({ inWindow: 7, scanned: 7, branchFound: true });
    const changes = history?.changes ?? [];
    expect(changes.map((c) => c.sha)).toEqual([sha(1), sha(2), sha(4), sha(5), sha(6), sha(7)]);

    const at1 = new Date(NOW.getTime() - 60_000);
    expect(changes[0]).toEqual<Change>({
      sha: sha(1),
      headline: "Change 1 (#1)",
      url: `https://github.com/acme/shop/commit/${sha(1)}`,
      landedAt: at1,
      author: "bob",
      additions: 900,
      deletions: 40,
      paths: ["a.ts", "b.ts"],
      pathsTruncated: true,
      pullRequest: {
        number: 1,
        title: "Change 1",
        url: "https://github.com/acme/shop/pull/1",
        author: "frank",
        mergedAt: at1,
      },
    });
    expect(changes[1]).toMatchObject({
      headline: "Merge pull request #2 from acme/pool",
      paths: ["src/file2.ts"],
      pathsTruncated: false,
      pullRequest: { number: 2 },
    });
    expect(changes[2]).toMatchObject({
      headline: "Backport fix",
      additions: 3,
      deletions: 1,
      paths: [],
      pathsTruncated: false,
      pullRequest: null,
    });
    expect(changes[3]).toMatchObject({ headline: "WIP", pullRequest: null, paths: [] });
    expect(changes[4]).toMatchObject({
      author: "Ops Robot",
      landedAt: new Date("2026-11-22T13:00:00Z"),
      pullRequest: null,
      paths: [],
    });
    expect(changes[5]).toMatchObject({ author: null, pullRequest: null });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("uses the PR merged into the branch when a commit has several", async () => {
    const commit = merged(1);
    const intoMain = commit.associatedPullRequests.nodes[0];
    commit.associatedPullRequests.nodes = [
      { ...intoMain, number: 9, baseRefName: "release/1.x" },
      { ...intoMain, number: 10, mergedAt: null },
      intoMain,
    ];
    const scope = answer("IncidentContext", contextResponse({ commits: [commit] }));
    const { history } = await fetchIncidentContext(octokit, request());
    expect(history?.changes.map((c) => c.pullRequest?.number)).toEqual([1]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("maps deployments, state lower-cased", async () => {
    const scope = answer(
      "IncidentContext",
      contextResponse({
        commits: [],
        deployments: [
          {
            environment: "production",
            commitOid: sha(1),
            createdAt: "2026-11-22T13:30:00Z",
            latestStatus: { state: "SUCCESS", environmentUrl: "https://shop.example" },
          },
          { environment: null, commitOid: sha(2), createdAt: "2026-11-22T12:00:00Z", latestStatus: null },
          {
            environment: "staging",
            commitOid: sha(3),
            createdAt: "2026-11-22T11:00:00Z",
            latestStatus: { state: "IN_PROGRESS", environmentUrl: null },
          },
        ],
      }),
    );
    const context = await fetchIncidentContext(octokit, request());
    expect(context.deployments).toEqual([
      {
        environment: "production",
        sha: sha(1),
        createdAt: new Date("2026-11-22T13:30:00Z"),
        state: "success",
        url: "https://shop.example",
      },
      {
        environment: "unknown",
        sha: sha(2),
        createdAt: new Date("2026-11-22T12:00:00Z"),
        state: null,
        url: null,
      },
      {
        environment: "staging",
        sha: sha(3),
        createdAt: new Date("2026-11-22T11:00:00Z"),
        state: "in_progress",
        url: null,
      },
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reports the labels the repository lacks from the aliases that came back null", async () => {
    const scope = answer(
      "IncidentContext",
      contextResponse({
        commits: [],
        existingLabels: ["incident/sev1", "incident/sev3", "incident/resolved"],
      }),
    );
    const context = await fetchIncidentContext(octokit, request());
    expect(context.missingLabels).toEqual([
      "incident/sev2",
      "incident/sev4",
      "incident/investigating",
      "incident/identified",
      "incident/monitoring",
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the repository's own label names in the order given", async () => {
    const names = ["p/1", "p/2", "p/3", "p/4", "s/inv", "s/idf", "s/mon", "s/res"];
    const response = contextResponse({ commits: [] });
    for (let i = 0; i < 8; i++) response.data.repository[`l${i}`] = i % 2 === 0 ? { name: names[i] } : null;
    const scope = answer("IncidentContext", response);
    const context = await fetchIncidentContext(octokit, request({ labelNames: names }));
    expect(sent[0]?.variables).toMatchObject({ l0: "p/1", l3: "p/4", l4: "s/inv", l7: "s/res" });
    expect(context.missingLabels).toEqual(["p/2", "p/4", "s/idf", "s/res"]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("refuses anything but eight label names, before any request", async () => {
    await expect(
      fetchIncidentContext(octokit, request({ labelNames: ALL_LABELS.slice(0, 7) })),
    ).rejects.toThrow("expected exactly eight label names");
    expect(sent).toEqual([]);
  });

  it("keeps template overrides whose text came back whole", async () => {
    const response = contextResponse({ commits: [] });
    response.data.repository.overrides = {
      entries: [
        { name: "tracker.md.hbs", object: { text: "# {{severity.tag}}", isTruncated: false } },
        { name: "huge.md.hbs", object: { text: "cut here", isTruncated: true } },
        { name: "image.png", object: { text: null, isTruncated: false } },
        { name: "partials", object: {} },
        { name: "submodule", object: null },
      ],
    };
    const scope = answer("IncidentContext", response);
    const context = await fetchIncidentContext(octokit, request());
    expect(context.overrides).toEqual({ "tracker.md.hbs": "# {{severity.tag}}" });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("has no overrides when the directory does not exist", async () => {
    const scope = answer("IncidentContext", contextResponse({ commits: [], overrides: null }));
    const context = await fetchIncidentContext(octokit, request());
    expect(context.overrides).toEqual({});
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("fails clearly when the issue does not exist", async () => {
    const response = contextResponse({ commits: [] });
    response.data.repository.issue = null;
    const scope = answer("IncidentContext", response);
    await expect(fetchIncidentContext(octokit, request())).rejects.toThrow(
      "issue #42 was not found in acme/shop",
    );
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("fetchIncidentContext: history", () => {
  it("without history asks for none and reports none", async () => {
    const scope = answer("IncidentContext", contextResponse({ commits: null }));
    const context = await fetchIncidentContext(octokit, request({ history: null }));
    expect(context.history).toBeNull();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.variables).toMatchObject({ withHistory: false, commits: 1 });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reports a missing branch and reads no further", async () => {
    // ref is null; a further History request would find no interceptor and fail the call.
    const scope = answer("IncidentContext", contextResponse({ commits: [], branchMissing: true }));
    const context = await fetchIncidentContext(octokit, request({ branch: "trunk" }));
    expect(context.history).toEqual({ changes: [], inWindow: 0, scanned: 0, branchFound: false });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.variables).toMatchObject({
      branch: "refs/heads/trunk",
      overrides: "trunk:.github/firebreak",
    });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("treats a ref that is not a commit as an empty history", async () => {
    const response = contextResponse({ commits: [] });
    response.data.repository.ref = { target: {} };
    const scope = answer("IncidentContext", response);
    const context = await fetchIncidentContext(octokit, request());
    expect(context.history).toEqual({ changes: [], inWindow: 0, scanned: 0, branchFound: true });
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads no further page when the first holds everything", async () => {
    const scope = answer("IncidentContext", contextResponse({ commits: commits(1, 3) }));
    const context = await fetchIncidentContext(octokit, request());
    expect(context.history).toMatchObject({ inWindow: 3, scanned: 3, branchFound: true });
    expect(sent.map((s) => s.operation)).toEqual(["IncidentContext"]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("pages through the window 100 commits at a time and stops at maxCommits", async () => {
    const scopes = [
      answer(
        "IncidentContext",
        contextResponse({ commits: commits(1, 100), totalCommits: 400, historyNext: "h1" }),
      ),
      answer("History", historyResponse(commits(101, 100), { totalCount: 400, next: "h2" }), { after: "h1" }),
      answer("History", historyResponse(commits(201, 50), { totalCount: 400, next: "h3" }), { after: "h2" }),
    ];
    const context = await fetchIncidentContext(
      octokit,
      request({ history: { since: SINCE, until: NOW, maxCommits: 250 } }),
    );

    expect(sent.map((s) => [s.operation, s.variables.after, s.variables.commits])).toEqual([
      ["IncidentContext", undefined, 100],
      ["History", "h1", 100],
      ["History", "h2", 50],
    ]);
    expect(sent[1]?.variables).toEqual({
      owner: OWNER,
      repo: REPO,
      branch: "refs/heads/main",
      since: SINCE.toISOString(),
      until: NOW.toISOString(),
      commits: 100,
      after: "h1",
    });
    expect(context.history).toMatchObject({ inWindow: 400, scanned: 250, branchFound: true });
    expect(context.history?.changes).toHaveLength(250);
    expect(context.history?.changes.at(-1)?.sha).toBe(sha(250));
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });

  it("keeps no more than maxCommits when a page returns more than asked", async () => {
    const scopes = [
      answer(
        "IncidentContext",
        contextResponse({ commits: commits(1, 100), totalCommits: 300, historyNext: "h1" }),
      ),
      answer("History", historyResponse(commits(101, 100), { totalCount: 300, next: "h2" }), { after: "h1" }),
    ];
    const context = await fetchIncidentContext(
      octokit,
      request({ history: { since: SINCE, until: NOW, maxCommits: 120 } }),
    );
    expect(sent.map((s) => s.variables.commits)).toEqual([100, 20]);
    expect(context.history).toMatchObject({ inWindow: 300, scanned: 120 });
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });

  it("notices a branch deleted between pages", async () => {
    const scopes = [
      answer(
        "IncidentContext",
        contextResponse({ commits: commits(1, 100), totalCommits: 150, historyNext: "h1" }),
      ),
      answer("History", { data: { repository: { ref: null } } }, { after: "h1" }),
    ];
    const context = await fetchIncidentContext(
      octokit,
      request({ history: { since: SINCE, until: NOW, maxCommits: 200 } }),
    );
    expect(context.history).toMatchObject({ inWindow: 150, scanned: 100, branchFound: false });
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("fetchIncidentContext: timeline pages", () => {
  it("reads every further page of the timeline with its cursor", async () => {
    const scopes = [
      answer(
        "IncidentContext",
        contextResponse({
          timeline: [labeledNode("incident/sev2", "2026-11-22T14:00:00Z")],
          timelineNext: "t1",
          commits: [],
        }),
      ),
      answer(
        "MoreTimeline",
        {
          data: {
            repository: {
              issue: {
                timelineItems: {
                  pageInfo: { hasNextPage: true, endCursor: "t2" },
                  nodes: [labeledNode("incident/investigating", "2026-11-22T14:00:01Z")],
                },
              },
            },
          },
        },
        { after: "t1" },
      ),
      answer(
        "MoreTimeline",
        {
          data: {
            repository: {
              issue: {
                timelineItems: {
                  pageInfo: { hasNextPage: false, endCursor: "t3" },
                  nodes: [commentNode(5, "/status identified", "2026-11-22T14:05:00Z")],
                },
              },
            },
          },
        },
        { after: "t2" },
      ),
    ];
    const context = await fetchIncidentContext(octokit, request());

    expect(sent.map((s) => s.operation)).toEqual(["IncidentContext", "MoreTimeline", "MoreTimeline"]);
    expect(sent[1]?.variables).toEqual({ owner: OWNER, repo: REPO, issue: 42, after: "t1" });
    expect(sent[2]?.variables).toEqual({ owner: OWNER, repo: REPO, issue: 42, after: "t2" });
    expect(context.timeline.map((item) => item.type)).toEqual(["labeled", "labeled", "comment"]);
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });

  it("reads the further timeline and history pages side by side", async () => {
    const started: string[] = [];
    const log: string[] = [];
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Each continuation is held back until the other has arrived too (or 2 s have passed, so a
    // sequential implementation fails the assertion rather than hanging).
    const held = (name: string, data: Json) => async () => {
      started.push(name);
      log.push(`start ${name}`);
      if (started.length === 2) release();
      await Promise.race([bothStarted, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      log.push(`end ${name}`);
      return data;
    };

    const scopes = [
      answer(
        "IncidentContext",
        contextResponse({
          timeline: [labeledNode("incident/sev2", "2026-11-22T14:00:00Z")],
          timelineNext: "t1",
          commits: commits(1, 100),
          totalCommits: 130,
          historyNext: "h1",
        }),
      ),
      answer(
        "MoreTimeline",
        held("timeline", {
          data: {
            repository: {
              issue: {
                timelineItems: {
                  pageInfo: { hasNextPage: false, endCursor: null },
                  nodes: [labeledNode("incident/investigating", "2026-11-22T14:00:01Z")],
                },
              },
            },
          },
        }),
        { after: "t1" },
      ),
      answer("History", held("history", historyResponse(commits(101, 30), { totalCount: 130 })), {
        after: "h1",
      }),
    ];
    const context = await fetchIncidentContext(
      octokit,
      request({ history: { since: SINCE, until: NOW, maxCommits: 1000 } }),
    );

    expect(log.slice(0, 2).sort()).toEqual(["start history", "start timeline"]);
    expect(log.slice(2).sort()).toEqual(["end history", "end timeline"]);
    expect(context.timeline).toHaveLength(2);
    expect(context.history).toMatchObject({ inWindow: 130, scanned: 130 });
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("fetchChanges", () => {
  it("reads the window with the History query from the start", async () => {
    const scope = answer("History", historyResponse(commits(1, 2)), { after: null });
    const read = await fetchChanges(
      octokit,
      { owner: OWNER, repo: REPO },
      { branch: "main", since: SINCE, until: NOW, maxCommits: 100 },
    );
    expect(sent).toEqual([
      {
        operation: "History",
        variables: {
          owner: OWNER,
          repo: REPO,
          branch: "refs/heads/main",
          since: SINCE.toISOString(),
          until: NOW.toISOString(),
          commits: 100,
          after: null,
        },
      },
    ]);
    expect(read).toMatchObject({ inWindow: 2, scanned: 2, branchFound: true });
    expect(read.changes.map((c) => c.pullRequest?.number)).toEqual([1, 2]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("pages on from the first History page", async () => {
    const scopes = [
      answer("History", historyResponse(commits(1, 100), { totalCount: 180, next: "h1" }), { after: null }),
      answer("History", historyResponse(commits(101, 50), { totalCount: 180 }), { after: "h1" }),
    ];
    const read = await fetchChanges(
      octokit,
      { owner: OWNER, repo: REPO },
      { branch: "main", since: SINCE, until: NOW, maxCommits: 150 },
    );
    expect(sent.map((s) => [s.variables.after, s.variables.commits])).toEqual([
      [null, 100],
      ["h1", 50],
    ]);
    expect(read).toMatchObject({ inWindow: 180, scanned: 150, branchFound: true });
    for (const scope of scopes) expect(scope.pendingMocks()).toEqual([]);
  });

  it("reports a missing branch", async () => {
    const scope = answer("History", { data: { repository: { ref: null } } }, { after: null });
    const read = await fetchChanges(
      octokit,
      { owner: OWNER, repo: REPO },
      { branch: "gone", since: SINCE, until: NOW, maxCommits: 100 },
    );
    expect(read).toEqual({ changes: [], inWindow: 0, scanned: 0, branchFound: false });
    expect(sent[0]?.variables.branch).toBe("refs/heads/gone");
    expect(scope.pendingMocks()).toEqual([]);
  });
});
