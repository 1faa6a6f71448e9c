// Running the Action's runner in-process against the fake GitHub, through nock.
import { getOctokit } from "@actions/github";
import nock from "nock";
import { type ActionEvent, type RunResult, run } from "../../action/src/runner.js";
import type { GitHubClient } from "../../src/github/client.js";
import { FakeGitHub } from "./fake-github.js";

/** @actions/github's Octokit with the fetch nock can see (its own is undici's, which nock cannot). */
export function testOctokit(token = "ghs_test"): GitHubClient {
  return getOctokit(token, { request: { fetch: globalThis.fetch } }) as unknown as GitHubClient;
}

export function event(name: string, payload: Record<string, any>): ActionEvent {
  return { name, payload, owner: "acme", repo: "shop" };
}

export async function runAction(e: ActionEvent, o: { project?: boolean } = {}): Promise<RunResult> {
  return run({
    octokit: testOctokit(),
    ...(o.project ? { projectOctokit: testOctokit("project-token") } : {}),
    event: e,
  });
}

export function startFake(): FakeGitHub {
  nock.cleanAll();
  const fake = new FakeGitHub();
  fake.listen();
  return fake;
}

export function stopFake(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}
