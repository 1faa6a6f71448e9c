// The Action on GitHub Enterprise Server: the built bundle, given GITHUB_API_URL (…/api/v3),
// GITHUB_GRAPHQL_URL (…/api/graphql) and GITHUB_SERVER_URL by the runner, sends every request there
// and opens no connection anywhere else (api.github.com included), in Actions-only mode (a
// declaration, a rollback, the close) and drafting the post-mortem; every link it writes is the server's.
import { afterEach, expect, it } from "vitest";
import { type LocalGitHub, startLocalGitHub } from "../../local-github/index.js";
import { type BundleRun, deliveryOf, eventOf, runBundle, SHOP, seedShop } from "./app-bundle.js";

let github: LocalGitHub | null = null;
afterEach(async () => {
  await github?.stop();
  github = null;
});

it("sends every request to the server's API and writes the server's links", async () => {
  github = await startLocalGitHub();
  const g = github;
  const { token, culprit } = seedShop(g, Date.now(), { labels: true });
  const runs: BundleRun[] = [];
  /** What a person did, then the workflow run it starts: the app, and (on close) the post-mortem. */
  const step = async (event: string, action: string, act: () => void, modes = ["app"]) => {
    const from = g.deliveries.length;
    act();
    const file = eventOf(deliveryOf(g, from, event, action));
    for (const mode of modes) runs.push(await runBundle(g, { event: file, token, inputs: { mode } }));
  };

  const issue = g.as("alice").openIssue(SHOP, { title: "Checkout returns 500", body: "Card payments fail." });
  await step("issues", "labeled", () => g.as("alice").label(SHOP, issue.number, "incident/sev2"));
  const sha7 = (culprit.mergeCommit ?? "").slice(0, 7);
  await step("issue_comment", "created", () => {
    g.as("bob").comment(SHOP, issue.number, `/rollback ${sha7} retries pile up\n/status identified`);
  });
  await step("issues", "closed", () => g.as("alice").close(SHOP, issue.number), ["app", "postmortem"]);

  for (const run of runs) {
    expect(run.stdout).not.toContain("::error::");
    expect(run.code).toBe(0);
  }
  expect(g.problems).toEqual([]);
  const pulls = [...g.repo(SHOP).items.values()].flatMap((item) =>
    item.kind === "pull" && item.author === "github-actions[bot]" ? [item] : [],
  );
  expect(pulls.map((p) => p.head).sort()).toEqual([
    `incident-${issue.number}/postmortem`,
    `incident-${issue.number}/revert-${sha7}`,
  ]);

  // Nothing but the server: no connection elsewhere, REST under /api/v3, GraphQL at /api/graphql.
  expect(new Set(runs.flatMap((run) => run.connections))).toEqual(new Set([g.host]));
  expect(g.requests.length).toBeGreaterThan(15);
  expect(g.requests.filter((r) => !/^\/api\/(v3\/|graphql$)/.test(r.path))).toEqual([]);

  // Every link written (tracker, replies, the pull requests, the post-mortem) is on the server.
  const postmortem = g.repo(SHOP).git.run("show", `incident-${issue.number}/postmortem:docs/postmortems/`);
  const document = g
    .repo(SHOP)
    .git.run(
      "show",
      `incident-${issue.number}/postmortem:docs/postmortems/${postmortem.split("\n").find((f) => f.endsWith("-checkout-returns-500.md"))}`,
    );
  const bodies = [
    ...g
      .comments(SHOP, issue.number)
      .filter((c) => c.author === "github-actions[bot]")
      .map((c) => c.body),
    ...pulls.map((p) => p.body),
    document,
  ];
  const links = bodies.flatMap((body) => body.match(/https?:\/\/[^\s)\]>"'`]+/g) ?? []);
  expect(links.filter((link) => !link.startsWith(`${g.url}/acme/shop/`))).toEqual([]);
  const server = `${g.url}/acme/shop`;
  const revert = pulls.find((p) => p.head.includes("/revert-"));
  const tracker = g.comments(SHOP, issue.number).find((c) => c.body.startsWith("<!-- firebreak:tracker -->"));
  expect([...new Set(links)].sort()).toEqual(
    [
      `${server}/pull/${culprit.number}`,
      `${server}/commit/${culprit.mergeCommit}`,
      `${server}/pull/${revert?.number}`,
      `${server}/issues/${issue.number}`,
      `${server}/issues/${issue.number}#issuecomment-${tracker?.databaseId}`,
    ].sort(),
  );
}, 120_000);
