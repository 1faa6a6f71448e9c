// One git repository and its loopback GitHub per test, removed when the test ends.
import type { Octokit } from "@octokit/core";
import { afterAll, expect, onTestFinished } from "vitest";
import type { RevertTarget } from "../../src/core/revert.js";
import { type RevertOutcome, rollback } from "../../src/github/revert.js";
import { FakeGitHub, type FakeGitHubOptions } from "./fake-github.js";
import { GitRepo } from "./git.js";

export const INCIDENT = 7;

export interface Fixture<T = void> {
  git: GitRepo;
  github: FakeGitHub;
  /** The Octokit the engine is given (spy on it to see request options). */
  octokit: Octokit;
  /** What the scenario returned (the shas it made). */
  data: T;
  /** `/rollback <target>` by bob on incident #7, through the engine. */
  rollback(target: RevertTarget, options?: { reason?: string; issueNumber?: number }): Promise<RevertOutcome>;
}

/** A scenario: builds a repository with git and returns what the test needs to know of it. */
export type Scenario<T> = (git: GitRepo) => T;

/** Repositories built by a named scenario, copied for each test that uses it. */
const built = new Map<Scenario<unknown>, { git: GitRepo; data: unknown }>();
afterAll(() => {
  for (const { git } of built.values()) git.remove();
  built.clear();
});

/**
 * A fresh repository for the test. `shared: true` builds the scenario once per test file and
 * gives each test a copy (for scenarios defined once and used by many tests).
 */
export async function fixture<T>(
  scenario: Scenario<T>,
  options: FakeGitHubOptions & { shared?: boolean } = {},
): Promise<Fixture<T>> {
  let git: GitRepo;
  let data: T;
  if (options.shared) {
    let template = built.get(scenario);
    if (!template) {
      const fresh = GitRepo.create();
      template = { git: fresh, data: scenario(fresh) };
      built.set(scenario, template);
    }
    git = template.git.copy();
    data = template.data as T;
  } else {
    git = GitRepo.create();
    onTestFinished(() => git.remove());
    data = scenario(git);
  }
  if (options.shared) onTestFinished(() => git.remove());
  const github = await new FakeGitHub(git, options).start();
  onTestFinished(async () => {
    await github.stop();
    expect(github.problems, "requests the fake GitHub could not answer").toEqual([]);
  });
  const octokit = github.octokit();
  return {
    git,
    github,
    octokit,
    data,
    rollback: (target, opts = {}) =>
      rollback(octokit, {
        owner: "acme",
        repo: "shop",
        defaultBranch: "main",
        target,
        issueNumber: opts.issueNumber ?? INCIDENT,
        requester: "bob",
        reason: opts.reason ?? "checkout returns 500s since the deploy",
      }),
  };
}

/** Ten lines, one per number: room for changes that do or do not touch each other. */
export function lines(...overrides: Array<[number, string]>): string {
  const out = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
  for (const [n, text] of overrides) out[n - 1] = text;
  return `${out.join("\n")}\n`;
}

/** A first commit with a few files. */
export function seed(git: GitRepo): string {
  return git.commit("Initial commit", {
    "README.md": "# shop\n",
    "src/pay.ts": lines(),
    "src/cart.ts": "export const cart = [];\n",
    "docs/guide.md": "How to shop.\n",
  });
}
