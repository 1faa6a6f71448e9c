// The request policy (src/github/client.ts) request by request: which requests are sent again after
// which failures, how long it waits, and that the app's Octokit (Probot's, throttling on) and the
// Action's (@actions/github) both run it, each failure retried by it alone.
import * as actionsGithub from "@actions/github";
import nock from "nock";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ACTION_REQUEST_POLICY,
  APP_REQUEST_POLICY,
  describeFailure,
  isRepeatable,
  isTransient,
  type RequestPolicy,
  rateLimitWait,
  requestPolicy,
} from "../../src/github/client.js";
import { writesMutation } from "../../src/github/mutations.js";
import { firebreakOctokit } from "../../src/index.js";
import { recordRequests, requestLine } from "../helpers/harness.js";
import { API, APP_ID, INSTALLATION_ID } from "../helpers/probot.js";
import { PRIVATE_KEY } from "./github.js";

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

const ISSUE = "/repos/acme/shop/issues/42";

function recorded(policy: Partial<RequestPolicy> = {}) {
  const waits: number[] = [];
  return {
    waits,
    policy: {
      ...APP_REQUEST_POLICY,
      timeoutMs: 300,
      ...policy,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    },
  };
}

/** An installation's Octokit exactly as Probot builds it for a webhook (throttling on, no Redis). */
async function appOctokit(policy: RequestPolicy) {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    logLevel: "fatal",
    Octokit: firebreakOctokit(policy),
  });
  return probot.auth(INSTALLATION_ID);
}

function withToken(scope = nock(API)) {
  return scope
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
}

const SECONDARY = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
};

describe("which requests may be sent again after a 5xx or a timeout", () => {
  const writes = (kinds: Parameters<typeof writesMutation>[1]) => writesMutation("I_1", kinds).query;
  it.each([
    ["GET", "/repos/{owner}/{repo}/issues/{issue_number}", undefined, true],
    ["PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", undefined, true],
    ["PATCH", "/repos/{owner}/{repo}/git/refs/{ref}", undefined, true],
    ["DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", undefined, true],
    ["POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", undefined, false],
    ["POST", "/repos/{owner}/{repo}/git/commits", undefined, false],
    ["POST", "/graphql", "query IncidentContext($owner: String!) { repository { id } }", true],
    ["POST", "/graphql", "{ viewer { login } }", true],
    [
      "POST",
      "/graphql",
      writes([
        { kind: "addLabels", labelIds: ["LA_1"] },
        { kind: "removeLabels", labelIds: ["LA_2"] },
        { kind: "addAssignees", userIds: ["U_1"] },
      ]),
      true,
    ],
    [
      "POST",
      "/graphql",
      writes([
        { kind: "updateComment", commentId: "IC_1", body: "tracker { with braces } (and parens)" },
        { kind: "addReaction", subjectId: "IC_2", content: "THUMBS_UP" },
      ]),
      true,
    ],
    [
      "POST",
      "/graphql",
      writes([
        { kind: "updateComment", commentId: "IC_1", body: "tracker" },
        { kind: "addComment", body: "checklist" },
      ]),
      false,
    ],
    [
      "POST",
      "/graphql",
      'mutation { createIssue(input: { repositoryId: "R", title: "x" }) { issue { id } } }',
      false,
    ],
    ["POST", "/graphql", "mutation Broken { addReaction(input: $w0) {", false],
  ])("%s %s %s: %s", (method, url, query, expected) => {
    expect(isRepeatable({ method, url, query })).toBe(expected);
  });
});

