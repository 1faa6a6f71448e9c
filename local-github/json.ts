// How GitHub's REST API and webhooks show the state: the same shapes (the fields firebreak, Probot
// and Octokit read, and the usual ones next to them), with the local GitHub's URLs.
import type { CommitObject } from "./git.js";
import type {
  App,
  Comment,
  Deployment,
  DeploymentStatus,
  Installation,
  Item,
  Label,
  PullRequest,
  Repo,
  Store,
  User,
} from "./model.js";

type Json = Record<string, unknown>;

export class Representations {
  constructor(
    private readonly store: Store,
    private readonly urls: () => { web: string; api: string },
  ) {}

  get web(): string {
    return this.urls().web;
  }

  get api(): string {
    return this.urls().api;
  }

  repoApi(repo: Repo): string {
    return `${this.api}/repos/${repo.owner.login}/${repo.name}`;
  }

  repoWeb(repo: Repo): string {
    return `${this.web}/${repo.owner.login}/${repo.name}`;
  }

  itemUrl(item: Item): string {
    return `${this.repoWeb(item.repo)}/${item.kind === "pull" ? "pull" : "issues"}/${item.number}`;
  }

  commentUrl(comment: Comment): string {
    const item = comment.repo.items.get(comment.number);
    const path = item?.kind === "pull" ? "pull" : "issues";
    return `${this.repoWeb(comment.repo)}/${path}/${comment.number}#issuecomment-${comment.databaseId}`;
  }

  commitUrl(repo: Repo, sha: string): string {
    return `${this.repoWeb(repo)}/commit/${sha}`;
  }

  userWeb(user: User): string {
    return user.type === "Bot"
      ? `${this.web}/apps/${user.login.replace(/\[bot\]$/, "")}`
      : `${this.web}/${user.login}`;
  }

  user(who: User | string): Json {
    const user = typeof who === "string" ? this.store.mustUser(who) : who;
    return {
      login: user.login,
      id: user.databaseId,
      node_id: user.id,
      avatar_url: `${this.web}/avatars/u/${user.databaseId}?v=4`,
      gravatar_id: "",
      url: `${this.api}/users/${encodeURIComponent(user.login)}`,
      html_url: this.userWeb(user),
      ...Object.fromEntries(
        [
          ["followers_url", "/followers"],
          ["following_url", "/following{/other_user}"],
          ["gists_url", "/gists{/gist_id}"],
          ["starred_url", "/starred{/owner}{/repo}"],
          ["subscriptions_url", "/subscriptions"],
          ["organizations_url", "/orgs"],
          ["repos_url", "/repos"],
          ["events_url", "/events{/privacy}"],
          ["received_events_url", "/received_events"],
        ].map(([key, path]) => [key, `${this.api}/users/${encodeURIComponent(user.login)}${path}`]),
      ),
      type: user.type,
      user_view_type: "public",
      site_admin: false,
    };
  }

