// The per-issue lock shared through Redis (src/handlers/issue-lock.ts): another replica's lease is
// waited for, a lease is released by its holder only, and an unreachable Redis never stops an operation.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LEASE_MS, shareIssueLocks, withIssueLock } from "../../src/handlers/issue-lock.js";
import { freePort, type RedisServer, redisAvailable, startRedis } from "./redis.js";

// Not a repository the replica test uses: both may run at once against CI's one Redis.
const KEY = "acme/lock-test#42";
const LOCK = `firebreak:issue-lock:${KEY}`;

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe("with Redis unreachable", () => {
  it("runs the operation with the process's own lock, and says so in the log", async () => {
    const warnings: string[] = [];
    close = shareIssueLocks(`redis://127.0.0.1:${await freePort()}`, { warn: (m) => warnings.push(m) });
    const order: string[] = [];
    await Promise.all([
      withIssueLock(KEY, async () => {
        order.push("first:start");
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push("first:end");
      }),
      withIssueLock(KEY, async () => {
        order.push("second");
      }),
    ]);
    // Still one after the other in this process.
    expect(order).toEqual(["first:start", "first:end", "second"]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^firebreak: Redis could not lock acme\/lock-test#42 .*going on with this process's lock only$/,
    );
  }, 30_000);
});

describe.skipIf(!redisAvailable())("with Redis", () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it("waits for another replica's lease, then takes its own and releases it", async () => {
    const warnings: string[] = [];
    close = shareIssueLocks(redis.url, { warn: (m) => warnings.push(m) });
    // Another replica holds the issue.
    await client.set(LOCK, "other-replica", "PX", LEASE_MS);
    let ran = false;
    const operation = withIssueLock(KEY, async () => {
      ran = true;
      // Held by this process now, with a lease that expires by itself if the process dies.
      const [holder, ttl] = await Promise.all([client.get(LOCK), client.pttl(LOCK)]);
      return { holder, ttl };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toBe(false);
    await client.del(LOCK);
    const { holder, ttl } = await operation;
    expect(holder).toMatch(/^[0-9a-f-]{36}$/);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(LEASE_MS);
    expect(await client.exists(LOCK)).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("does not release a lease that is no longer its own", async () => {
    close = shareIssueLocks(redis.url, { warn: () => undefined });
    await withIssueLock(KEY, async () => {
      // Its lease ran out and another replica took the issue meanwhile.
      await client.set(LOCK, "other-replica", "PX", LEASE_MS);
    });
    expect(await client.get(LOCK)).toBe("other-replica");
    await client.del(LOCK);
  });

  it("releases the lease when the operation fails", async () => {
    close = shareIssueLocks(redis.url, { warn: () => undefined });
    await expect(
      withIssueLock(KEY, async () => {
        throw new Error("GitHub answered 502");
      }),
    ).rejects.toThrow("502");
    expect(await client.exists(LOCK)).toBe(0);
  });
});
