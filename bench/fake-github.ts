// A fake api.github.com for the benchmark, served by nock: it answers every request firebreak makes
// after a fixed latency and records each one (what, when it started, when it was answered).
import nock from "nock";
import { ALL_LABELS, commitNode, labelsAfter } from "../test/helpers/graphql.js";
import { API, APP_ID, APP_SLUG } from "../test/helpers/probot.js";

type Json = Record<string, any>;

/** What a request is, for the budget: design.md leaves the first four out of every budget. */
export type RequestKind = "token" | "config" | "identity" | "label-create" | "budgeted";

export interface RecordedRequest {
  method: string;
  path: string;
  /** GraphQL operation name, for POST /graphql. */
  operation: string | null;
  kind: RequestKind;
  start: number;
  end: number;
  status: number;
}

export interface FakeRepo {
  owner: string;
  repo: string;
  /** Merged pull requests on the default branch in the suspect window (one merge commit each). */
  mergedPrs: number;
  /** The repository's labels; firebreak's others are missing. */
  existingLabels: string[];
  /** `.github/incident.yml`, or null for none (the org's `.github` repository has none either). */
  configYaml: string | null;
  /** The issue's timeline as the IncidentContext query returns it. */
  timeline: Json[];
  /** Commits are spread over the 40 hours before this. */
  now: Date;
}

export interface FakeGitHub {
  requests: RecordedRequest[];
  /** Bodies of the comments posted, in order. */
  comments: string[];
  /** Requests nock could not match (there should be none). */
  unmatched: string[];
  /** Called whenever a request starts or ends, e.g. to sample memory. */
  onActivity: (() => void) | null;
  stop(): void;
}

const SPREAD_MS = 40 * 3_600_000;

export function fakeGitHub(repo: FakeRepo, latencyMs: number): FakeGitHub {
  const state: FakeGitHub = {
    requests: [],
    comments: [],
    unmatched: [],
    onActivity: null,
    stop: () => {
      nock.cleanAll();
      nock.emitter.removeListener("no match", noMatch);
    },
  };
  const noMatch = (req: { method?: string; path?: string }) => {
    state.unmatched.push(`${req.method} ${req.path}`);
  };
  nock.emitter.on("no match", noMatch);

  const commitTimes = Array.from(
    { length: repo.mergedPrs },
    (_, i) => repo.now.getTime() - ((i + 1) * SPREAD_MS) / (repo.mergedPrs + 1),
  );
  let nextCommentId = 1001;

  function historyPage(variables: Json): Json {
    const since = Date.parse(variables.since);
    const until = Date.parse(variables.until);
    const inWindow = commitTimes.flatMap((t, i) => (t >= since && t <= until ? [i] : []));
    const offset = variables.after ? Number(String(variables.after).slice(1)) : 0;
    const slice = inWindow.slice(offset, offset + Number(variables.commits));
    const end = offset + slice.length;
    return {
      totalCount: inWindow.length,
      pageInfo: { hasNextPage: end < inWindow.length, endCursor: slice.length > 0 ? `c${end}` : null },
      nodes: slice.map((i) => mergeCommit(i, commitTimes[i] as number)),
    };
  }

  function graphql(body: Json): [number, Json] {
    const operation = operationOf(body.query);
    const variables = body.variables ?? {};
    switch (operation) {
      case "IncidentContext": {
        const labels = Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => {
            const name = variables[`l${i}`];
            return [`l${i}`, repo.existingLabels.includes(name) ? { name } : null];
          }),
        );
        return [
          200,
          {
            data: {
              repository: {
                ...labels,
                issue: {
                  labels: { nodes: labelsAfter(repo.timeline).map((name) => ({ name })) },
                  timelineItems: {
                    pageInfo: { hasNextPage: false, endCursor: null },
                    nodes: repo.timeline,
                  },
                },
                ...(variables.withHistory ? { ref: { target: { history: historyPage(variables) } } } : {}),
                deployments: { nodes: deployments(repo.now) },
                overrides: null,
              },
            },
          },
        ];
      }
      case "History":
        return [200, { data: { repository: { ref: { target: { history: historyPage(variables) } } } } }];
      default:
        return [400, { message: `the fake GitHub does not answer ${operation}` }];
    }
  }

  function route(method: string, path: string, body: Json): [number, Json | string, Record<string, string>?] {
    const { owner, repo: name } = repo;
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return [201, { token: "ghs_bench", expires_at: "2099-01-01T00:00:00Z", permissions: {} }];
    if (method === "GET" && path === "/app") return [200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" }];
    if (method === "GET" && path.startsWith(`/repos/${owner}/${name}/contents/`))
      return repo.configYaml === null
        ? [404, { message: "Not Found" }]
        : [200, repo.configYaml, { "content-type": "application/vnd.github.v3.raw; charset=utf-8" }];
    if (method === "GET" && path.startsWith(`/repos/${owner}/.github/contents/`))
      return [404, { message: "Not Found" }];
    if (method === "POST" && path === "/graphql") return graphql(body);
    if (method === "POST" && path === `/repos/${owner}/${name}/labels`) return [201, { name: body.name }];
    const issue = `/repos/${owner}/${name}/issues/`;
    if (method === "POST" && /\/issues\/\d+\/labels$/.test(path) && path.startsWith(issue))
      return [200, (body.labels ?? []).map((l: string) => ({ name: l }))];
    if (method === "DELETE" && /\/issues\/\d+\/labels\/[^/]+$/.test(path)) return [200, []];
    if (method === "POST" && /\/issues\/\d+\/assignees$/.test(path)) return [201, {}];
    if (method === "POST" && /\/issues\/\d+\/comments$/.test(path)) {
      state.comments.push(String(body.body));
      const id = nextCommentId++;
      const issueUrl = `https://github.com/${owner}/${name}${path.slice(issue.length - 8).replace(/\/comments$/, "")}`;
      return [201, { id, html_url: `${issueUrl}#issuecomment-${id}`, body: body.body }];
    }
    if (method === "PATCH" && /\/issues\/comments\/\d+$/.test(path)) return [200, { body: body.body }];
    return [404, { message: `the fake GitHub does not answer ${method} ${path}` }];
  }

  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    nock(API)
      .persist()
      .intercept(() => true, method)
      .reply(async (uri, requestBody) => {
        const start = performance.now();
        state.onActivity?.();
        const path = uri.split("?")[0] as string;
        const body = parseBody(requestBody);
        const [status, reply, headers] = route(method, path, body);
        await sleep(latencyMs);
        const end = performance.now();
        state.requests.push({
          method,
          path,
          operation: path === "/graphql" ? operationOf(body.query) : null,
          kind: kindOf(method, path),
          start,
          end,
          status,
        });
        state.onActivity?.();
        return headers ? [status, reply, headers] : [status, reply];
      });
  }
  return state;
}

