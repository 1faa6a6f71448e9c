// A small stateful GitHub on loopback, in GitHub Enterprise Server's shape: REST under `/api/v3`,
// GraphQL at `/api/graphql`. It holds people, an app and its installations, repositories (git data
// in a real git repository on disk; issues, pull requests, comments, labels, reactions, assignees,
// collaborators, deployments) and Projects v2 boards; it authenticates the app (its JWT) and issues
// installation tokens; it sends the app signed webhooks when its state changes. Every request is
// recorded (method, route, time), latency can be added and faults injected, and whatever it does not
// model answers an error and is listed in `problems`, never hidden.
//
//   const github = await startLocalGitHub({ app: { privateKey }, latencyMs: 25 });  // a free port
//   github.seed.repository("acme/shop"); github.seed.collaborator("acme/shop", "bob", "maintain");
//   github.seed.mergedPullRequest("acme/shop", { title, author, files, at });      // real git history
//   github.setWebhookTarget(`http://127.0.0.1:${appPort}/api/github/webhooks`, secret);
//   github.as("alice").openIssue("acme/shop", { title, body, labels });           // → signed webhooks
//   await github.settled();                  // (or `delivery: "manual"` and `await deliverPending()`)
//   github.requests / sequentialRoundTrips(...) / github.deliveries / github.problems
//   github.fault({ route: "POST /repos/{owner}/{repo}/merges", status: 502 });
//   await github.stop();                     // closes the port, removes its git repositories
//
// The app: GHE_HOST=github.host, GHE_PROTOCOL=http, APP_ID=github.app.id, PRIVATE_KEY=the key. The
// Action: GITHUB_API_URL=github.apiUrl, GITHUB_GRAPHQL_URL=github.graphqlUrl, GITHUB_SERVER_URL=github.url,
// a token from github.seed.token("github-actions[bot]").
import { createPublicKey, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { githubSchema } from "../test/support/github-schema.js";
import { GraphQLApi } from "./graphql.js";
import { Representations } from "./json.js";
import {
  type App,
  type Comment,
  type Credential,
  type Deployment,
  GitHubError,
  type Installation,
  type Issue,
  type Project,
  type ProjectField,
  type PullRequest,
  type Quirks,
  type ReactionContent,
  type Repo,
  type Role,
  Store,
  stamp,
  type WebhookIntent,
} from "./model.js";
import { NotModelled, RestApi, type RestRequest } from "./rest.js";
import { buildPayload, type Delivery, newDelivery, send } from "./webhooks.js";

export type { Comment, Deployment, Issue, Item, Project, PullRequest, Repo, Role } from "./model.js";
export type { Delivery } from "./webhooks.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON as clients send it
type Json = Record<string, any>;

export interface RequestRecord {
  seq: number;
  method: string;
  /** As sent: the path with its query string. */
  path: string;
  /** The route it matched (`POST /repos/{owner}/{repo}/merges`, `POST /graphql`); null for an unknown one. */
  route: string | null;
  /** For GraphQL, the operation's name. */
  operation: string | null;
  status: number;
  /** performance.now() when it arrived and when it was answered. */
  start: number;
  end: number;
  /** The local GitHub's clock when it arrived. */
  at: string;
  auth: "app" | "installation" | "user" | "none" | "invalid";
  /** Who sent it: the app's bot for its JWT and installation tokens, or the token's person. */
  login: string | null;
  body: unknown;
  /** The fault injected instead of an answer. */
  fault: string | null;
  /** For a GraphQL mutation: each field and whether GitHub carried it out. */
  writes?: Array<{ alias: string; field: string; ok: boolean; error: string | null }>;
  /** GraphQL errors in the answer. */
  errors?: string[];
}

export interface FaultSpec {
  method?: string;
  /** The route (`POST /repos/{owner}/{repo}/merges`), `POST /graphql`, or `graphql <Operation>`. */
  route?: string;
  /** The decoded path as sent (with `/api/v3`), exactly or by pattern. */
  path?: string | RegExp;
  /** Fail the n-th matching request (1-based; the first by default)… */
  nth?: number;
  /** …and this many from there (1 by default; Infinity for all). */
  times?: number;
  /** The answer: a status (502 by default), body and headers… */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** …or GitHub's secondary rate limit: 403 (or 429) with `retry-after`. */
  secondaryRateLimit?: { retryAfter?: number; status?: 403 | 429 };
  /** …or, for a GraphQL mutation, GitHub refusing this one field (the others still run). */
  field?: { name: string; type?: string; message?: string };
  /** Runs when the fault fires, before the answer (another writer landing meanwhile, say). */
  onFire?: () => void;
}

interface ActiveFault extends FaultSpec {
  seen: number;
  fired: number;
}

export interface LocalGitHubOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Added to every answer, in milliseconds (a number, or per request). */
  latencyMs?: number | ((request: RequestRecord) => number);
  /** The clock for every timestamp; `new Date()` by default (so a simulated Date is followed). */
  now?: () => Date;
  /**
   * The GitHub App (false: none). Its JWTs are checked against `privateKey`'s public half; a key is
   * generated when none is given (read it from `github.app.privateKey`).
   */
  app?:
    | false
    | {
        id?: number;
        slug?: string;
        name?: string;
        owner?: string;
        privateKey?: string;
        /** Its installation on `owner`. */
        installationId?: number;
      };
  /** Where webhooks go, signed with `secret`. */
  webhook?: { url: string; secret: string };
  /** `auto`: webhooks are sent as state changes; `manual`: they wait for `deliverPending()`. */
  delivery?: "auto" | "manual";
  /** Called with each problem as it is found (an unknown route, an unmodelled field…). */
  onProblem?: (text: string) => void;
  /** The web address links name (`html_url`, GraphQL's `url`); this server's own by default. */
  webUrl?: string;
  /** Where GitHub's behaviour is not documented, which way to go. */
  quirks?: Partial<Quirks>;
}

