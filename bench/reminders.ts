// The companion Action's reminders sweep: the bundle run on a `schedule` event as a workflow step
// would run it, against the Action tests' loopback GitHub, with 0, 10 and 200 open incidents,
// first with nothing due, then with a reminder due on every one.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import nock from "nock";
import { FakeGitHub } from "../test/action/fake-github.js";
import { LABELS, openIncidents } from "../test/action/fixtures.js";
import { BUNDLE } from "./postmortem.js";

const run = promisify(execFile);

export interface ReminderRow {
  incidents: number;
  due: boolean;
  searches: number;
  writes: number;
  requests: number;
  /** One search query (paged) plus at most 2 requests per incident reminded. */
  budget: number;
  reminded: number;
  wallMs: number;
  ok: boolean;
}

export async function benchReminders(sizes = [0, 10, 200]): Promise<ReminderRow[]> {
  nock.enableNetConnect("127.0.0.1");
  const rows: ReminderRow[] = [];
  for (const due of [false, true]) {
    for (const incidents of sizes) if (incidents > 0 || !due) rows.push(await benchOne(incidents, due));
  }
  return rows;
}

async function benchOne(incidents: number, due: boolean): Promise<ReminderRow> {
  const fake = new FakeGitHub();
  for (const label of LABELS) fake.addLabel(label);
  fake.addUser("bob");
  openIncidents(fake, incidents, due, new Date());
  const dir = mkdtempSync(join(tmpdir(), "firebreak-bench-"));
  try {
    const base = await fake.serve();
    const eventPath = join(dir, "event.json");
    writeFileSync(eventPath, JSON.stringify({ schedule: "*/10 * * * *" }));
    for (const file of ["output", "summary"]) writeFileSync(join(dir, file), "");
    const env = {
      PATH: process.env.PATH ?? "",
      GITHUB_EVENT_NAME: "schedule",
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
    const searches = fake.requests.filter((r) => r.operation === "ReminderSweep").length;
    const writes = fake.requests.filter((r) => r.operation === "FirebreakReminders").length;
    const reminded = [...fake.issues.values()].filter((issue) =>
      issue.timeline.some((n) => n.__typename === "IssueComment" && n.viewerDidAuthor),
    ).length;
    const budget = searches + 2 * reminded;
    const ok =
      (child.code ?? 0) === 0 &&
      fake.problems.length === 0 &&
      reminded === (due ? incidents : 0) &&
      fake.requests.length <= budget &&
      (due || writes === 0);
    return { incidents, due, searches, writes, requests: fake.requests.length, budget, reminded, wallMs, ok };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