  label(repo: Repo, label: Label): Json {
    return {
      id: label.databaseId,
      node_id: label.id,
      url: `${this.repoApi(repo)}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }

  repo(repo: Repo): Json {
    const api = this.repoApi(repo);
    const open = [...repo.items.values()].filter((i) => i.state === "open").length;
    return {
      id: repo.databaseId,
      node_id: repo.id,
      name: repo.name,
      full_name: `${repo.owner.login}/${repo.name}`,
      private: repo.private,
      owner: this.user(repo.owner),
      html_url: this.repoWeb(repo),
      description: repo.description,
      fork: false,
      url: api,
      ...Object.fromEntries(
        [
          ["forks_url", "/forks"],
          ["keys_url", "/keys{/key_id}"],
          ["collaborators_url", "/collaborators{/collaborator}"],
          ["teams_url", "/teams"],
          ["hooks_url", "/hooks"],
          ["issue_events_url", "/issues/events{/number}"],
          ["events_url", "/events"],
          ["assignees_url", "/assignees{/user}"],
          ["branches_url", "/branches{/branch}"],
          ["tags_url", "/tags"],
          ["blobs_url", "/git/blobs{/sha}"],
          ["git_tags_url", "/git/tags{/sha}"],
          ["git_refs_url", "/git/refs{/sha}"],
          ["trees_url", "/git/trees{/sha}"],
          ["statuses_url", "/statuses/{sha}"],
          ["languages_url", "/languages"],
          ["stargazers_url", "/stargazers"],
          ["contributors_url", "/contributors"],
          ["subscribers_url", "/subscribers"],
          ["subscription_url", "/subscription"],
          ["commits_url", "/commits{/sha}"],
          ["git_commits_url", "/git/commits{/sha}"],
          ["comments_url", "/comments{/number}"],
          ["issue_comment_url", "/issues/comments{/number}"],
          ["contents_url", "/contents/{+path}"],
          ["compare_url", "/compare/{base}...{head}"],
          ["merges_url", "/merges"],
          ["archive_url", "/{archive_format}{/ref}"],
          ["downloads_url", "/downloads"],
          ["issues_url", "/issues{/number}"],
          ["pulls_url", "/pulls{/number}"],
          ["milestones_url", "/milestones{/number}"],
          ["notifications_url", "/notifications{?since,all,participating}"],
          ["labels_url", "/labels{/name}"],
          ["releases_url", "/releases{/id}"],
          ["deployments_url", "/deployments"],
        ].map(([key, path]) => [key, `${api}${path}`]),
      ),
      git_url: `${this.repoWeb(repo).replace(/^https?/, "git")}.git`,
      ssh_url: `git@${new URL(this.web).host}:${repo.owner.login}/${repo.name}.git`,
      clone_url: `${this.repoWeb(repo)}.git`,
      svn_url: this.repoWeb(repo),
      mirror_url: null,
      has_downloads: true,
      has_pages: false,
      custom_properties: {},
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_wiki: false,
      forks_count: 0,
      archived: false,
      disabled: false,
      open_issues_count: open,
      license: null,
      forks: 0,
      open_issues: open,
      watchers: 0,
      default_branch: repo.defaultBranch,
      is_template: false,
      topics: [],
      visibility: repo.private ? "private" : "public",
      web_commit_signoff_required: false,
    };
  }

  private association(repo: Repo, login: string): string {
    const user = this.store.user(login);
    if (user?.type === "Bot") return "NONE";
    if (login.toLowerCase() === repo.owner.login.toLowerCase()) return "OWNER";
    const role = this.store.roleOf(repo, login);
    return role === null ? "NONE" : repo.owner.type === "Organization" ? "MEMBER" : "COLLABORATOR";
  }

  private reactions(url: string, item: { reactions: Array<{ content: string }> }): Json {
    const count = (content: string) => item.reactions.filter((r) => r.content === content).length;
    return {
      url: `${url}/reactions`,
      total_count: item.reactions.length,
      "+1": count("THUMBS_UP"),
      "-1": count("THUMBS_DOWN"),
      laugh: count("LAUGH"),
      hooray: count("HOORAY"),
      confused: count("CONFUSED"),
      heart: count("HEART"),
      rocket: count("ROCKET"),
      eyes: count("EYES"),
    };
  }

  /** An issue (or a pull request as the issues API shows it). */
  issue(item: Item): Json {
    const repo = item.repo;
    const url = `${this.repoApi(repo)}/issues/${item.number}`;
    const assignees = item.assignees.map((login) => this.user(login));
    return {
      url,
      repository_url: this.repoApi(repo),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: this.itemUrl(item),
      id: item.databaseId,
      node_id: item.id,
      number: item.number,
      title: item.title,
      user: this.user(item.author),
      labels: item.labels.map((l) => this.label(repo, l)),
      state: item.state,
      state_reason: item.kind === "issue" ? item.stateReason : null,
      locked: false,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      comments: item.timeline.filter((e) => e.type === "comment").length,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
      closed_at: item.closedAt,
      author_association: this.association(repo, item.author),
      active_lock_reason: null,
      body: item.body,
      reactions: this.reactions(url, item),
      performed_via_github_app: null,
      draft: item.kind === "pull" ? item.draft : false,
      ...(item.kind === "pull"
        ? {
            pull_request: {
              url: `${this.repoApi(repo)}/pulls/${item.number}`,
              html_url: this.itemUrl(item),
              diff_url: `${this.itemUrl(item)}.diff`,
              patch_url: `${this.itemUrl(item)}.patch`,
              merged_at: item.mergedAt,
            },
          }
        : {}),
    };
  }

  comment(comment: Comment): Json {
    const api = this.repoApi(comment.repo);
    const url = `${api}/issues/comments/${comment.databaseId}`;
    const author = this.store.mustUser(comment.author);
    const app =
      author.type === "Bot" ? [...this.store.apps.values()].find((a) => a.bot === author) : undefined;
    return {
      url,
      html_url: this.commentUrl(comment),
      issue_url: `${api}/issues/${comment.number}`,
      id: comment.databaseId,
      node_id: comment.id,
      user: this.user(author),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: this.association(comment.repo, comment.author),
      body: comment.body,
      reactions: this.reactions(url, comment),
      performed_via_github_app: app ? this.app(app) : null,
    };
  }

  private branch(pull: PullRequest, which: "head" | "base"): Json {
    const repo = pull.repo;
    const ref = which === "head" ? pull.head : pull.base;
    const sha = which === "head" ? this.store.headOf(pull) : (repo.git.ref(`refs/heads/${pull.base}`) ?? "");
    return {
      label: `${repo.owner.login}:${ref}`,
      ref,
      sha,
      user: this.user(repo.owner),
      repo: this.repo(repo),
    };
  }

  pull(pull: PullRequest, full = true): Json {
    const repo = pull.repo;
    const api = `${this.repoApi(repo)}/pulls/${pull.number}`;
    const assignees = pull.assignees.map((login) => this.user(login));
    const files = full ? this.store.filesOf(pull) : null;
    return {
      url: api,
      id: pull.databaseId,
      node_id: pull.id,
      html_url: this.itemUrl(pull),
      diff_url: `${this.itemUrl(pull)}.diff`,
      patch_url: `${this.itemUrl(pull)}.patch`,
      issue_url: `${this.repoApi(repo)}/issues/${pull.number}`,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.repoApi(repo)}/pulls/comments{/number}`,
      comments_url: `${this.repoApi(repo)}/issues/${pull.number}/comments`,
      statuses_url: `${this.repoApi(repo)}/statuses/${pull.headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.author),
      body: pull.body,
      labels: pull.labels.map((l) => this.label(repo, l)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommit,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: pull.requestedReviewers.map((login) => this.user(login)),
      requested_teams: [],
      head: this.branch(pull, "head"),
      base: this.branch(pull, "base"),
      _links: {
        self: { href: api },
        html: { href: this.itemUrl(pull) },
        issue: { href: `${this.repoApi(repo)}/issues/${pull.number}` },
      },
      author_association: this.association(repo, pull.author),
      auto_merge: null,
      draft: pull.draft,
      ...(full
        ? {
            merged: pull.merged,
            mergeable: pull.state === "open" ? true : null,
            rebaseable: pull.state === "open" ? true : null,
            mergeable_state: pull.state === "open" ? "clean" : "unknown",
            merged_by: pull.mergedBy ? this.user(pull.mergedBy) : null,
            comments: pull.timeline.filter((e) => e.type === "comment").length,
            review_comments: 0,
            maintainer_can_modify: pull.maintainerCanModify,
            commits: this.store.commitsOf(pull).length,
            additions: (files ?? []).reduce((sum, f) => sum + f.additions, 0),
            deletions: (files ?? []).reduce((sum, f) => sum + f.deletions, 0),
            changed_files: (files ?? []).length,
          }
        : {}),
    };
  }

  /** A commit as the Git Data API shows it (`/git/commits/{sha}`). */
  gitCommit(repo: Repo, commit: CommitObject): Json {
    const api = this.repoApi(repo);
    return {
      sha: commit.sha,
      node_id: `C_${commit.sha}`,
      url: `${api}/git/commits/${commit.sha}`,
      html_url: this.commitUrl(repo, commit.sha),
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      parents: commit.parents.map((p) => ({
        sha: p,
        url: `${api}/git/commits/${p}`,
        html_url: this.commitUrl(repo, p),
      })),
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** A commit as the commits, compare and merges APIs show it. */
  commit(repo: Repo, commit: CommitObject, files?: Json[]): Json {
    const api = this.repoApi(repo);
    const git = this.gitCommit(repo, commit);
    const author = this.store.userByEmail(commit.author.email);
    const committer = this.store.userByEmail(commit.committer.email);
    return {
      sha: commit.sha,
      node_id: git.node_id,
      commit: {
        author: commit.author,
        committer: commit.committer,
        message: commit.message,
        tree: git.tree,
        url: git.url,
        comment_count: 0,
        verification: git.verification,
      },
      url: `${api}/commits/${commit.sha}`,
      html_url: git.html_url,
      comments_url: `${api}/commits/${commit.sha}/comments`,
      author: author ? this.user(author) : null,
      committer: committer ? this.user(committer) : null,
      parents: git.parents,
      ...(files ? { files } : {}),
    };
  }

  ref(repo: Repo, ref: string, sha: string): Json {
    const api = this.repoApi(repo);
    return {
      ref,
      node_id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString("base64url")}`,
      url: `${api}/git/${ref}`,
      object: { type: repo.git.typeOf(sha) ?? "commit", sha, url: `${api}/git/commits/${sha}` },
    };
  }

