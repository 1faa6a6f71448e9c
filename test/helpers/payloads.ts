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

export function issueEvent(
  action: "opened" | "labeled" | "unlabeled" | "edited",
  options: IssueEventOptions = {},
): Json {
  const payload = example("issues", action);
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
