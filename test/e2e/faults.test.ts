// GitHub failing in the middle of a `/rollback`, through the real server and its request policy
// (src/github/client.ts: a 5xx is retried once where repeating is safe, never for a POST that creates
// something; a secondary rate limit is waited out as `retry-after` says, twice at most): the revert
// pull request is made once or not at all, no `incident-*/revert-*` branch is left without its pull
// request, and when the rollback cannot finish the person who asked is told, once, in the reply.
import { describe, expect, it } from "vitest";
import type { FaultSpec, PullRequest, RequestRecord } from "../../local-github/index.js";
import {
  appComments,
  appReactions,
  branches,
  isRevertEngine,
  REPO,
  repliesTo,
  startE2E,
  step,
  trackerOf,
} from "./support.js";

const FORM = [
  "### What is broken",
  "",
  "Checkout returns 500 for card payments.",
  "",
  "### Severity",
  "",
  "SEV2 · High: a major feature is unavailable, performance badly degraded, or sign-in failing",
].join("\n");

const MERGES = "POST /repos/{owner}/{repo}/merges";
const COMMITS = "POST /repos/{owner}/{repo}/git/commits";
const MOVE_BRANCH = "PATCH /repos/{owner}/{repo}/git/refs/{ref}";
const PULLS = "POST /repos/{owner}/{repo}/pulls";

/** A declared SEV2 incident on the sample service, and `/rollback` of its culprit with faults on. */
async function incident() {
  const e2e = await startE2E();
  const { github, sample } = e2e;
  let number = 0;
  await step(github, () => {
    number = github.as("alice").openIssue(REPO, { title: "Checkout returns 500", body: FORM }).number;
  });
  const culprit7 = sample.culprit.sha.slice(0, 7);
  const before = branches(github);

  const rollback = async (...faults: FaultSpec[]) => {
    const removers = faults.map((f) => github.fault(f));
    const commentsBefore = appComments(github, number).length;
    let id = 0;
    const result = await step(github, () => {
      id = github
        .as("bob")
        .comment(REPO, number, `/rollback ${culprit7} retries hold connections`).databaseId;
    });
    for (const remove of removers) remove();
    const comment = github.repo(REPO).comments.get(id);
    if (!comment) throw new Error("no comment");
    const pulls = [...github.repo(REPO).items.values()].filter(
      (i): i is PullRequest => i.kind === "pull" && i.head.startsWith(`incident-${number}/revert-`),
    );
    return {
      result,
      attempts: (route: string) => result.requests.filter((r) => r.route === route),
      reaction: appReactions(comment),
      replies: repliesTo(github, number, id).map((c) => c.body),
      // Everything firebreak posted for this comment: the reply, and any failure notice.
      posted: appComments(github, number).length - commentsBefore,
      pulls,
      newBranches: branches(github).filter((b) => !before.includes(b)),
    };
  };
  return { ...e2e, number, culprit7, rollback };
}

/** How long the app waited between two attempts, in ms. */
const gap = (first: RequestRecord | undefined, second: RequestRecord | undefined) =>
  (second?.start ?? 0) - (first?.end ?? 0);

