// What GitHub talks to: the app's webhook endpoint, through the real server. A delivery whose
// signature does not verify is refused and changes nothing; every webhook of an incident delivered
// again (the same X-GitHub-Delivery, as GitHub's "Redeliver" does, and under a new id) leaves the
// repository exactly as the first delivery left it.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import type { Delivery, LocalGitHub } from "../../local-github/index.js";
import { signature } from "../../local-github/webhooks.js";
import { type E2E, incidentLabels, post, REPO, SECRET, snapshot, startE2E, step } from "./support.js";

const FORM = [
  "### What is broken",
  "",
  "Checkout returns 500 for card payments.",
  "",
  "### Impact",
  "",
  "About 30% of checkouts fail.",
  "",
  "### Severity",
  "",
  "SEV3 · Medium: a minor feature is broken or non-critical errors; a workaround exists",
].join("\n");

it("refuses a delivery whose signature does not verify, and nothing changes", async () => {
  const { github, webhookUrl } = await startE2E();
  const issue = github.as("alice").openIssue(REPO, { title: "Checkout returns 500", body: FORM });
  const [opened] = github.pending;
  if (!opened) throw new Error("no issues.opened delivery");
  const from = github.requests.length;
  const before = snapshot(github);

  const body = JSON.stringify(opened.payload);
  const tampered = { ...opened, payload: { ...opened.payload, sender: { login: "mallory", type: "User" } } };
  const answers = [
    // Signed with another secret.
    await post(webhookUrl, opened, { id: randomUUID(), secret: "not-the-secret" }),
    // Signed right, for another body.
    await post(webhookUrl, tampered, {
      id: randomUUID(),
      signature: signature(SECRET, body),
    }),
    // A signature that is not one.
    await post(webhookUrl, opened, { id: randomUUID(), signature: "sha256=00" }),
    // None at all.
    await post(webhookUrl, opened, { id: randomUUID(), signature: null }),
  ];
  const mismatch = { status: 400, body: expect.stringContaining("signature does not match") };
  expect(answers).toEqual([
    mismatch,
    mismatch,
    mismatch,
    { status: 400, body: expect.stringContaining("Required headers missing: x-hub-signature-256") },
  ]);
  // Give anything a refused delivery might have started time to show: nothing did.
  await sleep(200);
  expect(github.requests.slice(from)).toEqual([]);
  expect(snapshot(github)).toEqual(before);
  expect(incidentLabels(github, issue.number)).toEqual([]);

  // The same delivery, signed as GitHub signs it, is answered: the refusals were the signatures'.
  const delivered = await step(github, () => undefined);
  expect(delivered.delivered.map((d) => d.status)).toEqual([200]);
  expect(incidentLabels(github, issue.number)).toEqual(["incident/investigating", "incident/sev3"]);
});

/**
 * Every delivery of a step, sent again: all at once under their own ids (GitHub's redelivery), then
 * all at once under new ids (a second hook, a replayed request). The repository must not change.
 */
async function deliverAgain(e2e: E2E, deliveries: Delivery[], name: string) {
  const { github, webhookUrl } = e2e;
  const once = snapshot(github);
  const from = github.requests.length;
  const again = await Promise.all(deliveries.map((d) => github.redeliver(d.id)));
  await drain(github);
  expect(
    again.map((d) => d.status),
    `${name}: redelivered`,
  ).toEqual(again.map(() => 200));
  expect(snapshot(github), `${name}: after redelivery (same ids)`).toEqual(once);
  const renamed = await Promise.all(deliveries.map((d) => post(webhookUrl, d, { id: randomUUID() })));
  await drain(github);
  expect(
    renamed.map((a) => a.status),
    `${name}: under new ids`,
  ).toEqual(renamed.map(() => 200));
  expect(snapshot(github), `${name}: after delivery under new ids`).toEqual(once);
  return github.requests.length - from;
}

/** Webhooks caused meanwhile (there must be none: nothing changed) are delivered too. */
async function drain(github: LocalGitHub) {
  while (github.pending.length > 0) await github.deliverPending();
}

it("ends in the same state when every webhook of an incident is delivered twice, or under a new id", async () => {
  const e2e = await startE2E();
  const { github, sample } = e2e;
  let number = 0;
  const costs: Record<string, number> = {};
  const act = async (name: string, fn: () => void) => {
    const from = github.deliveries.length;
    const result = await step(github, fn);
    expect(
      [...result.delivered, ...result.echoes].map((d) => d.status),
      name,
    ).toEqual([...result.delivered, ...result.echoes].map(() => 200));
    // Every webhook this step caused: the person's, and those of firebreak's own writes.
    const deliveries = github.deliveries.slice(from);
    costs[name] = await deliverAgain(e2e, deliveries, name);
    return deliveries;
  };
  const say = (who: string, body: string) => () => void github.as(who).comment(REPO, number, body);

  const opened = await act("declare", () => {
    number = github.as("alice").openIssue(REPO, { title: "Checkout returns 500", body: FORM }).number;
  });
  expect(opened.map((d) => `${d.event}.${d.action}`)).toContain("issues.opened");
  await act("escalate (label)", () => github.as("bob").label(REPO, number, "incident/sev2"));
  await act("/severity sev1", say("bob", "/severity sev1 card payments down in every region"));
  await act("/role ic me", say("bob", "/role ic me"));
  await act("/rollback", say("bob", `/rollback ${sample.culprit.sha.slice(0, 7)} retries hold connections`));
  const revert = [...github.repo(REPO).items.values()].find(
    (i) => i.kind === "pull" && i.head.startsWith("incident-"),
  );
  if (!revert) throw new Error("no revert pull request");
  await act("merge the revert", () => github.as("bob").mergePullRequest(REPO, revert.number));
  await act("/status monitoring", say("bob", "/status monitoring"));
  await act("/action-item", say("dana", "/action-item Alert on the DB pool @bob due:2026-12-01"));
  await act("/note + /update", say("dana", "/note pool at 40%\n/update errors back to baseline"));
  await act("/status resolved", say("bob", "/status resolved"));
  await act("close", () => github.as("bob").close(REPO, number));

  // The end state is the incident's, once: one tracker, one revert pull request, the labels.
  expect(incidentLabels(github, number)).toEqual(["incident/resolved", "incident/sev1"]);
  const reverts = [...github.repo(REPO).items.values()].filter(
    (i) => i.kind === "pull" && i.head.startsWith("incident-"),
  );
  expect(reverts).toHaveLength(1);
  expect(
    github.comments(REPO, number).filter((c) => c.body.startsWith("<!-- firebreak:tracker")),
  ).toHaveLength(1);
  expect(github.deliveries.filter((d) => d.redelivery).length).toBeGreaterThan(20);
  expect(github.problems).toEqual([]);
  console.log("requests sent for the repeated deliveries of each step:", costs);
});
