// The local GitHub's GraphQL API: every document is validated against GitHub's published schema and
// executed over the state. Views name exactly the fields they model; anything else (a field, an
// argument, a type the local GitHub does not know) is an error, never a silent null.
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLTypeResolver,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import { githubSchema } from "../test/support/github-schema.js";
import type { Representations } from "./json.js";
import {
  type Comment,
  type Credential,
  GitHubError,
  type Item,
  type Label,
  type Project,
  type PullRequest,
  REACTIONS,
  type ReactionContent,
  type Repo,
  type Store,
  type TimelineEvent,
  type User,
} from "./model.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON as clients send it and views answer it
type Json = Record<string, any>;
type Info = Pick<GraphQLResolveInfo, "fieldName" | "parentType">;

/** Something the local GitHub does not model: answered as an error and listed in its problems. */
export class Unmodelled extends Error {}

// biome-ignore lint/suspicious/noExplicitAny: a view is any object of fields
const strictResolver: GraphQLFieldResolver<any, unknown> = (source, args, _context, info) => {
  const where = `${info.parentType.name}.${info.fieldName}`;
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new Unmodelled(`the local GitHub does not model ${where}`);
  }
  const value = source[info.fieldName];
  if (value === undefined) throw new Unmodelled(`the local GitHub has no value for ${where}`);
  return typeof value === "function" ? value.call(source, args, info) : value;
};

// biome-ignore lint/suspicious/noExplicitAny: a view is any object of fields
const typeResolver: GraphQLTypeResolver<any, unknown> = (value, _context, _info, type) => {
  if (typeof value?.__typename !== "string") {
    throw new Unmodelled(`the local GitHub cannot tell the concrete type of a ${type.name}`);
  }
  return value.__typename;
};

const cursorOf = (n: number) => Buffer.from(`cursor:v2:${n}`).toString("base64");

function offsetOf(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match)
    throw new GitHubError(
      422,
      `\`${cursor}\` does not appear to be a valid cursor.`,
      "INVALID_CURSOR_ARGUMENTS",
    );
  return Number(match[1]);
}

/** Arguments other than these (or equal to the schema's defaults) are not modelled. */
function only(args: Json, info: Info, allowed: string[]): void {
  const field = info.parentType.getFields()[info.fieldName];
  const defaults = new Map((field?.args ?? []).map((a) => [a.name, canonical(a.defaultValue)]));
  const extra = Object.keys(args).filter(
    (key) =>
      !allowed.includes(key) &&
      args[key] !== undefined &&
      args[key] !== null &&
      canonical(args[key]) !== defaults.get(key),
  );
  if (extra.length > 0) {
    throw new Unmodelled(
      `the local GitHub does not model ${info.parentType.name}.${info.fieldName}(${extra.join(", ")})`,
    );
  }
}

/** JSON with sorted keys, to compare values whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
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
  merged: "MergedEvent",
  "cross-referenced": "CrossReferencedEvent",
  renamed: "RenamedTitleEvent",
};

export interface GraphQLOutcome {
  status: number;
  body: Json;
  operation: string;
  /** For a mutation: each field, in order, and whether GitHub carried it out. */
  writes?: Array<{ alias: string; field: string; ok: boolean; error: string | null }>;
  errors?: string[];
}

/** A fault on one mutation field: GitHub refuses it (the other fields still run). */
export interface FieldFault {
  field: string;
  type: string;
  message: string;
}

const validated = new Map<string, { document: DocumentNode; errors: string[] }>();

export class GraphQLApi {
  constructor(
    private readonly store: Store,
    private readonly json: Representations,
    private readonly problem: (text: string) => void,
  ) {}

  /** The operation's name without running it (for faults and the request log). */
  static operationName(body: Json): string {
    const query = typeof body?.query === "string" ? body.query : "";
    const match = /\b(query|mutation)\s+([A-Za-z_]\w*)/.exec(query);
    return body?.operationName ?? match?.[2] ?? "(anonymous)";
  }

