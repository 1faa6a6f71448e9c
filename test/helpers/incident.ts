// Incidents as tests meet them: the changes that landed before one, a declaration run through the
// app (so later tests can feed back the exact tracker it posted), and the timeline it leaves behind.
import type nock from "nock";
import { commentNode, commitNode, contextReply, labeledNode } from "./graphql.js";
import { deliver, graphqlQuery, recordRequests, type SentRequest } from "./harness.js";
import { OWNER, REPO } from "./payloads.js";
import { githubApi, noConfig, testProbot, withConfig } from "./probot.js";
import { answerWrites, postedComments } from "./writes.js";

type Json = Record<string, any>;

export const TRACKER_MARKER = "<!-- firebreak:tracker -->";
export const CHECKLIST_MARKER = "<!-- firebreak:checklist:respond -->";
export const TRACKER_ID = 1001;
export const CHECKLIST_ID = 1002;

/** What landed on main before "Checkout returns 500 for card payments": #12 touches checkout, #13 docs. */
export function checkoutCommits(): Json[] {
  return [
    commitNode({
      sha: "a".repeat(40),
      headline: "Retry card payments in checkout (#12)",
      committedDate: "2026-11-22T11:00:00Z",
      pr: {
        number: 12,
        title: "Retry card payments in checkout",
        mergedAt: "2026-11-22T11:00:00Z",
        files: ["src/checkout/pay.ts"],
      },
    }),
    commitNode({
      sha: "b".repeat(40),
      headline: "Update README",
      committedDate: "2026-11-22T13:00:00Z",
      pr: { number: 13, title: "Docs", mergedAt: "2026-11-22T13:00:00Z", files: ["README.md"] },
    }),
  ];
}

/** The repository's `.github/incident.yml`, or none at all. */
export function configFile(scope: nock.Scope, yaml: string | null): nock.Scope {
  return yaml === null ? noConfig(scope, OWNER, REPO) : withConfig(scope, OWNER, REPO, yaml);
}

export interface Declared {
  tracker: string;
  checklist: string;
  sent: SentRequest[];
}

/**
 * Runs a declaration through a fresh app: `severity` labelled by alice at `labeledAt`, on a repository
 * with every label and the checkout commits. Returns the bodies the app posted.
 */
export async function declareIncident(
  o: { severity?: string; labeledAt?: string; config?: string | null } = {},
): Promise<Declared> {
  const severity = o.severity ?? "incident/sev2";
  const scope = configFile(githubApi(), o.config ?? null)
    .post("/graphql", graphqlQuery("IncidentContext"))
    .reply(
      contextReply({
        timeline: [labeledNode(severity, o.labeledAt ?? "2026-11-22T14:01:58Z")],
        commits: checkoutCommits(),
      }),
    )
    .post("/graphql", graphqlQuery("FirebreakWrites"))
    .times(2)
    .reply(answerWrites({ firstCommentId: TRACKER_ID }));
  const sent = recordRequests(scope);
  await deliver(testProbot(), "labeled", { labels: [severity], label: severity });
  if (!scope.isDone()) throw new Error(`declaration left mocks pending: ${scope.pendingMocks().join(", ")}`);
  const [tracker, checklist] = postedComments(sent);
  if (!tracker?.includes(TRACKER_MARKER) || !checklist?.includes(CHECKLIST_MARKER))
    throw new Error("the declaration did not post a tracker and a checklist");
  return { tracker, checklist, sent };
}

/**
 * The timeline a declaration leaves: the severity label, firebreak's status label two seconds later,
 * then its tracker and checklist comments.
 */
export function declaredTimeline(
  declared: { tracker: string; checklist: string },
  o: { severity?: string; labeledAt?: string } = {},
): Json[] {
  const labeledAt = new Date(o.labeledAt ?? "2026-11-22T14:01:58Z");
  const later = (seconds: number) => new Date(labeledAt.getTime() + seconds * 1000).toISOString();
  return [
    labeledNode(o.severity ?? "incident/sev2", labeledAt.toISOString()),
    labeledNode("incident/investigating", later(2), "firebreak"),
    commentNode(TRACKER_ID, declared.tracker, later(3), { byApp: true }),
    commentNode(CHECKLIST_ID, declared.checklist, later(4), { byApp: true }),
  ];
}

/** The text of the GitHub-flavoured table row for suspect `rank`, or undefined. */
export function suspectRow(tracker: string, rank: number): string | undefined {
  return tracker.split("\n").find((line) => line.startsWith(`| ${rank} | `));
}
