// GitHub for acme/shop#42 as the fault tests need it: it keeps the issue's records (labels as a set,
// comments, reactions) so that an operation run again reads what the first attempt left, and it
// answers each route from a script of faults: a 5xx, a secondary rate limit, a 429, a primary rate
// limit or an answer that never comes, each either carried out before the failure ("landed") or not.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot } from "probot";
import { APP_REQUEST_POLICY, type RequestPolicy } from "../../src/github/client.js";
import { writesMutation } from "../../src/github/mutations.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";
import {
  commentNode,
  contextResponse,
  labeledNode,
  labelNameOf,
  labelsAfter,
  unlabeledNode,
} from "../helpers/graphql.js";
import { permissionPath, recordRequests, requestLine, type SentRequest } from "../helpers/harness.js";
import { OWNER, REPO } from "../helpers/payloads.js";
import { API, APP_ID, APP_SLUG, INSTALLATION_ID } from "../helpers/probot.js";
import { answerWrites, decodeWrites, type WriteOp } from "../helpers/writes.js";

type Json = Record<string, any>;

/** What one request meets. `landed`: GitHub carried it out before failing (the default for a 5xx). */
export type Fault =
  | "ok"
  | { status: 500 | 502 | 503 | 504; landed?: boolean }
  | { secondary: 403 | 429; retryAfter?: number }
  | { status: 429; retryAfter: number }
  | { primary: true; resetInSeconds: number }
  | { timeout: true; landed?: boolean };

/** The routes an operation uses, as the fault script names them. */
export type Route = "read" | "state" | "output" | "permission" | "notice" | "token" | "config";

/**
 * The timeout per attempt in these tests, and when an answer that "never comes" does come. Generous,
 * so that a busy machine never times out an answer the script means to give.
 */
export const TIMEOUT_MS = 500;
const NEVER_MS = 3 * TIMEOUT_MS;

/**
 * The app as `npm start` runs it (firebreakOctokit: the request policy on, @octokit/plugin-retry
 * off) with a short timeout and the waits recorded instead of slept. Throttling is off, as in the
 * other tests: its pacing is not what these tests are about (test/scale runs it, with Redis).
 */
export function faultProbot(): { probot: Probot; waits: number[] } {
  const waits: number[] = [];
  const policy: RequestPolicy = {
    ...APP_REQUEST_POLICY,
    timeoutMs: TIMEOUT_MS,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    logLevel: "fatal",
    Octokit: firebreakOctokit(policy).defaults((o: Json) => ({ ...o, throttle: { enabled: false } })),
  });
  probot.load(firebreak);
  return { probot, waits };
}

// Decoding a mutation builds GitHub's schema once per file: done now, not inside an answer's deadline.
decodeWrites(
  writesMutation("I_1", [{ kind: "addReaction", subjectId: "IC_1", content: "THUMBS_UP" }]),
  "I_1",
);

export const { privateKey: PRIVATE_KEY } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export interface FaultyIssue {
  /** The issue's timeline as GitHub holds it now. */
  timeline: Json[];
  /** Every request answered, in order. */
  sent: SentRequest[];
  scope: nock.Scope;
  /** Labels on the issue now. */
  labels(): string[];
  /** Comments firebreak holds on the issue now (bodies), in order. */
  appComments(): string[];
  /** Reactions firebreak holds on comment `id`. */
  reactions(id: number): string[];
  /** `requestLine` of each request, FirebreakWrites split into "state" and "output". */
  lines(): string[];
}

/**
 * A stand-in for acme/shop#42 (every label exists, no config file) whose routes fail as `faults`
 * says, one entry per request, then answer normally. Requests the script does not expect fail the
 * test through `lines()`.
 */
