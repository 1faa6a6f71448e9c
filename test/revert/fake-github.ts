// A loopback GitHub for the revert engine, backed by a real git repository.
//
// The git endpoints do what GitHub does, with git itself: `git commit-tree` for commits,
// `git update-ref` for refs, `git merge-tree --write-tree` for `POST /merges`. The GraphQL
// endpoint executes the query against GitHub's published schema; every field it answers is modelled
// here, and any other field or argument is an error, never a silent null. Pull requests, labels and
// review requests live in memory. Every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/core";
import {
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  parse,
  validate,
} from "graphql";
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

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[] = [];
  readonly pulls: FakePull[] = [];
  readonly faults: Array<Fault & { seen: number }> = [];
  /** What the fake could not answer (a field, argument or route it does not model): tests expect none. */
  readonly problems: string[] = [];
  private server: Server | null = null;
  private nextNumber = 100;
  port = 0;

  constructor(
    readonly git: GitRepo,
    readonly options: FakeGitHubOptions = {},
  ) {
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "shop";
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v3`;
  }

  /** An Octokit with no retries or throttling, as the engine gets it. */
  octokit(): Octokit {
    return new Octokit({ baseUrl: this.baseUrl, auth: "token-for-tests" });
  }

  async start(): Promise<this> {
    schema();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.problems.push(String(error));
        send(res, 500, { message: `fake GitHub cannot answer: ${String(error)}` });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addPull(pull: Partial<FakePull> & Pick<FakePull, "title" | "head">): FakePull {
    const full: FakePull = {
      number: pull.number ?? this.nextNumber++,
      body: "",
      base: this.options.defaultBranch ?? "main",
      state: "open",
      author: { login: "alice", type: "User" },
      mergeCommit: null,
      commits: [],
      labels: [],
      reviewers: [],
      ...pull,
    };
    this.nextNumber = Math.max(this.nextNumber, full.number + 1);
    this.pulls.push(full);
    return full;
  }

  /** Makes a request fail as GitHub would (5xx, rate limit...). */
  fail(fault: Fault): void {
    this.faults.push({ ...fault, seen: 0 });
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

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    this.requests.push({ method, path: `${url.pathname}${url.search}`, body });

    const decodedPath = decodeURIComponent(url.pathname);
    for (const fault of this.faults) {
      const matches =
        fault.method === method &&
        (typeof fault.path === "string" ? fault.path === decodedPath : fault.path.test(decodedPath));
      if (!matches) continue;
      fault.seen += 1;
      if (fault.seen === (fault.nth ?? 1)) {
        fault.onFire?.();
        send(res, fault.status, fault.body ?? { message: "Server Error" }, fault.headers);
        return;
      }
    }

    if (method === "POST" && url.pathname === "/api/graphql") return this.graphql(res, body);
    const prefix = `/api/v3/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { message: "Not Found" });
    const route = url.pathname.slice(prefix.length);
    const refMatch = /^\/git\/refs\/(.+)$/.exec(route);

    if (method === "POST" && route === "/git/commits") return this.createCommit(res, body);
    if (method === "POST" && route === "/git/refs") return this.createRef(res, body);
    if (method === "PATCH" && refMatch?.[1])
      return this.updateRef(res, decodeURIComponent(refMatch[1]), body);
    if (method === "DELETE" && refMatch?.[1]) return this.deleteRef(res, decodeURIComponent(refMatch[1]));
    if (method === "POST" && route === "/merges") return this.merge(res, body);
    if (method === "POST" && route === "/pulls") return this.createPull(res, body);
    if (method === "GET" && route === "/pulls") return this.listPulls(res, url.searchParams);
    const labels = /^\/issues\/(\d+)\/labels$/.exec(route);
    if (method === "POST" && labels?.[1]) return this.addLabels(res, Number(labels[1]), body);
    const reviewers = /^\/pulls\/(\d+)\/requested_reviewers$/.exec(route);
    if (method === "POST" && reviewers?.[1]) return this.requestReviewers(res, Number(reviewers[1]), body);
    throw new Error(`not modelled: ${method} ${route}`);
  }

  // -------------------------------------------------------------------------------------------
  // Git data

  // Git objects never change: what was read once is kept (an object that does not exist yet is asked again).
  private readonly types = new Map<string, string>();
  private readonly commits = new Map<string, ReturnType<FakeGitHub["commitShape"]>>();

  private objectType(sha: unknown): string | null {
    if (typeof sha !== "string" || !/^[0-9a-f]{40}$/.test(sha)) return null;
    const known = this.types.get(sha);
    if (known) return known;
    const result = this.git.exec(["cat-file", "-t", sha]);
    if (result.status !== 0) return null;
    this.types.set(sha, result.stdout.trim());
    return result.stdout.trim();
  }

  private resolveRef(qualified: string): string | null {
    const result = this.git.exec(["rev-parse", "--verify", "--quiet", qualified]);
    return result.status === 0 ? result.stdout.trim() : null;
  }

  private commitJson(sha: string) {
    let commit = this.commits.get(sha);
    if (!commit) {
      commit = this.readCommit(sha);
      this.commits.set(sha, commit);
    }
    return commit;
  }

  private readCommit(sha: string) {
    const raw = this.git.run("cat-file", "commit", sha);
    const [header = "", ...rest] = raw.split("\n\n");
    const tree = /^tree (\w+)$/m.exec(header)?.[1] ?? "";
    const parents = [...header.matchAll(/^parent (\w+)$/gm)].map((m) => m[1] as string);
    return this.commitShape(sha, tree, parents, rest.join("\n\n"));
  }

  private commitShape(sha: string, tree: string, parents: string[], message: string) {
    const person = {
      name: "firebreak[bot]",
      email: "firebreak[bot]@users.noreply.github.com",
      date: "2026-11-22T14:30:00Z",
    };
    const api = `${this.baseUrl}/repos/${this.owner}/${this.repo}`;
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${api}/git/commits/${sha}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/commit/${sha}`,
      author: person,
      committer: person,
      message: message.replace(/\n$/, ""),
      tree: { sha: tree, url: `${api}/git/trees/${tree}` },
      parents: parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}` })),
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** Writes a commit and returns it as the REST API shows it (known, so not read back). */
  private writeCommit(tree: string, parents: string[], message: string): string {
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"];
    const result = this.git.exec(args, {
      input: message,
      env: {
        GIT_AUTHOR_NAME: "firebreak[bot]",
        GIT_AUTHOR_EMAIL: "bot@example.com",
        GIT_COMMITTER_NAME: "GitHub",
        GIT_COMMITTER_EMAIL: "noreply@github.com",
      },
    });
    if (result.status !== 0) throw new Error(`commit-tree failed: ${result.stderr}`);
    const sha = result.stdout.trim();
    this.types.set(sha, "commit");
    this.commits.set(sha, this.commitShape(sha, tree, parents, message));
    return sha;
  }

  private createCommit(res: ServerResponse, body: any) {
    if (typeof body?.message !== "string") return send(res, 422, validationFailed("message"));
    if (this.objectType(body.tree) !== "tree") return send(res, 422, { message: "Tree SHA does not exist" });
    const parents: unknown[] = body.parents ?? [];
    if (!Array.isArray(parents) || parents.some((p) => this.objectType(p) !== "commit")) {
      return send(res, 422, { message: "Parent SHA does not exist or is not a commit object" });
    }
    const sha = this.writeCommit(body.tree, parents as string[], body.message);
    send(res, 201, this.commitJson(sha));
  }

  private refJson(ref: string, sha: string) {
    return {
      ref,
      node_id: `REF_${ref}`,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/git/${ref}`,
      object: {
        type: "commit",
        sha,
        url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/git/commits/${sha}`,
      },
    };
  }

  private createRef(res: ServerResponse, body: any) {
    const ref = body?.ref;
    if (
      typeof ref !== "string" ||
      !ref.startsWith("refs/") ||
      ref.split("/").length < 3 ||
      !/^[\w./-]+$/.test(ref) ||
      /\.\.|\/\/|\/$|\.lock$|\.$/.test(ref)
    ) {
      return send(res, 422, { message: `${String(ref)} is not a valid ref name.` });
    }
    if (this.objectType(body.sha) === null) return send(res, 422, { message: "Object does not exist" });
    if (this.resolveRef(ref)) return send(res, 422, { message: "Reference already exists" });
    this.git.run("update-ref", ref, body.sha, "0000000000000000000000000000000000000000");
    send(res, 201, this.refJson(ref, body.sha));
  }

  private updateRef(res: ServerResponse, ref: string, body: any) {
    const qualified = `refs/${ref}`;
    const current = this.resolveRef(qualified);
    if (!current) return send(res, 422, { message: "Reference does not exist" });
    if (this.objectType(body?.sha) !== "commit") return send(res, 422, { message: "Object does not exist" });
    const fastForward = () => this.git.exec(["merge-base", "--is-ancestor", current, body.sha]).status === 0;
    if (body.force !== true && !fastForward())
      return send(res, 422, { message: "Update is not a fast forward" });
    this.git.run("update-ref", qualified, body.sha, current);
    send(res, 200, this.refJson(qualified, body.sha));
  }

  private deleteRef(res: ServerResponse, ref: string) {
    const qualified = `refs/${ref}`;
    if (!this.resolveRef(qualified)) return send(res, 422, { message: "Reference does not exist" });
    this.git.run("update-ref", "-d", qualified);
    send(res, 204, undefined);
  }

  private merge(res: ServerResponse, body: any) {
    const base = typeof body?.base === "string" ? this.resolveRef(`refs/heads/${body.base}`) : null;
    if (!base) return send(res, 404, { message: "Base does not exist" });
    const headName = String(body.head ?? "");
    const head =
      this.resolveRef(`refs/heads/${headName}`) ?? (this.objectType(headName) === "commit" ? headName : null);
    if (!head) return send(res, 404, { message: "Head does not exist" });
    if (this.git.exec(["merge-base", "--is-ancestor", head, base]).status === 0)
      return send(res, 204, undefined);
    const merged = this.git.exec(["merge-tree", "--write-tree", "--name-only", base, head]);
    if (merged.status === 1) {
      const message =
        this.options.conflictMessage === "detailed"
          ? `Merge conflict\n${merged.stdout.split("\n\n").slice(1).join("\n\n").trim()}`
          : "Merge conflict";
      return send(res, 409, {
        message,
        documentation_url: "https://docs.github.com/rest/branches/branches#merge-a-branch",
      });
    }
    if (merged.status !== 0) throw new Error(`merge-tree failed: ${merged.stderr}`);
    const tree = merged.stdout.split("\n", 1)[0] as string;
    const message =
      typeof body.commit_message === "string" ? body.commit_message : `Merge ${headName} into ${body.base}`;
    const sha = this.writeCommit(tree, [base, head], message);
    this.git.run("update-ref", `refs/heads/${body.base}`, sha, base);
    const commit = this.commitJson(sha);
    send(res, 201, {
      sha,
      node_id: commit.node_id,
      commit: {
        author: commit.author,
        committer: commit.committer,
        message: commit.message,
        tree: commit.tree,
        url: commit.url,
        comment_count: 0,
        verification: commit.verification,
      },
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/commits/${sha}`,
      html_url: commit.html_url,
      comments_url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/commits/${sha}/comments`,
      author: null,
      committer: null,
      parents: commit.parents,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Pull requests, labels, reviews (in memory)

  private pullJson(pull: FakePull, headSha: string | null = null) {
    const url = `https://github.com/${this.owner}/${this.repo}/pull/${pull.number}`;
    return {
      number: pull.number,
      node_id: `PR_${pull.number}`,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/pulls/${pull.number}`,
      html_url: url,
      state: pull.state === "open" ? "open" : "closed",
      merged_at: pull.state === "merged" ? "2026-11-22T14:00:00Z" : null,
      title: pull.title,
      body: pull.body,
      user: {
        login: pull.author.type === "Bot" ? `${pull.author.login}[bot]` : pull.author.login,
        type: pull.author.type,
      },
      head: { ref: pull.head, sha: headSha, label: `${this.owner}:${pull.head}` },
      base: { ref: pull.base },
      labels: pull.labels.map((name) => ({ name })),
      requested_reviewers: pull.reviewers.map((login) => ({ login })),
    };
  }

  private createPull(res: ServerResponse, body: any) {
    if (typeof body?.title !== "string" || !body.title) return send(res, 422, validationFailed("title"));
    if (!this.resolveRef(`refs/heads/${body.base}`)) return send(res, 422, validationFailed("base"));
    const headSha = this.resolveRef(`refs/heads/${body.head}`);
    if (!headSha) return send(res, 422, validationFailed("head"));
    if (this.pulls.some((p) => p.state === "open" && p.head === body.head && p.base === body.base)) {
      return send(res, 422, {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${this.owner}:${body.head}.`,
          },
        ],
      });
    }
    const pull = this.addPull({
      title: body.title,
      body: body.body ?? "",
      head: body.head,
      base: body.base,
      author: { login: "firebreak", type: "Bot" },
    });
    send(res, 201, this.pullJson(pull, headSha));
  }

  private listPulls(res: ServerResponse, params: URLSearchParams) {
    const allowed = new Set(["head", "state", "per_page"]);
    for (const key of params.keys()) {
      if (!allowed.has(key)) throw new Error(`not modelled: pulls?${key}`);
    }
    const head = params.get("head");
    const state = params.get("state") ?? "open";
    const found = this.pulls.filter(
      (p) =>
        (!head || `${this.owner}:${p.head}` === head) &&
        (state === "all" || (state === "open" ? p.state === "open" : p.state !== "open")),
    );
    send(
      res,
      200,
      found.map((p) => this.pullJson(p)),
    );
  }

  private addLabels(res: ServerResponse, number: number, body: any) {
    const pull = this.pulls.find((p) => p.number === number);
    if (!pull) return send(res, 404, { message: "Not Found" });
    if (!Array.isArray(body?.labels)) return send(res, 422, validationFailed("labels"));
    for (const label of body.labels as string[]) if (!pull.labels.includes(label)) pull.labels.push(label);
    send(
      res,
      200,
      pull.labels.map((name, i) => ({
        id: i + 1,
        node_id: `LA_${name}`,
        name,
        color: "ededed",
        default: false,
      })),
    );
  }

  private requestReviewers(res: ServerResponse, number: number, body: any) {
    const pull = this.pulls.find((p) => p.number === number);
    if (!pull) return send(res, 404, { message: "Not Found" });
    const logins: string[] = body?.reviewers ?? [];
    const collaborators = this.options.collaborators ?? ["alice", "bob"];
    if (logins.some((login) => !collaborators.includes(login))) {
      return send(res, 422, {
        message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${this.owner}/${this.repo} repository.`,
      });
    }
    pull.reviewers.push(...logins);
    send(res, 201, this.pullJson(pull));
  }

  // -------------------------------------------------------------------------------------------
  // GraphQL

  private graphql(res: ServerResponse, body: any) {
    let document: ReturnType<typeof parse>;
    try {
      document = parse(body?.query ?? "");
    } catch (error) {
      return send(res, 200, { errors: [{ message: String(error) }] });
    }
    const invalid = validate(schema(), document);
    if (invalid.length > 0) return send(res, 200, { errors: invalid.map((e) => ({ message: e.message })) });
    const result = execute({
      schema: schema(),
      document,
      variableValues: body.variables ?? {},
      fieldResolver: this.fieldResolver,
      typeResolver: (value: any) => value.__typename,
    }) as { data?: unknown; errors?: readonly GraphQLError[] };
    if (result instanceof Promise) throw new Error("resolvers are synchronous");
    const errors = result.errors?.map((e) => {
      // Anything not modelled fails the test loudly instead of reading as a null.
      if (e.extensions.type === undefined) throw new Error(`GraphQL: ${e.message} at ${e.path?.join(".")}`);
      return { type: e.extensions.type, path: e.path, locations: e.locations, message: e.message };
    });
    send(res, 200, errors ? { data: result.data, errors } : { data: result.data });
  }

  private readonly fieldResolver: GraphQLFieldResolver<any, unknown> = (source, args, _context, info) => {
    const key = `${info.parentType.name}.${info.fieldName}`;
    const resolver = this.resolvers[key];
    if (resolver) return resolver(source, args);
    if (Object.keys(args).length === 0 && source && Object.hasOwn(source, info.fieldName)) {
      return source[info.fieldName];
    }
    throw new Error(`not modelled: ${key}(${Object.keys(args).join(", ")})`);
  };

  private commitNode(oid: string) {
    return { __typename: "Commit", oid };
  }

  private objectNode(oid: string) {
    const type = this.objectType(oid);
    if (type === "commit") return this.commitNode(oid);
    const typename = { tree: "Tree", blob: "Blob", tag: "Tag" }[type ?? ""];
    if (!typename) throw new Error(`unknown object ${oid}`);
    return { __typename: typename, oid };
  }

  private pullNode(pull: FakePull) {
    return { __typename: "PullRequest", pull };
  }

  /** `git rev-parse` as GitHub's revision expressions: null when unknown, ambiguity per the options. */
  private revParse(expression: string, path: string): string | null {
    if (expression.startsWith("-")) throw new Error(`not modelled: an option as a revision (${expression})`);
    const result = this.git.exec(["rev-parse", "--verify", expression]);
    // A full-length sha parses whether or not the object exists.
    if (result.status === 0) return this.objectType(result.stdout.trim()) ? result.stdout.trim() : null;
    if (/is ambiguous/.test(result.stderr) && this.options.ambiguity === "error") {
      throw new GraphQLError(`Short sha ${expression} is ambiguous (${path})`, {
        extensions: { type: "UNPROCESSABLE" },
      });
    }
    return null;
  }

  private readonly resolvers: Record<string, (source: any, args: any) => unknown> = {
    "Query.repository": (_source, args) => {
      only(args, ["owner", "name", "followRenames"]);
      if (args.owner !== this.owner || args.name !== this.repo) {
        throw new GraphQLError(
          `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
          {
            extensions: { type: "NOT_FOUND" },
          },
        );
      }
      return { __typename: "Repository" };
    },
    "Repository.ref": (_source, args) => {
      only(args, ["qualifiedName"]);
      const oid = this.resolveRef(args.qualifiedName);
      return oid ? { __typename: "Ref", qualifiedName: args.qualifiedName, oid } : null;
    },
    "Ref.target": (ref) => this.objectNode(ref.oid),
    "Ref.compare": (ref, args) => {
      only(args, ["headRef"]);
      const head = this.revParse(`${args.headRef}`, "compare");
      if (!head || this.objectType(head) !== "commit") return null;
      const [behindBy, aheadBy] = this.git
        .run("rev-list", "--left-right", "--count", `${ref.oid}...${head}`)
        .split(/\s+/)
        .map(Number) as [number, number];
      const status =
        aheadBy === 0 && behindBy === 0
          ? "IDENTICAL"
          : aheadBy > 0 && behindBy > 0
            ? "DIVERGED"
            : aheadBy > 0
              ? "AHEAD"
              : "BEHIND";
      return { status, aheadBy, behindBy };
    },
    "Repository.object": (_source, args) => {
      only(args, ["expression"]);
      const oid = this.revParse(args.expression, "object");
      return oid ? this.objectNode(oid) : null;
    },
    "Commit.message": (commit) => this.commitJson(commit.oid).message,
    "Commit.url": (commit) => `https://github.com/${this.owner}/${this.repo}/commit/${commit.oid}`,
    "Commit.tree": (commit) => ({ __typename: "Tree", oid: this.commitJson(commit.oid).tree.sha }),
    "Commit.parents": (commit, args) => {
      only(args, ["first"]);
      const parents = this.commitJson(commit.oid).parents.map((p) => this.commitNode(p.sha));
      return { totalCount: parents.length, nodes: parents.slice(0, args.first ?? 100) };
    },
    "Commit.associatedPullRequests": (commit, args) => {
      only(args, ["first", "orderBy"]); // orderBy: the schema's default, oldest first
      if (args.orderBy && args.orderBy.direction !== "ASC") throw new Error("not modelled: that order");
      const found = this.pulls.filter(
        (p) => p.state === "merged" && (p.mergeCommit === commit.oid || p.commits.includes(commit.oid)),
      );
      return { nodes: found.slice(0, args.first).map((p) => this.pullNode(p)) };
    },
    "Repository.pullRequest": (_source, args) => {
      only(args, ["number"]);
      const pull = this.pulls.find((p) => p.number === args.number);
      if (!pull) {
        throw new GraphQLError(`Could not resolve to a PullRequest with the number of ${args.number}.`, {
          extensions: { type: "NOT_FOUND" },
        });
      }
      return this.pullNode(pull);
    },
    "Repository.pullRequests": (_source, args) => {
      only(args, ["headRefName", "states", "labels", "first", "orderBy"]);
      if (args.orderBy && (args.orderBy.field !== "CREATED_AT" || args.orderBy.direction !== "DESC")) {
        throw new Error("not modelled: that order");
      }
      const states: string[] | undefined = args.states;
      const found = this.pulls
        .filter(
          (p) =>
            (args.headRefName === undefined || p.head === args.headRefName) &&
            (!states || states.includes(p.state.toUpperCase())) &&
            (!args.labels || args.labels.some((label: string) => p.labels.includes(label))),
        )
        .sort((a, b) => b.number - a.number);
      return { nodes: found.slice(0, args.first).map((p) => this.pullNode(p)) };
    },
    "PullRequest.number": ({ pull }) => pull.number,
    "PullRequest.title": ({ pull }) => pull.title,
    "PullRequest.url": ({ pull }) => `https://github.com/${this.owner}/${this.repo}/pull/${pull.number}`,
    "PullRequest.state": ({ pull }) => pull.state.toUpperCase(),
    "PullRequest.merged": ({ pull }) => pull.state === "merged",
    "PullRequest.baseRefName": ({ pull }) => pull.base,
    "PullRequest.headRefName": ({ pull }) => pull.head,
    // GraphQL names a bot without the `[bot]` REST logins carry.
    "PullRequest.author": ({ pull }) => ({ __typename: pull.author.type, login: pull.author.login }),
    "PullRequest.mergeCommit": ({ pull }) => (pull.mergeCommit ? this.commitNode(pull.mergeCommit) : null),
  };
}

function only(args: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(args).filter((key) => !allowed.includes(key) && args[key] !== undefined);
  if (extra.length > 0) throw new Error(`not modelled: argument ${extra.join(", ")}`);
}

function validationFailed(field: string) {
  return { message: "Validation Failed", errors: [{ resource: "PullRequest", field, code: "invalid" }] };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}
