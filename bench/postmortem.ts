// The companion Action's post-mortem: the committed bundle (action/dist/index.js) run as a
// workflow step would run it, against the Action tests' loopback GitHub, for incidents of
// 30, 300 and 3,000 timeline events in a repository with 100 earlier post-mortems to index.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import nock from "nock";
import { FakeGitHub } from "../test/action/fake-github.js";
import {
  closedPayload,
  commitFiles,
  earlierPostmortems,
  longTimeline,
  withCheckoutIncident,
} from "../test/action/fixtures.js";

const run = promisify(execFile);
/** Post-mortems already in docs/postmortems, for the incidents index. */
export const EARLIER_POSTMORTEMS = 100;
/** The committed bundle; FIREBREAK_ACTION_BUNDLE benches another build (e.g. one not yet committed). */
export const BUNDLE = process.env.FIREBREAK_ACTION_BUNDLE || join(process.cwd(), "action/dist/index.js");

export interface PostmortemRow {
  events: number;
  requests: number;
  budget: number;
  wallMs: number;
  ok: boolean;
}

export async function benchPostmortems(sizes = [30, 300, 3_000]): Promise<PostmortemRow[]> {
  nock.enableNetConnect("127.0.0.1");
  const rows: PostmortemRow[] = [];
  for (const events of sizes) rows.push(await benchOne(events));
  return rows;
}

async function benchOne(events: number): Promise<PostmortemRow> {
  const fake = new FakeGitHub();
  withCheckoutIncident(fake, longTimeline(events));
  // A repository with history: the incidents index reads these in the same request.
  commitFiles(fake, earlierPostmortems(EARLIER_POSTMORTEMS));
  const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-"));
  try {
    const base = await fake.serve();
    const eventPath = join(dir, "event.json");
    writeFileSync(eventPath, JSON.stringify(closedPayload()));
    for (const file of ["output", "summary"]) writeFileSync(join(dir, file), "");
    const env = {
      PATH: process.env.PATH ?? "",
      GITHUB_EVENT_NAME: "issues",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: `${base}/api/v3`,
      GITHUB_GRAPHQL_URL: `${base}/api/graphql`,
      GITHUB_SERVER_URL: base,
      GITHUB_OUTPUT: join(dir, "output"),
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      "INPUT_GITHUB-TOKEN": "ghs_bench",
      "INPUT_POSTMORTEM-DIR": "docs/postmortems",
      "INPUT_DRY-RUN": "false",
      "INPUT_PROJECT-STATUS": "Todo",
    };
    const started = performance.now();
    const child = await run(process.execPath, [BUNDLE], { env, timeout: 60_000 }).catch((error) => error);
    const wallMs = performance.now() - started;
    const budget = Math.ceil(events / 100) + 10;
    const ok = (child.code ?? 0) === 0 && fake.problems.length === 0 && fake.pulls.size === 1;
    return {
      events,
      requests: fake.requests.length,
      budget,
      wallMs,
      ok: ok && fake.requests.length <= budget,
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
