// The local GitHub's REST API (GitHub Enterprise Server's `/api/v3`): the routes firebreak, Probot
// and Octokit use, over the state. A route it does not model answers 404 and is listed in its
// problems: it never hides a call.

import { type FileEntry, ZERO_SHA } from "./git.js";
import type { Representations } from "./json.js";
import {
  type App,
  type Credential,
  GitHubError,
  type Issue,
  type Item,
  type PullRequest,
  REST_REACTIONS,
  type Repo,
  ROLES,
  type Role,
  type Store,
  stamp,
} from "./model.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON as clients send it
type Json = Record<string, any>;

export interface RestRequest {
  method: string;
  /** Decoded, without `/api/v3` or the query string. */
  path: string;
  query: URLSearchParams;
  body: Json;
  headers: Record<string, string | string[] | undefined>;
  /** An installation's or a person's token; null without one. */
  credential: Credential | null;
  /** The app a valid JWT was signed for. */
  app: App | null;
}

export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Params = Record<string, string>;
type Handler = (req: RestRequest, params: Params) => RestAnswer;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  auth: "app" | "token" | "none";
  handler: Handler;
}

const COARSE: Record<Role, string> = {
  read: "read",
  triage: "read",
  write: "write",
  maintain: "write",
  admin: "admin",
};
const WRITE_ROLES: Array<Role | null> = ["triage", "write", "maintain", "admin"];

const ok = (body: unknown, headers?: Record<string, string>): RestAnswer => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});
const created = (body: unknown): RestAnswer => ({ status: 201, body });
const noContent: RestAnswer = { status: 204 };

/** A request GitHub would answer that the local GitHub does not model: answered 422 and listed in its problems. */
export class NotModelled extends Error {
  constructor(what: string) {
    super(`the local GitHub does not model ${what}`);
  }
}

/** Query parameters other than these are not modelled (GitHub would act on them; ignoring them would hide it). */
function only(req: RestRequest, allowed: string[]): void {
  const extra = [...req.query.keys()].filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw new NotModelled(`${req.method} ${req.path}?${extra.join("&")}`);
}

const PAGES = ["per_page", "page"];

function invalid(resource: string, field: string, code = "invalid", message?: string): GitHubError {
  return new GitHubError(
    422,
    message ? `Validation Failed: ${message}` : "Validation Failed",
    "UNPROCESSABLE",
    [{ resource, field, code, ...(message ? { message } : {}) }],
  );
}

export class RestApi {
  private readonly routes: Route[] = [];

  constructor(
    private readonly store: Store,
    private readonly json: Representations,
  ) {
    this.define();
  }

