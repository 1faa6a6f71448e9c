// The local GitHub's state: people, apps and their installations, repositories (their git data on
// disk, labels, issues and pull requests with their timelines, comments, reactions, collaborators,
// deployments) and Projects v2 boards. Every change goes through a method here, which records it in
// the timeline the way GitHub does and announces the webhook GitHub would send.
import { randomUUID } from "node:crypto";
import { type FileChange, GitStore, type Person } from "./git.js";

export type Role = "read" | "triage" | "write" | "maintain" | "admin";
export const ROLES: Role[] = ["read", "triage", "write", "maintain", "admin"];

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
/** REST's names for the same reactions. */
export const REST_REACTIONS: Record<string, ReactionContent> = {
  "+1": "THUMBS_UP",
  "-1": "THUMBS_DOWN",
  laugh: "LAUGH",
  hooray: "HOORAY",
  confused: "CONFUSED",
  heart: "HEART",
  rocket: "ROCKET",
  eyes: "EYES",
};

export interface User {
  login: string;
  type: "User" | "Bot" | "Organization";
  id: string;
  databaseId: number;
  name: string | null;
  email: string;
}

export interface Label {
  id: string;
  databaseId: number;
  name: string;
  color: string;
  description: string | null;
}

export interface Reaction {
  content: ReactionContent;
  user: string;
  createdAt: string;
}

export interface Comment {
  id: string;
  databaseId: number;
  repo: Repo;
  /** The issue or pull request it is on. */
  number: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  reactions: Reaction[];
}

export type TimelineEvent = { id: string; at: string } & (
  | { type: "comment"; comment: Comment }
  | { type: "labeled" | "unlabeled"; label: Label; actor: string }
  | { type: "assigned" | "unassigned"; assignee: string; actor: string }
  | { type: "closed" | "reopened"; actor: string }
  | { type: "merged"; actor: string; commit: string }
  | { type: "cross-referenced"; actor: string; source: Item }
  | { type: "renamed"; actor: string; from: string; to: string }
);

interface ItemBase {
  repo: Repo;
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
  reactions: Reaction[];
}

export interface Issue extends ItemBase {
  kind: "issue";
  stateReason: "completed" | "not_planned" | "reopened" | null;
}

export interface PullRequest extends ItemBase {
  kind: "pull";
  head: string;
  /** The head's sha when the pull request was opened, and as it moves while open. */
  headSha: string;
  base: string;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  /** The merge (or squash) commit on the base branch. */
  mergeCommit: string | null;
  /** The commits it brought in, recorded when it was merged (open: computed from its branch). */
  commits: string[];
  /** Its files, recorded when it was merged (open: computed from its branch). */
  files: FileChange[] | null;
  requestedReviewers: string[];
  draft: boolean;
  maintainerCanModify: boolean;
}

export type Item = Issue | PullRequest;

export interface DeploymentStatus {
  id: number;
  state: "success" | "failure" | "error" | "inactive" | "in_progress" | "queued" | "pending";
  environmentUrl: string | null;
  createdAt: string;
}

export interface Deployment {
  id: number;
  nodeId: string;
  sha: string;
  ref: string;
  environment: string;
  description: string | null;
  creator: string;
  createdAt: string;
  statuses: DeploymentStatus[];
}

export interface Repo {
  id: string;
  databaseId: number;
  owner: User;
  name: string;
  defaultBranch: string;
  private: boolean;
  description: string | null;
  createdAt: string;
  git: GitStore;
  labels: Map<string, Label>;
  items: Map<number, Item>;
  comments: Map<number, Comment>;
  collaborators: Map<string, Role>;
  deployments: Deployment[];
  nextNumber: number;
}

export interface ProjectField {
  id: string;
  name: string;
  dataType: "TEXT" | "DATE" | "SINGLE_SELECT" | "NUMBER" | "ITERATION" | "TITLE";
  options?: Array<{ id: string; name: string }>;
}

export interface ProjectItem {
  id: string;
  databaseId: number;
  content: Item;
  values: Map<string, string | number>;
  createdAt: string;
}

export interface Project {
  id: string;
  databaseId: number;
  number: number;
  owner: User;
  title: string;
  fields: ProjectField[];
  items: ProjectItem[];
}

export interface App {
  id: number;
  slug: string;
  name: string;
  owner: User;
  bot: User;
  /** PEM; JWTs are checked against it when known. */
  publicKey: string | null;
  permissions: Record<string, string>;
  events: string[];
}

