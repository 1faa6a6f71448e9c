import type { GitHubClient } from "./client.js";

export interface AppIdentity {
  slug: string;
  /** How REST payloads name the app's bot user: `slug[bot]`. GraphQL names it without the suffix. */
  botLogin: string;
}

/**
 * Who firebreak is, asked once per process with the app's own credentials (not an installation's),
 * so that the app can ignore the webhooks its own writes cause. A failed lookup is retried next time.
 */
export function appIdentityLoader(appClient: () => Promise<GitHubClient>): () => Promise<AppIdentity> {
  let pending: Promise<AppIdentity> | null = null;
  return () => {
    pending ??= appClient()
      .then((github) => github.request("GET /app"))
      .then(({ data }) => {
        const slug = data?.slug;
        if (!slug) throw new Error("GET /app returned no slug");
        return { slug, botLogin: `${slug}[bot]` };
      })
      .catch((error: unknown) => {
        pending = null;
        throw error;
      });
    return pending;
  };
}
