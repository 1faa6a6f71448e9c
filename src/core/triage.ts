// Deciding from a webhook payload alone whether an event might concern an incident, so that events
// on ordinary issues cost no API request at all (not even loading the configuration).
import { findCommandLines } from "./commands.js";
import { formSeverity } from "./form.js";
import { mightBeIncidentLabel } from "./labels.js";

interface PayloadLabel {
  name: string;
  description?: string | null;
}

interface PayloadIssue {
  body?: string | null;
  labels?: Array<PayloadLabel | null>;
  pull_request?: unknown;
}

export interface IssuePayload {
  action: string;
  label?: PayloadLabel;
  issue: PayloadIssue;
}

const looksLikeIncident = (issue: PayloadIssue) =>
  (issue.labels ?? []).some((label) => label !== null && mightBeIncidentLabel(label));

export function mightConcernIncident(payload: IssuePayload): boolean {
  if (payload.issue.pull_request) return false;
  switch (payload.action) {
    case "opened":
      return looksLikeIncident(payload.issue) || formSeverity(payload.issue.body) !== null;
    case "labeled":
    case "unlabeled":
      return payload.label !== undefined && mightBeIncidentLabel(payload.label);
    case "closed":
    case "reopened":
      return looksLikeIncident(payload.issue);
    default:
      return false;
  }
}

export interface CommentPayload {
  comment: { body?: string | null; user?: { type?: string } | null };
  issue: PayloadIssue;
}

/**
 * A comment can only matter with a command line in it, by a person, on an incident; on any other
 * issue only `/incident` (declaring one) does. Other bots' and other tools' slash commands on
 * ordinary issues are left alone.
 */
export function mightBeCommand(payload: CommentPayload): boolean {
  if (payload.issue.pull_request || payload.comment.user?.type === "Bot") return false;
  const lines = findCommandLines(payload.comment.body ?? "");
  if (lines.length === 0) return false;
  return looksLikeIncident(payload.issue) || lines.some((line) => line.name === "incident");
}
