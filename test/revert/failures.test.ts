// Everything but a clean revert. Refusals: a clear reason, and nothing written. Conflicts and
// failures mid-way: nothing left behind. Reruns: the revert pull request is found, never opened twice.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { FakeGitHubOptions } from "./fake-github.js";
import { type Fixture, fixture, lines, seed } from "./fixture.js";
import type { GitRepo } from "./git.js";

/** Refused after the query alone: no write happened. */
function expectRefusedByTheQuery(
  f: Fixture<unknown>,
  out: unknown,
  code: string,
  reason: string | RegExp,
): void {
  expect(out).toEqual({
    kind: "refused",
    code,
    reason: typeof reason === "string" ? reason : expect.stringMatching(reason),
  });
  expect(f.github.calls()).toEqual(["POST /api/graphql"]);
}

describe("refusals", () => {
  it("an unknown commit", async () => {
    const f = await fixture(seed);
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: "deadbee" }),
      "unknown",
      "no commit starting with `deadbee` in acme/shop (if several objects start with it, give more characters)",
    );
    const full = "0123456789abcdef0123456789abcdef01234567";
    const g = await fixture(seed);
    expectRefusedByTheQuery(
      g,
      await g.rollback({ kind: "sha", sha: full }),
      "unknown",
      `no commit \`${full}\` in acme/shop`,
    );
  });

  // Two blobs whose ids share their first 7 characters (c67420a), found once by brute force.
  const collide = (git: Parameters<Parameters<typeof fixture>[0]>[0]) => {
    seed(git);
    git.commit("Two colliding blobs", { "a.txt": "ambiguous 4523\n", "b.txt": "ambiguous 14795\n" });
    expect(git.run("rev-parse", "HEAD:a.txt").slice(0, 7)).toBe("c67420a");
    expect(git.run("rev-parse", "HEAD:b.txt").slice(0, 7)).toBe("c67420a");
  };

  it("an ambiguous short sha, when GitHub says it is ambiguous", async () => {
    const f = await fixture(collide, { ambiguity: "error" });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: "c67420a" }),
      "ambiguous",
      "`c67420a` is ambiguous: several objects start with it; give more characters",
    );
  });

  it("an ambiguous short sha, when GitHub only answers null: the reason says it may be ambiguous", async () => {
    const f = await fixture(collide, { ambiguity: "null" });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: "c67420a" }),
      "unknown",
      /give more characters/,
    );
  });

  it("a short sha that is also a branch name (the branch would win)", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Break pay", { "src/pay.ts": lines([2, "broken"]) });
      git.commit("Later", { "README.md": "# later\n" });
      git.run("branch", target.slice(0, 7), "main");
    });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: target.slice(0, 7) }),
      "ambiguous",
      `\`${target.slice(0, 7)}\` is also the name of a branch or tag: give the full 40-character sha`,
    );
  });

  it("a sha that names a tree, not a commit", async () => {
    let tree = "";
    const f = await fixture((git) => {
      seed(git);
      tree = git.treeOf("HEAD");
    });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: tree }),
      "not-a-commit",
      `\`${tree}\` is a tree in acme/shop, not a commit`,
    );
  });

  it("a commit not on the default branch", async () => {
    let side = "";
    const f = await fixture((git) => {
      seed(git);
      git.run("switch", "-q", "-c", "experiment");
      side = git.commit("Try a new pay flow", { "src/pay.ts": lines([3, "experimental"]) });
      git.run("switch", "-q", "main");
      git.commit("Main moves on", { "README.md": "# main\n" });
    });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: side.slice(0, 8) }),
      "not-on-default-branch",
      `\`${side.slice(0, 7)}\` is not on \`main\`: only a change that landed there can be rolled back`,
    );
  });

  it("the repository's first commit", async () => {
    let root = "";
    const f = await fixture((git) => {
      root = seed(git);
      git.commit("Second", { "README.md": "# two\n" });
    });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: root.slice(0, 7) }),
      "root-commit",
      `\`${root.slice(0, 7)}\` is the repository's first commit: there is nothing to revert it to`,
    );
  });

  it("pull requests: unknown, open, closed unmerged, merged elsewhere", async () => {
    const f = await fixture(seed);
    f.github.addPull({ number: 40, title: "Open", head: "open", state: "open" });
    f.github.addPull({ number: 41, title: "Closed", head: "closed", state: "closed" });
    f.github.addPull({
      number: 42,
      title: "Hotfix",
      head: "hotfix",
      base: "release-1.x",
      state: "merged",
      mergeCommit: f.git.head(),
    });
    const cases: Array<[number, string, string]> = [
      [99, "unknown", "there is no pull request #99 in acme/shop"],
      [40, "pr-not-merged", "#40 is not merged yet: there is nothing to roll back (close it instead)"],
      [41, "pr-not-merged", "#41 was closed without being merged: there is nothing to roll back"],
      [42, "not-on-default-branch", "#42 was merged into `release-1.x`, not `main`"],
    ];
    for (const [number, code, reason] of cases) {
      expect(await f.rollback({ kind: "pr", number })).toEqual({ kind: "refused", code, reason });
    }
    expect(f.github.calls()).toEqual(Array(4).fill("POST /api/graphql"));
  });

  it("a default branch that does not exist", async () => {
    const f = await fixture((git) => {
      seed(git);
      git.run("branch", "-m", "main", "trunk");
    });
    expectRefusedByTheQuery(
      f,
      await f.rollback({ kind: "sha", sha: f.git.head("trunk").slice(0, 7) }),
      "no-default-branch",
      "the default branch `main` does not exist in acme/shop",
    );
  });

  it("a change already undone on the default branch: refused after the merge, branch deleted", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Break pay", { "src/pay.ts": lines([2, "broken"]) });
      git.run("revert", "--no-edit", target);
    });
    expect(await f.rollback({ kind: "sha", sha: target.slice(0, 7) })).toEqual({
      kind: "refused",
      code: "nothing-to-revert",
      reason: `reverting \`${target.slice(0, 7)}\` changes nothing on \`main\`: its changes are already undone there`,
    });
    expect(f.github.calls()).toEqual([
      "POST /api/graphql",
      "POST /git/commits",
      "POST /git/refs",
      "POST /merges",
      `DELETE /git/refs/heads%2Fincident-7%2Frevert-${target.slice(0, 7)}`,
    ]);
    expect(f.github.branchExists(`incident-7/revert-${target.slice(0, 7)}`)).toBe(false);
    expect(f.github.pulls).toEqual([]);
  });
});

