import type { GitHubClient } from "./client.js";

export interface AppIdentity {
  slug: string;
  /** How REST payloads name the app's bot user: `slug[bot]`. GraphQL names it without the suffix. */
  botLogin: string;
}

/** An app's identity from its slug (a trailing `[bot]` is dropped). */
export function identityOf(slug: string): AppIdentity {
  const bare = slug.replace(/\[bot\]$/, "");
  return { slug: bare, botLogin: `${bare}[bot]` };
}

/** Who a workflow's GITHUB_TOKEN acts as. */
export const GITHUB_ACTIONS_IDENTITY: AppIdentity = identityOf("github-actions");

/**
 * An Octokit plugin for running the app with a token instead of its key (Actions-only mode):
 * `GET /app` needs the app's own JWT, which a token is not, so the client says who it acts as.
 */
export function actingAs(identity: AppIdentity) {
  return () => ({ actingAs: identity });
}

/**
 * Who firebreak is, asked once per process with the app's own credentials (not an installation's),
 * so that the app can ignore the webhooks its own writes cause. A failed lookup is retried next time.
 */
export function appIdentityLoader(appClient: () => Promise<GitHubClient>): () => Promise<AppIdentity> {
  let pending: Promise<AppIdentity> | null = null;
  return () => {
    pending ??= appClient()
      .then(async (github) => {
        const known = (github as { actingAs?: AppIdentity }).actingAs;
        if (known) return known;
        const { data } = await github.request("GET /app");
        const slug = data?.slug;
        if (!slug) throw new Error("GET /app returned no slug");
        return identityOf(slug);
      })
      .catch((error: unknown) => {
        pending = null;
        throw error;
      });
    return pending;
  };
}
