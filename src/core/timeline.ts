// The incident's history, replayed from the issue timeline. Pure: same records, same answer.
import { type LabelNames, severitiesIn, severityOfLabel, severityTag, statusOfLabel } from "./labels.js";
import { inlineText, quietLogin } from "./markdown.js";
import type { SeverityKey, Status, TimelineItem } from "./model.js";

export type TimelineKind =
  | "declared"
  | "severity"
  | "no-longer-incident"
  | "status"
  | "assigned"
  | "unassigned"
  | "closed"
  | "reopened"
  | "reference"
  | "renamed";

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** Markdown, already safe to post: user text neutralised, logins do not ping. */
  text: string;
}

export interface IncidentHistory {
  /** When a severity label first appeared; null if the records hold none yet. */
  declaredAt: Date | null;
  /** The severity the last label events leave (most severe of those present). */
  severity: SeverityKey | null;
  status: Status | null;
  entries: TimelineEntry[];
  /** Every change of the effective severity after the declaration, oldest first. */
  severityChanges: Array<{ at: Date; from: SeverityKey; to: SeverityKey }>;
  /**
   * firebreak removed less severe labels that stood next to the severity, and no severity label
   * has changed since: the tracker explains it until the next change.
   */
  correction: { removed: string[]; kept: SeverityKey } | null;
}

export interface ReplayOptions {
  /** firebreak's login as GraphQL names actors; its own label writes read differently. */
  appLogin?: string;
  /** The author: an incident declared from the form is declared by them. */
  reporter?: string | null;
}

/** Replays label, assignment, close and reference records into what happened to the incident. */
export function replayTimeline(
  items: readonly TimelineItem[],
  names: LabelNames,
  options: ReplayOptions = {},
): IncidentHistory {
  const ordered = [...items].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const labels = new Set<string>();
  let severity: SeverityKey | null = null;
  let status: Status | null = null;
  let declaredAt: Date | null = null;
  const entries: TimelineEntry[] = [];
  const severityChanges: IncidentHistory["severityChanges"] = [];
  let correction: IncidentHistory["correction"] = null;
  const add = (at: Date, kind: TimelineKind, text: string) => entries.push({ at, kind, text });

  for (const item of ordered) {
    const by = "actor" in item ? ` by ${quietLogin(item.actor)}` : "";
    switch (item.type) {
      case "labeled":
      case "unlabeled": {
        if (item.type === "labeled") labels.add(item.label);
        else labels.delete(item.label);
        const now = severitiesIn([...labels], names)[0] ?? null;
        const bySelf = item.actor !== null && item.actor === options.appLogin;
        const correcting = bySelf && item.type === "unlabeled";
        if (severityOfLabel(item.label, names) && !correcting) correction = null;
        if (now !== severity) {
          if (now && !severity && !declaredAt) {
            declaredAt = item.createdAt;
            const declarer =
              bySelf && options.reporter ? ` by ${quietLogin(options.reporter)} with the incident form` : by;
            add(item.createdAt, "declared", `Declared ${severityTag(now)}${declarer}`);
          } else if (now && !severity) {
            add(item.createdAt, "declared", `Declared again as ${severityTag(now)}${by}`);
          } else if (now && severity) {
            severityChanges.push({ at: item.createdAt, from: severity, to: now });
            const verb = now < severity ? "Escalated" : "Lowered";
            add(
              item.createdAt,
              "severity",
              `${verb} from ${severityTag(severity)} to ${severityTag(now)}${by}`,
            );
          } else {
            add(item.createdAt, "no-longer-incident", `Severity label removed${by}: no longer an incident`);
          }
          severity = now;
        } else if (item.type === "unlabeled" && severity && severityOfLabel(item.label, names)) {
          add(
            item.createdAt,
            "severity",
            `\`${inlineText(item.label, 50)}\` removed${by}; ${severityTag(severity)} stands`,
          );
          if (correcting) {
            const earlier: string[] = correction?.kept === severity ? correction.removed : [];
            correction = { removed: [...earlier, item.label], kept: severity };
          }
        }
        const labelStatus = statusOfLabel(item.label, names);
        if (labelStatus && item.type === "labeled" && labelStatus !== status) {
          status = labelStatus;
          add(item.createdAt, "status", `Status **${labelStatus}**${by}`);
        }
        break;
      }
      case "assigned":
        add(item.createdAt, "assigned", `${quietLogin(item.assignee)} assigned${by}`);
        break;
      case "unassigned":
        add(item.createdAt, "unassigned", `${quietLogin(item.assignee)} unassigned${by}`);
        break;
      case "closed":
        add(item.createdAt, "closed", `Issue closed${by}`);
        break;
      case "reopened":
        add(item.createdAt, "reopened", `Issue reopened${by}`);
        break;
      case "cross-referenced": {
        const what = item.source.kind === "pull_request" ? "pull request" : "issue";
        add(
          item.createdAt,
          "reference",
          `Referenced from ${what} [#${item.source.number}](${item.source.url}) ${inlineText(item.source.title, 120)}${by}`,
        );
        break;
      }
      case "renamed":
        add(item.createdAt, "renamed", `Retitled to “${inlineText(item.to, 120)}”${by}`);
        break;
      case "comment":
        break;
    }
  }
  return { declaredAt, severity, status, entries, severityChanges, correction };
}
