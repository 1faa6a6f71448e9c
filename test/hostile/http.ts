// firebreak behind Probot's real HTTP middleware on loopback, and signed deliveries to it, for the
// tests that must go through what GitHub talks to (signature check, error answers, concurrency).
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, type Probot } from "probot";
import firebreak from "../../src/index.js";

type AppFn = Parameters<Probot["load"]>[0];

export interface WebhookServer {
  url: string;
  /** Sends one delivery as GitHub does: JSON, event name, delivery id, HMAC-SHA256 signature. */
  deliver(
    name: string,
    payload: object,
    o?: { id?: string; secret?: string },
  ): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Starts `probot` with firebreak (and `also`, other app functions) on 127.0.0.1, a free port. */
export async function startWebhookServer(
  probot: Probot,
  secret: string,
  also: AppFn[] = [],
): Promise<WebhookServer> {
  const middleware = await createNodeMiddleware(
    async (app, options) => {
      await firebreak(app);
      for (const fn of also) await (fn as (a: Probot, o: unknown) => unknown)(app, options);
    },
    { probot },
  );
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  let deliveries = 0;
  return {
    url,
    async deliver(name, payload, o = {}) {
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac("sha256", o.secret ?? secret)
        .update(body)
        .digest("hex")}`;
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": name,
          "x-github-delivery": o.id ?? `delivery-${++deliveries}`,
          "x-hub-signature-256": signature,
        },
        body,
      });
      return { status: response.status, body: await response.text() };
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
