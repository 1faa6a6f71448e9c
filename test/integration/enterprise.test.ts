import nock from "nock";
import { run } from "probot";
import { expect, it } from "vitest";
import { appServerEnv, freePort } from "../../local-github/app.js";
import { startLocalGitHub } from "../../local-github/index.js";
import firebreak, { firebreakOctokit } from "../../src/index.js";
import { SHOP, seedShop } from "../action/app-bundle.js";
import { contextReply, labeledNode } from "../helpers/graphql.js";
import { deliver, useFixedClock } from "../helpers/harness.js";
import { checkoutCommits, TRACKER_ID } from "../helpers/incident.js";
import { OWNER, REPO } from "../helpers/payloads.js";
import { APP_ID, APP_SLUG, INSTALLATION_ID, testProbot } from "../helpers/probot.js";
import { answerWrites, decodeWrites } from "../helpers/writes.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const GHE = "https://ghe.example.com";

it("declares an incident against GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql", async () => {
  const config = (repo: string) =>
    `/api/v3/repos/${OWNER}/${repo}/contents/${encodeURIComponent(".github/incident.yml")}`;
  const seen: string[] = [];
  const writes: string[][] = [];
  const scope = nock(GHE)
    .get("/api/v3/app")
    .reply(200, { id: APP_ID, slug: APP_SLUG })
    .post(`/api/v3/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_ghe", expires_at: "2099-01-01T00:00:00Z" })
    .get(config(REPO))
    .reply(404)
    .get(config(".github"))
    .reply(404)
    .post("/api/graphql", (body) => body.query.includes("query IncidentContext"))
    .reply(
      contextReply({
        timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
        commits: checkoutCommits(),
      }),
    )
    .post("/api/graphql", (body) => {
      if (!body.query.includes("mutation FirebreakWrites")) return false;
      writes.push(decodeWrites(body).map((op) => op.op));
      return true;
    })
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  scope.on("request", (req) => seen.push(`${req.method} ${req.path}`));

  await deliver(testProbot(`${GHE}/api/v3`), "labeled", {
    labels: ["incident/sev2"],
    label: "incident/sev2",
  });

  expect(scope.pendingMocks()).toEqual([]);
  expect(seen.every((line) => / \/api\/(v3\/|graphql$)/.test(line))).toBe(true);
  expect(writes).toEqual([["addLabelsToLabelable"], ["addComment", "addComment"]]);
});

it("runs a whole incident on GitHub Enterprise Server from GHE_HOST: every request and every link on the server", async () => {
  nock.enableNetConnect("127.0.0.1");
  const github = await startLocalGitHub();
  const { culprit } = seedShop(github);
  const secret = "ghe-webhook-secret";
  const port = await freePort();
  // As `npm start` runs it (src/main.ts), configured for the server by GHE_HOST and GHE_PROTOCOL.
  const server = await run(firebreak, {
    env: appServerEnv(github, { port, secret }),
    Octokit: firebreakOctokit().defaults((o: Record<string, unknown>) => ({
      ...o,
      throttle: { enabled: false },
    })),
  });
  github.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`, secret);
  try {
    const issue = github
      .as("alice")
      .openIssue(SHOP, { title: "Checkout returns 500", body: "Card payments fail." });
    github.as("alice").label(SHOP, issue.number, "incident/sev2");
    await github.settled();
    github.as("bob").comment(SHOP, issue.number, "/status identified");
    await github.settled();
    const sha7 = (culprit.mergeCommit ?? "").slice(0, 7);
    github.as("bob").comment(SHOP, issue.number, `/rollback ${sha7} retries pile up`);
    await github.settled();

    expect(github.problems).toEqual([]);
    expect(github.deliveries.map((d) => d.status)).toEqual(github.deliveries.map(() => 200));
    const labels = github.issue(SHOP, issue.number).labels.map((l) => l.name);
    expect(labels.sort()).toEqual(["incident/identified", "incident/sev2"]);
    const revert = [...github.repo(SHOP).items.values()].find(
      (item) => item.kind === "pull" && item.head === `incident-${issue.number}/revert-${sha7}`,
    );
    expect(revert?.title).toBe('Revert "Retry card payments on gateway timeouts"');

    // Every request went to the server's API: REST under /api/v3, GraphQL at /api/graphql.
    expect(github.requests.length).toBeGreaterThan(10);
    expect(github.requests.filter((r) => !/^\/api\/(v3\/|graphql$)/.test(r.path))).toEqual([]);
    // Every link firebreak wrote points at the server: the tracker's suspects, the replies, the revert.
    const bodies = [
      ...github.comments(SHOP, issue.number).filter((c) => c.author === "firebreak[bot]"),
      revert,
    ].map((x) => x?.body ?? "");
    const links = bodies.flatMap((body) => body.match(/https?:\/\/[^\s)\]>"'`]+/g) ?? []);
    expect(links.filter((link) => !link.startsWith(`${github.url}/acme/shop/`))).toEqual([]);
    expect(new Set(links)).toEqual(
      new Set([
        `${github.url}/acme/shop/pull/${culprit.number}`,
        `${github.url}/acme/shop/pull/${revert?.number}`,
        `${github.url}/acme/shop/commit/${culprit.mergeCommit}`,
      ]),
    );
  } finally {
    await server.stop();
    await github.stop();
  }
}, 60_000);
