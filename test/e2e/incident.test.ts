// The demo's incident end to end, through the real app server over signed webhooks, against the
// local GitHub: the issue form (SEV3), escalation to SEV2, `/role ic me`, the suspects, `/rollback` of
// the culprit (its tree checked against `git revert --no-edit` in the local GitHub's repository) and
// its merge, a refused command, `/status` changes, `/action-item`s, resolve and close. Each step is
// held to its budget in design.md, counted from the local GitHub's request log; the final state is
// read from the local GitHub itself.
import { expect, it } from "vitest";
import { type Comment, type PullRequest, sequentialRoundTrips } from "../../local-github/index.js";
import {
  APP_LOGIN,
  appComments,
  appReactions,
  branches,
  incidentLabels,
  isRevertEngine,
  issueOf,
  REPO,
  repliesTo,
  routes,
  type StepResult,
  startE2E,
  step,
  trackerOf,
} from "./support.js";

const FORM = [
  "### What is broken",
  "",
  "POST /checkout returns HTTP 500 for card payments; PayPal still works.",
  "",
  "### Impact",
  "",
  "About 30% of checkout attempts fail, all regions.",
  "",
  "### Severity",
  "",
  "SEV3 · Medium: a minor feature is broken or non-critical errors; a workaround exists",
  "",
  "### When it started",
  "",
  "About 20 minutes ago",
].join("\n");

const TOKEN_ROUTE = "POST /app/installations/{installation_id}/access_tokens";
const PERMISSION_ROUTE = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";

