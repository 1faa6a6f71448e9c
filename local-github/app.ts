// Running firebreak against the local GitHub, as the demo, the e2e tests, the bench and the
// replica tests all do: a free port, the environment `npm start` reads, and which requests
// design.md's budgets leave out.
import { createServer } from "node:net";
import type { LocalGitHub, RequestRecord } from "./index.js";

/** A free loopback port (Probot's PORT=0 would mean its default, 3000). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** The environment the app server reads (Probot's standard variables), pointed at the local GitHub. */
export function appServerEnv(
  github: LocalGitHub,
  o: { port: number; secret: string; logLevel?: string },
): Record<string, string> {
  const app = github.app;
  if (!app) throw new Error("the local GitHub has no app");
  return {
    APP_ID: String(app.id),
    PRIVATE_KEY: app.privateKey,
    WEBHOOK_SECRET: o.secret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: String(o.port),
    LOG_LEVEL: o.logLevel ?? "fatal",
    NODE_ENV: "production",
  };
}

/**
 * What a request is when design.md leaves it out of a budget: the installation token, the app's
 * identity (once per process), the config, the permission check (a command's budget is beyond it)
 * and creating the labels the repository lacks (once per repository). Null: it counts.
 */
export function budgetExclusion(r: RequestRecord): string | null {
  const route = r.route ?? "";
  if (route.endsWith("/access_tokens")) return "token";
  if (route === "GET /app") return "identity";
  if (route.includes("/contents/")) return "config";
  if (route.endsWith("/permission")) return "permission";
  if (route.endsWith("/labels") && r.method === "POST" && !route.includes("/issues/")) return "label-create";
  if (/\/labels\/\{name\}$/.test(route) && r.method === "GET") return "label-create";
  return null;
}
