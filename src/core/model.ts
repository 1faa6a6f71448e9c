// The incident model: severities, statuses and the facts firebreak derives from GitHub's records.

export const SEVERITY_KEYS = ["sev1", "sev2", "sev3", "sev4"] as const;
export type SeverityKey = (typeof SEVERITY_KEYS)[number];

export const STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type Status = (typeof STATUSES)[number];

/** How soon responders must act: a fixed delay, or the next business day at the configured hour. */
export type ResponseTarget = { kind: "duration"; ms: number } | { kind: "next_business_day" };

/** A commit that landed on the default branch inside the suspect window. */
export interface Change {
  sha: string;
  /** First line of the commit message. */
  headline: string;
  url: string;
  /** When it landed on the branch: the PR's merge time, else the committer date. */
  landedAt: Date;
  /** GitHub login of the author, when GitHub could attribute one; else the git author name. */
  author: string | null;
  additions: number;
  deletions: number;
  /** Changed paths when known (from the PR's file list; direct pushes carry none). */
  paths: string[];
  /** More paths changed than `paths` lists (the PR had over 100 files). */
  pathsTruncated: boolean;
  pullRequest: {
    number: number;
    title: string;
    url: string;
    author: string | null;
    mergedAt: Date;
  } | null;
}

export interface Deployment {
  environment: string;
  sha: string;
  createdAt: Date;
  /** Latest status state (SUCCESS, FAILURE, IN_PROGRESS, …), lower-cased; null when none was reported. */
  state: string | null;
  url: string | null;
}

/**
 * One record from the timeline, as GitHub keeps it. The incident's history is derived
 * from these alone, so re-rendering from GitHub always gives the same answer.
 */
export type TimelineItem =
  | {
      type: "comment";
      id: number;
      /** GraphQL node id, for edits and reactions. */
      nodeId: string;
      author: string | null;
      /** Written by firebreak itself (the viewer of the installation token). */
      byApp: boolean;
      /** Written by another bot: firebreak never answers those. */
      byBot?: boolean;
      /** firebreak's reaction to it: how it answered the commands in it. */
      appReaction: "THUMBS_UP" | "CONFUSED" | null;
      createdAt: Date;
      body: string;
    }
  | { type: "labeled" | "unlabeled"; label: string; actor: string | null; createdAt: Date }
  | { type: "assigned" | "unassigned"; assignee: string | null; actor: string | null; createdAt: Date }
  | { type: "closed" | "reopened"; actor: string | null; createdAt: Date }
  | {
      type: "cross-referenced";
      actor: string | null;
      createdAt: Date;
      source: {
        kind: "pull_request" | "issue";
        number: number;
        title: string;
        url: string;
        /** A pull request's branch, and when it was merged (null: not merged, or an issue). */
        branch: string | null;
        mergedAt: Date | null;
        /** An open pull request (its merge is still to come). */
        open?: boolean;
      };
    }
  | { type: "renamed"; from: string; to: string; actor: string | null; createdAt: Date };
