// ChatOps scenarios: a SEV2 incident declared at 14:01:58 (its tracker and checklist as the app
// really posted them), then a comment with commands at 14:20:00 that firebreak answers at 14:20:05.
import { vi } from "vitest";
import type { PermissionLevel } from "../../src/core/permissions.js";
import { commentNode, type Reaction } from "./graphql.js";
import { permissionPath } from "./harness.js";
import { type Declared, declaredTimeline, declareIncident } from "./incident.js";
import type { CommentEventOptions } from "./payloads.js";

type Json = Record<string, any>;

export const DECLARED_AT = "2026-11-22T14:01:58Z";
export const COMMENT_AT = "2026-11-22T14:20:00Z";
/** When firebreak answers the comment (the frozen clock in command tests). */
export const ANSWERED_AT = new Date("2026-11-22T14:20:05Z");
/** The node id and database id of the comment with the commands. */
export const COMMAND_ID = 2001;
/** Who opened the incident's issue: a reader of the repository, not a responder. */
export const REPORTER = "dana";
/** The labels a declared SEV2 incident carries in the webhook payload. */
export const INCIDENT_LABELS = ["incident/sev2", "incident/investigating"];

/** Declares the SEV2 incident through the app (at 14:02:00), then sets the clock to ANSWERED_AT. */
export async function declaredSev2(): Promise<Declared> {
  vi.setSystemTime(new Date("2026-11-22T14:02:00Z"));
  const declared = await declareIncident({ labeledAt: DECLARED_AT });
  vi.setSystemTime(ANSWERED_AT);
  return declared;
}

/** The incident's timeline after the declaration, then a person's comment of commands. */
export function timelineWithComment(
  declared: Declared,
  comment: { body: string; by?: string; id?: number; at?: string; reacted?: Reaction[] },
): Json[] {
  return [
    ...declaredTimeline(declared, { labeledAt: DECLARED_AT }),
    commentNode(comment.id ?? COMMAND_ID, comment.body, comment.at ?? COMMENT_AT, {
      author: comment.by ?? "carol",
      reacted: comment.reacted ?? [],
    }),
  ];
}

/** The options of the `issue_comment.created` payload for such a comment on the incident. */
export function incidentComment(
  body: string,
  o: { by?: string; type?: "User" | "Bot"; id?: number; at?: string; labels?: string[] } = {},
): CommentEventOptions {
  return {
    body,
    by: { login: o.by ?? "carol", type: o.type ?? "User" },
    commentId: o.id ?? COMMAND_ID,
    createdAt: o.at ?? COMMENT_AT,
    issue: { labels: o.labels ?? INCIDENT_LABELS, author: REPORTER },
  };
}

/**
 * The collaborator permission answer for a role, as GitHub gives it: `permission` is the coarse
 * level (triage reads as `read`, maintain as `write`), `role_name` the precise one.
 */
export function permissionAnswer(login: string, role: PermissionLevel): [number, Json] {
  const coarse = role === "triage" ? "read" : role === "maintain" ? "write" : role;
  return [200, { permission: coarse, role_name: role, user: { login, type: "User" } }];
}

export { permissionPath };
