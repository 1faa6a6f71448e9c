// A small stateful GitHub held in memory and served through nock (no network): enough of the API
// for firebreak's incident declaration, so the demo runs the real app without credentials.
import nock from "nock";

export const API = "https://api.github.com";
export const OWNER = "acme";
export const REPO = "checkout-service";
export const INSTALLATION_ID = 1;
export const APP_SLUG = "firebreak";

export interface Commit {
  sha: string;
  headline: string;
  committedDate: string;
  author: string;
  additions: number;
  deletions: number;
  pr: { number: number; title: string; files: string[] } | null;
}

interface Comment {
  id: number;
  body: string;
  author: string;
  byApp: boolean;
  createdAt: string;
}

type Event =
  | { kind: "labeled" | "unlabeled"; label: string; actor: string; createdAt: string }
  | { kind: "comment"; comment: Comment };

export interface RequestRecord {
  method: string;
  path: string;
  operation: string;
}

export class FakeGitHub {
  readonly repoLabels = new Set<string>();
  readonly issueLabels = new Set<string>();
  readonly events: Event[] = [];
  readonly requests: RequestRecord[] = [];
  private nextId = 5000;

  constructor(
    readonly issue: { number: number; title: string; body: string },
    readonly commits: Commit[],
    readonly deployments: Array<{ environment: string; sha: string; createdAt: string; state: string }>,
  ) {}

  /** A person changes a label by hand: the record GitHub keeps and the webhook payload it sends. */
  humanLabel(kind: "labeled" | "unlabeled", label: string, actor: string): void {
    if (kind === "labeled") this.issueLabels.add(label);
    else this.issueLabels.delete(label);
    this.events.push({ kind, label, actor, createdAt: new Date().toISOString() });
  }

  comments(): Comment[] {
    return this.events.flatMap((e) => (e.kind === "comment" ? [e.comment] : []));
  }

  listen(): void {
    const scope = nock(API).persist();
    const record = (method: string, path: string, operation: string) =>
      this.requests.push({ method, path, operation });
    scope.get("/app").reply(() => {
      record("GET", "/app", "app identity");
      return [200, { id: 1, slug: APP_SLUG }];
    });
    scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(() => {
      record("POST", "/app/installations/…/access_tokens", "installation token");
      return [201, { token: "ghs_demo", expires_at: "2099-01-01T00:00:00Z" }];
    });
    scope.get(/\/repos\/[^/]+\/[^/]+\/contents\/.*/).reply((uri) => {
      record("GET", decodeURIComponent(uri), "config (none)");
      return [404, { message: "Not Found" }];
    });
    scope.post("/graphql").reply((_uri, body) => {
      const { query, variables } = body as { query: string; variables: Record<string, any> };
      const name = /query (\w+)/.exec(query)?.[1] ?? "graphql";
      record("POST", "/graphql", name);
      return [200, { data: this.graphql(name, variables) }];
    });
    scope.post(`/repos/${OWNER}/${REPO}/labels`).reply((_uri, body: any) => {
      record("POST", `/repos/${OWNER}/${REPO}/labels`, `create label ${body.name}`);
      this.repoLabels.add(body.name);
      return [201, body];
    });
    const issuePath = `/repos/${OWNER}/${REPO}/issues/${this.issue.number}`;
    scope.post(`${issuePath}/labels`).reply((_uri, body: any) => {
      record("POST", `${issuePath}/labels`, `add labels ${body.labels.join(", ")}`);
      for (const label of body.labels as string[]) {
        this.issueLabels.add(label);
        this.events.push({ kind: "labeled", label, actor: APP_SLUG, createdAt: new Date().toISOString() });
      }
      return [200, []];
    });
    scope.delete(new RegExp(`^${issuePath}/labels/.+`)).reply((uri) => {
      const label = decodeURIComponent(uri.split("/labels/")[1] ?? "");
      record("DELETE", decodeURIComponent(uri), `remove label ${label}`);
      this.issueLabels.delete(label);
      this.events.push({ kind: "unlabeled", label, actor: APP_SLUG, createdAt: new Date().toISOString() });
      return [200, []];
    });
    scope.post(`${issuePath}/comments`).reply((_uri, body: any) => {
      const comment = {
        id: this.nextId++,
        body: body.body,
        author: APP_SLUG,
        byApp: true,
        createdAt: new Date().toISOString(),
      };
      record("POST", `${issuePath}/comments`, `comment ${comment.id}`);
      this.events.push({ kind: "comment", comment });
      return [
        201,
        {
          id: comment.id,
          html_url: `https://github.com/${OWNER}/${REPO}/issues/${this.issue.number}#issuecomment-${comment.id}`,
        },
      ];
    });
    scope.patch(/\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+/).reply((uri, body: any) => {
      const id = Number(uri.split("/").at(-1));
      record("PATCH", uri, `update comment ${id}`);
      const comment = this.comments().find((c) => c.id === id);
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = body.body;
      return [200, { id }];
    });
  }

  private graphql(name: string, variables: Record<string, any>): unknown {
    const history = () => {
      const since = new Date(variables.since).getTime();
      const until = new Date(variables.until).getTime();
      const nodes = this.commits
        .filter(
          (c) => new Date(c.committedDate).getTime() >= since && new Date(c.committedDate).getTime() <= until,
        )
        .map((c) => this.commitNode(c));
      return { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes };
    };
    if (name === "History") return { repository: { ref: { target: { history: history() } } } };
    if (name !== "IncidentContext") throw new Error(`the demo GitHub does not answer ${name}`);
    const labels = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `l${i}`,
        this.repoLabels.has(variables[`l${i}`]) ? { name: variables[`l${i}`] } : null,
      ]),
    );
    return {
      repository: {
        ...labels,
        issue: {
          labels: { nodes: [...this.issueLabels].map((name) => ({ name })) },
          timelineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: this.timelineNodes() },
        },
        ...(variables.withHistory ? { ref: { target: { history: history() } } } : {}),
        deployments: {
          nodes: this.deployments.map((d) => ({
            environment: d.environment,
            commitOid: d.sha,
            createdAt: d.createdAt,
            latestStatus: { state: d.state, environmentUrl: null },
          })),
        },
        overrides: null,
      },
    };
  }

  private timelineNodes(): unknown[] {
    return this.events.map((e) =>
      e.kind === "comment"
        ? {
            __typename: "IssueComment",
            databaseId: e.comment.id,
            author: { login: e.comment.author },
            viewerDidAuthor: e.comment.byApp,
            createdAt: e.comment.createdAt,
            body: e.comment.body,
          }
        : {
            __typename: e.kind === "labeled" ? "LabeledEvent" : "UnlabeledEvent",
            createdAt: e.createdAt,
            actor: { login: e.actor },
            label: { name: e.label },
          },
    );
  }

  private commitNode(c: Commit): unknown {
    return {
      oid: c.sha,
      messageHeadline: c.headline,
      committedDate: c.committedDate,
      url: `https://github.com/${OWNER}/${REPO}/commit/${c.sha}`,
      additions: c.additions,
      deletions: c.deletions,
      author: { name: c.author, user: { login: c.author } },
      associatedPullRequests: {
        nodes: c.pr
          ? [
              {
                number: c.pr.number,
                title: c.pr.title,
                url: `https://github.com/${OWNER}/${REPO}/pull/${c.pr.number}`,
                mergedAt: c.committedDate,
                baseRefName: "main",
                additions: c.additions,
                deletions: c.deletions,
                author: { login: c.author },
                files: { totalCount: c.pr.files.length, nodes: c.pr.files.map((path) => ({ path })) },
              },
            ]
          : [],
      },
    };
  }
}