it("plays the demo's SEV2 incident through the real server, every step within its budget", async () => {
  const { github, sample } = await startE2E();
  const repo = github.repo(REPO);
  const costs: Array<{ step: string; counted: number; all: number; roundTrips: number; ms: number }> = [];
  const checklists = new Map<number, string>();
  let number = 0;

  /** Checks what every step must hold, and keeps its cost for the table. */
  const record = (name: string, result: StepResult) => {
    costs.push({
      step: name,
      counted: result.counted.length,
      all: result.requests.length,
      roundTrips: sequentialRoundTrips(result.counted),
      ms: Math.round(result.wallMs),
    });
    // The webhooks firebreak's own writes cause cost nothing; every delivery was answered 200.
    expect(result.echoRequests, `${name}: requests caused by firebreak's own writes`).toEqual([]);
    expect(
      [...result.delivered, ...result.echoes].map((d) => d.status),
      `${name}: the app's answers`,
    ).toEqual([...result.delivered, ...result.echoes].map(() => 200));
    // Nothing the local GitHub could not answer as GitHub would (an unknown route, an unmodelled field).
    expect(github.problems, name).toEqual([]);
    // Checklists are posted once and then belong to the people: never edited.
    for (const c of appComments(github, number)) {
      if (!c.body.startsWith("<!-- firebreak:checklist:")) continue;
      const first = checklists.get(c.databaseId);
      if (first === undefined) checklists.set(c.databaseId, c.body);
      else expect(c.body, `${name}: a checklist was edited`).toBe(first);
    }
    return result;
  };
  const say = async (who: string, body: string, budgetName: string) => {
    let comment: Comment | null = null;
    const result = record(
      budgetName,
      await step(github, () => {
        comment = github.as(who).comment(REPO, number, body);
      }),
    );
    // One permission check per comment; the command itself ≤ 4 requests beyond it.
    expect(result.requests.filter((r) => r.route === PERMISSION_ROUTE)).toHaveLength(1);
    return { comment: comment as unknown as Comment, result };
  };
  const tracker = () => trackerOf(github, number).body;

  // 1. The form, SEV3: one tracker and one checklist, the installation token fetched, the config read.
  const declared = record(
    "declare (form, SEV3)",
    await step(github, () => {
      number = github.as("alice").openIssue(REPO, {
        title: "Checkout returns 500 for card payments",
        body: FORM,
      }).number;
    }),
  );
  const token = declared.requests.filter((r) => r.route === TOKEN_ROUTE);
  expect(token).toHaveLength(1);
  expect(token[0]?.auth).toBe("app"); // asked for with the app's JWT, signed with its key
  // Everything else to the repository was sent with that installation token.
  const withToken = declared.requests.filter((r) => r.route !== TOKEN_ROUTE && r.route !== "GET /app");
  expect(withToken.map((r) => r.auth)).toEqual(withToken.map(() => "installation"));
  expect(
    declared.requests.filter((r) => decodeURIComponent(r.path).includes("/contents/.github/incident.yml")),
  ).toHaveLength(1);
  expect(declared.counted.length).toBeLessThanOrEqual(5);
  expect(sequentialRoundTrips(declared.counted)).toBeLessThanOrEqual(3);
  expect(incidentLabels(github, number)).toEqual(["incident/investigating", "incident/sev3"]);
  expect(appComments(github, number).map((c) => c.body.split("\n", 1)[0])).toEqual([
    expect.stringMatching(/^<!-- firebreak:tracker/),
    expect.stringMatching(/^<!-- firebreak:checklist:respond/),
  ]);
  expect(tracker()).toContain("SEV3");
  // The suspects: the culprit among them, and the production deployment of it.
  expect(tracker()).toContain(`#${sample.culprit.number}`);
  expect(tracker()).toContain("production");
  // Links point at the local GitHub (GHE_HOST), never at github.com.
  expect(tracker()).toContain(github.url);
  expect(tracker()).not.toContain("https://github.com/");

  // 2. Escalation by label: the tracker re-rendered and a notice paging SEV2's notify list, which only
  // the repository's .github/incident.yml names (firebreak's defaults notify nobody).
  const escalated = record(
    "escalate (label)",
    await step(github, () => github.as("bob").label(REPO, number, "incident/sev2")),
  );
  expect(escalated.counted.length).toBeLessThanOrEqual(4);
  expect(incidentLabels(github, number)).toEqual(["incident/investigating", "incident/sev2"]);
  expect(tracker()).toContain("SEV2");
  const escalation = appComments(github, number).filter((c) => c.body.includes("firebreak:escalation"));
  expect(escalation).toHaveLength(1);
  expect(escalation[0]?.body).toContain("@acme/payments-oncall");

  // 3. `/role ic me`: bob is assigned and named in the tracker.
  const ic = await say("bob", "/role ic me", "/role ic me");
  expect(ic.result.counted.length).toBeLessThanOrEqual(4);
  console.log("ROLE", routes(ic.result.requests), "ESC", routes(escalated.requests));
  expect(issueOf(github, number).assignees).toEqual(["bob"]);
  expect(appReactions(ic.comment)).toEqual(["THUMBS_UP"]);
  expect(tracker()).toContain("@&#8203;bob");

  // 4. `/rollback` of the culprit: the command ≤ 4, the revert engine ≤ 9.
  const culprit7 = sample.culprit.sha.slice(0, 7);
  const mainBefore = repo.git.ref("refs/heads/main") as string;
  const branchesBefore = branches(github);
  const rollback = await say("bob", `/rollback ${culprit7} card retries hold DB connections`, "/rollback");
  const engine = rollback.result.counted.filter(isRevertEngine);
  expect(engine.length).toBeLessThanOrEqual(9);
  expect(rollback.result.counted.length - engine.length).toBeLessThanOrEqual(4);
  expect(routes(engine)).toEqual([
    "graphql RevertTarget",
    "POST /repos/{owner}/{repo}/git/commits",
    "POST /repos/{owner}/{repo}/git/refs",
    "POST /repos/{owner}/{repo}/merges",
    "POST /repos/{owner}/{repo}/git/commits",
    "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
    "POST /repos/{owner}/{repo}/pulls",
    expect.stringMatching(/labels$|requested_reviewers$/),
    expect.stringMatching(/labels$|requested_reviewers$/),
  ]);
  expect(appReactions(rollback.comment)).toEqual(["THUMBS_UP"]);
  const reverts = [...repo.items.values()].filter(
    (i): i is PullRequest => i.kind === "pull" && i.head.startsWith(`incident-${number}/revert-`),
  );
  expect(reverts).toHaveLength(1);
  const revert = reverts[0] as PullRequest;
  expect(revert.title).toBe(`Revert "${sample.culprit.title}"`);
  expect(revert.head).toBe(`incident-${number}/revert-${culprit7}`);
  expect(revert.base).toBe("main");
  expect(revert.labels.map((l) => l.name)).toEqual(["incident/rollback"]);
  expect(revert.requestedReviewers).toEqual([sample.culprit.author]);
  expect(revert.body).toContain(`#${number}`);
  const head = repo.git.readCommit(github.store.headOf(revert));
  expect(head?.parents).toEqual([mainBefore]);
  // The tree GitHub computed is the one `git revert --no-edit -m 1 <culprit>` makes on main.
  const expected = repo.git.revertTree(sample.culprit.sha, mainBefore);
  expect(expected).toMatch(/^[0-9a-f]{40}$/);
  expect(head?.tree).toBe(expected);
  const rollbackReply = repliesTo(github, number, rollback.comment.databaseId);
  expect(rollbackReply).toHaveLength(1);
  expect(rollbackReply[0]?.body).toContain(`#${revert.number}`);
  // Nothing temporary is left: the one new branch is the pull request's.
  expect(branches(github).filter((b) => !branchesBefore.includes(b))).toEqual([revert.head]);

  // 5. The revert merged: the tracker's timeline shows it.
  const merged = record(
    "revert merged",
    await step(github, () => github.as("bob").mergePullRequest(REPO, revert.number)),
  );
  expect(merged.counted.length).toBeLessThanOrEqual(4);
  expect(tracker()).toMatch(new RegExp(`#${revert.number}[^\\n]*merged`, "i"));

  // 6. Status changes, a refused command, the action items, resolution.
  const identified = await say(
    "bob",
    "/status identified the retry loop holds DB connections",
    "/status identified",
  );
  expect(incidentLabels(github, number)).toEqual(["incident/identified", "incident/sev2"]);

  const refused = await say("carol", "/status resolved looks fine from here", "/status (refused: read)");
  expect(appReactions(refused.comment)).toEqual(["CONFUSED"]);
  expect(repliesTo(github, number, refused.comment.databaseId)[0]?.body).toContain("**triage**");
  expect(incidentLabels(github, number)).toEqual(["incident/identified", "incident/sev2"]);

  const monitoring = await say(
    "bob",
    "/status monitoring the revert is deployed everywhere",
    "/status monitoring",
  );
  expect(incidentLabels(github, number)).toEqual(["incident/monitoring", "incident/sev2"]);

  const actionItems = await say(
    "dana",
    [
      "/action-item Alert when the DB pool is above 75% @bob due:2026-12-01",
      "/action-item Load-test card retries against a small DB pool @erin due:2026-12-08",
    ].join("\n"),
    "/action-item ×2",
  );
  expect(tracker()).toContain("Alert when the DB pool is above 75%");
  expect(tracker()).toContain("Load-test card retries against a small DB pool");

  const resolved = await say("bob", "/status resolved error rate at baseline", "/status resolved");
  expect(incidentLabels(github, number)).toEqual(["incident/resolved", "incident/sev2"]);

  for (const said of [identified, refused, monitoring, actionItems, resolved]) {
    expect(said.result.counted.length).toBeLessThanOrEqual(4);
  }

  // 7. Closed: the tracker records it and nothing else is posted.
  const before = github.comments(REPO, number).length;
  record("close", await step(github, () => github.as("bob").close(REPO, number)));
  expect(issueOf(github, number).state).toBe("closed");
  expect(github.comments(REPO, number)).toHaveLength(before);
  expect(tracker()).toContain("Issue closed");

  // The final state, as GitHub holds it.
  expect(incidentLabels(github, number)).toEqual(["incident/resolved", "incident/sev2"]);
  expect(revert.merged).toBe(true);
  const mainTree = repo.git.flatTree(repo.git.readCommit(repo.git.ref("refs/heads/main") ?? "")?.tree ?? "");
  expect(mainTree.has("src/checkout/retry.ts")).toBe(false);
  const kinds = appComments(github, number).map(
    (c) => /^<!-- firebreak:(tracker|checklist:[\w-]+|escalation|reply)/.exec(c.body)?.[1] ?? "other",
  );
  expect(kinds.filter((k) => k === "tracker")).toHaveLength(1);
  expect(kinds.filter((k) => k.startsWith("checklist:"))).toEqual([
    "checklist:respond",
    "checklist:verify",
    "checklist:post-incident",
  ]);
  expect(kinds.filter((k) => k === "other")).toEqual([]);
  const final = tracker();
  expect(final).toContain("@&#8203;bob");
  expect(final).toContain(`#${revert.number}`);
  expect(final).toContain("Alert when the DB pool is above 75%");
  expect(final.length).toBeLessThan(65_536);
  // Every comment with commands got exactly one reaction from firebreak; carol's a 😕.
  const commands = github.comments(REPO, number).filter((c) => c.author !== APP_LOGIN);
  expect(commands).toHaveLength(7);
  expect(commands.map((c) => appReactions(c))).toEqual(
    commands.map((c) => (c.author === "carol" ? ["CONFUSED"] : ["THUMBS_UP"])),
  );

  console.table(costs);
});
