// issue_comment.created: ChatOps commands on incidents, and `/incident` on any issue.
import type { Context } from "probot";
import { configReader, loadConfig } from "../config/load.js";
import { parseCommands } from "../core/commands.js";
import { severitiesIn, statusIn } from "../core/labels.js";
import { mightBeCommand } from "../core/triage.js";
import { fetchPermission } from "../github/permissions.js";
import { installed } from "./delivery.js";
import { runIncidentOperation } from "./incident-operation.js";
import { withIssueLock } from "./issue-lock.js";
import { defaultBranchOf, type HandlerDeps } from "./issues.js";

export function handleComment(deps: HandlerDeps) {
  // Edits and deletions never reach here: only `created` runs commands.
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { payload } = context;
    // `sender` is missing from some deliveries (GitHub documents it as optional).
    if (!mightBeCommand(payload) || payload.sender?.type === "Bot" || !installed(context)) return;

    const { owner, repo } = context.repo();
    const { comment, issue } = payload;
    const author = comment.user?.login ?? payload.sender?.login;
    // Nobody to check the role of, or to answer.
    if (!author) return;
    await withIssueLock(`${owner}/${repo}#${issue.number}`, async () => {
      const loaded = await loadConfig(configReader(context.octokit, { owner, repo }));
      const names = loaded.config.labels;
      const labels = (issue.labels ?? []).flatMap((label) => (label ? [label.name] : []));
      const commands = parseCommands(comment.body ?? "");
      const declared = commands.flatMap((p) =>
        p.ok && p.command.kind === "incident" ? [p.command.severity] : [],
      )[0];
      const severity = severitiesIn(labels, names)[0] ?? declared ?? null;
      // People the commands name, so one read also finds their node ids.
      const users = commands.flatMap((p) =>
        p.ok && p.command.kind === "role" ? [p.command.who === "me" ? author : p.command.who] : [],
      );
      // Who firebreak is comes first, so the permission lookup below is awaited as soon as it starts.
      const { slug } = await deps.identity();
      await runIncidentOperation({
        github: context.octokit,
        issue: {
          owner,
          repo,
          issueNumber: issue.number,
          title: issue.title,
          body: issue.body ?? "",
          labels,
          reporter: issue.user?.login ?? null,
        },
        defaultBranch: defaultBranchOf(payload.repository),
        loaded,
        trigger: {
          kind: "comment",
          id: comment.id,
          nodeId: comment.node_id,
          author,
          createdAt: new Date(comment.created_at),
          body: comment.body ?? "",
          permission: null,
        },
        // Asked once per comment, side by side with the incident read.
        permission: fetchPermission(context.octokit, { owner, repo }, author),
        declaring: statusIn(labels, names) === null && severity !== null,
        severityHint: severity,
        users,
        appLogin: slug,
        now: deps.now(),
      });
    });
  };
}