describe("/rollback with GitHub failing part-way", () => {
  it("moves its branch again after a 502 (a PATCH is safe to repeat): one revert pull request", async () => {
    const { github, number, culprit7, rollback } = await incident();
    const run = await rollback({ route: MOVE_BRANCH, status: 502 });

    expect(run.attempts(MOVE_BRANCH).map((r) => r.status)).toEqual([502, 200]);
    // The policy's back-off before the second attempt (1 s for the first retry).
    expect(gap(...(run.attempts(MOVE_BRANCH) as [RequestRecord, RequestRecord]))).toBeGreaterThanOrEqual(900);
    expect(run.pulls).toHaveLength(1);
    expect(run.newBranches).toEqual([`incident-${number}/revert-${culprit7}`]);
    expect(run.reaction).toEqual(["THUMBS_UP"]);
    expect(run.replies).toEqual([expect.stringContaining(`opened [#${run.pulls[0]?.number}]`)]);
    expect(run.posted).toBe(1);
    // Without the failed attempt, the engine stayed within its 9 requests.
    expect(run.result.counted.filter((r) => isRevertEngine(r) && !r.fault)).toHaveLength(9);
    expect(github.problems).toEqual([]);
  });

  it("waits out a secondary rate limit (403, retry-after: 1) on the merge and sends it again", async () => {
    const { github, sample, number, culprit7, rollback } = await incident();
    const run = await rollback({ route: MERGES, secondaryRateLimit: { status: 403, retryAfter: 1 } });

    const merges = run.attempts(MERGES);
    expect(merges.map((r) => r.status)).toEqual([403, 201]);
    expect(merges[0]?.fault).toBe("secondary rate limit");
    expect(gap(merges[0], merges[1])).toBeGreaterThanOrEqual(950);
    expect(run.pulls).toHaveLength(1);
    expect(run.newBranches).toEqual([`incident-${number}/revert-${culprit7}`]);
    expect(run.reaction).toEqual(["THUMBS_UP"]);
    expect(run.posted).toBe(1);
    // The revert is still exactly `git revert`'s.
    const repo = github.repo(REPO);
    const head = repo.git.readCommit(github.store.headOf(run.pulls[0] as PullRequest));
    expect(head?.tree).toBe(repo.git.revertTree(sample.culprit.sha, head?.parents[0] ?? ""));
  });

  it("waits out a 429 with retry-after on creating the revert commit, and makes it once", async () => {
    const { github, rollback } = await incident();
    // The engine's second commit: the revert itself (the first is the temporary undo commit).
    const run = await rollback({
      route: COMMITS,
      nth: 2,
      secondaryRateLimit: { status: 429, retryAfter: 1 },
    });

    expect(run.attempts(COMMITS).map((r) => r.status)).toEqual([201, 429, 201]);
    expect(run.pulls).toHaveLength(1);
    expect(run.pulls[0]?.state).toBe("open");
    expect(run.reaction).toEqual(["THUMBS_UP"]);
    expect(run.posted).toBe(1);
    expect(github.problems).toEqual([]);
  });

  it("does not send the merge twice after a 502 (a POST): deletes its branch, says so once; /rollback again opens it", async () => {
    const { github, number, culprit7, rollback } = await incident();
    const failed = await rollback({ route: MERGES, status: 502 });

    expect(failed.attempts(MERGES).map((r) => r.status)).toEqual([502]);
    expect(failed.pulls).toEqual([]);
    expect(failed.newBranches).toEqual([]);
    expect(failed.attempts("DELETE /repos/{owner}/{repo}/git/refs/{ref}").map((r) => r.status)).toEqual([
      204,
    ]);
    expect(failed.reaction).toEqual(["CONFUSED"]);
    expect(failed.posted).toBe(1);
    expect(failed.replies).toEqual([
      expect.stringContaining(
        "the rollback failed: merging the revert failed: GitHub answered 502: Server Error; nothing was left behind, try again",
      ),
    ]);
    expect(trackerOf(github, number).body).not.toContain("incident/rollback");

    // Trying again, as the reply says, makes it.
    const again = await rollback();
    expect(again.pulls).toHaveLength(1);
    expect(again.newBranches).toEqual([`incident-${number}/revert-${culprit7}`]);
    expect(again.reaction).toEqual(["THUMBS_UP"]);
  });

  it("gives up on a secondary limit that does not lift after the policy's two waits: nothing half-made, told once", async () => {
    const { github, number, rollback } = await incident();
    const failed = await rollback({
      route: MERGES,
      times: Number.POSITIVE_INFINITY,
      secondaryRateLimit: { status: 403, retryAfter: 1 },
    });

    // The first attempt and two more after waiting `retry-after` each time.
    expect(failed.attempts(MERGES).map((r) => r.status)).toEqual([403, 403, 403]);
    expect(failed.pulls).toEqual([]);
    expect(failed.newBranches).toEqual([]);
    expect(failed.reaction).toEqual(["CONFUSED"]);
    expect(failed.posted).toBe(1);
    expect(failed.replies).toEqual([
      // Not "the API rate limit is exhausted until <the hourly reset>": a secondary limit lifts in seconds.
      expect.stringContaining(
        "the rollback failed: merging the revert failed: GitHub's secondary rate limit asked firebreak to wait 1 s; nothing was left behind, try again",
      ),
    ]);
    expect(appComments(github, number).filter((c) => c.body.includes("firebreak:failure"))).toEqual([]);
    expect(branches(github).filter((b) => b.startsWith("incident-"))).toEqual([]);
  });

  it("deletes its branch when opening the pull request fails with a 502 (a POST, not sent twice)", async () => {
    const { github, rollback } = await incident();
    const failed = await rollback({ route: PULLS, status: 502 });

    expect(failed.attempts(PULLS).map((r) => r.status)).toEqual([502]);
    expect(failed.pulls).toEqual([]);
    expect(failed.newBranches).toEqual([]);
    expect(failed.reaction).toEqual(["CONFUSED"]);
    expect(failed.posted).toBe(1);
    expect(failed.replies).toEqual([
      expect.stringContaining("opening the pull request failed: GitHub answered 502"),
    ]);
    expect(github.problems).toEqual([]);
  });
});
