// The Action's runner end to end against a stateful GitHub: drafting the post-mortem pull request,
// reruns, people's commits, the merged-PR follow-ups, the project board, and failures that say
// what to fix.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import yaml from "js-yaml";
import { ACTION_COMMITTER, KEPT_COMMENT_MARKER } from "../../src/core/postmortem.js";
import { resetCore, state } from "./core-mock.js";
import type { FakeGitHub } from "./fake-github.js";
import {
  checkoutTimeline,
  closedPayload,
  command,
  commentPayload,
  INCIDENT,
  withCheckoutIncident,
} from "./fixtures.js";
import { event, runAction, startFake, stopFake } from "./harness.js";

const BRANCH = "incident-42/postmortem";
const PATH = "docs/postmortems/2026-11-22-checkout-returns-500-for-card-payments.md";

let fake: FakeGitHub;

beforeEach(() => {
  fake = startFake();
  withCheckoutIncident(fake);
  fake.addLabel("incident/postmortem");
  resetCore();
});
afterEach(() => {
  expect(fake.problems).toEqual([]);
  stopFake();
});

const closeIncident = () => runAction(event("issues", closedPayload()));
const operations = () =>
  fake.requests.map((r) => (r.operation ? `graphql ${r.operation}` : `${r.method} ${r.path}`));
const followUps = () => [...fake.issues.values()].filter((i) => i.number !== INCIDENT);
const incidentComments = () =>
  fake.issues.get(INCIDENT)?.timeline.filter((n) => n.__typename === "IssueComment" && n.viewerDidAuthor) ??
  [];

