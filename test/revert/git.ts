// Small real git repositories for the revert engine's tests, built with the `git` command in a
// temporary folder. Every call is synchronous and bounded; nothing reads the user's git config.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Dev",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "Dev",
  GIT_COMMITTER_EMAIL: "dev@example.com",
  LC_ALL: "C",
  // No background housekeeping in the middle of a test.
  GIT_CONFIG_COUNT: "2",
  GIT_CONFIG_KEY_0: "gc.auto",
  GIT_CONFIG_VALUE_0: "0",
  GIT_CONFIG_KEY_1: "maintenance.auto",
  GIT_CONFIG_VALUE_1: "false",
};

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class GitRepo {
  private constructor(readonly dir: string) {}

  static create(): GitRepo {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-revert-"));
    const repo = new GitRepo(dir);
    repo.run("init", "-q", "--template=", "-b", "main");
    return repo;
  }

  /** A copy of this repository (objects, refs, work tree): cheaper than building it again. */
  copy(): GitRepo {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-revert-"));
    cpSync(this.dir, dir, { recursive: true });
    return new GitRepo(dir);
  }

  /** Runs git; never throws. */
  exec(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): GitResult {
    const result = spawnSync("git", args, {
      cwd: options.cwd ?? this.dir,
      env: { ...ENV, ...options.env },
      input: options.input,
      encoding: "utf8",
      timeout: 10_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs git and returns its trimmed output; throws when it fails. */
  run(...args: string[]): string {
    const result = this.exec(args);
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr.trim()}`);
    return result.stdout.trim();
  }

  /** Writes (string), deletes (null) files, stages everything and commits on the current branch. */
  commit(message: string, files: Record<string, string | null> = {}): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    // One process for the three steps: spawning is most of the cost of a small git command.
    const result = this.exec(
      ["-c", "alias.x=!git add -A && git commit -q --allow-empty -F - && git rev-parse HEAD", "x"],
      {
        input: message,
      },
    );
    if (result.status !== 0) throw new Error(`commit failed: ${result.stderr.trim()}`);
    return result.stdout.trim();
  }

  head(ref = "HEAD"): string {
    return this.run("rev-parse", "--verify", `${ref}^{commit}`);
  }

  treeOf(rev: string): string {
    return this.run("rev-parse", "--verify", `${rev}^{tree}`);
  }

  /**
   * What `git revert --no-edit` gives for `sha` on top of `onto` (the default branch's head): the
   * tree id, or null when git stops on a conflict. Done in a throwaway worktree.
   */
  gitRevertTree(sha: string, onto = "main", options: { mainline?: number } = {}): string | null {
    const key = `${sha} ${this.head(onto)} ${options.mainline ?? 0}`;
    if (!this.reverts.has(key)) this.reverts.set(key, this.runGitRevert(sha, onto, options));
    return this.reverts.get(key) ?? null;
  }

  private readonly reverts = new Map<string, string | null>();

  private runGitRevert(sha: string, onto: string, options: { mainline?: number }): string | null {
    const worktree = mkdtempSync(join(tmpdir(), "firebreak-revert-wt-"));
    try {
      this.run("worktree", "add", "-q", "--detach", worktree, this.head(onto));
      const args = [
        "revert",
        "--no-edit",
        ...(options.mainline ? ["-m", String(options.mainline)] : []),
        sha,
      ];
      const reverted = this.exec(args, { cwd: worktree });
      if (reverted.status !== 0) return null;
      return this.exec(["rev-parse", "HEAD^{tree}"], { cwd: worktree }).stdout.trim();
    } finally {
      this.exec(["worktree", "remove", "--force", worktree]);
      rmSync(worktree, { recursive: true, force: true });
    }
  }

  /** Files changed between two revisions (`git diff --name-status`). */
  diff(from: string, to: string): string[] {
    const out = this.run("diff", "--name-status", "-M", from, to);
    return out ? out.split("\n") : [];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
