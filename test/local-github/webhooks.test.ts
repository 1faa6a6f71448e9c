// Webhooks as GitHub sends them: on each state change, to the configured URL, signed with
// X-Hub-Signature-256, with X-GitHub-Delivery and X-GitHub-Event, shaped like GitHub's payloads
// (@octokit/webhooks-examples), naming the installation.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { expect, it, onTestFinished } from "vitest";
import type { LocalGitHub } from "../../local-github/index.js";
import { installationOctokit, localGitHub, REPO } from "./support.js";

const SECRET = "it's a secret";
const examples = createRequire(import.meta.url)(
  "@octokit/webhooks-examples/api.github.com/index.json",
) as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  payload: Record<string, any>;
}

/** A webhook receiver on loopback: records what arrives and answers 200 (or what `answer` says). */
async function receiver(github: LocalGitHub, answer = 200): Promise<Received[]> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, payload: JSON.parse(body) });
      res.writeHead(answer).end("ok\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  github.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, SECRET);
  return received;
}

const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

/** Keys GitHub's own example of this event (of another action when it has none) has that ours lacks. */
function missingKeys(event: string, action: string, payload: Record<string, any>): string[] {
  const all = examples.find((e) => e.name === event)?.examples;
  const example = all?.find((x) => x.action === action) ?? all?.find((x) => x.action === "opened");
  if (!example) throw new Error(`no example of ${event}.${action}`);
  const missing: string[] = [];
  for (const [key, value] of Object.entries(example)) {
    if (["enterprise", "organization"].includes(key)) continue;
    if (!(key in payload)) missing.push(key);
    else if (value && typeof value === "object" && !Array.isArray(value) && key !== "changes") {
      for (const inner of Object.keys(value)) if (!(inner in payload[key])) missing.push(`${key}.${inner}`);
    }
  }
  return missing;
}

it("sends signed webhooks as a person opens, labels and comments: GitHub's shapes, with the installation", async () => {
  const github = await localGitHub();
  github.seed.label(REPO, "incident/sev2", { color: "d93f0b" });
  const received = await receiver(github);

  const issue = github
    .as("bob")
    .openIssue(REPO, { title: "Checkout is down", body: "500s", labels: ["incident/sev2"] });
  github.as("alice").comment(REPO, issue.number, "/status identified");
  github.as("bob").close(REPO, issue.number);
  await github.settled();

  expect(received.map((r) => `${r.headers["x-github-event"]}.${r.payload.action}`).sort()).toEqual(
    ["issue_comment.created", "issues.closed", "issues.labeled", "issues.opened"].sort(),
  );
  for (const r of received) {
    expect(r.headers["x-hub-signature-256"]).toBe(sign(r.body));
    expect(r.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.payload.installation).toEqual({ id: 777, node_id: expect.any(String) });
    expect(r.payload.repository).toMatchObject({ full_name: REPO, default_branch: "main" });
    expect(missingKeys(String(r.headers["x-github-event"]), r.payload.action, r.payload)).toEqual([]);
  }
  const opened = received.find((r) => r.payload.action === "opened")?.payload;
  // Opened with its label (the payload shows it), then labelled: both are sent, in that order.
  expect(opened?.issue).toMatchObject({
    number: issue.number,
    title: "Checkout is down",
    labels: [{ name: "incident/sev2" }],
    state: "open",
  });
  const order = github.deliveries.map((d) => `${d.event}.${d.action}`);
  expect(order.indexOf("issues.opened")).toBeLessThan(order.indexOf("issues.labeled"));
  const labeled = received.find((r) => r.payload.action === "labeled")?.payload;
  expect(labeled?.label).toMatchObject({ name: "incident/sev2", color: "d93f0b" });
  expect(labeled?.sender).toMatchObject({ login: "bob", type: "User" });
  const comment = received.find((r) => r.headers["x-github-event"] === "issue_comment")?.payload;
  expect(comment?.comment).toMatchObject({ body: "/status identified", user: { login: "alice" } });
  expect(github.deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
});

it("sends the webhooks the app's own writes cause, with the app's bot as sender", async () => {
  const github = await localGitHub();
  const issue = github.as("bob").openIssue(REPO, { title: "Checkout is down" });
  const received = await receiver(github);
  const octokit = await installationOctokit(github);

  await octokit.graphql(
    'mutation Say($id: ID!) { addComment(input: { subjectId: $id, body: "tracker" }) { clientMutationId } }',
    { id: issue.id },
  );
  await octokit.request("POST /repos/{owner}/{repo}/labels", {
    owner: "acme",
    repo: "shop",
    name: "incident/identified",
    color: "fbca04",
  });
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: "acme",
    repo: "shop",
    issue_number: issue.number,
    labels: ["incident/identified"],
  });
  await github.settled();

  expect(
    received.map((r) => [
      r.headers["x-github-event"],
      r.payload.action,
      r.payload.sender.login,
      r.payload.sender.type,
    ]),
  ).toEqual([
    ["issue_comment", "created", "firebreak[bot]", "Bot"],
    ["issues", "labeled", "firebreak[bot]", "Bot"],
  ]);
  expect(received[0]?.payload.comment.performed_via_github_app).toMatchObject({
    id: 4242,
    slug: "firebreak",
  });
});

