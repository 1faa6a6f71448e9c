// A repository's git data, on disk, in a bare git repository.
//
// Objects are written and read directly (loose objects: zlib over `type size\0content`, the same
// bytes git writes), so seeding a history of thousands of commits spawns nothing. Everything git
// computes — merges (`git merge-tree --write-tree`), ancestry, history, diffs, revision expressions —
// is asked of the `git` command itself, so merges and reverts follow git's own semantics.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";

/** No user or system config, no prompts, no background housekeeping in the middle of a request. */
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  LC_ALL: "C",
  GIT_CONFIG_COUNT: "2",
  GIT_CONFIG_KEY_0: "gc.auto",
  GIT_CONFIG_VALUE_0: "0",
  GIT_CONFIG_KEY_1: "maintenance.auto",
  GIT_CONFIG_VALUE_1: "false",
};

export const ZERO_SHA = "0".repeat(40);
/** The tree with nothing in it (its id is the same in every git repository). */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Person {
  name: string;
  email: string;
  /** ISO 8601. */
  date: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
}

export interface TreeEntry {
  mode: string;
  name: string;
  sha: string;
}

/** A file in a flattened tree: mode and blob sha. */
export interface FileEntry {
  mode: string;
  sha: string;
}

export interface LogEntry {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committedDate: string;
  subject: string;
  additions: number;
  deletions: number;
}

export interface FileChange {
  path: string;
  /** GitHub's words: added, modified, removed, renamed. */
  status: "added" | "modified" | "removed" | "renamed";
  previousPath: string | null;
  additions: number;
  deletions: number;
}

export type MergeResult =
  | { kind: "clean"; tree: string }
  | { kind: "conflict"; files: string[]; detail: string };

const isSha = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{40}$/.test(value);

export class GitStore {
  private readonly objectCache = new Map<string, { type: string; content: Buffer }>();
  private readonly commitCache = new Map<string, CommitObject>();
  private readonly flatCache = new Map<string, Map<string, FileEntry>>();
  private readonly logCache = new Map<string, LogEntry[]>();

  private constructor(
    readonly dir: string,
    private readonly owned: boolean,
  ) {}

  /** A new bare repository in a temporary folder (removed by `remove()`). */
  static create(defaultBranch = "main"): GitStore {
    const dir = mkdtempSync(join(tmpdir(), "local-github-"));
    const store = new GitStore(dir, true);
    store.run("init", "-q", "--bare", "--template=", "-b", defaultBranch);
    return store;
  }

  /** An existing repository (bare or not); left in place by `remove()`. */
  static open(dir: string): GitStore {
    const gitDir = existsSync(join(dir, ".git")) ? join(dir, ".git") : dir;
    return new GitStore(gitDir, false);
  }

