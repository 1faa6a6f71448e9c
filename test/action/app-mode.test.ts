// Actions-only mode (`mode: app`): the built bundle handles a workflow's `issues` and `issue_comment`
// events with the workflow's token, against the local GitHub, and leaves what the hosted app leaves
// for the same deliveries; when a handler fails, the step fails and says why.
import { afterEach, expect, it } from "vitest";
import { type LocalGitHub, startLocalGitHub } from "../../local-github/index.js";
import { deliveryOf, eventOf, hostedApp, receive, runBundle, SHOP, seedShop } from "./app-bundle.js";

const worlds: LocalGitHub[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((github) => github.stop()));
});

/** A local GitHub whose clock moves only when told, so that two worlds record the same times. */
async function world(at: number, labels = false) {
  const clock = { now: at };
  const github = await startLocalGitHub({ now: () => new Date(clock.now) });
  worlds.push(github);
  const { token } = seedShop(github, at, { labels });
  return { github, token, clock };
}

const TITLE = "Checkout returns 500 for card payments";

/**
 * What the app left on the issue, comparable between worlds: its own login, the local GitHub's
 * address and the suspect window (it ends at the app's own clock, seconds apart) are masked.
 */
function outcome(github: LocalGitHub, number: number, appLogin: string) {
  const bare = appLogin.replace(/\[bot\]$/, "");
  const normal = (body: string) =>
    body
      .replaceAll(`@&#8203;${bare}`, "@&#8203;<app>")
      .replaceAll(github.url, "<server>")
      .replace(/between \d{4}-\d\d-\d\d \d\d:\d\d UTC and \d{4}-\d\d-\d\d \d\d:\d\d UTC/g, "between <window>")
      .replace(/<!-- firebreak:suspects \S+ -->/g, "<!-- firebreak:suspects -->");
  const issue = github.issue(SHOP, number);
  const comments = github.comments(SHOP, number);
  return {
    labels: issue.labels.map((l) => l.name).sort(),
    repositoryLabels: [...github.repo(SHOP).labels.values()]
      .map((l) => `${l.name} ${l.color} ${l.description}`)
      .sort(),
    appComments: comments.filter((c) => c.author === appLogin).map((c) => normal(c.body)),
    otherComments: comments.filter((c) => c.author !== appLogin).map((c) => c.author),
    reactions: comments.flatMap((c) =>
      c.reactions.map((r) => `${c.author}: ${r.content} by ${r.user === appLogin ? "<app>" : r.user}`),
    ),
  };
}

/** The writes the app sent, in order: REST writes by route, GraphQL mutations by their fields. */
function writes(github: LocalGitHub, from: number): string[] {
  return github.requests
    .slice(from)
    .filter((r) => r.method !== "GET" && r.auth !== "app" && r.route !== "POST /graphql")
    .map((r) => r.route ?? r.path);
}

function mutations(github: LocalGitHub, from: number): string[] {
  return github.requests
    .slice(from)
    .filter((r) => r.writes)
    .map((r) => (r.writes ?? []).map((w) => `${w.field}${w.ok ? "" : " refused"}`).join(", "));
}

it("declares by label and answers /status identified as the hosted app does, with the workflow's token", async () => {
  const at = Date.now();
  const hosted = await world(at);
  const action = await world(at);
  const app = await hostedApp(hosted.github);

  // The same person does the same things in both; the hosted app gets webhooks, the Action event files.
  const steps = [
    {
      event: "issues",
      action: "labeled",
      act: (g: LocalGitHub, n: number) => g.as("alice").label(SHOP, n, "incident/sev2"),
    },
    {
      event: "issue_comment",
      action: "created",
      act: (g: LocalGitHub, n: number) =>
        void g.as("bob").comment(SHOP, n, "/status identified checkout retries"),
    },
  ];
  const numbers = [hosted, action].map(
    ({ github }) =>
      github.as("alice").openIssue(SHOP, { title: TITLE, body: "Card payments fail with 500 since 14:00." })
        .number,
  );
  const runs = [];
  for (const step of steps) {
    for (const w of [hosted, action]) w.clock.now += 5 * 60_000;
    const fromHosted = hosted.github.deliveries.length;
    step.act(hosted.github, numbers[0] as number);
    await receive(app, deliveryOf(hosted.github, fromHosted, step.event, step.action));

    const fromAction = action.github.deliveries.length;
    step.act(action.github, numbers[1] as number);
    runs.push(
      await runBundle(action.github, {
        event: eventOf(deliveryOf(action.github, fromAction, step.event, step.action)),
        token: action.token,
      }),
    );
  }

  for (const run of runs) {
    expect(run.stdout).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(new Set(run.connections)).toEqual(new Set([action.github.host]));
  }
  expect(runs.map((run) => run.stdout.match(/firebreak handled the [\w.]+ event/)?.[0])).toEqual([
    "firebreak handled the issues.labeled event",
    "firebreak handled the issue_comment.created event",
  ]);
  expect(action.github.problems).toEqual([]);
  expect(hosted.github.problems).toEqual([]);

  const fromHosted = outcome(hosted.github, numbers[0] as number, "firebreak[bot]");
  const fromAction = outcome(action.github, numbers[1] as number, "github-actions[bot]");
  expect(fromAction).toEqual(fromHosted);
  // …and what that is: the incident identified, the tracker and checklist, 👍 on the command.
  expect(fromAction.labels).toEqual(["incident/identified", "incident/sev2"]);
  expect(fromAction.appComments).toHaveLength(2);
  expect(fromAction.appComments[0]).toContain("<!-- firebreak:tracker -->");
  expect(fromAction.appComments[0]).toContain("## 🔥 SEV2 High incident · identified");
  expect(fromAction.appComments[0]).toContain("Retry card payments on gateway timeouts");
  expect(fromAction.appComments[1]).toContain("<!-- firebreak:checklist:respond -->");
  expect(fromAction.reactions).toEqual(["bob: THUMBS_UP by <app>"]);

  // The same writes, in the same order, all as the workflow's token (which never asks GET /app).
  expect(writes(action.github, 0)).toEqual(writes(hosted.github, 0));
  expect(writes(action.github, 0)).toEqual(Array(7).fill("POST /repos/{owner}/{repo}/labels"));
  expect(mutations(action.github, 0)).toEqual(mutations(hosted.github, 0));
  expect(mutations(action.github, 0)).toEqual([
    "addLabelsToLabelable",
    "addComment, addComment",
    "addLabelsToLabelable, removeLabelsFromLabelable",
    "updateIssueComment, addReaction",
  ]);
  expect(new Set(action.github.requests.map((r) => r.login))).toEqual(new Set(["github-actions[bot]"]));
  expect(action.github.requests.filter((r) => r.path.startsWith("/api/v3/app"))).toEqual([]);
}, 90_000);

