// Issue 7: secrets (the private key, the webhook secret, the installation token, and the
// Authorization headers made from them) never appear in a log line or in anything sent to GitHub.
// A declaration, a command, a refused read, a failing read and a forged delivery go through Probot's
// real HTTP middleware with every log line captured at trace level.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { incidentComment, permissionAnswer, permissionPath } from "../helpers/commands.js";
import { commentNode, contextReply, historyResponse, labeledNode } from "../helpers/graphql.js";
import { CONFIG_PATH, graphqlQuery, useFixedClock } from "../helpers/harness.js";
import { checkoutCommits } from "../helpers/incident.js";
import { issueCommentEvent, issueEvent, OWNER } from "../helpers/payloads.js";
import { API, APP_ID, APP_SLUG, INSTALLATION_ID } from "../helpers/probot.js";
import { answerWrites, isWritesRequest } from "../helpers/writes.js";
import { startWebhookServer, type WebhookServer } from "../hostile/http.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));
beforeEach(() => nock.enableNetConnect("127.0.0.1"));

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const WEBHOOK_SECRET = "whsec-firebreak-7c1e9a4f2b8d6035";
const TOKEN = "ghs_Fx9QrT2mZk7LpW3vNc8YhB4sJd6Ae1GuKo0i";

interface Captured {
  logs: string[];
  /** Every request sent to GitHub: its body as sent, and its Authorization header. */
  requests: Array<{ line: string; body: string; authorization: string | undefined }>;
  /** What the webhook server answered. */
  answers: string[];
}

let server: WebhookServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function orgConfigAbsent(scope: nock.Scope): nock.Scope {
  return scope
    .get(CONFIG_PATH)
    .reply(404)
    .get(`/repos/${OWNER}/.github/contents/${encodeURIComponent(".github/incident.yml")}`)
    .reply(404);
}

/** Every secret, and long pieces of each (a log that cut one in two must still be caught). */
function secretsOf(authorizations: string[]): string[] {
  const pemLines = privateKey.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----"));
  const tokens = authorizations.flatMap((value) => [value, value.replace(/^(bearer|token) /i, "")]);
  // A JWT's signature is its last part; the header and claims are public.
  const signatures = tokens.filter((t) => t.split(".").length === 3).map((t) => t.split(".")[2] as string);
  return [privateKey, ...pemLines, WEBHOOK_SECRET, TOKEN, TOKEN.slice(4, 24), ...tokens, ...signatures];
}

const leaks = (secrets: string[], texts: string[]) =>
  secrets.filter((secret) => texts.some((text) => text.includes(secret)));

