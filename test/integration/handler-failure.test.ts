// Issue 7: a webhook handler throwing never takes down the server or other deliveries. firebreak
// runs behind Probot's real HTTP middleware on loopback with another app function beside it; some
// deliveries fail (GitHub refuses firebreak's read with a 422, the other app throws), others are
// sent at the same time, and all of them get an answer. The server keeps serving afterwards.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contextReply, labeledNode } from "../helpers/graphql.js";
import { graphqlQuery, useFixedClock } from "../helpers/harness.js";
import { checkoutCommits } from "../helpers/incident.js";
import { issueEvent, OWNER, REPO } from "../helpers/payloads.js";
import { API, APP_ID, APP_SLUG, INSTALLATION_ID } from "../helpers/probot.js";
import { answerWrites, decodeWrites, isWritesRequest } from "../helpers/writes.js";
import { startWebhookServer, type WebhookServer } from "../hostile/http.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));
beforeEach(() => nock.enableNetConnect("127.0.0.1"));

const SECRET = "handler-failure-secret";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

let server: WebhookServer | null = null;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server?.close();
  server = null;
});

const readOf = (issue: number) => (body: any) =>
  graphqlQuery("IncidentContext")(body) && body.variables.issue === issue;
const isWrites = (body: unknown) => isWritesRequest({ path: "/graphql", body });
const configPaths = (scope: nock.Scope, times: number) =>
  scope
    .get(`/repos/${OWNER}/${REPO}/contents/${encodeURIComponent(".github/incident.yml")}`)
    .times(times)
    .reply(404)
    .get(`/repos/${OWNER}/.github/contents/${encodeURIComponent(".github/incident.yml")}`)
    .times(times)
    .reply(404);

/** An app function beside firebreak whose handler throws for issues labelled `explode`. */
const throwingApp = (app: Probot) => {
  app.on("issues.labeled", async (context) => {
    if (context.payload.label?.name === "explode") throw new Error("injected failure in another handler");
  });
};

const labeled = (number: number, label: string, labels = [label]) =>
  issueEvent("labeled", { number, labels, label });

describe("a handler throwing", () => {
  it("fails only its own delivery: concurrent and later deliveries are answered and carried out", async () => {
    const scope = configPaths(
      nock(API)
        .get("/app")
        .reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" })
        .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
        .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} }),
      3,
    )
      // #42 and #45 are declared as usual; GitHub refuses #43's read with a 422.
      .post("/graphql", readOf(42))
      .reply(
        contextReply({
          timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", readOf(43))
      .reply(422, { message: "Validation Failed" })
      .post("/graphql", readOf(45))
      .reply(
        contextReply({
          timeline: [labeledNode("incident/sev3", "2026-11-22T14:01:58Z")],
          commits: checkoutCommits(),
        }),
      )
      .post("/graphql", isWrites)
      .times(4)
      .reply(answerWrites({ firstCommentId: 5001 }));
    const sent: Array<{ path: string; body: any }> = [];
    scope.on("request", (req: { path: string }, _i: unknown, body: string) => {
      sent.push({ path: req.path, body: body ? JSON.parse(body) : undefined });
    });
    const logs: Array<{ level: number; msg: string; err?: { message?: string } }> = [];
    const probot = new Probot({
      appId: APP_ID,
      privateKey,
      secret: SECRET,
      log: pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) }) as never,
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    });
    server = await startWebhookServer(probot, SECRET, [throwingApp as never]);
    const live = server;

    // Four deliveries at once: a declaration, a read GitHub refuses, another app's handler throwing
    // (on an ordinary issue firebreak ignores), and an event firebreak has nothing to do with.
    const [declared, refused, thrown, ignored] = await Promise.all([
      live.deliver("issues", labeled(42, "incident/sev2")),
      live.deliver("issues", labeled(43, "incident/sev2")),
      live.deliver("issues", labeled(44, "explode")),
      live.deliver("push", { ref: "refs/heads/main", installation: { id: INSTALLATION_ID } }),
    ]);
    // And one after the failures.
    const later = await live.deliver("issues", labeled(45, "incident/sev3"));

    expect([declared.status, refused.status, thrown.status, ignored.status, later.status]).toEqual([
      200, 422, 500, 200, 200,
    ]);
    expect(thrown.body).toBe('{"error":"Error: injected failure in another handler"}');
    // The declarations were carried out whole: status label, then tracker and checklist, for #42 and #45.
    const writes = sent.filter(isWritesRequest).map((request) => decodeWrites(request.body));
    expect(writes.map((ops) => ops.map((op) => op.op))).toEqual([
      ["addLabelsToLabelable"],
      ["addComment", "addComment"],
      ["addLabelsToLabelable"],
      ["addComment", "addComment"],
    ]);
    expect(writes[1]?.[0]?.body).toContain("SEV2 High incident");
    expect(writes[3]?.[0]?.body).toContain("SEV3 Medium incident");
    // Each failure is logged where it happened; nothing escaped as an unhandled rejection.
    const failures = logs.filter((line) => line.level >= 50).map((line) => line.err?.message ?? line.msg);
    expect(failures.some((message) => message.includes("injected failure in another handler"))).toBe(true);
    expect(failures.some((message) => message.includes("Validation Failed"))).toBe(true);
    expect(unhandled).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);

    // Still serving: a bad request gets its answer, not a dead socket.
    const probe = await fetch(live.url, { method: "GET" });
    expect(probe.status).toBe(404);
  });
});