/** An incident issue just labelled (firebreak's labels exist), and the event file of that. */
async function labelledIncident() {
  const { github, token } = await world(Date.now(), true);
  const from = github.deliveries.length;
  const issue = github.as("alice").openIssue(SHOP, { title: TITLE, body: "Card payments fail with 500." });
  github.as("alice").label(SHOP, issue.number, "incident/sev2");
  return { github, token, issue, event: eventOf(deliveryOf(github, from, "issues", "labeled")) };
}

it("fails the step when GitHub keeps failing, and tells the people on the incident", async () => {
  const { github, token, issue, event } = await labelledIncident();
  github.fault({ route: "graphql IncidentContext", status: 502, times: Infinity });

  const run = await runBundle(github, { event, token });

  expect(run.code).toBe(1);
  expect(run.stdout).toContain(
    "::error::firebreak could not handle this event: GitHub answered 502 Bad Gateway\n",
  );
  // The read was tried three times, then the whole event once more, as the hosted app does.
  expect(github.requests.filter((r) => r.operation === "IncidentContext")).toHaveLength(6);
  const notices = github.comments(SHOP, issue.number).filter((c) => c.author === "github-actions[bot]");
  // On a GitHub Enterprise Server, githubstatus.com says nothing about it: no link there.
  expect(notices.map((c) => c.body)).toEqual([
    [
      "<!-- firebreak:failure -->",
      "⚠️ firebreak could not finish updating this incident after the label `incident/sev2` was added: GitHub answered 502 Bad Gateway, also when it tried again.",
      "",
      "Nothing is lost: the labels are the record, and firebreak rebuilds the tracker from the issue's history on the next event here. To try again now, comment `/help`.",
      "",
    ].join("\n"),
  ]);
  expect(github.issue(SHOP, issue.number).labels.map((l) => l.name)).toEqual(["incident/sev2"]);
}, 60_000);

it("fails the step naming the permissions when GitHub refuses the workflow's token", async () => {
  const { github, token, issue, event } = await labelledIncident();
  // What GitHub answers when the workflow's `permissions:` leave out `issues`.
  github.fault({
    route: "graphql IncidentContext",
    status: 200,
    body: {
      data: null,
      errors: [
        {
          type: "FORBIDDEN",
          path: ["repository", "issue"],
          message: "Resource not accessible by integration",
        },
      ],
    },
    times: Infinity,
  });

  const run = await runBundle(github, { event, token });

  expect(run.code).toBe(1);
  const error = run.stdout.split("\n").find((line) => line.startsWith("::error::")) ?? "";
  expect(error).toContain("GitHub answered FORBIDDEN (Resource not accessible by integration)");
  expect(error).toContain(
    "the workflow needs `permissions:` issues: write, pull-requests: write and contents: write (and deployments: read",
  );
  // A refusal is final: not retried, and nothing written.
  expect(github.requests.filter((r) => r.operation === "IncidentContext")).toHaveLength(1);
  expect(github.requests.filter((r) => r.method !== "GET" && r.operation !== "IncidentContext")).toEqual([]);
  expect(github.comments(SHOP, issue.number)).toEqual([]);
}, 60_000);

it("costs nothing on an ordinary issue, and leaves other events alone", async () => {
  const { github, token } = await world(Date.now());
  const from = github.deliveries.length;
  const issue = github.as("alice").openIssue(SHOP, { title: "Typo in the README", body: "" });
  github.as("bob").comment(SHOP, issue.number, "/assign me");
  const comment = eventOf(deliveryOf(github, from, "issue_comment", "created"));

  const ordinary = await runBundle(github, { event: comment, token });
  const push = await runBundle(github, {
    event: { name: "push", payload: { ref: "refs/heads/main" } },
    token,
  });

  expect(ordinary.code).toBe(0);
  expect(ordinary.stdout).toContain("firebreak handled the issue_comment.created event.");
  expect(push.code).toBe(0);
  expect(push.stdout).toContain(
    "::notice::mode: app handles issues, issue_comment and pull_request events; this run's event is push, so there is nothing to do.",
  );
  expect(github.requests).toEqual([]);
  expect([...ordinary.connections, ...push.connections]).toEqual([]);
}, 60_000);
