// The revert engine against real git: the tree of the revert pull request must be exactly what
// `git revert --no-edit` gives on the same repository at the same head, in at most 9 requests.
// And its one GraphQL document against GitHub's published schema (@octokit/graphql-schema).
import {
  type GraphQLSchema,
  getVariableValues,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { REVERT_TARGET_QUERY, type RevertOutcome, revertTargetVariables } from "../../src/github/revert.js";
import { type FakeGitHub, schema as githubSchema } from "./fake-github.js";
import { type Fixture, fixture, INCIDENT, lines, seed } from "./fixture.js";
import type { GitRepo } from "./git.js";

const REPO_PATH = "/api/v3/repos/acme/shop";

/** The outcome is an opened pull request whose commit has `git revert`'s tree on top of main's head. */
function expectGitRevert(
  f: Fixture<unknown>,
  out: RevertOutcome,
  target: string,
  options: { mainline?: number } = {},
): Extract<RevertOutcome, { kind: "opened" }> {
  if (out.kind !== "opened") throw new Error(`expected an opened pull request, got ${JSON.stringify(out)}`);
  const expected = f.git.gitRevertTree(target, "main", options);
  expect(expected, "git revert itself applies cleanly").not.toBeNull();
  expect(f.git.treeOf(out.sha)).toBe(expected);
  // One commit on top of the default branch's head, on the revert branch; main untouched.
  expect(f.git.run("rev-list", "--parents", "-n", "1", out.sha).split(" ").slice(1)).toEqual([
    f.git.head("main"),
  ]);
  expect(f.git.head(`refs/heads/${out.branch}`)).toBe(out.sha);
  expect(out.reverted).toBe(target);
  expect(out.branch).toBe(`incident-${INCIDENT}/revert-${target.slice(0, 7)}`);
  return out;
}

function pullOf(github: FakeGitHub, number: number) {
  const pull = github.pulls.find((p) => p.number === number);
  if (!pull) throw new Error(`no pull request #${number}`);
  return pull;
}

describe("a clean revert", () => {
  it("of a simple commit: 9 requests, exactly these, and git revert's tree", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Cache card tokens", { "src/pay.ts": lines([2, "const cache = new Map();"]) });
      git.commit("Document the cart", { "docs/guide.md": "How to shop, and pay.\n" });
    });
    f.github.addPull({
      number: 12,
      title: "Faster payments",
      head: "faster-pay",
      state: "merged",
      mergeCommit: target,
    });
    const head = f.git.head("main");

    const out = expectGitRevert(
      f,
      await f.rollback(
        { kind: "sha", sha: target.slice(0, 7) },
        { reason: "500s on /pay; @oncall-team <b>now</b>" },
      ),
      target,
    );

    const branch = `incident-7/revert-${target.slice(0, 7)}`;
    expect(out).toEqual({
      kind: "opened",
      number: 100,
      url: "https://github.com/acme/shop/pull/100",
      branch,
      sha: out.sha,
      reverted: target,
      title: 'Revert "Faster payments"',
      reviewers: ["alice"],
      warnings: [],
    });
    expect(f.github.requests).toHaveLength(9);
    const [query, undo, ref, merge, final, move, pull, ...last] = f.github.requests;
    expect(query).toMatchObject({ method: "POST", path: "/api/graphql" });
    expect(query?.body.variables).toEqual({
      owner: "acme",
      repo: "shop",
      branch: "refs/heads/main",
      expression: target.slice(0, 7),
      byCommit: true,
      number: 0,
      byPullRequest: false,
      revertBranch: branch,
      label: "incident/rollback",
    });
    expect(undo).toEqual({
      method: "POST",
      path: `${REPO_PATH}/git/commits`,
      body: {
        message: `firebreak: undo ${target} (temporary, for incident #7)`,
        tree: f.git.treeOf(`${target}^`),
        parents: [target],
      },
    });
    expect(ref).toEqual({
      method: "POST",
      path: `${REPO_PATH}/git/refs`,
      body: { ref: `refs/heads/${branch}`, sha: head },
    });
    expect(merge).toEqual({
      method: "POST",
      path: `${REPO_PATH}/merges`,
      body: {
        base: branch,
        head: expect.stringMatching(/^[0-9a-f]{40}$/),
        commit_message: expect.any(String),
      },
    });
    // The undo commit merged in: the target's parent tree on top of the target.
    const undoSha = merge?.body.head as string;
    expect(f.git.treeOf(undoSha)).toBe(f.git.treeOf(`${target}^`));
    expect(f.git.run("rev-parse", `${undoSha}^@`)).toBe(target);
    expect(final).toEqual({
      method: "POST",
      path: `${REPO_PATH}/git/commits`,
      body: {
        message: `Revert "Cache card tokens"\n\nThis reverts commit ${target}.\n\nRolled back for incident #7.`,
        tree: f.git.gitRevertTree(target),
        parents: [head],
      },
    });
    expect(move).toEqual({
      method: "PATCH",
      path: `${REPO_PATH}/git/refs/heads%2Fincident-7%2Frevert-${target.slice(0, 7)}`,
      body: { sha: out.sha, force: true },
    });
    expect(pull).toEqual({
      method: "POST",
      path: `${REPO_PATH}/pulls`,
      body: {
        title: 'Revert "Faster payments"',
        head: branch,
        base: "main",
        body: expect.any(String),
        maintainer_can_modify: true,
      },
    });
    // Labelled and review requested side by side: either order.
    expect(last.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { method: "POST", path: `${REPO_PATH}/issues/100/labels`, body: { labels: ["incident/rollback"] } },
      { method: "POST", path: `${REPO_PATH}/pulls/100/requested_reviewers`, body: { reviewers: ["alice"] } },
    ]);

    const opened = pullOf(f.github, 100);
    expect(opened).toMatchObject({ state: "open", labels: ["incident/rollback"], reviewers: ["alice"] });
    expect(opened.body).toContain(
      `Reverts [\`${target.slice(0, 7)}\`](https://github.com/acme/shop/commit/${target})`,
    );
    expect(opened.body).toContain("from #12 (Faster payments, by @&#8203;alice)");
    expect(opened.body).toContain("**Incident:** #7");
    expect(opened.body).toContain("**Requested by:** @&#8203;bob");
    // The reason is user text: no ping, no HTML.
    expect(opened.body).toContain("500s on /pay; @&#8203;oncall-team &lt;b&gt;now&lt;/b&gt;");
    expect(opened.body).not.toMatch(/(^|[^\w`])@(?=[A-Za-z0-9])/);
    expect(opened.body).toContain("- [ ] CI passes on this pull request");
    expect(opened.body).toContain(`<!-- firebreak:revert sha=${target} incident=7 -->`);
    expect(f.git.head("main")).toBe(head);
  });

  it("of a commit touching 300 files: still 9 requests", async () => {
    let target = "";
    const files = (version: string) =>
      Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [
          `src/gen/file-${i}.ts`,
          `export const v = "${version}${i}";\n`,
        ]),
      );
    const f = await fixture((git) => {
      seed(git);
      git.commit("Generate the clients", files("a"));
      target = git.commit("Regenerate every client", files("b"));
      git.commit("Unrelated fix", { "src/cart.ts": "export const cart: string[] = [];\n" });
    });
    f.github.addPull({
      number: 30,
      title: "Regenerate",
      head: "regen",
      state: "merged",
      mergeCommit: target,
    });

    const out = expectGitRevert(f, await f.rollback({ kind: "sha", sha: target }), target);
    expect(f.git.diff("main", out.sha)).toHaveLength(300);
    expect(f.github.requests).toHaveLength(9);
  });

  it("of a commit that adds, deletes and renames files", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      git.commit("Add the coupon module", { "src/coupon.ts": `${"export const coupon = 1;\n".repeat(20)}` });
      target = git.commit("Reorganise", {
        "src/coupon.ts": null,
        "src/promo/coupon.ts": `${"export const coupon = 1;\n".repeat(20)}export const extra = 2;\n`,
        "docs/guide.md": null,
        "src/fraud.ts": "export const check = () => true;\n",
      });
      git.commit("Touch the README", { "README.md": "# shop\n\nNow with coupons.\n" });
    });
    expect(f.git.diff(`${target}^`, target)).toEqual([
      "D\tdocs/guide.md",
      "A\tsrc/fraud.ts",
      expect.stringMatching(/^R\d+\tsrc\/coupon.ts\tsrc\/promo\/coupon.ts$/),
    ]);

    const out = expectGitRevert(f, await f.rollback({ kind: "sha", sha: target.slice(0, 10) }), target);
    // No pull request brought it in: the subject is the title, nobody is asked to review.
    expect(out.title).toBe('Revert "Reorganise"');
    expect(out.reviewers).toEqual([]);
    expect(f.github.requests).toHaveLength(8);
  });

  it("of a commit a later commit built on, in the same file, without conflict", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Retry payments", { "src/pay.ts": lines([2, "retry(3);"]) });
      git.commit("Log payments", { "src/pay.ts": lines([2, "retry(3);"], [9, "log(payment);"]) });
    });
    const out = expectGitRevert(f, await f.rollback({ kind: "sha", sha: target.slice(0, 7) }), target);
    expect(f.git.run("show", `${out.sha}:src/pay.ts`)).toBe(lines([9, "log(payment);"]).trimEnd());
  });

  it("of the default branch's head itself", async () => {
    let target = "";
    const f = await fixture((git) => {
      seed(git);
      target = git.commit("Ship the new checkout", { "src/cart.ts": "export const cart = new Set();\n" });
    });
    expectGitRevert(f, await f.rollback({ kind: "sha", sha: target.slice(0, 7) }), target);
  });
});

/** main: seed, a docs change, the merge of `feature` (two commits, #21), a later README change. */
function mergedFeature(git: GitRepo): { merge: string; first: string } {
  seed(git);
  git.run("switch", "-q", "-c", "feature");
  const first = git.commit("Coupons in the cart", {
    "src/cart.ts": "export const cart = [];\nexport const coupons = [];\n",
  });
  git.commit("Coupon module", { "src/coupon.ts": "export const coupon = 1;\n" });
  git.run("switch", "-q", "main");
  git.commit("Explain payments", { "docs/guide.md": "How to shop.\nHow to pay.\n" });
  git.run("merge", "-q", "--no-ff", "-m", "Merge pull request #21 from acme/feature", "feature");
  const merge = git.head();
  git.commit("Polish the README", { "README.md": "# The shop\n" });
  return { merge, first };
}

describe("a merge commit is reverted against its first parent", () => {
  it("named by its sha", async () => {
    const f = await fixture(mergedFeature, { shared: true });
    const { merge } = f.data;
    f.github.addPull({ number: 21, title: "Coupons", head: "feature", state: "merged", mergeCommit: merge });
    const out = expectGitRevert(f, await f.rollback({ kind: "sha", sha: merge.slice(0, 7) }), merge, {
      mainline: 1,
    });
    expect(out.title).toBe('Revert "Coupons"');
    expect(pullOf(f.github, out.number).body).toContain("a merge commit, against its first parent");
    expect(f.github.requests).toHaveLength(9);
  });

  it("named by its pull request", async () => {
    const f = await fixture(mergedFeature, { shared: true });
    const { merge } = f.data;
    f.github.addPull({
      number: 21,
      title: "Coupons",
      head: "feature",
      state: "merged",
      mergeCommit: merge,
      author: { login: "bob", type: "User" },
    });
    const out = expectGitRevert(f, await f.rollback({ kind: "pr", number: 21 }), merge, { mainline: 1 });
    expect(out).toMatchObject({ title: 'Revert "Coupons"', reviewers: ["bob"] });
    expect(f.github.requests[0]?.body.variables).toMatchObject({
      byCommit: false,
      byPullRequest: true,
      number: 21,
    });
    expect(f.github.requests).toHaveLength(9);
  });

  it("one commit of a merged pull request keeps its own subject as the title", async () => {
    const f = await fixture(mergedFeature, { shared: true });
    const shas = f.data;
    f.github.addPull({
      number: 21,
      title: "Coupons",
      head: "feature",
      state: "merged",
      mergeCommit: shas.merge,
      commits: [shas.first],
    });
    const out = expectGitRevert(
      f,
      await f.rollback({ kind: "sha", sha: shas.first.slice(0, 7) }),
      shas.first,
    );
    expect(out.title).toBe('Revert "Coupons in the cart"');
    expect(pullOf(f.github, out.number).body).toContain("from #21 (Coupons, by @&#8203;alice)");
  });
});

let schema: GraphQLSchema;

beforeAll(() => {
  schema = githubSchema();
});

describe("the RevertTarget query", () => {
  it("is valid against GitHub's schema", () => {
    const document = parse(REVERT_TARGET_QUERY);
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    expect(operation && "name" in operation ? operation.name?.value : null).toBe("RevertTarget");
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });

  it.each([
    ["a commit", { kind: "sha", sha: "3f2a9c1" }],
    ["a pull request", { kind: "pr", number: 12 }],
  ] as const)("takes the variables of %s", (_name, target) => {
    const document = parse(REVERT_TARGET_QUERY);
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
    );
    if (!operation) throw new Error("no operation");
    const variables = revertTargetVariables({
      owner: "acme",
      repo: "shop",
      defaultBranch: "main",
      target,
      issueNumber: 7,
    });
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    expect(coerced.errors ?? []).toEqual([]);
    // Every variable declared is sent, and nothing else (octokit would send unknown keys as variables).
    expect(Object.keys(variables).sort()).toEqual(
      (operation.variableDefinitions ?? []).map((v) => v.variable.name.value).sort(),
    );
  });

  it("would catch a field GitHub does not have", () => {
    const broken = REVERT_TARGET_QUERY.replace("headRefName }", "headRefNam }");
    expect(broken).not.toBe(REVERT_TARGET_QUERY);
    expect(validate(schema, parse(broken)).map((e) => e.message)).toEqual([
      expect.stringContaining('Cannot query field "headRefNam" on type "PullRequest"'),
    ]);
  });
});