export interface Seeder {
  org(login: string, name?: string): void;
  user(login: string, o?: { name?: string; type?: "User" | "Bot" }): void;
  repository(
    fullName: string,
    o?: { defaultBranch?: string; private?: boolean; description?: string; gitDir?: string },
  ): Repo;
  collaborator(fullName: string, login: string, role: Role): void;
  label(fullName: string, name: string, o?: { color?: string; description?: string | null }): void;
  /** A commit pushed to a branch (the default one unless named). */
  commit(
    fullName: string,
    o: {
      author: string;
      message: string;
      files: Record<string, string | null>;
      at?: string;
      branch?: string;
    },
  ): string;
  /** A pull request opened from a branch with these changes and merged at `at` (a merge commit by default). */
  mergedPullRequest(
    fullName: string,
    o: {
      number?: number;
      title: string;
      body?: string;
      author: string;
      branch?: string;
      files: Record<string, string | null>;
      /** When it was merged; opened an hour before unless `openedAt` says. */
      at: string;
      openedAt?: string;
      mergedBy?: string;
      method?: "merge" | "squash";
      labels?: string[];
    },
  ): PullRequest;
  deployment(
    fullName: string,
    o: {
      sha: string;
      environment?: string;
      at?: string;
      state?: Deployment["statuses"][number]["state"];
      environmentUrl?: string | null;
      creator?: string;
    },
  ): Deployment;
  project(o: {
    owner: string;
    number?: number;
    title: string;
    fields: Array<
      Omit<ProjectField, "id" | "options"> & { id?: string; options?: Array<{ id?: string; name: string }> }
    >;
  }): Project;
  /** A personal (or workflow) token for `login`; `projects` lets it reach Projects boards. */
  token(login: string, o?: { projects?: boolean; token?: string }): string;
  /**
   * A comment in an issue's past (no webhook), posted at `at`, with its reactions (firebreak's 👍 on
   * a command it answered): long timelines without sending thousands of webhooks.
   */
  comment(
    fullName: string,
    number: number,
    o: {
      author: string;
      body: string;
      at?: string;
      reactions?: Array<{ content: ReactionContent; user: string }>;
    },
  ): Comment;
  /**
   * A pull request as it stands, without its git history (tests of what reads pull requests):
   * open from `head`, closed, or merged as `mergeCommit` (bringing in `commits`).
   */
  pullRequest(
    fullName: string,
    o: {
      number?: number;
      title: string;
      body?: string;
      head: string;
      base?: string;
      state?: "open" | "closed" | "merged";
      author?: string;
      mergeCommit?: string | null;
      commits?: string[];
      labels?: string[];
      reviewers?: string[];
    },
  ): PullRequest;
}