  run(body: Json, credential: Credential, fieldFault: (field: string) => FieldFault | null): GraphQLOutcome {
    const query = typeof body?.query === "string" ? body.query : "";
    let checked = validated.get(query);
    if (!checked) {
      try {
        const document = parse(query);
        checked = { document, errors: validate(githubSchema(), document).map((e) => e.message) };
      } catch (error) {
        checked = { document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [String(error)] };
      }
      validated.set(query, checked);
    }
    const operations = checked.document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      operations.find((o) => o.name?.value === body.operationName) ??
      (operations.length === 1 ? operations[0] : undefined);
    const name = operation?.name?.value ?? "(anonymous)";
    if (checked.errors.length > 0 || !operation) {
      const errors = checked.errors.length > 0 ? checked.errors : ["no operation to run"];
      this.problem(`GraphQL ${name} would be rejected by GitHub: ${errors.join("; ")}`);
      return {
        status: 200,
        operation: name,
        errors,
        body: { errors: errors.map((message) => ({ message })) },
        ...(operation?.operation === "mutation"
          ? {
              writes: fieldsOf(operation).map(({ alias, field }) => ({
                alias,
                field,
                ok: false,
                error: "the document was rejected",
              })),
            }
          : {}),
      };
    }

    const views = new Views(this.store, this.json, credential, fieldFault);
    const mutation = operation.operation === "mutation";
    const result = execute({
      schema: githubSchema(),
      document: checked.document,
      operationName: operation.name?.value ?? null,
      rootValue: mutation ? views.mutationRoot() : views.queryRoot(),
      variableValues: body.variables ?? {},
      fieldResolver: strictResolver,
      typeResolver,
    }) as ExecutionResult;
    if (result instanceof Promise) throw new Error("the local GitHub's resolvers are synchronous");

    const errors = (result.errors ?? []).map((error) => {
      const original = error.originalError;
      if (original instanceof Unmodelled) this.problem(`GraphQL ${name}: ${original.message}`);
      else if (original && !(original instanceof GitHubError)) {
        this.problem(`GraphQL ${name}: the local GitHub failed: ${original.stack ?? original.message}`);
      } else if (!original && !error.path) {
        this.problem(`GraphQL ${name}: ${error.message}`);
      }
      return {
        ...(original instanceof GitHubError ? { type: original.type } : {}),
        ...(error.path ? { path: error.path } : {}),
        ...(error.locations ? { locations: error.locations } : {}),
        message: error.message,
      };
    });
    const outcome: GraphQLOutcome = {
      status: 200,
      operation: name,
      body: errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data },
    };
    if (errors.length > 0) outcome.errors = errors.map((e) => e.message);
    if (mutation) {
      const data = (result.data ?? null) as Json | null;
      outcome.writes = fieldsOf(operation).map(({ alias, field }) => {
        const error = errors.find((e) => e.path?.[0] === alias)?.message ?? null;
        return { alias, field, ok: data?.[alias] != null && !error, error };
      });
    }
    return outcome;
  }
}

function fieldsOf(operation: OperationDefinitionNode): Array<{ alias: string; field: string }> {
  return operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD
      ? [{ alias: selection.alias?.value ?? selection.name.value, field: selection.name.value }]
      : [],
  );
}

// ---------------------------------------------------------------------------------------------
// The views of one request (they know who is asking: the viewer).

class Views {
  private readonly viewer: User;

  constructor(
    private readonly store: Store,
    private readonly json: Representations,
    private readonly credential: Credential,
    private readonly fieldFault: (field: string) => FieldFault | null,
  ) {
    this.viewer = credential.kind === "installation" ? credential.installation.app.bot : credential.user;
  }

  private connection<T>(info: Info, items: T[], args: Json, node: (item: T) => unknown): Json {
    if (args.before != null && (args.last == null || args.first != null)) {
      throw new Unmodelled(`the local GitHub pages \`${info.fieldName}\` backwards (before) only with last`);
    }
    let offset: number;
    let slice: T[];
    if (args.last != null && args.first == null) {
      if (args.after != null)
        throw new Unmodelled(`the local GitHub does not model last with after on \`${info.fieldName}\``);
      if (args.last > 100 || args.last < 0) {
        throw new GitHubError(
          422,
          `Requesting ${args.last} records on the \`${info.fieldName}\` connection exceeds the \`last\` limit of 100 records.`,
          "EXCESSIVE_PAGINATION",
        );
      }
      // Backwards: the `last` records before the cursor (a cursor names the 1-based position of its record).
      const end = args.before != null ? Math.min(items.length, offsetOf(args.before) - 1) : items.length;
      offset = Math.max(0, end - args.last);
      slice = items.slice(offset, end);
    } else {
      const first = args.first;
      if (typeof first !== "number") {
        throw new GitHubError(
          422,
          `You must provide a \`first\` or \`last\` value to properly paginate the \`${info.fieldName}\` connection.`,
          "MISSING_PAGINATION_BOUNDARIES",
        );
      }
      if (first > 100 || first < 0) {
        throw new GitHubError(
          422,
          `Requesting ${first} records on the \`${info.fieldName}\` connection exceeds the \`first\` limit of 100 records.`,
          "EXCESSIVE_PAGINATION",
        );
      }
      offset = args.after ? offsetOf(args.after) : 0;
      slice = items.slice(offset, offset + first);
    }
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

  private canSee(repo: Repo): boolean {
    return this.credential.kind === "user" || this.credential.installation.account === repo.owner;
  }

  actor(login: string | null): Json | null {
    if (login === null) return null;
    const user = this.store.user(login);
    if (!user) return null;
    return {
      __typename: user.type,
      id: user.id,
      databaseId: user.databaseId,
      // GraphQL names a bot without the `[bot]` REST adds.
      login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
      name: user.name,
      url: this.json.userWeb(user),
      avatarUrl: `${this.json.web}/avatars/u/${user.databaseId}`,
      resourcePath: `/${user.login}`,
      projectV2: (args: Json, info: Info) => this.projectOf(user, args, info),
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

  private reactionGroups(target: { reactions: Array<{ content: ReactionContent; user: string }> }): Json[] {
    return REACTIONS.map((content) => {
      const by = target.reactions.filter((r) => r.content === content);
      return {
        __typename: "ReactionGroup",
        content,
        viewerHasReacted: by.some((r) => r.user === this.viewer.login),
        reactors: (args: Json, info: Info) => this.connection(info, by, args, (r) => this.actor(r.user)),
        users: (args: Json, info: Info) =>
          this.connection(
            info,
            by.filter((r) => this.store.user(r.user)?.type === "User"),
            args,
            (r) => this.actor(r.user),
          ),
      };
    });
  }

  private commentView(comment: Comment): Json {
    return {
      __typename: "IssueComment",
      id: comment.id,
      databaseId: comment.databaseId,
      body: comment.body,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      url: this.json.commentUrl(comment),
      author: this.actor(comment.author),
      viewerDidAuthor: comment.author === this.viewer.login,
      reactionGroups: this.reactionGroups(comment),
      issue: () => this.itemView(this.store.item(comment.repo, comment.number)),
    };
  }

  private timelineView(item: Item, event: TimelineEvent): Json {
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
      case "merged":
        return { ...base, actor: this.actor(event.actor), commit: this.commitView(item.repo, event.commit) };
      case "cross-referenced":
        return { ...base, actor: this.actor(event.actor), source: this.itemView(event.source) };
      case "renamed":
        return { ...base, actor: this.actor(event.actor), previousTitle: event.from, currentTitle: event.to };
    }
  }

  private itemView(item: Item): Json {
    const common = {
      id: item.id,
      databaseId: item.databaseId,
      number: item.number,
      title: item.title,
      body: item.body,
      url: this.json.itemUrl(item),
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      closedAt: item.closedAt,
      closed: item.state === "closed",
      author: this.actor(item.author),
      viewerDidAuthor: item.author === this.viewer.login,
      repository: () => this.repositoryView(item.repo),
      reactionGroups: this.reactionGroups(item),
      labels: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        return this.connection(info, item.labels, args, (label) => this.labelView(label));
      },
      assignees: (args: Json, info: Info) =>
        this.connection(info, item.assignees, args, (login) => this.actor(login)),
      comments: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        const comments = item.timeline.flatMap((e) => (e.type === "comment" ? [e.comment] : []));
        return this.connection(info, comments, args, (c) => this.commentView(c));
      },
    };
    if (item.kind === "issue") {
      return {
        __typename: "Issue",
        ...common,
        state: item.state === "open" ? "OPEN" : "CLOSED",
        stateReason: item.stateReason?.toUpperCase() ?? null,
        timelineItems: (args: Json, info: Info) => {
          only(args, info, ["first", "after", "last", "before", "itemTypes"]);
          const types: string[] | null = args.itemTypes ?? null;
          const items = item.timeline.filter(
            (e) => e.type !== "merged" && (!types || types.includes(itemType(TIMELINE_TYPENAMES[e.type]))),
          );
          return this.connection(info, items, args, (e) => this.timelineView(item, e));
        },
      };
    }
    return this.pullView(item, common);
  }

