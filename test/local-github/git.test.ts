// Git data on a real git repository: what the local GitHub writes is git's own format (`git fsck`
// agrees), merges are git's (`git merge-tree`), so a revert computed through its API is exactly
// `git revert`, and a conflict is a 409.
import { expect, it } from "vitest";
import { rollback } from "../../src/github/revert.js";
import { installationOctokit, lines, localGitHub, octokitAs, REPO } from "./support.js";

it("seeds real git history: merge commits with their authors and dates, and git fsck finds nothing wrong", async () => {
  const github = await localGitHub();
  const pull = github.seed.mergedPullRequest(REPO, {
    number: 12,
    title: "Cache card tokens",
    author: "alice",
    mergedBy: "bob",
    at: "2026-11-21T10:00:00Z",
    files: { "src/pay.ts": lines([2, "const cache = new Map();"]), "src/deep/dir/x.ts": "x\n" },
  });
  const git = github.repo(REPO).git;

  expect(git.run("fsck", "--strict", "--no-dangling")).toBe("");
  const log = git.run("log", "--format=%an|%cI|%P|%s", "main").split("\n");
  expect(log[0]).toMatch(
    /^bob\|2026-11-21T10:00:00\+00:00\|\w{40} \w{40}\|Merge pull request #12 from acme\/alice\/cache-card-tokens$/,
  );
  expect(log[1]).toMatch(/^alice\|2026-11-21T09:00:00\+00:00\|\w{40}\|Cache card tokens$/);
  expect(pull).toMatchObject({
    merged: true,
    mergedAt: "2026-11-21T10:00:00Z",
    mergeCommit: git.ref("refs/heads/main"),
  });
  expect(github.store.filesOf(pull).map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
    ["src/deep/dir/x.ts", "added", 1, 0],
    ["src/pay.ts", "modified", 1, 1],
  ]);
  expect(git.run("show", "main:src/deep/dir/x.ts")).toBe("x");
});

it("opens firebreak's revert of a merged pull request with exactly git revert's tree", async () => {
  const github = await localGitHub();
  const pull = github.seed.mergedPullRequest(REPO, {
    number: 12,
    title: "Cache card tokens",
    author: "alice",
    at: "2026-11-21T10:00:00Z",
    files: { "src/pay.ts": lines([2, "const cache = new Map();"]), "src/cache.ts": "export {};\n" },
  });
  // A later, unrelated change: the revert must keep it.
  github.seed.commit(REPO, {
    author: "bob",
    message: "Cart tweaks",
    at: "2026-11-21T11:00:00Z",
    files: { "src/cart.ts": "export const cart = [1];\n" },
  });
  const git = github.repo(REPO).git;
  const head = git.ref("refs/heads/main") as string;
  const octokit = await installationOctokit(github);

  const out = await rollback(octokit, {
    owner: "acme",
    repo: "shop",
    defaultBranch: "main",
    target: { kind: "pr", number: 12 },
    issueNumber: 7,
    requester: "bob",
    reason: "500s on /pay",
  });

  if (out.kind !== "opened") throw new Error(`expected a revert pull request, got ${JSON.stringify(out)}`);
  const commit = git.readCommit(out.sha);
  expect(commit?.parents).toEqual([head]);
  expect(commit?.tree).toBe(git.revertTree(pull.mergeCommit as string, head));
  expect(git.run("show", `${out.sha}:src/cart.ts`)).toBe("export const cart = [1];");
  expect(git.exec(["cat-file", "-e", `${out.sha}:src/cache.ts`]).status).not.toBe(0);
  expect(out).toMatchObject({
    url: `${github.url}/acme/shop/pull/${out.number}`,
    reviewers: ["alice"],
    warnings: [],
  });
  const opened = github.pull(REPO, out.number);
  expect(opened).toMatchObject({
    author: "firebreak[bot]",
    head: out.branch,
    base: "main",
    requestedReviewers: ["alice"],
  });
  expect(opened.labels.map((l) => l.name)).toEqual(["incident/rollback"]);
  expect(github.problems).toEqual([]);
});

