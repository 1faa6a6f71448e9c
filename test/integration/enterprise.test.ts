// GitHub Enterprise Server: with `GHE_HOST`, Probot gives the app `https://<host>/api/v3`, and every
// request (REST and GraphQL) must go there, none to api.github.com.
import nock from "nock";
import { expect, it } from "vitest";
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
