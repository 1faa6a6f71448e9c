// The app server the bench measures, in its own process: Probot's `run()` as `npm start` calls it
// (src/main.ts), configured by FIREBREAK_BENCH_APP (Probot's environment: APP_ID, PRIVATE_KEY,
// WEBHOOK_SECRET, GHE_HOST, …), with firebreak's Octokit. Probot's request throttling is off unless
// asked for: it spaces writes a second apart, which is pacing, not cost. Tells its parent when it
// listens; exits when the parent closes the channel.
import { run } from "probot";
import firebreak, { firebreakOctokit } from "../src/index.js";

const settings = JSON.parse(process.env.FIREBREAK_BENCH_APP ?? "{}") as {
  env: Record<string, string>;
  throttle: boolean;
};
const Octokit = settings.throttle
  ? firebreakOctokit()
  : firebreakOctokit().defaults((o: Record<string, unknown>) => ({ ...o, throttle: { enabled: false } }));
await run(firebreak, { env: settings.env, Octokit });
process.on("disconnect", () => process.exit(0));
process.send?.("ready");
