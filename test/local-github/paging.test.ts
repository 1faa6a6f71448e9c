// Backward paging (`last` + `before`), as firebreak reads a long incident's newest records after its
// checkpoint (LATEST_TIMELINE_QUERY): the records just before the cursor, oldest first, with
// hasPreviousPage and startCursor to go on.
import { expect, it } from "vitest";
import { LATEST_TIMELINE_QUERY } from "../../src/github/incident-context.js";
import { installationOctokit, localGitHub, octokitAs, REPO } from "./support.js";

type Page = {
  repository: {
    issue: {
      timelineItems: {
        pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
        nodes: Array<{ __typename: string; body?: string }>;
      };
    };
  };
};

it("pages a timeline backwards with last and before, oldest first within each page", async () => {
  const github = await localGitHub();
  const issue = github.as("alice").openIssue(REPO, { title: "Down" });
  for (let i = 1; i <= 250; i++) github.as("bob").comment(REPO, issue.number, `/note ${i}`);
  const octokit = await installationOctokit(github);

  const pages: Page["repository"]["issue"]["timelineItems"][] = [];
  let before: string | null = null;
  for (;;) {
    const page: Page = await octokit.graphql(LATEST_TIMELINE_QUERY, {
      owner: "acme",
      repo: "shop",
      issue: issue.number,
      before,
    });
    pages.push(page.repository.issue.timelineItems);
    const { pageInfo } = page.repository.issue.timelineItems;
    if (!pageInfo.hasPreviousPage) break;
    before = pageInfo.startCursor;
  }

  expect(pages.map((p) => [p.nodes.length, p.pageInfo.hasPreviousPage])).toEqual([
    [100, true],
    [100, true],
    [50, false],
  ]);
  expect(pages[0]?.nodes[0]?.body).toBe("/note 151");
  expect(pages[0]?.nodes.at(-1)?.body).toBe("/note 250");
  const all = pages.reverse().flatMap((p) => p.nodes.map((n) => n.body));
  expect(all).toEqual(Array.from({ length: 250 }, (_, i) => `/note ${i + 1}`));
  expect(github.problems).toEqual([]);
});

it("refuses before without last rather than answer a page it does not model", async () => {
  const github = await localGitHub();
  const issue = github.as("alice").openIssue(REPO, { title: "Down" });
  github.as("bob").comment(REPO, issue.number, "first");
  const cursor = Buffer.from("cursor:v2:1").toString("base64");
  const error = await octokitAs(github, "alice")
    .graphql(
      `query($n: Int!, $c: String!) { repository(owner: "acme", name: "shop") { issue(number: $n) {
        timelineItems(first: 10, before: $c) { nodes { __typename } } } } }`,
      { n: issue.number, c: cursor },
    )
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    errors: [{ message: "the local GitHub pages `timelineItems` backwards (before) only with last" }],
  });
});
