// A Probot instance wired like production but with retries and throttling off, and a private key
// made for the test run. Every request it sends must be answered by nock.
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import firebreak from "../../src/index.js";

export const APP_ID = 4242;
export const INSTALLATION_ID = 777;
export const APP_SLUG = "firebreak";
export const API = "https://api.github.com";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** `baseUrl` as `probot run` sets it for GitHub Enterprise Server (`GHE_HOST`): `https://<host>/api/v3`. */
export function testProbot(baseUrl?: string): Probot {
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    logLevel: "fatal",
    ...(baseUrl ? { baseUrl } : {}),
    // The function form: the object form leaves throttling on and slows tests by seconds.
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  probot.load(firebreak);
  return probot;
}

/** nock for api.github.com that answers the app's identity and the installation token request. */
export function githubApi(): nock.Scope {
  return nock(API)
    .get("/app")
    .reply(200, { id: APP_ID, slug: APP_SLUG, name: "firebreak" })
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
}

/** Config lookups: the repository's file, then the organisation's `.github` repository. */
export function noConfig(scope: nock.Scope, owner: string, repo: string): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/contents/${encodeURIComponent(".github/incident.yml")}`)
    .reply(404)
    .get(`/repos/${owner}/.github/contents/${encodeURIComponent(".github/incident.yml")}`)
    .reply(404);
}

export function withConfig(scope: nock.Scope, owner: string, repo: string, yaml: string): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/contents/${encodeURIComponent(".github/incident.yml")}`)
    .reply(200, yaml, {
      "content-type": "application/vnd.github.v3.raw; charset=utf-8",
    });
}
