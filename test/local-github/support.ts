// A local GitHub per test, stopped when the test ends, with one repository (acme/shop) and its people.
import { createSign } from "node:crypto";
import { Octokit } from "@octokit/core";
import { onTestFinished } from "vitest";
import { type LocalGitHub, type LocalGitHubOptions, startLocalGitHub } from "../../local-github/index.js";

export const REPO = "acme/shop";

export async function localGitHub(options: LocalGitHubOptions = {}): Promise<LocalGitHub> {
  const github = await startLocalGitHub(options);
  onTestFinished(() => github.stop());
  github.seed.repository(REPO);
  github.seed.collaborator(REPO, "alice", "write");
  github.seed.collaborator(REPO, "bob", "maintain");
  github.seed.collaborator(REPO, "carol", "read");
  github.seed.commit(REPO, {
    author: "alice",
    message: "Initial commit",
    at: "2026-11-20T09:00:00Z",
    files: { "README.md": "# shop\n", "src/pay.ts": lines(), "src/cart.ts": "export const cart = [];\n" },
  });
  return github;
}

/** An Octokit with a token the local GitHub knows (a person's, or the workflow's bot). */
export function octokitAs(github: LocalGitHub, login: string): Octokit {
  return new Octokit({ baseUrl: github.apiUrl, auth: github.seed.token(login) });
}

/** The app's installation token, fetched as Probot would: with a JWT signed by the app's key. */
export async function installationOctokit(github: LocalGitHub): Promise<Octokit> {
  const app = github.app;
  if (!app) throw new Error("no app");
  const jwt = appJwt(app.privateKey, app.id);
  const { data } = await new Octokit({ baseUrl: github.apiUrl, auth: jwt }).request(
    "POST /app/installations/{installation_id}/access_tokens",
    { installation_id: app.installation.id },
  );
  return new Octokit({ baseUrl: github.apiUrl, auth: data.token });
}

/** A GitHub App JWT (RS256), as @octokit/auth-app makes it. */
export function appJwt(privateKey: string, appId: number, now = Date.now()): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const seconds = Math.floor(now / 1000);
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat: seconds - 30, exp: seconds + 540, iss: appId })}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url");
  return `${unsigned}.${signature}`;
}

/** Ten lines, one per number: room for changes that do or do not touch each other. */
export function lines(...overrides: Array<[number, string]>): string {
  const out = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
  for (const [n, text] of overrides) out[n - 1] = text;
  return `${out.join("\n")}\n`;
}