/** What a person does on GitHub: the state changes and the webhooks follow. */
export interface Person {
  openIssue(
    fullName: string,
    o: { title: string; body?: string; labels?: string[]; assignees?: string[] },
  ): Issue;
  comment(fullName: string, number: number, body: string): Comment;
  editComment(fullName: string, commentId: number, body: string): Comment;
  label(fullName: string, number: number, ...labels: string[]): void;
  unlabel(fullName: string, number: number, ...labels: string[]): void;
  assign(fullName: string, number: number, ...logins: string[]): void;
  close(fullName: string, number: number): void;
  reopen(fullName: string, number: number): void;
  react(fullName: string, target: { comment: number } | { issue: number }, content: ReactionContent): void;
  push(
    fullName: string,
    o: { branch?: string; message: string; files: Record<string, string | null> },
  ): string;
  openPullRequest(
    fullName: string,
    o: { title: string; body?: string; head: string; base?: string; files?: Record<string, string | null> },
  ): PullRequest;
  mergePullRequest(fullName: string, number: number, o?: { method?: "merge" | "squash" }): string;
}

/** Sequential round trips among requests: the longest chain of requests each sent after the previous answered. */
export function sequentialRoundTrips(requests: Array<{ start: number; end: number }>): number {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const chain: number[] = [];
  sorted.forEach((r, i) => {
    let before = 0;
    for (let k = 0; k < i; k++) {
      const prev = sorted[k] as { start: number; end: number };
      if (prev.end <= r.start) before = Math.max(before, chain[k] as number);
    }
    chain.push(before + 1);
  });
  return Math.max(0, ...chain);
}

export class LocalGitHub {
  readonly store: Store;
  readonly json: Representations;
  /** Every request, in the order it arrived. */
  readonly requests: RequestRecord[] = [];
  /** Everything it could not answer as GitHub would: unknown routes, unmodelled fields, failures. */
  readonly problems: string[] = [];
  /** Every webhook, in the order the state changes caused them. */
  readonly deliveries: Delivery[] = [];
  readonly app: (App & { privateKey: string; installation: Installation }) | null = null;
  readonly seed: Seeder;
  latencyMs: number | ((request: RequestRecord) => number);