  private pullView(pull: PullRequest, common: Json): Json {
    const repo = pull.repo;
    const files = () => this.store.filesOf(pull);
    return {
      __typename: "PullRequest",
      ...common,
      state: pull.merged ? "MERGED" : pull.state === "open" ? "OPEN" : "CLOSED",
      merged: pull.merged,
      mergedAt: pull.mergedAt,
      isDraft: pull.draft,
      baseRefName: pull.base,
      headRefName: pull.head,
      headRefOid: this.store.headOf(pull),
      baseRepository: () => this.repositoryView(repo),
      headRepository: () => this.repositoryView(repo),
      additions: () => files().reduce((sum, f) => sum + f.additions, 0),
      deletions: () => files().reduce((sum, f) => sum + f.deletions, 0),
      changedFiles: () => files().length,
      mergeCommit: () => (pull.mergeCommit ? this.commitView(repo, pull.mergeCommit) : null),
      files: (args: Json, info: Info) =>
        this.connection(info, files(), args, (f) => ({
          __typename: "PullRequestChangedFile",
          path: f.path,
          additions: f.additions,
          deletions: f.deletions,
          changeType: { added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED" }[
            f.status
          ],
        })),
      commits: (args: Json, info: Info) =>
        this.connection(info, this.store.commitsOf(pull), args, (sha) => ({
          __typename: "PullRequestCommit",
          id: `PRC_${pull.id}_${sha.slice(0, 12)}`,
          commit: this.commitView(repo, sha),
        })),
      reviewRequests: (args: Json, info: Info) =>
        this.connection(info, pull.requestedReviewers, args, (login) => ({
          __typename: "ReviewRequest",
          requestedReviewer: this.actor(login),
        })),
    };
  }

