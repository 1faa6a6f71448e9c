// Webhook payloads shaped like GitHub's, from @octokit/webhooks-examples, adjusted per test.
import { createRequire } from "node:module";
import { INSTALLATION_ID } from "./probot.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as Array<{
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}>;

export const OWNER = "acme";
export const REPO = "shop";

type Json = Record<string, any>;

function example(name: string, action: string): Json {
  const found = examples.find((e) => e.name === name)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no example for ${name}.${action}`);
  return structuredClone(found) as Json;
}

export interface LabelInput {
  name: string;
  description?: string | null;
}

const label = (l: LabelInput) => ({
  id: Math.abs(hash(l.name)),
  node_id: `LA_${l.name}`,
  url: `https://api.github.com/repos/${OWNER}/${REPO}/labels/${encodeURIComponent(l.name)}`,
  name: l.name,
  color: "ededed",
  default: false,
  description: l.description ?? null,
});

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

export interface IssueEventOptions {
  number?: number;
  title?: string;
  body?: string;
  labels?: Array<string | LabelInput>;
  /** For labeled/unlabeled: the label the event is about. */
  label?: string | LabelInput;
  sender?: { login: string; type: "User" | "Bot" };
  /** Who opened the issue (`issue.user.login`). */
  author?: string;
}

export type IssueAction = "opened" | "labeled" | "unlabeled" | "edited" | "closed" | "reopened";

export function issueEvent(action: IssueAction, options: IssueEventOptions = {}): Json {
  // The examples have no `closed`: it is a `reopened` with the state the other way round.
  const payload = example("issues", action === "closed" ? "reopened" : action);
  if (action === "closed") {
    payload.action = "closed";
    payload.issue.state = "closed";
    payload.issue.closed_at = new Date().toISOString();
  }
  if (action === "reopened") payload.issue.closed_at = null;
  const labels = (options.labels ?? []).map((l) => label(typeof l === "string" ? { name: l } : l));
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc3" };
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.repository.default_branch = "main";
  payload.issue.number = options.number ?? 42;
  payload.issue.title = options.title ?? "Checkout returns 500 for card payments";
  payload.issue.body = options.body ?? "Card payments fail at checkout since about 14:00.";
  payload.issue.labels = labels;
  payload.issue.pull_request = undefined;
  if (options.author) payload.issue.user = { ...payload.issue.user, login: options.author };
  if (options.label)
    payload.label = label(typeof options.label === "string" ? { name: options.label } : options.label);
  else delete payload.label;
  payload.sender = { ...payload.sender, ...(options.sender ?? { login: "alice", type: "User" }) };
  return payload;
}

export interface CommentEventOptions {
  /** The comment's text. */
  body: string;
  /** Who wrote the comment (also the sender); `type: "Bot"` for an app. */
  by?: { login: string; type: "User" | "Bot" };
  /** The comment's REST id (`databaseId` in GraphQL). */
  commentId?: number;
  createdAt?: string;
  /** The issue the comment is on: its labels, author, title and body, as for `issueEvent`. */
  issue?: Pick<IssueEventOptions, "number" | "title" | "body" | "labels" | "author">;
}

/** An `issue_comment.created` (or `.edited`) payload for a comment on acme/shop#42. */
export function issueCommentEvent(action: "created" | "edited", options: CommentEventOptions): Json {
  const payload = example("issue_comment", action);
  const issue = issueEvent("opened", options.issue ?? {}).issue;
  const by = options.by ?? { login: "carol", type: "User" };
  const id = options.commentId ?? 2001;
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc3" };
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.repository.default_branch = "main";
  payload.issue = { ...issue, state: "open", comments: 3 };
  const createdAt = options.createdAt ?? "2026-11-22T14:20:00Z";
  payload.comment = {
    ...payload.comment,
    id,
    node_id: `IC_${id}`,
    url: `https://api.github.com/repos/${OWNER}/${REPO}/issues/comments/${id}`,
    html_url: `https://github.com/${OWNER}/${REPO}/issues/${issue.number}#issuecomment-${id}`,
    issue_url: `https://api.github.com/repos/${OWNER}/${REPO}/issues/${issue.number}`,
    user: { ...payload.comment.user, login: by.login, type: by.type },
    created_at: createdAt,
    updated_at: createdAt,
    body: options.body,
  };
  if (action === "edited") payload.changes = { body: { from: "/note typo" } };
  payload.sender = { ...payload.sender, login: by.login, type: by.type };
  return payload;
}