  deployment(repo: Repo, d: Deployment): Json {
    const url = `${this.repoApi(repo)}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: d.nodeId,
      sha: d.sha,
      ref: d.ref,
      task: "deploy",
      payload: {},
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: this.user(d.creator),
      created_at: d.createdAt,
      updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.repoApi(repo),
      transient_environment: false,
      production_environment: d.environment === "production",
    };
  }

  deploymentStatus(repo: Repo, d: Deployment, s: DeploymentStatus): Json {
    return {
      url: `${this.repoApi(repo)}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      state: s.state,
      creator: this.user(d.creator),
      description: "",
      environment: d.environment,
      environment_url: s.environmentUrl ?? "",
      log_url: "",
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: `${this.repoApi(repo)}/deployments/${d.id}`,
      repository_url: this.repoApi(repo),
    };
  }

  app(app: App): Json {
    return {
      id: app.id,
      slug: app.slug,
      node_id: `A_${app.id}`,
      client_id: `Iv1.local${app.id}`,
      owner: this.user(app.owner),
      name: app.name,
      description: "",
      external_url: this.web,
      html_url: `${this.web}/apps/${app.slug}`,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      permissions: app.permissions,
      events: app.events,
      installations_count: [...this.store.installations.values()].filter((i) => i.app === app).length,
    };
  }

  installation(installation: Installation): Json {
    return {
      id: installation.id,
      account: this.user(installation.account),
      repository_selection: "all",
      access_tokens_url: `${this.api}/app/installations/${installation.id}/access_tokens`,
      repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.web}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
      app_id: installation.app.id,
      app_slug: installation.app.slug,
      target_id: installation.account.databaseId,
      target_type: installation.account.type === "Organization" ? "Organization" : "User",
      permissions: installation.permissions,
      events: installation.app.events,
      created_at: installation.createdAt,
      updated_at: installation.createdAt,
      single_file_name: null,
      suspended_by: null,
      suspended_at: null,
    };
  }
}