describe("rate limits, as GitHub documents them", () => {
  const now = Date.parse("2026-11-22T14:00:00Z");
  const error = (status: number, headers: Record<string, string>, message = "") => ({
    status,
    message,
    response: { headers },
  });
  it.each([
    ["403 with retry-after", error(403, { "retry-after": "30" }, SECONDARY.message), 30_000],
    ["429 with retry-after", error(429, { "retry-after": "5" }), 5_000],
    ["403 secondary, no retry-after: a minute", error(403, {}, SECONDARY.message), 60_000],
    ["429, no header: a minute", error(429, {}), 60_000],
    [
      "403 primary: until the reset, plus a second",
      error(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 90) }),
      91_000,
    ],
    [
      "403 refused (a permission): not a limit",
      error(403, {}, "Resource not accessible by integration"),
      null,
    ],
    ["502: not a limit", error(502, {}), null],
  ])("%s", (_name, e, wait) => {
    expect(rateLimitWait(e, now)).toBe(wait);
  });

  it("knows GraphQL's own RATE_LIMITED answer", () => {
    const e = {
      name: "GraphqlResponseError",
      errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }],
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Date.parse("2026-11-22T14:00:10Z") / 1000),
      },
    };
    expect(rateLimitWait(e, now)).toBe(11_000);
    expect(isTransient(e)).toBe(true);
  });

  it("describes failures in words for people, never GitHub's HTML error page", () => {
    expect(describeFailure({ status: 502, message: "<html>Unicorn</html>", response: {} })).toBe(
      "GitHub answered 502 Bad Gateway",
    );
    const timeout = {
      status: 500,
      message: "The operation was aborted due to timeout",
      cause: { name: "TimeoutError" },
    };
    expect(describeFailure(timeout)).toBe("GitHub did not answer in time");
    expect(isTransient(timeout)).toBe(true);
    const reset = {
      status: 500,
      message: "other side closed",
      cause: { name: "TypeError", cause: { code: "UND_ERR_SOCKET" } },
    };
    expect(describeFailure(reset)).toBe("firebreak could not reach GitHub");
    expect(isTransient(reset)).toBe(true);
    // A host name that does not resolve is a setting to fix, not a failure that passes.
    expect(
      isTransient({
        status: 500,
        message: "getaddrinfo ENOTFOUND github.example",
        cause: { code: "ENOTFOUND" },
      }),
    ).toBe(false);
    expect(describeFailure(error(403, { "retry-after": "60" }, SECONDARY.message))).toBe(
      "GitHub's secondary rate limit asked firebreak to wait 60 s",
    );
  });
});

