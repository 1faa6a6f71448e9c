// A real redis-server for the scale tests: the one CI started (FIREBREAK_REDIS_URL, see .ci/run), or
// one started here on a free loopback port when the machine has the binary. Without either the tests
// are skipped, saying why, unless FIREBREAK_REQUIRE_REDIS=1 (CI), where that is a failure.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { freePort } from "../../local-github/app.js";

export { freePort };

import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface RedisServer {
  url: string;
  /** Stops the server if it was started here. */
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  "no Redis: set FIREBREAK_REDIS_URL or install redis-server (apt-get install redis-server); .ci/run does both";

/** Whether the scale tests can run here; they must in CI (FIREBREAK_REQUIRE_REDIS=1). */
export function redisAvailable(): boolean {
  if (process.env.FIREBREAK_REDIS_URL) return true;
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;
  if (!found && process.env.FIREBREAK_REQUIRE_REDIS === "1") throw new Error(REDIS_MISSING);
  if (!found) console.warn(`test/scale skipped: ${REDIS_MISSING}`);
  return found;
}

export async function startRedis(): Promise<RedisServer> {
  const url = process.env.FIREBREAK_REDIS_URL;
  if (url) {
    await ping(url);
    return { url, stop: async () => undefined };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "firebreak-redis-"));
  const server: ChildProcess = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  const local = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await ping(local);
      break;
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: local,
    stop: async () => {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ping(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}
