// Webhooks for one issue can arrive together (an issue opened with labels sends `opened` and one
// `labeled` per label; a burst of commands). Running them one after another lets each see what the
// previous one wrote: two operations reading the same state would each write their own view (one
// status label added by each, the tracker of the one that wrote last).
//
// In one process, a queue per issue. Across replicas (REDIS_URL set, as for Probot's throttling), the
// head of each process's queue also takes a lease in Redis (SET NX PX, renewed while it works,
// released only by its holder). If Redis cannot be reached, or the lease is not had within
// MAX_WAIT_MS, the operation goes on with the process's own lock and says so in the log: an incident
// is never left unanswered because of Redis.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

const queues = new Map<string, Promise<unknown>>();

export function withIssueLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const locked = () => (shared ? withSharedLock(shared, key, work) : work());
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(locked, locked);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

interface Log {
  warn(message: string): void;
}

interface SharedLocks {
  redis: Redis;
  log: Log;
}

let shared: SharedLocks | null = null;

/** A lease outlives a stuck process by this much at most; it is renewed every third of it. */
export const LEASE_MS = 30_000;
/** How long an operation waits for another replica's lease before going on without it. */
export const MAX_WAIT_MS = 5 * 60_000;
const POLL_MS = 40;
const PREFIX = "firebreak:issue-lock:";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Shares the per-issue lock across the replicas that use this Redis (the app calls it with
 * REDIS_URL); null goes back to the process's own lock. Returns a function that closes the connection.
 */
export function shareIssueLocks(redisUrl: string | null, log: Log): () => Promise<void> {
  const previous = shared;
  shared = null;
  void previous?.redis.quit().catch(() => undefined);
  if (!redisUrl) return async () => undefined;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 });
  // Without a listener an unreachable Redis would crash the process; the lock says what it means.
  redis.on("error", () => undefined);
  const mine: SharedLocks = { redis, log };
  shared = mine;
  return async () => {
    if (shared === mine) shared = null;
    await redis.quit().catch(() => undefined);
  };
}

async function withSharedLock<T>(locks: SharedLocks, key: string, work: () => Promise<T>): Promise<T> {
  const name = `${PREFIX}${key}`;
  const token = randomUUID();
  const started = Date.now();
  let held = false;
  try {
    for (;;) {
      held = (await locks.redis.set(name, token, "PX", LEASE_MS, "NX")) === "OK";
      if (held || Date.now() - started > MAX_WAIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * (0.5 + Math.random())));
    }
    if (!held)
      locks.log.warn(
        `firebreak: ${key} stayed locked by another replica for ${MAX_WAIT_MS / 1000} s; going on without the lock`,
      );
  } catch (error) {
    locks.log.warn(
      `firebreak: Redis could not lock ${key} (${String(error)}); going on with this process's lock only`,
    );
  }
  if (!held) return work();
  const renew = setInterval(() => {
    locks.redis.eval(RENEW, 1, name, token, LEASE_MS).catch(() => undefined);
  }, LEASE_MS / 3);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await locks.redis.eval(RELEASE, 1, name, token).catch(() => undefined);
  }
}