  /** A commit; `stats` when a history listing already counted its lines. */
  private commitView(repo: Repo, sha: string, stats?: { additions: number; deletions: number }): Json {
    const git = repo.git;
    const commit = git.readCommit(sha);
    if (!commit) throw new GitHubError(404, `Could not resolve to a Commit with the oid ${sha}.`);
    const lines = () => stats ?? git.stats(sha);
    const person = (p: typeof commit.author) => ({
      __typename: "GitActor",
      name: p.name,
      email: p.email,
      date: p.date,
      user: this.actor(this.store.userByEmail(p.email)?.login ?? null),
    });
    return {
      __typename: "Commit",
      id: `C_${sha}`,
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      message: commit.message,
      messageHeadline: commit.message.split("\n", 1)[0] ?? "",
      messageBody: commit.message.split("\n").slice(1).join("\n").trim(),
      committedDate: commit.committer.date,
      authoredDate: commit.author.date,
      url: this.json.commitUrl(repo, sha),
      additions: () => lines().additions,
      deletions: () => lines().deletions,
      author: person(commit.author),
      committer: person(commit.committer),
      tree: {
        __typename: "Tree",
        oid: commit.tree,
        id: `T_${commit.tree}`,
        entries: () => this.treeEntries(repo, commit.tree, ""),
      },
      parents: (args: Json, info: Info) =>
        this.connection(info, commit.parents, args, (p) => this.commitView(repo, p)),
      associatedPullRequests: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        const pulls = [...repo.items.values()].filter(
          (i): i is PullRequest =>
            i.kind === "pull" &&
            (i.mergeCommit === sha ||
              i.commits.includes(sha) ||
              (i.state === "open" && this.store.headOf(i) === sha)),
        );
        return this.connection(info, pulls, args, (p) => this.itemView(p));
      },
      history: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "since", "until"]);
        const since = args.since ? Date.parse(args.since) : Number.NEGATIVE_INFINITY;
        const until = args.until ? Date.parse(args.until) : Number.POSITIVE_INFINITY;
        const inWindow = git.log(sha).filter((c) => {
          const at = Date.parse(c.committedDate);
          return at >= since && at <= until;
        });
        return this.connection(info, inWindow, args, (c) => this.commitView(repo, c.sha, c));
      },
    };
  }

  private treeEntries(repo: Repo, tree: string, prefix: string): Json[] {
    return (repo.git.readTree(tree) ?? []).map((entry) => ({
      __typename: "TreeEntry",
      name: entry.name,
      path: `${prefix}${entry.name}`,
      mode: Number.parseInt(entry.mode, 8),
      oid: entry.sha,
      type: entry.mode === "40000" ? "tree" : entry.mode === "160000" ? "commit" : "blob",
      object: () => this.objectView(repo, entry.sha, `${prefix}${entry.name}/`),
    }));
  }

  private objectView(repo: Repo, sha: string, prefix = ""): Json | null {
    const type = repo.git.typeOf(sha);
    if (type === "commit") return this.commitView(repo, sha);
    if (type === "tree") {
      return {
        __typename: "Tree",
        id: `T_${sha}`,
        oid: sha,
        entries: () => this.treeEntries(repo, sha, prefix),
      };
    }
    if (type === "blob") {
      const content = repo.git.readBlob(sha) as Buffer;
      const binary = content.includes(0);
      return {
        __typename: "Blob",
        id: `B_${sha}`,
        oid: sha,
        byteSize: content.length,
        isBinary: binary,
        // GitHub truncates blob text beyond 512 kB.
        isTruncated: content.length > 512_000,
        text: binary ? null : content.subarray(0, 512_000).toString("utf8"),
      };
    }
    if (type === "tag") throw new Unmodelled("the local GitHub does not model Tag objects");
    return null;
  }

  /** A revision expression's object; an ambiguous short sha is an error, or null (`quirks`). */
  private revParse(repo: Repo, expression: string, shown: string): string | null {
    const sha = repo.git.revParse(expression);
    if (sha !== "ambiguous") return sha;
    if (this.store.quirks.ambiguousShortSha === "null") return null;
    throw new GitHubError(422, `Short sha ${shown} is ambiguous`, "UNPROCESSABLE");
  }

  private refView(repo: Repo, qualified: string, sha: string): Json {
    const name = qualified.replace(/^refs\/(heads|tags)\//, "");
    return {
      __typename: "Ref",
      id: `REF_${repo.id}_${qualified}`,
      name,
      prefix: qualified.slice(0, qualified.length - name.length),
      target: () => this.objectView(repo, sha),
      compare: (args: Json, info: Info) => {
        only(args, info, ["headRef"]);
        const head = this.revParse(repo, String(args.headRef), String(args.headRef));
        if (!head || repo.git.typeOf(head) !== "commit") return null;
        const { ahead, behind } = repo.git.aheadBehind(sha, head);
        const status =
          ahead === 0 && behind === 0
            ? "IDENTICAL"
            : ahead > 0 && behind > 0
              ? "DIVERGED"
              : ahead > 0
                ? "AHEAD"
                : "BEHIND";
        return { __typename: "Comparison", status, aheadBy: ahead, behindBy: behind };
      },
    };
  }

  private repositoryView(repo: Repo): Json {
    const git = repo.git;
    const ref = (qualified: string) => {
      const full = qualified.startsWith("refs/") ? qualified : `refs/heads/${qualified}`;
      const sha = git.ref(full);
      return sha ? this.refView(repo, full, sha) : null;
    };
    return {
      __typename: "Repository",
      id: repo.id,
      databaseId: repo.databaseId,
      name: repo.name,
      nameWithOwner: `${repo.owner.login}/${repo.name}`,
      url: this.json.repoWeb(repo),
      isPrivate: repo.private,
      owner: this.actor(repo.owner.login),
      defaultBranchRef: () => ref(repo.defaultBranch),
      ref: (args: Json, info: Info) => {
        only(args, info, ["qualifiedName"]);
        return ref(String(args.qualifiedName));
      },
      label: ({ name }: Json) => {
        const label = repo.labels.get(String(name).toLowerCase());
        return label ? this.labelView(label) : null;
      },
      labels: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        return this.connection(info, [...repo.labels.values()], args, (l) => this.labelView(l));
      },
      issue: ({ number }: Json) => {
        const item = repo.items.get(number);
        if (item?.kind !== "issue") {
          throw new GitHubError(404, `Could not resolve to an Issue with the number of ${number}.`);
        }
        return this.itemView(item);
      },
      issueOrPullRequest: ({ number }: Json) => {
        const item = repo.items.get(number);
        if (!item)
          throw new GitHubError(
            404,
            `Could not resolve to an issue or pull request with the number of ${number}.`,
          );
        return this.itemView(item);
      },
      pullRequest: ({ number }: Json) => {
        const item = repo.items.get(number);
        if (item?.kind !== "pull") {
          throw new GitHubError(404, `Could not resolve to a PullRequest with the number of ${number}.`);
        }
        return this.itemView(item);
      },
      pullRequests: (args: Json, info: Info) => {
        only(args, info, [
          "first",
          "after",
          "last",
          "headRefName",
          "baseRefName",
          "states",
          "labels",
          "orderBy",
        ]);
        const states: string[] | null = args.states ?? null;
        const stateOf = (p: PullRequest) => (p.merged ? "MERGED" : p.state === "open" ? "OPEN" : "CLOSED");
        let pulls = [...repo.items.values()].filter(
          (p): p is PullRequest =>
            p.kind === "pull" &&
            (args.headRefName == null || p.head === args.headRefName) &&
            (args.baseRefName == null || p.base === args.baseRefName) &&
            (!states || states.includes(stateOf(p))) &&
            (!args.labels || (args.labels as string[]).some((name) => p.labels.some((l) => l.name === name))),
        );
        const order = args.orderBy as { field: string; direction: string } | undefined;
        if (order) {
          if (!["CREATED_AT", "UPDATED_AT"].includes(order.field)) {
            throw new Unmodelled(`the local GitHub does not order pull requests by ${order.field}`);
          }
          const key = order.field === "CREATED_AT" ? "createdAt" : "updatedAt";
          pulls = [...pulls].sort((a, b) => a[key].localeCompare(b[key]) || a.number - b.number);
          if (order.direction === "DESC") pulls.reverse();
        }
        return this.connection(info, pulls, args, (p) => this.itemView(p));
      },
      deployments: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last", "orderBy", "environments"]);
        const envs: string[] | null = args.environments ?? null;
        const direction = args.orderBy?.direction ?? "ASC";
        const sorted = repo.deployments
          .filter((d) => !envs || envs.includes(d.environment))
          .sort((a, b) =>
            direction === "DESC"
              ? b.createdAt.localeCompare(a.createdAt) || b.id - a.id
              : a.createdAt.localeCompare(b.createdAt) || a.id - b.id,
          );
        return this.connection(info, sorted, args, (d) => {
          const latest = d.statuses.at(-1);
          return {
            __typename: "Deployment",
            id: d.nodeId,
            databaseId: d.id,
            environment: d.environment,
            commitOid: d.sha,
            createdAt: d.createdAt,
            ref: () => ref(d.ref),
            state: latest ? latest.state.toUpperCase() : "PENDING",
            latestStatus: latest
              ? {
                  __typename: "DeploymentStatus",
                  state: latest.state.toUpperCase(),
                  environmentUrl: latest.environmentUrl,
                  createdAt: latest.createdAt,
                }
              : null,
          };
        });
      },
      object: (args: Json, info: Info) => {
        only(args, info, ["expression", "oid"]);
        if (args.oid != null) return this.objectView(repo, String(args.oid));
        const expression = String(args.expression ?? "");
        const [rev = "", path] = expression.split(/:(.*)/s);
        // `HEAD` is the default branch; a bare repository's HEAD may name another one.
        const revision = rev === "HEAD" ? `refs/heads/${repo.defaultBranch}` : rev;
        const target = path === undefined ? revision : `${revision}:${path.replace(/\/$/, "")}`;
        const sha = this.revParse(repo, target, rev);
        return sha ? this.objectView(repo, sha, path ? `${path.replace(/\/$/, "")}/` : "") : null;
      },
    };
  }

  private repository(owner: string, name: string): Json {
    const repo = this.store.repo(owner, name);
    if (!repo || !this.canSee(repo)) {
      throw new GitHubError(404, `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    }
    return this.repositoryView(repo);
  }

  private projectOf(owner: User, args: Json, info: Info): Json | null {
    only(args, info, ["number"]);
    if (
      this.credential.kind === "user"
        ? !this.credential.projects
        : !("organization_projects" in this.credential.installation.permissions)
    ) {
      throw new GitHubError(403, "Resource not accessible by integration", "FORBIDDEN");
    }
    const project = this.store.projects.find((p) => p.owner === owner && p.number === args.number);
    if (!project) {
      throw new GitHubError(404, `Could not resolve to a ProjectV2 with the number ${args.number}.`);
    }
    return this.projectView(project);
  }

  private fieldView(field: Project["fields"][number]): Json {
    return {
      __typename: field.dataType === "SINGLE_SELECT" ? "ProjectV2SingleSelectField" : "ProjectV2Field",
      id: field.id,
      name: field.name,
      dataType: field.dataType,
      ...(field.dataType === "SINGLE_SELECT"
        ? {
            options: () =>
              (field.options ?? []).map((o) => ({
                __typename: "ProjectV2SingleSelectFieldOption",
                id: o.id,
                name: o.name,
              })),
          }
        : {}),
    };
  }

  private projectView(project: Project): Json {
    const path = project.owner.type === "Organization" ? "orgs" : "users";
    return {
      __typename: "ProjectV2",
      id: project.id,
      number: project.number,
      title: project.title,
      url: `${this.json.web}/${path}/${project.owner.login}/projects/${project.number}`,
      fields: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        return this.connection(info, project.fields, args, (f) => this.fieldView(f));
      },
      items: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        return this.connection(info, project.items, args, (i) => this.projectItemView(project, i));
      },
    };
  }

  private projectItemView(project: Project, item: Project["items"][number]): Json {
    return {
      __typename: "ProjectV2Item",
      id: item.id,
      content: () => this.itemView(item.content),
      fieldValues: (args: Json, info: Info) => {
        only(args, info, ["first", "after", "last"]);
        const values = project.fields.flatMap((field): Json[] => {
          const value = field.dataType === "TITLE" ? item.content.title : item.values.get(field.id);
          if (value === undefined) return [];
          const common = { field: this.fieldView(field), item: () => this.projectItemView(project, item) };
          switch (field.dataType) {
            case "DATE":
              return [{ __typename: "ProjectV2ItemFieldDateValue", ...common, date: value }];
            case "NUMBER":
              return [{ __typename: "ProjectV2ItemFieldNumberValue", ...common, number: value }];
            case "SINGLE_SELECT": {
              const option = field.options?.find((o) => o.id === value);
              return [
                {
                  __typename: "ProjectV2ItemFieldSingleSelectValue",
                  ...common,
                  optionId: value,
                  name: option?.name ?? null,
                },
              ];
            }
            default:
              return [{ __typename: "ProjectV2ItemFieldTextValue", ...common, text: String(value) }];
          }
        });
        return this.connection(info, values, args, (v) => v);
      },
    };
  }

  private search(args: Json, info: Info): Json {
    only(args, info, ["query", "type", "first", "after"]);
    if (args.type !== "ISSUE")
      throw new Unmodelled(`the local GitHub searches issues only, not ${args.type}`);
    const query = String(args.query);
    // A qualifier's value may be a comma-separated list (`label:"a","b"`: either).
    const tokens = [
      ...query.matchAll(/(-?[\w]+):((?:"[^"]*"|[^\s",]+)(?:,(?:"[^"]*"|[^\s",]+))*)|"([^"]*)"|(\S+)/g),
    ];
    let repos = [...this.store.repos.values()].filter((r) => this.canSee(r));
    const filters: Array<(item: Item) => boolean> = [];
    let inBody = false;
    let ascending = false;
    const words: string[] = [];
    for (const [, key, rawValue, quoted, word] of tokens) {
      const values = [...(rawValue ?? "").matchAll(/"([^"]*)"|([^\s",]+)/g)].map((m) => m[1] ?? m[2] ?? "");
      const value = values[0];
      if (key === "label")
        filters.push((i) =>
          i.labels.some((l) => values.some((v) => l.name.toLowerCase() === v.toLowerCase())),
        );
      else if ((key === "closed" || key === "created") && value) {
        const when = dateQualifier(value);
        if (!when) throw new Unmodelled(`the local GitHub's search does not model ${key}:${value}`);
        filters.push((i) => {
          const at = key === "closed" ? i.closedAt : i.createdAt;
          return at !== null && when(Date.parse(at));
        });
      } else if (key === "sort") {
        if (value !== "created-asc" && value !== "created-desc")
          throw new Unmodelled(`the local GitHub's search does not model sort:${value}`);
        ascending = value === "created-asc";
      } else if (key === "repo")
        repos = repos.filter((r) => `${r.owner.login}/${r.name}`.toLowerCase() === value?.toLowerCase());
      else if (key === "is" && (value === "issue" || value === "pr")) {
        const kind = value === "issue" ? "issue" : "pull";
        filters.push((i) => i.kind === kind);
      } else if (key === "is" && (value === "open" || value === "closed"))
        filters.push((i) => i.state === value);
      else if (key === "in" && value === "body") inBody = true;
      else if (key === "author") filters.push((i) => i.author.toLowerCase() === value?.toLowerCase());
      else if (key) throw new Unmodelled(`the local GitHub's search does not model the qualifier ${key}:`);
      else words.push((quoted ?? word ?? "").toLowerCase());
    }
    const found = repos
      .flatMap((r) => [...r.items.values()])
      .filter((item) => filters.every((f) => f(item)))
      .filter((item) => {
        const text = (inBody ? item.body : `${item.title}\n${item.body}`).toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.number - a.number);
    if (ascending) found.reverse();
    return { ...this.connection(info, found, args, (i) => this.itemView(i)), issueCount: found.length };
  }

  queryRoot(): Json {
    return {
      repository: (args: Json, info: Info) => {
        only(args, info, ["owner", "name", "followRenames"]);
        return this.repository(String(args.owner), String(args.name));
      },
      user: ({ login }: Json) => {
        const user = this.store.user(String(login));
        if (user?.type !== "User") {
          throw new GitHubError(404, `Could not resolve to a User with the login of '${login}'.`);
        }
        return this.actor(user.login);
      },
      organization: ({ login }: Json) => {
        const org = this.store.user(String(login));
        if (org?.type !== "Organization") {
          throw new GitHubError(404, `Could not resolve to an Organization with the login of '${login}'.`);
        }
        return this.actor(org.login);
      },
      viewer: () => this.actor(this.viewer.login),
      search: (args: Json, info: Info) => this.search(args, info),
      node: ({ id }: Json) => this.nodeView(String(id)),
    };
  }

  private nodeView(id: string): Json | null {
    const target = this.store.nodes.get(id) as Json | undefined;
    if (!target) return null;
    if (target.kind === "issue" || target.kind === "pull") return this.itemView(target as Item);
    if (target.body !== undefined && target.reactions !== undefined && target.repo)
      return this.commentView(target as Comment);
    if (target.login) return this.actor(target.login);
    throw new Unmodelled(`the local GitHub does not model node(id:) for ${id}`);
  }

  // -------------------------------------------------------------------------------------------
  // Mutations: each field checks everything first, then changes the state (GitHub carries on with
  // the next field when one fails).

  private writable(repo: Repo, what: string): void {
    const ok =
      this.credential.kind === "installation"
        ? this.canSee(repo)
        : ["write", "maintain", "admin", "triage"].includes(
            this.store.roleOf(repo, this.credential.user.login) ?? "",
          ) || this.credential.user.type === "Bot";
    if (!ok) throw new GitHubError(403, `Resource not accessible by integration (${what})`, "FORBIDDEN");
  }

  private target<T>(id: unknown, what: string, test: (value: Json) => boolean): T {
    const found = this.store.nodes.get(String(id));
    if (!found || !test(found)) {
      throw new GitHubError(404, `Could not resolve to ${what} node with the global id of '${id}'.`);
    }
    return found as T;
  }

  private item(id: unknown, what: string): Item {
    const item = this.target<Item>(id, what, (v) => v.kind === "issue" || v.kind === "pull");
    this.writable(item.repo, what);
    return item;
  }

  private labels(item: Item, ids: string[]): Label[] {
    return ids.map((id) => {
      const label = this.target<Label>(id, "a Label", (v) => v.color !== undefined && v.name !== undefined);
      if (![...item.repo.labels.values()].includes(label)) {
        throw new GitHubError(422, `Label ${label.name} belongs to another repository`);
      }
      return label;
    });
  }

  private users(ids: string[]): User[] {
    return ids.map((id) =>
      this.target<User>(id, "a User", (v) => typeof v.login === "string" && v.type !== undefined),
    );
  }

  private fault(field: string): void {
    const fault = this.fieldFault(field);
    if (fault) throw new GitHubError(fault.type === "NOT_FOUND" ? 404 : 403, fault.message, fault.type);
  }

  mutationRoot(): Json {
    const me = this.viewer.login;
    const done = (input: Json, rest: Json = {}) => ({
      clientMutationId: input.clientMutationId ?? null,
      ...rest,
    });
    const guard =
      (field: string, run: (input: Json) => Json) =>
      ({ input }: Json) => {
        this.fault(field);
        return run(input);
      };
    return {
      addLabelsToLabelable: guard("addLabelsToLabelable", (input) => {
        const item = this.item(input.labelableId, "a Labelable");
        this.store.addLabels(item, this.labels(item, input.labelIds), me);
        return done(input, { labelable: this.itemView(item) });
      }),
      removeLabelsFromLabelable: guard("removeLabelsFromLabelable", (input) => {
        const item = this.item(input.labelableId, "a Labelable");
        this.store.removeLabels(item, this.labels(item, input.labelIds), me);
        return done(input, { labelable: this.itemView(item) });
      }),
      addAssigneesToAssignable: guard("addAssigneesToAssignable", (input) => {
        const item = this.item(input.assignableId, "an Assignable");
        this.store.addAssignees(
          item,
          this.users(input.assigneeIds).map((u) => u.login),
          me,
        );
        return done(input, { assignable: this.itemView(item) });
      }),
      removeAssigneesFromAssignable: guard("removeAssigneesFromAssignable", (input) => {
        const item = this.item(input.assignableId, "an Assignable");
        this.store.removeAssignees(
          item,
          this.users(input.assigneeIds).map((u) => u.login),
          me,
        );
        return done(input, { assignable: this.itemView(item) });
      }),
      addComment: guard("addComment", (input) => {
        const item = this.item(input.subjectId, "a Comment subject");
        const comment = this.store.addComment(item, me, String(input.body ?? ""));
        const edge = { cursor: cursorOf(item.timeline.length), node: this.commentView(comment) };
        return done(input, { commentEdge: edge, timelineEdge: edge, subject: this.itemView(item) });
      }),
      updateIssueComment: guard("updateIssueComment", (input) => {
        const comment = this.target<Comment>(
          input.id,
          "an IssueComment",
          (v) =>
            v.reactions !== undefined &&
            v.number !== undefined &&
            v.body !== undefined &&
            v.kind === undefined,
        );
        this.writable(comment.repo, "an IssueComment");
        if (comment.author !== me && this.store.roleOf(comment.repo, me) === null) {
          throw new GitHubError(403, "Resource not accessible by integration", "FORBIDDEN");
        }
        this.store.editComment(comment, String(input.body ?? ""), me);
        return done(input, { issueComment: this.commentView(comment) });
      }),
      addReaction: guard("addReaction", (input) => {
        const target = this.store.nodes.get(String(input.subjectId)) as Json | undefined;
        const content = input.content as ReactionContent;
        if (!target || target.reactions === undefined) {
          throw new GitHubError(
            404,
            `Could not resolve to a Reactable node with the global id of '${input.subjectId}'.`,
          );
        }
        this.writable(target.repo, "a Reactable");
        const reactable = target as Comment | Item;
        this.store.react(reactable, content, me);
        const subject = "kind" in reactable ? this.itemView(reactable) : this.commentView(reactable);
        return done(input, { reaction: { __typename: "Reaction", content, user: this.actor(me) }, subject });
      }),
      closeIssue: guard("closeIssue", (input) => {
        const item = this.item(input.issueId, "an Issue");
        this.store.setState(
          item,
          "closed",
          me,
          input.stateReason === "NOT_PLANNED" ? "not_planned" : "completed",
        );
        return done(input, { issue: this.itemView(item) });
      }),
      reopenIssue: guard("reopenIssue", (input) => {
        const item = this.item(input.issueId, "an Issue");
        this.store.setState(item, "open", me);
        return done(input, { issue: this.itemView(item) });
      }),
      createIssue: guard("createIssue", (input) => {
        const repo = this.target<Repo>(input.repositoryId, "a Repository", (v) => v.git !== undefined);
        this.writable(repo, "a Repository");
        const assignees = this.users(input.assigneeIds ?? []);
        for (const user of assignees) {
          if (!this.store.roleOf(repo, user.login)) {
            throw new GitHubError(422, `${user.login} cannot be assigned to issues in this repository`);
          }
        }
        const labels = (input.labelIds ?? []).map((id: string) =>
          this.target<Label>(id, "a Label", (v) => v.color !== undefined),
        );
        const issue = this.store.createIssue(repo, {
          author: me,
          title: String(input.title ?? ""),
          body: String(input.body ?? ""),
          labels: labels.map((l: Label) => l.name),
          assignees: assignees.map((u) => u.login),
        });
        return done(input, { issue: this.itemView(issue) });
      }),
      requestReviews: guard("requestReviews", (input) => {
        const pull = this.item(input.pullRequestId, "a PullRequest");
        if (pull.kind !== "pull") throw new GitHubError(404, "Could not resolve to a PullRequest");
        if ((input.teamIds ?? []).length > 0)
          throw new Unmodelled("the local GitHub does not model team review requests");
        this.store.requestReviewers(
          pull,
          this.users(input.userIds ?? []).map((u) => u.login),
        );
        return done(input, { pullRequest: this.itemView(pull) });
      }),
      addProjectV2ItemById: guard("addProjectV2ItemById", (input) => {
        const project = this.boardFor(input.projectId);
        const content = this.target<Item>(
          input.contentId,
          "an Issue or PullRequest",
          (v) => v.kind === "issue" || v.kind === "pull",
        );
        let item = project.items.find((i) => i.content === content);
        if (!item) {
          const created = {
            content,
            values: new Map(),
            createdAt: this.store.now(),
          } as unknown as Project["items"][number];
          Object.assign(created, this.store.newId("PVTI", created));
          project.items.push(created);
          item = created;
        }
        return done(input, { item: this.projectItemView(project, item) });
      }),
      updateProjectV2ItemFieldValue: guard("updateProjectV2ItemFieldValue", (input) => {
        const project = this.boardFor(input.projectId);
        const item = project.items.find((i) => i.id === input.itemId);
        const field = project.fields.find((f) => f.id === input.fieldId);
        if (!item || !field) throw new GitHubError(404, "Could not resolve to a ProjectV2Item or field");
        const value = input.value ?? {};
        const given = Object.keys(value).filter((k) => value[k] != null);
        const expected = {
          TEXT: "text",
          DATE: "date",
          SINGLE_SELECT: "singleSelectOptionId",
          NUMBER: "number",
        }[field.dataType as "TEXT"];
        if (!expected) throw new GitHubError(422, `The field ${field.name} cannot be updated`);
        if (given.length !== 1 || given[0] !== expected) {
          throw new GitHubError(
            422,
            `The field ${field.name} takes ${expected}, not ${given.join(", ") || "nothing"}`,
          );
        }
        if (field.dataType === "SINGLE_SELECT" && !field.options?.some((o) => o.id === value[expected])) {
          throw new GitHubError(
            422,
            `The single select option Id does not belong to the field ${field.name}`,
          );
        }
        item.values.set(field.id, value[expected]);
        return done(input, { projectV2Item: this.projectItemView(project, item) });
      }),
    };
  }

  private boardFor(id: unknown): Project {
    const project = this.target<Project>(
      id,
      "a ProjectV2",
      (v) => v.fields !== undefined && v.items !== undefined,
    );
    const allowed =
      this.credential.kind === "user"
        ? this.credential.projects
        : "organization_projects" in this.credential.installation.permissions &&
          this.credential.installation.account === project.owner;
    if (!allowed) throw new GitHubError(403, "Resource not accessible by integration", "FORBIDDEN");
    return project;
  }
}

/** A search date qualifier's test (`>=2026-11-10`, `<2026-11-10T12:00:00Z`, a day): null when not one. */
function dateQualifier(value: string): ((ms: number) => boolean) | null {
  const match = /^(>=|<=|>|<)?(\d{4}-\d{2}-\d{2}(?:T[\d:]+Z?)?)$/.exec(value);
  if (!match) return null;
  const from = Date.parse(match[2]?.includes("T") ? (match[2] as string) : `${match[2]}T00:00:00Z`);
  if (Number.isNaN(from)) return null;
  // A day alone covers the whole day.
  const to = match[2]?.includes("T") ? from : from + 86_400_000 - 1;
  switch (match[1]) {
    case ">=":
      return (ms) => ms >= from;
    case ">":
      return (ms) => ms > to;
    case "<=":
      return (ms) => ms <= to;
    case "<":
      return (ms) => ms < from;
    default:
      return (ms) => ms >= from && ms <= to;
  }
}