describe("the app's Octokit (Probot's, throttling on) with the policy", () => {
  it("waits out a secondary rate limit once and sends the request once more: no second retry by the throttling plugin", async () => {
    const { policy, waits } = recorded();
    const scope = withToken()
      .get(ISSUE)
      .reply(403, SECONDARY, { "retry-after": "2" })
      .get(ISSUE)
      .reply(200, { number: 42 });
    const sent = recordRequests(scope);
    const octokit = await appOctokit(policy);
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: "acme",
      repo: "shop",
      issue_number: 42,
    });
    expect(data.number).toBe(42);
    expect(waits).toEqual([2_000]);
    expect(sent.map(requestLine)).toEqual([
      `POST /app/installations/${INSTALLATION_ID}/access_tokens`,
      `GET ${ISSUE}`,
      `GET ${ISSUE}`,
    ]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("gives up on a secondary limit asking for longer than the cap, at once", async () => {
    const { policy, waits } = recorded();
    const scope = withToken().get(ISSUE).reply(403, SECONDARY, { "retry-after": "60" });
    const octokit = await appOctokit(policy);
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: "acme",
        repo: "shop",
        issue_number: 42,
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("sends a GET again once after a 502, then fails: two attempts in all", async () => {
    const { policy, waits } = recorded();
    const scope = withToken().get(ISSUE).times(2).reply(502, "<html></html>");
    const octokit = await appOctokit(policy);
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: "acme",
        repo: "shop",
        issue_number: 42,
      }),
    ).rejects.toMatchObject({ status: 502 });
    expect(waits).toEqual([1_000]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("never sends a POST that creates something twice, and honours a caller's `retries: 0`", async () => {
    const { policy, waits } = recorded();
    const scope = withToken()
      .post(`${ISSUE}/comments`)
      .reply(502, "<html></html>")
      .get(ISSUE)
      .reply(503, "<html></html>");
    const octokit = await appOctokit(policy);
    await expect(
      octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: "acme",
        repo: "shop",
        issue_number: 42,
        body: "hello",
      }),
    ).rejects.toMatchObject({ status: 502 });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: "acme",
        repo: "shop",
        issue_number: 42,
        request: { retries: 0 },
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(waits).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it.each([400, 403, 404, 409, 410, 422])("does not send a request again after a %i", async (status) => {
    const { policy, waits } = recorded();
    const scope = withToken().put(`${ISSUE}/labels`).reply(status, { message: "no" });
    const octokit = await appOctokit(policy);
    await expect(
      octokit.request("PUT /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        owner: "acme",
        repo: "shop",
        issue_number: 42,
        labels: [],
      }),
    ).rejects.toMatchObject({ status });
    expect(waits).toEqual([]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("times out each attempt on its own: a slow answer, then a prompt one", async () => {
    const { policy, waits } = recorded();
    const scope = withToken()
      .get(ISSUE)
      .delay(1_000)
      .reply(200, { number: 1 })
      .get(ISSUE)
      .reply(200, { number: 42 });
    const octokit = await appOctokit(policy);
    const started = Date.now();
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: "acme",
      repo: "shop",
      issue_number: 42,
    });
    expect(data.number).toBe(42);
    expect(Date.now() - started).toBeLessThan(900);
    expect(waits).toEqual([1_000]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("treats GraphQL's 'Something went wrong' as a 502: a query is sent again, a comment is not", async () => {
    const { policy, waits } = recorded();
    const wrong = {
      data: null,
      errors: [
        { message: "Something went wrong while executing your query. This may be the result of a timeout." },
      ],
    };
    const scope = withToken()
      .post("/graphql")
      .reply(200, wrong)
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "firebreak" } } })
      .post("/graphql")
      .reply(200, wrong);
    const sent = recordRequests(scope);
    const octokit = await appOctokit(policy);
    expect(await octokit.graphql("query Viewer { viewer { login } }")).toEqual({
      viewer: { login: "firebreak" },
    });
    const { query, variables } = writesMutation("I_1", [{ kind: "addComment", body: "once" }]);
    await expect(octokit.graphql(query, variables)).rejects.toMatchObject({ status: 502 });
    expect(sent.filter((r) => r.path === "/graphql")).toHaveLength(3);
    expect(waits).toEqual([1_000]);
    expect(scope.pendingMocks()).toEqual([]);
  });

  it("waits for GraphQL's RATE_LIMITED answer to reset, when it is soon", async () => {
    const { policy, waits } = recorded();
    const reset = Math.floor(Date.now() / 1000) + 3;
    const scope = withToken()
      .post("/graphql")
      .reply(
        200,
        { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      )
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "firebreak" } } });
    const octokit = await appOctokit(policy);
    expect(await octokit.graphql("query Viewer { viewer { login } }")).toEqual({
      viewer: { login: "firebreak" },
    });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(2_000);
    expect(waits[0]).toBeLessThanOrEqual(4_000);
    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("the Action's Octokit (@actions/github) with the policy", () => {
  it("sends a read again twice after 5xx answers, and waits out a minute-long secondary limit", async () => {
    const { policy, waits } = recorded({ ...ACTION_REQUEST_POLICY, timeoutMs: 300 });
    const scope = nock(API)
      .get(ISSUE)
      .reply(500, "")
      .get(ISSUE)
      .reply(502, "")
      .get(ISSUE)
      .reply(403, SECONDARY, { "retry-after": "60" })
      .get(ISSUE)
      .reply(200, { number: 42 });
    // nock sees the global fetch, not @actions/github's undici one.
    const octokit = actionsGithub.getOctokit(
      "ghs_test",
      { request: { fetch: globalThis.fetch } },
      requestPolicy(policy),
    );
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: "acme",
      repo: "shop",
      issue_number: 42,
    });
    expect(data.number).toBe(42);
    expect(waits).toEqual([1_000, 4_000, 60_000]);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
