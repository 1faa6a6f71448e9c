// Webhooks as GitHub sends them to an app: the payload of the event (built when the state changed),
// signed with the webhook secret (`X-Hub-Signature-256`), with a delivery id, POSTed to the app's
// webhook URL. Every delivery is kept, with the app's answer, and can be redelivered.
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import type { Representations } from "./json.js";
import type { Installation, Store, WebhookIntent } from "./model.js";

type Json = Record<string, unknown>;

export interface Delivery {
  /** `X-GitHub-Delivery`; a redelivery keeps it. */
  id: string;
  event: string;
  action: string;
  payload: Json;
  /** Who caused it: a person (seeded or `as(...)`), or a write through the API (the app's own, often). */
  cause: "person" | "api";
  redelivery: boolean;
  /** The app's HTTP answer; null until answered or when there is no webhook URL. */
  status: number | null;
  response: string | null;
  error: string | null;
  start: number | null;
  end: number | null;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** The payload GitHub would send for a state change (null when no installed app hears it). */
export function buildPayload(
  store: Store,
  json: Representations,
  intent: WebhookIntent,
): { payload: Json; installation: Installation } | null {
  const repo = intent.item.repo;
  const installation = store.installationFor(repo);
  if (!installation?.app.events.includes(intent.event)) return null;
  const owner = repo.owner;
  const payload: Json = { action: intent.action };
  if (intent.event === "pull_request" && intent.item.kind === "pull") {
    payload.number = intent.item.number;
    payload.pull_request = json.pull(intent.item);
  } else {
    payload.issue = json.issue(intent.item);
  }
  if (intent.comment) payload.comment = json.comment(intent.comment);
  if (intent.label) payload.label = json.label(repo, intent.label);
  if (intent.assignee) payload.assignee = json.user(intent.assignee);
  if (intent.changes) payload.changes = intent.changes;
  payload.repository = json.repo(repo);
  if (owner.type === "Organization") {
    payload.organization = {
      login: owner.login,
      id: owner.databaseId,
      node_id: owner.id,
      url: `${json.api}/orgs/${owner.login}`,
      description: null,
    };
  }
  payload.sender = json.user(intent.sender);
  payload.installation = {
    id: installation.id,
    node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${installation.id}`,
  };
  return { payload, installation };
}

/** POSTs one delivery; resolves when the app answered (or failed to). */
export function send(
  target: { url: string; secret: string },
  delivery: Delivery,
  installation: { appId: number; host: string },
): Promise<Delivery> {
  const body = JSON.stringify(delivery.payload);
  const url = new URL(target.url);
  delivery.start = performance.now();
  return new Promise((resolve) => {
    const finish = (status: number | null, response: string | null, error: string | null) => {
      delivery.status = status;
      delivery.response = response;
      delivery.error = error;
      delivery.end = performance.now();
      resolve(delivery);
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "GitHub-Hookshot/local",
          "x-github-event": delivery.event,
          "x-github-delivery": delivery.id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-type": "integration",
          "x-github-hook-installation-target-id": String(installation.appId),
          "x-github-enterprise-host": installation.host,
          "x-github-enterprise-version": "3.15.0",
          "x-hub-signature-256": signature(target.secret, body),
        },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), null));
        res.on("error", (e) => finish(res.statusCode ?? 0, null, e.message));
      },
    );
    req.on("timeout", () => req.destroy(new Error("the app did not answer within 60 s")));
    req.on("error", (e) => finish(null, null, e.message));
    req.end(body);
  });
}

export function newDelivery(
  event: string,
  action: string,
  payload: Json,
  cause: Delivery["cause"],
): Delivery {
  return {
    id: randomUUID(),
    event,
    action,
    payload,
    cause,
    redelivery: false,
    status: null,
    response: null,
    error: null,
    start: null,
    end: null,
  };
}