it("sends pull_request.closed with merged: true when a pull request is merged, with its merge commit", async () => {
  const github = await localGitHub();
  const received = await receiver(github);
  const pull = github.as("alice").openPullRequest(REPO, {
    title: "Retry payments",
    head: "retry",
    files: { "src/retry.ts": "export const retry = 3;\n" },
  });
  const sha = github.as("bob").mergePullRequest(REPO, pull.number);
  await github.settled();

  const closed = received.find((r) => r.payload.action === "closed")?.payload;
  expect(closed?.pull_request).toMatchObject({
    number: pull.number,
    merged: true,
    merge_commit_sha: sha,
    head: { ref: "retry", repo: { full_name: REPO } },
    base: { ref: "main" },
    merged_by: { login: "bob" },
  });
  expect(missingKeys("pull_request", "closed", closed ?? {})).toEqual([]);
  expect(received.map((r) => r.payload.action)).toEqual(["opened", "closed"]);
  expect(github.repo(REPO).git.readCommit(sha)?.parents).toHaveLength(2);
});

it("redelivers a webhook with the same delivery id, and keeps the app's answers", async () => {
  const github = await localGitHub();
  const received = await receiver(github, 500);
  github.as("bob").openIssue(REPO, { title: "Down" });
  await github.settled();
  const [first] = github.deliveries;
  if (!first) throw new Error("no delivery");
  expect(first).toMatchObject({ status: 500, response: "ok\n", redelivery: false });

  const again = await github.redeliver(first.id);
  expect(again).toMatchObject({ id: first.id, redelivery: true, status: 500 });
  expect(received.map((r) => r.headers["x-github-delivery"])).toEqual([first.id, first.id]);
  expect(received[1]?.body).toBe(received[0]?.body);
});

it("in manual mode, holds webhooks until deliverPending(); without a URL, records them and sends nothing", async () => {
  const github = await localGitHub({ delivery: "manual" });
  const received = await receiver(github);
  github.as("bob").openIssue(REPO, { title: "Down" });
  await github.settled();
  expect(received).toEqual([]);
  expect(github.pending.map((d) => `${d.event}.${d.action}`)).toEqual(["issues.opened"]);

  const delivered = await github.deliverPending();
  expect(delivered.map((d) => d.status)).toEqual([200]);
  expect(received).toHaveLength(1);

  github.setWebhookTarget(null);
  github.setDelivery("auto");
  github.as("bob").openIssue(REPO, { title: "Down again" });
  await github.settled();
  expect(received).toHaveLength(1);
  expect(github.deliveries.at(-1)).toMatchObject({ event: "issues", action: "opened", status: null });
});

it("sends nothing for what was seeded: that is the repository's past", async () => {
  const github = await localGitHub();
  await receiver(github);
  github.seed.mergedPullRequest(REPO, {
    title: "Old change",
    author: "alice",
    at: "2026-11-21T10:00:00Z",
    files: { "a.txt": "a\n" },
  });
  await github.settled();
  expect(github.deliveries).toEqual([]);
});
