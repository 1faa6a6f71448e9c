// Deciding from a webhook payload alone whether an issue event might concern an incident, so that
// events on ordinary issues cost no API request at all (not even loading the configuration).
import { formSeverity } from "./form.js";
import { mightBeIncidentLabel } from "./labels.js";

interface PayloadLabel {
  name: string;
  description?: string | null;
}

export interface IssuePayload {
  action: string;
  label?: PayloadLabel;
  issue: { body?: string | null; labels?: PayloadLabel[]; pull_request?: unknown };
}

export function mightConcernIncident(payload: IssuePayload): boolean {
  if (payload.issue.pull_request) return false;
  switch (payload.action) {
    case "opened":
      return (
        (payload.issue.labels ?? []).some(mightBeIncidentLabel) || formSeverity(payload.issue.body) !== null
      );
    case "labeled":
    case "unlabeled":
      return payload.label !== undefined && mightBeIncidentLabel(payload.label);
    default:
      return false;
  }
}