/** A commit, then a later one changing the same line: reverting the first conflicts. */
function conflicting(git: GitRepo): string {
  seed(git);
  const target = git.commit("Retry payments", { "src/pay.ts": lines([2, "retry(3);"]) });
  git.commit("Retry payments more", { "src/pay.ts": lines([2, "retry(5);"]) });
  return target;
}

/** A simple revertible commit, then an unrelated one. */
function revertible(git: GitRepo): string {
  seed(git);
  const target = git.commit("Cache card tokens", { "src/pay.ts": lines([2, "const cache = new Map();"]) });
  git.commit("Document the cart", { "docs/guide.md": "How to shop, and pay.\n" });
  return target;
}

/** `revertible`, brought in by #12 (alice); the repository is built once for the file. */
async function simple(
  options: FakeGitHubOptions = {},
): Promise<{ f: Fixture<string>; target: string; branch: string }> {
  const f = await fixture(revertible, { ...options, shared: true });
  const target = f.data;
  f.github.addPull({
    number: 12,
    title: "Faster payments",
    head: "faster-pay",
    state: "merged",
    mergeCommit: target,
  });
  return { f, target, branch: `incident-7/revert-${target.slice(0, 7)}` };
}

const branchPath = (branch: string) => `/git/refs/${encodeURIComponent(`heads/${branch}`)}`;

