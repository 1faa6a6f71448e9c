import type { Octokit } from "@octokit/core";

/** What firebreak needs of an Octokit: Probot's and @actions/github's both fit. */
export type GitHubClient = Pick<Octokit, "request" | "graphql">;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  issueNumber: number;
}

// ---------------------------------------------------------------------------------------------
// Faults: one policy for every request firebreak sends, as an Octokit plugin (the app's Probot
// Octokit and the Action's @actions/github Octokit both load it). It replaces @octokit/plugin-retry
// (which repeats any request after a 5xx, creating a comment twice when the first attempt landed)
// and the retry callbacks of @octokit/plugin-throttling (Probot's never retries a secondary limit);
// the throttling plugin still paces requests, cluster-wide with Redis.

export interface RequestPolicy {
  /** Per attempt, answer and body included; GitHub itself gives up on a GraphQL query after 10 s. */
  timeoutMs: number;
  /** Further attempts after a 5xx, a network error or a timeout: only for requests safe to repeat. */
  retries: number;
  /** The n-th such retry waits n² times this. */
  backoffMs: number;
  /** Further attempts after a rate limit. GitHub refused the request, so any request may be repeated. */
  rateLimitRetries: number;
  /** The longest wait a rate limit may ask for and still be waited out; beyond it the request fails. */
  maxRateLimitWaitMs: number;
  /** How to wait (tests record the waits instead). */
  sleep: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The app's policy. A webhook is answered by Probot within 9 s whatever the handler does, but the
 * people waiting for a tracker want it within seconds, not minutes: a secondary limit asking for
 * more than 15 s (GitHub's usual is 60 s) ends the operation and the humans are told.
 */
export const APP_REQUEST_POLICY: RequestPolicy = {
  timeoutMs: 10_000,
  retries: 1,
  backoffMs: 1_000,
  rateLimitRetries: 2,
  maxRateLimitWaitMs: 15_000,
  sleep,
};

/** The Action's: nobody waits on a webhook, so it waits out a minute-long secondary limit. */
export const ACTION_REQUEST_POLICY: RequestPolicy = {
  timeoutMs: 30_000,
  retries: 2,
  backoffMs: 1_000,
  rateLimitRetries: 2,
  maxRateLimitWaitMs: 90_000,
  sleep,
};

/** GraphQL mutations that leave the same result when made twice (adding a label that is there is a no-op). */
const REPEATABLE_MUTATIONS = new Set([
  "addLabelsToLabelable",
  "removeLabelsFromLabelable",
  "addAssigneesToAssignable",
  "removeAssigneesFromAssignable",
  "updateIssueComment",
  "addReaction",
  "addProjectV2ItemById",
  "updateProjectV2ItemFieldValue",
]);

interface RequestOptions {
  method: string;
  url: string;
  query?: unknown;
  request?: { retries?: number; fetch?: typeof fetch; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * May this request be sent again after a 5xx or a timeout, when the first attempt may have landed?
 * Reads, PUT, PATCH and DELETE (they set a state), GraphQL queries and mutations made only of the
 * fields above. Not a POST that creates something (a comment, a commit, a pull request): the
 * operation above it reads GitHub again instead (src/handlers/recovery.ts).
 */
export function isRepeatable(options: Pick<RequestOptions, "method" | "url" | "query">): boolean {
  const method = options.method.toUpperCase();
  if (method !== "POST") return true;
  if (!/\/graphql$/.test(options.url) || typeof options.query !== "string") return false;
  const document = options.query.trim();
  if (!/^mutation\b/.test(document)) return /^(query\b|\{)/.test(document);
  const fields = topLevelFields(document);
  return fields !== null && fields.length > 0 && fields.every((field) => REPEATABLE_MUTATIONS.has(field));
}

/** The fields of an operation's selection set (aliases dropped); null when the document does not parse. */
function topLevelFields(document: string): string[] | null {
  const open = document.indexOf("{");
  if (open < 0 || !document.trimEnd().endsWith("}")) return null;
  let body = document.slice(open + 1, document.trimEnd().length - 1);
  // Strip arguments and nested selections until only the top level's names remain.
  for (let previous = ""; previous !== body; ) {
    previous = body;
    body = body.replace(/\([^()]*\)/g, " ").replace(/\{[^{}]*\}/g, " ");
  }
  if (/[(){}]/.test(body)) return null;
  return [...body.matchAll(/(?:\w+\s*:\s*)?(\w+)/g)].map((m) => m[1] as string);
}

interface ErrorLike {
  status?: number;
  message?: string;
  name?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
  /** A GraphqlResponseError's (its `response` is the body). */
  headers?: Record<string, string | undefined>;
  errors?: Array<{ type?: string }>;
}

/** A RequestError (and the throttling plugin's GraphQL limit error) has them in `response`, a GraphqlResponseError in `headers`. */
function headersOf(e: ErrorLike): Record<string, string | undefined> {
  return e.response?.headers ?? e.headers ?? {};
}

/**
 * How long a rate limit asks firebreak to wait, in ms; null when the error is not a rate limit.
 * GitHub's rules: `retry-after` when present; else, with `x-ratelimit-remaining: 0`, until
 * `x-ratelimit-reset`; else a secondary limit means at least a minute.
 */
export function rateLimitWait(error: unknown, now = Date.now()): number | null {
  const e = (error ?? {}) as ErrorLike;
  const headers = headersOf(e);
  // GraphQL's own limit is a 200 whose errors say RATE_LIMITED.
  const graphqlErrors =
    e.errors ?? (e.response?.data as { errors?: Array<{ type?: string }> } | null)?.errors;
  const graphqlLimited =
    Array.isArray(graphqlErrors) && graphqlErrors.some((x) => x?.type === "RATE_LIMITED");
  if (e.status !== 403 && e.status !== 429 && !graphqlLimited) return null;
  const retryAfter = Number(headers["retry-after"]);
  if (headers["retry-after"] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return retryAfter * 1_000;
  }
  if (headers["x-ratelimit-remaining"] === "0" || graphqlLimited) {
    const reset = Number(headers["x-ratelimit-reset"]) * 1_000;
    // One second past the reset, as GitHub advises.
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - now) + 1_000 : 60_000;
  }
  if (e.status === 429 || /secondary rate limit/i.test(e.message ?? "")) return 60_000;
  return null;
}

/** A failure that may pass: GitHub's 5xx, a timeout, a dropped connection, or a rate limit. */
export function isTransient(error: unknown): boolean {
  if (rateLimitWait(error) !== null) return true;
  const e = error as ErrorLike | null;
  if (typeof e?.status !== "number" || e.status < 500) return false;
  // @octokit/request reports a failed fetch as a 500 without a response: only a timeout or a
  // connection that failed may pass (not, say, a host name that does not resolve).
  return e.response !== undefined || isNetworkFailure(error);
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

function isNetworkFailure(error: unknown): boolean {
  let cause = error as { name?: string; code?: string; cause?: unknown } | undefined;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause.name === "TimeoutError" || (cause.code && NETWORK_CODES.has(cause.code))) return true;
    cause = cause.cause as typeof cause;
  }
  return false;
}

const STATUS_TEXT: Record<number, string> = {
  500: "500 Internal Server Error",
  502: "502 Bad Gateway",
  503: "503 Service Unavailable",
  504: "504 Gateway Timeout",
};

/** A transient failure in a few words for people (GitHub's 5xx bodies are HTML pages). */
export function describeFailure(error: unknown, now = Date.now()): string {
  const e = (error ?? {}) as ErrorLike;
  const wait = rateLimitWait(error, now);
  if (wait !== null) {
    const seconds = Math.ceil(wait / 1_000);
    return headersOf(e)["x-ratelimit-remaining"] === "0"
      ? `this installation's GitHub API requests are used up for the next ${seconds} s`
      : `GitHub's secondary rate limit asked firebreak to wait ${seconds} s`;
  }
  if (e.status === 500 && !e.response) {
    const timedOut = (error as { cause?: { name?: string } }).cause?.name === "TimeoutError";
    return timedOut || /timeout|timed out/i.test(e.message ?? "")
      ? "GitHub did not answer in time"
      : "firebreak could not reach GitHub";
  }
  if (typeof e.status === "number") return `GitHub answered ${STATUS_TEXT[e.status] ?? e.status}`;
  return "GitHub failed";
}

const TIMED = Symbol("firebreak.timed");

/**
 * `fetch` with a deadline per call (each attempt gets its own), covering the body too: Octokit
 * reads a body cut off by an abort as empty, so it is read here, under the deadline.
 */
export function timedFetch(inner: typeof fetch | undefined, timeoutMs: number): typeof fetch {
  if (inner && (inner as { [TIMED]?: boolean })[TIMED]) return inner;
  const timed = async (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const response = await (inner ?? globalThis.fetch)(input, { ...init, signal });
    const empty = [101, 204, 205, 304].includes(response.status);
    const body = empty ? null : await response.arrayBuffer();
    const copy = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, "url", { value: response.url });
    return copy;
  };
  return Object.assign(timed, { [TIMED]: true }) as typeof fetch;
}

/**
 * The Octokit plugin. Every attempt has a deadline; a 5xx, a network error or a timeout is retried
 * only where repeating is safe (`isRepeatable`, or the caller's own `request: { retries }`); a rate
 * limit is waited out, within the policy's cap, whatever the request. GitHub's 200 answer "Something
 * went wrong while executing your query" counts as a 5xx.
 */
export function requestPolicy(policy: RequestPolicy) {
  const plugin = (octokit: Pick<Octokit, "hook" | "log">) => {
    octokit.hook.wrap("request", async (request, raw) => {
      const options = raw as unknown as RequestOptions;
      // A shared object (the Octokit's defaults): replaced, never changed in place.
      options.request = { ...options.request, fetch: timedFetch(options.request?.fetch, policy.timeoutMs) };
      const retries = options.request.retries ?? (isRepeatable(options) ? policy.retries : 0);
      let failures = 0;
      let limited = 0;
      for (;;) {
        let error: unknown;
        let answer: Awaited<ReturnType<typeof request>> | null = null;
        try {
          answer = await request(raw);
          const errors = (answer.data as { errors?: Array<{ message?: string; type?: string }> } | null)
            ?.errors;
          if (errors?.some((e) => /Something went wrong while executing your query/.test(e.message ?? ""))) {
            // Thrown as what it is, a server error, so that the operation above knows it may pass.
            error = Object.assign(new Error(errors[0]?.message), { status: 502, response: answer });
            answer = null;
          } else if (errors?.some((e) => e.type === "RATE_LIMITED")) {
            error = { name: "GraphqlResponseError", errors, headers: answer.headers };
          } else {
            return answer;
          }
        } catch (caught) {
          error = caught;
        }
        const limit = rateLimitWait(error);
        let wait: number | null = null;
        if (limit !== null) {
          if (limited < policy.rateLimitRetries && limit <= policy.maxRateLimitWaitMs) wait = limit;
          limited++;
        } else if (isTransient(error)) {
          failures++;
          if (failures <= retries) wait = failures * failures * policy.backoffMs;
        }
        if (wait === null) {
          // GraphQL's own rate limit is left for @octokit/graphql to report, as it would.
          if (answer) return answer;
          throw error;
        }
        octokit.log.warn(
          `${options.method} ${options.url}: ${describeFailure(error)}; retrying in ${Math.round(wait)} ms`,
        );
        await policy.sleep(wait);
      }
    });
    return {};
  };
  return plugin;
}

/**
 * Octokit options that hand retries to `requestPolicy`: @octokit/plugin-retry off, and the
 * throttling plugin (kept: it paces writes, across replicas with Redis) never retrying itself.
 * Every other option (Probot's Redis connection, a test's) is kept.
 */
export function policyOptions(
  options: {
    retry?: object;
    throttle?: { id?: string };
    request?: { fetch?: typeof fetch };
    auth?: unknown;
  },
  policy: RequestPolicy,
): Record<string, unknown> {
  // Probot builds a webhook's Octokit without the throttling id it gives `app.auth(id)`'s, so every
  // installation would share one queue ("no-id"): one write a second for the whole app. Keyed here.
  const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
  const id = options.throttle?.id ?? (installationId ? String(installationId) : undefined);
  return {
    ...options,
    retry: { ...options.retry, enabled: false },
    throttle: {
      ...options.throttle,
      ...(id ? { id } : {}),
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
    // The installation token is fetched with the Octokit's own fetch: give it the deadline too.
    request: { ...options.request, fetch: timedFetch(options.request?.fetch, policy.timeoutMs) },
  };
}