describe("drafting the post-mortem when an incident is closed", () => {
  it("opens one pull request with the document, its label, reviewers, follow-ups and a link on the incident", async () => {
    const result = await closeIncident();

    expect(state.failed).toEqual([]);
    expect(result.outcome).toBe("postmortem");
    expect(operations()).toEqual([
      "graphql PostmortemRead",
      "graphql FollowUpPrep",
      "POST /repos/acme/shop/labels",
      "graphql FirebreakFollowUps",
      "POST /repos/acme/shop/git/trees",
      "POST /repos/acme/shop/git/commits",
      "POST /repos/acme/shop/git/refs",
      "POST /repos/acme/shop/pulls",
      "graphql FirebreakPostmortem",
    ]);

    // The pull request, from the incident's branch, labelled, with the people who responded as reviewers.
    const pulls = [...fake.pulls.values()];
    expect(pulls).toHaveLength(1);
    const pull = pulls[0];
    expect(pull).toMatchObject({
      head: BRANCH,
      base: "main",
      title: "Post-mortem: #42 Checkout returns 500 for card payments",
      labels: ["incident/postmortem"],
      reviewers: ["bob", "carol", "dave", "alice"],
    });
    expect(pull?.body).toContain(`<!-- firebreak:postmortem incident=42 path=${PATH} -->`);

    // The document, committed by the Action on the branch.
    const document = fake.filesAt(BRANCH)?.get(PATH) ?? "";
    expect(document).toBe(result.document);
    expect(document).toContain("# Post-mortem: Checkout returns 500 for card payments");
    const head = fake.objects.get(fake.refs.get(BRANCH) ?? "");
    expect(head).toMatchObject({ committerEmail: ACTION_COMMITTER.email, parents: [fake.refs.get("main")] });
    expect(head?.message).toContain("Firebreak-Postmortem: 42");

    // One follow-up issue per action item: labelled, assigned, never a severity label.
    expect(followUps().map((i) => ({ title: i.title, labels: i.labels, assignees: i.assignees }))).toEqual([
      {
        title: "Add an alert when pay-db pool use is above 75%",
        labels: ["incident/follow-up"],
        assignees: ["carol"],
      },
      {
        title: "Load-test checkout retries before release",
        labels: ["incident/follow-up"],
        assignees: ["bob"],
      },
    ]);
    const [first] = followUps();
    expect(first?.body).toContain("<!-- firebreak:follow-up incident=42 item=c1013-l1 -->");
    expect(first?.body).toContain("Follow-up from incident #42");
    expect(first?.body).toContain(`https://github.com/acme/shop/blob/main/${PATH}`);
    expect(first?.body).not.toMatch(/^\//m);
    // …and linked from the document's action items.
    expect(document).toContain(
      `| 1 | Add an alert when pay-db pool use is above 75% | @carol | 2026-12-01 | [#${first?.number}](https://github.com/acme/shop/issues/${first?.number}) |`,
    );

    // Linked from the incident.
    expect(incidentComments()).toHaveLength(1);
    expect(incidentComments()[0]?.body).toContain(`#${pull?.number} proposes \`${PATH}\``);

    // Outputs.
    expect(state.outputs["pull-request-url"]).toBe(`https://github.com/acme/shop/pull/${pull?.number}`);
    expect(state.outputs["postmortem-path"]).toBe(PATH);
    expect(JSON.parse(state.outputs["follow-up-issues"] ?? "")).toEqual([
      {
        item: "c1013-l1",
        title: "Add an alert when pay-db pool use is above 75%",
        owner: "carol",
        due: "2026-12-01",
        number: first?.number,
        url: `https://github.com/acme/shop/issues/${first?.number}`,
        created: true,
      },
      expect.objectContaining({ item: "c1013-l2", owner: "bob", due: null, created: true }),
    ]);
  });

  it("writes valid YAML front matter with the incident's facts (times are YAML timestamps)", async () => {
    const { document } = await closeIncident();
    const front = /^---\n([\s\S]*?)\n---\n/.exec(document ?? "")?.[1] ?? "";
    expect(yaml.load(front)).toEqual({
      incident: 42,
      title: "Checkout returns 500 for card payments",
      severity: "SEV2",
      status: "resolved",
      started: new Date("2026-11-22T13:48:00Z"),
      declared: new Date("2026-11-22T14:02:05Z"),
      acknowledged: new Date("2026-11-22T14:04:00Z"),
      identified: new Date("2026-11-22T14:15:02Z"),
      mitigated: new Date("2026-11-22T14:35:02Z"),
      resolved: new Date("2026-11-22T14:55:02Z"),
      closed: new Date("2026-11-22T15:05:00Z"),
      durations_minutes: { detect: 14, acknowledge: 1, identify: 12, mitigate: 32, resolve: 52 },
      issue: "https://github.com/acme/shop/issues/42",
    });
  });
});

describe("an incident declared from the issue form", () => {
  it("dates its start from the form's answer, as the tracker does, when nobody ran /started", async () => {
    const issue = fake.issues.get(INCIDENT);
    if (!issue) throw new Error("no incident");
    issue.body =
      "### Severity\n\nSEV2\n\n### When it started\n\n14:00 UTC\n\n### What is happening\n\nCard payments fail.";
    issue.timeline = issue.timeline.map((node) =>
      typeof node.body === "string" && node.body.startsWith("/started")
        ? { ...node, body: node.body.replace(/^\/started .*\n/, "") }
        : node,
    );
    const { document } = await closeIncident();
    const front = yaml.load(/^---\n([\s\S]*?)\n---\n/.exec(document ?? "")?.[1] ?? "") as Record<
      string,
      unknown
    >;
    expect(front.started).toEqual(new Date("2026-11-22T14:00:00Z"));
  });
});

describe("running again", () => {
  it("changes nothing when nothing changed: same pull request, no second one, no duplicate follow-ups", async () => {
    await closeIncident();
    const before = { pulls: fake.pulls.size, issues: fake.issues.size, head: fake.refs.get(BRANCH) };
    fake.requests.length = 0;

    const again = await runAction(event("issue_comment", commentPayload("/postmortem")));

    expect(state.failed).toEqual([]);
    expect(fake.pulls.size).toBe(before.pulls);
    expect(fake.issues.size).toBe(before.issues);
    expect(fake.refs.get(BRANCH)).toBe(before.head);
    // The read, the tree that turns out identical, and the reaction to `/postmortem`.
    expect(operations()).toEqual([
      "graphql PostmortemRead",
      "POST /repos/acme/shop/git/trees",
      "graphql FirebreakPostmortem",
    ]);
    expect(again.pullRequestUrl).toBe(`https://github.com/acme/shop/pull/${[...fake.pulls.keys()][0]}`);
    expect(incidentComments()).toHaveLength(1);
  });

  it("does not open follow-ups twice even when the search has not indexed them yet", async () => {
    await closeIncident();
    for (const issue of followUps()) fake.notIndexed.add(issue.number);
    const count = fake.issues.size;
    await closeIncident();
    expect(fake.issues.size).toBe(count);
  });

  it("finds follow-ups opened by an earlier run whose link comment was lost, with one search", async () => {
    await closeIncident();
    const issue = fake.issues.get(INCIDENT);
    if (issue) issue.timeline = issue.timeline.filter((n) => !n.viewerDidAuthor);
    const count = fake.issues.size;
    fake.requests.length = 0;
    await closeIncident();
    expect(fake.issues.size).toBe(count);
    expect(operations().filter((o) => o === "graphql FollowUpPrep")).toHaveLength(1);
    expect(incidentComments()).toHaveLength(1);
  });

  it("updates the same branch and pull request when the incident's records changed", async () => {
    await closeIncident();
    const firstHead = fake.refs.get(BRANCH) as string;
    fake.issues
      .get(INCIDENT)
      ?.timeline.push(
        command(1100, "carol", "2026-11-22T16:00:00Z", "/note the DBA confirmed the pool size"),
      );

    const result = await closeIncident();

    expect(state.failed).toEqual([]);
    expect(fake.pulls.size).toBe(1);
    const head = fake.objects.get(fake.refs.get(BRANCH) ?? "");
    expect(head?.parents).toEqual([firstHead]);
    expect(head?.message).toMatch(/^Update the post-mortem of incident #42/);
    expect(fake.filesAt(BRANCH)?.get(PATH)).toContain("Note by @carol: the DBA confirmed the pool size");
    expect(result.document).toContain("the DBA confirmed the pool size");
  });
});

describe("people's commits on the branch", () => {
  it("are never overwritten: a comment on the pull request carries the new draft instead", async () => {
    await closeIncident();
    const edited = `${fake.filesAt(BRANCH)?.get(PATH)}\nWe agreed the pool alert is the priority.\n`;
    const theirs = fake.pushCommit(BRANCH, {
      path: PATH,
      content: edited,
      message: "Write the summary",
      author: "carol",
    });
    fake.issues
      .get(INCIDENT)
      ?.timeline.push(command(1100, "bob", "2026-11-22T16:00:00Z", "/note late finding"));

    await closeIncident();

    expect(state.failed).toEqual([]);
    expect(fake.refs.get(BRANCH)).toBe(theirs);
    expect(fake.filesAt(BRANCH)?.get(PATH)).toBe(edited);
    const pull = [...fake.pulls.values()][0];
    const notes = pull?.comments.filter((c) => c.body.includes(KEPT_COMMENT_MARKER)) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain(`\`${theirs.slice(0, 7)}\` by carol`);
    expect(notes[0]?.body).toContain("Note by @bob: late finding");
    expect(state.warnings).toEqual([expect.stringContaining("has commits by people")]);

    // Again: the same comment is updated, not repeated.
    fake.issues
      .get(INCIDENT)
      ?.timeline.push(command(1101, "bob", "2026-11-22T16:10:00Z", "/note later finding"));
    await closeIncident();
    const again = pull?.comments.filter((c) => c.body.includes(KEPT_COMMENT_MARKER)) ?? [];
    expect(again).toHaveLength(1);
    expect(again[0]?.body).toContain("later finding");
    expect(fake.refs.get(BRANCH)).toBe(theirs);
  });
});

describe("the merged post-mortem", () => {
  it("opens a follow-up issue for each row reviewers added, once", async () => {
    await closeIncident();
    const pull = [...fake.pulls.values()][0];
    if (!pull) throw new Error("no pull request");
    const document = fake.filesAt(BRANCH)?.get(PATH) ?? "";
    const reviewed = document.replace(
      "| 2 | Load-test checkout retries before release |",
      "| 3 | Add a timeout to every outbound payment call | @dave | 2026-12-15 | |\n| 2 | Load-test checkout retries before release |",
    );
    fake.pushCommit(BRANCH, { path: PATH, content: reviewed, message: "Review", author: "carol" });
    const payload = fake.merge(pull.number);
    const before = followUps().length;
    fake.requests.length = 0;

    const result = await runAction(event("pull_request", payload));

    expect(state.failed).toEqual([]);
    expect(result.outcome).toBe("follow-ups");
    const added = followUps().slice(before);
    expect(added.map((i) => ({ title: i.title, assignees: i.assignees, labels: i.labels }))).toEqual([
      {
        title: "Add a timeout to every outbound payment call",
        assignees: ["dave"],
        labels: ["incident/follow-up"],
      },
    ]);
    expect(added[0]?.body).toContain(`[#${pull.number}](https://github.com/acme/shop/pull/${pull.number})`);
    expect(added[0]?.body).toContain("| **Due** | 2026-12-15 |");
    expect(pull.comments.at(-1)?.body).toContain(
      `#${added[0]?.number} Add a timeout to every outbound payment call`,
    );
    expect(operations()).toEqual([
      "graphql MergedPostmortem",
      "graphql FollowUpPrep",
      "graphql FirebreakFollowUps",
      "graphql FirebreakPostmortemMerged",
    ]);
    expect(JSON.parse(state.outputs["follow-up-issues"] ?? "")).toEqual([
      expect.objectContaining({
        title: "Add a timeout to every outbound payment call",
        owner: "dave",
        created: true,
      }),
    ]);

    // A rerun of the same event opens nothing.
    resetCore();
    const count = fake.issues.size;
    await runAction(event("pull_request", payload));
    expect(fake.issues.size).toBe(count);
    expect(JSON.parse(state.outputs["follow-up-issues"] ?? "")).toEqual([
      expect.objectContaining({ number: added[0]?.number, created: false }),
    ]);
  });

  it("does not open a second issue for a recorded item whose row lost its link", async () => {
    await closeIncident();
    const pull = [...fake.pulls.values()][0];
    if (!pull) throw new Error("no pull request");
    const [alert] = followUps();
    const document = fake.filesAt(BRANCH)?.get(PATH) ?? "";
    const unlinked = document.replace(
      `[#${alert?.number}](https://github.com/acme/shop/issues/${alert?.number})`,
      "_opened with the pull request_",
    );
    expect(unlinked).not.toBe(document);
    fake.pushCommit(BRANCH, { path: PATH, content: unlinked, message: "Edit", author: "carol" });
    const count = fake.issues.size;
    await runAction(event("pull_request", fake.merge(pull.number)));
    expect(state.failed).toEqual([]);
    expect(fake.issues.size).toBe(count);
  });

  it("ignores pull requests that are not post-mortems, or were closed without merging", async () => {
    await closeIncident();
    const pull = [...fake.pulls.values()][0];
    if (!pull) throw new Error("no pull request");
    fake.requests.length = 0;
    await runAction(event("pull_request", fake.pullPayload(pull)));
    const other = fake.pullPayload({ ...pull, head: "feature/x", state: "MERGED" });
    await runAction(event("pull_request", other));
    expect(fake.requests).toEqual([]);
    expect(state.notices).toEqual([
      expect.stringContaining("was closed without merging"),
      expect.stringContaining("is not a post-mortem pull request"),
    ]);
  });
});

describe("the project board", () => {
  const board = (fields: Parameters<FakeGitHub["addProject"]>[0]["fields"]) =>
    fake.addProject({ id: "PVT_5", number: 5, title: "Reliability", fields });
  const full = [
    { id: "F_title", name: "Title", dataType: "TITLE" as const },
    {
      id: "F_status",
      name: "Status",
      dataType: "SINGLE_SELECT" as const,
      options: [
        { id: "todo", name: "Todo" },
        { id: "done", name: "Done" },
      ],
    },
    {
      id: "F_sev",
      name: "Severity",
      dataType: "SINGLE_SELECT" as const,
      options: [
        { id: "s1", name: "SEV1" },
        { id: "s2", name: "SEV2" },
      ],
    },
    { id: "F_due", name: "Due date", dataType: "DATE" as const },
    { id: "F_incident", name: "Incident", dataType: "TEXT" as const },
  ];

  it("adds each follow-up and sets Status, Severity, Due date and Incident by name", async () => {
    const project = board(full);
    resetCore({ "project-url": "https://github.com/orgs/acme/projects/5", "project-token": "project-token" });
    const result = await runAction(event("issues", closedPayload()), { project: true });

    expect(state.failed).toEqual([]);
    expect(state.warnings).toEqual([]);
    const [alert, loadTest] = followUps();
    expect(project.items.map((i) => [i.contentId, Object.fromEntries(i.values)])).toEqual([
      [
        alert?.id,
        {
          F_status: "todo",
          F_sev: "s2",
          F_due: "2026-12-01",
          F_incident: "#42 Checkout returns 500 for card payments",
        },
      ],
      [
        loadTest?.id,
        { F_status: "todo", F_sev: "s2", F_incident: "#42 Checkout returns 500 for card payments" },
      ],
    ]);
    // The board is reached with the project token only: its read, the items, their fields.
    expect(fake.requests.filter((r) => r.project).map((r) => r.operation)).toEqual([
      "ProjectFields",
      "FirebreakBoardItems",
      "FirebreakBoardFields",
    ]);
    expect(result.requests.project).toBe(3);
  });

  it("warns about a missing field or option, and still succeeds", async () => {
    const project = board([
      {
        id: "F_status",
        name: "Status",
        dataType: "SINGLE_SELECT",
        options: [{ id: "backlog", name: "Backlog" }],
      },
      { id: "F_due", name: "Due", dataType: "DATE" },
    ]);
    resetCore({ "project-url": "https://github.com/orgs/acme/projects/5", "project-token": "project-token" });
    await runAction(event("issues", closedPayload()), { project: true });

    expect(state.failed).toEqual([]);
    expect(state.warnings).toEqual([
      'the project "Reliability" field "Status" has no option "Todo" (it has "Backlog"); it was left empty',
      'the project "Reliability" has no field "Severity"; add it to have firebreak fill it in',
      'the project "Reliability" has no field "Incident"; add it to have firebreak fill it in',
    ]);
    expect(project.items.map((i) => Object.fromEntries(i.values))).toEqual([{ F_due: "2026-12-01" }, {}]);
  });

  it("fails, saying which token works, when the token may not write to the board", async () => {
    board(full);
    fake.projectReadOnly = true;
    resetCore({ "project-url": "https://github.com/orgs/acme/projects/5", "project-token": "project-token" });
    await runAction(event("issues", closedPayload()), { project: true });
    expect(fake.pulls.size).toBe(1);
    expect(state.failed).toEqual([
      expect.stringMatching(
        /could not be added to the project "Reliability".*GITHUB_TOKEN cannot reach Projects/,
      ),
    ]);
  });

  it("fails before writing anything when the board cannot be found", async () => {
    resetCore({ "project-url": "https://github.com/orgs/acme/projects/9", "project-token": "project-token" });
    await runAction(event("issues", closedPayload()), { project: true });
    expect(state.failed).toEqual([
      expect.stringContaining(
        "project-url https://github.com/orgs/acme/projects/9 cannot be found (the organisation acme has no project number 9)",
      ),
    ]);
    expect(fake.pulls.size).toBe(0);
    expect(followUps()).toEqual([]);
  });

  it("fails on a project URL that does not parse, before any request", async () => {
    resetCore({ "project-url": "https://github.com/acme/shop/projects", "project-token": "project-token" });
    await runAction(event("issues", closedPayload()), { project: true });
    expect(state.failed).toEqual([expect.stringMatching(/^project-url: .* is not a Projects board address/)]);
    expect(fake.requests).toEqual([]);
  });
});

describe("what to fix when it fails", () => {
  it("names the permission the token lacks", async () => {
    fake.refuse("POST /git/trees", 403, "Resource not accessible by integration");
    await closeIncident();
    expect(state.failed).toEqual([
      "Could not commit the post-mortem: 403 Resource not accessible by integration. The token lacks the contents: write permission: add it under `permissions:` in the workflow (contents: write, pull-requests: write and issues: write cover everything the Action does).",
    ]);
  });

  it("names the repository setting that keeps GitHub Actions from opening pull requests", async () => {
    fake.refuse("POST /pulls", 422, "GitHub Actions is not permitted to create or approve pull requests.");
    await closeIncident();
    expect(state.failed).toEqual([
      expect.stringContaining("Settings → Actions → General → Workflow permissions"),
    ]);
  });

  it("says an issue that is not an incident is not one, when asked for by number", async () => {
    fake.addIssue({
      number: 7,
      title: "Typo in README",
      body: "",
      author: { __typename: "User", login: "alice" },
      state: "OPEN",
      createdAt: "2026-11-22T10:00:00Z",
      closedAt: null,
      labels: ["docs"],
      assignees: [],
      timeline: [],
    });
    resetCore({ "issue-number": "7" });
    await runAction(event("workflow_dispatch", { inputs: {} }));
    expect(state.failed).toEqual([
      "#7 is not an incident: it has no severity label (incident/sev1, incident/sev2, incident/sev3, incident/sev4). Give the number of an incident's issue.",
    ]);
  });

  it("asks for issue-number on a run by hand without one", async () => {
    await runAction(event("workflow_dispatch", { inputs: {} }));
    expect(state.failed).toEqual([expect.stringContaining("issue-number is required")]);
    expect(fake.requests).toEqual([]);
  });

  it("names the template file and line that do not compile, and writes nothing", async () => {
    fake.putFile(
      ".github/firebreak/postmortem.md.hbs",
      "# {{incident.title}}\n\n{{#each timeline.rows}}\n- {{at}}\n",
    );
    fake.requests.length = 0;
    await closeIncident();
    expect(state.failed).toEqual([
      expect.stringMatching(
        /^\.github\/firebreak\/postmortem\.md\.hbs line 5: the template does not compile \(Expecting .*, got 'EOF'\)/,
      ),
    ]);
    expect(operations()).toEqual(["graphql PostmortemRead"]);
  });

  it("names a field a template uses that the post-mortem does not provide", async () => {
    fake.putFile("docs/pm.hbs", "# {{incident.title}}\n\nOwner: {{owner}}\n");
    resetCore({ template: "docs/pm.hbs" });
    await closeIncident();
    expect(state.failed).toEqual([
      "docs/pm.hbs line 3: `owner` is not a field or helper firebreak provides. Fix the template (start from templates/ in firebreak to see the fields available).",
    ]);
  });

  it("uses a repository's template when it works", async () => {
    fake.putFile(
      "docs/pm.hbs",
      "# {{incident.title}} ({{severity.tag}})\n\n{{#each actionItems}}- {{text}}\n{{/each}}",
    );
    resetCore({ template: "docs/pm.hbs" });
    const { document } = await closeIncident();
    expect(state.failed).toEqual([]);
    expect(document).toBe(
      "# Checkout returns 500 for card payments (SEV2)\n\n- Add an alert when pay-db pool use is above 75%\n- Load-test checkout retries before release\n",
    );
  });
});

describe("events", () => {
  it("leaves ordinary issues, other actions and other events alone, without a request", async () => {
    await runAction(event("issues", { ...closedPayload(["bug"]) }));
    await runAction(event("issues", { ...closedPayload(), action: "opened" }));
    await runAction(
      event("issues", {
        ...closedPayload(),
        issue: { ...closedPayload().issue, state_reason: "not_planned" },
      }),
    );
    await runAction(event("issue_comment", commentPayload("thanks all")));
    await runAction(
      event("issue_comment", commentPayload("/postmortem", { association: "NONE", login: "mallory" })),
    );
    await runAction(
      event("issue_comment", commentPayload("/postmortem", { type: "Bot", login: "renovate[bot]" })),
    );
    await runAction(event("push", {}));
    expect(fake.requests).toEqual([]);
    expect(state.failed).toEqual([]);
    expect(state.notices).toEqual([
      "#42 is not an incident (no incident/sevN label): no post-mortem.",
      "Nothing to do when an issue is opened: the post-mortem is drafted when an incident is closed.",
      "Incident #42 was closed as not planned: no post-mortem. Comment /postmortem on it to draft one anyway.",
      "The comment asks nothing of the post-mortem Action (it answers `/postmortem`).",
      "@mallory may not ask for a post-mortem: only the repository's owners, members and collaborators may.",
      "Comments by bots are ignored.",
      expect.stringContaining("has nothing to do on push events"),
    ]);
  });

  it("answers `/postmortem` with the draft and a 🚀 on the comment", async () => {
    const issue = fake.issues.get(INCIDENT);
    issue?.timeline.push({
      __typename: "IssueComment",
      id: "IC_5555",
      databaseId: 5555,
      url: "https://github.com/acme/shop/issues/42#issuecomment-5555",
      author: { __typename: "User", login: "bob" },
      viewerDidAuthor: false,
      createdAt: "2026-11-22T15:10:00Z",
      body: "/postmortem",
      reactionGroups: [],
    });
    await runAction(event("issue_comment", commentPayload("Closing notes.\n/postmortem")));
    expect(state.failed).toEqual([]);
    expect(fake.pulls.size).toBe(1);
    const comment = issue?.timeline.find((n) => n.id === "IC_5555");
    expect(comment?.reactionGroups).toEqual([
      { content: "ROCKET", reactors: { nodes: [{ __typename: "Bot", login: "github-actions" }] } },
    ]);
  });

  it("writes nothing on a dry run: the document goes to the summary and the outputs", async () => {
    resetCore({ "dry-run": "true" });
    process.env.GITHUB_STEP_SUMMARY = "/dev/null";
    const result = await closeIncident().finally(() => {
      delete process.env.GITHUB_STEP_SUMMARY;
    });
    expect(operations()).toEqual(["graphql PostmortemRead", "graphql FollowUpPrep"]);
    expect(fake.pulls.size).toBe(0);
    expect(state.outputs["postmortem-path"]).toBe(PATH);
    expect(state.outputs["pull-request-url"]).toBe("");
    expect(state.summary.join("\n")).toContain(result.document ?? "missing");
  });

  it("drafts without commands when the incident has no firebreak tracker, and says why", async () => {
    const issue = fake.issues.get(INCIDENT);
    if (issue)
      issue.timeline = checkoutTimeline().filter((n) => !String(n.body ?? "").includes("firebreak:tracker"));
    const { document } = await closeIncident();
    expect(state.warnings).toEqual([expect.stringContaining("has no firebreak tracker comment")]);
    expect(document).not.toContain("Incident commander: @bob");
    expect(document).toContain("Declared SEV2");
  });
});