function kindOf(method: string, path: string): RequestKind {
  if (/^\/app\/installations\/\d+\/access_tokens$/.test(path)) return "token";
  if (method === "GET" && path === "/app") return "identity";
  if (method === "GET" && /^\/repos\/[^/]+\/[^/]+\/contents\//.test(path)) return "config";
  if (method === "POST" && /^\/repos\/[^/]+\/[^/]+\/labels$/.test(path)) return "label-create";
  return "budgeted";
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

export function operationOf(query: unknown): string | null {
  return typeof query === "string" ? (/\bquery\s+(\w+)/.exec(query)?.[1] ?? null) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const AREAS = ["checkout", "payments", "search", "catalog", "accounts", "shipping", "emails", "admin"];

/** The merge commit of PR #(1000 + i), newest first, with the PR's changed files. */
function mergeCommit(i: number, landedAt: number): Json {
  const number = 1000 + i;
  const area = AREAS[i % AREAS.length] as string;
  const at = new Date(landedAt).toISOString();
  return commitNode({
    sha: (0x1000000 + i).toString(16).padEnd(40, "0"),
    headline: `Merge pull request #${number} from acme/${area}-${i}`,
    committedDate: at,
    author: `dev${i % 17}`,
    additions: 5 + ((i * 37) % 400),
    deletions: (i * 13) % 90,
    pr: {
      number,
      title: `Improve ${area} handling, part ${i}`,
      mergedAt: at,
      files: [`src/${area}/index.ts`, `src/${area}/part${i % 11}.ts`, `test/${area}/part${i % 11}.test.ts`],
    },
  });
}

function deployments(now: Date): Json[] {
  return [
    { environment: "production", hoursAgo: 3 },
    { environment: "staging", hoursAgo: 5 },
    { environment: "production", hoursAgo: 27 },
  ].map((d, i) => ({
    environment: d.environment,
    commitOid: (0x1000000 + i * 7).toString(16).padEnd(40, "0"),
    createdAt: new Date(now.getTime() - d.hoursAgo * 3_600_000).toISOString(),
    latestStatus: { state: "SUCCESS", environmentUrl: null },
  }));
}

export { ALL_LABELS };
