// What every handler checks of a delivery before it acts, and how a delivery GitHub refuses ends.
import { isGraphqlResponseError } from "../github/batch.js";
import { rateLimitWait } from "../github/client.js";
import { statusOf } from "../github/labels.js";

interface DeliveryContext {
  name: string;
  payload: { action?: string; installation?: unknown };
  log: { warn(fields: object, message: string): void };
}

/**
 * Without an installation (a webhook set up on the repository by hand, or a hand-made delivery)
 * firebreak has no token to act with: say so once and leave it, instead of calling GitHub anonymously.
 */
export function installed(context: DeliveryContext): boolean {
  if (context.payload.installation) return true;
  context.log.warn(
    { event: context.name, action: context.payload.action },
    "firebreak ignored a webhook without an installation: install the GitHub App on the repository (a repository webhook cannot be answered)",
  );
  return false;
}

/** GraphQL error types that a retry cannot change: a missing permission, or a thing that is gone. */
const REFUSED_TYPES = new Set(["FORBIDDEN", "INSUFFICIENT_SCOPES", "NOT_FOUND"]);

/**
 * GitHub refusing firebreak (401, 403 or 404 on a whole request) will refuse it again on every
 * retry: it ends the delivery with one log line naming what to fix, not a stack trace GitHub is
 * asked to redeliver. Everything else (5xx, rate limits, a bug) is thrown as before.
 */
export function reportingRefusals<C extends DeliveryContext>(
  handler: (context: C) => Promise<void>,
): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await handler(context);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      context.log.warn(
        { event: context.name, action: context.payload.action, status: refusal.status },
        `firebreak could not handle this ${context.name} event: GitHub answered ${refusal.status} (${refusal.message}). ` +
          "The app lacks a permission on this repository (see the README's Permissions), or the issue is gone; nothing more is tried for this delivery.",
      );
    }
  };
}

function refusalOf(error: unknown): { status: string; message: string } | null {
  const status = statusOf(error);
  if (status === 401 || status === 403 || status === 404) {
    // A rate limit is a 403 too (a secondary one may carry only its message), but waiting fixes it: not a refusal.
    if (rateLimitWait(error) !== null) return null;
    return { status: String(status), message: firstLine(error) };
  }
  if (isGraphqlResponseError(error) && error.errors.some((e) => REFUSED_TYPES.has(String(e.type)))) {
    const refused = error.errors.find((e) => REFUSED_TYPES.has(String(e.type)));
    return { status: String(refused?.type), message: firstLine(refused?.message ?? error.message) };
  }
  return null;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n", 1)[0] ?? "").slice(0, 200);
}