  private readonly server: Server;
  private readonly rest: RestApi;
  private readonly graphql: GraphQLApi;
  private readonly faults: ActiveFault[] = [];
  private readonly outbox: Delivery[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly sockets = new Set<import("node:net").Socket>();
  private target: { url: string; secret: string } | null;
  private mode: "auto" | "manual";
  private muted = 0;
  private cause: Delivery["cause"] = "api";
  private seq = 0;
  private port = 0;

  constructor(options: LocalGitHubOptions = {}) {
    const clock = options.now ?? (() => new Date());
    this.store = new Store(clock, (intent) => this.onIntent(intent));
    this.json = new Representations(this.store, () => ({
      web: options.webUrl ?? this.url,
      api: this.apiUrl,
    }));
    Object.assign(this.store.quirks, options.quirks);
    this.rest = new RestApi(this.store, this.json);
    this.graphql = new GraphQLApi(this.store, this.json, (text) => this.problem(text));
    this.latencyMs = options.latencyMs ?? 0;
    this.target = options.webhook ?? null;
    this.mode = options.delivery ?? "auto";
    this.onProblem = options.onProblem ?? null;
    if (options.app !== false) {
      const o = options.app ?? {};
      const privateKey = o.privateKey ?? generatedKey();
      const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
      const app = this.store.addApp({
        id: o.id ?? 4242,
        slug: o.slug ?? "firebreak",
        name: o.name ?? o.slug ?? "firebreak",
        owner: o.owner ?? "acme",
        publicKey,
      });
      const installation = this.store.install(app, o.owner ?? "acme", o.installationId ?? 777);
      this.app = Object.assign(app, { privateKey, installation });
    }
    this.seed = this.seeder();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.problem(`the local GitHub failed: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "the local GitHub failed; see its problems" }));
      });
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  private readonly onProblem: ((text: string) => void) | null;

  /** The web address: `http://127.0.0.1:<port>` (GitHub Enterprise Server's `GITHUB_SERVER_URL`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `GHE_HOST`: `127.0.0.1:<port>` (with `GHE_PROTOCOL=http`). */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/v3`;
  }

  get graphqlUrl(): string {
    return `${this.url}/api/graphql`;
  }

  /** Unknown routes asked for, as `METHOD /path`. */
  get unknownRoutes(): string[] {
    return this.problems
      .filter((p) => p.startsWith("unknown route: "))
      .map((p) => p.slice("unknown route: ".length));
  }

  async listen(port = 0): Promise<this> {
    // Built once per process (about a second): before the first request, not during it.
    githubSchema();
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    running.add(this);
    removeOnExit();
    return this;
  }

  /** Waits for deliveries under way, closes the server and removes the repositories it made. */
  async stop(): Promise<void> {
    await this.settled().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.removeRepositories();
    running.delete(this);
  }

  /** Removes the git repositories it made (not those it was given). */
  removeRepositories(): void {
    for (const repo of this.store.repos.values()) repo.git.remove();
  }

  private problem(text: string): void {
    this.problems.push(text);
    this.onProblem?.(text);
  }

  // -------------------------------------------------------------------------------------------
  // State, people and seeds

  repo(fullName: string): Repo {
    return this.store.mustRepo(fullName);
  }

  issue(fullName: string, number: number): Issue {
    return this.store.issueOrPull(this.repo(fullName), number, "issue");
  }

  pull(fullName: string, number: number): PullRequest {
    return this.store.issueOrPull(this.repo(fullName), number, "pull");
  }

  /** Comments on an issue or pull request, oldest first. */
  comments(fullName: string, number: number): Comment[] {
    return this.store
      .item(this.repo(fullName), number)
      .timeline.flatMap((e) => (e.type === "comment" ? [e.comment] : []));
  }

  /** Makes a token usable as `login` (a person, or the workflow's `github-actions[bot]`). */
  private token(login: string, o: { projects?: boolean; token?: string } = {}): string {
    const user =
      this.store.user(login) ?? this.store.addUser(login, login.endsWith("[bot]") ? "Bot" : "User");
    const token = o.token ?? `ghp_${randomUUID().replace(/-/g, "")}`;
    this.store.credentials.set(token, { kind: "user", user, projects: o.projects ?? false });
    return token;
  }

  private quietly<T>(fn: () => T): T {
    this.muted++;
    try {
      return fn();
    } finally {
      this.muted--;
    }
  }

  private seeder(): Seeder {
    const s = this.store;
    return {
      org: (login, name) => void s.addUser(login, "Organization", name ?? null),
      user: (login, o = {}) => void s.addUser(login, o.type ?? "User", o.name ?? null),
      repository: (fullName, o = {}) => {
        const [owner = "", name = ""] = fullName.split("/");
        return s.addRepo({ owner, name, ...o });
      },
      collaborator: (fullName, login, role) => {
        s.addUser(login);
        this.repo(fullName).collaborators.set(login.toLowerCase(), role);
      },
      label: (fullName, name, o = {}) => void s.addLabel(this.repo(fullName), name, o),
      commit: (fullName, o) => this.quietly(() => s.pushCommit(this.repo(fullName), o)),
      mergedPullRequest: (fullName, o) =>
        this.quietly(() => {
          const repo = this.repo(fullName);
          const mergedAt = stamp(Date.parse(o.at));
          const openedAt = o.openedAt ?? stamp(Date.parse(o.at) - 3_600_000);
          const branch =
            o.branch ??
            `${o.author}/${o.title
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, "-")
              .slice(0, 40)
              .replace(/-$/, "")}`;
          if (o.number !== undefined) repo.nextNumber = o.number;
          return s.seedMergedPullRequest(repo, {
            title: o.title,
            body: o.body ?? "",
            author: o.author,
            branch,
            files: o.files,
            openedAt,
            mergedAt,
            mergedBy: o.mergedBy ?? o.author,
            method: o.method ?? "merge",
            labels: o.labels ?? [],
          });
        }),
      deployment: (fullName, o) => {
        const repo = this.repo(fullName);
        const creator = o.creator ?? repo.owner.login;
        return s.at(o.at, () =>
          s.addDeployment(repo, {
            sha: o.sha,
            environment: o.environment ?? "production",
            creator,
            state: o.state ?? "success",
            environmentUrl: o.environmentUrl ?? null,
          }),
        );
      },
      project: (o) => s.addProject(o),
      token: (login, o) => this.token(login, o),
      comment: (fullName, number, o) =>
        this.quietly(() =>
          s.at(o.at, () => {
            const comment = s.addComment(s.item(this.repo(fullName), number), o.author, o.body);
            for (const r of o.reactions ?? []) s.react(comment, r.content, r.user);
            return comment;
          }),
        ),
      pullRequest: (fullName, o) =>
        this.quietly(() => {
          const repo = this.repo(fullName);
          if (o.number !== undefined) repo.nextNumber = o.number;
          return s.recordPullRequest(repo, o);
        }),
    };
  }

  /** What `login` does on GitHub, with the webhooks GitHub sends for it. */
  as(login: string): Person {
    const s = this.store;
    this.store.mustUser(login);
    const act = <T>(fn: () => T): T => {
      const before = this.cause;
      this.cause = "person";
      try {
        return fn();
      } finally {
        this.cause = before;
      }
    };
    const item = (fullName: string, number: number) => s.item(this.repo(fullName), number);
    return {
      openIssue: (fullName, o) => act(() => s.createIssue(this.repo(fullName), { author: login, ...o })),
      comment: (fullName, number, body) => act(() => s.addComment(item(fullName, number), login, body)),
      editComment: (fullName, id, body) =>
        act(() => {
          const comment = this.repo(fullName).comments.get(id);
          if (!comment) throw new Error(`no comment ${id}`);
          s.editComment(comment, body, login);
          return comment;
        }),
      label: (fullName, number, ...labels) =>
        act(() => {
          const target = item(fullName, number);
          s.addLabels(
            target,
            labels.map((name) => s.label(target.repo, name)),
            login,
          );
        }),
      unlabel: (fullName, number, ...labels) =>
        act(() => {
          const target = item(fullName, number);
          s.removeLabels(
            target,
            labels.map((name) => s.label(target.repo, name)),
            login,
          );
        }),
      assign: (fullName, number, ...logins) =>
        act(() => void s.addAssignees(item(fullName, number), logins, login)),
      close: (fullName, number) => act(() => void s.setState(item(fullName, number), "closed", login)),
      reopen: (fullName, number) => act(() => void s.setState(item(fullName, number), "open", login)),
      react: (fullName, target, content) =>
        act(() => {
          const repo = this.repo(fullName);
          const on = "comment" in target ? repo.comments.get(target.comment) : repo.items.get(target.issue);
          if (!on) throw new Error("nothing to react to");
          s.react(on, content, login);
        }),
      push: (fullName, o) => act(() => s.pushCommit(this.repo(fullName), { author: login, ...o })),
      openPullRequest: (fullName, o) =>
        act(() => {
          const repo = this.repo(fullName);
          if (o.files)
            s.pushCommit(repo, {
              branch: o.head,
              author: login,
              message: o.title,
              files: o.files,
              from: o.base ?? repo.defaultBranch,
            });
          return s.openPullRequest(repo, {
            author: login,
            title: o.title,
            body: o.body ?? "",
            head: o.head,
            base: o.base ?? repo.defaultBranch,
          });
        }),
      mergePullRequest: (fullName, number, o = {}) =>
        act(() => s.mergePullRequest(s.issueOrPull(this.repo(fullName), number, "pull"), login, o)),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Webhooks

  /** Where the app's webhooks go, and the secret they are signed with. */
  setWebhookTarget(url: string | null, secret = ""): void {
    this.target = url ? { url, secret } : null;
  }

  setDelivery(mode: "auto" | "manual"): void {
    this.mode = mode;
    if (mode === "auto") for (const delivery of this.outbox.splice(0)) this.dispatch(delivery);
  }

  private onIntent(intent: WebhookIntent): void {
    if (this.muted > 0) return;
    const built = buildPayload(this.store, this.json, intent);
    if (!built) return;
    const delivery = newDelivery(intent.event, intent.action, built.payload, this.cause);
    this.deliveries.push(delivery);
    if (this.mode === "auto") this.dispatch(delivery);
    else this.outbox.push(delivery);
  }

  private dispatch(delivery: Delivery): Promise<Delivery> {
    const target = this.target;
    if (!target || !this.app) return Promise.resolve(delivery);
    // GitHub sends the webhook after the write's answer, not inside it.
    const sending = sleep(1).then(() =>
      send(target, delivery, { appId: this.app?.id ?? 0, host: this.host }),
    );
    this.inflight.add(sending);
    void sending.finally(() => this.inflight.delete(sending));
    return sending;
  }

  /** With `delivery: "manual"`: sends the webhooks waiting, side by side, and resolves with the app's answers. */
  async deliverPending(): Promise<Delivery[]> {
    const pending = this.outbox.splice(0);
    return Promise.all(pending.map((delivery) => this.dispatch(delivery)));
  }

  /** Webhooks waiting for `deliverPending()`. */
  get pending(): Delivery[] {
    return [...this.outbox];
  }

  /** Resolves when no webhook is on its way and none is being answered. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Sends a delivery again, as GitHub's "Redeliver" button does (same delivery id and payload). */
  redeliver(id: string): Promise<Delivery> {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) throw new Error(`no delivery ${id}`);
    const again: Delivery = {
      ...original,
      redelivery: true,
      status: null,
      response: null,
      error: null,
      start: null,
      end: null,
    };
    this.deliveries.push(again);
    return this.dispatch(again);
  }

  // -------------------------------------------------------------------------------------------
  // Faults

  /** Makes matching requests fail; returns a function that removes the fault. */
  fault(spec: FaultSpec): () => void {
    const active: ActiveFault = { ...spec, seen: 0, fired: 0 };
    this.faults.push(active);
    return () => {
      const at = this.faults.indexOf(active);
      if (at !== -1) this.faults.splice(at, 1);
    };
  }

  clearFaults(): void {
    this.faults.splice(0);
  }

  /** How many times faults fired. */
  get faultsFired(): number {
    return this.requests.filter((r) => r.fault).length;
  }

  private matchFault(record: RequestRecord, decodedPath: string, field?: string): ActiveFault | null {
    for (const fault of this.faults) {
      if (Boolean(fault.field) !== Boolean(field)) continue;
      if (field && fault.field?.name !== field) continue;
      if (fault.method && fault.method.toUpperCase() !== record.method) continue;
      if (fault.route) {
        const graphqlOp = record.operation ? `graphql ${record.operation}` : null;
        if (
          fault.route !== record.route &&
          fault.route !== graphqlOp &&
          !(fault.route === "graphql" && record.operation)
        )
          continue;
      }
      if (
        fault.path !== undefined &&
        (typeof fault.path === "string" ? fault.path !== decodedPath : !fault.path.test(decodedPath))
      )
        continue;
      fault.seen++;
      const nth = fault.nth ?? 1;
      const times = fault.times ?? 1;
      if (fault.seen >= nth && fault.seen < nth + times) {
        fault.fired++;
        fault.onFire?.();
        return fault;
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Serving

  private credentialFrom(header: string | undefined): {
    auth: RequestRecord["auth"];
    credential: Credential | null;
    app: App | null;
    login: string | null;
  } {
    if (!header) return { auth: "none", credential: null, app: null, login: null };
    const [scheme = "", value = ""] = header.split(" ");
    if (!/^(bearer|token)$/i.test(scheme) || !value)
      return { auth: "invalid", credential: null, app: null, login: null };
    if (value.split(".").length === 3) {
      const app = this.verifyJwt(value);
      return app
        ? { auth: "app", credential: null, app, login: app.bot.login }
        : { auth: "invalid", credential: null, app: null, login: null };
    }
    const credential = this.store.credentials.get(value);
    if (!credential) return { auth: "invalid", credential: null, app: null, login: null };
    if (credential.kind === "installation") {
      if (credential.expiresAt <= this.store.clock().getTime())
        return { auth: "invalid", credential: null, app: null, login: null };
      return { auth: "installation", credential, app: null, login: credential.installation.app.bot.login };
    }
    return { auth: "user", credential, app: null, login: credential.user.login };
  }

  /** The app a JWT was signed for, with its key, and not expired; null otherwise. */
  private verifyJwt(jwt: string): App | null {
    const [header = "", payload = "", sig = ""] = jwt.split(".");
    let claims: Json;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
      if (head.alg !== "RS256") return null;
    } catch {
      return null;
    }
    const app = this.store.apps.get(Number(claims.iss));
    if (!app) return null;
    if (app.publicKey) {
      const verifier = createVerify("RSA-SHA256");
      verifier.update(`${header}.${payload}`);
      if (!verifier.verify(app.publicKey, Buffer.from(sig, "base64url"))) return null;
    }
    const now = Math.floor(this.store.clock().getTime() / 1000);
    if (
      typeof claims.exp !== "number" ||
      claims.exp < now - 60 ||
      typeof claims.iat !== "number" ||
      claims.iat > now + 60
    ) {
      return null;
    }
    return app;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: Json | undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { raw: text };
      }
    }
    const start = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      decoded = url.pathname;
    }
    const who = this.credentialFrom(req.headers.authorization);
    const record: RequestRecord = {
      seq: ++this.seq,
      method,
      path: `${url.pathname}${url.search}`,
      route: null,
      operation: null,
      status: 0,
      start,
      end: start,
      at: stamp(this.store.clock()),
      auth: who.auth,
      login: who.login,
      body,
      fault: null,
    };

    const isGraphql = decoded === "/api/graphql";
    const restPath = decoded.startsWith("/api/v3/") ? decoded.slice("/api/v3".length) : null;
    let matched: ReturnType<RestApi["match"]> = null;
    if (isGraphql && method === "POST") {
      record.route = "POST /graphql";
      record.operation = GraphQLApi.operationName(body ?? {});
    } else if (restPath !== null) {
      matched = this.rest.match(method, restPath.replace(/\/$/, ""));
      if (matched) record.route = `${method} ${matched.route.template}`;
    }

    let answer: { status: number; body?: unknown; headers?: Record<string, string> };
    const fault = this.matchFault(record, decoded);
    if (fault) {
      answer = this.faultAnswer(fault);
      record.fault = fault.secondaryRateLimit ? "secondary rate limit" : `status ${answer.status}`;
    } else if (who.auth === "invalid") {
      answer = {
        status: 401,
        body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" },
      };
    } else if (record.route === "POST /graphql") {
      if (!who.credential) {
        answer = { status: 401, body: { message: "This endpoint requires you to be authenticated." } };
      } else {
        const outcome = this.graphql.run(body ?? {}, who.credential, (field) => {
          const hit = this.matchFault(record, decoded, field);
          if (!hit) return null;
          record.fault = `field ${field}`;
          return {
            field,
            type: hit.field?.type ?? "FORBIDDEN",
            message: hit.field?.message ?? "Resource not accessible by integration",
          };
        });
        answer = { status: outcome.status, body: outcome.body };
        if (outcome.writes) record.writes = outcome.writes;
        if (outcome.errors) record.errors = outcome.errors;
      }
    } else if (matched) {
      const restReq: RestRequest = {
        method,
        path: restPath as string,
        query: url.searchParams,
        body: body ?? {},
        headers: req.headers,
        credential: who.credential,
        app: who.app,
      };
      try {
        answer = this.rest.handle(restReq, matched);
      } catch (error) {
        if (error instanceof GitHubError) {
          answer = {
            status: error.status,
            body: {
              message: error.message,
              ...(error.errors ? { errors: error.errors } : {}),
              documentation_url: "https://docs.github.com/rest",
              status: String(error.status),
            },
          };
        } else if (error instanceof NotModelled) {
          this.problem(`${error.message} (${method} ${decoded})`);
          answer = { status: 422, body: { message: error.message, local_github: "not modelled" } };
        } else {
          this.problem(
            `the local GitHub failed on ${method} ${decoded}: ${error instanceof Error ? error.stack : String(error)}`,
          );
          answer = { status: 500, body: { message: "the local GitHub failed; see its problems" } };
        }
      }
    } else {
      this.problem(`unknown route: ${method} ${decoded}`);
      answer = {
        status: 404,
        body: {
          message: "Not Found",
          documentation_url: "https://docs.github.com/rest",
          local_github: "this route is not modelled",
        },
      };
    }

    const latency = typeof this.latencyMs === "function" ? this.latencyMs(record) : this.latencyMs;
    if (latency > 0) await sleep(latency);
    record.status = answer.status;
    record.end = performance.now();
    this.requests.push(record);
    const headers: Record<string, string> = {
      "x-github-request-id": `LOCAL:${record.seq}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(this.store.clock().getTime() / 1000) + 3600),
      "x-github-enterprise-version": "3.15.0",
      ...answer.headers,
    };
    if (answer.status === 204 || answer.body === undefined) {
      res.writeHead(answer.status, headers);
      res.end();
      return;
    }
    if (typeof answer.body === "string") {
      res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(answer.body);
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(answer.body));
  }

  private faultAnswer(fault: ActiveFault): {
    status: number;
    body: unknown;
    headers: Record<string, string>;
  } {
    if (fault.secondaryRateLimit) {
      const retryAfter = fault.secondaryRateLimit.retryAfter ?? 1;
      return {
        status: fault.secondaryRateLimit.status ?? 403,
        body: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID LOCAL.",
          documentation_url:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
        headers: { "retry-after": String(retryAfter), ...fault.headers },
      };
    }
    const status = fault.status ?? 502;
    return {
      status,
      body: fault.body ?? { message: status >= 500 ? "Server Error" : "Injected fault" },
      headers: { ...fault.headers },
    };
  }
}

/** Instances not stopped yet: their repositories are removed when the process exits anyway. */
const running = new Set<LocalGitHub>();
let exitHook = false;

function removeOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const github of running) github.removeRepositories();
  });
}

let generated: string | null = null;

/** One key per process for apps given none (making an RSA key takes a while). */
function generatedKey(): string {
  generated ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return generated;
}

/** Starts a local GitHub on 127.0.0.1 (a free port unless `port` says). */
export async function startLocalGitHub(options: LocalGitHubOptions = {}): Promise<LocalGitHub> {
  return new LocalGitHub(options).listen(options.port ?? 0);
}
