// The rollback engine against a loopback GitHub backed by a real git repository (test/revert): a
// commit touching 1, 100 or 1,000 files reverted with the API calls /rollback makes.
import { performance } from "node:perf_hooks";
import nock from "nock";
import { rollback } from "../src/github/revert.js";
import { FakeGitHub } from "../test/revert/fake-github.js";
import { GitRepo } from "../test/revert/git.js";

export interface RollbackRow {
  files: number;
  outcome: string;
  requests: number;
  roundTrips: number;
  wallMs: number;
  heapDeltaMb: number;
}

/** Requests an operation may spend (issue 4): a clean revert, whatever its size. */
export const ROLLBACK_BUDGET = 9;

export async function benchRollbacks(latencyMs: number, sizes = [1, 100, 1_000]): Promise<RollbackRow[]> {
  // The git-backed GitHub listens on loopback; nothing else may be reached.
  nock.enableNetConnect("127.0.0.1");
  const rows: RollbackRow[] = [];
  for (const files of sizes) rows.push(await benchOne(files, latencyMs));
  return rows;
}

async function benchOne(files: number, latencyMs: number): Promise<RollbackRow> {
  const git = GitRepo.create();
  const github = await new FakeGitHub(git).start();
  try {
    git.commit("Initial commit", { "README.md": "# shop\n", "src/pay.ts": "export const pay = 1;\n" });
    const change = Object.fromEntries(
      Array.from({ length: files }, (_, i) => [`src/gen/file-${i}.ts`, `export const v${i} = ${i};\n`]),
    );
    const target = git.commit(`Generate ${files} files`, change);
    git.commit("A later, unrelated change", { "README.md": "# shop\n\nMore docs.\n" });

    const octokit = github.octokit();
    const spans: Array<{ start: number; end: number }> = [];
    octokit.hook.wrap("request", async (request, options) => {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      try {
        return await request(options);
      } finally {
        spans.push({ start, end: performance.now() });
      }
    });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const began = performance.now();
    const outcome = await rollback(octokit, {
      owner: github.owner,
      repo: github.repo,
      defaultBranch: "main",
      target: { kind: "sha", sha: target },
      issueNumber: 42,
      requester: "bob",
      reason: "bench",
    });
    const wallMs = performance.now() - began;
    if (github.problems.length > 0)
      throw new Error(`the fake GitHub could not answer: ${github.problems.join("; ")}`);
    return {
      files,
      outcome: outcome.kind === "failed" ? `failed: ${outcome.message}` : outcome.kind,
      requests: github.requests.length,
      roundTrips: roundTrips(spans),
      wallMs,
      heapDeltaMb: Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024,
    };
  } finally {
    await github.stop();
    git.remove();
  }
}

/** The longest chain of requests, each started after the previous one was answered. */
function roundTrips(spans: Array<{ start: number; end: number }>): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const chain: number[] = [];
  sorted.forEach((span, i) => {
    let before = 0;
    for (let j = 0; j < i; j++)
      if ((sorted[j] as { end: number }).end <= span.start) before = Math.max(before, chain[j] ?? 0);
    chain.push(before + 1);
  });
  return Math.max(0, ...chain);
}