describe("a conflict", () => {
  it("deletes the branch, names no files when GitHub does not, and gives the manual commands", async () => {
    const f = await fixture(conflicting, { shared: true });
    const target = f.data;
    expect(f.git.gitRevertTree(target), "git revert conflicts too").toBeNull();
    const request = vi.spyOn(f.octokit, "request");
    const branch = `incident-7/revert-${target.slice(0, 7)}`;

    const out = await f.rollback({ kind: "sha", sha: target.slice(0, 7) });

    expect(out).toEqual({
      kind: "conflict",
      files: null,
      sha: target,
      branchDeleted: true,
      manual: [
        `git fetch origin && git switch -c ${branch} origin/main && git revert ${target}`,
        "# fix the conflicts, then:",
        "git add -A && git revert --continue",
        `git push -u origin ${branch}`,
      ].join("\n"),
    });
    expect(f.github.calls()).toEqual([
      "POST /api/graphql",
      "POST /git/commits",
      "POST /git/refs",
      "POST /merges",
      `DELETE ${branchPath(branch)}`,
    ]);
    expect(f.github.branchExists(branch)).toBe(false);
    expect(f.github.pulls).toEqual([]);
    // The merge is never retried: a 409 is final.
    const merge = request.mock.calls.find(([route]) => route === "POST /repos/{owner}/{repo}/merges");
    expect(merge?.[1]).toMatchObject({ request: { retries: 0 } });

    // The manual commands do what they say on a clone: the revert stops on the conflict in src/pay.ts.
    if (out.kind !== "conflict") throw new Error("unreachable");
    const clone = mkdtempSync(join(tmpdir(), "firebreak-clone-"));
    try {
      f.git.run("clone", "-q", f.git.dir, clone);
      const first = out.manual.split("\n")[0] as string;
      const run = spawnSync("sh", ["-c", first], {
        cwd: clone,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_AUTHOR_NAME: "Dev",
          GIT_AUTHOR_EMAIL: "d@x",
          GIT_COMMITTER_NAME: "Dev",
          GIT_COMMITTER_EMAIL: "d@x",
        },
      });
      expect(run.status).toBe(1);
      expect(f.git.exec(["diff", "--name-only", "--diff-filter=U"], { cwd: clone }).stdout.trim()).toBe(
        "src/pay.ts",
      );
      expect(f.git.exec(["branch", "--show-current"], { cwd: clone }).stdout.trim()).toBe(branch);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("names the files when the 409's message does", async () => {
    const f = await fixture(conflicting, { conflictMessage: "detailed", shared: true });
    const target = f.data;
    const out = await f.rollback({ kind: "sha", sha: target.slice(0, 7) });
    expect(out).toMatchObject({ kind: "conflict", files: ["src/pay.ts"], branchDeleted: true });
  });

  it("of a merge commit gives `git revert -m 1`", async () => {
    let merge = "";
    const f = await fixture((git) => {
      seed(git);
      git.run("switch", "-q", "-c", "feature");
      git.commit("Retry payments", { "src/pay.ts": lines([2, "retry(3);"]) });
      git.run("switch", "-q", "main");
      git.run("merge", "-q", "--no-ff", "-m", "Merge feature", "feature");
      merge = git.head();
      git.commit("Retry payments more", { "src/pay.ts": lines([2, "retry(5);"]) });
    });
    const out = await f.rollback({ kind: "sha", sha: merge });
    expect(out).toMatchObject({ kind: "conflict", branchDeleted: true });
    expect(out.kind === "conflict" && out.manual.split("\n")[0]).toMatch(
      new RegExp(`git revert -m 1 ${merge}$`),
    );
  });
});

describe("a failure mid-way deletes the branch it created", () => {
  it("a 500 creating the revert commit", async () => {
    const { f, branch } = await simple();
    f.github.fail({ method: "POST", path: "/api/v3/repos/acme/shop/git/commits", nth: 2, status: 500 });
    expect(await f.rollback({ kind: "pr", number: 12 })).toEqual({
      kind: "failed",
      message: "committing the revert failed: GitHub answered 500: Server Error",
      branchDeleted: true,
    });
    expect(f.github.calls()).toEqual([
      "POST /api/graphql",
      "POST /git/commits",
      "POST /git/refs",
      "POST /merges",
      "POST /git/commits",
      `DELETE ${branchPath(branch)}`,
    ]);
    expect(f.github.branchExists(branch)).toBe(false);
  });

  it("a 502 from the merge", async () => {
    const { f, target, branch } = await simple();
    f.github.fail({
      method: "POST",
      path: "/api/v3/repos/acme/shop/merges",
      status: 502,
      body: { message: "Bad Gateway" },
    });
    expect(await f.rollback({ kind: "sha", sha: target })).toEqual({
      kind: "failed",
      message: "merging the revert failed: GitHub answered 502: Bad Gateway",
      branchDeleted: true,
    });
    expect(f.github.branchExists(branch)).toBe(false);
  });

  it("the rate limit moving the branch: says until when", async () => {
    const { f, target, branch } = await simple();
    const reset = 1_795_000_000;
    f.github.fail({
      method: "PATCH",
      path: `/api/v3/repos/acme/shop/git/refs/heads/${branch}`,
      status: 403,
      body: { message: "API rate limit exceeded for installation ID 1." },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    });
    const until = new Date(reset * 1000).toISOString().slice(11, 16);
    expect(await f.rollback({ kind: "sha", sha: target })).toEqual({
      kind: "failed",
      message: `moving \`${branch}\` to the revert commit failed: GitHub's API rate limit is exhausted until ${until} UTC`,
      branchDeleted: true,
    });
    expect(f.github.branchExists(branch)).toBe(false);
  });

  it("a 500 opening the pull request", async () => {
    const { f, target, branch } = await simple();
    f.github.fail({ method: "POST", path: "/api/v3/repos/acme/shop/pulls", status: 500 });
    expect(await f.rollback({ kind: "sha", sha: target })).toMatchObject({
      kind: "failed",
      message: "opening the pull request failed: GitHub answered 500: Server Error",
      branchDeleted: true,
    });
    expect(f.github.branchExists(branch)).toBe(false);
    expect(f.github.calls().at(-1)).toBe(`DELETE ${branchPath(branch)}`);
  });

  it("says so when deleting the branch fails too", async () => {
    const { f, target, branch } = await simple();
    f.github.fail({ method: "POST", path: "/api/v3/repos/acme/shop/merges", status: 500 });
    f.github.fail({
      method: "DELETE",
      path: `/api/v3/repos/acme/shop/git/refs/heads/${branch}`,
      status: 500,
    });
    expect(await f.rollback({ kind: "sha", sha: target })).toMatchObject({
      kind: "failed",
      branchDeleted: false,
    });
  });

  it("a failing query writes nothing", async () => {
    const { f, target } = await simple();
    f.github.fail({ method: "POST", path: "/api/graphql", status: 502, body: { message: "Bad Gateway" } });
    expect(await f.rollback({ kind: "sha", sha: target })).toEqual({
      kind: "failed",
      message: "reading the target failed: GitHub answered 502: Bad Gateway",
      branchDeleted: null,
    });
    expect(f.github.calls()).toEqual(["POST /api/graphql"]);
  });
});

describe("after the pull request is open, label and review failures are warnings", () => {
  it("the label fails", async () => {
    const { f, target } = await simple();
    f.github.fail({ method: "POST", path: "/api/v3/repos/acme/shop/issues/100/labels", status: 500 });
    expect(await f.rollback({ kind: "sha", sha: target })).toMatchObject({
      kind: "opened",
      number: 100,
      reviewers: ["alice"],
      warnings: ["labelling #100 failed: GitHub answered 500: Server Error"],
    });
  });

  it("the original author is not a collaborator any more", async () => {
    const { f, target } = await simple({ collaborators: ["bob"] });
    const out = await f.rollback({ kind: "sha", sha: target });
    expect(out).toMatchObject({ kind: "opened", reviewers: [] });
    expect(out.kind === "opened" && out.warnings).toEqual([
      expect.stringMatching(
        /^requesting a review from alice failed: GitHub answered 422: Reviews may only be requested from collaborators/,
      ),
    ]);
  });

  it("a bot's pull request asks nobody to review: 8 requests", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Bump stripe from 1.0 to 2.0", { "src/pay.ts": lines([1, "import stripe2;"]) });
    });
    f.github.addPull({
      number: 13,
      title: "Bump stripe from 1.0 to 2.0",
      head: "dependabot/npm/stripe-2.0",
      state: "merged",
      mergeCommit: target,
      author: { login: "dependabot", type: "Bot" },
    });
    expect(await f.rollback({ kind: "pr", number: 13 })).toMatchObject({
      kind: "opened",
      reviewers: [],
      warnings: [],
    });
    expect(f.github.calls()).toHaveLength(8);
    expect(f.github.calls()).not.toContain("POST /pulls/100/requested_reviewers");
  });
});