  /** The route a request matches, for the request log (`GET /repos/{owner}/{repo}`), or null. */
  match(method: string, path: string): { route: Route; params: Params } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found) {
        const params = Object.fromEntries(route.names.map((name, i) => [name, found[i + 1] ?? ""]));
        return { route, params };
      }
    }
    return null;
  }

  handle(req: RestRequest, matched: { route: Route; params: Params }): RestAnswer {
    const { route, params } = matched;
    if (route.auth === "app" && !req.app) {
      return {
        status: 401,
        body: {
          message: "A JSON web token could not be decoded",
          documentation_url: "https://docs.github.com/rest",
        },
      };
    }
    if (route.auth === "token" && !req.credential) {
      return {
        status: 401,
        body: { message: "Requires authentication", documentation_url: "https://docs.github.com/rest" },
      };
    }
    return route.handler(req, params);
  }

  private on(method: string, template: string, auth: Route["auth"], handler: Handler): void {
    const names: string[] = [];
    const source = template.replace(/\{(\w+)(\*?)\}/g, (_, name: string, rest: string) => {
      names.push(name);
      if (rest) return "(.+)";
      return /(_number|_id)$/.test(name) ? "(\\d+)" : "([^/]+)";
    });
    this.routes.push({
      method,
      template: template.replace(/\*\}/g, "}"),
      pattern: new RegExp(`^${source}$`),
      names,
      auth,
      handler,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Access

  private repo(req: RestRequest, p: Params): Repo {
    const repo = this.store.repo(p.owner ?? "", p.repo ?? "");
    const credential = req.credential;
    const visible =
      repo && credential && (credential.kind === "user" || credential.installation.account === repo.owner);
    if (!repo || !visible) throw new GitHubError(404, "Not Found");
    return repo;
  }

  /** The login acting (the app's bot for an installation token). */
  private actor(req: RestRequest): string {
    const c = req.credential as Credential;
    return c.kind === "installation" ? c.installation.app.bot.login : c.user.login;
  }

  private needWrite(req: RestRequest, repo: Repo, permission: string): void {
    const c = req.credential as Credential;
    if (c.kind === "installation") {
      const level = c.installation.permissions[permission];
      if (level === "write" || level === "admin") return;
    } else if (c.user.type === "Bot" || WRITE_ROLES.includes(this.store.roleOf(repo, c.user.login))) {
      return;
    }
    throw new GitHubError(403, "Resource not accessible by integration", "FORBIDDEN");
  }

  private item(repo: Repo, number: string | undefined): Item {
    return this.store.item(repo, Number(number));
  }

  private pull(repo: Repo, number: string | undefined): PullRequest {
    return this.store.issueOrPull(repo, Number(number), "pull");
  }

  /** One page of a list, with GitHub's Link header; `allowed` are the list's own query parameters. */
  private page<T>(
    req: RestRequest,
    items: T[],
    map: (item: T) => unknown,
    allowed: string[] = [],
  ): RestAnswer {
    only(req, [...PAGES, ...allowed]);
    const perPage = Math.min(100, Number(req.query.get("per_page") ?? 30) || 30);
    const page = Math.max(1, Number(req.query.get("page") ?? 1) || 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (last > 1) {
      const url = (n: number) => {
        const q = new URLSearchParams(req.query);
        q.set("page", String(n));
        q.set("per_page", String(perPage));
        return `<${this.json.api}${req.path}?${q}>`;
      };
      const links = [
        ...(page < last ? [`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`] : []),
        ...(page > 1 ? [`${url(1)}; rel="first"`, `${url(page - 1)}; rel="prev"`] : []),
      ];
      if (links.length > 0) headers.link = links.join(", ");
    }
    return ok(slice.map(map), headers);
  }

  private commitOrFail(repo: Repo, sha: unknown, message = "Object does not exist"): string {
    if (typeof sha !== "string" || repo.git.typeOf(sha) !== "commit") throw new GitHubError(422, message);
    return sha;
  }

  /** A branch name, a full ref, or a sha, as the commits API accepts. */
  private resolve(repo: Repo, rev: string): string {
    const sha =
      repo.git.ref(`refs/heads/${rev}`) ??
      repo.git.ref(`refs/tags/${rev}`) ??
      (rev.startsWith("refs/") ? repo.git.ref(rev) : null) ??
      (/^[0-9a-f]{4,40}$/.test(rev) ? repo.git.revParse(rev) : null);
    if (!sha || sha === "ambiguous") throw new GitHubError(404, `No commit found for SHA: ${rev}`);
    return sha;
  }

  // -------------------------------------------------------------------------------------------
  // The routes

  private define(): void {
    const s = this.store;
    const j = this.json;

    // Apps and installations (with the app's JWT)
    this.on("GET", "/app", "app", (req) => ok(j.app(req.app as App)));
    this.on("GET", "/app/installations", "app", (req) =>
      ok([...s.installations.values()].filter((i) => i.app === req.app).map((i) => j.installation(i))),
    );
    const installation = (req: RestRequest, id: string | undefined) => {
      const found = s.installations.get(Number(id));
      if (!found || found.app !== req.app) throw new GitHubError(404, "Not Found");
      return found;
    };
    this.on("GET", "/app/installations/{installation_id}", "app", (req, p) =>
      ok(j.installation(installation(req, p.installation_id))),
    );
    this.on("POST", "/app/installations/{installation_id}/access_tokens", "app", (req, p) => {
      const found = installation(req, p.installation_id);
      const { token, expiresAt } = s.issueToken(found);
      return created({
        token,
        expires_at: stamp(expiresAt),
        permissions: found.permissions,
        repository_selection: "all",
      });
    });
    const installationOf = (req: RestRequest, account: string) => {
      const found = [...s.installations.values()].find(
        (i) => i.app === req.app && i.account.login.toLowerCase() === account.toLowerCase(),
      );
      if (!found) throw new GitHubError(404, "Not Found");
      return ok(j.installation(found));
    };
    this.on("GET", "/repos/{owner}/{repo}/installation", "app", (req, p) => {
      if (!s.repo(p.owner ?? "", p.repo ?? "")) throw new GitHubError(404, "Not Found");
      return installationOf(req, p.owner ?? "");
    });
    this.on("GET", "/orgs/{org}/installation", "app", (req, p) => installationOf(req, p.org ?? ""));
    this.on("GET", "/users/{username}/installation", "app", (req, p) =>
      installationOf(req, p.username ?? ""),
    );
    this.on("GET", "/installation/repositories", "token", (req) => {
      const c = req.credential as Credential;
      if (c.kind !== "installation") throw new GitHubError(403, "This endpoint is for installation tokens");
      const repos = [...s.repos.values()].filter((r) => r.owner === c.installation.account);
      return ok({
        total_count: repos.length,
        repository_selection: "all",
        repositories: repos.map((r) => j.repo(r)),
      });
    });

    // People
    this.on("GET", "/users/{username}", "token", (_req, p) => {
      const user = s.user(p.username ?? "");
      if (!user) throw new GitHubError(404, "Not Found");
      return ok(j.user(user));
    });
    this.on("GET", "/user", "token", (req) => {
      const c = req.credential as Credential;
      if (c.kind !== "user") throw new GitHubError(403, "Resource not accessible by integration");
      return ok(j.user(c.user));
    });

    // Repositories and their contents
    this.on("GET", "/repos/{owner}/{repo}", "token", (req, p) => ok(j.repo(this.repo(req, p))));
    this.on("GET", "/repos/{owner}/{repo}/branches/{branch*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const sha = repo.git.ref(`refs/heads/${p.branch}`);
      if (!sha) throw new GitHubError(404, "Branch not found");
      const commit = repo.git.readCommit(sha);
      return ok({ name: p.branch, commit: commit ? j.commit(repo, commit) : { sha }, protected: false });
    });
    const contents = (req: RestRequest, p: Params) => {
      only(req, ["ref"]);
      const repo = this.repo(req, p);
      const path = (p.path ?? "").replace(/^\/|\/$/g, "");
      const ref = req.query.get("ref") ?? repo.defaultBranch;
      const commit = this.resolve(repo, ref);
      const tree = repo.git.readCommit(commit)?.tree ?? "";
      const sha = path === "" ? tree : repo.git.revParse(`${commit}:${path}`);
      if (!sha || sha === "ambiguous") throw new GitHubError(404, "Not Found");
      const type = repo.git.typeOf(sha);
      const api = j.repoApi(repo);
      const entry = (name: string, entryPath: string, entrySha: string, kind: string, size: number) => ({
        type: kind,
        size,
        name,
        path: entryPath,
        sha: entrySha,
        url: `${api}/contents/${entryPath}?ref=${encodeURIComponent(ref)}`,
        git_url: `${api}/git/${kind === "dir" ? "trees" : "blobs"}/${entrySha}`,
        html_url: `${j.repoWeb(repo)}/${kind === "dir" ? "tree" : "blob"}/${ref}/${entryPath}`,
        download_url: kind === "file" ? `${j.repoWeb(repo)}/raw/${ref}/${entryPath}` : null,
      });
      if (type === "tree") {
        return ok(
          (repo.git.readTree(sha) ?? []).map((e) => {
            const kind = e.mode === "40000" ? "dir" : "file";
            const size = kind === "file" ? (repo.git.readBlob(e.sha)?.length ?? 0) : 0;
            return entry(e.name, path ? `${path}/${e.name}` : e.name, e.sha, kind, size);
          }),
        );
      }
      const content = repo.git.readBlob(sha) as Buffer;
      const accept = String(req.headers.accept ?? "");
      if (/\.raw/.test(accept))
        return ok(content.toString("utf8"), { "content-type": "application/vnd.github.raw; charset=utf-8" });
      return ok({
        ...entry(path.split("/").pop() ?? path, path, sha, "file", content.length),
        content: content.toString("base64").replace(/(.{60})/g, "$1\n"),
        encoding: "base64",
      });
    };
    this.on("GET", "/repos/{owner}/{repo}/contents", "token", contents);
    this.on("GET", "/repos/{owner}/{repo}/contents/{path*}", "token", contents);
    this.on("PUT", "/repos/{owner}/{repo}/contents/{path*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const branch = String(req.body.branch ?? repo.defaultBranch);
      const head = repo.git.ref(`refs/heads/${branch}`);
      const path = p.path ?? "";
      const existing = head ? repo.git.revParse(`${head}:${path}`) : null;
      if (existing && req.body.sha !== existing)
        throw invalid("File", "sha", "invalid", `"sha" wasn't supplied.`);
      if (typeof req.body.message !== "string" || typeof req.body.content !== "string")
        throw invalid("File", "content");
      const at = s.now();
      const actor = this.actor(req);
      const sha = s.pushCommit(repo, {
        branch,
        author: actor,
        message: req.body.message,
        files: { [path]: Buffer.from(req.body.content, "base64") },
        at,
      });
      const commit = repo.git.readCommit(sha);
      return {
        status: existing ? 200 : 201,
        body: {
          content: { path, sha: repo.git.revParse(`${sha}:${path}`) },
          commit: commit ? j.gitCommit(repo, commit) : { sha },
        },
      };
    });

    // Collaborators and permissions
    this.on("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "token", (req, p) => {
      const repo = this.repo(req, p);
      const user = s.user(p.username ?? "");
      if (user?.type !== "User") throw new GitHubError(404, "Not Found");
      const role = s.roleOf(repo, user.login);
      return ok({
        permission: role ? COARSE[role] : "none",
        role_name: role ?? "none",
        user: { ...j.user(user), permissions: permissions(role), role_name: role ?? "none" },
      });
    });
    this.on("GET", "/repos/{owner}/{repo}/collaborators/{username}", "token", (req, p) => {
      const repo = this.repo(req, p);
      return s.roleOf(repo, p.username ?? "") ? noContent : { status: 404, body: { message: "Not Found" } };
    });
    this.on("GET", "/repos/{owner}/{repo}/collaborators", "token", (req, p) => {
      const repo = this.repo(req, p);
      return this.page(req, [...repo.collaborators], ([login, role]) => ({
        ...j.user(login),
        permissions: permissions(role),
        role_name: role,
      }));
    });

    // Labels
    this.on("GET", "/repos/{owner}/{repo}/labels", "token", (req, p) => {
      const repo = this.repo(req, p);
      return this.page(req, [...repo.labels.values()], (l) => j.label(repo, l));
    });
    this.on("POST", "/repos/{owner}/{repo}/labels", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const name = typeof req.body.name === "string" ? req.body.name.trim() : "";
      const color = typeof req.body.color === "string" ? req.body.color.replace(/^#/, "") : "ededed";
      if (!name) throw invalid("Label", "name", "missing_field");
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw invalid("Label", "color");
      if (repo.labels.has(name.toLowerCase())) throw invalid("Label", "name", "already_exists");
      return created(
        j.label(repo, s.addLabel(repo, name, { color, description: req.body.description ?? null })),
      );
    });
    this.on("GET", "/repos/{owner}/{repo}/labels/{name*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      return ok(j.label(repo, s.label(repo, p.name ?? "")));
    });
    this.on("PATCH", "/repos/{owner}/{repo}/labels/{name*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const label = s.label(repo, p.name ?? "");
      if (typeof req.body.new_name === "string") {
        repo.labels.delete(label.name.toLowerCase());
        label.name = req.body.new_name;
        repo.labels.set(label.name.toLowerCase(), label);
      }
      if (typeof req.body.color === "string") label.color = req.body.color.replace(/^#/, "");
      if (req.body.description !== undefined) label.description = req.body.description;
      return ok(j.label(repo, label));
    });
    this.on("DELETE", "/repos/{owner}/{repo}/labels/{name*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const label = s.label(repo, p.name ?? "");
      repo.labels.delete(label.name.toLowerCase());
      for (const item of repo.items.values()) item.labels = item.labels.filter((l) => l !== label);
      return noContent;
    });

    // Issues
    this.on("GET", "/repos/{owner}/{repo}/issues", "token", (req, p) => {
      const repo = this.repo(req, p);
      const state = req.query.get("state") ?? "open";
      const labels = (req.query.get("labels") ?? "").split(",").filter(Boolean);
      const items = [...repo.items.values()]
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((name) => i.labels.some((l) => l.name === name)))
        .sort((a, b) => b.number - a.number);
      return this.page(req, items, (i) => j.issue(i), ["state", "labels"]);
    });
    this.on("POST", "/repos/{owner}/{repo}/issues", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const issue = s.createIssue(repo, {
        author: this.actor(req),
        title: String(req.body.title ?? ""),
        body: typeof req.body.body === "string" ? req.body.body : "",
        labels: (req.body.labels ?? []).map((l: unknown) => (typeof l === "string" ? l : (l as Json).name)),
        assignees: req.body.assignees ?? (req.body.assignee ? [req.body.assignee] : []),
      });
      return created(j.issue(issue));
    });
    this.on("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "token", (req, p) =>
      ok(j.issue(this.item(this.repo(req, p), p.issue_number))),
    );
    this.on("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      this.editItem(req, item);
      return ok(j.issue(item));
    });
    this.on("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "token", (req, p) => {
      const item = this.item(this.repo(req, p), p.issue_number);
      const comments = item.timeline.flatMap((e) => (e.type === "comment" ? [e.comment] : []));
      return this.page(req, comments, (c) => j.comment(c));
    });
    this.on("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      return created(j.comment(s.addComment(item, this.actor(req), String(req.body.body ?? ""))));
    });
    const comment = (repo: Repo, id: string | undefined) => {
      const found = repo.comments.get(Number(id));
      if (!found) throw new GitHubError(404, "Not Found");
      return found;
    };
    this.on("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "token", (req, p) =>
      ok(j.comment(comment(this.repo(req, p), p.comment_id))),
    );
    this.on("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const found = comment(repo, p.comment_id);
      s.editComment(found, String(req.body.body ?? ""), this.actor(req));
      return ok(j.comment(found));
    });
    const reaction = (
      req: RestRequest,
      target: { reactions: Array<{ content: string; user: string }> },
      repo: Repo,
    ) => {
      this.needWrite(req, repo, "issues");
      const content = REST_REACTIONS[String(req.body.content)];
      if (!content) throw invalid("Reaction", "content");
      const had = target.reactions.some((r) => r.content === content && r.user === this.actor(req));
      const made = s.react(target as never, content, this.actor(req));
      const body = {
        id: target.reactions.indexOf(made) + 1,
        node_id: `REA_${content}`,
        user: j.user(made.user),
        content: req.body.content,
        created_at: made.createdAt,
      };
      return had ? ok(body) : created(body);
    };
    this.on("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "token", (req, p) => {
      const repo = this.repo(req, p);
      return reaction(req, comment(repo, p.comment_id), repo);
    });
    this.on("POST", "/repos/{owner}/{repo}/issues/{issue_number}/reactions", "token", (req, p) => {
      const repo = this.repo(req, p);
      return reaction(req, this.item(repo, p.issue_number), repo);
    });
    this.on("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "token", (req, p) => {
      const repo = this.repo(req, p);
      return ok(this.item(repo, p.issue_number).labels.map((l) => j.label(repo, l)));
    });
    const labelNames = (req: RestRequest): string[] => {
      const raw = Array.isArray(req.body) ? req.body : req.body.labels;
      if (!Array.isArray(raw)) throw invalid("Label", "labels", "missing_field");
      return raw.map((l: unknown) => (typeof l === "string" ? l : String((l as Json).name)));
    };
    /** Labels by name, made when missing (GitHub creates them with a default colour). */
    const labelsFor = (repo: Repo, names: string[]) =>
      names.map((name) => repo.labels.get(name.toLowerCase()) ?? s.addLabel(repo, name));
    this.on("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      s.addLabels(item, labelsFor(repo, labelNames(req)), this.actor(req));
      return ok(item.labels.map((l) => j.label(repo, l)));
    });
    this.on("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      const wanted = labelsFor(repo, labelNames(req));
      s.removeLabels(
        item,
        item.labels.filter((l) => !wanted.includes(l)),
        this.actor(req),
      );
      s.addLabels(item, wanted, this.actor(req));
      return ok(item.labels.map((l) => j.label(repo, l)));
    });
    this.on("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      const label = item.labels.find((l) => l.name.toLowerCase() === (p.name ?? "").toLowerCase());
      if (!label) throw new GitHubError(404, "Label does not exist");
      s.removeLabels(item, [label], this.actor(req));
      return ok(item.labels.map((l) => j.label(repo, l)));
    });
    this.on("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      s.addAssignees(item, req.body.assignees ?? [], this.actor(req));
      return created(j.issue(item));
    });
    this.on("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/assignees", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "issues");
      const item = this.item(repo, p.issue_number);
      s.removeAssignees(item, req.body.assignees ?? [], this.actor(req));
      return ok(j.issue(item));
    });

    // Pull requests
    this.on("GET", "/repos/{owner}/{repo}/pulls", "token", (req, p) => {
      const repo = this.repo(req, p);
      const state = req.query.get("state") ?? "open";
      const head = req.query.get("head");
      const base = req.query.get("base");
      const pulls = [...repo.items.values()]
        .filter((i): i is PullRequest => i.kind === "pull")
        .filter((i) => state === "all" || i.state === state)
        .filter(
          (i) =>
            !head || `${repo.owner.login}:${i.head}`.toLowerCase() === head.toLowerCase() || i.head === head,
        )
        .filter((i) => !base || i.base === base)
        .sort((a, b) => b.number - a.number);
      return this.page(req, pulls, (i) => j.pull(i, false), ["state", "head", "base"]);
    });
    this.on("POST", "/repos/{owner}/{repo}/pulls", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "pull_requests");
      if (req.body.issue != null) throw new NotModelled("POST /pulls with `issue` (converting an issue)");
      const pull = s.openPullRequest(repo, {
        author: this.actor(req),
        title: String(req.body.title ?? ""),
        body: typeof req.body.body === "string" ? req.body.body : "",
        head: String(req.body.head ?? "").replace(new RegExp(`^${repo.owner.login}:`, "i"), ""),
        base: String(req.body.base ?? ""),
        draft: req.body.draft === true,
      });
      if (req.body.maintainer_can_modify === false) pull.maintainerCanModify = false;
      return created(j.pull(pull));
    });
    this.on("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const pull = this.pull(repo, p.pull_number);
      const accept = String(req.headers.accept ?? "");
      if (/\.diff|\.patch/.test(accept)) {
        const base = pull.merged
          ? (repo.git.readCommit(pull.mergeCommit as string)?.parents[0] ?? "")
          : (repo.git.mergeBase(repo.git.ref(`refs/heads/${pull.base}`) ?? "", s.headOf(pull)) ?? "");
        const head = pull.merged && pull.mergeCommit ? pull.mergeCommit : s.headOf(pull);
        return ok(repo.git.patch(base, head), { "content-type": "text/plain; charset=utf-8" });
      }
      return ok(j.pull(pull));
    });
    this.on("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "pull_requests");
      const pull = this.pull(repo, p.pull_number);
      this.editItem(req, pull);
      return ok(j.pull(pull));
    });
    this.on("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const pull = this.pull(repo, p.pull_number);
      if (req.body.sha && req.body.sha !== s.headOf(pull))
        throw new GitHubError(409, "Head branch was modified. Review and try the merge again.");
      const method =
        req.body.merge_method === "squash" ? "squash" : req.body.merge_method === "rebase" ? null : "merge";
      if (!method) throw new NotModelled("rebase merges");
      const title = req.body.commit_title as string | undefined;
      const message = title
        ? `${title}${req.body.commit_message ? `\n\n${req.body.commit_message}` : ""}`
        : undefined;
      const sha = s.mergePullRequest(pull, this.actor(req), { method, ...(message ? { message } : {}) });
      return ok({ sha, merged: true, message: "Pull Request successfully merged" });
    });
    this.on("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", "token", (req, p) => {
      const repo = this.repo(req, p);
      const pull = this.pull(repo, p.pull_number);
      return this.page(req, s.filesOf(pull), (f) => ({
        sha: null,
        filename: f.path,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
        blob_url: `${j.repoWeb(repo)}/blob/${s.headOf(pull)}/${f.path}`,
      }));
    });
    this.on("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", "token", (req, p) => {
      const repo = this.repo(req, p);
      const pull = this.pull(repo, p.pull_number);
      return this.page(req, s.commitsOf(pull), (sha) => j.commit(repo, repo.git.readCommit(sha) as never));
    });
    this.on("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", "token", (req, p) => {
      const pull = this.pull(this.repo(req, p), p.pull_number);
      return ok({ users: pull.requestedReviewers.map((login) => j.user(login)), teams: [] });
    });
    this.on("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "pull_requests");
      const pull = this.pull(repo, p.pull_number);
      if ((req.body.team_reviewers ?? []).length > 0) throw new NotModelled("team reviewers");
      s.requestReviewers(pull, req.body.reviewers ?? []);
      return created(j.pull(pull, false));
    });

    // Deployments
    this.on("GET", "/repos/{owner}/{repo}/deployments", "token", (req, p) => {
      const repo = this.repo(req, p);
      const env = req.query.get("environment");
      const sha = req.query.get("sha");
      const list = [...repo.deployments]
        .filter((d) => (!env || d.environment === env) && (!sha || d.sha === sha))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      return this.page(req, list, (d) => j.deployment(repo, d), ["environment", "sha"]);
    });
    this.on("POST", "/repos/{owner}/{repo}/deployments", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "deployments");
      const ref = String(req.body.ref ?? "");
      const sha = this.resolve(repo, ref);
      const deployment = s.addDeployment(repo, {
        sha,
        ref,
        environment: req.body.environment ?? "production",
        description: req.body.description ?? null,
        creator: this.actor(req),
      });
      return created(j.deployment(repo, deployment));
    });
    const deployment = (repo: Repo, id: string | undefined) => {
      const found = repo.deployments.find((d) => d.id === Number(id));
      if (!found) throw new GitHubError(404, "Not Found");
      return found;
    };
    this.on("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "token", (req, p) => {
      const repo = this.repo(req, p);
      const found = deployment(repo, p.deployment_id);
      return this.page(req, [...found.statuses].reverse(), (st) => j.deploymentStatus(repo, found, st));
    });
    this.on("POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "deployments");
      const found = deployment(repo, p.deployment_id);
      const status = s.addDeploymentStatus(found, req.body.state, req.body.environment_url ?? null);
      return created(j.deploymentStatus(repo, found, status));
    });

    // Git data
    this.on("POST", "/repos/{owner}/{repo}/git/blobs", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      if (typeof req.body.content !== "string") throw invalid("Blob", "content", "missing_field");
      const content = Buffer.from(req.body.content, req.body.encoding === "base64" ? "base64" : "utf8");
      const sha = repo.git.blob(content);
      return created({ sha, url: `${j.repoApi(repo)}/git/blobs/${sha}` });
    });
    this.on("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const content = repo.git.readBlob(p.file_sha ?? "");
      if (!content) throw new GitHubError(404, "Not Found");
      return ok({
        sha: p.file_sha,
        node_id: `B_${p.file_sha}`,
        size: content.length,
        url: `${j.repoApi(repo)}/git/blobs/${p.file_sha}`,
        content: content.toString("base64"),
        encoding: "base64",
      });
    });
    this.on("POST", "/repos/{owner}/{repo}/git/trees", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const git = repo.git;
      const base = req.body.base_tree;
      if (base != null && git.typeOf(base) !== "tree")
        throw new GitHubError(422, "base_tree is not a valid tree oid");
      if (!Array.isArray(req.body.tree)) throw invalid("Tree", "tree", "missing_field");
      const files = new Map<string, FileEntry>(base ? git.flatTree(base) : []);
      for (const entry of req.body.tree as Json[]) {
        const path = String(entry.path ?? "");
        if (!path || path.startsWith("/") || path.includes("//"))
          throw new GitHubError(422, `tree.path ${path} is invalid`);
        if (entry.type === "tree" || entry.mode === "040000") {
          throw new NotModelled("tree entries of type tree");
        }
        if (!["100644", "100755", "120000"].includes(entry.mode))
          throw new GitHubError(422, `tree.mode ${entry.mode} is invalid`);
        if (entry.sha === null) {
          files.delete(path);
          continue;
        }
        const sha = typeof entry.content === "string" ? git.blob(entry.content) : entry.sha;
        if (git.typeOf(sha) !== "blob") throw new GitHubError(422, `tree.sha ${sha} is not a valid blob`);
        files.set(path, { mode: entry.mode, sha });
      }
      const sha = git.treeOfFiles(files);
      return created(this.treeJson(repo, sha, false));
    });
    this.on("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const rev = p.tree_sha ?? "";
      const sha = /^[0-9a-f]{40}$/.test(rev) ? rev : this.resolve(repo, rev);
      const tree = repo.git.typeOf(sha) === "commit" ? (repo.git.readCommit(sha)?.tree ?? "") : sha;
      if (repo.git.typeOf(tree) !== "tree") throw new GitHubError(404, "Not Found");
      only(req, ["recursive"]);
      return ok(this.treeJson(repo, tree, ["1", "true"].includes(req.query.get("recursive") ?? "")));
    });
    this.on("POST", "/repos/{owner}/{repo}/git/commits", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const git = repo.git;
      if (typeof req.body.message !== "string") throw invalid("Commit", "message", "missing_field");
      if (git.typeOf(req.body.tree) !== "tree") throw new GitHubError(422, "Tree SHA does not exist");
      const parents: unknown[] = req.body.parents ?? [];
      if (!Array.isArray(parents) || parents.some((parent) => git.typeOf(parent) !== "commit")) {
        throw new GitHubError(422, "Parent SHA does not exist or is not a commit object");
      }
      const at = s.now();
      const actor = s.mustUser(this.actor(req));
      const person = (given: Json | undefined, fallback: { name: string; email: string }) => ({
        name: given?.name ?? fallback.name,
        email: given?.email ?? fallback.email,
        date: given?.date ? stamp(Date.parse(given.date)) : at,
      });
      const author = person(req.body.author, { name: actor.login, email: actor.email });
      const committer = person(req.body.committer ?? req.body.author, {
        name: actor.login,
        email: actor.email,
      });
      const sha = git.commit({
        tree: req.body.tree,
        parents: parents as string[],
        author,
        committer,
        message: req.body.message,
      });
      return created(j.gitCommit(repo, git.readCommit(sha) as never));
    });
    this.on("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const commit = repo.git.readCommit(p.commit_sha ?? "");
      if (!commit) throw new GitHubError(404, "Not Found");
      return ok(j.gitCommit(repo, commit));
    });
    this.on("GET", "/repos/{owner}/{repo}/git/ref/{ref*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const qualified = `refs/${p.ref}`;
      const sha = repo.git.ref(qualified);
      if (!sha) throw new GitHubError(404, "Not Found");
      return ok(j.ref(repo, qualified, sha));
    });
    this.on("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const prefix = `refs/${p.ref}`;
      const dir = prefix.slice(0, prefix.lastIndexOf("/") + 1);
      return ok(
        repo.git
          .refs(dir)
          .filter((r) => r.ref.startsWith(prefix))
          .map((r) => j.ref(repo, r.ref, r.sha)),
      );
    });
    this.on("POST", "/repos/{owner}/{repo}/git/refs", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const ref = req.body.ref;
      if (
        typeof ref !== "string" ||
        !ref.startsWith("refs/") ||
        ref.split("/").length < 3 ||
        !/^[\w./-]+$/.test(ref) ||
        /\.\.|\/\/|\/$|\.lock$|\.$|@\{/.test(ref)
      ) {
        throw new GitHubError(422, `${String(ref)} is not a valid ref name.`);
      }
      if (repo.git.typeOf(req.body.sha) === null) throw new GitHubError(422, "Object does not exist");
      if (repo.git.ref(ref)) throw new GitHubError(422, "Reference already exists");
      if (!repo.git.setRef(ref, req.body.sha, ZERO_SHA))
        throw new GitHubError(422, "Reference already exists");
      return created(j.ref(repo, ref, req.body.sha));
    });
    this.on("PATCH", "/repos/{owner}/{repo}/git/refs/{ref*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const qualified = `refs/${p.ref}`;
      const current = repo.git.ref(qualified);
      if (!current) throw new GitHubError(422, "Reference does not exist");
      const sha = this.commitOrFail(repo, req.body.sha);
      if (req.body.force !== true && !repo.git.isAncestor(current, sha)) {
        throw new GitHubError(422, "Update is not a fast forward");
      }
      if (!repo.git.setRef(qualified, sha, current))
        throw new GitHubError(422, "Reference cannot be updated");
      return ok(j.ref(repo, qualified, sha));
    });
    this.on("DELETE", "/repos/{owner}/{repo}/git/refs/{ref*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const qualified = `refs/${p.ref}`;
      if (!repo.git.ref(qualified)) throw new GitHubError(422, "Reference does not exist");
      repo.git.deleteRef(qualified);
      return noContent;
    });

    // Commits, compare, merges
    this.on("GET", "/repos/{owner}/{repo}/commits", "token", (req, p) => {
      const repo = this.repo(req, p);
      const head = this.resolve(repo, req.query.get("sha") ?? repo.defaultBranch);
      const since = Date.parse(req.query.get("since") ?? "") || Number.NEGATIVE_INFINITY;
      const until = Date.parse(req.query.get("until") ?? "") || Number.POSITIVE_INFINITY;
      const log = repo.git.log(head).filter((c) => {
        const at = Date.parse(c.committedDate);
        return at >= since && at <= until;
      });
      return this.page(req, log, (c) => j.commit(repo, repo.git.readCommit(c.sha) as never), [
        "sha",
        "since",
        "until",
      ]);
    });
    this.on("GET", "/repos/{owner}/{repo}/commits/{ref*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const sha = this.resolve(repo, p.ref ?? "");
      const commit = repo.git.readCommit(sha);
      if (!commit) throw new GitHubError(422, `No commit found for SHA: ${p.ref}`);
      const files = repo.git.diff(commit.parents[0] ?? null, sha).map((f) => this.fileJson(f));
      const stats = files.reduce(
        (sum: { additions: number; deletions: number }, f: Json) => ({
          additions: sum.additions + f.additions,
          deletions: sum.deletions + f.deletions,
        }),
        { additions: 0, deletions: 0 },
      );
      return ok({
        ...j.commit(repo, commit, files),
        stats: { ...stats, total: stats.additions + stats.deletions },
      });
    });
    this.on("GET", "/repos/{owner}/{repo}/compare/{basehead*}", "token", (req, p) => {
      const repo = this.repo(req, p);
      const [baseName = "", headName = ""] = (p.basehead ?? "").split("...");
      if (!headName) throw new GitHubError(404, "Not Found");
      const base = this.resolve(repo, baseName);
      const head = this.resolve(repo, headName);
      const git = repo.git;
      const mergeBase = git.mergeBase(base, head);
      const { ahead, behind } = git.aheadBehind(base, head);
      const status =
        ahead === 0 && behind === 0
          ? "identical"
          : ahead > 0 && behind > 0
            ? "diverged"
            : ahead > 0
              ? "ahead"
              : "behind";
      const commits = git.commitsBetween(base, head).slice(0, 250);
      const files = git.diff(mergeBase, head).map((f) => this.fileJson(f));
      return ok({
        url: `${j.repoApi(repo)}/compare/${p.basehead}`,
        html_url: `${j.repoWeb(repo)}/compare/${p.basehead}`,
        base_commit: j.commit(repo, git.readCommit(base) as never),
        merge_base_commit: mergeBase ? j.commit(repo, git.readCommit(mergeBase) as never) : null,
        status,
        ahead_by: ahead,
        behind_by: behind,
        total_commits: ahead,
        commits: commits.map((sha) => j.commit(repo, git.readCommit(sha) as never)),
        files,
      });
    });
    this.on("POST", "/repos/{owner}/{repo}/merges", "token", (req, p) => {
      const repo = this.repo(req, p);
      this.needWrite(req, repo, "contents");
      const git = repo.git;
      const baseName = String(req.body.base ?? "");
      const baseRef = `refs/heads/${baseName}`;
      const base = git.ref(baseRef);
      if (!base) return { status: 404, body: { message: "Base does not exist" } };
      const headName = String(req.body.head ?? "");
      const head = git.ref(`refs/heads/${headName}`) ?? (git.typeOf(headName) === "commit" ? headName : null);
      if (!head) return { status: 404, body: { message: "Head does not exist" } };
      if (git.isAncestor(head, base)) return noContent;
      const merged = git.merge(base, head);
      if (merged.kind === "conflict") {
        return {
          status: 409,
          body: {
            message: s.quirks.detailedConflicts ? `Merge conflict\n${merged.detail}` : "Merge conflict",
            documentation_url: "https://docs.github.com/rest/branches/branches#merge-a-branch",
          },
        };
      }
      const at = s.now();
      const actor = s.mustUser(this.actor(req));
      const message =
        typeof req.body.commit_message === "string"
          ? req.body.commit_message
          : `Merge ${headName} into ${baseName}`;
      const sha = git.commit({
        tree: merged.tree,
        parents: [base, head],
        author: { name: actor.login, email: actor.email, date: at },
        committer: { name: "GitHub", email: "noreply@github.com", date: at },
        message,
      });
      if (!git.setRef(baseRef, sha, base)) throw new GitHubError(409, "Base branch was modified");
      return created(j.commit(repo, git.readCommit(sha) as never));
    });
  }

  private editItem(req: RestRequest, item: Item): void {
    const s = this.store;
    const actor = this.actor(req);
    const body = req.body;
    if (typeof body.title === "string") s.rename(item, body.title, actor);
    if (typeof body.body === "string") s.editBody(item, body.body, actor);
    if (Array.isArray(body.labels)) {
      const wanted = body.labels.map((l: unknown) => {
        const name = typeof l === "string" ? l : String((l as Json).name);
        return item.repo.labels.get(name.toLowerCase()) ?? s.addLabel(item.repo, name);
      });
      s.removeLabels(
        item,
        item.labels.filter((l) => !wanted.includes(l)),
        actor,
      );
      s.addLabels(item, wanted, actor);
    }
    if (Array.isArray(body.assignees)) {
      s.removeAssignees(
        item,
        item.assignees.filter((a) => !body.assignees.includes(a)),
        actor,
      );
      s.addAssignees(item, body.assignees, actor);
    }
    if (body.state === "open" || body.state === "closed") {
      const reason = body.state_reason === "not_planned" ? "not_planned" : undefined;
      s.setState(item, body.state, actor, reason as Issue["stateReason"] | undefined);
    }
  }

  private treeJson(repo: Repo, sha: string, recursive: boolean): Json {
    const git = repo.git;
    const api = this.json.repoApi(repo);
    const entries = recursive
      ? [...git.flatTree(sha)].map(([path, e]) => ({ path, mode: e.mode, sha: e.sha }))
      : (git.readTree(sha) ?? []).map((e) => ({
          path: e.name,
          mode: e.mode === "40000" ? "040000" : e.mode,
          sha: e.sha,
        }));
    return {
      sha,
      url: `${api}/git/trees/${sha}`,
      truncated: false,
      tree: entries.map((e) => {
        const type = e.mode === "040000" ? "tree" : e.mode === "160000" ? "commit" : "blob";
        return {
          path: e.path,
          mode: e.mode,
          type,
          sha: e.sha,
          ...(type === "blob" ? { size: git.readBlob(e.sha)?.length ?? 0 } : {}),
          url: `${api}/git/${type === "tree" ? "trees" : "blobs"}/${e.sha}`,
        };
      }),
    };
  }

  private fileJson(f: {
    path: string;
    status: string;
    additions: number;
    deletions: number;
    previousPath: string | null;
  }): Json {
    return {
      filename: f.path,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
    };
  }
}

function permissions(role: Role | null): Record<string, boolean> {
  const at = role ? ROLES.indexOf(role) : -1;
  return {
    admin: at >= 4,
    maintain: at >= 3,
    push: at >= 2,
    triage: at >= 1,
    pull: at >= 0,
  };
}
