// `/notice`: rendering customer notices, adding them to the status file when configured, and the
// resolution drafts the tracker offers.
import type { Config } from "../config/schema.js";
import { type NoticeView, noticeFileReply, noticeView, resolutionDrafts } from "../core/notice.js";
import type { IncidentPlan } from "../core/plan.js";
import type { GitHubClient, IssueRef } from "../github/client.js";
import { addNoticesToStatusFile } from "../github/status-notice.js";
import type { Renderer } from "../render/templates.js";

export interface NoticeContext {
  config: Config;
  issue: IssueRef & { title: string };
  /** The comment with the `/notice`s. */
  comment: { id: number; createdAt: Date };
}

/** Each `/notice` of the plan, rendered, by command line. */
export function renderNotices(
  renderer: Renderer,
  plan: IncidentPlan,
  c: NoticeContext,
): Array<{ line: number; view: NoticeView; body: string }> {
  return plan.statusNotices.map((notice) => {
    const view = noticeView({
      ...notice,
      title: c.issue.title,
      at: c.comment.createdAt,
      commentId: c.comment.id,
      history: plan.history,
      declaredAt: plan.declaredAt,
      updateEveryMs: c.config.severities[plan.severity].update_every,
    });
    return { line: notice.line, view, body: renderer.render("notice", view).trimEnd() };
  });
}

/** Adds the plan's notices to the status file in one commit; the answer to each `/notice` line. */
export async function addNoticesToFile(
  github: GitHubClient,
  renderer: Renderer,
  plan: IncidentPlan,
  c: NoticeContext & { defaultBranch: string },
): Promise<Map<number, { ok: boolean; message: string }>> {
  const { notices } = c.config;
  const rendered = renderNotices(renderer, plan, c);
  const outcome = await addNoticesToStatusFile(
    github,
    {
      owner: c.issue.owner,
      repo: c.issue.repo,
      path: notices.status_file,
      branch: notices.branch,
      base: notices.base ?? c.defaultBranch,
    },
    rendered.map(({ view, body }) => ({
      marker: view.marker ?? "",
      body,
      headline: `Status notice: ${view.status}, ${c.issue.owner}/${c.issue.repo}#${c.issue.issueNumber}`,
    })),
  );
  const reply = noticeFileReply(outcome);
  return new Map(rendered.map(({ line }) => [line, reply]));
}

/** The tracker's customer drafts once the incident is resolved, rendered; null before. */
export function renderResolution(
  renderer: Renderer,
  plan: IncidentPlan,
  title: string,
): { notice: string; email: string } | null {
  if (plan.status !== "resolved" || plan.noLongerIncident) return null;
  const drafts = resolutionDrafts({ title, history: plan.history, declaredAt: plan.declaredAt });
  if (!drafts) return null;
  return {
    notice: renderer.render("notice", drafts.notice).trimEnd(),
    email: renderer.render("customer-email", drafts.email).trimEnd(),
  };
}
