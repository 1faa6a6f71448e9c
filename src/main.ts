// `npm start`: Probot's server, configured from Probot's environment (APP_ID, PRIVATE_KEY,
// WEBHOOK_SECRET, REDIS_URL, GHE_HOST, …), running firebreak with its request policy. Not
// `probot run`: that command cannot be given an Octokit.
import { run } from "probot";
import firebreak, { firebreakOctokit } from "./index.js";

await run(firebreak, { Octokit: firebreakOctokit() });
