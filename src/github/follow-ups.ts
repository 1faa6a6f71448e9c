// Follow-up issues: finding those already opened (one search, plus the Action's own records) and
// opening the missing ones in one mutation, with their label and assignee.
import { parseFollowUpMarker } from "../core/postmortem.js";
import { allowNotFound, performBatch } from "./batch.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface ExistingFollowUp {
  id: string;
  number: number;
  url: string;
  /** Known when the search found it. */
  title?: string;
}

/**
 * The search for an incident's follow-ups. The body says "incident #42" in plain text, which the
 * search indexes; the hidden marker then decides which results really are this incident's items.
 */
export function followUpSearch(repo: RepoRef, label: string, incident: number): string {
  return `repo:${repo.owner}/${repo.repo} is:issue label:"${label}" in:body "incident #${incident}"`;
}

export function followUpPrepQuery(users: number): string {
  const aliases = Array.from({ length: users }, (_, i) => `u${i}`);
  const declarations = ["$search: String!", "$after: String", ...aliases.map((a) => `$${a}: String!`)].join(
    ", ",
  );
  return `
query FollowUpPrep(${declarations}) {
  ${aliases.map((a) => `${a}: user(login: $${a}) { id login }`).join("\n  ")}
  search(query: $search, type: ISSUE, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ... on Issue { id number url title body } }
  }
}`;
}

export interface FollowUpPrep {
  /** Follow-ups already open for the incident, by item key. */
  existing: Map<string, ExistingFollowUp>;
  /** Node ids by lower-cased login; null for a login GitHub does not know. */
  users: Map<string, { id: string; login: string } | null>;
  requests: number;
}

/**
 * One request: the search for the incident's existing follow-ups and the node ids of the people
 * the writes will name (owners to assign, reviewers to request). Further search pages, only for an
 * incident with more than 100 follow-ups, cost one request each.
 */
export async function prepareFollowUps(
  github: GitHubClient,
  req: RepoRef & { incident: number; label: string; logins: string[] },
): Promise<FollowUpPrep> {
  const logins = [...new Set(req.logins.map((l) => l.toLowerCase()))];
  type Page = {
    search: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{ id?: string; number?: number; url?: string; title?: string; body?: string } | null>;
    };
  } & Record<string, unknown>;
  const search = followUpSearch(req, req.label, req.incident);
  const first = await allowNotFound(
    github.graphql<Page>(followUpPrepQuery(logins.length), {
      search,
      after: null,
      ...Object.fromEntries(logins.map((login, i) => [`u${i}`, login])),
    }),
    /^u\d+$/,
  );
  const existing = new Map<string, ExistingFollowUp>();
  let requests = 1;
  let page: Page = first;
  for (;;) {
    for (const node of page.search.nodes) {
      const marker = parseFollowUpMarker(node?.body);
      if (!node?.id || !node.number || !node.url || marker?.incident !== req.incident) continue;
      if (!existing.has(marker.key)) {
        existing.set(marker.key, {
          id: node.id,
          number: node.number,
          url: node.url,
          title: node.title ?? "",
        });
      }
    }
    if (!page.search.pageInfo.hasNextPage || !page.search.pageInfo.endCursor) break;
    page = await github.graphql<Page>(followUpPrepQuery(0), {
      search,
      after: page.search.pageInfo.endCursor,
    });
    requests++;
  }
  return {
    existing,
    users: new Map(
      logins.map((login, i) => [login, (first[`u${i}`] as { id: string; login: string } | null) ?? null]),
    ),
    requests,
  };
}

export interface NewFollowUp {
  key: string;
  title: string;
  body: string;
  assigneeIds: string[];
}

export interface FollowUpsCreated {
  created: Map<string, ExistingFollowUp>;
  /** Items GitHub refused, with its message. */
  failed: Array<{ key: string; message: string; type: string | null }>;
  /** Items opened without their assignee, because GitHub refused the assignment. */
  unassigned: string[];
  requests: number;
}

const PER_REQUEST = 25;

/**
 * Opens the issues, 25 to a request. An issue GitHub refuses with its assignee (someone who cannot
 * be assigned in this repository) is opened again without one, in one more request for all such.
 */
export async function createFollowUpIssues(
  github: GitHubClient,
  req: { repositoryId: string; labelId: string | null; issues: NewFollowUp[] },
): Promise<FollowUpsCreated> {
  const result: FollowUpsCreated = { created: new Map(), failed: [], unassigned: [], requests: 0 };
  const run = async (issues: NewFollowUp[], withAssignees: boolean) => {
    const retry: NewFollowUp[] = [];
    for (let start = 0; start < issues.length; start += PER_REQUEST) {
      const chunk = issues.slice(start, start + PER_REQUEST);
      const results = await performBatch<{ issue: ExistingFollowUp | null }>(
        github,
        "FirebreakFollowUps",
        chunk.map((issue) => ({
          field: "createIssue",
          input: {
            repositoryId: req.repositoryId,
            title: issue.title,
            body: issue.body,
            ...(req.labelId ? { labelIds: [req.labelId] } : {}),
            ...(withAssignees && issue.assigneeIds.length > 0 ? { assigneeIds: issue.assigneeIds } : {}),
          },
          selection: "issue { id number url }",
        })),
      );
      result.requests++;
      results.forEach((r, i) => {
        const issue = chunk[i] as NewFollowUp;
        if (r.data?.issue) result.created.set(issue.key, r.data.issue);
        else if (withAssignees && issue.assigneeIds.length > 0 && r.type !== "FORBIDDEN") retry.push(issue);
        else result.failed.push({ key: issue.key, message: r.error ?? "not created", type: r.type });
      });
    }
    return retry;
  };
  const retry = await run(req.issues, true);
  if (retry.length > 0) {
    await run(retry, false);
    for (const issue of retry) if (result.created.has(issue.key)) result.unassigned.push(issue.key);
  }
  return result;
}
