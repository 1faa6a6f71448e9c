// Small helpers shared by the integration tests: a fixed clock, delivering a webhook, telling GraphQL
// documents apart, and recording every request nock answered (or refused) in the order it was sent.
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeEach, vi } from "vitest";
import {
  type CommentEventOptions,
  type IssueAction,
  type IssueEventOptions,
  issueCommentEvent,
  issueEvent,
  OWNER,
  REPO,
} from "./payloads.js";

export const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/42`;
export const CONFIG_PATH = `/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(".github/incident.yml")}`;

/** Network off, `Date` frozen at `now` (timers stay real so nock and Probot run normally). */
export function useFixedClock(now: Date): void {
  beforeEach(() => {
    nock.disableNetConnect();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
    nock.cleanAll();
    nock.emitter.removeAllListeners("no match");
  });
}

let deliveries = 0;

/** Delivers one `issues.<action>` webhook for acme/shop#42 (see `issueEvent` for the options). */
export async function deliver(
  probot: Probot,
  action: IssueAction,
  options: IssueEventOptions = {},
  id = `delivery-${++deliveries}`,
): Promise<void> {
  await probot.receive({ id, name: "issues", payload: issueEvent(action, options) as any });
}

/** Delivers one `issue_comment.<action>` webhook on acme/shop#42 (see `issueCommentEvent`). */
export async function deliverComment(
  probot: Probot,
  options: CommentEventOptions,
  action: "created" | "edited" = "created",
  id = `delivery-${++deliveries}`,
): Promise<void> {
  await probot.receive({ id, name: "issue_comment", payload: issueCommentEvent(action, options) as any });
}

/** A body matcher for one of firebreak's GraphQL documents, by operation name. */
export function graphqlQuery(
  name: "IncidentContext" | "MoreTimeline" | "LatestTimeline" | "History" | "FirebreakWrites",
) {
  const kind = name === "FirebreakWrites" ? "mutation" : "query";
  return (body: any): boolean =>
    typeof body?.query === "string" && new RegExp(`\\b${kind} ${name}\\b`).test(body.query);
}

export interface SentRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  path: string;
  /** Parsed JSON body, or undefined when the request had none. */
  body: any;
  /** When it was sent and when its answer was complete, as positions in one sequence of events. */
  start: number;
  end: number | null;
}

let events = 0;

/** Every request `scope` answered, in the order the app sent them. */
export function recordRequests(scope: nock.Scope): SentRequest[] {
  const sent: SentRequest[] = [];
  const byRequest = new Map<unknown, SentRequest>();
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    const request: SentRequest = {
      method: req.method,
      path: req.path,
      body: body ? JSON.parse(body) : undefined,
      start: ++events,
      end: null,
    };
    byRequest.set(req, request);
    sent.push(request);
  });
  scope.on("replied", (req: unknown) => {
    const request = byRequest.get(req);
    if (request) request.end = ++events;
  });
  return sent;
}

/**
 * Sequential round trips: the longest chain of requests each sent only after the previous one was
 * answered (requests in flight together count once).
 */
export function roundTrips(requests: SentRequest[]): number {
  const chain: number[] = [];
  requests.forEach((request, i) => {
    let before = 0;
    requests.slice(0, i).forEach((earlier, j) => {
      if (earlier.end !== null && earlier.end < request.start) before = Math.max(before, chain[j] ?? 0);
    });
    chain.push(before + 1);
  });
  return Math.max(0, ...chain);
}

/** Every request nock had no interceptor for (with the network off, such a request also fails). */
export function recordUnmatched(): string[] {
  const unmatched: string[] = [];
  nock.emitter.on("no match", (req: { method?: string; path?: string; href?: string }) => {
    unmatched.push(`${req.method ?? "?"} ${req.path ?? req.href ?? "?"}`);
  });
  return unmatched;
}

/** `POST /repos/acme/shop/labels`, … — GraphQL requests named by their operation. */
export function requestLine(request: Pick<SentRequest, "method" | "path" | "body">): string {
  if (request.path === "/graphql") {
    const name = /\b(?:query|mutation) (\w+)/.exec(request.body?.query ?? "")?.[1] ?? "?";
    return `POST /graphql ${name}`;
  }
  return `${request.method} ${request.path}`;
}

const PLUMBING = [
  /^GET \/app$/,
  /^POST \/app\/installations\/\d+\/access_tokens$/,
  /^GET \/repos\/[^/]+\/[^/]+\/contents\//,
];

/** The requests an operation makes beyond identity, token and configuration. */
export function operationRequests(sent: SentRequest[]): SentRequest[] {
  return sent.filter((request) => !PLUMBING.some((pattern) => pattern.test(requestLine(request))));
}

export const LABELS_PATH = `/repos/${OWNER}/${REPO}/labels`;
export const permissionPath = (login: string): string =>
  `/repos/${OWNER}/${REPO}/collaborators/${login}/permission`;

/**
 * What the budgets count: the operation's requests without the one-time creation of missing labels
 * and without a comment's permission check (design.md and issue 3 leave both out).
 */
export function budgetedRequests(sent: SentRequest[]): SentRequest[] {
  return operationRequests(sent).filter(
    (request) =>
      !(request.method === "POST" && request.path === LABELS_PATH) &&
      !(request.method === "GET" && /\/collaborators\/[^/]+\/permission$/.test(request.path)),
  );
}

/** `@name` mentions that would notify someone (not neutralised with a zero-width space). */
export function liveMentions(markdown: string): string[] {
  return [...markdown.matchAll(/(?:^|[^\w`&])@([A-Za-z0-9][\w/-]*)/g)].map((m) => `@${m[1]}`);
}