export interface Installation {
  id: number;
  app: App;
  account: User;
  permissions: Record<string, string>;
  createdAt: string;
}

export type Credential =
  | { kind: "installation"; installation: Installation; expiresAt: number }
  | { kind: "user"; user: User; projects: boolean };

/** A webhook a state change causes; its payload is built at once (GitHub's shows the state then). */
export interface WebhookIntent {
  event: "issues" | "pull_request" | "issue_comment";
  action: string;
  sender: string;
  item: Item;
  comment?: Comment;
  label?: Label;
  assignee?: string;
  changes?: Record<string, unknown>;
}

/** A GitHub error with its REST status and GraphQL type (404 NOT_FOUND, 422 UNPROCESSABLE…). */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 404 ? "NOT_FOUND" : status === 403 ? "FORBIDDEN" : "UNPROCESSABLE",
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export interface Quirks {
  /** `object(expression:)` with a short sha several objects start with: an error, or null as for an unknown sha. */
  ambiguousShortSha: "error" | "null";
  /** A 409 from `POST /merges` says "Merge conflict", or also git's lines naming the files. */
  detailedConflicts: boolean;
}

/** GitHub's timestamps have whole seconds: `2026-11-22T14:05:03Z`. */
export function stamp(date: Date | number): string {
  return `${new Date(date).toISOString().slice(0, 19)}Z`;
}

