// One app replica as `npm start` runs it (src/main.ts: Probot's `run` configured from the
// environment, REDIS_URL included, and firebreak's Octokit), in its own process. One change for the
// test's sake: the throttling plugin's write queues (shared through the same Redis) space requests
// 20 ms apart instead of 1 s and 3 s, so that a burst of fifty commands takes seconds, not minutes.
import Bottleneck from "bottleneck";
import { run } from "probot";
import { shareIssueLocks } from "../../src/handlers/issue-lock.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";

let groups: Record<string, Bottleneck.Group> | null = null;

const Octokit = firebreakOctokit().defaults(
  (options: { throttle?: { connection?: Bottleneck.IORedisConnection } }) => {
    const connection = options.throttle?.connection;
    if (connection && !groups) {
      const common = { maxConcurrent: 1, minTime: 20, connection, timeout: 120_000 };
      groups = {
        write: new Bottleneck.Group({ id: "octokit-write", ...common }),
        notifications: new Bottleneck.Group({ id: "octokit-notifications", ...common }),
      };
    }
    return { ...options, throttle: { ...options.throttle, ...groups } };
  },
);

await run(firebreak, { Octokit });
// Only to see what the shared lock prevents (SCALE_LOCAL_LOCKS_ONLY=1 npx vitest run test/scale):
// this replica keeps its per-issue lock to itself, and the burst loses tracker updates now and then.
if (process.env.SCALE_LOCAL_LOCKS_ONLY === "1") {
  shareIssueLocks(null, console);
  console.log("replica: per-issue lock in this process only");
}
console.log("replica ready");