export function faultyIssue(o: {
  timeline: Json[];
  commits?: Json[];
  faults?: Partial<Record<Route, Fault[]>>;
  /** Roles of the people who comment. */
  roles?: Record<string, string>;
  firstCommentId?: number;
}): FaultyIssue {
  const timeline = structuredClone(o.timeline);
  const faults = Object.fromEntries(
    Object.entries(o.faults ?? {}).map(([route, list]) => [route, [...(list ?? [])]]),
  ) as Partial<Record<Route, Fault[]>>;
  const next = (route: Route): Fault => faults[route]?.shift() ?? "ok";
  const now = () => new Date().toISOString();
  const labels = () => labelsAfter(timeline);
  let commentIds = o.firstCommentId ?? 3001;

  const apply = (ops: Array<WriteOp & { createdId?: number }>) => {
    for (const op of ops) {
      switch (op.op) {
        case "addLabelsToLabelable":
          // GitHub records a label event only when the label was not there: adding it twice is a no-op.
          for (const id of op.labelIds as string[])
            if (!labels().includes(labelNameOf(id)))
              timeline.push(labeledNode(labelNameOf(id), now(), APP_SLUG));
          break;
        case "removeLabelsFromLabelable":
          for (const id of op.labelIds as string[])
            if (labels().includes(labelNameOf(id)))
              timeline.push(unlabeledNode(labelNameOf(id), now(), APP_SLUG));
          break;
        case "updateIssueComment":
          commentById(op.id as string).body = op.body;
          break;
        case "addComment":
          timeline.push(commentNode(op.createdId as number, op.body as string, now(), { byApp: true }));
          break;
        case "addReaction":
          for (const group of commentById(op.subjectId as string).reactionGroups)
            if (group.content === op.content) group.viewerHasReacted = true;
          break;
        default:
          throw new Error(`the fake does not apply ${op.op}`);
      }
    }
  };
  const commentById = (nodeId: string) => {
    const comment = timeline.find((n) => n.__typename === "IssueComment" && n.id === nodeId);
    if (!comment) throw new Error(`no comment ${nodeId}`);
    return comment;
  };
  const writes = answerWrites({
    firstCommentId: commentIds,
    onWrites: (applied) => {
      commentIds += applied.filter((op) => op.op === "addComment").length;
      apply(applied);
    },
  });

  /** Answers one request: the fault, then (if it lands or succeeds) `carryOut`. */
  const answer = (
    route: Route,
    carryOut: () => [number, Json],
    // nock's reply callback (its own types are stricter than the answers built here).
    cb: (e: null, r: any) => void,
  ) => {
    const fault = next(route);
    if (fault === "ok") return cb(null, carryOut());
    if ("timeout" in fault) {
      const result = fault.landed === false ? null : carryOut();
      setTimeout(() => cb(null, result ?? [200, {}]), NEVER_MS);
      return;
    }
    if ("secondary" in fault) {
      return cb(null, [
        fault.secondary,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        },
        fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) },
      ]);
    }
    if ("primary" in fault) {
      const reset = Math.floor(Date.now() / 1000) + fault.resetInSeconds;
      return cb(null, [
        403,
        { message: "API rate limit exceeded for installation ID 777." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      ]);
    }
    if ("retryAfter" in fault) {
      return cb(null, [429, { message: "Too many requests" }, { "retry-after": String(fault.retryAfter) }]);
    }
    if (fault.landed !== false) carryOut();
    return cb(null, [fault.status, "<html><body>Unicorn!</body></html>", { "content-type": "text/html" }]);
  };

  const scope = nock(API)
    .get("/app")
    .reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" })
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .times(3)
    .optionally()
    .reply((_uri, _body, cb) =>
      answer(
        "token",
        () => [201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} }],
        cb,
      ),
    );
  // No config file, in the repository or the organisation's; each run of the operation asks.
  scope
    .get(`/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(".github/incident.yml")}`)
    .times(10)
    .optionally()
    .reply((_uri, _body, cb) => answer("config", () => [404, { message: "Not Found" }], cb))
    .get(`/repos/${OWNER}/.github/contents/${encodeURIComponent(".github/incident.yml")}`)
    .times(10)
    .optionally()
    .reply(404, { message: "Not Found" });
  for (const [login, role] of Object.entries(o.roles ?? {})) {
    scope
      .get(permissionPath(login))
      .optionally()
      .times(20)
      .reply((_uri, _body, cb) =>
        answer("permission", () => [200, { permission: role, role_name: role, user: { login } }], cb),
      );
  }
  scope
    .post("/graphql")
    .optionally()
    .times(50)
    .reply((uri, body: any, cb) => {
      if (/\bquery IncidentContext\b/.test(body?.query ?? "")) {
        const variables = body.variables ?? {};
        return answer(
          "read",
          () => [
            200,
            contextResponse({
              timeline: structuredClone(timeline),
              commits: variables.withHistory ? (o.commits ?? []) : null,
              variables,
            }),
          ],
          cb,
        );
      }
      if (/\bmutation FirebreakWrites\b/.test(body?.query ?? "")) {
        return answer(routeOf(body), () => writes(uri, body), cb);
      }
      cb(null, [400, { message: `the fault fake does not answer ${body?.query?.slice(0, 60)}` }]);
    })
    .post(`/repos/${OWNER}/${REPO}/issues/42/comments`)
    .optionally()
    .times(5)
    .reply((_uri, body: any, cb) =>
      answer(
        "notice",
        () => {
          const id = commentIds++;
          timeline.push(commentNode(id, body.body, now(), { byApp: true }));
          return [201, { id, node_id: `IC_${id}`, body: body.body }];
        },
        cb,
      ),
    );
  const sent = recordRequests(scope);

  return {
    timeline,
    sent,
    scope,
    labels,
    appComments: () =>
      timeline
        .filter((n) => n.__typename === "IssueComment" && n.viewerDidAuthor)
        .map((n) => n.body as string),
    reactions: (id) =>
      (timeline.find((n) => n.__typename === "IssueComment" && n.databaseId === id)?.reactionGroups ?? [])
        .filter((g: Json) => g.viewerHasReacted)
        .map((g: Json) => g.content as string),
    lines: () =>
      sent.map((request) =>
        request.path === "/graphql" && /\bmutation FirebreakWrites\b/.test(request.body?.query ?? "")
          ? `FirebreakWrites ${routeOf(request.body)}`
          : requestLine(request),
      ),
  };
}

/** A FirebreakWrites of labels and assignees only is the state change; any other is the output. */
function routeOf(body: { query: string; variables?: Json }): "state" | "output" {
  const ops = decodeWrites(body);
  return ops.every((op) => /Labels|Assignees/.test(op.op)) ? "state" : "output";
}

export { API };
