// GraphQL against GitHub's published schema: a document GitHub would reject is rejected, a field or
// argument the local GitHub does not model is an error (never a silent null) and listed in its
// problems, and what it models answers from the state, for firebreak's own documents.
import { expect, it } from "vitest";
import { incidentContextQuery } from "../../src/github/incident-context.js";
import { installationOctokit, lines, localGitHub, octokitAs, REPO } from "./support.js";

it("answers a field it does not model with an error and lists it, never with a silent null", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");

  const error = await octokit
    .graphql('query Stars { repository(owner: "acme", name: "shop") { name stargazerCount } }')
    .catch((e: unknown) => e);

  expect(error).toMatchObject({
    errors: [
      {
        path: ["repository", "stargazerCount"],
        message: "the local GitHub does not model Repository.stargazerCount",
      },
    ],
  });
  expect(github.problems).toEqual([
    "GraphQL Stars: the local GitHub does not model Repository.stargazerCount",
  ]);
  expect(github.requests[0]?.errors).toEqual(["the local GitHub does not model Repository.stargazerCount"]);
});

it("answers an argument it does not model with an error", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  const error = await octokit
    .graphql(
      'query ByPath { repository(owner: "acme", name: "shop") { ref(qualifiedName: "refs/heads/main") { target { ... on Commit { history(first: 5, path: "src") { totalCount } } } } } }',
    )
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    errors: [{ message: "the local GitHub does not model Commit.history(path)" }],
  });
  expect(github.problems).toHaveLength(1);
});

it("rejects a document GitHub's schema rejects, and runs none of a rejected mutation's fields", async () => {
  const github = await localGitHub();
  const issue = github.as("alice").openIssue(REPO, { title: "Down" });
  const octokit = await installationOctokit(github);
  const error = await octokit
    .graphql(
      `mutation Bad($id: ID!) {
        w0: addComment(input: { subjectId: $id, body: "hello" }) { clientMutationId }
        w1: addComment(input: { subjectId: $id, text: "typo" }) { clientMutationId }
      }`,
      { id: issue.id },
    )
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    errors: [
      { message: 'Field "AddCommentInput.body" of required type "String!" was not provided.' },
      { message: 'Field "text" is not defined by type "AddCommentInput".' },
    ],
  });
  expect(github.comments(REPO, issue.number)).toEqual([]);
  expect(github.problems[0]).toMatch(/^GraphQL Bad would be rejected by GitHub/);
  expect(github.requests.at(-1)?.writes).toEqual([
    { alias: "w0", field: "addComment", ok: false, error: "the document was rejected" },
    { alias: "w1", field: "addComment", ok: false, error: "the document was rejected" },
  ]);
});

it("answers with GitHub's typed errors: NOT_FOUND, EXCESSIVE_PAGINATION", async () => {
  const github = await localGitHub();
  const octokit = octokitAs(github, "alice");
  const error = await octokit
    .graphql(
      'query { repository(owner: "acme", name: "shop") { issue(number: 99) { title } labels(first: 101) { totalCount } } }',
    )
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    errors: [
      {
        type: "NOT_FOUND",
        path: ["repository", "issue"],
        message: "Could not resolve to an Issue with the number of 99.",
      },
      { type: "EXCESSIVE_PAGINATION", path: ["repository", "labels"] },
    ],
  });
  expect(github.problems).toEqual([]);
});

it("answers firebreak's incident read from the state: timeline, history with pull requests and paths, deployments", async () => {
  const github = await localGitHub();
  github.seed.label(REPO, "incident/sev2");
  const pull = github.seed.mergedPullRequest(REPO, {
    number: 12,
    title: "Retry checkout payments",
    author: "alice",
    mergedBy: "bob",
    at: "2026-11-22T12:00:00Z",
    files: { "src/pay.ts": lines([3, "retry()"]), "src/checkout/retry.ts": "retry\n" },
  });
  github.seed.deployment(REPO, {
    sha: pull.mergeCommit as string,
    at: "2026-11-22T12:30:00Z",
    environmentUrl: "https://shop.example",
  });
  const issue = github.as("bob").openIssue(REPO, { title: "Checkout down", labels: ["incident/sev2"] });
  const comment = github.as("alice").comment(REPO, issue.number, "/role ic me");
  const octokit = await installationOctokit(github);
  github.as("alice").react(REPO, { comment: comment.databaseId }, "THUMBS_UP");

  const data = await octokit.graphql<Record<string, any>>(incidentContextQuery(1), {
    owner: "acme",
    repo: "shop",
    issue: issue.number,
    branch: "refs/heads/main",
    overrides: "HEAD:.github/firebreak",
    withHistory: true,
    since: "2026-11-22T00:00:00Z",
    until: "2026-11-23T00:00:00Z",
    commits: 10,
    ...Object.fromEntries(
      ["l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7"].map((a, i) => [
        a,
        i === 0 ? "incident/sev2" : `x${i}`,
      ]),
    ),
    u0: "alice",
  });

  expect(github.problems).toEqual([]);
  expect(data.u0).toEqual({ id: github.store.user("alice")?.id, login: "alice" });
  const repo = data.repository;
  expect(repo.l0).toMatchObject({ name: "incident/sev2" });
  expect(repo.l1).toBeNull();
  expect(repo.issue.timelineItems.nodes.map((n: { __typename: string }) => n.__typename)).toEqual([
    "LabeledEvent",
    "IssueComment",
  ]);
  expect(repo.issue.timelineItems.nodes[1]).toMatchObject({
    databaseId: comment.databaseId,
    viewerDidAuthor: false,
    author: { __typename: "User", login: "alice" },
    url: `${github.url}/acme/shop/issues/${issue.number}#issuecomment-${comment.databaseId}`,
  });
  const history = repo.ref.target.history;
  expect(history.nodes.map((n: { messageHeadline: string }) => n.messageHeadline)).toEqual([
    "Merge pull request #12 from acme/alice/retry-checkout-payments",
    "Retry checkout payments",
  ]);
  expect(history.nodes[0].associatedPullRequests.nodes).toEqual([
    {
      number: 12,
      title: "Retry checkout payments",
      url: `${github.url}/acme/shop/pull/12`,
      mergedAt: "2026-11-22T12:00:00Z",
      baseRefName: "main",
      additions: 2,
      deletions: 1,
      author: { login: "alice" },
      files: { totalCount: 2, nodes: [{ path: "src/checkout/retry.ts" }, { path: "src/pay.ts" }] },
    },
  ]);
  expect(history.nodes[0].author).toEqual({ name: "bob", user: { login: "bob" } });
  expect(repo.deployments.nodes).toEqual([
    {
      environment: "production",
      commitOid: pull.mergeCommit,
      createdAt: "2026-11-22T12:30:00Z",
      latestStatus: { state: "SUCCESS", environmentUrl: "https://shop.example" },
    },
  ]);
  expect(repo.overrides).toBeNull();
});
