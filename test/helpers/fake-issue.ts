// A small stand-in for GitHub's records of acme/shop#42, for tests where one operation must read
// what another wrote: the IncidentContext answer is built from the timeline as it stands, and each
// FirebreakWrites request GitHub carries out is appended to it (label events, assignments, comments,
// edits and reactions), all timed at the (frozen) current time.
import {
  assignedNode,
  commentNode,
  contextResponse,
  labeledNode,
  labelNameOf,
  unlabeledNode,
} from "./graphql.js";
import { answerWrites, type WritesAnswer } from "./writes.js";

type Json = Record<string, any>;

export interface FakeIssue {
  /** The issue's timeline as GitHub holds it now (mutable). */
  timeline: Json[];
  /** Replies to IncidentContext queries from the current timeline. */
  context: (uri: string, body: any) => [number, Json];
  /** Replies to FirebreakWrites, applying what it carries out to the timeline. */
  writes: (uri: string, body: any) => [number, Json];
}

export function fakeIssue(o: {
  timeline: Json[];
  /** The branch's history, answered when the query asks for it. */
  commits?: Json[];
  firstCommentId?: number;
  fail?: WritesAnswer["fail"];
  /** The app's login as GraphQL shows it on its own events. */
  appLogin?: string;
}): FakeIssue {
  const timeline = [...o.timeline];
  const app = o.appLogin ?? "firebreak";
  const now = () => new Date().toISOString();
  const commentByNodeId = (id: string) => {
    const comment = timeline.find((node) => node.__typename === "IssueComment" && node.id === id);
    if (!comment) throw new Error(`the fake issue has no comment ${id}`);
    return comment;
  };
  return {
    timeline,
    context: (_uri, body) => {
      const variables = body?.variables ?? {};
      return [
        200,
        contextResponse({
          timeline: structuredClone(timeline),
          commits: variables.withHistory ? (o.commits ?? []) : null,
          variables,
        }),
      ];
    },
    writes: answerWrites({
      firstCommentId: o.firstCommentId ?? 3001,
      ...(o.fail ? { fail: o.fail } : {}),
      onWrites: (applied) => {
        for (const op of applied) {
          switch (op.op) {
            case "addLabelsToLabelable":
              for (const id of op.labelIds as string[])
                timeline.push(labeledNode(labelNameOf(id), now(), app));
              break;
            case "removeLabelsFromLabelable":
              for (const id of op.labelIds as string[])
                timeline.push(unlabeledNode(labelNameOf(id), now(), app));
              break;
            case "addAssigneesToAssignable":
              for (const id of op.assigneeIds as string[])
                timeline.push(assignedNode(String(id).replace(/^U_/, ""), now(), app));
              break;
            case "updateIssueComment":
              commentByNodeId(op.id as string).body = op.body;
              break;
            case "addComment":
              timeline.push(commentNode(op.createdId as number, op.body as string, now(), { byApp: true }));
              break;
            case "addReaction": {
              const comment = commentByNodeId(op.subjectId as string);
              for (const group of comment.reactionGroups)
                if (group.content === op.content) group.viewerHasReacted = true;
              break;
            }
            default:
              throw new Error(`the fake issue does not apply ${op.op}`);
          }
        }
      },
    }),
  };
}
