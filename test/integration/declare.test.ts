import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commitNode, contextResponse, labeledNode } from "../helpers/graphql.js";
import { issueEvent, OWNER, REPO } from "../helpers/payloads.js";
import { githubApi, noConfig, testProbot } from "../helpers/probot.js";

const NOW = new Date("2026-11-22T14:02:00Z");

beforeEach(() => {
  nock.disableNetConnect();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
});

describe("declaring an incident by label", () => {
  it("labels it investigating, posts the tracker and then the first checklist", async () => {
    const probot = testProbot();
    const bodies: Record<string, any> = {};
    const scope = noConfig(githubApi(), OWNER, REPO)
      .post("/graphql", (body) => {
        bodies.query = body;
        return true;
      })
      .reply(
        200,
        contextResponse({
          timeline: [labeledNode("incident/sev2", "2026-11-22T14:01:58Z")],
          commits: [
            commitNode({
              sha: "a".repeat(40),
              headline: "Retry card payments in checkout (#12)",
              committedDate: "2026-11-22T11:00:00Z",
              pr: {
                number: 12,
                title: "Retry card payments in checkout",
                mergedAt: "2026-11-22T11:00:00Z",
                files: ["src/checkout/pay.ts"],
              },
            }),
            commitNode({
              sha: "b".repeat(40),
              headline: "Update README",
              committedDate: "2026-11-22T13:00:00Z",
              pr: { number: 13, title: "Docs", mergedAt: "2026-11-22T13:00:00Z", files: ["README.md"] },
            }),
          ],
        }),
      )
      .post(`/repos/${OWNER}/${REPO}/issues/42/labels`, { labels: ["incident/investigating"] })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/42/comments`, (body) => {
        bodies.tracker = body.body;
        return true;
      })
      .reply(201, { id: 1001, html_url: "https://github.com/acme/shop/issues/42#issuecomment-1001" })
      .post(`/repos/${OWNER}/${REPO}/issues/42/comments`, (body) => {
        bodies.checklist = body.body;
        return true;
      })
      .reply(201, { id: 1002, html_url: "https://github.com/acme/shop/issues/42#issuecomment-1002" });

    await probot.receive({
      id: "d1",
      name: "issues",
      payload: issueEvent("labeled", { labels: ["incident/sev2"], label: "incident/sev2" }) as any,
    });

    expect(scope.pendingMocks()).toEqual([]);
  });
});
