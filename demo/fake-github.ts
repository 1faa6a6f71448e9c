// An in-memory GitHub for the demo and the bench, served through nock on https://api.github.com.
//
// It holds one repository's state (labels, issues with their timelines, comments and the app's
// reactions, the default branch's commits and merged pull requests, deployments, files,
// collaborators and users) and answers the app the way GitHub does:
//   - REST: the installation token, GET /app, configuration files, label creation and lookup, and
//     the collaborator permission check;
//   - GraphQL: any document, validated against GitHub's published schema and executed over the
//     state. Queries read it (IncidentContext, MoreTimeline, History); mutation fields are applied
//     in order (FirebreakWrites), and each one's outcome is recorded.
// Whatever it does not model answers an error and is listed in `problems`: never a silent null.
// A person's actions (opening an issue, labelling, commenting, closing) change the state and return
// the webhook GitHub would send; the app's own writes queue the webhooks they cause in `echoes`.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import nock from "nock";
import { type ApplicationFunction, Probot, ProbotOctokit } from "probot";
import { githubSchema } from "../test/support/github-schema.js";

type Json = Record<string, any>;

export const API = "https://api.github.com";
/** GitHub's limit on a comment body. */
export const MAX_BODY = 65_536;

export const REACTIONS = [
  "THUMBS_UP",
  "THUMBS_DOWN",
  "LAUGH",
  "HOORAY",
  "CONFUSED",
  "HEART",
  "ROCKET",
  "EYES",
] as const;
export type ReactionContent = (typeof REACTIONS)[number];
export type Role = "read" | "triage" | "write" | "maintain" | "admin";

export interface User {
  login: string;
  type: "User" | "Bot" | "Organization";
  id: string;
  databaseId: number;
}

export interface Label {
  id: string;
  databaseId: number;
  name: string;
  color: string;
  description: string | null;
}

export interface Comment {
  id: string;
  databaseId: number;
  issue: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  reactions: Array<{ content: ReactionContent; user: string }>;
}

export type TimelineEvent = { id: string; at: string } & (
  | { type: "comment"; comment: Comment }
  | { type: "labeled" | "unlabeled"; label: Label; actor: string }
  | { type: "assigned" | "unassigned"; assignee: string; actor: string }
  | { type: "closed" | "reopened"; actor: string }
  | {
      type: "cross-referenced";
      actor: string;
      source: { kind: "PullRequest" | "Issue"; number: number; title: string };
    }
  | { type: "renamed"; actor: string; from: string; to: string }
);

export interface Issue {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  body: string;
  author: string;
  state: "open" | "closed";
  labels: Label[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  timeline: TimelineEvent[];
}

export interface Commit {
  sha: string;
  headline: string;
  committedDate: string;
  /** The author's GitHub login, or only a git name when GitHub cannot attribute the commit. */
  author: { login: string } | { name: string };
  additions: number;
  deletions: number;
}

export interface PullRequest {
  number: number;
  title: string;
  author: string;
  mergedAt: string;
  mergeCommit: string;
  baseRefName: string;
  additions: number;
  deletions: number;
  files: string[];
}

export interface Deployment {
  environment: string;
  sha: string;
  createdAt: string;
  state: "SUCCESS" | "FAILURE" | "ERROR" | "IN_PROGRESS" | "PENDING" | "QUEUED" | "INACTIVE";
  environmentUrl: string | null;
}

/** What a request is for, so that budgets can leave out what design.md leaves out. */
export type RequestKind = "token" | "identity" | "config" | "permission" | "label-create" | "counted";

export interface WriteRecord {
  alias: string;
  field: string;
  ok: boolean;
  error: string | null;
}

export interface RequestRecord {
  seq: number;
  method: string;
  /** The path, or for POST /graphql the operation name. */
  path: string;
  operation: string | null;
  kind: RequestKind;
  status: number;
  /** performance.now() when the request arrived and when it was answered. */
  start: number;
  end: number;
  /** For a mutation: each field, in order, and whether GitHub carried it out. */
  writes?: WriteRecord[];
  /** GraphQL errors in the answer. */
  errors?: string[];
}

export interface WebhookEvent {
  id: string;
  name: "issues" | "issue_comment";
  payload: Json;
}

export interface FakeOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  appId?: number;
  appSlug?: string;
  installationId?: number;
  /** Added to every answer, in milliseconds (the bench's stand-in for the network). */
  latencyMs?: number;
  /** The number the first issue gets. */
  firstIssueNumber?: number;
}

/** A GraphQL error GitHub itself would give (NOT_FOUND, FORBIDDEN, UNPROCESSABLE…). */
class GitHubError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Something the fake does not model: answered as an error and listed in `problems`. */
class Unmodelled extends Error {}

// ---------------------------------------------------------------------------------------------
// GitHub's published schema, built once per process.

const strictResolver: GraphQLFieldResolver<any, unknown> = (source, args, _context, info) => {
  const where = `${info.parentType.name}.${info.fieldName}`;
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new Unmodelled(`the fake GitHub does not model ${where}`);
  }
  const value = source[info.fieldName];
  if (value === undefined) throw new Unmodelled(`the fake GitHub has no value for ${where}`);
  return typeof value === "function" ? value.call(source, args, info) : value;
};

const typeResolver: GraphQLTypeResolver<any, unknown> = (value, _context, _info, type) => {
  if (typeof value?.__typename !== "string") {
    throw new Unmodelled(`the fake GitHub cannot tell the concrete type of a ${type.name}`);
  }
  return value.__typename;
};

/** GitHub's timestamps have whole seconds: `2026-11-22T14:05:03Z`. */
function stamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const cursorOf = (n: number) => Buffer.from(`cursor:v2:${n}`).toString("base64");

function offsetOf(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match)
    throw new GitHubError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/** `IssueComment` → `ISSUE_COMMENT`, as `itemTypes` names timeline item types. */
const itemType = (typename: string) => typename.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

const TIMELINE_TYPENAMES: Record<TimelineEvent["type"], string> = {
  comment: "IssueComment",
  labeled: "LabeledEvent",
  unlabeled: "UnlabeledEvent",
  assigned: "AssignedEvent",
  unassigned: "UnassignedEvent",
  closed: "ClosedEvent",
  reopened: "ReopenedEvent",
  "cross-referenced": "CrossReferencedEvent",
  renamed: "RenamedTitleEvent",
};

