// The built bundle itself (action/dist/index.js, as a workflow runs it): a child process with a
// fake event file, INPUT_* variables and GitHub Enterprise-style API URLs pointing at a loopback
// GitHub. Its outputs are read back from the GITHUB_OUTPUT file.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FakeGitHub } from "./fake-github.js";
import { addIncident, closedPayload, withCheckoutIncident } from "./fixtures.js";

// FIREBREAK_ACTION_BUNDLE tries a build that is not committed yet.
const BUNDLE =
  process.env.FIREBREAK_ACTION_BUNDLE || new URL("../../action/dist/index.js", import.meta.url).pathname;
const run = promisify(execFile);

let fake: FakeGitHub;
let dir: string;
beforeEach(() => {
  fake = new FakeGitHub();
  withCheckoutIncident(fake);
  fake.addLabel("incident/postmortem");
  fake.addLabel("incident/follow-up");
  dir = mkdtempSync(join(tmpdir(), "firebreak-action-"));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The outputs a step wrote, parsed from GITHUB_OUTPUT's `name<<delimiter` blocks. */
function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, "utf8");
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    found[match[1] as string] = match[3] as string;
  return found;
}

async function runBundle(name: string, payload: object, inputs: Record<string, string>) {
  const base = await fake.serve();
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  const files = { output: join(dir, "output"), summary: join(dir, "summary") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_API_URL: `${base}/api/v3`,
    GITHUB_GRAPHQL_URL: `${base}/api/graphql`,
    GITHUB_SERVER_URL: base,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    "INPUT_GITHUB-TOKEN": "ghs_smoke",
    "INPUT_POSTMORTEM-DIR": "docs/postmortems",
    "INPUT_DRY-RUN": "false",
    "INPUT_PROJECT-STATUS": "Todo",
  };
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase()}`] = value;
  const child = await run(process.execPath, [BUNDLE], { env, timeout: 30_000 }).catch((error) => error);
  return {
    code: child.code ?? 0,
    stdout: String(child.stdout),
    outputs: outputs(files.output),
    summary: readFileSync(files.summary, "utf8"),
  };
}

it("the committed bundle exists (npm run bundle)", () => {
  expect(existsSync(BUNDLE)).toBe(true);
  expect(readFileSync(BUNDLE, "utf8").startsWith("import { createRequire as __createRequire }")).toBe(true);
});

it("the built Action drafts the post-mortem pull request against GitHub Enterprise-style URLs", async () => {
  const result = await runBundle("issues", closedPayload(), {});

  expect(result.stdout).not.toContain("::error::");
  expect(result.code).toBe(0);
  expect(fake.problems).toEqual([]);
  const pull = [...fake.pulls.values()][0];
  expect(result.outputs).toEqual({
    "pull-request-url": `https://github.com/acme/shop/pull/${pull?.number}`,
    "postmortem-path": "docs/postmortems/2026-11-22-checkout-returns-500-for-card-payments.md",
    "follow-up-issues": expect.stringContaining('"title":"Add an alert when pay-db pool use is above 75%"'),
  });
  expect(JSON.parse(result.outputs["follow-up-issues"] ?? "[]")).toHaveLength(2);
  expect(result.summary).toContain("Post-mortem of #42");
  expect(fake.requests.map((r) => r.operation ?? `${r.method} ${r.path}`)).toEqual([
    "PostmortemRead",
    "FollowUpPrep",
    "FirebreakFollowUps",
    "POST /repos/acme/shop/git/trees",
    "POST /repos/acme/shop/git/commits",
    "POST /repos/acme/shop/git/refs",
    "POST /repos/acme/shop/pulls",
    "FirebreakPostmortem",
  ]);
  // GITHUB_API_URL and GITHUB_GRAPHQL_URL were honoured.
  expect(fake.requests.every((r) => r.rawPath.startsWith(r.operation ? "/api/graphql" : "/api/v3/"))).toBe(
    true,
  );
});

it("the built Action fails with what to fix, and writes nothing on a dry run", async () => {
  const failed = await runBundle("workflow_dispatch", { inputs: {} }, {});
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain("::error::issue-number is required");

  const dry = await runBundle("issues", closedPayload(), { "DRY-RUN": "true" });
  expect(dry.code).toBe(0);
  expect(fake.pulls.size).toBe(0);
  expect(dry.outputs["postmortem-path"]).toBe(
    "docs/postmortems/2026-11-22-checkout-returns-500-for-card-payments.md",
  );
  expect(dry.summary).toContain("# Post-mortem: Checkout returns 500 for card payments");
});

it("the built Action sends the reminders on a schedule", async () => {
  addIncident(fake, 70, { now: new Date(), declaredMinutesAgo: 45 });
  const result = await runBundle("schedule", { schedule: "*/10 * * * *" }, {});

  expect(result.stdout).not.toContain("::error::");
  expect(result.code).toBe(0);
  expect(fake.problems).toEqual([]);
  expect(fake.requests.map((r) => r.operation)).toEqual(["ReminderSweep", "FirebreakReminders"]);
  expect(JSON.parse(result.outputs.reminders ?? "[]")).toEqual([
    { issue: 70, url: "https://github.com/acme/shop/issues/70", reminders: ["response"], posted: true },
  ]);
  expect(result.summary).toContain("Incident reminders");
  const comment = fake.issues.get(70)?.timeline.at(-1);
  expect(comment?.body).toMatch(
    /^<!-- firebreak:reminder response=\S+Z -->\n### ⏰ No one has taken this SEV2/,
  );
});
