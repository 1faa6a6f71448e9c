// Who firebreak is: asked of GitHub once (`GET /app`, with the app's key), or, run with a token in
// Actions-only mode, known from the client (a token cannot ask `GET /app`).
import { Octokit } from "@octokit/core";
import { expect, it } from "vitest";
import {
  actingAs,
  appIdentityLoader,
  GITHUB_ACTIONS_IDENTITY,
  identityOf,
} from "../../src/github/app-identity.js";
import type { GitHubClient } from "../../src/github/client.js";

/** An Octokit whose requests are answered by `answer` and counted. */
function client(answer: () => Response, plugins: Array<ReturnType<typeof actingAs>> = []) {
  const sent: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push(`${init?.method ?? "GET"} ${String(url)}`);
    return answer();
  };
  const octokit = new (Octokit.plugin(...plugins))({ request: { fetch } });
  return { octokit: octokit as unknown as GitHubClient, sent };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

it("asks GET /app once per process, and again after a failure", async () => {
  let status = 500;
  const { octokit, sent } = client(() =>
    json(status, status === 200 ? { slug: "firebreak" } : { message: "down" }),
  );
  const identity = appIdentityLoader(async () => octokit);

  await expect(identity()).rejects.toThrow();
  status = 200;
  expect(await identity()).toEqual({ slug: "firebreak", botLogin: "firebreak[bot]" });
  expect(await identity()).toEqual({ slug: "firebreak", botLogin: "firebreak[bot]" });
  expect(sent).toEqual(["GET https://api.github.com/app", "GET https://api.github.com/app"]);
});

it("takes the identity a token-run client acts as, without asking GitHub", async () => {
  const { octokit, sent } = client(
    () => json(401, { message: "A JSON web token could not be decoded" }),
    [actingAs(GITHUB_ACTIONS_IDENTITY)],
  );

  expect(await appIdentityLoader(async () => octokit)()).toEqual({
    slug: "github-actions",
    botLogin: "github-actions[bot]",
  });
  expect(sent).toEqual([]);
  // An app token's slug, as actions/create-github-app-token gives it, or its bot's login.
  expect(identityOf("acme-firebreak")).toEqual({ slug: "acme-firebreak", botLogin: "acme-firebreak[bot]" });
  expect(identityOf("acme-firebreak[bot]")).toEqual(identityOf("acme-firebreak"));
});
