// A stateful GitHub for the companion Action's tests: one repository (acme/shop) with its git
// objects, issues and their timelines, pull requests, labels, users, the issue search and an
// organisation's Projects board. GraphQL documents are validated against GitHub's published schema
// and executed over the state (any field it does not model is an error, never a silent null); the
// REST routes the Action uses are modelled. Served through nock, or over loopback HTTP for the
// built bundle. Every request is recorded.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { schema as published } from "@octokit/graphql-schema";
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import nock from "nock";

type Json = Record<string, any>;

export const API = "https://api.github.com";
const WEB = "https://github.com";
export const VIEWER = "github-actions[bot]";

let schemaCache: GraphQLSchema | null = null;
export function githubSchema(): GraphQLSchema {
  // The published SDL defines one field twice, which full SDL validation rejects.
  schemaCache ??= buildSchema(published.idl, { assumeValidSDL: true });
  return schemaCache;
}

class GitHubError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
class Unmodelled extends Error {}

const strictResolver: GraphQLFieldResolver<any, unknown> = (source, args, _context, info) => {
  const where = `${info.parentType.name}.${info.fieldName}`;
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new Unmodelled(`the fake does not model ${where}`);
  }
  const value = source[info.fieldName];
  if (value === undefined) throw new Unmodelled(`the fake has no value for ${where}`);
  return typeof value === "function" ? value.call(source, args) : value;
};

const cursorOf = (n: number) => Buffer.from(`cursor:${n}`).toString("base64");
const offsetOf = (cursor: string) => Number(Buffer.from(cursor, "base64").toString().replace("cursor:", ""));

function connection<T>(items: T[], args: Json, node: (item: T) => unknown = (x) => x): Json {
  if (args.last != null) {
    const slice = items.slice(Math.max(0, items.length - args.last));
    return {
      totalCount: items.length,
      nodes: slice.map(node),
      pageInfo: { hasNextPage: false, endCursor: null },
    };
  }
  if (typeof args.first !== "number")
    throw new GitHubError("MISSING_PAGINATION_BOUNDARIES", "first or last is required");
  if (args.first > 100) throw new GitHubError("EXCESSIVE_PAGINATION", "first is limited to 100");
  const offset = args.after ? offsetOf(args.after) : 0;
  const slice = items.slice(offset, offset + args.first);
  return {
    totalCount: items.length,
    nodes: slice.map(node),
    pageInfo: {
      hasNextPage: offset + slice.length < items.length,
      endCursor: slice.length > 0 ? cursorOf(offset + slice.length) : null,
    },
  };
}

export interface GitCommit {
  oid: string;
  message: string;
  tree: string;
  parents: string[];
  committerEmail: string;
  authorName: string;
  authorLogin: string | null;
}

export interface FakeIssue {
  id: string;
  number: number;
  title: string;
  body: string;
  author: { __typename: string; login: string };
  state: "OPEN" | "CLOSED";
  createdAt: string;
  closedAt: string | null;
  labels: string[];
  assignees: string[];
  /** Timeline nodes as GraphQL returns them (see fixtures.ts). */
  timeline: Json[];
  /** Why a closed issue was closed (COMPLETED when not given). */
  stateReason?: "COMPLETED" | "NOT_PLANNED" | "REOPENED" | null;
}

export interface FakePull {
  id: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  mergeCommit: string | null;
  labels: string[];
  reviewers: string[];
  comments: Array<{ id: string; body: string; author: string }>;
}

export interface ProjectField {
  id: string;
  name: string;
  dataType: "TEXT" | "DATE" | "SINGLE_SELECT" | "NUMBER" | "ITERATION" | "TITLE";
  options?: Array<{ id: string; name: string }>;
}

export interface FakeProject {
  id: string;
  number: number;
  title: string;
  fields: ProjectField[];
  items: Array<{ id: string; contentId: string; values: Map<string, unknown> }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** As sent, with any GitHub Enterprise prefix (`/api/v3`, `/api/graphql`). */
  rawPath: string;
  /** For GraphQL, the operation name. */
  operation: string | null;
  body: Json;
  status: number;
  project: boolean;
}

