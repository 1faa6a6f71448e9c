// Which labels mean what, decided from names alone so webhooks can be triaged from the payload.
import { SEVERITY_KEYS, type SeverityKey, STATUSES, type Status } from "./model.js";

export interface LabelNames {
  severity: Record<SeverityKey, string>;
  status: Record<Status, string>;
}

export const DEFAULT_LABEL_NAMES: LabelNames = {
  severity: { sev1: "incident/sev1", sev2: "incident/sev2", sev3: "incident/sev3", sev4: "incident/sev4" },
  status: {
    investigating: "incident/investigating",
    identified: "incident/identified",
    monitoring: "incident/monitoring",
    resolved: "incident/resolved",
  },
};

/**
 * Labels firebreak creates carry this at the end of their description. It lets the app recognise
 * a renamed label (`labels:` in the config) from a webhook payload without loading the config.
 */
export const LABEL_STAMP = "(firebreak)";

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

const SEVERITY_COLORS: Record<SeverityKey, string> = {
  sev1: "b60205",
  sev2: "d93f0b",
  sev3: "fbca04",
  sev4: "c5def5",
};
const STATUS_COLORS: Record<Status, string> = {
  investigating: "e99695",
  identified: "f9d0c4",
  monitoring: "bfd4f2",
  resolved: "0e8a16",
};

export function labelSpecs(names: LabelNames, severityNames: Record<SeverityKey, string>): LabelSpec[] {
  return [
    ...SEVERITY_KEYS.map((key) => ({
      name: names.severity[key],
      color: SEVERITY_COLORS[key],
      description: `${key.toUpperCase()} ${severityNames[key]} incident ${LABEL_STAMP}`.slice(0, 100),
    })),
    ...STATUSES.map((status) => ({
      name: names.status[status],
      color: STATUS_COLORS[status],
      description: `Incident status: ${status} ${LABEL_STAMP}`,
    })),
  ];
}

/** Could this label be one of firebreak's? Decided from the payload only. */
export function mightBeIncidentLabel(label: { name: string; description?: string | null }): boolean {
  const defaults = [
    ...Object.values(DEFAULT_LABEL_NAMES.severity),
    ...Object.values(DEFAULT_LABEL_NAMES.status),
  ];
  return defaults.includes(label.name) || (label.description ?? "").trimEnd().endsWith(LABEL_STAMP);
}

/** Severities present among the labels, most severe first. */
export function severitiesIn(labels: readonly string[], names: LabelNames): SeverityKey[] {
  return SEVERITY_KEYS.filter((key) => labels.includes(names.severity[key]));
}

export function severityOfLabel(label: string, names: LabelNames): SeverityKey | null {
  return SEVERITY_KEYS.find((key) => names.severity[key] === label) ?? null;
}

export function statusOfLabel(label: string, names: LabelNames): Status | null {
  return STATUSES.find((status) => names.status[status] === label) ?? null;
}

/** The status among the labels; with several (hand-edited), the furthest along wins. */
export function statusIn(labels: readonly string[], names: LabelNames): Status | null {
  const present = STATUSES.filter((status) => labels.includes(names.status[status]));
  return present.at(-1) ?? null;
}

/** `SEV2` */
export function severityTag(key: SeverityKey): string {
  return key.toUpperCase();
}
