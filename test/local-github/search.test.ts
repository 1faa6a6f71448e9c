// The issue search, with the qualifiers the Action's reminders sweep sends: a label list (any of
// them), a closing date, and the oldest first.
import { expect, it } from "vitest";
import type { LocalGitHub } from "../../local-github/index.js";
import { localGitHub, octokitAs, REPO } from "./support.js";

async function search(github: LocalGitHub, query: string): Promise<number[]> {
  const answer = await octokitAs(github, "alice").graphql<{
    search: { issueCount: number; nodes: Array<{ number: number }> };
  }>(
    "query Find($q: String!) { search(type: ISSUE, query: $q, first: 10) { issueCount nodes { ... on Issue { number } } } }",
    { q: query },
  );
  expect(answer.search.issueCount).toBe(answer.search.nodes.length);
  return answer.search.nodes.map((n) => n.number);
}

it("matches any label of a list, by closing date, oldest first when asked", async () => {
  let now = Date.parse("2026-11-20T10:00:00Z");
  const github = await localGitHub({ now: () => new Date(now) });
  for (const name of ["incident/sev1", "incident/sev2", "incident/sev3"]) github.seed.label(REPO, name);
  const alice = github.as("alice");
  const open = (labels: string[]) => alice.openIssue(REPO, { title: "Down", labels }).number;
  const sev1 = open(["incident/sev1"]);
  now += 60_000;
  const sev2 = open(["incident/sev2"]);
  now += 60_000;
  const sev3 = open(["incident/sev3"]);
  now += 60_000;
  open([]);
  now = Date.parse("2026-11-21T08:00:00Z");
  alice.close(REPO, sev2);
  now = Date.parse("2026-11-23T08:00:00Z");
  alice.close(REPO, sev3);

  const scope = `repo:${REPO} is:issue`;
  expect(await search(github, `${scope} label:"incident/sev1","incident/sev2"`)).toEqual([sev2, sev1]);
  expect(await search(github, `${scope} label:"incident/sev1","incident/sev2" sort:created-asc`)).toEqual([
    sev1,
    sev2,
  ]);
  expect(await search(github, `${scope} is:open label:incident/sev1,incident/sev3`)).toEqual([sev1]);
  expect(await search(github, `${scope} is:closed closed:>=2026-11-22`)).toEqual([sev3]);
  expect(await search(github, `${scope} is:closed closed:<2026-11-22 sort:created-asc`)).toEqual([sev2]);
  expect(await search(github, `${scope} closed:2026-11-21`)).toEqual([sev2]);
  expect(github.problems).toEqual([]);
});

it("answers a sort or a date it does not model with an error", async () => {
  const github = await localGitHub();
  const error = await search(github, `repo:${REPO} sort:comments-desc`).catch((e: unknown) => e);
  expect(error).toMatchObject({
    errors: [{ message: "the local GitHub's search does not model sort:comments-desc" }],
  });
  const late = await search(github, `repo:${REPO} closed:yesterday`).catch((e: unknown) => e);
  expect(late).toMatchObject({
    errors: [{ message: "the local GitHub's search does not model closed:yesterday" }],
  });
});
