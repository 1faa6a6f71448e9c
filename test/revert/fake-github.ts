// The revert engine's GitHub: the local GitHub (local-github/) serving the test's own git
// repository, with the few conveniences these tests use: pull requests as they stand (added and
// changed in place), faults by path, the requests as `METHOD path`. Links name https://github.com,
// as the engine's expected pull request bodies do.
import { Octokit } from "@octokit/core";
import type { GraphQLSchema } from "graphql";
import { type LocalGitHub, type PullRequest, startLocalGitHub } from "../../local-github/index.js";
import { githubSchema } from "../support/github-schema.js";
import type { GitRepo } from "./git.js";

/** GitHub's published schema, shared with the other fakes. */
export function schema(): GraphQLSchema {
  return githubSchema();
}

export interface RecordedRequest {
  method: string;
  /** As sent, URL-encoded. */
  path: string;
  body: any;
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed" | "merged";
  author: { login: string; type: "User" | "Bot" };
  /** The merge (or squash) commit of a merged pull request. */
  mergeCommit: string | null;
  /** Other commits it brought in (a merge-committed pull request's own commits). */
  commits: string[];
  labels: string[];
  reviewers: string[];
}

export interface Fault {
  method: string;
  /** Matched against the path without the query string, decoded. */
  path: string | RegExp;
  /** Fail the n-th matching request (1-based); the first by default. */
  nth?: number;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs when the fault fires, before the answer (e.g. another replica's write landing meanwhile). */
  onFire?: () => void;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Logins that may review. */
  collaborators?: string[];
  /**
   * What `object(expression:)` does with a short sha several objects start with. GitHub's exact
   * behaviour is not documented: `null` (as for an unknown sha), or an error that says so.
   */
  ambiguity?: "null" | "error";
  /** A 409 from `POST /merges` says "Merge conflict" (GitHub), or also git's lines naming the files. */
  conflictMessage?: "plain" | "detailed";
}

const TOKEN = "token-for-tests";

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  private local: LocalGitHub | null = null;

  constructor(
    readonly git: GitRepo,
    readonly options: FakeGitHubOptions = {},
  ) {
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "shop";
  }

  private get github(): LocalGitHub {
    if (!this.local) throw new Error("the fake GitHub is not started");
    return this.local;
  }

  get port(): number {
    return Number(new URL(this.github.url).port);
  }

  get baseUrl(): string {
    return this.github.apiUrl;
  }

  /** An Octokit with no retries or throttling, as the engine gets it. */
  octokit(): Octokit {
    return new Octokit({ baseUrl: this.baseUrl, auth: TOKEN });
  }

  async start(): Promise<this> {
    const github = await startLocalGitHub({
      app: false,
      webUrl: "https://github.com",
      quirks: {
        ambiguousShortSha: this.options.ambiguity ?? "null",
        detailedConflicts: this.options.conflictMessage === "detailed",
      },
    });
    this.local = github;
    const fullName = `${this.owner}/${this.repo}`;
    const repo = github.seed.repository(fullName, {
      defaultBranch: this.options.defaultBranch ?? "main",
      gitDir: this.git.dir,
    });
    for (const login of this.options.collaborators ?? ["alice", "bob"])
      github.seed.collaborator(fullName, login, "write");
    github.seed.token("firebreak[bot]", { token: TOKEN });
    repo.nextNumber = 100;
    return this;
  }

  async stop(): Promise<void> {
    await this.local?.stop();
  }

  /** Every request: method, path as sent, body. */
  get requests(): RecordedRequest[] {
    return this.github.requests.map((r) => ({ method: r.method, path: r.path, body: r.body }));
  }

  /** What the fake could not answer (a field, argument or route it does not model): tests expect none. */
  get problems(): string[] {
    return this.local?.problems ?? [];
  }

  /** Makes a request fail as GitHub would (5xx, rate limit...). */
  fail(fault: Fault): void {
    this.github.fault({
      method: fault.method,
      path: fault.path,
      status: fault.status,
      ...(fault.nth !== undefined ? { nth: fault.nth } : {}),
      ...(fault.body !== undefined ? { body: fault.body } : {}),
      ...(fault.headers ? { headers: fault.headers } : {}),
      ...(fault.onFire ? { onFire: fault.onFire } : {}),
    });
  }

  /** The requests as `METHOD path`, for exact assertions. */
  calls(): string[] {
    return this.requests.map(
      (r) => `${r.method} ${r.path.replace(`/api/v3/repos/${this.owner}/${this.repo}`, "")}`,
    );
  }

  branchExists(name: string): boolean {
    return this.git.exec(["rev-parse", "--verify", "--quiet", `refs/heads/${name}`]).status === 0;
  }

  addPull(pull: Partial<FakePull> & Pick<FakePull, "title" | "head">): FakePull {
    const author = pull.author ?? { login: "alice", type: "User" };
    const recorded = this.github.seed.pullRequest(`${this.owner}/${this.repo}`, {
      ...(pull.number !== undefined ? { number: pull.number } : {}),
      title: pull.title,
      body: pull.body ?? "",
      head: pull.head,
      base: pull.base ?? this.options.defaultBranch ?? "main",
      state: pull.state ?? "open",
      author: author.type === "Bot" ? `${author.login}[bot]` : author.login,
      mergeCommit: pull.mergeCommit ?? null,
      commits: pull.commits ?? [],
      labels: pull.labels ?? [],
      reviewers: pull.reviewers ?? [],
    });
    const repo = this.github.repo(`${this.owner}/${this.repo}`);
    repo.nextNumber = Math.max(repo.nextNumber, 100);
    return view(recorded);
  }

  /** The pull requests, live: setting `state` changes the local GitHub's. */
  get pulls(): FakePull[] {
    return [...this.github.repo(`${this.owner}/${this.repo}`).items.values()]
      .filter((i): i is PullRequest => i.kind === "pull")
      .map(view);
  }
}

function view(pull: PullRequest): FakePull {
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body,
    head: pull.head,
    base: pull.base,
    get state(): FakePull["state"] {
      return pull.merged ? "merged" : pull.state;
    },
    set state(state: FakePull["state"]) {
      pull.merged = state === "merged";
      pull.state = state === "open" ? "open" : "closed";
    },
    author: pull.author.endsWith("[bot]")
      ? { login: pull.author.replace(/\[bot\]$/, ""), type: "Bot" }
      : { login: pull.author, type: "User" },
    mergeCommit: pull.mergeCommit,
    commits: pull.commits,
    labels: pull.labels.map((l) => l.name),
    reviewers: pull.requestedReviewers,
  };
}
