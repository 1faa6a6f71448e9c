// What a post-mortem costs: an incident with 3,000 timeline events, in a repository with 300
// earlier post-mortems to index, must take at most ⌈events/100⌉ + 10 requests (design.md's
// budget), and render in well under a second.
import { afterEach, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import { resetCore, state } from "./core-mock.js";
import type { FakeGitHub } from "./fake-github.js";
import {
  closedPayload,
  commitFiles,
  earlierPostmortems,
  longTimeline,
  withCheckoutIncident,
} from "./fixtures.js";
import { event, runAction, startFake, stopFake } from "./harness.js";

const EVENTS = 3_000;
const BUDGET = Math.ceil(EVENTS / 100) + 10;
const EARLIER = 300;

let fake: FakeGitHub;
afterEach(() => {
  expect(fake.problems).toEqual([]);
  stopFake();
});

function boardAndIncident(): void {
  fake = startFake();
  withCheckoutIncident(fake, longTimeline(EVENTS));
  commitFiles(fake, earlierPostmortems(EARLIER));
  fake.addLabel("incident/postmortem");
  fake.addLabel("incident/follow-up");
  fake.addProject({
    id: "PVT_5",
    number: 5,
    title: "Reliability",
    fields: [
      { id: "F_status", name: "Status", dataType: "SINGLE_SELECT", options: [{ id: "todo", name: "Todo" }] },
      { id: "F_sev", name: "Severity", dataType: "SINGLE_SELECT", options: [{ id: "s2", name: "SEV2" }] },
      { id: "F_due", name: "Due date", dataType: "DATE" },
      { id: "F_incident", name: "Incident", dataType: "TEXT" },
    ],
  });
  resetCore({ "project-url": "https://github.com/orgs/acme/projects/5", "project-token": "project-token" });
}

it(`drafts the post-mortem of a ${EVENTS}-event incident within ${BUDGET} requests, and renders it in well under a second`, async () => {
  boardAndIncident();
  expect(fake.issues.get(42)?.timeline).toHaveLength(EVENTS);
  const started = performance.now();
  const result = await runAction(event("issues", closedPayload()), { project: true });
  const totalMs = performance.now() - started;

  expect(state.failed).toEqual([]);
  const total = result.requests.repository + result.requests.project;
  const byOperation = fake.requests.reduce<Record<string, number>>((counts, r) => {
    const key = r.operation ?? `${r.method} ${r.path.replace("/repos/acme/shop", "")}`;
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});
  console.info(
    `post-mortem of ${EVENTS} events, indexed with ${EARLIER} earlier post-mortems: ${total} requests (${result.requests.repository} repository + ${result.requests.project} project board; budget ${BUDGET}), replay and render ${result.renderMs?.toFixed(1)} ms, index ${result.index?.renderMs.toFixed(1)} ms, whole run ${totalMs.toFixed(0)} ms in-process`,
    byOperation,
  );
  expect(fake.requests).toHaveLength(total);
  expect(byOperation.PostmortemRead).toBe(1);
  expect(byOperation.PostmortemTimeline).toBe(Math.ceil(EVENTS / 100) - 1);
  expect(total).toBeLessThanOrEqual(BUDGET);
  // Time is measured by `npm run bench`, not asserted here: a loaded CI machine would make it flaky.
  expect(result.renderMs).toBeGreaterThan(0);
  expect(fake.pulls.size).toBe(1);
  expect(result.index).toMatchObject({ path: "docs/postmortems/README.md", skipped: 0 });

  // A rerun with nothing new: the read (the Action's own comment is one more event) and one tree.
  resetCore({ "project-url": "https://github.com/orgs/acme/projects/5", "project-token": "project-token" });
  fake.requests.length = 0;
  const again = await runAction(event("issues", closedPayload()), { project: true });
  console.info(`rerun: ${again.requests.repository} repository + ${again.requests.project} project requests`);
  expect(again.requests.repository).toBe(Math.ceil((EVENTS + 1) / 100) + 1);
  expect(again.requests.project).toBe(1);
});