export class FakeGitHub {
  readonly owner = "acme";
  readonly repo = "shop";
  readonly repoId = "R_shop";
  readonly repoUrl = `${WEB}/acme/shop`;
  readonly defaultBranch = "main";
  readonly objects = new Map<string, GitCommit>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly refs = new Map<string, string>();
  readonly labels = new Map<string, { id: string; name: string }>();
  readonly users = new Map<string, { id: string; login: string; type: "User" | "Bot" }>();
  readonly collaborators = new Set<string>();
  readonly issues = new Map<number, FakeIssue>();
  readonly pulls = new Map<number, FakePull>();
  readonly projects = new Map<number, FakeProject>();
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  /** Issues the search does not return yet (GitHub's index lags behind). */
  readonly notIndexed = new Set<number>();
  /** The project token may read the board but not write to it. */
  projectReadOnly = false;
  private readonly refusals: Array<{ route: string; status: number; message: string; type?: string }> = [];
  private nextNumber = 100;
  private nextId = 1;
  private server: Server | null = null;

  constructor() {
    githubSchema();
    this.addUser(VIEWER.replace("[bot]", ""), "Bot");
    this.addUser("firebreak", "Bot");
    const tree = this.tree(new Map([["README.md", "# shop\n"]]));
    const root = this.commit({
      message: "Initial commit",
      tree,
      parents: [],
      committerEmail: "alice@example.com",
      authorName: "alice",
      authorLogin: "alice",
    });
    this.refs.set(this.defaultBranch, root);
  }

  // -------------------------------------------------------------------------------------------
  // State

  id(prefix: string): string {
    return `${prefix}_${(this.nextId++).toString(36).padStart(3, "0")}`;
  }

  addUser(login: string, type: "User" | "Bot" = "User", collaborator = true) {
    const user = { id: `U_${login}`, login, type };
    this.users.set(login.toLowerCase(), user);
    if (collaborator && type === "User") this.collaborators.add(login.toLowerCase());
    return user;
  }

  addLabel(name: string) {
    const label = { id: `LA_${name}`, name };
    this.labels.set(name.toLowerCase(), label);
    return label;
  }

  tree(files: Map<string, string>): string {
    const oid = createHash("sha1")
      .update(JSON.stringify([...files.entries()].sort(([a], [b]) => a.localeCompare(b))))
      .digest("hex");
    this.trees.set(oid, new Map(files));
    return oid;
  }

  commit(c: Omit<GitCommit, "oid">): string {
    const oid = createHash("sha1")
      .update(JSON.stringify([c, this.nextId++]))
      .digest("hex");
    this.objects.set(oid, { ...c, oid });
    return oid;
  }

  filesAt(rev: string): Map<string, string> | null {
    const oid = this.refs.get(rev) ?? (rev === "HEAD" ? this.refs.get(this.defaultBranch) : rev);
    const commit = oid ? this.objects.get(oid) : undefined;
    return commit ? (this.trees.get(commit.tree) ?? null) : null;
  }

  /** A file on the default branch, in a commit by a person. */
  putFile(path: string, content: string): void {
    this.pushCommit(this.defaultBranch, { path, content, message: `Add ${path}`, author: "alice" });
  }

  /** A person commits to a branch (in the web editor, or by pushing). */
  pushCommit(branch: string, c: { path: string; content: string; message: string; author: string }): string {
    const head = this.refs.get(branch);
    if (!head) throw new Error(`no branch ${branch}`);
    const files = new Map(this.filesAt(head) ?? []);
    files.set(c.path, c.content);
    const oid = this.commit({
      message: c.message,
      tree: this.tree(files),
      parents: [head],
      committerEmail: `${c.author}@example.com`,
      authorName: c.author,
      authorLogin: c.author,
    });
    this.refs.set(branch, oid);
    return oid;
  }

  addIssue(issue: Omit<FakeIssue, "id"> & { id?: string }): FakeIssue {
    const full = { ...issue, id: issue.id ?? `I_${issue.number}` };
    this.issues.set(issue.number, full);
    this.nextNumber = Math.max(this.nextNumber, issue.number + 1);
    return full;
  }

  addProject(project: Omit<FakeProject, "items">): FakeProject {
    const full = { ...project, items: [] };
    this.projects.set(project.number, full);
    return full;
  }

