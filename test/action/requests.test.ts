// The exact requests the Action sends when an incident is closed: every method, path, GraphQL
// document and variable, in order. GitHub's answers are computed by the fake (not listening), so
// they are realistic; what is asserted is what the Action asks.
import { afterEach, expect, it, vi } from "vitest";

vi.mock("@actions/core", async () => (await import("./core-mock.js")).coreMock);

import nock from "nock";
import { ACTION_COMMITTER } from "../../src/core/postmortem.js";
import { batchMutation } from "../../src/github/batch.js";
import { followUpPrepQuery } from "../../src/github/follow-ups.js";
import { POSTMORTEM_READ_QUERY } from "../../src/github/postmortem.js";
import { resetCore, state } from "./core-mock.js";
import { API, FakeGitHub } from "./fake-github.js";
import { closedPayload, withCheckoutIncident } from "./fixtures.js";
import { event, runAction } from "./harness.js";

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const PATH = "docs/postmortems/2026-11-22-checkout-returns-500-for-card-payments.md";
const mismatches: unknown[] = [];

/** A nock body matcher that records why a request differs from the one expected. */
function exactly(expected: unknown) {
  return (body: unknown) => {
    try {
      expect(body).toEqual(expected);
      return true;
    } catch (error) {
      mismatches.push(error);
      return false;
    }
  };
}

it("closing incident #42 sends exactly these requests", async () => {
  const fake = new FakeGitHub();
  withCheckoutIncident(fake);
  fake.addLabel("incident/postmortem");
  fake.addLabel("incident/follow-up");
  const main = fake.refs.get("main") as string;
  const mainTree = fake.objects.get(main)?.tree;
  const answer = (method: string) =>
    function (this: { req: { headers: Record<string, unknown> } }, uri: string, body: any) {
      return fake.handle(method, uri, body, this.req.headers);
    };
  const mutation = (name: string, fields: Parameters<typeof batchMutation>[1]) => {
    const { query, variables } = batchMutation(name, fields);
    return { query, variables };
  };
  const treeSha = () => [...fake.trees.keys()].at(-1);

  nock.disableNetConnect();
  const scope = nock(API)
    .post(
      "/graphql",
      exactly({
        query: POSTMORTEM_READ_QUERY,
        variables: {
          owner: "acme",
          repo: "shop",
          issue: 42,
          branch: "incident-42/postmortem",
          branchRef: "refs/heads/incident-42/postmortem",
          config: "HEAD:.github/incident.yml",
          template: "HEAD:.github/firebreak/postmortem.md.hbs",
          followUpTemplate: "HEAD:.github/firebreak/follow-up.md.hbs",
          postmortemLabel: "incident/postmortem",
          followUpLabel: "incident/follow-up",
          postmortemDir: "HEAD:docs/postmortems",
          indexTemplate: "HEAD:.github/firebreak/incident-index.md.hbs",
        },
      }),
    )
    .reply(answer("POST"))
    .post(
      "/graphql",
      exactly({
        query: followUpPrepQuery(4),
        variables: {
          search: 'repo:acme/shop is:issue label:"incident/follow-up" in:body "incident #42"',
          after: null,
          u0: "carol",
          u1: "bob",
          u2: "dave",
          u3: "alice",
        },
      }),
    )
    .reply(answer("POST"))
    .post(
      "/graphql",
      exactly(
        mutation("FirebreakFollowUps", [
          {
            field: "createIssue",
            input: {
              repositoryId: "R_shop",
              title: "Add an alert when pay-db pool use is above 75%",
              body: expect.stringMatching(
                /^<!-- firebreak:follow-up incident=42 item=c1013-l1 -->\nFollow-up from incident #42 \(SEV2\)/,
              ),
              labelIds: ["LA_incident/follow-up"],
              assigneeIds: ["U_carol"],
            },
            selection: "issue { id number url }",
          },
          {
            field: "createIssue",
            input: {
              repositoryId: "R_shop",
              title: "Load-test checkout retries before release",
              body: expect.stringContaining("<!-- firebreak:follow-up incident=42 item=c1013-l2 -->"),
              labelIds: ["LA_incident/follow-up"],
              assigneeIds: ["U_bob"],
            },
            selection: "issue { id number url }",
          },
        ]),
      ),
    )
    .reply(answer("POST"))
    .post(
      "/repos/acme/shop/git/trees",
      exactly({
        base_tree: mainTree,
        tree: [
          {
            path: PATH,
            mode: "100644",
            type: "blob",
            content: expect.stringMatching(/^---\nincident: 42\n[\s\S]*\| 1 \| Add an alert .* \| \[#100\]/),
          },
          {
            // The incidents index, in the same commit.
            path: "docs/postmortems/README.md",
            mode: "100644",
            type: "blob",
            content: expect.stringMatching(
              /^<!-- firebreak:incident-index -->\n[\s\S]*\| 2026-11-22 \| SEV2 \| \[#42 Checkout returns 500 for card payments\]/,
            ),
          },
        ],
      }),
    )
    .reply(answer("POST"))
    .post("/repos/acme/shop/git/commits", (body) =>
      exactly({
        message:
          "Draft the post-mortem of incident #42\n\nCheckout returns 500 for card payments\n\nFirebreak-Postmortem: 42\n",
        tree: treeSha(),
        parents: [main],
        author: ACTION_COMMITTER,
        committer: ACTION_COMMITTER,
      })(body),
    )
    .reply(answer("POST"))
    .post("/repos/acme/shop/git/refs", (body) =>
      exactly({ ref: "refs/heads/incident-42/postmortem", sha: [...fake.objects.keys()].at(-1) })(body),
    )
    .reply(answer("POST"))
    .post(
      "/repos/acme/shop/pulls",
      exactly({
        title: "Post-mortem: #42 Checkout returns 500 for card payments",
        body: expect.stringMatching(new RegExp(`^<!-- firebreak:postmortem incident=42 path=${PATH} -->\\n`)),
        head: "incident-42/postmortem",
        base: "main",
        maintainer_can_modify: true,
      }),
    )
    .reply(answer("POST"))
    .post(
      "/graphql",
      exactly(
        mutation("FirebreakPostmortem", [
          {
            field: "addLabelsToLabelable",
            input: { labelableId: "PR_102", labelIds: ["LA_incident/postmortem"] },
          },
          ...["bob", "carol", "dave", "alice"].map((login) => ({
            field: "requestReviews",
            input: { pullRequestId: "PR_102", userIds: [`U_${login}`], union: true },
          })),
          {
            field: "addComment",
            input: {
              subjectId: "I_42",
              body: expect.stringContaining(
                `📝 **Post-mortem:** #102 proposes \`${PATH}\` for review.\n\n**Follow-up issues:** #100 · #101`,
              ),
            },
          },
        ]),
      ),
    )
    .reply(answer("POST"));

  resetCore();
  const result = await runAction(event("issues", closedPayload()));

  if (!scope.isDone()) console.error(mismatches.slice(-3));
  expect(state.failed).toEqual([]);
  expect(scope.pendingMocks()).toEqual([]);
  expect(fake.problems).toEqual([]);
  expect(result.requests).toEqual({ repository: 8, project: 0 });
  expect(state.outputs["pull-request-url"]).toBe("https://github.com/acme/shop/pull/102");
});
