// The local GitHub itself: GitHub Enterprise Server's shape, the request log, unknown routes,
// authentication (the app's JWT, installation tokens) and latency.
import { generateKeyPairSync } from "node:crypto";
import { expect, it } from "vitest";
import { sequentialRoundTrips } from "../../local-github/index.js";
import { appJwt, installationOctokit, localGitHub, octokitAs, REPO } from "./support.js";

it("answers an unknown REST route 404 and lists it in its problems; a missing resource is not an unknown route", async () => {
  const github = await localGitHub();
  const token = github.seed.token("alice");
  const get = (path: string) =>
    fetch(`${github.url}${path}`, { headers: { authorization: `token ${token}` } });

  const unknown = await get("/api/v3/repos/acme/shop/stargazers");
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ message: "Not Found" });
  expect((await get("/api/v3/repos/acme/shop/issues/99")).status).toBe(404);
  expect((await get("/graphql")).status).toBe(404);

  expect(github.unknownRoutes).toEqual(["GET /api/v3/repos/acme/shop/stargazers", "GET /graphql"]);
  expect(github.problems).toEqual([
    "unknown route: GET /api/v3/repos/acme/shop/stargazers",
    "unknown route: GET /graphql",
  ]);
  expect(github.requests.map((r) => [r.method, r.route, r.status])).toEqual([
    ["GET", null, 404],
    ["GET", "GET /repos/{owner}/{repo}/issues/{issue_number}", 404],
    ["GET", null, 404],
  ]);
});

it("answers 422 and lists a query parameter it does not model, rather than ignore it", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  await expect(
    octokit.request("GET /repos/{owner}/{repo}/pulls", {
      owner: "acme",
      repo: "shop",
      state: "all",
      sort: "updated",
    }),
  ).rejects.toMatchObject({ status: 422 });
  await expect(
    octokit.request("GET /repos/{owner}/{repo}/pulls", {
      owner: "acme",
      repo: "shop",
      state: "all",
      per_page: 10,
    }),
  ).resolves.toMatchObject({ status: 200, data: [] });
  expect(github.problems).toEqual([
    "the local GitHub does not model GET /repos/acme/shop/pulls?sort (GET /api/v3/repos/acme/shop/pulls)",
  ]);
});

it("records every request: method, route, operation, who, time, start and end", async () => {
  const github = await localGitHub({ latencyMs: 30 });
  const octokit = octokitAs(github, "alice");

  // Two side by side, then one after: two sequential round trips.
  await Promise.all([
    octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" }),
    octokit.graphql("query Viewer { viewer { login } }"),
  ]);
  await octokit
    .request("GET /repos/{owner}/{repo}/labels/{name}", { owner: "acme", repo: "shop", name: "a/b" })
    .catch(() => null);

  const [repo, viewer, label] = github.requests;
  expect(repo).toMatchObject({
    method: "GET",
    path: "/api/v3/repos/acme/shop",
    route: "GET /repos/{owner}/{repo}",
    status: 200,
  });
  expect(viewer).toMatchObject({
    method: "POST",
    route: "POST /graphql",
    operation: "Viewer",
    auth: "user",
    login: "alice",
  });
  expect(label).toMatchObject({
    path: "/api/v3/repos/acme/shop/labels/a%2Fb",
    route: "GET /repos/{owner}/{repo}/labels/{name}",
    status: 404,
  });
  for (const r of github.requests) {
    expect(r.end - r.start).toBeGreaterThanOrEqual(29);
    expect(r.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  expect(sequentialRoundTrips(github.requests)).toBe(2);
  expect(sequentialRoundTrips(github.requests.slice(0, 2))).toBe(1);
});

it("serves REST under /api/v3 and GraphQL at /api/graphql, with its own host in every URL", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" });
  expect(data).toMatchObject({
    full_name: "acme/shop",
    html_url: `${github.url}/acme/shop`,
    url: `${github.apiUrl}/repos/acme/shop`,
  });
  const answer = await octokit.graphql<{ repository: { url: string } }>(
    'query { repository(owner: "acme", name: "shop") { url } }',
  );
  expect(answer.repository.url).toBe(`${github.url}/acme/shop`);
  expect(github.host).toBe(new URL(github.url).host);
  expect(github.graphqlUrl).toBe(`${github.url}/api/graphql`);
});

it("authenticates the app by its JWT, signed with its key, and issues installation tokens", async () => {
  const github = await localGitHub();
  const app = github.app;
  if (!app) throw new Error("no app");
  const call = (path: string, auth: string, method = "GET") =>
    fetch(`${github.apiUrl}${path}`, { method, headers: { authorization: auth } });

  const jwt = appJwt(app.privateKey, app.id);
  expect(await (await call("/app", `Bearer ${jwt}`)).json()).toMatchObject({ id: 4242, slug: "firebreak" });
  expect(await (await call("/repos/acme/shop/installation", `Bearer ${jwt}`)).json()).toMatchObject({
    id: 777,
  });

  // Signed with another key, expired, or not a JWT at all: refused.
  const other = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  expect((await call("/app", `Bearer ${appJwt(other, app.id)}`)).status).toBe(401);
  expect(
    (await call("/app", `Bearer ${appJwt(app.privateKey, app.id, Date.now() - 3_600_000)}`)).status,
  ).toBe(401);
  expect((await call("/app", "token not-a-token")).status).toBe(401);
  expect((await call("/app", `token ${github.seed.token("alice")}`)).status).toBe(401);

  // The installation token reads the installation's repositories; without one, nothing.
  const octokit = await installationOctokit(github);
  expect((await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" })).status).toBe(
    200,
  );
  const viewer = await octokit.graphql<{ viewer: { login: string } }>("query { viewer { login } }");
  expect(viewer.viewer.login).toBe("firebreak");
  expect((await fetch(`${github.apiUrl}/repos/acme/shop`)).status).toBe(401);

  // A repository of another account is not the installation's.
  github.seed.repository("someone-else/tools");
  await expect(
    octokit.request("GET /repos/{owner}/{repo}", { owner: "someone-else", repo: "tools" }),
  ).rejects.toMatchObject({
    status: 404,
  });
  expect(github.requests.filter((r) => r.auth === "app").map((r) => r.route)).toEqual([
    "GET /app",
    "GET /repos/{owner}/{repo}/installation",
    "POST /app/installations/{installation_id}/access_tokens",
  ]);
});

it("expires installation tokens on its clock", async () => {
  let now = Date.parse("2026-11-22T14:00:00Z");
  const github = await localGitHub({ now: () => new Date(now) });
  const app = github.app;
  if (!app) throw new Error("no app");
  const issued = await fetch(`${github.apiUrl}/app/installations/777/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt(app.privateKey, app.id, now)}` },
  });
  const { token, expires_at } = (await issued.json()) as { token: string; expires_at: string };
  expect(expires_at).toBe("2026-11-22T15:00:00Z");
  const read = () =>
    fetch(`${github.apiUrl}/repos/${REPO}`, { headers: { authorization: `token ${token}` } });
  expect((await read()).status).toBe(200);
  now += 3_600_000;
  expect((await read()).status).toBe(401);
});

it("stops cleanly: the port is closed and the repositories it made are removed", async () => {
  const github = await localGitHub();
  const dir = github.repo(REPO).git.dir;
  const url = github.apiUrl;
  await github.stop();
  await expect(fetch(url)).rejects.toThrow();
  const { existsSync } = await import("node:fs");
  expect(existsSync(dir)).toBe(false);
});
