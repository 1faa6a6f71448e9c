// Fault injection: 5xx on chosen routes and on the n-th request, GitHub's secondary rate limit
// (403 or 429 with retry-after), and a GraphQL mutation field refused while the others run.
import type { Octokit } from "@octokit/core";
import { ProbotOctokit } from "probot";
import { expect, it } from "vitest";
import { installationOctokit, localGitHub, octokitAs, REPO } from "./support.js";

const blob = (octokit: Octokit) =>
  octokit
    .request("POST /repos/{owner}/{repo}/git/blobs", { owner: "acme", repo: "shop", content: "x" })
    .then((r) => r.status)
    .catch((e: { status: number }) => e.status);

it("fails the n-th matching request, and as many after it as asked", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  let fired = 0;
  github.fault({
    route: "POST /repos/{owner}/{repo}/git/blobs",
    nth: 2,
    times: 2,
    status: 500,
    onFire: () => fired++,
  });

  expect([await blob(octokit), await blob(octokit), await blob(octokit), await blob(octokit)]).toEqual([
    201, 500, 500, 201,
  ]);
  expect(fired).toBe(2);
  expect(github.requests.map((r) => r.fault)).toEqual([null, "status 500", "status 500", null]);
  // Other routes are not touched.
  expect((await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" })).status).toBe(
    200,
  );
});

it("matches a fault by the path as sent, and stops when it is removed", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  const remove = github.fault({
    method: "POST",
    path: "/api/v3/repos/acme/shop/git/blobs",
    times: Infinity,
    status: 503,
  });
  expect([await blob(octokit), await blob(octokit)]).toEqual([503, 503]);
  remove();
  expect(await blob(octokit)).toBe(201);
});

it("answers GitHub's secondary rate limit, 403 or 429 with retry-after, which Octokit's throttling honours", async () => {
  const github = await localGitHub();
  github.fault({ route: "GET /repos/{owner}/{repo}", secondaryRateLimit: { retryAfter: 2 } });
  github.fault({
    route: "GET /repos/{owner}/{repo}/labels",
    secondaryRateLimit: { retryAfter: 1, status: 429 },
  });
  const token = github.seed.token("alice");
  const raw = await fetch(`${github.apiUrl}/repos/${REPO}`, { headers: { authorization: `token ${token}` } });
  expect(raw.status).toBe(403);
  expect(raw.headers.get("retry-after")).toBe("2");
  expect(((await raw.json()) as { message: string }).message).toMatch(/secondary rate limit/);

  const waits: number[] = [];
  const octokit = new ProbotOctokit({
    auth: { token },
    baseUrl: github.apiUrl,
    retry: { enabled: false },
    throttle: {
      // One millisecond per second of retry-after: the test does not wait.
      retryAfterBaseValue: 1,
      onSecondaryRateLimit: (retryAfter: number) => {
        waits.push(retryAfter);
        return true;
      },
      onRateLimit: () => false,
    },
  });
  const { status } = await octokit.request("GET /repos/{owner}/{repo}/labels", {
    owner: "acme",
    repo: "shop",
  });
  expect(status).toBe(200);
  expect(waits).toEqual([1]);
  expect(github.requests.slice(1).map((r) => [r.route, r.status, r.fault])).toEqual([
    ["GET /repos/{owner}/{repo}/labels", 429, "secondary rate limit"],
    ["GET /repos/{owner}/{repo}/labels", 200, null],
  ]);
});

it("fails a GraphQL operation by name", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  github.fault({ route: "graphql Viewer", status: 502, body: { message: "Bad Gateway" } });
  await expect(octokit.graphql("query Viewer { viewer { login } }")).rejects.toMatchObject({ status: 502 });
  await expect(octokit.graphql("query Other { viewer { login } }")).resolves.toEqual({
    viewer: { login: "alice" },
  });
});

it("refuses one field of a mutation as GitHub would; the fields around it are carried out", async () => {
  const github = await localGitHub();
  const issue = github.as("alice").openIssue(REPO, { title: "Down" });
  const octokit = await installationOctokit(github);
  github.fault({
    field: { name: "addComment", type: "FORBIDDEN", message: "Resource not accessible by integration" },
  });

  const error = await octokit
    .graphql(
      `mutation Writes($id: ID!) {
        w0: addReaction(input: { subjectId: $id, content: EYES }) { clientMutationId }
        w1: addComment(input: { subjectId: $id, body: "first" }) { clientMutationId }
        w2: addComment(input: { subjectId: $id, body: "second" }) { clientMutationId }
      }`,
      { id: issue.id },
    )
    .catch((e: unknown) => e);

  expect(error).toMatchObject({
    errors: [{ type: "FORBIDDEN", path: ["w1"], message: "Resource not accessible by integration" }],
    data: { w0: { clientMutationId: null }, w1: null, w2: { clientMutationId: null } },
  });
  expect(github.comments(REPO, issue.number).map((c) => c.body)).toEqual(["second"]);
  expect(issue.reactions.map((r) => r.content)).toEqual(["EYES"]);
  expect(github.requests.at(-1)).toMatchObject({
    fault: "field addComment",
    writes: [
      { field: "addReaction", ok: true },
      { field: "addComment", ok: false, error: "Resource not accessible by integration" },
      { field: "addComment", ok: true },
    ],
  });
});