  remove(): void {
    if (this.owned) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs git in the repository; never throws on a non-zero exit. */
  exec(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): GitResult {
    const result = spawnSync("git", [`--git-dir=${this.dir}`, ...args], {
      env: { ...ENV, ...options.env },
      input: options.input,
      encoding: "utf8",
      timeout: 20_000,
      maxBuffer: 64 * 1024 * 1024,
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

  // -------------------------------------------------------------------------------------------
  // Objects

  writeObject(type: string, content: Buffer): string {
    const header = Buffer.from(`${type} ${content.length}\0`);
    const raw = Buffer.concat([header, content]);
    const sha = createHash("sha1").update(raw).digest("hex");
    if (!this.objectCache.has(sha)) {
      const path = join(this.dir, "objects", sha.slice(0, 2), sha.slice(2));
      if (!existsSync(path)) {
        mkdirSync(join(this.dir, "objects", sha.slice(0, 2)), { recursive: true });
        writeFileSync(path, deflateSync(raw));
      }
      this.objectCache.set(sha, { type, content });
    }
    return sha;
  }

  readObject(sha: string): { type: string; content: Buffer } | null {
    if (!isSha(sha)) return null;
    const cached = this.objectCache.get(sha);
    if (cached) return cached;
    const path = join(this.dir, "objects", sha.slice(0, 2), sha.slice(2));
    let found: { type: string; content: Buffer } | null = null;
    if (existsSync(path)) {
      const raw = inflateSync(readFileSync(path));
      const nul = raw.indexOf(0);
      const [type = ""] = raw.subarray(0, nul).toString("latin1").split(" ");
      found = { type, content: raw.subarray(nul + 1) };
    } else {
      // Packed (a repository git packed itself): ask git.
      const type = this.exec(["cat-file", "-t", sha]);
      if (type.status !== 0) return null;
      const content = spawnSync("git", [`--git-dir=${this.dir}`, "cat-file", type.stdout.trim(), sha], {
        env: ENV,
        maxBuffer: 64 * 1024 * 1024,
      }).stdout;
      found = { type: type.stdout.trim(), content };
    }
    this.objectCache.set(sha, found);
    return found;
  }

  typeOf(sha: unknown): string | null {
    return isSha(sha) ? (this.readObject(sha)?.type ?? null) : null;
  }

  blob(content: string | Buffer): string {
    return this.writeObject("blob", Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"));
  }

  readBlob(sha: string): Buffer | null {
    const object = this.readObject(sha);
    return object?.type === "blob" ? object.content : null;
  }

  /** A tree from its entries, in git's order (a tree's name sorts as if it ended in `/`). */
  tree(entries: TreeEntry[]): string {
    const key = (e: TreeEntry) => Buffer.from(e.mode === "40000" ? `${e.name}/` : e.name, "utf8");
    const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
    const parts = sorted.map((e) =>
      Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`, "utf8"), Buffer.from(e.sha, "hex")]),
    );
    return this.writeObject("tree", Buffer.concat(parts));
  }

  readTree(sha: string): TreeEntry[] | null {
    const object = this.readObject(sha);
    if (object?.type !== "tree") return null;
    const entries: TreeEntry[] = [];
    const data = object.content;
    let at = 0;
    while (at < data.length) {
      const space = data.indexOf(0x20, at);
      const nul = data.indexOf(0, space);
      entries.push({
        mode: data.subarray(at, space).toString("latin1"),
        name: data.subarray(space + 1, nul).toString("utf8"),
        sha: data.subarray(nul + 1, nul + 21).toString("hex"),
      });
      at = nul + 21;
    }
    return entries;
  }

  /** Every file under a tree, by path. */
  flatTree(sha: string): Map<string, FileEntry> {
    const cached = this.flatCache.get(sha);
    if (cached) return cached;
    const files = new Map<string, FileEntry>();
    const walk = (treeSha: string, prefix: string) => {
      for (const entry of this.readTree(treeSha) ?? []) {
        if (entry.mode === "40000") walk(entry.sha, `${prefix}${entry.name}/`);
        else files.set(`${prefix}${entry.name}`, { mode: entry.mode, sha: entry.sha });
      }
    };
    walk(sha, "");
    this.flatCache.set(sha, files);
    return files;
  }

  /** The tree of a set of files by path (directories made as needed). */
  treeOfFiles(files: Map<string, FileEntry>): string {
    const root = new Map<string, FileEntry | Map<string, unknown>>();
    for (const [path, entry] of files) {
      const parts = path.split("/");
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let next = dir.get(part);
        if (!(next instanceof Map)) {
          next = new Map();
          dir.set(part, next);
        }
        dir = next as Map<string, FileEntry | Map<string, unknown>>;
      }
      dir.set(parts[parts.length - 1] as string, entry);
    }
    const write = (dir: Map<string, FileEntry | Map<string, unknown>>): string =>
      this.tree(
        [...dir].map(([name, value]) =>
          value instanceof Map
            ? { mode: "40000", name, sha: write(value as Map<string, FileEntry | Map<string, unknown>>) }
            : { mode: value.mode, name, sha: value.sha },
        ),
      );
    const sha = write(root);
    this.flatCache.set(sha, new Map(files));
    return sha;
  }

  /**
   * A new tree: `base` with files written (string/Buffer) or deleted (null). Only the trees on the
   * changed paths are rewritten, so a change costs the same in a repository of any size.
   */
  withFiles(base: string | null, changes: Record<string, string | Buffer | null>): string {
    const edit = (tree: string | null, edits: Map<string, string | Buffer | null>): string => {
      const entries = new Map((tree ? (this.readTree(tree) ?? []) : []).map((e) => [e.name, e]));
      const below = new Map<string, Map<string, string | Buffer | null>>();
      for (const [path, content] of edits) {
        const slash = path.indexOf("/");
        if (slash === -1) {
          if (content === null) entries.delete(path);
          else entries.set(path, { mode: "100644", name: path, sha: this.blob(content) });
          continue;
        }
        const dir = path.slice(0, slash);
        const inner = below.get(dir) ?? new Map<string, string | Buffer | null>();
        inner.set(path.slice(slash + 1), content);
        below.set(dir, inner);
      }
      for (const [dir, inner] of below) {
        const existing = entries.get(dir);
        const child = edit(existing?.mode === "40000" ? existing.sha : null, inner);
        // git has no empty directories.
        if (child === EMPTY_TREE) entries.delete(dir);
        else entries.set(dir, { mode: "40000", name: dir, sha: child });
      }
      return this.tree([...entries.values()]);
    };
    return edit(base, new Map(Object.entries(changes)));
  }

  commit(c: Omit<CommitObject, "sha">): string {
    const line = (p: Person) => {
      const seconds = Math.floor(Date.parse(p.date) / 1000);
      return `${p.name} <${p.email}> ${seconds} +0000`;
    };
    const text = [
      `tree ${c.tree}`,
      ...c.parents.map((p) => `parent ${p}`),
      `author ${line(c.author)}`,
      `committer ${line(c.committer)}`,
      "",
      c.message,
    ].join("\n");
    const sha = this.writeObject("commit", Buffer.from(text, "utf8"));
    this.commitCache.set(sha, { ...c, sha });
    return sha;
  }

  readCommit(sha: string): CommitObject | null {
    const cached = this.commitCache.get(sha);
    if (cached) return cached;
    const object = this.readObject(sha);
    if (object?.type !== "commit") return null;
    const text = object.content.toString("utf8");
    const split = text.indexOf("\n\n");
    const header = split === -1 ? text : text.slice(0, split);
    const message = split === -1 ? "" : text.slice(split + 2);
    const person = (kind: string): Person => {
      const match = new RegExp(`^${kind} (.*) <(.*)> (\\d+) ([+-]\\d{4})$`, "m").exec(header);
      return {
        name: match?.[1] ?? "",
        email: match?.[2] ?? "",
        date: `${new Date(Number(match?.[3] ?? 0) * 1000).toISOString().slice(0, 19)}Z`,
      };
    };
    const commit: CommitObject = {
      sha,
      tree: /^tree (\w+)$/m.exec(header)?.[1] ?? "",
      parents: [...header.matchAll(/^parent (\w+)$/gm)].map((m) => m[1] as string),
      author: person("author"),
      committer: person("committer"),
      message,
    };
    this.commitCache.set(sha, commit);
    return commit;
  }

  // -------------------------------------------------------------------------------------------
  // Refs

  /** A ref's sha (`refs/heads/main`), or null: the loose ref, else the packed one (no git process). */
  ref(qualified: string): string | null {
    if (!qualified.startsWith("refs/")) return null;
    try {
      const text = readFileSync(join(this.dir, qualified), "utf8").trim();
      if (isSha(text)) return text;
    } catch {
      // not a loose ref (or a directory of refs): look in packed-refs
    }
    try {
      for (const line of readFileSync(join(this.dir, "packed-refs"), "utf8").split("\n")) {
        const [sha, name] = line.split(" ");
        if (name === qualified && isSha(sha)) return sha;
      }
    } catch {
      // no packed refs
    }
    return null;
  }

  /** Sets a ref; with `expected`, only if it still points there (ZERO_SHA: only if it does not exist). */
  setRef(qualified: string, sha: string, expected?: string): boolean {
    const args = ["update-ref", qualified, sha, ...(expected ? [expected] : [])];
    return this.exec(args).status === 0;
  }

  /** Sets a ref by writing it (seeding: nothing else writes meanwhile, and no git process is spawned). */
  writeRef(qualified: string, sha: string): void {
    const path = join(this.dir, qualified);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${sha}\n`);
  }

  deleteRef(qualified: string): boolean {
    return this.exec(["update-ref", "-d", qualified]).status === 0;
  }

  /** Refs under a prefix (`refs/heads/`), with their shas. */
  refs(prefix = "refs/"): Array<{ ref: string; sha: string }> {
    const out = this.run("for-each-ref", "--format=%(refname) %(objectname)", prefix);
    return out
      ? out.split("\n").map((line) => {
          const [ref = "", sha = ""] = line.split(" ");
          return { ref, sha };
        })
      : [];
  }

  // -------------------------------------------------------------------------------------------
  // What git computes

  /** A revision expression as git reads it: the object's sha, null when unknown, "ambiguous" when it is. */
  revParse(expression: string): string | "ambiguous" | null {
    if (expression.startsWith("-") || expression === "") return null;
    const result = this.exec(["rev-parse", "--verify", "--quiet", expression]);
    if (result.status === 0) {
      const sha = result.stdout.trim();
      // A full-length sha parses whether or not the object exists.
      return this.typeOf(sha) ? sha : null;
    }
    const loud = this.exec(["rev-parse", "--verify", expression]);
    return /ambiguous/.test(loud.stderr) ? "ambiguous" : null;
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.exec(["merge-base", "--is-ancestor", ancestor, of]).status === 0;
  }

  mergeBase(a: string, b: string): string | null {
    const result = this.exec(["merge-base", a, b]);
    return result.status === 0 ? result.stdout.trim() : null;
  }

  /** `ahead`/`behind` of head against base, as GitHub's compare reports them. */
  aheadBehind(base: string, head: string): { ahead: number; behind: number } {
    const [behind = 0, ahead = 0] = this.run("rev-list", "--left-right", "--count", `${base}...${head}`)
      .split(/\s+/)
      .map(Number);
    return { ahead, behind };
  }

  /** Commits in head that base lacks, oldest first. */
  commitsBetween(base: string | null, head: string): string[] {
    const out = this.run("rev-list", "--reverse", head, ...(base ? [`^${base}`] : []));
    return out ? out.split("\n") : [];
  }

  /** GitHub's three-way merge of head into base. */
  merge(base: string, head: string): MergeResult {
    const result = this.exec(["merge-tree", "--write-tree", "--name-only", base, head]);
    if (result.status === 1) {
      const [first = "", ...rest] = result.stdout.split("\n\n");
      const files = first.split("\n").slice(1).filter(Boolean);
      return { kind: "conflict", files, detail: rest.join("\n\n").trim() };
    }
    if (result.status !== 0) throw new Error(`git merge-tree failed: ${result.stderr.trim()}`);
    return { kind: "clean", tree: result.stdout.split("\n", 1)[0] as string };
  }

  /** The history reachable from head, newest first, each commit with its change size (first parent). */
  log(head: string): LogEntry[] {
    const cached = this.logCache.get(head);
    if (cached) return cached;
    const out = this.run(
      "log",
      "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s",
      "--numstat",
      "--diff-merges=first-parent",
      head,
    );
    const entries = out
      .split("\x1e")
      .filter(Boolean)
      .map((record) => {
        const [header = "", ...stats] = record.split("\n");
        const [
          sha = "",
          parents = "",
          authorName = "",
          authorEmail = "",
          authorDate = "",
          committed = "",
          subject = "",
        ] = header.split("\x1f");
        let additions = 0;
        let deletions = 0;
        for (const line of stats) {
          const [a, d] = line.split("\t");
          if (a && a !== "-") additions += Number(a) || 0;
          if (d && d !== "-") deletions += Number(d) || 0;
        }
        return {
          sha,
          parents: parents ? parents.split(" ") : [],
          authorName,
          authorEmail,
          authorDate: utc(authorDate),
          committedDate: utc(committed),
          subject,
          additions,
          deletions,
        };
      });
    this.logCache.set(head, entries);
    return entries;
  }

  /** Lines a commit added and deleted (against its first parent). */
  stats(sha: string): { additions: number; deletions: number } {
    const out = this.run("show", "--numstat", "--format=", "--diff-merges=first-parent", sha);
    let additions = 0;
    let deletions = 0;
    for (const line of out.split("\n")) {
      const [a, d] = line.split("\t");
      if (a && a !== "-") additions += Number(a) || 0;
      if (d && d !== "-") deletions += Number(d) || 0;
    }
    return { additions, deletions };
  }

  /** The files that differ between two commits (or trees), with their line counts. */
  diff(from: string | null, to: string): FileChange[] {
    const base = from ?? this.emptyTree();
    const out = this.exec(["diff", "--raw", "--numstat", "-M", "-z", base, to]);
    if (out.status !== 0) throw new Error(`git diff failed: ${out.stderr.trim()}`);
    const fields = out.stdout.split("\0");
    const changes: FileChange[] = [];
    let i = 0;
    // --raw records first (":old new sha sha STATUS\0path[\0path]"), then numstat records.
    while (i < fields.length && fields[i]?.startsWith(":")) {
      const status = (fields[i] as string).split(" ")[4] ?? "M";
      const letter = status[0];
      if (letter === "R" || letter === "C") {
        changes.push({
          path: fields[i + 2] as string,
          previousPath: fields[i + 1] as string,
          status: "renamed",
          additions: 0,
          deletions: 0,
        });
        i += 3;
      } else {
        changes.push({
          path: fields[i + 1] as string,
          previousPath: null,
          status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified",
          additions: 0,
          deletions: 0,
        });
        i += 2;
      }
    }
    let n = 0;
    while (i < fields.length && n < changes.length) {
      const field = fields[i] as string;
      if (field === "") {
        i++;
        continue;
      }
      const [a = "0", d = "0", path = ""] = field.split("\t");
      const change = changes[n] as FileChange;
      change.additions = a === "-" ? 0 : Number(a);
      change.deletions = d === "-" ? 0 : Number(d);
      // A rename's numstat is "a\td\t\0old\0new".
      i += path === "" ? 3 : 1;
      n++;
    }
    return changes;
  }

  /** A unified diff between two commits, as `git diff` prints it. */
  patch(from: string, to: string): string {
    return this.run("diff", "-M", from, to);
  }

  emptyTree(): string {
    return this.tree([]);
  }

  /**
   * What `git revert --no-edit` (with `-m 1` for a merge) gives for `sha` on top of `onto`: the tree,
   * or null when git stops on a conflict. Done in a throwaway work tree; nothing here changes.
   */
  revertTree(sha: string, onto: string): string | null {
    const work = mkdtempSync(join(tmpdir(), "local-github-revert-"));
    const env = {
      GIT_AUTHOR_NAME: "check",
      GIT_AUTHOR_EMAIL: "check@example.com",
      GIT_COMMITTER_NAME: "check",
      GIT_COMMITTER_EMAIL: "check@example.com",
    };
    try {
      this.run("worktree", "add", "-q", "--detach", work, onto);
      const parents = this.readCommit(sha)?.parents.length ?? 0;
      const args = ["revert", "--no-edit", ...(parents > 1 ? ["-m", "1"] : []), sha];
      const reverted = spawnSync("git", args, { cwd: work, env: { ...ENV, ...env }, encoding: "utf8" });
      if (reverted.status !== 0) return null;
      return spawnSync("git", ["rev-parse", "HEAD^{tree}"], {
        cwd: work,
        env: ENV,
        encoding: "utf8",
      }).stdout.trim();
    } finally {
      this.exec(["worktree", "remove", "--force", work]);
      rmSync(work, { recursive: true, force: true });
      this.exec(["worktree", "prune"]);
    }
  }
}

/** `2026-11-22T14:05:03+00:00` → `2026-11-22T14:05:03Z`. */
function utc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19)}Z` : iso;
}
