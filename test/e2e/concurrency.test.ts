// Fifty command comments on one incident, their webhooks delivered to one app server all at once:
// every command is applied exactly once (one reaction each, one reply where a reply is due), the
// final tracker reflects all of them, and delivering every one of those webhooks again changes nothing.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { Comment } from "../../local-github/index.js";
import {
  appComments,
  appReactions,
  incidentLabels,
  post,
  REPO,
  repliesTo,
  snapshot,
  startE2E,
  step,
  trackerOf,
} from "./support.js";

const FORM = [
  "### What is broken",
  "",
  "Checkout returns 500 for card payments.",
  "",
  "### Severity",
  "",
  "SEV2 · High: a major feature is unavailable, performance badly degraded, or sign-in failing",
].join("\n");

const STATUSES = ["identified", "monitoring", "identified", "monitoring", "identified"];
const PEOPLE = ["bob", "dana", "erin"];

/** Comment n (1…50): a status change every tenth from the fifth, an update every tenth, ten action items, notes. */
function command(n: number): { kind: "status" | "update" | "action" | "note"; body: string } {
  if (n % 10 === 5) return { kind: "status", body: `/status ${STATUSES[(n - 5) / 10]} step ${n}` };
  if (n % 10 === 0) return { kind: "update", body: `/update progress report ${n}` };
  if (n % 5 === 2) return { kind: "action", body: `/action-item follow-up number ${n} @bob` };
  return { kind: "note", body: `/note observation number ${n}` };
}

it("applies fifty commands delivered at once exactly once each; delivering them all again changes nothing", async () => {
  const { github, webhookUrl } = await startE2E();
  let number = 0;
  await step(github, () => {
    number = github.as("alice").openIssue(REPO, { title: "Checkout returns 500", body: FORM }).number;
  });
  const from = github.requests.length;
  const entriesAtDeclaration = timelineEntries(trackerOf(github, number).body);
  expect(entriesAtDeclaration.earlier).toBe(0);

  const comments: Comment[] = [];
  const burst = await step(github, () => {
    for (let n = 1; n <= 50; n++)
      comments.push(github.as(PEOPLE[n % 3] as string).comment(REPO, number, command(n).body));
  });
  // All fifty went out side by side, and each was answered 200.
  expect(burst.delivered.map((d) => `${d.event}.${d.action} ${d.status}`)).toEqual(
    comments.map(() => "issue_comment.created 200"),
  );
  expect(github.problems).toEqual([]);

  // Exactly once each: one 👍 per comment, a reply for each /update and for nothing else.
  expect(comments.map((c) => appReactions(c))).toEqual(comments.map(() => ["THUMBS_UP"]));
  comments.forEach((c, i) => {
    const replies = repliesTo(github, number, c.databaseId);
    expect(replies, `comment ${i + 1}`).toHaveLength(command(i + 1).kind === "update" ? 1 : 0);
  });
  const kinds = appComments(github, number).map(
    (c) => /^<!-- firebreak:([\w-]+(?::[\w-]+)?)/.exec(c.body)?.[1],
  );
  expect(kinds.filter((k) => k === "tracker")).toHaveLength(1);
  expect(kinds.filter((k) => k?.startsWith("checklist:")).sort()).toEqual([
    "checklist:respond",
    "checklist:verify",
  ]);
  expect(kinds.filter((k) => k?.startsWith("reply:"))).toHaveLength(5);

  // The order the app answered them in (one at a time: the issue's lock), from its reactions' writes.
  const answeredAt = new Map<string, number>();
  for (const r of github.requests.slice(from)) {
    if (r.operation !== "FirebreakWrites") continue;
    for (const c of comments) if (JSON.stringify(r.body).includes(c.id)) answeredAt.set(c.id, r.seq);
  }
  expect(answeredAt.size).toBe(50);
  const statusComments = comments.filter((_, i) => command(i + 1).kind === "status");
  const lastStatus = [...statusComments].sort(
    (a, b) => (answeredAt.get(a.id) ?? 0) - (answeredAt.get(b.id) ?? 0),
  )[statusComments.length - 1];
  const finalStatus = /^\/status (\w+)/.exec(lastStatus?.body ?? "")?.[1];
  // The status the last /status answered set is the one GitHub holds, and the tracker shows.
  expect(incidentLabels(github, number)).toEqual([`incident/${finalStatus}`, "incident/sev2"]);
  const tracker = trackerOf(github, number).body;
  expect(tracker).toContain(`## 🔥 SEV2 High incident · ${finalStatus}`);
  // Every action item, in the order they were written.
  const items = comments
    .filter((_, i) => command(i + 1).kind === "action")
    .map((c) => c.body.slice("/action-item ".length, c.body.indexOf(" @")));
  expect(items).toHaveLength(10);
  const listed = [...tracker.matchAll(/^- (follow-up number \d+) · owner/gm)].map((m) => m[1]);
  expect(listed).toEqual(items);
  // Each of the fifty is one timeline entry (a note, an action item, an update, a status change):
  // the tracker shows the newest and counts the rest, none lost and none twice.
  const entries = timelineEntries(tracker);
  expect(entries.shown).toBe(15);
  expect(entries.earlier + entries.shown).toBe(entriesAtDeclaration.shown + 50);
  expect(tracker).toContain("Status update by @&#8203;erin: progress report 50");
  expect(tracker.length).toBeLessThan(65_536);

  // Every one of those webhooks again (and those of firebreak's own writes), all at once: under
  // their own ids, then under new ids. Nothing changes.
  const once = snapshot(github);
  const all = [...burst.delivered, ...burst.echoes];
  const requestsBefore = github.requests.length;
  const again = await Promise.all(all.map((d) => github.redeliver(d.id)));
  expect(again.map((d) => d.status)).toEqual(all.map(() => 200));
  const renamed = await Promise.all(all.map((d) => post(webhookUrl, d, { id: randomUUID() })));
  expect(renamed.map((a) => a.status)).toEqual(all.map(() => 200));
  expect(github.pending).toEqual([]);
  expect(snapshot(github)).toEqual(once);
  // Answered comments are read and left: no write at all.
  expect(
    github.requests
      .slice(requestsBefore)
      .filter((r) => r.writes || (r.method !== "GET" && r.operation === null)),
  ).toEqual([]);
  console.log(
    `50 commands at once: ${Math.round(burst.wallMs)} ms, ${burst.requests.length} requests; ` +
      `${all.length * 2} deliveries again: ${github.requests.length - requestsBefore} requests, no writes`,
  );
});

/** The tracker's timeline: entries shown, and the earlier ones it counts. */
function timelineEntries(tracker: string): { shown: number; earlier: number } {
  const section = tracker.slice(tracker.indexOf("### Timeline"), tracker.indexOf("### Suspects"));
  return {
    shown: [...section.matchAll(/^- \*\*/gm)].length,
    earlier: Number(/_… (\d+) earlier events_/.exec(section)?.[1] ?? 0),
  };
}