  /** Commits reachable from `oid`, newest first. */
  history(oid: string): GitCommit[] {
    const out: GitCommit[] = [];
    const seen = new Set<string>();
    const queue = [oid];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      const commit = this.objects.get(next);
      if (!commit) continue;
      out.push(commit);
      queue.push(...commit.parents);
    }
    return out;
  }

  /** Commits on `head` that `base` lacks, oldest first. */
  ahead(base: string, head: string): GitCommit[] {
    const inBase = new Set(this.history(base).map((c) => c.oid));
    return this.history(head)
      .filter((c) => !inBase.has(c.oid))
      .reverse();
  }

  /** A person merges a pull request; returns the `pull_request` webhook payload of its closing. */
  merge(number: number, by = "bob"): Json {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`no pull request #${number}`);
    const head = this.refs.get(pull.head) as string;
    const base = this.refs.get(pull.base) as string;
    const merge = this.commit({
      message: `Merge pull request #${number}`,
      tree: (this.objects.get(head) as GitCommit).tree,
      parents: [base, head],
      committerEmail: `${by}@example.com`,
      authorName: by,
      authorLogin: by,
    });
    this.refs.set(pull.base, merge);
    pull.state = "MERGED";
    pull.mergeCommit = merge;
    return this.pullPayload(pull, by);
  }

  pullPayload(pull: FakePull, sender = "bob"): Json {
    const repository = {
      full_name: `${this.owner}/${this.repo}`,
      name: this.repo,
      owner: { login: this.owner },
    };
    return {
      action: "closed",
      number: pull.number,
      pull_request: {
        number: pull.number,
        node_id: pull.id,
        html_url: `${this.repoUrl}/pull/${pull.number}`,
        title: pull.title,
        body: pull.body,
        state: pull.state === "OPEN" ? "open" : "closed",
        merged: pull.state === "MERGED",
        merge_commit_sha: pull.mergeCommit,
        head: { ref: pull.head, sha: this.refs.get(pull.head), repo: repository },
        base: { ref: pull.base, repo: repository },
        labels: pull.labels.map((name) => ({ name })),
      },
      repository,
      sender: { login: sender, type: "User" },
    };
  }

  /** The next request to a route answers this error (e.g. a token without a permission). */
  refuse(route: string, status: number, message: string, type?: string): void {
    this.refusals.push({ route, status, message, ...(type ? { type } : {}) });
  }

  private refusal(route: string): { status: number; message: string; type?: string } | null {
    const at = this.refusals.findIndex((r) => r.route === route);
    if (at === -1) return null;
    return this.refusals.splice(at, 1)[0] ?? null;
  }

  /** Requests, without those to the project board. */
  repositoryRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !r.project);
  }

  // -------------------------------------------------------------------------------------------
  // Serving

  handle(method: string, rawPath: string, body: Json, headers: Record<string, unknown>): [number, Json] {
    const path = decodeURIComponent(rawPath.split("?")[0] ?? "")
      .replace(/^\/api\/v3/, "")
      .replace(/^\/api\/graphql$/, "/graphql");
    const project = String(headers.authorization ?? "").includes("project");
    const record: RecordedRequest = { method, path, rawPath, operation: null, body, status: 0, project };
    let answer: [number, Json];
    try {
      answer =
        path === "/graphql" && method === "POST"
          ? this.graphql(body, record)
          : this.rest(method, path, body, rawPath);
    } catch (error) {
      this.problems.push(`${method} ${path}: ${error instanceof Error ? error.stack : String(error)}`);
      answer = [500, { message: "the fake failed" }];
    }
    record.status = answer[0];
    this.requests.push(record);
    return answer;
  }

  /** Answers every request to api.github.com from now on (call nock.cleanAll() to stop). */
  listen(): this {
    nock.disableNetConnect();
    const fake = this;
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      nock(API)
        .persist()
        .intercept(() => true, method)
        .reply(function (uri, requestBody) {
          const body =
            typeof requestBody === "string" && requestBody ? JSON.parse(requestBody) : (requestBody ?? {});
          return fake.handle(method, uri, body as Json, this.req.headers);
        });
    }
    return this;
  }

  /** Serves over loopback HTTP (for the built bundle in a child process); resolves to the base URL. */
  async serve(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const [status, reply] = this.handle(
          req.method ?? "GET",
          req.url ?? "/",
          text ? JSON.parse(text) : {},
          req.headers,
        );
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply));
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // -------------------------------------------------------------------------------------------
  // REST

  private rest(method: string, path: string, body: Json, rawPath: string): [number, Json] {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    const route = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
    const key = `${method} ${path.replace(repoPath, "")}`
      .replace(/\/git\/refs\/.*/, "/git/refs")
      .replace(/\/\d+/g, "/:n");
    const refused = this.refusal(key);
    if (refused) return [refused.status, { message: refused.message }];

    if (method === "POST" && path === `${repoPath}/git/trees`) {
      const base = this.trees.get(body.base_tree);
      if (!base) return [422, { message: "base_tree does not exist" }];
      const files = new Map(base);
      for (const entry of body.tree) {
        if (entry.mode !== "100644" || entry.type !== "blob" || typeof entry.content !== "string") {
          return [422, { message: "only blobs with content are modelled" }];
        }
        files.set(entry.path, entry.content);
      }
      return [201, { sha: this.tree(files) }];
    }
    if (method === "POST" && path === `${repoPath}/git/commits`) {
      if (!this.trees.has(body.tree)) return [422, { message: "tree does not exist" }];
      const oid = this.commit({
        message: body.message,
        tree: body.tree,
        parents: body.parents,
        committerEmail: body.committer?.email ?? `${VIEWER}@users.noreply.github.com`,
        authorName: body.author?.name ?? VIEWER,
        authorLogin: null,
      });
      return [201, { sha: oid }];
    }
    if (method === "POST" && path === `${repoPath}/git/refs`) {
      const name = String(body.ref).replace(/^refs\/heads\//, "");
      if (this.refs.has(name)) return [422, { message: "Reference already exists" }];
      this.refs.set(name, body.sha);
      return [201, { ref: body.ref, object: { sha: body.sha } }];
    }
    const ref = route("PATCH", new RegExp(`^${repoPath}/git/refs/heads/(.+)$`));
    if (ref?.[1]) {
      if (!rawPath.includes("heads%2F"))
        this.problems.push(`PATCH ref path not encoded as Octokit does: ${rawPath}`);
      const current = this.refs.get(ref[1]);
      if (!current) return [422, { message: "Reference does not exist" }];
      const fastForward = this.history(body.sha).some((c) => c.oid === current);
      if (!fastForward && !body.force) return [422, { message: "Update is not a fast forward" }];
      this.refs.set(ref[1], body.sha);
      return [200, { object: { sha: body.sha } }];
    }
    const compare = route("GET", new RegExp(`^${repoPath}/compare/(.+)\\.\\.\\.(.+)$`));
    if (compare?.[1] && compare[2]) {
      const base = this.refs.get(compare[1]);
      const head = this.refs.get(compare[2]);
      if (!base || !head) return [404, { message: "Not Found" }];
      const commits = this.ahead(base, head).map((c) => ({
        sha: c.oid,
        commit: {
          message: c.message,
          committer: { email: c.committerEmail },
          author: { name: c.authorName },
        },
        author: c.authorLogin ? { login: c.authorLogin } : null,
      }));
      return [200, { commits }];
    }
    if (method === "POST" && path === `${repoPath}/pulls`) {
      if (!this.refs.has(body.head))
        return [422, { message: "Validation Failed", errors: [{ field: "head", code: "invalid" }] }];
      const number = this.nextNumber++;
      const pull: FakePull = {
        id: `PR_${number}`,
        number,
        title: body.title,
        body: body.body,
        head: body.head,
        base: body.base,
        state: "OPEN",
        mergeCommit: null,
        labels: [],
        reviewers: [],
        comments: [],
      };
      this.pulls.set(number, pull);
      return [201, { number, node_id: pull.id, html_url: `${this.repoUrl}/pull/${number}` }];
    }
    const files = route("GET", new RegExp(`^${repoPath}/pulls/(\\d+)/files$`));
    if (files) {
      const pull = this.pulls.get(Number(files[1]));
      if (!pull) return [404, { message: "Not Found" }];
      const base = this.refs.get(pull.base) as string;
      const head = pull.mergeCommit ?? (this.refs.get(pull.head) as string);
      const before =
        this.filesAt(this.history(head).find((c) => c.parents.length > 1)?.parents[0] ?? base) ?? new Map();
      const after = this.filesAt(head) ?? new Map();
      const changed = [...after.keys()].filter((p) => before.get(p) !== after.get(p));
      return [
        200,
        changed.map((filename) => ({ filename, status: before.has(filename) ? "modified" : "added" })),
      ];
    }
    if (method === "POST" && path === `${repoPath}/labels`) {
      if (this.labels.has(String(body.name).toLowerCase())) return [422, { message: "Validation Failed" }];
      return [201, { node_id: this.addLabel(body.name).id }];
    }
    const label = route("GET", new RegExp(`^${repoPath}/labels/(.+)$`));
    if (label?.[1]) {
      const found = this.labels.get(label[1].toLowerCase());
      return found ? [200, { node_id: found.id }] : [404, { message: "Not Found" }];
    }
    this.problems.push(`the fake does not model ${method} ${path}`);
    return [404, { message: `the fake does not model ${method} ${path}` }];
  }

  // -------------------------------------------------------------------------------------------
  // GraphQL

  private readonly parsed = new Map<string, { document: DocumentNode; errors: string[] }>();

  private graphql(body: Json, record: RecordedRequest): [number, Json] {
    const query = String(body.query ?? "");
    let checked = this.parsed.get(query);
    if (!checked) {
      const document = parse(query);
      checked = { document, errors: validate(githubSchema(), document).map((e) => e.message) };
      this.parsed.set(query, checked);
    }
    const operation = checked.document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    record.operation = operation?.name?.value ?? "(anonymous)";
    if (checked.errors.length > 0) {
      this.problems.push(`GraphQL ${record.operation} would be rejected: ${checked.errors.join("; ")}`);
      return [200, { errors: checked.errors.map((message) => ({ message })) }];
    }
    const refused = this.refusal(`graphql ${record.operation}`);
    if (refused) return [refused.status, { message: refused.message }];
    const mutation = operation?.operation === "mutation";
    const result = execute({
      schema: githubSchema(),
      document: checked.document,
      rootValue: mutation ? this.mutationRoot(record.project) : this.queryRoot(),
      variableValues: body.variables ?? {},
      fieldResolver: strictResolver,
      typeResolver: (value) => value?.__typename,
    }) as ExecutionResult;
    const errors = (result.errors ?? []).map((error) => {
      const original = error.originalError;
      if (original && !(original instanceof GitHubError)) {
        this.problems.push(`GraphQL ${record.operation}: ${original.message}`);
      }
      return {
        ...(original instanceof GitHubError ? { type: original.type } : {}),
        ...(error.path ? { path: error.path } : {}),
        message: error.message,
      };
    });
    return [200, errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data }];
  }

  private commitView(oid: string): Json {
    const commit = this.objects.get(oid) as GitCommit;
    return {
      __typename: "Commit",
      oid,
      message: commit.message,
      tree: { oid: commit.tree },
      committer: { email: commit.committerEmail },
      author: { name: commit.authorName, user: commit.authorLogin ? { login: commit.authorLogin } : null },
    };
  }

  private blob(rev: string, path: string): Json | null {
    const files = this.filesAt(rev);
    const text = files?.get(path);
    return text === undefined ? null : { __typename: "Blob", text, isTruncated: false };
  }

  /** A directory at a revision: its direct entries, files with their text. */
  private treeAt(rev: string, path: string): Json | null {
    const files = this.filesAt(rev);
    const prefix = `${path.replace(/\/$/, "")}/`;
    const names = new Map<string, Json>();
    for (const [file, text] of files ?? []) {
      if (!file.startsWith(prefix)) continue;
      const [name = "", ...rest] = file.slice(prefix.length).split("/");
      if (names.has(name)) continue;
      names.set(
        name,
        rest.length > 0
          ? { name, type: "tree", object: { __typename: "Tree" } }
          : {
              name,
              type: "blob",
              object: { __typename: "Blob", text, isTruncated: this.truncated.has(file) },
            },
      );
    }
    if (names.size === 0) return null;
    return { __typename: "Tree", entries: [...names.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  }

  /** Files GitHub's GraphQL would not give the text of (too large). */
  readonly truncated = new Set<string>();

  /**
   * The reminders' incident search: `repo:… is:issue is:open|is:closed label:"a","b" [closed:>=date]`,
   * any of the labels, oldest first.
   */
  private incidentSearch(query: string): FakeIssue[] | null {
    const labels = /label:((?:"[^"]+",?)+)/.exec(query)?.[1];
    const state = /\bis:(open|closed)\b/.exec(query)?.[1];
    if (
      !labels ||
      !state ||
      !query.includes(`repo:${this.owner}/${this.repo}`) ||
      !query.includes("is:issue")
    )
      return null;
    const names = [...labels.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
    const closedSince = /closed:>=(\d{4}-\d{2}-\d{2})/.exec(query)?.[1];
    return [...this.issues.values()]
      .filter(
        (i) =>
          !this.notIndexed.has(i.number) &&
          i.state === state.toUpperCase() &&
          i.labels.some((l) => names.includes(l)) &&
          (!closedSince || (i.closedAt !== null && i.closedAt.slice(0, 10) >= closedSince)),
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number - b.number);
  }

  private pullView(pull: FakePull): Json {
    const head = this.refs.get(pull.head) ?? pull.mergeCommit ?? "";
    const base = this.refs.get(pull.base) ?? "";
    const commits = pull.state === "OPEN" ? this.ahead(base, head) : [];
    return {
      __typename: "PullRequest",
      id: pull.id,
      number: pull.number,
      url: `${this.repoUrl}/pull/${pull.number}`,
      state: pull.state,
      merged: pull.state === "MERGED",
      title: pull.title,
      body: pull.body,
      headRefOid: head,
      headRepository: { id: this.repoId },
      commits: (args: Json) => connection(commits, args, (c) => ({ commit: this.commitView(c.oid) })),
      comments: (args: Json) =>
        connection(pull.comments, args, (c) => ({
          id: c.id,
          body: c.body,
          viewerDidAuthor: c.author === VIEWER,
        })),
    };
  }

  private issueView(issue: FakeIssue): Json {
    return {
      __typename: "Issue",
      id: issue.id,
      number: issue.number,
      title: issue.title,
      url: `${this.repoUrl}/issues/${issue.number}`,
      body: issue.body,
      createdAt: issue.createdAt,
      closedAt: issue.closedAt,
      state: issue.state,
      stateReason: issue.stateReason ?? (issue.state === "CLOSED" ? "COMPLETED" : null),
      author: issue.author,
      labels: (args: Json) => connection(issue.labels, args, (name) => ({ name })),
      timelineItems: (args: Json) => {
        const types = new Set((args.itemTypes ?? []).map((t: string) => t));
        const typeOf = (n: Json) => n.__typename.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
        return connection(
          issue.timeline.filter((n) => types.size === 0 || types.has(typeOf(n))),
          args,
        );
      },
    };
  }

  private queryRoot(): Json {
    return {
      viewer: { login: VIEWER },
      user: ({ login }: Json) => {
        const user = this.users.get(String(login).toLowerCase());
        if (user?.type !== "User")
          throw new GitHubError("NOT_FOUND", `Could not resolve to a User with the login of '${login}'.`);
        return { id: user.id, login: user.login };
      },
      organization: ({ login }: Json) => {
        if (login !== this.owner)
          throw new GitHubError(
            "NOT_FOUND",
            `Could not resolve to an Organization with the login of '${login}'.`,
          );
        return { projectV2: ({ number }: Json) => this.projectView(number) };
      },
      search: (args: Json) => {
        const query = String(args.query);
        const incidents = this.incidentSearch(query);
        if (incidents) {
          return {
            ...connection(incidents, args, (i) => ({ ...this.issueView(i), __typename: "Issue" })),
            issueCount: incidents.length,
          };
        }
        const incident = /"incident #(\d+)"/.exec(query)?.[1];
        const label = /label:"([^"]+)"/.exec(query)?.[1];
        if (
          !query.includes(`repo:${this.owner}/${this.repo}`) ||
          !query.includes("is:issue") ||
          !incident ||
          !label
        ) {
          throw new Unmodelled(`search query not modelled: ${query}`);
        }
        const found = [...this.issues.values()].filter(
          (i) =>
            !this.notIndexed.has(i.number) &&
            i.labels.includes(label) &&
            i.body.includes(`incident #${incident}`),
        );
        return connection(found, args, (i) => ({ ...this.issueView(i), __typename: "Issue" }));
      },
      repository: ({ owner, name }: Json) => {
        if (owner !== this.owner || name !== this.repo) {
          throw new GitHubError(
            "NOT_FOUND",
            `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          );
        }
        return {
          id: this.repoId,
          url: this.repoUrl,
          defaultBranchRef: {
            name: this.defaultBranch,
            target: this.commitView(this.refs.get(this.defaultBranch) as string),
          },
          object: ({ expression }: Json) => {
            const [rev = "", path = ""] = String(expression).split(/:(.*)/s);
            return this.blob(rev, path) ?? this.treeAt(rev, path);
          },
          label: ({ name }: Json) => this.labels.get(String(name).toLowerCase()) ?? null,
          ref: ({ qualifiedName }: Json) => {
            const oid = this.refs.get(String(qualifiedName).replace(/^refs\/heads\//, ""));
            return oid ? { target: this.commitView(oid) } : null;
          },
          pullRequests: (args: Json) =>
            connection(
              [...this.pulls.values()].filter((p) => p.head === args.headRefName).reverse(),
              args,
              (p) => this.pullView(p),
            ),
          pullRequest: ({ number }: Json) => {
            const pull = this.pulls.get(number);
            return pull ? this.pullView(pull) : null;
          },
          issue: ({ number }: Json) => {
            const issue = this.issues.get(number);
            if (!issue)
              throw new GitHubError(
                "NOT_FOUND",
                `Could not resolve to an Issue with the number of ${number}.`,
              );
            return this.issueView(issue);
          },
        };
      },
    };
  }

  private projectView(number: number): Json | null {
    const project = this.projects.get(number);
    if (!project)
      throw new GitHubError("NOT_FOUND", `Could not resolve to a ProjectV2 with the number ${number}.`);
    return {
      id: project.id,
      title: project.title,
      url: `${WEB}/orgs/${this.owner}/projects/${number}`,
      fields: (args: Json) =>
        connection(project.fields, args, (f) => ({
          __typename: f.dataType === "SINGLE_SELECT" ? "ProjectV2SingleSelectField" : "ProjectV2Field",
          id: f.id,
          name: f.name,
          dataType: f.dataType,
          ...(f.dataType === "SINGLE_SELECT" ? { options: f.options ?? [] } : {}),
        })),
    };
  }

  private findNode(
    id: string,
  ): { kind: "issue"; issue: FakeIssue } | { kind: "pull"; pull: FakePull } | null {
    for (const issue of this.issues.values()) if (issue.id === id) return { kind: "issue", issue };
    for (const pull of this.pulls.values()) if (pull.id === id) return { kind: "pull", pull };
    return null;
  }

  private mutationRoot(project: boolean): Json {
    const refuse = (field: string) => {
      const refused = this.refusal(`mutation ${field}`);
      if (refused) throw new GitHubError(refused.type ?? "FORBIDDEN", refused.message);
    };
    const ok = { clientMutationId: null };
    return {
      createIssue: ({ input }: Json) => {
        refuse("createIssue");
        for (const id of input.assigneeIds ?? []) {
          const login = String(id).replace(/^U_/, "").toLowerCase();
          if (!this.collaborators.has(login)) {
            throw new GitHubError(
              "UNPROCESSABLE",
              `${login} cannot be assigned to issues in this repository`,
            );
          }
        }
        const number = this.nextNumber++;
        const issue = this.addIssue({
          number,
          title: input.title,
          body: input.body,
          author: { __typename: "Bot", login: "github-actions" },
          state: "OPEN",
          createdAt: "2026-11-23T09:00:00Z",
          closedAt: null,
          labels: (input.labelIds ?? []).map((id: string) => id.replace(/^LA_/, "")),
          assignees: (input.assigneeIds ?? []).map((id: string) => id.replace(/^U_/, "")),
          timeline: [],
        });
        return { ...ok, issue: { id: issue.id, number, url: `${this.repoUrl}/issues/${number}` } };
      },
      addLabelsToLabelable: ({ input }: Json) => {
        refuse("addLabelsToLabelable");
        const node = this.findNode(input.labelableId);
        const names = input.labelIds.map((id: string) => id.replace(/^LA_/, ""));
        if (node?.kind === "pull") node.pull.labels.push(...names);
        else if (node?.kind === "issue") node.issue.labels.push(...names);
        else throw new GitHubError("NOT_FOUND", "no such labelable");
        return ok;
      },
      requestReviews: ({ input }: Json) => {
        refuse("requestReviews");
        const node = this.findNode(input.pullRequestId);
        if (node?.kind !== "pull") throw new GitHubError("NOT_FOUND", "no such pull request");
        for (const id of input.userIds) {
          const login = String(id).replace(/^U_/, "");
          if (!this.collaborators.has(login.toLowerCase())) {
            throw new GitHubError("UNPROCESSABLE", "Reviews may only be requested from collaborators.");
          }
          node.pull.reviewers.push(login);
        }
        return ok;
      },
      addComment: ({ input }: Json) => {
        refuse("addComment");
        const node = this.findNode(input.subjectId);
        const id = this.id("IC");
        if (node?.kind === "pull") node.pull.comments.push({ id, body: input.body, author: VIEWER });
        else if (node?.kind === "issue") {
          node.issue.timeline.push({
            __typename: "IssueComment",
            id,
            databaseId: 9_000_000 + this.nextId,
            url: `${this.repoUrl}/issues/${node.issue.number}#issuecomment-${9_000_000 + this.nextId}`,
            author: { __typename: "Bot", login: "github-actions" },
            viewerDidAuthor: true,
            createdAt: "2026-11-23T09:00:00Z",
            body: input.body,
            reactionGroups: [],
          });
        } else throw new GitHubError("NOT_FOUND", "no such subject");
        return ok;
      },
      updateIssueComment: ({ input }: Json) => {
        refuse("updateIssueComment");
        for (const issue of this.issues.values()) {
          const node = issue.timeline.find((n) => n.id === input.id);
          if (node) {
            node.body = input.body;
            return ok;
          }
        }
        for (const pull of this.pulls.values()) {
          const comment = pull.comments.find((c) => c.id === input.id);
          if (comment) {
            comment.body = input.body;
            return ok;
          }
        }
        throw new GitHubError("NOT_FOUND", "no such comment");
      },
      addReaction: ({ input }: Json) => {
        refuse("addReaction");
        for (const issue of this.issues.values()) {
          const node = issue.timeline.find((n) => n.id === input.subjectId);
          if (node) {
            node.reactionGroups.push({
              content: input.content,
              reactors: { nodes: [{ __typename: "Bot", login: "github-actions" }] },
            });
            return ok;
          }
        }
        throw new GitHubError("NOT_FOUND", "no such subject");
      },
      addProjectV2ItemById: ({ input }: Json) => {
        if (!project || this.projectReadOnly)
          throw new GitHubError("FORBIDDEN", "Resource not accessible by integration");
        const board = [...this.projects.values()].find((p) => p.id === input.projectId);
        if (!board) throw new GitHubError("NOT_FOUND", "no such project");
        let item = board.items.find((i) => i.contentId === input.contentId);
        if (!item) {
          item = { id: this.id("PVTI"), contentId: input.contentId, values: new Map() };
          board.items.push(item);
        }
        const values = [...item.values.keys()];
        return {
          ...ok,
          item: {
            id: item.id,
            fieldValues: (args: Json) =>
              connection(values, args, (fieldId) => ({
                __typename: "ProjectV2ItemFieldTextValue",
                field: { __typename: "ProjectV2Field", id: fieldId },
              })),
          },
        };
      },
      updateProjectV2ItemFieldValue: ({ input }: Json) => {
        if (!project || this.projectReadOnly)
          throw new GitHubError("FORBIDDEN", "Resource not accessible by integration");
        const board = [...this.projects.values()].find((p) => p.id === input.projectId);
        const item = board?.items.find((i) => i.id === input.itemId);
        const field = board?.fields.find((f) => f.id === input.fieldId);
        if (!board || !item || !field) throw new GitHubError("NOT_FOUND", "no such item or field");
        const value = input.value;
        const given = Object.keys(value).filter((k) => value[k] != null);
        const expected = {
          TEXT: "text",
          DATE: "date",
          SINGLE_SELECT: "singleSelectOptionId",
          NUMBER: "number",
        }[field.dataType as "TEXT"];
        if (given.length !== 1 || given[0] !== expected) {
          throw new GitHubError("UNPROCESSABLE", `${field.name} takes ${expected}, not ${given.join(", ")}`);
        }
        item.values.set(field.id, value[expected]);
        return { ...ok, projectV2Item: { id: item.id } };
      },
    };
  }
}