async function runEverything(): Promise<Captured> {
  const captured: Captured = { logs: [], requests: [], answers: [] };
  const scope = nock(API)
    .get("/app")
    .reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" })
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: TOKEN, expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  // 1. A declaration.
  orgConfigAbsent(scope)
    .post("/graphql", (body) => graphqlQuery("IncidentContext")(body) && body.variables.issue === 42)
    .reply(
      contextReply({
        timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
        commits: checkoutCommits(),
      }),
    )
    .post("/graphql", isWritesBody)
    .times(2)
    .reply(answerWrites({ firstCommentId: 1001 }));
  // 2. A command on it.
  orgConfigAbsent(scope)
    .get(permissionPath("carol"))
    .reply(() => permissionAnswer("carol", "write"))
    .post("/graphql", (body) => graphqlQuery("IncidentContext")(body) && body.variables.issue === 42)
    .reply(
      contextReply({
        timeline: [
          labeledNode("incident/sev2", "2026-11-22T14:01:58Z"),
          commentNode(2001, "/status identified", "2026-11-22T14:01:59Z", { author: "carol" }),
        ],
      }),
    )
    // No tracker on that timeline: the one it writes ranks the suspects again.
    .post("/graphql", graphqlQuery("History"))
    .reply(200, historyResponse(checkoutCommits()))
    .post("/graphql", isWritesBody)
    .times(2)
    .reply(answerWrites({ firstCommentId: 3001 }));
  // 3. A read GitHub refuses (403), and 4. a read that fails (422), on other incidents.
  orgConfigAbsent(scope)
    .post("/graphql", (body) => graphqlQuery("IncidentContext")(body) && body.variables.issue === 43)
    .reply(403, { message: "Resource not accessible by integration" });
  orgConfigAbsent(scope)
    .post("/graphql", (body) => graphqlQuery("IncidentContext")(body) && body.variables.issue === 44)
    .reply(422, { message: "Validation Failed", errors: [{ message: "bad cursor" }] });
  scope.on(
    "request",
    (req: { method: string; path: string; headers: Record<string, string> }, _i, body: string) => {
      captured.requests.push({
        line: `${req.method} ${req.path}`,
        body: body ?? "",
        authorization: req.headers.authorization,
      });
    },
  );

  const log = pino({ level: "trace" }, { write: (line: string) => captured.logs.push(line) });
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    secret: WEBHOOK_SECRET,
    log: log as never,
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  server = await startWebhookServer(probot, WEBHOOK_SECRET);
  const answer = async (delivery: Promise<{ status: number; body: string }>, expected: number) => {
    const { status, body } = await delivery;
    captured.answers.push(`${status} ${body}`);
    const errors = captured.logs
      .filter((line) => JSON.parse(line).level >= 40)
      .map((line) => line.slice(0, 400));
    expect(status, `${body}\n${errors.join("\n").slice(0, 3000)}`).toBe(expected);
  };

  const labeled = (number: number) =>
    issueEvent("labeled", { number, labels: ["incident/sev2"], label: "incident/sev2" });
  await answer(server.deliver("issues", labeled(42)), 200);
  const command = issueCommentEvent(
    "created",
    incidentComment("/status identified", { labels: ["incident/sev2", "incident/investigating"] }),
  );
  await answer(server.deliver("issue_comment", command), 200);
  await answer(server.deliver("issues", labeled(43)), 200);
  await answer(server.deliver("issues", labeled(44)), 422);
  // A forged delivery: signed with another secret, refused before any handler runs.
  await answer(server.deliver("issues", labeled(45), { secret: "not-the-secret" }), 400);

  expect(scope.pendingMocks()).toEqual([]);
  return captured;
}

function isWritesBody(body: unknown): boolean {
  return isWritesRequest({ path: "/graphql", body });
}

describe("secrets", () => {
  it("never appear in logs, in requests sent to GitHub, or in the webhook server's answers", async () => {
    const captured = await runEverything();

    // The scenario did what it claims: both kinds of credentials were used, errors were logged.
    const authorizations = [
      ...new Set(captured.requests.flatMap((r) => (r.authorization ? [r.authorization] : []))),
    ];
    expect(authorizations).toContain(`token ${TOKEN}`);
    expect(authorizations.some((value) => /^bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(value))).toBe(true);
    const levels = captured.logs.map((line) => JSON.parse(line).level as number);
    expect(levels.filter((level) => level >= 50).length).toBeGreaterThanOrEqual(2);
    expect(levels.filter((level) => level === 40)).toHaveLength(1);
    expect(
      captured.logs.some((line) => line.includes("signature does not match event payload and secret")),
    ).toBe(true);
    expect(captured.requests.filter((r) => r.line === "POST /graphql").length).toBeGreaterThanOrEqual(6);

    const secrets = secretsOf(authorizations);
    // The check can fail: a line holding the token is caught.
    expect(leaks(secrets, [`{"msg":"using ${TOKEN}"}`])).toContain(TOKEN);

    expect(leaks(secrets, captured.logs)).toEqual([]);
    expect(
      leaks(
        secrets,
        captured.requests.map((r) => r.body),
      ),
    ).toEqual([]);
    expect(leaks(secrets, captured.answers)).toEqual([]);
  });
});
