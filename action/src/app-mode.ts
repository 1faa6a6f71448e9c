// Actions-only mode (`mode: app`): the firebreak app itself (src/index.ts, its handlers unchanged)
// handles this workflow's event with the workflow's token, for teams that run no server. Probot is
// given the token instead of the app's key and receives the event file as it would a webhook.
import { randomUUID } from "node:crypto";
import * as core from "@actions/core";
import * as actionsGithub from "@actions/github";
import { type Logger, Probot } from "probot";
import { actingAs, GITHUB_ACTIONS_IDENTITY, identityOf } from "../../src/github/app-identity.js";
import { ACTION_REQUEST_POLICY, describeFailure, isTransient } from "../../src/github/client.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";

const PERMISSIONS =
  "In Actions-only mode the app acts with github-token: the workflow needs `permissions:` issues: write, pull-requests: write and contents: write (and deployments: read, for the deployments beside the suspects).";

/** The events the app handles; any other is a notice, and success. */
const EVENTS = new Set(["issues", "issue_comment", "pull_request"]);

export async function runApp(): Promise<void> {
  const refusals: string[] = [];
  try {
    const { eventName: name, payload } = actionsGithub.context;
    if (!EVENTS.has(name)) {
      core.notice(
        `mode: app handles issues, issue_comment and pull_request events; this run's event is ${name || "unknown"}, so there is nothing to do.`,
      );
      return;
    }
    const token = core.getInput("github-token").trim();
    if (!token) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, as people write it
      core.setFailed("github-token is empty; leave it at its default (${{ github.token }}) or pass a token");
      return;
    }
    const slug = core.getInput("app-slug").trim();
    const graphqlUrl = process.env.GITHUB_GRAPHQL_URL || null;
    const probot = new Probot({
      githubToken: token,
      baseUrl: process.env.GITHUB_API_URL || "https://api.github.com",
      // The Action's request policy: nobody waits on a webhook, so rate limits are waited out.
      Octokit: firebreakOctokit(ACTION_REQUEST_POLICY)
        .plugin(actingAs(slug ? identityOf(slug) : GITHUB_ACTIONS_IDENTITY))
        .plugin(graphqlAt(graphqlUrl)),
      log: actionsLog(refusals),
    });
    await probot.load(firebreak);
    // A workflow's event names no installation: the workflow's token stands in for one.
    const event = { ...payload, installation: payload.installation ?? { id: 0 } };
    const run = process.env.GITHUB_RUN_ID;
    const id = run ? `actions-${run}-${process.env.GITHUB_RUN_ATTEMPT ?? "1"}` : randomUUID();
    await probot.receive({ id, name, payload: event } as Parameters<Probot["receive"]>[0]);
    if (refusals.length > 0) {
      core.setFailed(`${refusals.join("\n")}\n${PERMISSIONS}`);
      return;
    }
    core.info(`firebreak handled the ${name}${payload.action ? `.${payload.action}` : ""} event.`);
  } catch (error) {
    core.setFailed(failure(error));
  }
}

/** GitHub's GraphQL endpoint where GITHUB_GRAPHQL_URL says (Octokit otherwise derives it from the REST URL). */
function graphqlAt(url: string | null) {
  return (octokit: { hook: { before(name: "request", fn: (options: { url: string }) => void): void } }) => {
    if (!url) return;
    octokit.hook.before("request", (options) => {
      if (/\/graphql$/.test(options.url)) options.url = url;
    });
  };
}

/** A handler's failure for the step: what went wrong, without Probot's wrapping or GitHub's HTML. */
function failure(error: unknown): string {
  const errors = error instanceof AggregateError ? error.errors : [error];
  const lines = errors.map((e) =>
    isTransient(e) ? describeFailure(e) : (e instanceof Error ? e.message : String(e)).split("\n")[0],
  );
  return `firebreak could not handle this event: ${lines.join("; ")}`;
}

type Fields = Record<string, unknown>;

/**
 * Probot's logger, written to the job's log with @actions/core. A delivery GitHub refused (401, 403,
 * 404: a permission the workflow's token lacks) ends with a warning carrying GitHub's `status`
 * (src/handlers/delivery.ts), which is right for a webhook that must not be redelivered; in a job
 * it is recorded so the step fails.
 */
function actionsLog(refusals: string[]): Logger {
  const text = (args: unknown[]): string => {
    const [first, second] = args;
    if (typeof first === "string") return first;
    if (first instanceof Error)
      return typeof second === "string" ? `${second}: ${first.message}` : first.message;
    return typeof second === "string" ? second : JSON.stringify(first);
  };
  const log = {
    level: "info",
    child: () => log,
    trace: () => undefined,
    debug: (...args: unknown[]) => core.debug(text(args)),
    info: (...args: unknown[]) => core.info(text(args)),
    warn: (...args: unknown[]) => {
      const fields = args[0] as Fields | null;
      if (fields && typeof fields === "object" && "status" in fields) refusals.push(text(args));
      else core.warning(text(args));
    },
    // Probot logs a handler's error before `receive` rejects with it: the step's failure says it once.
    error: (...args: unknown[]) =>
      args[0] instanceof Error && args.length === 1 ? core.debug(text(args)) : core.error(text(args)),
    fatal: (...args: unknown[]) => core.error(text(args)),
  };
  return log as unknown as Logger;
}