it("answers 409 when the revert conflicts, and the engine deletes its branch", async () => {
  const github = await localGitHub();
  const target = github.seed.commit(REPO, {
    author: "alice",
    message: "Cache card tokens",
    at: "2026-11-21T10:00:00Z",
    files: { "src/pay.ts": lines([2, "const cache = new Map();"]) },
  });
  github.seed.commit(REPO, {
    author: "bob",
    message: "Rework caching",
    at: "2026-11-21T11:00:00Z",
    files: { "src/pay.ts": lines([2, "const cache = new LRU();"]) },
  });
  const git = github.repo(REPO).git;
  const octokit = await installationOctokit(github);

  const out = await rollback(octokit, {
    owner: "acme",
    repo: "shop",
    defaultBranch: "main",
    target: { kind: "sha", sha: target.slice(0, 7) },
    issueNumber: 7,
    requester: "bob",
    reason: "500s",
  });

  expect(out).toMatchObject({ kind: "conflict", branchDeleted: true });
  expect(git.revertTree(target, git.ref("refs/heads/main") as string)).toBeNull();
  expect(github.requests.find((r) => r.route === "POST /repos/{owner}/{repo}/merges")?.status).toBe(409);
  expect(git.refs("refs/heads/").map((r) => r.ref)).toEqual(["refs/heads/main"]);
});

it("serves the Git Data API: trees, commits, refs (fast-forward or forced), compare and contents", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  const where = { owner: "acme", repo: "shop" };
  const main = (
    await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...where, ref: "heads/main" })
  ).data.object.sha;
  const base = (
    await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      ...where,
      commit_sha: main,
    })
  ).data;

  const tree = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
    ...where,
    base_tree: base.tree.sha,
    tree: [
      { path: "docs/postmortems/2026-11-22-down.md", mode: "100644", type: "blob", content: "# Down\n" },
      { path: "src/cart.ts", mode: "100644", type: "blob", sha: null },
    ],
  });
  const commit = await octokit.request("POST /repos/{owner}/{repo}/git/commits", {
    ...where,
    message: "Post-mortem",
    tree: tree.data.sha,
    parents: [main],
    author: { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" },
  });
  expect(commit.data).toMatchObject({
    message: "Post-mortem",
    parents: [{ sha: main }],
    author: { name: "github-actions[bot]" },
  });
  expect(github.repo(REPO).git.run("ls-tree", "-r", "--name-only", commit.data.sha).split("\n")).toEqual([
    "README.md",
    "docs/postmortems/2026-11-22-down.md",
    "src/pay.ts",
  ]);

  await octokit.request("POST /repos/{owner}/{repo}/git/refs", {
    ...where,
    ref: "refs/heads/pm",
    sha: commit.data.sha,
  });
  await expect(
    octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...where, ref: "refs/heads/pm", sha: main }),
  ).rejects.toMatchObject({
    status: 422,
    message: expect.stringContaining("Reference already exists"),
  });
  // Back to main is not a fast forward, unless forced.
  await expect(
    octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...where, ref: "heads/pm", sha: main }),
  ).rejects.toMatchObject({ status: 422, message: expect.stringContaining("not a fast forward") });

  const compare = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    ...where,
    basehead: "main...pm",
  });
  expect(compare.data).toMatchObject({
    status: "ahead",
    ahead_by: 1,
    behind_by: 0,
    commits: [{ sha: commit.data.sha }],
  });
  expect(compare.data.files?.map((f) => [f.filename, f.status])).toEqual([
    ["docs/postmortems/2026-11-22-down.md", "added"],
    ["src/cart.ts", "removed"],
  ]);

  const raw = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
    ...where,
    path: "docs/postmortems/2026-11-22-down.md",
    ref: "pm",
    mediaType: { format: "raw" },
  });
  expect(raw.data).toBe("# Down\n");

  await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
    ...where,
    ref: "heads/pm",
    sha: main,
    force: true,
  });
  await octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...where, ref: "heads/pm" });
  expect(
    github
      .repo(REPO)
      .git.refs("refs/heads/")
      .map((r) => r.ref),
  ).toEqual(["refs/heads/main"]);
  expect(github.problems).toEqual([]);
});

it("merges a branch into another with POST /merges: 201 with the merge, 204 when there is nothing to merge", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "bob");
  const where = { owner: "acme", repo: "shop" };
  github.as("bob").push(REPO, { branch: "feature", message: "Feature", files: { "src/feature.ts": "on\n" } });

  const merged = await octokit.request("POST /repos/{owner}/{repo}/merges", {
    ...where,
    base: "main",
    head: "feature",
  });
  expect(merged.status).toBe(201);
  expect(merged.data.parents).toHaveLength(2);
  const again = await octokit.request("POST /repos/{owner}/{repo}/merges", {
    ...where,
    base: "main",
    head: "feature",
  });
  expect(again.status).toBe(204);
  expect(github.repo(REPO).git.run("show", "main:src/feature.ts")).toBe("on");
});
