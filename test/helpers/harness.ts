// Small helpers shared by the integration tests: a fixed clock, delivering a webhook, telling GraphQL
// documents apart, and recording every request nock answered (or refused) in the order it was sent.
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeEach, vi } from "vitest";
import { type IssueEventOptions, issueEvent, OWNER, REPO } from "./payloads.js";

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
  action: "opened" | "labeled" | "unlabeled" | "edited",
  options: IssueEventOptions = {},
  id = `delivery-${++deliveries}`,
): Promise<void> {
  await probot.receive({ id, name: "issues", payload: issueEvent(action, options) as any });
}

/** A body matcher for one of firebreak's GraphQL documents, by operation name. */
export function graphqlQuery(name: "IncidentContext" | "MoreTimeline" | "History") {
  return (body: any): boolean => typeof body?.query === "string" && body.query.includes(`query ${name}(`);
}

export interface SentRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  path: string;
  /** Parsed JSON body, or undefined when the request had none. */
  body: any;
}

/** Every request `scope` answered, in the order the app sent them. */
export function recordRequests(scope: nock.Scope): SentRequest[] {
  const sent: SentRequest[] = [];
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    sent.push({ method: req.method, path: req.path, body: body ? JSON.parse(body) : undefined });
  });
  return sent;
}

/** Every request nock had no interceptor for (with the network off, such a request also fails). */
export function recordUnmatched(): string[] {
  const unmatched: string[] = [];
  nock.emitter.on("no match", (req: { method?: string; path?: string; href?: string }) => {
    unmatched.push(`${req.method ?? "?"} ${req.path ?? req.href ?? "?"}`);
  });
  return unmatched;
}

/** `POST /repos/acme/shop/issues/42/comments`, … — GraphQL requests named by their operation. */
export function requestLine(request: SentRequest): string {
  if (request.path === "/graphql") {
    const name = /query (\w+)\(/.exec(request.body?.query ?? "")?.[1] ?? "?";
    return `POST /graphql ${name}`;
  }
  return `${request.method} ${request.path}`;
}

const PLUMBING = [
  /^GET \/app$/,
  /^POST \/app\/installations\/\d+\/access_tokens$/,
  /^GET \/repos\/[^/]+\/[^/]+\/contents\//,
];

/** The requests an operation makes beyond identity, token and configuration (what the budgets count). */
export function operationRequests(sent: SentRequest[]): SentRequest[] {
  return sent.filter((request) => !PLUMBING.some((pattern) => pattern.test(requestLine(request))));
}

/** The bodies of the comments created, in the order they were posted. */
export function postedComments(sent: SentRequest[]): string[] {
  return sent
    .filter((r) => r.method === "POST" && r.path === `${ISSUE_PATH}/comments`)
    .map((r) => r.body.body as string);
}

/** A reply for `POST …/comments` that gives each new comment the next id, starting at `firstId`. */
export function commentIds(firstId: number) {
  let next = firstId;
  return () => {
    const id = next++;
    return [201, { id, html_url: `https://github.com/${OWNER}/${REPO}/issues/42#issuecomment-${id}` }] as [
      number,
      Record<string, unknown>,
    ];
  };
}

/** `@name` mentions that would notify someone (not neutralised with a zero-width space). */
export function liveMentions(markdown: string): string[] {
  return [...markdown.matchAll(/(?:^|[^\w`&])@([A-Za-z0-9][\w/-]*)/g)].map((m) => `@${m[1]}`);
}