const COARSE: Record<Role, string> = {
  read: "read",
  triage: "read",
  write: "write",
  maintain: "write",
  admin: "admin",
};

// ---------------------------------------------------------------------------------------------

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly appId: number;
  readonly appSlug: string;
  readonly installationId: number;
  /** How REST names the app's user; GraphQL names it `appSlug`. */
  readonly appLogin: string;
  latencyMs: number;

  readonly users = new Map<string, User>();
  readonly collaborators = new Map<string, Role>();
  readonly labels = new Map<string, Label>();
  readonly issues = new Map<number, Issue>();
  readonly comments = new Map<number, Comment>();
  readonly commits: Commit[] = [];
  readonly pulls = new Map<number, PullRequest>();
  readonly deployments: Deployment[] = [];
  /** Files on the default branch, by path. */
  readonly files = new Map<string, string>();
  /** Files in the organisation's `.github` repository, by path. */
  readonly orgFiles = new Map<string, string>();

  /** Every request, in the order it arrived. */
  readonly requests: RequestRecord[] = [];
  /** Everything the fake could not answer, or that GitHub would have rejected as malformed. */
  readonly problems: string[] = [];
  /** Webhooks GitHub would send because of the app's own writes, not delivered yet. */
  readonly echoes: WebhookEvent[] = [];
  /** Called when a request starts and ends (the bench samples memory). */
  onActivity: (() => void) | null = null;

  private nextId = 1;
  private readonly tokens = new Set<string>();
  private readonly nodes = new Map<
    string,
    { kind: "issue" | "comment" | "label" | "user"; key: string | number }
  >();
  private readonly validated = new Map<string, { document: DocumentNode; errors: string[] }>();
  private readonly refusals: Array<{ field: string; type: string; message: string }> = [];
  private sortedCommits: Commit[] | null = null;
  private readonly pullsByCommit = new Map<string, PullRequest[]>();
  private nextIssue: number;
  private seq = 0;
  private listening = false;
  private readonly noMatch = (req: { method?: string; path?: string }) =>
    this.problem(`a request matched no route: ${req.method} ${req.path}`);

  constructor(options: FakeOptions = {}) {
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "checkout-service";
    this.defaultBranch = options.defaultBranch ?? "main";
    this.appId = options.appId ?? 4242;
    this.appSlug = options.appSlug ?? "firebreak";
    this.installationId = options.installationId ?? 777;
    this.appLogin = `${this.appSlug}[bot]`;
    this.latencyMs = options.latencyMs ?? 0;
    this.nextIssue = options.firstIssueNumber ?? 1;
    githubSchema();
    this.addUser(this.appLogin, "Bot");
    this.addUser(this.owner, "Organization");
    // A branch always has a commit: the repository's first, long before any window.
    this.addCommit({
      sha: `${"0".repeat(39)}1`,
      headline: "Initial commit",
      committedDate: stamp(new Date(Date.now() - 400 * 86_400_000)),
      author: { name: "founder" },
      additions: 1,
      deletions: 0,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The state

  private id(prefix: string): { id: string; databaseId: number } {
    const n = this.nextId++;
    return { id: `${prefix}_kwDOFake${n.toString(36).padStart(4, "0")}`, databaseId: 1_000_000 + n };
  }

  private now(): string {
    return stamp(new Date());
  }

  addUser(login: string, type: User["type"] = "User"): User {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const { id, databaseId } = this.id(type === "Bot" ? "BOT" : type === "Organization" ? "O" : "U");
    const user: User = { login, type, id, databaseId };
    this.users.set(login.toLowerCase(), user);
    this.nodes.set(id, { kind: "user", key: login.toLowerCase() });
    return user;
  }

  /** A person with a role on the repository (GitHub's role names: read, triage, write, maintain, admin). */
  addCollaborator(login: string, role: Role): User {
    const user = this.addUser(login);
    this.collaborators.set(login.toLowerCase(), role);
    return user;
  }

  addLabel(name: string, options: { color?: string; description?: string | null } = {}): Label {
    const existing = this.labels.get(name.toLowerCase());
    if (existing) return existing;
    const { id, databaseId } = this.id("LA");
    const label: Label = {
      id,
      databaseId,
      name,
      color: options.color ?? "ededed",
      description: options.description ?? null,
    };
    this.labels.set(name.toLowerCase(), label);
    this.nodes.set(id, { kind: "label", key: name.toLowerCase() });
    return label;
  }

  addCommit(commit: Commit): Commit {
    this.commits.push(commit);
    this.sortedCommits = null;
    return commit;
  }

  /** A pull request merged into the default branch by a merge commit. */
  addMergedPullRequest(pr: Omit<PullRequest, "mergeCommit" | "baseRefName"> & { sha: string }): PullRequest {
    this.addCommit({
      sha: pr.sha,
      headline: `Merge pull request #${pr.number} from ${this.owner}/${pr.title.toLowerCase().replace(/\W+/g, "-").slice(0, 30)}`,
      committedDate: pr.mergedAt,
      author: { login: pr.author },
      additions: pr.additions,
      deletions: pr.deletions,
    });
    const { sha, ...rest } = pr;
    const merged: PullRequest = { ...rest, mergeCommit: sha, baseRefName: this.defaultBranch };
    this.pulls.set(pr.number, merged);
    this.pullsByCommit.set(sha, [...(this.pullsByCommit.get(sha) ?? []), merged]);
    return merged;
  }

  addDeployment(deployment: Deployment): void {
    this.deployments.push(deployment);
  }

  issue(number: number): Issue {
    const issue = this.issues.get(number);
    if (!issue) throw new Error(`the fake GitHub has no issue #${number}`);
    return issue;
  }

  /** Comments on an issue, oldest first. */
  commentsOn(number: number): Comment[] {
    return this.issue(number).timeline.flatMap((e) => (e.type === "comment" ? [e.comment] : []));
  }

  /** Reactions the app left on a comment. */
  appReactions(comment: Comment): ReactionContent[] {
    return comment.reactions.filter((r) => r.user === this.appLogin).map((r) => r.content);
  }

  /** The next mutation field of this name fails as GitHub would refuse it (e.g. FORBIDDEN). */
  refuseNext(field: string, message: string, type = "FORBIDDEN"): void {
    this.refusals.push({ field, type, message });
  }

  private user(login: string): User {
    const user = this.users.get(login.toLowerCase());
    if (!user) throw new Error(`the fake GitHub has no user ${login}; add it with addUser()`);
    return user;
  }

  private problem(text: string): void {
    this.problems.push(text);
  }

  private event<T extends Omit<TimelineEvent, "id" | "at">>(issue: Issue, event: T): TimelineEvent {
    const at = this.now();
    const full = {
      ...event,
      id: this.id(TIMELINE_TYPENAMES[event.type].replace(/[a-z]/g, "")).id,
      at,
    } as unknown as TimelineEvent;
    issue.timeline.push(full);
    issue.updatedAt = at;
    return full;
  }

  private label(issue: Issue, label: Label, actor: string): boolean {
    if (issue.labels.some((l) => l.id === label.id)) return false;
    issue.labels.push(label);
    this.event(issue, { type: "labeled", label, actor });
    return true;
  }

  private unlabel(issue: Issue, label: Label, actor: string): boolean {
    const at = issue.labels.findIndex((l) => l.id === label.id);
    if (at === -1) return false;
    issue.labels.splice(at, 1);
    this.event(issue, { type: "unlabeled", label, actor });
    return true;
  }

  private newComment(issue: Issue, author: string, body: string): Comment {
    const { id, databaseId } = this.id("IC");
    const at = this.now();
    const comment: Comment = {
      id,
      databaseId: 2_000_000_000 + databaseId,
      issue: issue.number,
      author,
      body,
      createdAt: at,
      updatedAt: at,
      reactions: [],
    };
    this.comments.set(comment.databaseId, comment);
    this.nodes.set(id, { kind: "comment", key: comment.databaseId });
    issue.timeline.push({ type: "comment", comment, id, at });
    issue.updatedAt = at;
    return comment;
  }

  private setState(issue: Issue, state: "open" | "closed", actor: string): boolean {
    if (issue.state === state) return false;
    issue.state = state;
    issue.closedAt = state === "closed" ? this.now() : null;
    this.event(issue, { type: state === "closed" ? "closed" : "reopened", actor });
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // What people do: the state changes and GitHub sends a webhook.

  openIssue(o: { author: string; title: string; body: string; labels?: string[] }): {
    issue: Issue;
    webhooks: WebhookEvent[];
  } {
    this.user(o.author);
    const { id, databaseId } = this.id("I");
    const number = this.nextIssue++;
    const at = this.now();
    const issue: Issue = {
      id,
      databaseId,
      number,
      title: o.title,
      body: o.body,
      author: o.author,
      state: "open",
      labels: [],
      assignees: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      timeline: [],
    };
    this.issues.set(number, issue);
    this.nodes.set(id, { kind: "issue", key: number });
    const labels = (o.labels ?? []).map((name) => this.existingLabel(name));
    for (const label of labels) this.label(issue, label, o.author);
    // GitHub sends `opened`, then one `labeled` per label the issue was opened with.
    return {
      issue,
      webhooks: [
        this.issuesWebhook("opened", issue, o.author),
        ...labels.map((label) =>
          this.issuesWebhook("labeled", issue, o.author, { label: this.labelJson(label) }),
        ),
      ],
    };
  }

  addLabelToIssue(number: number, name: string, actor: string): WebhookEvent | null {
    const issue = this.issue(number);
    const label = this.existingLabel(name);
    return this.label(issue, label, actor)
      ? this.issuesWebhook("labeled", issue, actor, { label: this.labelJson(label) })
      : null;
  }

  removeLabelFromIssue(number: number, name: string, actor: string): WebhookEvent | null {
    const issue = this.issue(number);
    const label = this.existingLabel(name);
    return this.unlabel(issue, label, actor)
      ? this.issuesWebhook("unlabeled", issue, actor, { label: this.labelJson(label) })
      : null;
  }

  commentOn(number: number, author: string, body: string): { comment: Comment; webhook: WebhookEvent } {
    this.user(author);
    const issue = this.issue(number);
    const comment = this.newComment(issue, author, body);
    return { comment, webhook: this.commentWebhook("created", issue, comment, author) };
  }

  closeIssue(number: number, actor: string): WebhookEvent | null {
    const issue = this.issue(number);
    return this.setState(issue, "closed", actor) ? this.issuesWebhook("closed", issue, actor) : null;
  }

  reopenIssue(number: number, actor: string): WebhookEvent | null {
    const issue = this.issue(number);
    return this.setState(issue, "open", actor) ? this.issuesWebhook("reopened", issue, actor) : null;
  }

  /** The app's echoes, taken from the queue. */
  takeEchoes(): WebhookEvent[] {
    return this.echoes.splice(0, this.echoes.length);
  }

  private existingLabel(name: string): Label {
    const label = this.labels.get(name.toLowerCase());
    if (!label) throw new Error(`the repository has no label ${name}; people can only pick existing labels`);
    return label;
  }

  // -------------------------------------------------------------------------------------------
  // Webhook payloads, shaped like GitHub's.

  private userJson(login: string): Json {
    const user = this.user(login);
    const path = user.type === "Bot" ? `apps/${login.replace(/\[bot\]$/, "")}` : login;
    return {
      login: user.login,
      id: user.databaseId,
      node_id: user.id,
      avatar_url: `https://avatars.githubusercontent.com/u/${user.databaseId}?v=4`,
      url: `${API}/users/${encodeURIComponent(user.login)}`,
      html_url: `https://github.com/${path}`,
      type: user.type,
      site_admin: false,
    };
  }

  private labelJson(label: Label): Json {
    return {
      id: label.databaseId,
      node_id: label.id,
      url: `${API}/repos/${this.owner}/${this.repo}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }

  private repositoryJson(): Json {
    const owner = this.user(this.owner);
    return {
      id: 600_000_001,
      node_id: "R_kgDOFake0001",
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: true,
      owner: this.userJson(owner.login),
      html_url: `https://github.com/${this.owner}/${this.repo}`,
      url: `${API}/repos/${this.owner}/${this.repo}`,
      default_branch: this.defaultBranch,
      has_issues: true,
      visibility: "private",
    };
  }

  private association(login: string): string {
    if (login === this.appLogin) return "NONE";
    return this.collaborators.has(login.toLowerCase()) ? "MEMBER" : "NONE";
  }

  private issueJson(issue: Issue): Json {
    const url = `${API}/repos/${this.owner}/${this.repo}/issues/${issue.number}`;
    const assignees = issue.assignees.map((login) => this.userJson(login));
    return {
      url,
      repository_url: `${API}/repos/${this.owner}/${this.repo}`,
      comments_url: `${url}/comments`,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
      id: issue.databaseId,
      node_id: issue.id,
      number: issue.number,
      title: issue.title,
      user: this.userJson(issue.author),
      labels: issue.labels.map((l) => this.labelJson(l)),
      state: issue.state,
      state_reason: issue.state === "closed" ? "completed" : null,
      locked: false,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      comments: issue.timeline.filter((e) => e.type === "comment").length,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      author_association: this.association(issue.author),
      body: issue.body,
    };
  }

  private commentJson(issue: Issue, comment: Comment): Json {
    return {
      url: `${API}/repos/${this.owner}/${this.repo}/issues/comments/${comment.databaseId}`,
      html_url: this.commentUrl(comment),
      issue_url: `${API}/repos/${this.owner}/${this.repo}/issues/${issue.number}`,
      id: comment.databaseId,
      node_id: comment.id,
      user: this.userJson(comment.author),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: this.association(comment.author),
      body: comment.body,
      performed_via_github_app:
        comment.author === this.appLogin ? { id: this.appId, slug: this.appSlug } : null,
    };
  }

  private commentUrl(comment: Comment): string {
    return `https://github.com/${this.owner}/${this.repo}/issues/${comment.issue}#issuecomment-${comment.databaseId}`;
  }

  private envelope(sender: string): Json {
    return {
      repository: this.repositoryJson(),
      organization: { login: this.owner, id: this.user(this.owner).databaseId },
      sender: this.userJson(sender),
      installation: {
        id: this.installationId,
        node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${this.installationId}`,
      },
    };
  }

  private issuesWebhook(action: string, issue: Issue, sender: string, extra: Json = {}): WebhookEvent {
    return {
      id: randomUUID(),
      name: "issues",
      payload: { action, issue: this.issueJson(issue), ...extra, ...this.envelope(sender) },
    };
  }

  private commentWebhook(
    action: string,
    issue: Issue,
    comment: Comment,
    sender: string,
    extra: Json = {},
  ): WebhookEvent {
    return {
      id: randomUUID(),
      name: "issue_comment",
      payload: {
        action,
        issue: this.issueJson(issue),
        comment: this.commentJson(issue, comment),
        ...extra,
        ...this.envelope(sender),
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Serving it

  /** Answers every request to api.github.com from now on (one fake at a time). */
  listen(): this {
    if (this.listening) return this;
    this.listening = true;
    nock.disableNetConnect();
    nock.emitter.on("no match", this.noMatch);
    const fake = this;
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      nock(API)
        .persist()
        .intercept(() => true, method)
        .reply(async function (uri, requestBody) {
          return fake.handle(method, uri, requestBody, this.req.headers);
        });
    }
    return this;
  }

  stop(): void {
    if (!this.listening) return;
    this.listening = false;
    nock.cleanAll();
    nock.emitter.removeListener("no match", this.noMatch);
  }

  private async handle(
    method: string,
    uri: string,
    rawBody: unknown,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<[number, any, Record<string, string>] | [number, any]> {
    const start = performance.now();
    this.onActivity?.();
    const seq = ++this.seq;
    const url = new URL(uri, API);
    const path = decodeURIComponent(url.pathname);
    const body = parseBody(rawBody);
    const record: RequestRecord = {
      seq,
      method,
      path,
      operation: null,
      kind: "counted",
      status: 0,
      start,
      end: start,
    };
    let answer: [number, any, Record<string, string>?];
    try {
      answer =
        method === "POST" && path === "/graphql"
          ? this.graphqlRequest(body, headers, record)
          : this.rest(method, path, body, headers, record);
    } catch (error) {
      this.problem(
        `the fake GitHub failed on ${method} ${path}: ${error instanceof Error ? error.stack : String(error)}`,
      );
      answer = [500, { message: "the fake GitHub failed; see its problems" }];
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    record.status = answer[0];
    record.end = performance.now();
    this.requests.push(record);
    this.onActivity?.();
    const [status, reply, replyHeaders] = answer;
    return replyHeaders ? [status, reply, replyHeaders] : [status, reply];
  }

  private authorised(
    headers: Record<string, string | string[] | undefined>,
    as: "app" | "installation",
  ): boolean {
    const value = String(headers.authorization ?? "");
    const [scheme = "", credential = ""] = value.split(" ");
    if (as === "app") return scheme.toLowerCase() === "bearer" && credential.split(".").length === 3;
    return ["token", "bearer"].includes(scheme.toLowerCase()) && this.tokens.has(credential);
  }

  private rest(
    method: string,
    path: string,
    body: Json,
    headers: Record<string, string | string[] | undefined>,
    record: RequestRecord,
  ): [number, any, Record<string, string>?] {
    const notFound: [number, any] = [
      404,
      { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
    ];
    const route = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
    const repoPath = `/repos/${this.owner}/${this.repo}`;

    const tokenFor = route("POST", /^\/app\/installations\/(\d+)\/access_tokens$/);
    if (tokenFor) {
      record.kind = "token";
      if (!this.authorised(headers, "app"))
        return [401, { message: "A JSON web token could not be decoded" }];
      if (Number(tokenFor[1]) !== this.installationId) return notFound;
      const token = `ghs_fake${randomUUID().replace(/-/g, "").slice(0, 28)}`;
      this.tokens.add(token);
      return [
        201,
        {
          token,
          expires_at: stamp(new Date(Date.now() + 3_600_000)),
          permissions: { issues: "write", pull_requests: "write", contents: "write", metadata: "read" },
          repository_selection: "all",
        },
      ];
    }
    if (method === "GET" && path === "/app") {
      record.kind = "identity";
      if (!this.authorised(headers, "app"))
        return [401, { message: "A JSON web token could not be decoded" }];
      return [
        200,
        { id: this.appId, slug: this.appSlug, name: this.appSlug, owner: this.userJson(this.owner) },
      ];
    }

    if (!this.authorised(headers, "installation")) {
      this.problem(`${method} ${path} was sent without the installation token`);
      return [401, { message: "Bad credentials" }];
    }
    const contents = route("GET", /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/);
    if (contents) {
      record.kind = "config";
      const [, owner, repo, file = ""] = contents;
      const files =
        owner === this.owner && repo === this.repo
          ? this.files
          : owner === this.owner && repo === ".github"
            ? this.orgFiles
            : null;
      if (!files) {
        this.problem(`GET ${path}: the fake GitHub models no repository ${owner}/${repo}`);
        return notFound;
      }
      const text = files.get(file);
      if (text === undefined) return notFound;
      const accept = String(headers.accept ?? "");
      if (!accept.includes("raw")) {
        this.problem(`GET ${path}: only the raw media type is modelled`);
        return [415, { message: "the fake GitHub serves contents raw only" }];
      }
      return [200, text, { "content-type": "text/plain; charset=utf-8" }];
    }
    if (method === "POST" && path === `${repoPath}/labels`) {
      record.kind = "label-create";
      const name = typeof body.name === "string" ? body.name : "";
      const color = typeof body.color === "string" ? body.color.replace(/^#/, "") : "ededed";
      if (!name || !/^[0-9a-fA-F]{6}$/.test(color)) {
        return [
          422,
          {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "invalid", field: name ? "color" : "name" }],
          },
        ];
      }
      if (this.labels.has(name.toLowerCase())) {
        return [
          422,
          {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
          },
        ];
      }
      const label = this.addLabel(name, { color, description: body.description ?? null });
      return [201, this.labelJson(label)];
    }
    const labelLookup = route("GET", new RegExp(`^${escapeRegExp(repoPath)}/labels/(.+)$`));
    if (labelLookup) {
      record.kind = "label-create";
      const label = this.labels.get((labelLookup[1] ?? "").toLowerCase());
      return label ? [200, this.labelJson(label)] : notFound;
    }
    const permission = route(
      "GET",
      new RegExp(`^${escapeRegExp(repoPath)}/collaborators/([^/]+)/permission$`),
    );
    if (permission) {
      record.kind = "permission";
      const login = permission[1] ?? "";
      const user = this.users.get(login.toLowerCase());
      if (user?.type !== "User") return notFound;
      const role = this.collaborators.get(login.toLowerCase());
      return [
        200,
        {
          permission: role ? COARSE[role] : "none",
          role_name: role ?? "none",
          user: { ...this.userJson(user.login), role_name: role ?? "none" },
        },
      ];
    }
    this.problem(`the fake GitHub does not model ${method} ${path}`);
    return [404, { message: `the fake GitHub does not model ${method} ${path}` }];
  }

  // -------------------------------------------------------------------------------------------
  // GraphQL

  private graphqlRequest(
    body: Json,
    headers: Record<string, string | string[] | undefined>,
    record: RequestRecord,
  ): [number, any] {
    if (!this.authorised(headers, "installation")) {
      this.problem("POST /graphql was sent without the installation token");
      return [401, { message: "Bad credentials" }];
    }
    const query = typeof body.query === "string" ? body.query : "";
    let checked = this.validated.get(query);
    if (!checked) {
      try {
        const document = parse(query);
        checked = { document, errors: validate(githubSchema(), document).map((e) => e.message) };
      } catch (error) {
        checked = { document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [String(error)] };
      }
      this.validated.set(query, checked);
    }
    const operations = checked.document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      operations.find((o) => o.name?.value === body.operationName) ??
      (operations.length === 1 ? operations[0] : undefined);
    record.operation = operation?.name?.value ?? "(anonymous)";
    record.path = record.operation;
    if (checked.errors.length > 0 || !operation) {
      const errors = checked.errors.length > 0 ? checked.errors : ["no operation to run"];
      this.problem(`GraphQL ${record.operation} would be rejected by GitHub: ${errors.join("; ")}`);
      record.errors = errors;
      if (operation?.operation === "mutation") {
        // GitHub runs none of the fields of a document it rejects.
        record.writes = operation.selectionSet.selections.flatMap((selection) =>
          selection.kind === Kind.FIELD
            ? [
                {
                  alias: selection.alias?.value ?? selection.name.value,
                  field: selection.name.value,
                  ok: false,
                  error: "the document was rejected",
                },
              ]
            : [],
        );
      }
      return [200, { errors: errors.map((message) => ({ message })) }];
    }

    const mutation = operation.operation === "mutation";
    const result = execute({
      schema: githubSchema(),
      document: checked.document,
      operationName: operation.name?.value ?? null,
      rootValue: mutation ? this.mutationRoot() : this.queryRoot(),
      variableValues: body.variables ?? {},
      fieldResolver: strictResolver,
      typeResolver,
    }) as ExecutionResult;

    const errors = (result.errors ?? []).map((error) => {
      const original = error.originalError;
      if (original instanceof Unmodelled) this.problem(`GraphQL ${record.operation}: ${original.message}`);
      else if (original && !(original instanceof GitHubError)) {
        this.problem(`GraphQL ${record.operation}: the fake failed: ${original.stack ?? original.message}`);
      } else if (!original && !error.path) {
        // Variables GitHub would reject.
        this.problem(`GraphQL ${record.operation}: ${error.message}`);
      }
      return {
        ...(original instanceof GitHubError ? { type: original.type } : {}),
        ...(error.path ? { path: error.path } : {}),
        ...(error.locations ? { locations: error.locations } : {}),
        message: error.message,
      };
    });
    if (errors.length > 0) record.errors = errors.map((e) => e.message);
    if (mutation) {
      const data = (result.data ?? null) as Json | null;
      record.writes = operation.selectionSet.selections.flatMap((selection) => {
        if (selection.kind !== Kind.FIELD) return [];
        const alias = selection.alias?.value ?? selection.name.value;
        const error = errors.find((e) => e.path?.[0] === alias)?.message ?? null;
        return [{ alias, field: selection.name.value, ok: data?.[alias] != null && !error, error }];
      });
    }
    return [200, errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data }];
  }

  private connection<T>(
    info: { fieldName: string },
    items: T[],
    args: Json,
    node: (item: T) => unknown,
  ): Json {
    if (args.last != null || args.before != null) {
      throw new Unmodelled(`the fake GitHub pages \`${info.fieldName}\` forwards only (first/after)`);
    }
    const first = args.first;
    if (typeof first !== "number") {
      throw new GitHubError(
        "MISSING_PAGINATION_BOUNDARIES",
        `You must provide a \`first\` or \`last\` value to properly paginate the \`${info.fieldName}\` connection.`,
      );
    }
    if (first > 100 || first < 0) {
      throw new GitHubError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${first} records on the \`${info.fieldName}\` connection exceeds the \`first\` limit of 100 records.`,
      );
    }
    const offset = args.after ? offsetOf(args.after) : 0;
    const slice = items.slice(offset, offset + first);
    return {
      totalCount: items.length,
      pageInfo: {
        hasNextPage: offset + slice.length < items.length,
        hasPreviousPage: offset > 0,
        startCursor: slice.length > 0 ? cursorOf(offset + 1) : null,
        endCursor: slice.length > 0 ? cursorOf(offset + slice.length) : null,
      },
      nodes: () => slice.map(node),
      edges: () => slice.map((item, i) => ({ cursor: cursorOf(offset + i + 1), node: node(item) })),
    };
  }

  private actor(login: string | null): Json | null {
    if (login === null) return null;
    const user = this.user(login);
    return {
      __typename: user.type,
      id: user.id,
      // GraphQL names a bot without the `[bot]` REST adds.
      login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
      url: `https://github.com/${user.login}`,
    };
  }

  private labelView(label: Label): Json {
    return {
      __typename: "Label",
      id: label.id,
      name: label.name,
      color: label.color,
      description: label.description,
    };
  }

  private commentView(comment: Comment): Json {
    return {
      __typename: "IssueComment",
      id: comment.id,
      databaseId: comment.databaseId,
      body: comment.body,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      url: this.commentUrl(comment),
      author: this.actor(comment.author),
      viewerDidAuthor: comment.author === this.appLogin,
      reactionGroups: REACTIONS.map((content) => ({
        __typename: "ReactionGroup",
        content,
        viewerHasReacted: comment.reactions.some((r) => r.content === content && r.user === this.appLogin),
      })),
      issue: () => this.issueView(this.issue(comment.issue)),
    };
  }

  private timelineView(event: TimelineEvent): Json {
    const base = { __typename: TIMELINE_TYPENAMES[event.type], id: event.id, createdAt: event.at };
    switch (event.type) {
      case "comment":
        return this.commentView(event.comment);
      case "labeled":
      case "unlabeled":
        return { ...base, actor: this.actor(event.actor), label: this.labelView(event.label) };
      case "assigned":
      case "unassigned":
        return { ...base, actor: this.actor(event.actor), assignee: this.actor(event.assignee) };
      case "closed":
      case "reopened":
        return { ...base, actor: this.actor(event.actor) };
      case "cross-referenced": {
        const path = event.source.kind === "PullRequest" ? "pull" : "issues";
        return {
          ...base,
          actor: this.actor(event.actor),
          source: {
            __typename: event.source.kind,
            number: event.source.number,
            title: event.source.title,
            url: `https://github.com/${this.owner}/${this.repo}/${path}/${event.source.number}`,
          },
        };
      }
      case "renamed":
        return { ...base, actor: this.actor(event.actor), previousTitle: event.from, currentTitle: event.to };
    }
  }

  private issueView(issue: Issue): Json {
    return {
      __typename: "Issue",
      id: issue.id,
      databaseId: issue.databaseId,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
      state: issue.state === "open" ? "OPEN" : "CLOSED",
      closed: issue.state === "closed",
      createdAt: issue.createdAt,
      closedAt: issue.closedAt,
      author: this.actor(issue.author),
      labels: (args: Json, info: { fieldName: string }) =>
        this.connection(info, issue.labels, args, (label) => this.labelView(label)),
      assignees: (args: Json, info: { fieldName: string }) =>
        this.connection(info, issue.assignees, args, (login) => this.actor(login)),
      timelineItems: (args: Json, info: { fieldName: string }) => {
        if (args.since != null || args.skip != null) {
          throw new Unmodelled("the fake GitHub does not filter timelineItems by since or skip");
        }
        const types: string[] | null = args.itemTypes ?? null;
        const items = issue.timeline.filter(
          (e) => !types || types.includes(itemType(TIMELINE_TYPENAMES[e.type])),
        );
        return this.connection(info, items, args, (e) => this.timelineView(e));
      },
    };
  }

  private branchHistory(): Commit[] {
    this.sortedCommits ??= [...this.commits].sort((a, b) => b.committedDate.localeCompare(a.committedDate));
    return this.sortedCommits;
  }

  private commitView(commit: Commit): Json {
    const url = `https://github.com/${this.owner}/${this.repo}`;
    return {
      __typename: "Commit",
      id: `C_kwDOFake${commit.sha.slice(0, 12)}`,
      oid: commit.sha,
      abbreviatedOid: commit.sha.slice(0, 7),
      messageHeadline: commit.headline,
      committedDate: commit.committedDate,
      url: `${url}/commit/${commit.sha}`,
      additions: commit.additions,
      deletions: commit.deletions,
      author: {
        name: "login" in commit.author ? commit.author.login : commit.author.name,
        email: null,
        user: "login" in commit.author ? this.actor(commit.author.login) : null,
      },
      associatedPullRequests: (args: Json, info: { fieldName: string }) =>
        this.connection(info, this.pullsByCommit.get(commit.sha) ?? [], args, (pr) => this.pullView(pr)),
      history: (args: Json, info: { fieldName: string }) => {
        if (args.author != null || args.path != null) {
          throw new Unmodelled("the fake GitHub does not filter history by author or path");
        }
        const since = args.since ? Date.parse(args.since) : Number.NEGATIVE_INFINITY;
        const until = args.until ? Date.parse(args.until) : Number.POSITIVE_INFINITY;
        const all = this.branchHistory();
        const reachable = all.slice(all.indexOf(commit));
        const inWindow = reachable.filter((c) => {
          const at = Date.parse(c.committedDate);
          return at >= since && at <= until;
        });
        return this.connection(info, inWindow, args, (c) => this.commitView(c));
      },
    };
  }

  private pullView(pr: PullRequest): Json {
    return {
      __typename: "PullRequest",
      id: `PR_kwDOFake${pr.number}`,
      number: pr.number,
      title: pr.title,
      url: `https://github.com/${this.owner}/${this.repo}/pull/${pr.number}`,
      state: "MERGED",
      merged: true,
      mergedAt: pr.mergedAt,
      baseRefName: pr.baseRefName,
      additions: pr.additions,
      deletions: pr.deletions,
      changedFiles: pr.files.length,
      author: this.actor(pr.author),
      files: (args: Json, info: { fieldName: string }) =>
        this.connection(info, pr.files, args, (path) => ({ __typename: "PullRequestChangedFile", path })),
    };
  }

  private treeOrBlob(path: string): Json | null {
    const text = this.files.get(path);
    if (text !== undefined) {
      return {
        __typename: "Blob",
        text,
        isTruncated: false,
        isBinary: false,
        byteSize: Buffer.byteLength(text),
      };
    }
    const prefix = path === "" ? "" : `${path}/`;
    const names = new Set(
      [...this.files.keys()]
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length).split("/")[0] as string),
    );
    if (names.size === 0) return null;
    return {
      __typename: "Tree",
      entries: [...names].sort().map((name) => ({
        __typename: "TreeEntry",
        name,
        path: `${prefix}${name}`,
        type: this.files.has(`${prefix}${name}`) ? "blob" : "tree",
        object: this.treeOrBlob(`${prefix}${name}`),
      })),
    };
  }

  private repositoryView(): Json {
    return {
      __typename: "Repository",
      id: "R_kgDOFake0001",
      name: this.repo,
      nameWithOwner: `${this.owner}/${this.repo}`,
      url: `https://github.com/${this.owner}/${this.repo}`,
      label: ({ name }: Json) => {
        const label = this.labels.get(String(name).toLowerCase());
        return label ? this.labelView(label) : null;
      },
      labels: (args: Json, info: { fieldName: string }) => {
        if (args.query != null || args.orderBy != null)
          throw new Unmodelled("labels(query/orderBy) is not modelled");
        return this.connection(info, [...this.labels.values()], args, (l) => this.labelView(l));
      },
      issue: ({ number }: Json) => {
        const issue = this.issues.get(number);
        if (!issue) {
          throw new GitHubError("NOT_FOUND", `Could not resolve to an Issue with the number of ${number}.`);
        }
        return this.issueView(issue);
      },
      ref: ({ qualifiedName }: Json) => {
        const name = String(qualifiedName).replace(/^refs\/heads\//, "");
        if (name !== this.defaultBranch) return null;
        const head = this.branchHistory()[0];
        return head
          ? { __typename: "Ref", name, prefix: "refs/heads/", target: this.commitView(head) }
          : null;
      },
      deployments: (args: Json, info: { fieldName: string }) => {
        if (args.environments != null) throw new Unmodelled("deployments(environments:) is not modelled");
        const direction = args.orderBy?.direction ?? "ASC";
        const sorted = [...this.deployments].sort((a, b) =>
          direction === "DESC"
            ? b.createdAt.localeCompare(a.createdAt)
            : a.createdAt.localeCompare(b.createdAt),
        );
        return this.connection(info, sorted, args, (d) => ({
          __typename: "Deployment",
          environment: d.environment,
          commitOid: d.sha,
          createdAt: d.createdAt,
          latestStatus: { __typename: "DeploymentStatus", state: d.state, environmentUrl: d.environmentUrl },
        }));
      },
      object: ({ expression, oid }: Json) => {
        if (oid != null) throw new Unmodelled("object(oid:) is not modelled");
        const [rev = "", path = ""] = String(expression).split(/:(.*)/s);
        if (rev !== this.defaultBranch && rev !== "HEAD") {
          throw new Unmodelled(`object(expression:) at a revision other than ${this.defaultBranch}`);
        }
        return this.treeOrBlob(path.replace(/\/$/, ""));
      },
    };
  }

  private queryRoot(): Json {
    return {
      repository: ({ owner, name }: Json) => {
        if (
          String(owner).toLowerCase() !== this.owner.toLowerCase() ||
          String(name).toLowerCase() !== this.repo.toLowerCase()
        ) {
          throw new GitHubError(
            "NOT_FOUND",
            `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          );
        }
        return this.repositoryView();
      },
      user: ({ login }: Json) => {
        const user = this.users.get(String(login).toLowerCase());
        if (user?.type !== "User") {
          throw new GitHubError("NOT_FOUND", `Could not resolve to a User with the login of '${login}'.`);
        }
        return this.actor(user.login);
      },
      viewer: () => this.actor(this.appLogin),
    };
  }

  // Mutations: each field checks everything first, then changes the state (GitHub carries on with
  // the next field when one fails).

  private node<K extends "issue" | "comment" | "label" | "user">(id: unknown, kind: K, what: string) {
    const found = this.nodes.get(String(id));
    if (!found || found.kind !== kind) {
      throw new GitHubError("NOT_FOUND", `Could not resolve to ${what} node with the global id of '${id}'.`);
    }
    return found.key;
  }

  private issueNode(id: unknown, what: string): Issue {
    return this.issue(this.node(id, "issue", what) as number);
  }

  private refusal(field: string): void {
    const at = this.refusals.findIndex((r) => r.field === field);
    if (at === -1) return;
    const [refused] = this.refusals.splice(at, 1);
    if (refused) throw new GitHubError(refused.type, refused.message);
  }

  private checkBody(body: unknown): string {
    const text = String(body ?? "");
    if (text.trim() === "") throw new GitHubError("UNPROCESSABLE", "Body can't be blank");
    if (text.length > MAX_BODY) {
      throw new GitHubError("UNPROCESSABLE", `Body is too long (maximum is ${MAX_BODY} characters)`);
    }
    return text;
  }

  private mutationRoot(): Json {
    const app = this.appLogin;
    const done = (input: Json, rest: Json = {}) => ({
      clientMutationId: input.clientMutationId ?? null,
      ...rest,
    });
    return {
      addLabelsToLabelable: ({ input }: Json) => {
        this.refusal("addLabelsToLabelable");
        const issue = this.issueNode(input.labelableId, "a Labelable");
        const labels = (input.labelIds as string[]).map(
          (id) => this.labels.get(this.node(id, "label", "a Label") as string) as Label,
        );
        for (const label of labels) {
          if (this.label(issue, label, app)) {
            this.echoes.push(this.issuesWebhook("labeled", issue, app, { label: this.labelJson(label) }));
          }
        }
        return done(input, { labelable: this.issueView(issue) });
      },
      removeLabelsFromLabelable: ({ input }: Json) => {
        this.refusal("removeLabelsFromLabelable");
        const issue = this.issueNode(input.labelableId, "a Labelable");
        const labels = (input.labelIds as string[]).map(
          (id) => this.labels.get(this.node(id, "label", "a Label") as string) as Label,
        );
        for (const label of labels) {
          if (this.unlabel(issue, label, app)) {
            this.echoes.push(this.issuesWebhook("unlabeled", issue, app, { label: this.labelJson(label) }));
          }
        }
        return done(input, { labelable: this.issueView(issue) });
      },
      addAssigneesToAssignable: ({ input }: Json) => {
        this.refusal("addAssigneesToAssignable");
        const issue = this.issueNode(input.assignableId, "an Assignable");
        const users = (input.assigneeIds as string[]).map(
          (id) => this.users.get(this.node(id, "user", "a User") as string) as User,
        );
        for (const user of users) {
          // GitHub silently skips people who cannot be assigned (no access to the repository).
          if (!this.collaborators.has(user.login.toLowerCase()) || issue.assignees.includes(user.login))
            continue;
          if (issue.assignees.length >= 10)
            throw new GitHubError("UNPROCESSABLE", "An issue can have at most 10 assignees");
          issue.assignees.push(user.login);
          this.event(issue, { type: "assigned", assignee: user.login, actor: app });
          this.echoes.push(
            this.issuesWebhook("assigned", issue, app, { assignee: this.userJson(user.login) }),
          );
        }
        return done(input, { assignable: this.issueView(issue) });
      },
      removeAssigneesFromAssignable: ({ input }: Json) => {
        this.refusal("removeAssigneesFromAssignable");
        const issue = this.issueNode(input.assignableId, "an Assignable");
        const users = (input.assigneeIds as string[]).map(
          (id) => this.users.get(this.node(id, "user", "a User") as string) as User,
        );
        for (const user of users) {
          const at = issue.assignees.indexOf(user.login);
          if (at === -1) continue;
          issue.assignees.splice(at, 1);
          this.event(issue, { type: "unassigned", assignee: user.login, actor: app });
          this.echoes.push(
            this.issuesWebhook("unassigned", issue, app, { assignee: this.userJson(user.login) }),
          );
        }
        return done(input, { assignable: this.issueView(issue) });
      },
      updateIssueComment: ({ input }: Json) => {
        this.refusal("updateIssueComment");
        const comment = this.comments.get(
          this.node(input.id, "comment", "an IssueComment") as number,
        ) as Comment;
        const body = this.checkBody(input.body);
        const from = comment.body;
        comment.body = body;
        comment.updatedAt = this.now();
        const issue = this.issue(comment.issue);
        this.echoes.push(this.commentWebhook("edited", issue, comment, app, { changes: { body: { from } } }));
        return done(input, { issueComment: this.commentView(comment) });
      },
      addComment: ({ input }: Json) => {
        this.refusal("addComment");
        const issue = this.issueNode(input.subjectId, "a Comment subject");
        const body = this.checkBody(input.body);
        const comment = this.newComment(issue, app, body);
        this.echoes.push(this.commentWebhook("created", issue, comment, app));
        const edge = { cursor: cursorOf(issue.timeline.length), node: this.commentView(comment) };
        return done(input, { commentEdge: edge, timelineEdge: edge, subject: this.issueView(issue) });
      },
      addReaction: ({ input }: Json) => {
        this.refusal("addReaction");
        const target = this.nodes.get(String(input.subjectId));
        const content = input.content as ReactionContent;
        if (target?.kind === "comment") {
          const comment = this.comments.get(target.key as number) as Comment;
          if (!comment.reactions.some((r) => r.content === content && r.user === app)) {
            comment.reactions.push({ content, user: app });
          }
          return done(input, {
            reaction: { __typename: "Reaction", content, user: this.actor(app) },
            subject: this.commentView(comment),
          });
        }
        if (target?.kind === "issue") throw new Unmodelled("reactions on issues are not modelled");
        throw new GitHubError(
          "NOT_FOUND",
          `Could not resolve to a Reactable node with the global id of '${input.subjectId}'.`,
        );
      },
      closeIssue: ({ input }: Json) => {
        this.refusal("closeIssue");
        const issue = this.issueNode(input.issueId, "an Issue");
        if (this.setState(issue, "closed", app)) this.echoes.push(this.issuesWebhook("closed", issue, app));
        return done(input, { issue: this.issueView(issue) });
      },
      reopenIssue: ({ input }: Json) => {
        this.refusal("reopenIssue");
        const issue = this.issueNode(input.issueId, "an Issue");
        if (this.setState(issue, "open", app)) this.echoes.push(this.issuesWebhook("reopened", issue, app));
        return done(input, { issue: this.issueView(issue) });
      },
    };
  }
}

function parseBody(body: unknown): Json {
  if (typeof body === "string") {
    if (body === "") return {};
    try {
      return JSON.parse(body) as Json;
    } catch {
      return { raw: body };
    }
  }
  return (body ?? {}) as Json;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// A Probot wired like production, talking to the fake.

let privateKey: string | null = null;

export interface ProbotOptions {
  /** Probot's default request throttling (production has it on; it spaces writes and GraphQL 1 s apart). */
  throttle?: boolean;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
}

export async function createProbot(
  fake: FakeGitHub,
  app: ApplicationFunction,
  options: ProbotOptions = {},
): Promise<Probot> {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const throttle = options.throttle ?? false;
  const probot = new Probot({
    appId: fake.appId,
    privateKey,
    logLevel: options.logLevel ?? "fatal",
    // The function form (the object form would leave throttling on whatever it says).
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) =>
      throttle ? o : { ...o, throttle: { enabled: false } },
    ),
  });
  await probot.load(app);
  return probot;
}

/** Delivers a webhook to the app as GitHub would. */
export function deliver(probot: Probot, event: WebhookEvent): Promise<void> {
  return probot.receive({ id: event.id, name: event.name, payload: event.payload } as Parameters<
    Probot["receive"]
  >[0]);
}