describe("a rerun finds the revert instead of opening a second one", () => {
  it("a redelivered /rollback: one request, the open pull request", async () => {
    const { f, target, branch } = await simple();
    const first = await f.rollback({ kind: "sha", sha: target.slice(0, 7) });
    expect(first).toMatchObject({ kind: "opened", number: 100 });
    const before = f.github.requests.length;

    const again = {
      kind: "alreadyReverted",
      number: 100,
      url: "https://github.com/acme/shop/pull/100",
      state: "open",
      branch,
      sha: target,
    };
    expect(await f.rollback({ kind: "sha", sha: target.slice(0, 7) })).toEqual(again);
    expect(await f.rollback({ kind: "pr", number: 12 })).toEqual(again);
    expect(f.github.requests.length - before).toBe(2);
    expect(f.github.pulls.filter((p) => p.head === branch)).toHaveLength(1);

    // Merged since: still found, as merged.
    const pull = f.github.pulls.find((p) => p.number === 100);
    if (pull) pull.state = "merged";
    expect(await f.rollback({ kind: "sha", sha: target })).toEqual({ ...again, state: "merged" });
  });

  it("another incident's revert of the same commit", async () => {
    const { f, target, branch } = await simple();
    await f.rollback({ kind: "sha", sha: target.slice(0, 7) }, { issueNumber: 7 });
    expect(await f.rollback({ kind: "sha", sha: target.slice(0, 7) }, { issueNumber: 8 })).toEqual({
      kind: "alreadyReverted",
      number: 100,
      url: "https://github.com/acme/shop/pull/100",
      state: "open",
      branch,
      sha: target,
    });
  });

  it("a revert pull request that lost its label is found through its branch, the branch kept", async () => {
    const { f, target, branch } = await simple();
    f.github.fail({ method: "POST", path: "/api/v3/repos/acme/shop/issues/100/labels", status: 500 });
    expect(await f.rollback({ kind: "pr", number: 12 })).toMatchObject({ kind: "opened", number: 100 });
    const before = f.github.requests.length;

    expect(await f.rollback({ kind: "pr", number: 12 })).toEqual({
      kind: "alreadyReverted",
      number: 100,
      url: "https://github.com/acme/shop/pull/100",
      state: "open",
      branch,
      sha: target,
    });
    expect(f.github.calls().slice(before)).toEqual([
      "POST /api/graphql",
      "POST /git/commits",
      "POST /git/refs",
      `GET /pulls?head=${encodeURIComponent(`acme:${branch}`)}&state=all&per_page=10`,
    ]);
    expect(f.github.branchExists(branch)).toBe(true);
  });

  it("a branch without a pull request (another run in progress) is left alone", async () => {
    const { f, target, branch } = await simple();
    f.git.run("branch", branch, "main");
    expect(await f.rollback({ kind: "pr", number: 12 })).toEqual({
      kind: "refused",
      code: "in-progress",
      reason:
        `the branch \`${branch}\` already exists without an open or merged pull request: another \`/rollback\` ` +
        "of this change may be running. If none is, delete the branch and try again",
    });
    expect(f.github.branchExists(branch)).toBe(true);
    expect(f.github.calls()).not.toContain(`DELETE ${branchPath(branch)}`);
    expect(target).toBeTruthy();
  });

  it("another replica opening the same pull request first: its pull request, the branch kept", async () => {
    const { f, target, branch } = await simple();
    f.github.fail({
      method: "POST",
      path: "/api/v3/repos/acme/shop/pulls",
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for acme:${branch}.`,
          },
        ],
      },
      onFire: () =>
        f.github.addPull({
          number: 150,
          title: "Revert",
          head: branch,
          author: { login: "firebreak", type: "Bot" },
        }),
    });
    expect(await f.rollback({ kind: "sha", sha: target })).toEqual({
      kind: "alreadyReverted",
      number: 150,
      url: "https://github.com/acme/shop/pull/150",
      state: "open",
      branch,
      sha: target,
    });
    expect(f.github.branchExists(branch)).toBe(true);
  });
});