const cross = /(?:^|[^\w/#])#(\d+)\b/g;

export class Store {
  readonly users = new Map<string, User>();
  readonly repos = new Map<string, Repo>();
  readonly projects: Project[] = [];
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly credentials = new Map<string, Credential>();
  readonly nodes = new Map<string, unknown>();
  /** Where GitHub's behaviour is not documented, which way the local GitHub goes. */
  readonly quirks: Quirks = { ambiguousShortSha: "error", detailedConflicts: false };
  private nextId = 1;

  constructor(
    readonly clock: () => Date,
    private readonly emit: (intent: WebhookIntent) => void,
  ) {}

  private pinned: string | null = null;
  private holding: WebhookIntent[] | null = null;

  /** Announces a webhook (held back while an issue is being opened with its labels). */
  private announce(intent: WebhookIntent): void {
    if (this.holding) this.holding.push(intent);
    else this.emit(intent);
  }

  now(): string {
    return this.pinned ?? stamp(this.clock());
  }

  /** Runs `fn` with the clock pinned to `at` (seeding a past that GitHub recorded then). */
  at<T>(at: string | null | undefined, fn: () => T): T {
    if (!at) return fn();
    const before = this.pinned;
    this.pinned = stamp(Date.parse(at));
    try {
      return fn();
    } finally {
      this.pinned = before;
    }
  }

  newId(prefix: string, target: unknown): { id: string; databaseId: number } {
    const n = this.nextId++;
    const id = `${prefix}_lg${n.toString(36).padStart(6, "0")}`;
    this.nodes.set(id, target);
    return { id, databaseId: 1000 + n };
  }

  // -------------------------------------------------------------------------------------------
  // People and repositories

  user(login: string): User | null {
    return this.users.get(login.toLowerCase()) ?? null;
  }

  mustUser(login: string): User {
    const user = this.user(login);
    if (!user) throw new Error(`the local GitHub has no user ${login}; seed it first`);
    return user;
  }

  addUser(login: string, type: User["type"] = "User", name: string | null = null): User {
    const existing = this.user(login);
    if (existing) return existing;
    const user = { login, type, name } as User;
    Object.assign(user, this.newId(type === "Bot" ? "BOT" : type === "Organization" ? "O" : "U", user));
    // As GitHub's private commit emails: `<id>+<login>@users.noreply.<host>`.
    user.email = `${user.databaseId}+${login}@users.noreply.local`;
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  /** The user a git author is, by email (GitHub attributes commits this way); null when nobody. */
  userByEmail(email: string): User | null {
    for (const user of this.users.values()) if (user.email === email) return user;
    return null;
  }

  person(login: string, date = this.now()): Person {
    const user = this.mustUser(login);
    return { name: user.name ?? user.login, email: user.email, date };
  }

  repo(owner: string, name: string): Repo | null {
    return this.repos.get(`${owner}/${name}`.toLowerCase()) ?? null;
  }

  mustRepo(fullName: string): Repo {
    const [owner = "", name = ""] = fullName.split("/");
    const repo = this.repo(owner, name);
    if (!repo) throw new Error(`the local GitHub has no repository ${fullName}; seed it first`);
    return repo;
  }

  addRepo(o: {
    owner: string;
    name: string;
    defaultBranch?: string;
    private?: boolean;
    description?: string | null;
    gitDir?: string;
  }): Repo {
    const existing = this.repo(o.owner, o.name);
    if (existing) return existing;
    const owner = this.user(o.owner) ?? this.addUser(o.owner, "Organization");
    const defaultBranch = o.defaultBranch ?? "main";
    const repo = {
      owner,
      name: o.name,
      defaultBranch,
      private: o.private ?? true,
      description: o.description ?? null,
      createdAt: this.now(),
      git: o.gitDir ? GitStore.open(o.gitDir) : GitStore.create(defaultBranch),
      labels: new Map(),
      items: new Map(),
      comments: new Map(),
      collaborators: new Map(),
      deployments: [],
      nextNumber: 1,
    } as unknown as Repo;
    Object.assign(repo, this.newId("R", repo));
    this.repos.set(`${o.owner}/${o.name}`.toLowerCase(), repo);
    return repo;
  }

  /** The role a person has on a repository (an organisation's owner is admin); null for none. */
  roleOf(repo: Repo, login: string): Role | null {
    if (login.toLowerCase() === repo.owner.login.toLowerCase()) return "admin";
    return repo.collaborators.get(login.toLowerCase()) ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Labels

  addLabel(repo: Repo, name: string, o: { color?: string; description?: string | null } = {}): Label {
    const existing = repo.labels.get(name.toLowerCase());
    if (existing) return existing;
    const label = { name, color: o.color ?? "ededed", description: o.description ?? null } as Label;
    Object.assign(label, this.newId("LA", label));
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  label(repo: Repo, name: string): Label {
    const label = repo.labels.get(name.toLowerCase());
    if (!label) throw new GitHubError(404, `Label does not exist: ${name}`);
    return label;
  }

  // -------------------------------------------------------------------------------------------
  // Issues and pull requests

  item(repo: Repo, number: number): Item {
    const item = repo.items.get(number);
    if (!item) throw new GitHubError(404, "Not Found");
    return item;
  }

  issueOrPull<K extends Item["kind"]>(repo: Repo, number: number, kind: K): Extract<Item, { kind: K }> {
    const item = this.item(repo, number);
    if (item.kind !== kind) throw new GitHubError(404, "Not Found");
    return item as Extract<Item, { kind: K }>;
  }

  private event<T extends Omit<TimelineEvent, "id" | "at">>(item: Item, event: T): TimelineEvent {
    const full = { ...event, at: this.now() } as unknown as TimelineEvent;
    full.id = this.newId(EVENT_PREFIX[event.type], full).id;
    item.timeline.push(full);
    item.updatedAt = full.at;
    return full;
  }

  private itemHook(item: Item, action: string, sender: string, extra: Partial<WebhookIntent> = {}) {
    this.announce({
      event: item.kind === "pull" ? "pull_request" : "issues",
      action,
      sender,
      item,
      ...extra,
    });
  }

  createIssue(
    repo: Repo,
    o: { author: string; title: string; body?: string; labels?: string[]; assignees?: string[] },
  ): Issue {
    this.mustUser(o.author);
    if (!o.title?.trim()) throw new GitHubError(422, "Validation Failed: title can't be blank");
    const at = this.now();
    const issue = {
      kind: "issue",
      repo,
      number: repo.nextNumber++,
      title: o.title,
      body: o.body ?? "",
      author: o.author,
      state: "open",
      stateReason: null,
      labels: [],
      assignees: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      timeline: [],
      reactions: [],
    } as unknown as Issue;
    Object.assign(issue, this.newId("I", issue));
    repo.items.set(issue.number, issue);
    const labels = (o.labels ?? []).map((name) => this.label(repo, name));
    // GitHub sends `opened` (the issue with its labels and assignees), then one `labeled` per label
    // and one `assigned` per assignee.
    const held: WebhookIntent[] = [];
    this.holding = held;
    try {
      for (const label of labels) this.addLabels(issue, [label], o.author);
      if (o.assignees?.length) this.addAssignees(issue, o.assignees, o.author);
    } finally {
      this.holding = null;
    }
    this.itemHook(issue, "opened", o.author);
    for (const intent of held) this.announce(intent);
    this.crossReference(issue, issue.body, o.author);
    return issue;
  }

  /** Labels an issue or pull request; returns the labels it did not have. */
  addLabels(item: Item, labels: Label[], actor: string): Label[] {
    const added: Label[] = [];
    for (const label of labels) {
      if (item.labels.some((l) => l.id === label.id)) continue;
      item.labels.push(label);
      this.event(item, { type: "labeled", label, actor });
      added.push(label);
      this.itemHook(item, "labeled", actor, { label });
    }
    return added;
  }

  removeLabels(item: Item, labels: Label[], actor: string): Label[] {
    const removed: Label[] = [];
    for (const label of labels) {
      const at = item.labels.findIndex((l) => l.id === label.id);
      if (at === -1) continue;
      item.labels.splice(at, 1);
      this.event(item, { type: "unlabeled", label, actor });
      removed.push(label);
      this.itemHook(item, "unlabeled", actor, { label });
    }
    return removed;
  }

  /** Assigns people; like GitHub, silently skips those who cannot be assigned (no access). */
  addAssignees(item: Item, logins: string[], actor: string): string[] {
    const added: string[] = [];
    for (const login of logins) {
      const user = this.user(login);
      if (!user || !this.roleOf(item.repo, user.login) || item.assignees.includes(user.login)) continue;
      if (item.assignees.length >= 10) throw new GitHubError(422, "An issue can have at most 10 assignees");
      item.assignees.push(user.login);
      this.event(item, { type: "assigned", assignee: user.login, actor });
      added.push(user.login);
      this.itemHook(item, "assigned", actor, { assignee: user.login });
    }
    return added;
  }

  removeAssignees(item: Item, logins: string[], actor: string): string[] {
    const removed: string[] = [];
    for (const login of logins) {
      const at = item.assignees.findIndex((a) => a.toLowerCase() === login.toLowerCase());
      if (at === -1) continue;
      const [gone] = item.assignees.splice(at, 1) as [string];
      this.event(item, { type: "unassigned", assignee: gone, actor });
      removed.push(gone);
      this.itemHook(item, "unassigned", actor, { assignee: gone });
    }
    return removed;
  }

  setState(item: Item, state: "open" | "closed", actor: string, reason?: Issue["stateReason"]): boolean {
    if (item.state === state) return false;
    if (item.kind === "pull" && item.merged)
      throw new GitHubError(422, "a merged pull request cannot change state");
    item.state = state;
    item.closedAt = state === "closed" ? this.now() : null;
    if (item.kind === "issue") item.stateReason = state === "closed" ? (reason ?? "completed") : "reopened";
    this.event(item, { type: state === "closed" ? "closed" : "reopened", actor });
    this.itemHook(item, state === "closed" ? "closed" : "reopened", actor);
    return true;
  }

  rename(item: Item, title: string, actor: string): void {
    if (item.title === title) return;
    const from = item.title;
    item.title = title;
    this.event(item, { type: "renamed", actor, from, to: title });
    this.itemHook(item, "edited", actor, { changes: { title: { from } } });
  }

  editBody(item: Item, body: string, actor: string): void {
    if (item.body === body) return;
    const from = item.body;
    item.body = body;
    item.updatedAt = this.now();
    this.itemHook(item, "edited", actor, { changes: { body: { from } } });
    this.crossReference(item, body, actor);
  }

  addComment(item: Item, author: string, body: string): Comment {
    this.mustUser(author);
    if (!body.trim()) throw new GitHubError(422, "Body can't be blank");
    if (body.length > MAX_BODY)
      throw new GitHubError(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
    const at = this.now();
    const comment = {
      repo: item.repo,
      number: item.number,
      author,
      body,
      createdAt: at,
      updatedAt: at,
      reactions: [],
    } as unknown as Comment;
    const ids = this.newId("IC", comment);
    comment.id = ids.id;
    comment.databaseId = 2_000_000_000 + ids.databaseId;
    item.repo.comments.set(comment.databaseId, comment);
    item.timeline.push({ type: "comment", comment, id: comment.id, at });
    item.updatedAt = at;
    this.announce({ event: "issue_comment", action: "created", sender: author, item, comment });
    this.crossReference(item, body, author);
    return comment;
  }

  editComment(comment: Comment, body: string, actor: string): void {
    if (!body.trim()) throw new GitHubError(422, "Body can't be blank");
    if (body.length > MAX_BODY)
      throw new GitHubError(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = this.now();
    const item = this.item(comment.repo, comment.number);
    this.announce({
      event: "issue_comment",
      action: "edited",
      sender: actor,
      item,
      comment,
      changes: { body: { from } },
    });
  }

  react(target: Comment | Item, content: ReactionContent, login: string): Reaction {
    const existing = target.reactions.find((r) => r.content === content && r.user === login);
    if (existing) return existing;
    const reaction = { content, user: login, createdAt: this.now() };
    target.reactions.push(reaction);
    return reaction;
  }

  /** `#12` in a body or comment: GitHub records a cross-reference on issue 12 of the same repository. */
  private crossReference(source: Item, text: string, actor: string): void {
    for (const match of text.matchAll(cross)) {
      const target = source.repo.items.get(Number(match[1]));
      if (!target || target === source) continue;
      const already = target.timeline.some((e) => e.type === "cross-referenced" && e.source === source);
      if (!already) this.event(target, { type: "cross-referenced", actor, source });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Pull requests

  openPullRequest(
    repo: Repo,
    o: { author: string; title: string; body?: string; head: string; base: string; draft?: boolean },
  ): PullRequest {
    this.mustUser(o.author);
    const invalid = (field: string, message?: string) =>
      new GitHubError(422, "Validation Failed", "UNPROCESSABLE", [
        message
          ? { resource: "PullRequest", code: "custom", message }
          : { resource: "PullRequest", field, code: "invalid" },
      ]);
    if (!o.title?.trim()) throw invalid("title");
    const base = repo.git.ref(`refs/heads/${o.base}`);
    if (!base) throw invalid("base");
    const head = repo.git.ref(`refs/heads/${o.head}`);
    if (!head) throw invalid("head");
    const open = [...repo.items.values()].some(
      (i) => i.kind === "pull" && i.state === "open" && i.head === o.head && i.base === o.base,
    );
    if (open) throw invalid("head", `A pull request already exists for ${repo.owner.login}:${o.head}.`);
    if (repo.git.isAncestor(head, base)) throw invalid("head", `No commits between ${o.base} and ${o.head}`);
    const at = this.now();
    const pull = {
      kind: "pull",
      repo,
      number: repo.nextNumber++,
      title: o.title,
      body: o.body ?? "",
      author: o.author,
      state: "open",
      labels: [],
      assignees: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      timeline: [],
      reactions: [],
      head: o.head,
      headSha: head,
      base: o.base,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommit: null,
      commits: [],
      files: null,
      requestedReviewers: [],
      draft: o.draft ?? false,
      maintainerCanModify: true,
    } as unknown as PullRequest;
    Object.assign(pull, this.newId("PR", pull));
    repo.items.set(pull.number, pull);
    this.itemHook(pull, "opened", o.author);
    this.crossReference(pull, pull.body, o.author);
    return pull;
  }

  /**
   * A pull request opened from a branch with `files` changed on top of the default branch, and
   * merged at `mergedAt`: the commits are written directly (no git process), the files are read
   * when first asked for. Seeding only: nothing else writes meanwhile.
   */
  seedMergedPullRequest(
    repo: Repo,
    o: {
      title: string;
      body: string;
      author: string;
      branch: string;
      files: Record<string, string | Buffer | null>;
      openedAt: string;
      mergedAt: string;
      mergedBy: string;
      method: "merge" | "squash";
      labels: string[];
    },
  ): PullRequest {
    for (const login of [o.author, o.mergedBy]) {
      if (!this.user(login)) this.addUser(login, login.endsWith("[bot]") ? "Bot" : "User");
    }
    const git = repo.git;
    const baseRef = `refs/heads/${repo.defaultBranch}`;
    const base = git.ref(baseRef);
    const tree = git.withFiles(base ? (git.readCommit(base)?.tree ?? null) : null, o.files);
    const head = git.commit({
      tree,
      parents: base ? [base] : [],
      author: this.person(o.author, o.openedAt),
      committer: this.person(o.author, o.openedAt),
      message: o.title,
    });
    const pull = this.at(o.openedAt, () =>
      this.recordPullRequest(repo, {
        title: o.title,
        body: o.body,
        head: o.branch,
        state: "open",
        author: o.author,
      }),
    );
    const committer = { name: "GitHub", email: "noreply@github.com", date: o.mergedAt };
    const sha =
      o.method === "squash" || !base
        ? git.commit({
            tree,
            parents: base ? [base] : [],
            author: this.person(o.author, o.mergedAt),
            committer,
            message: `${o.title} (#${pull.number})`,
          })
        : git.commit({
            tree,
            parents: [base, head],
            author: this.person(o.mergedBy, o.mergedAt),
            committer,
            message: `Merge pull request #${pull.number} from ${repo.owner.login}/${o.branch}\n\n${o.title}`,
          });
    git.writeRef(baseRef, sha);
    pull.headSha = head;
    pull.files = null;
    if (o.labels.length)
      this.at(o.openedAt, () =>
        this.addLabels(
          pull,
          o.labels.map((n) => this.label(repo, n)),
          o.author,
        ),
      );
    this.at(o.mergedAt, () => {
      Object.assign(pull, {
        state: "closed",
        merged: true,
        mergedAt: o.mergedAt,
        mergedBy: o.mergedBy,
        mergeCommit: sha,
        commits: [head],
        closedAt: o.mergedAt,
      });
      this.event(pull, { type: "merged", actor: o.mergedBy, commit: sha });
      this.event(pull, { type: "closed", actor: o.mergedBy });
    });
    return pull;
  }

  /** A pull request as it stands, without touching git (see `seed.pullRequest`). */
  recordPullRequest(
    repo: Repo,
    o: {
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
  ): PullRequest {
    const author = o.author ?? repo.owner.login;
    if (!this.user(author)) this.addUser(author, author.endsWith("[bot]") ? "Bot" : "User");
    const at = this.now();
    const merged = o.state === "merged";
    const pull = {
      kind: "pull",
      repo,
      number: repo.nextNumber++,
      title: o.title,
      body: o.body ?? "",
      author,
      state: o.state === "open" || o.state === undefined ? "open" : "closed",
      labels: (o.labels ?? []).map(
        (name) => repo.labels.get(name.toLowerCase()) ?? this.addLabel(repo, name),
      ),
      assignees: [],
      createdAt: at,
      updatedAt: at,
      closedAt: o.state === "open" || o.state === undefined ? null : at,
      timeline: [],
      reactions: [],
      head: o.head,
      headSha: repo.git.ref(`refs/heads/${o.head}`) ?? o.mergeCommit ?? "",
      base: o.base ?? repo.defaultBranch,
      merged,
      mergedAt: merged ? at : null,
      mergedBy: merged ? author : null,
      mergeCommit: o.mergeCommit ?? null,
      commits: o.commits ?? [],
      files: merged || o.state === "closed" ? [] : null,
      requestedReviewers: o.reviewers ?? [],
      draft: false,
      maintainerCanModify: true,
    } as unknown as PullRequest;
    Object.assign(pull, this.newId("PR", pull));
    repo.items.set(pull.number, pull);
    return pull;
  }

  /** The head's sha now (an open pull request follows its branch). */
  headOf(pull: PullRequest): string {
    if (pull.state === "open") {
      const now = pull.repo.git.ref(`refs/heads/${pull.head}`);
      if (now) pull.headSha = now;
    }
    return pull.headSha;
  }

  commitsOf(pull: PullRequest): string[] {
    if (pull.merged || pull.state === "closed") return pull.commits;
    const base = pull.repo.git.ref(`refs/heads/${pull.base}`);
    return pull.repo.git.commitsBetween(base, this.headOf(pull));
  }

  filesOf(pull: PullRequest): FileChange[] {
    if (pull.files) return pull.files;
    const git = pull.repo.git;
    if (pull.merged && pull.mergeCommit) {
      // Seeded merges are read lazily: the merge's (or squash's) change against its first parent.
      pull.files = git.diff(git.readCommit(pull.mergeCommit)?.parents[0] ?? null, pull.mergeCommit);
      return pull.files;
    }
    const base = git.ref(`refs/heads/${pull.base}`);
    const head = this.headOf(pull);
    const from = base ? git.mergeBase(base, head) : null;
    return git.diff(from, head);
  }

  requestReviewers(pull: PullRequest, logins: string[]): void {
    for (const login of logins) {
      const user = this.user(login);
      if (!user || !this.roleOf(pull.repo, user.login)) {
        throw new GitHubError(
          422,
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${pull.repo.owner.login}/${pull.repo.name} repository.`,
        );
      }
      if (user.login.toLowerCase() === pull.author.toLowerCase())
        throw new GitHubError(422, "Review cannot be requested from pull request author.");
      if (!pull.requestedReviewers.includes(user.login)) pull.requestedReviewers.push(user.login);
    }
  }

  /**
   * Merges a pull request as GitHub's button does: a merge commit (base, head) with the three-way
   * merged tree, or a squash commit on the base. Throws 405 when it conflicts.
   */
  mergePullRequest(
    pull: PullRequest,
    by: string,
    o: { method?: "merge" | "squash"; message?: string; at?: string } = {},
  ): string {
    if (pull.merged) throw new GitHubError(405, "Pull Request is not mergeable");
    if (pull.state !== "open") throw new GitHubError(422, "Pull Request is not open");
    const repo = pull.repo;
    const git = repo.git;
    const baseRef = `refs/heads/${pull.base}`;
    const base = git.ref(baseRef);
    const head = this.headOf(pull);
    if (!base) throw new GitHubError(422, "Base branch was modified. Review and try the merge again.");
    const at = o.at ?? this.now();
    const commits = git.commitsBetween(base, head);
    const files = git.diff(git.mergeBase(base, head), head);
    let tree: string;
    if (git.isAncestor(base, head) && o.method !== "squash") {
      tree = git.readCommit(head)?.tree ?? "";
    } else {
      const merged = git.merge(base, head);
      if (merged.kind === "conflict") throw new GitHubError(405, "Pull Request is not mergeable");
      tree = merged.tree;
    }
    const message =
      o.message ??
      (o.method === "squash"
        ? `${pull.title} (#${pull.number})`
        : `Merge pull request #${pull.number} from ${repo.owner.login}/${pull.head}\n\n${pull.title}`);
    const committer = { name: "GitHub", email: "noreply@github.com", date: at };
    const sha = git.commit({
      tree,
      parents: o.method === "squash" ? [base] : [base, head],
      author: this.person(o.method === "squash" ? pull.author : by, at),
      committer,
      message,
    });
    if (!git.setRef(baseRef, sha, base))
      throw new GitHubError(409, "Base branch was modified. Review and try the merge again.");
    pull.merged = true;
    pull.mergedAt = at;
    pull.mergedBy = by;
    pull.mergeCommit = sha;
    pull.commits = commits;
    pull.files = files;
    pull.state = "closed";
    pull.closedAt = at;
    this.event(pull, { type: "merged", actor: by, commit: sha });
    this.event(pull, { type: "closed", actor: by });
    this.itemHook(pull, "closed", by);
    return sha;
  }

  // -------------------------------------------------------------------------------------------
  // Commits pushed by people (seeding, a push from a laptop)

  /** A commit on a branch with these file changes; creates the branch from the default branch if needed. */
  pushCommit(
    repo: Repo,
    o: {
      branch?: string;
      author: string;
      message: string;
      files: Record<string, string | Buffer | null>;
      at?: string;
      from?: string;
    },
  ): string {
    const git = repo.git;
    const branch = o.branch ?? repo.defaultBranch;
    const ref = `refs/heads/${branch}`;
    const parent =
      git.ref(ref) ??
      (o.from ? (git.ref(`refs/heads/${o.from}`) ?? o.from) : git.ref(`refs/heads/${repo.defaultBranch}`));
    const baseTree = parent ? (git.readCommit(parent)?.tree ?? null) : null;
    const tree = git.withFiles(baseTree, o.files);
    const at = o.at ?? this.now();
    const author = this.user(o.author)
      ? this.person(o.author, at)
      : { name: o.author, email: `${o.author}@example.com`, date: at };
    const sha = git.commit({
      tree,
      parents: parent ? [parent] : [],
      author,
      committer: author,
      message: o.message,
    });
    git.writeRef(ref, sha);
    return sha;
  }

  // -------------------------------------------------------------------------------------------
  // Deployments

  addDeployment(
    repo: Repo,
    o: {
      sha: string;
      ref?: string;
      environment?: string;
      creator: string;
      description?: string | null;
      at?: string;
      state?: DeploymentStatus["state"];
      environmentUrl?: string | null;
    },
  ): Deployment {
    const at = o.at ?? this.now();
    const deployment = {
      sha: o.sha,
      ref: o.ref ?? repo.defaultBranch,
      environment: o.environment ?? "production",
      description: o.description ?? null,
      creator: o.creator,
      createdAt: at,
      statuses: [],
    } as unknown as Deployment;
    const ids = this.newId("DE", deployment);
    deployment.id = ids.databaseId;
    deployment.nodeId = ids.id;
    repo.deployments.push(deployment);
    if (o.state) this.addDeploymentStatus(deployment, o.state, o.environmentUrl ?? null, at);
    return deployment;
  }

  addDeploymentStatus(
    deployment: Deployment,
    state: DeploymentStatus["state"],
    environmentUrl: string | null,
    at = this.now(),
  ): DeploymentStatus {
    const status = { state, environmentUrl, createdAt: at, id: this.newId("DES", null).databaseId };
    deployment.statuses.push(status);
    return status;
  }

  // -------------------------------------------------------------------------------------------
  // Projects v2

  addProject(o: {
    owner: string;
    number?: number;
    title: string;
    fields: Array<
      Omit<ProjectField, "id" | "options"> & { id?: string; options?: Array<{ id?: string; name: string }> }
    >;
  }): Project {
    const owner = this.mustUser(o.owner);
    const project = {
      owner,
      number: o.number ?? this.projects.filter((p) => p.owner === owner).length + 1,
      title: o.title,
      items: [],
    } as unknown as Project;
    Object.assign(project, this.newId("PVT", project));
    project.fields = [
      { id: this.newId("PVTF", null).id, name: "Title", dataType: "TITLE" },
      ...o.fields.map(
        (f): ProjectField => ({
          name: f.name,
          dataType: f.dataType,
          id: f.id ?? this.newId(f.dataType === "SINGLE_SELECT" ? "PVTSSF" : "PVTF", null).id,
          ...(f.options
            ? {
                options: f.options.map((opt) => ({
                  name: opt.name,
                  id: opt.id ?? this.newId("O", null).id.slice(-8),
                })),
              }
            : {}),
        }),
      ),
    ];
    for (const field of project.fields) this.nodes.set(field.id, { project, field });
    this.projects.push(project);
    return project;
  }

  // -------------------------------------------------------------------------------------------
  // Apps, installations, credentials

  addApp(o: { id: number; slug: string; name?: string; owner: string; publicKey: string | null }): App {
    const owner = this.user(o.owner) ?? this.addUser(o.owner, "Organization");
    const bot = this.addUser(`${o.slug}[bot]`, "Bot");
    const app: App = {
      id: o.id,
      slug: o.slug,
      name: o.name ?? o.slug,
      owner,
      bot,
      publicKey: o.publicKey,
      permissions: {
        issues: "write",
        pull_requests: "write",
        contents: "write",
        metadata: "read",
        deployments: "read",
        members: "read",
        organization_projects: "write",
      },
      events: ["issues", "issue_comment", "pull_request"],
    };
    this.apps.set(app.id, app);
    return app;
  }

  install(app: App, account: string, id: number): Installation {
    const installation: Installation = {
      id,
      app,
      account: this.user(account) ?? this.addUser(account, "Organization"),
      permissions: app.permissions,
      createdAt: this.now(),
    };
    this.installations.set(id, installation);
    return installation;
  }

  installationFor(repo: Repo): Installation | null {
    for (const installation of this.installations.values()) {
      if (installation.account === repo.owner) return installation;
    }
    return null;
  }

  issueToken(installation: Installation, lifetimeMs = 3_600_000): { token: string; expiresAt: number } {
    const token = `ghs_${randomUUID().replace(/-/g, "")}`;
    const expiresAt = this.clock().getTime() + lifetimeMs;
    this.credentials.set(token, { kind: "installation", installation, expiresAt });
    return { token, expiresAt };
  }
}

/** GitHub's limit on a comment or pull request body. */
export const MAX_BODY = 65_536;

const EVENT_PREFIX: Record<TimelineEvent["type"], string> = {
  comment: "IC",
  labeled: "LE",
  unlabeled: "UNLE",
  assigned: "AE",
  unassigned: "UAE",
  closed: "CE",
  reopened: "REE",
  merged: "ME",
  "cross-referenced": "CRE",
  renamed: "RTE",
};
