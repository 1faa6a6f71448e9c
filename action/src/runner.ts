// The companion Action's runner: reads the inputs and the event, decides what to do, and calls into
// src/ (the app's core, rendering and GitHub access). One action for every trigger:
//   issues closed on an incident, workflow_dispatch with issue-number, a `/postmortem` comment
//     → draft or update the post-mortem pull request, and open follow-up issues for its action items;
//   pull_request closed (merged) for a post-mortem → follow-up issues for rows added in review;
//   schedule, or `mode: reminders` → the reminders sweep over every open incident;
//   anything else → a notice, and success.
import * as core from "@actions/core";
import * as actionsGithub from "@actions/github";
import yaml from "js-yaml";
import { type Config, DEFAULT_CONFIG } from "../../src/config/schema.js";
import { validateConfig } from "../../src/config/validate.js";
import { findCommandLines } from "../../src/core/commands.js";
import { formStartedText } from "../../src/core/form.js";
import {
  buildIncidentIndexView,
  INCIDENT_INDEX_FILE,
  INCIDENT_INDEX_MARKER,
} from "../../src/core/incident-index.js";
import { mightBeIncidentLabel, severitiesIn, severityTag, statusIn } from "../../src/core/labels.js";
import { GITHUB_BODY_LIMIT } from "../../src/core/markdown.js";
import type { SeverityKey } from "../../src/core/model.js";
import {
  buildFollowUpView,
  buildPostmortemView,
  DEFAULT_POSTMORTEM_DIR,
  FOLLOW_UP_LABEL,
  type FollowUpItem,
  type FollowUpLink,
  followUpTitle,
  incidentCommentBody,
  incidentOfBranch,
  isActionCommit,
  keptCommentBody,
  MERGED_COMMENT_MARKER,
  mergedCommentBody,
  normalizeDir,
  POSTMORTEM_LABEL,
  parseActionItemsTable,
  parsePostmortemPrMarker,
  postmortemBranch,
  postmortemCommitMessage,
  postmortemPath,
  postmortemPrBody,
  postmortemPrTitle,
  recordedFollowUpNumbers,
  recordedFollowUps,
  reviewersFor,
  reviewFollowUps,
} from "../../src/core/postmortem.js";
import {
  buildReminderView,
  dueReminders,
  type ReminderKind,
  reminderStateOf,
} from "../../src/core/reminders.js";
import { replayTimeline } from "../../src/core/timeline.js";
import { cachedSuspects } from "../../src/core/tracker.js";
import { isGraphqlResponseError, type MutationField, performBatch } from "../../src/github/batch.js";
import {
  ACTION_REQUEST_POLICY,
  type GitHubClient,
  type RepoRef,
  requestPolicy,
} from "../../src/github/client.js";
import {
  createFollowUpIssues,
  type ExistingFollowUp,
  prepareFollowUps,
} from "../../src/github/follow-ups.js";
import { OVERRIDES_DIR } from "../../src/github/incident-context.js";
import { statusOf } from "../../src/github/labels.js";
import {
  branchCommits,
  type CommitInfo,
  commitPostmortem,
  ensureLabel,
  IssueNotFound,
  openPullRequest,
  type PostmortemRead,
  readMergedPostmortem,
  readPostmortemIncident,
} from "../../src/github/postmortem.js";
import {
  type BoardItem,
  type Project,
  ProjectNotFound,
  type ProjectRef,
  parseProjectUrl,
  putOnBoard,
  readProject,
} from "../../src/github/projects.js";
import { postReminders, sweepIncidents } from "../../src/github/reminders.js";
import { createRenderer, type Renderer } from "../../src/render/templates.js";

export interface ActionEvent extends RepoRef {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: webhook payloads are whatever GitHub sends
  payload: Record<string, any>;
}

export interface RunOptions {
  /** The repository's client; by default @actions/github's Octokit with `github-token`. */
  octokit?: GitHubClient;
  /** The Projects board's client; by default @actions/github's Octokit with `project-token`. */
  projectOctokit?: GitHubClient;
  /** The event; by default the workflow's (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY). */
  event?: ActionEvent;
  /** The time the reminders are decided at; by default now. */
  now?: Date;
}

/** What the run did, for tests and the bench (the outputs say the same to workflows). */
export interface RunResult {
  outcome: "postmortem" | "follow-ups" | "reminders" | "skipped" | "failed";
  requests: { repository: number; project: number };
  path: string | null;
  pullRequestUrl: string | null;
  followUps: FollowUpOutput[];
  document: string | null;
  renderMs: number | null;
  /** The incidents index written with the post-mortem (null: not written), and the time it took to build. */
  index: { path: string; skipped: number; renderMs: number } | null;
  /** The reminders a sweep posted (or, on a dry run, would have). */
  reminders: ReminderOutput[];
}

export interface ReminderOutput {
  issue: number;
  url: string;
  reminders: ReminderKind[];
  /** Posted by this run (false on a dry run, or when GitHub refused it). */
  posted: boolean;
}

export interface FollowUpOutput {
  item: string;
  title: string;
  owner: string | null;
  due: string | null;
  number: number | null;
  url: string | null;
  /** Opened by this run (false: it existed, or dry-run). */
  created: boolean;
}

interface Inputs {
  token: string;
  issueNumber: number | null;
  dir: string;
  template: string | null;
  followUpTemplate: string | null;
  dryRun: boolean;
  projectUrl: string | null;
  projectToken: string | null;
  projectStatus: string;
  appSlug: string | null;
  mode: "postmortem" | "reminders" | null;
  incidentIndex: boolean;
}

/** A failure whose message already says what to fix. */
export class ActionFailure extends Error {}

/** A request that failed, with what the Action was doing and the permission that step needs. */
class StepError extends Error {
  constructor(
    readonly doing: string,
    readonly permission: string | null,
    override readonly cause: unknown,
  ) {
    super(`could not ${doing}`);
  }
}

const ALLOWED_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);
const TOKEN_HELP =
  "GITHUB_TOKEN cannot reach Projects: for an organisation's board use a GitHub App installation token with Organization projects: read and write; for a user's board, a classic personal access token with the project scope";

export async function run(options: RunOptions = {}): Promise<RunResult> {
  const result: RunResult = {
    outcome: "skipped",
    requests: { repository: 0, project: 0 },
    path: null,
    pullRequestUrl: null,
    followUps: [],
    document: null,
    renderMs: null,
    index: null,
    reminders: [],
  };
  try {
    await dispatch(options, result);
  } catch (error) {
    result.outcome = "failed";
    core.setFailed(failureMessage(error));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Inputs and clients

function readInputs(): Inputs {
  const text = (name: string) => core.getInput(name).trim() || null;
  const number = text("issue-number");
  if (number !== null && !/^#?\d+$/.test(number)) {
    throw new ActionFailure(
      `issue-number: "${number}" is not an issue number; give the incident's number, like 42`,
    );
  }
  const flag = (name: string, fallback: string) => {
    const value = (text(name) ?? fallback).toLowerCase();
    if (!["true", "false", "yes", "no", "1", "0"].includes(value)) {
      throw new ActionFailure(`${name}: "${value}" is not true or false`);
    }
    return ["true", "yes", "1"].includes(value);
  };
  const mode = text("mode")?.toLowerCase() ?? null;
  if (mode !== null && mode !== "postmortem" && mode !== "reminders") {
    throw new ActionFailure(`mode: "${mode}" is not a mode; use postmortem or reminders, or leave it empty`);
  }
  return {
    token: text("github-token") ?? "",
    issueNumber: number === null ? null : Number(number.replace("#", "")),
    dir: text("postmortem-dir") ?? DEFAULT_POSTMORTEM_DIR,
    template: text("template"),
    followUpTemplate: text("follow-up-template"),
    dryRun: flag("dry-run", "false"),
    projectUrl: text("project-url"),
    projectToken: text("project-token"),
    projectStatus: text("project-status") ?? "Todo",
    appSlug: text("app-slug")?.replace(/\[bot\]$/, "") ?? null,
    mode,
    incidentIndex: flag("incident-index", "true"),
  };
}

/** @actions/github's Octokit, honouring GITHUB_API_URL and GITHUB_GRAPHQL_URL (GitHub Enterprise Server). */
function actionsClient(token: string): GitHubClient {
  if (!token)
    throw new ActionFailure(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, as people write it
      "github-token is empty; leave it at its default (${{ github.token }}) or pass a token",
    );
  const apiUrl = process.env.GITHUB_API_URL || "https://api.github.com";
  // Timeouts, and retries only where repeating is safe (src/github/client.ts).
  const octokit = actionsGithub.getOctokit(token, { baseUrl: apiUrl }, requestPolicy(ACTION_REQUEST_POLICY));
  const graphqlUrl = process.env.GITHUB_GRAPHQL_URL;
  return {
    request: octokit.request,
    graphql: graphqlUrl ? octokit.graphql.defaults({ url: graphqlUrl }) : octokit.graphql,
  } as GitHubClient;
}

/** Counts what a client sends: the run reports its requests, and tests hold it to its budget. */
function counting(client: GitHubClient, count: (n: number) => void): GitHubClient {
  const request = (...args: unknown[]) => {
    count(1);
    return (client.request as (...a: unknown[]) => unknown)(...args);
  };
  const graphql = (...args: unknown[]) => {
    count(1);
    return (client.graphql as (...a: unknown[]) => unknown)(...args);
  };
  return {
    request: Object.assign(request, client.request),
    graphql: Object.assign(graphql, client.graphql),
  } as GitHubClient;
}

function contextEvent(): ActionEvent {
  const context = actionsGithub.context;
  const { owner, repo } = context.repo;
  return { name: context.eventName, payload: context.payload, owner, repo };
}

interface Run {
  inputs: Inputs;
  event: ActionEvent;
  repo: RepoRef;
  github: GitHubClient;
  project: GitHubClient | null;
  result: RunResult;
}

// ---------------------------------------------------------------------------------------------
// Which event, which work

async function dispatch(options: RunOptions, result: RunResult): Promise<void> {
  const inputs = readInputs();
  const event = options.event ?? contextEvent();
  const repo = { owner: event.owner, repo: event.repo };
  const lazy = <T>(make: () => T) => {
    let made: T | null = null;
    return () => {
      made ??= make();
      return made;
    };
  };
  const github = lazy(() =>
    counting(options.octokit ?? actionsClient(inputs.token), (n) => {
      result.requests.repository += n;
    }),
  );
  const project = lazy(() => {
    const client =
      options.projectOctokit ?? (inputs.projectToken ? actionsClient(inputs.projectToken) : null);
    return client
      ? counting(client, (n) => {
          result.requests.project += n;
        })
      : null;
  });
  const ctx = () => ({ inputs, event, repo, github: github(), project: project(), result });
  const { payload } = event;

  const dispatched =
    event.name === "workflow_dispatch" ? String(payload.inputs?.mode ?? "").toLowerCase() : "";
  const mode = inputs.mode ?? (dispatched === "reminders" || event.name === "schedule" ? "reminders" : null);
  if (mode === "reminders") return remind(ctx(), options.now ?? new Date());
  if (event.name === "schedule") {
    return skip(
      "On a schedule the Action sends the reminders; `mode: postmortem` needs an incident (an issue event, or workflow_dispatch with issue-number).",
    );
  }

  switch (event.name) {
    case "issues": {
      const issue = payload.issue;
      if (payload.action !== "closed")
        return skip(
          `Nothing to do when an issue is ${payload.action}: the post-mortem is drafted when an incident is closed.`,
        );
      if (!looksLikeIncident(issue?.labels))
        return skip(`#${issue?.number} is not an incident (no incident/sevN label): no post-mortem.`);
      if (issue.state_reason === "not_planned") {
        return skip(
          `Incident #${issue.number} was closed as not planned: no post-mortem. Comment /postmortem on it to draft one anyway.`,
        );
      }
      return generate(ctx(), { issueNumber: issue.number, explicit: false, reactTo: null });
    }
    case "issue_comment": {
      const { issue, comment } = payload;
      if (payload.action !== "created" || !hasPostmortemCommand(comment?.body)) {
        return skip("The comment asks nothing of the post-mortem Action (it answers `/postmortem`).");
      }
      if (issue?.pull_request)
        return skip("`/postmortem` works on an incident's issue, not on a pull request.");
      if (comment.user?.type === "Bot") return skip("Comments by bots are ignored.");
      if (!ALLOWED_ASSOCIATIONS.has(comment.author_association)) {
        return skip(
          `@${comment.user?.login} may not ask for a post-mortem: only the repository's owners, members and collaborators may.`,
        );
      }
      if (!looksLikeIncident(issue?.labels))
        return skip(`#${issue?.number} is not an incident (no incident/sevN label): no post-mortem.`);
      return generate(ctx(), {
        issueNumber: issue.number,
        explicit: false,
        reactTo: comment.node_id ?? null,
      });
    }
    case "workflow_dispatch": {
      const raw =
        inputs.issueNumber ?? payload.inputs?.["issue-number"] ?? payload.inputs?.issue_number ?? null;
      const issueNumber = raw === null || raw === "" ? null : Number(String(raw).replace("#", ""));
      if (issueNumber === null || !Number.isInteger(issueNumber) || issueNumber <= 0) {
        throw new ActionFailure(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, as people write it
          "issue-number is required when the workflow is run by hand: pass the incident's number (`with: issue-number: ${{ inputs.issue-number }}`)",
        );
      }
      return generate(ctx(), { issueNumber, explicit: true, reactTo: null });
    }
    case "pull_request":
    case "pull_request_target": {
      const pull = payload.pull_request;
      if (payload.action !== "closed") return skip(`Nothing to do when a pull request is ${payload.action}.`);
      const incident = incidentOfBranch(pull?.head?.ref ?? "");
      const sameRepository = pull?.head?.repo?.full_name === pull?.base?.repo?.full_name;
      if (incident === null || !sameRepository)
        return skip(`#${pull?.number} is not a post-mortem pull request.`);
      if (!pull.merged)
        return skip(`Post-mortem #${pull.number} was closed without merging: no follow-up issues.`);
      return followUpsFromMerged(ctx(), { incident, pull });
    }
    default:
      return skip(
        `firebreak's Action has nothing to do on ${event.name} events. It runs on issues (closed), issue_comment (\`/postmortem\`), pull_request (closed), workflow_dispatch (with issue-number, or mode: reminders) and schedule (the reminders).`,
      );
  }
}

function skip(message: string): void {
  core.notice(message);
}

function looksLikeIncident(labels: unknown): boolean {
  return (
    Array.isArray(labels) &&
    labels.some(
      (l) =>
        l && typeof l.name === "string" && mightBeIncidentLabel({ name: l.name, description: l.description }),
    )
  );
}

function hasPostmortemCommand(body: unknown): boolean {
  return typeof body === "string" && findCommandLines(body).some((line) => line.name === "postmortem");
}

// ---------------------------------------------------------------------------------------------
// The post-mortem pull request

async function generate(
  run: Run,
  req: { issueNumber: number; explicit: boolean; reactTo: string | null },
): Promise<void> {
  const { inputs, repo, github, result } = run;
  const n = req.issueNumber;
  const dir = postmortemDir(inputs);
  const projectRef = projectOf(inputs, run.project);
  const branch = postmortemBranch(n);
  const templatePath = inputs.template ?? `${OVERRIDES_DIR}/postmortem.md.hbs`;
  const followUpTemplatePath = inputs.followUpTemplate ?? `${OVERRIDES_DIR}/follow-up.md.hbs`;
  const indexTemplatePath = `${OVERRIDES_DIR}/incident-index.md.hbs`;

  const [read, project] = await Promise.all([
    step("read the incident", "issues: read, contents: read and pull-requests: read", () =>
      readPostmortemIncident(github, {
        ...repo,
        issueNumber: n,
        branch,
        configPath: ".github/incident.yml",
        templatePath,
        followUpTemplatePath,
        indexTemplatePath,
        postmortemDir: dir,
        labels: { postmortem: POSTMORTEM_LABEL, followUp: FOLLOW_UP_LABEL },
        appLogin: inputs.appSlug,
      }),
    ),
    projectRef && run.project && !inputs.dryRun
      ? boardOf(run.project, projectRef, inputs)
      : Promise.resolve(null),
  ]);
  const config = configFrom(read.files.config);
  const names = config.labels;
  const severity = severitiesIn(read.issue.labels, names)[0] ?? null;
  if (!severity) {
    const message = `#${n} is not an incident: it has no severity label (${Object.values(names.severity).join(", ")})`;
    if (req.explicit) throw new ActionFailure(`${message}. Give the number of an incident's issue.`);
    return skip(`${message}: no post-mortem.`);
  }
  const renderer = renderers(inputs, {
    postmortem: read.files.template,
    followUp: read.files.followUpTemplate,
    index: read.files.indexTemplate,
    templatePath,
    followUpTemplatePath,
    indexTemplatePath,
  });
  if (!read.appLogin) {
    core.warning(
      `#${n} has no firebreak tracker comment, so the commands in its comments (roles, /impact, /cause, updates, action items) cannot be told apart from unanswered ones and are left out of the draft. If firebreak runs under another name, set app-slug.`,
    );
  }
  const started = performance.now();
  const history = replayTimeline(read.timeline, names, {
    ...(read.appLogin ? { appLogin: read.appLogin } : {}),
    reporter: read.issue.author,
    // As the tracker does: the form's "when it started" dates the start unless /started says otherwise.
    formStarted: formStartedText(read.issue.body),
  });
  const replayed = performance.now();
  const declaredAt = history.declaredAt ?? read.issue.createdAt;
  const existingPull = read.pullRequest;
  const path =
    parsePostmortemPrMarker(existingPull?.body)?.path ?? postmortemPath(dir, declaredAt, read.issue.title, n);
  result.path = path;

  if (existingPull && existingPull.state !== "OPEN") {
    result.pullRequestUrl = existingPull.url;
    setOutputs(result);
    return skip(
      existingPull.state === "MERGED"
        ? `The post-mortem of #${n} was merged in #${existingPull.number}: edit ${path} on the default branch instead.`
        : `The post-mortem pull request #${existingPull.number} was closed without merging: reopen it to have firebreak update it.`,
    );
  }
  const defaultBranch = read.repository.defaultBranch;
  if (!defaultBranch)
    throw new ActionFailure(`${repo.owner}/${repo.repo} has no default branch to propose the post-mortem to`);

  // Follow-up issues: the ones already open (the Action's own record, then one search), then the missing.
  const bots = new Set([...read.bots, ...(read.appLogin ? [read.appLogin.toLowerCase()] : [])]);
  const viewer = [read.viewer, read.viewer.replace(/\[bot\]$/, "")];
  const items = recordedFollowUps(history, read.issue.url);
  const known = new Map<string, FollowUpLink>();
  for (const [key, number] of recordedFollowUpNumbers(read.incidentComment?.body)) {
    known.set(key, { number, url: `${read.repository.url}/issues/${number}` });
  }
  const reviewers = existingPull
    ? []
    : reviewersFor(history, { bots, exclude: viewer, reporter: read.issue.author });
  const unknown = items.filter((item) => !known.has(item.key));
  const needPrep = unknown.length > 0 || (!inputs.dryRun && reviewers.length > 0);
  const prep = needPrep
    ? await step("look for the incident's follow-up issues", "issues: read", () =>
        prepareFollowUps(github, {
          ...repo,
          incident: n,
          label: FOLLOW_UP_LABEL,
          logins: inputs.dryRun ? [] : [...unknown.flatMap((i) => (i.owner ? [i.owner] : [])), ...reviewers],
        }),
      )
    : null;
  for (const [key, issue] of prep?.existing ?? []) if (!known.has(key)) known.set(key, issue);

  const missing = items.filter((item) => !known.has(item.key));
  const postmortemUrl = `${read.repository.url}/blob/${encodeURI(defaultBranch.name)}/${encodeURI(path)}`;
  const followUpContext = {
    incident: { number: n, title: read.issue.title, url: read.issue.url },
    severity,
    path,
    postmortemUrl,
    pullRequest: null,
  };
  const created = inputs.dryRun
    ? new Map<string, ExistingFollowUp>()
    : await openFollowUps(run, {
        items: missing,
        context: followUpContext,
        renderer,
        repositoryId: read.repository.id,
        labelId: read.labelIds.followUp,
        users: prep?.users ?? new Map(),
      });
  for (const [key, issue] of created) known.set(key, issue);
  const lateFailures: string[] = [];
  if (project && created.size > 0) {
    lateFailures.push(
      ...(await board(
        run,
        project,
        inputs,
        [...created.entries()].map(([key, issue]) => {
          const item = missing.find((i) => i.key === key);
          return boardItem(issue.id, item, { n, title: read.issue.title, severity, config });
        }),
      )),
    );
  }

  // The document.
  const rendering = performance.now();
  const view = buildPostmortemView({
    repoUrl: read.repository.url,
    incident: {
      number: n,
      title: read.issue.title,
      url: read.issue.url,
      reporter: read.issue.author,
      createdAt: read.issue.createdAt,
      closedAt: read.issue.closedAt,
    },
    history,
    severity: {
      key: severity,
      name: config.severities[severity].name,
      meaning: config.severities[severity].meaning,
      respondWithin: config.severities[severity].respond_within,
    },
    status:
      statusIn(read.issue.labels, names) ??
      history.status ??
      (read.issue.open ? "investigating" : "resolved"),
    businessDayStartMinutes: config.business_day_start,
    tracker: read.tracker ? { url: read.tracker.url, suspects: cachedSuspects(read.tracker.body) } : null,
    references: read.references,
    bots,
    followUps: known,
    path,
  });
  const document = renderStrict(renderer.renderer, "postmortem", view, renderer.postmortemFile);
  // Replaying the records and rendering the document, without the requests in between.
  result.renderMs = performance.now() - rendering + (replayed - started);
  result.document = document;
  result.followUps = items.map((item) =>
    followUpOutput(item, known.get(item.key) ?? null, created.has(item.key)),
  );
  const indexing = performance.now();
  const index = inputs.incidentIndex ? incidentIndex(read, renderer, { dir, path, document }) : null;
  result.index = index
    ? { path: index.path, skipped: index.skipped, renderMs: performance.now() - indexing }
    : null;

  if (inputs.dryRun) {
    result.outcome = "postmortem";
    result.pullRequestUrl = existingPull?.url ?? null;
    setOutputs(result);
    await summary(`Post-mortem of #${n} (dry run)`, [
      `Dry run: nothing was written. The pull request would add \`${path}\`${index ? ` and update the incidents index \`${index.path}\`` : ""} on branch \`${branch}\`.`,
      ...followUpLines(result.followUps),
      "",
      document,
    ]);
    return;
  }

  // The branch: build on it only while every commit on it is the Action's own.
  let people: CommitInfo[] = [];
  let parent = { oid: defaultBranch.oid, treeOid: defaultBranch.treeOid };
  let createBranch = true;
  if (read.branch) {
    createBranch = false;
    parent = read.branch;
    const commits =
      existingPull && existingPull.commitCount <= existingPull.commits.length
        ? existingPull.commits
        : await step("compare the post-mortem branch with the default branch", "contents: read", () =>
            branchCommits(github, repo, defaultBranch.name, branch),
          );
    people = commits.filter((commit) => !isActionCommit(commit, n));
    if (existingPull && existingPull.commitCount > existingPull.commits.length) {
      people.push({ oid: existingPull.headOid, message: "", committerEmail: null, author: null });
    }
  }
  let moved = false;
  if (people.length === 0) {
    const committed = await step("commit the post-mortem", "contents: write", () =>
      commitPostmortem(github, {
        ...repo,
        branch,
        files: [
          { path, content: document },
          ...(index ? [{ path: index.path, content: index.content }] : []),
        ],
        message: postmortemCommitMessage(n, read.issue.title, !createBranch),
        parent,
        createBranch,
      }),
    );
    moved = committed.kind === "moved";
    if (committed.kind === "unchanged") core.info(`${path} on ${branch} is already up to date.`);
  }
  const kept = people.length > 0 || moved;

  const pull = existingPull
    ? { id: existingPull.id, number: existingPull.number, url: existingPull.url, opened: false }
    : {
        ...(await step("open the post-mortem pull request", "pull-requests: write", () =>
          openPullRequest(github, {
            ...repo,
            title: postmortemPrTitle(n, read.issue.title),
            body: postmortemPrBody({ issueNumber: n, title: read.issue.title, severity, path }),
            head: branch,
            base: defaultBranch.name,
          }),
        )),
        opened: true,
      };
  result.pullRequestUrl = pull.url;

  // What is said: the label and reviewers of a new pull request, the comment on the incident, the
  // comment when people's commits were kept, the reaction to `/postmortem`. One request.
  const fields: Array<MutationField & { what: string; permission: string }> = [];
  if (pull.opened) {
    const labelId =
      read.labelIds.postmortem ??
      (await step(`create the ${POSTMORTEM_LABEL} label`, "issues: write", () =>
        ensureLabel(github, repo, {
          name: POSTMORTEM_LABEL,
          color: "5319e7",
          description: "A post-mortem pull request drafted by firebreak",
        }),
      ));
    fields.push({
      field: "addLabelsToLabelable",
      input: { labelableId: pull.id, labelIds: [labelId] },
      what: `label #${pull.number} ${POSTMORTEM_LABEL}`,
      permission: "pull-requests: write",
    });
    for (const login of reviewers) {
      const user = prep?.users.get(login.toLowerCase());
      if (!user) continue;
      fields.push({
        field: "requestReviews",
        input: { pullRequestId: pull.id, userIds: [user.id], union: true },
        what: `request a review from @${user.login}`,
        permission: "pull-requests: write",
      });
    }
  }
  const followUpList = items.flatMap((item) => {
    const issue = known.get(item.key);
    return issue ? [{ key: item.key, number: issue.number }] : [];
  });
  const incidentComment = incidentCommentBody({ pullRequest: pull, path, followUps: followUpList, kept });
  if (!read.incidentComment) {
    fields.push({
      field: "addComment",
      input: { subjectId: read.issue.id, body: incidentComment },
      what: `link the post-mortem from #${n}`,
      permission: "issues: write",
    });
  } else if (read.incidentComment.body !== incidentComment) {
    fields.push({
      field: "updateIssueComment",
      input: { id: read.incidentComment.id, body: incidentComment },
      what: `update the post-mortem link on #${n}`,
      permission: "issues: write",
    });
  }
  if (kept) {
    const body = keptCommentBody({
      commits: people.map((c) => ({ oid: c.oid, author: c.author })),
      document,
      limit: GITHUB_BODY_LIMIT,
    });
    const earlier = existingPull?.keptComment ?? null;
    if (!earlier) {
      fields.push({
        field: "addComment",
        input: { subjectId: pull.id, body },
        what: `explain on #${pull.number} why the draft was not updated`,
        permission: "pull-requests: write",
      });
    } else if (earlier.body !== body) {
      fields.push({
        field: "updateIssueComment",
        input: { id: earlier.id, body },
        what: `update the note on #${pull.number}`,
        permission: "pull-requests: write",
      });
    }
    core.warning(
      `${branch} has commits by people, so the post-mortem was not overwritten; the regenerated draft is in a comment on #${pull.number}.`,
    );
  }
  if (req.reactTo) {
    fields.push({
      field: "addReaction",
      input: { subjectId: req.reactTo, content: "ROCKET" },
      what: "react to the /postmortem comment",
      permission: "issues: write",
    });
  }
  await writeAll(github, "FirebreakPostmortem", fields);

  result.outcome = "postmortem";
  setOutputs(result);
  await summary(`Post-mortem of #${n}`, [
    `${pull.opened ? "Opened" : kept ? "Kept (people have committed)" : "Updated"} [#${pull.number}](${pull.url}): \`${path}\` on branch \`${branch}\`.`,
    ...followUpLines(result.followUps),
    "",
    `${result.requests.repository} requests to the repository${result.requests.project ? `, ${result.requests.project} to the project board` : ""}.`,
  ]);
  failLate(lateFailures);
}

// ---------------------------------------------------------------------------------------------
// The merged post-mortem: follow-up issues for the rows reviewers added

async function followUpsFromMerged(
  run: Run,
  // biome-ignore lint/suspicious/noExplicitAny: the pull_request webhook payload
  req: { incident: number; pull: Record<string, any> },
): Promise<void> {
  const { inputs, repo, github, result } = run;
  const { pull } = req;
  const dir = postmortemDir(inputs);
  const projectRef = projectOf(inputs, run.project);
  const followUpTemplatePath = inputs.followUpTemplate ?? `${OVERRIDES_DIR}/follow-up.md.hbs`;
  let path = parsePostmortemPrMarker(pull.body)?.path ?? null;
  if (!path) {
    const { data: files } = await step(`list the files of #${pull.number}`, "pull-requests: read", () =>
      github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
        ...repo,
        pull_number: pull.number,
        per_page: 100,
      }),
    );
    path =
      files.find(
        (f) => f.filename.startsWith(`${dir}/`) && f.filename.endsWith(".md") && f.status !== "removed",
      )?.filename ?? null;
    if (!path) return skip(`#${pull.number} adds no post-mortem under ${dir}/: no follow-up issues.`);
  }
  result.path = path;
  result.pullRequestUrl = pull.html_url ?? null;

  const [read, project] = await Promise.all([
    step("read the merged post-mortem", "contents: read, issues: read and pull-requests: read", () =>
      readMergedPostmortem(github, {
        ...repo,
        pull: pull.number,
        incident: req.incident,
        document: `${pull.merge_commit_sha}:${path}`,
        configPath: ".github/incident.yml",
        followUpTemplatePath,
        followUpLabel: FOLLOW_UP_LABEL,
      }),
    ),
    projectRef && run.project && !inputs.dryRun
      ? boardOf(run.project, projectRef, inputs)
      : Promise.resolve(null),
  ]);
  if (read.document === null)
    return skip(`${path} is not in the merge commit of #${pull.number}: no follow-up issues.`);
  const config = configFrom(read.files.config);
  const severity = read.incident ? (severitiesIn(read.incident.labels, config.labels)[0] ?? null) : null;
  const renderer = renderers(inputs, {
    postmortem: null,
    followUp: read.files.followUpTemplate,
    index: null,
    templatePath: "",
    followUpTemplatePath,
    indexTemplatePath: "",
  });
  const rows = reviewFollowUps(parseActionItemsTable(read.document), {
    number: pull.number,
    url: pull.html_url,
  });
  const ownComment =
    read.pullRequest?.comments.find((c) => c.viewerDidAuthor && c.body.includes(MERGED_COMMENT_MARKER)) ??
    null;
  const known = new Map<string, FollowUpLink>();
  for (const [key, number] of recordedFollowUpNumbers(ownComment?.body)) {
    known.set(key, { number, url: `${read.repository.url}/issues/${number}` });
  }
  const unknown = rows.filter((item) => !known.has(item.key));
  const prep =
    unknown.length > 0
      ? await step("look for the incident's follow-up issues", "issues: read", () =>
          prepareFollowUps(github, {
            ...repo,
            incident: req.incident,
            label: FOLLOW_UP_LABEL,
            logins: inputs.dryRun ? [] : unknown.flatMap((i) => (i.owner ? [i.owner] : [])),
          }),
        )
      : null;
  for (const [key, issue] of prep?.existing ?? []) if (!known.has(key)) known.set(key, issue);
  // A row for an item recorded in the incident, whose issue the draft could not link (people had
  // committed to the branch before it was opened), is that item: never a second issue.
  const titles = new Set(
    [...(prep?.existing.values() ?? [])].flatMap((f) => (f.title ? [f.title.toLowerCase()] : [])),
  );
  const items = rows.filter(
    (item) => known.has(item.key) || !titles.has(followUpTitle(item.text).toLowerCase()),
  );
  const missing = items.filter((item) => !known.has(item.key));
  const incident = read.incident ?? {
    number: req.incident,
    title: `incident #${req.incident}`,
    url: `${read.repository.url}/issues/${req.incident}`,
  };
  const created = inputs.dryRun
    ? new Map<string, ExistingFollowUp>()
    : await openFollowUps(run, {
        items: missing,
        context: {
          incident: { number: incident.number, title: incident.title, url: incident.url },
          severity,
          path,
          postmortemUrl: `${read.repository.url}/blob/${encodeURI(read.repository.defaultBranch ?? "HEAD")}/${encodeURI(path)}`,
          pullRequest: { number: pull.number, url: pull.html_url },
        },
        renderer,
        repositoryId: read.repository.id,
        labelId: read.followUpLabelId,
        users: prep?.users ?? new Map(),
      });
  for (const [key, issue] of created) known.set(key, issue);
  result.followUps = items.map((item) =>
    followUpOutput(item, known.get(item.key) ?? null, created.has(item.key)),
  );
  result.outcome = "follow-ups";

  const lateFailures: string[] = [];
  if (!inputs.dryRun) {
    if (project && created.size > 0) {
      lateFailures.push(
        ...(await board(
          run,
          project,
          inputs,
          [...created.entries()].map(([key, issue]) => {
            const item = missing.find((i) => i.key === key);
            return boardItem(issue.id, item, { n: incident.number, title: incident.title, severity, config });
          }),
        )),
      );
    }
    if (created.size > 0 && read.pullRequest) {
      const body = mergedCommentBody({
        created: [...created.entries()].map(([key, issue]) => ({
          key,
          number: issue.number,
          text: items.find((i) => i.key === key)?.text ?? "",
        })),
        existing: items.flatMap((item) => {
          const issue = known.get(item.key);
          return issue && !created.has(item.key) ? [{ key: item.key, number: issue.number }] : [];
        }),
        failed: [],
      });
      await writeAll(github, "FirebreakPostmortemMerged", [
        ownComment
          ? {
              field: "updateIssueComment",
              input: { id: ownComment.id, body },
              what: `update the follow-up list on #${pull.number}`,
              permission: "pull-requests: write",
            }
          : {
              field: "addComment",
              input: { subjectId: read.pullRequest.id, body },
              what: `list the follow-up issues on #${pull.number}`,
              permission: "pull-requests: write",
            },
      ]);
    }
  }
  setOutputs(result);
  await summary(`Follow-ups of post-mortem #${pull.number}`, [
    items.length === 0
      ? "No action item in the merged post-mortem lacks an issue."
      : `${items.length} action items were added in review${inputs.dryRun ? " (dry run: nothing was written)" : ""}.`,
    ...followUpLines(result.followUps),
  ]);
  failLate(lateFailures);
}

// ---------------------------------------------------------------------------------------------
// Reminders: one sweep over the incidents, one comment per incident with what is due

async function remind(run: Run, now: Date): Promise<void> {
  const { inputs, repo, github, result } = run;
  const templatePath = `${OVERRIDES_DIR}/reminder.md.hbs`;
  const sweep = await step(
    "look for the incidents",
    "issues: read, contents: read and pull-requests: read",
    () =>
      sweepIncidents(github, {
        ...repo,
        now,
        configPath: ".github/incident.yml",
        templatePath,
        defaults: DEFAULT_CONFIG,
        configOf: configFrom,
        appLogin: inputs.appSlug,
      }),
  );
  const { config } = sweep;
  const renderer = createRenderer(
    sweep.files.template === null ? {} : { "reminder.md.hbs": sweep.files.template },
  );
  const comments: Array<{ subjectId: string; body: string; output: ReminderOutput }> = [];
  for (const incident of sweep.incidents) {
    const history = replayTimeline(incident.timeline, config.labels, {
      ...(incident.appLogin ? { appLogin: incident.appLogin } : {}),
      reporter: incident.reporter,
    });
    const state = reminderStateOf({ ...incident, history }, config.labels);
    if (!state) continue;
    let due = dueReminders(state, now, config);
    if (!incident.appLogin && due.some((r) => r.kind !== "postmortem")) {
      // Without firebreak's login its answers to commands cannot be told apart, so neither can a
      // commander or an update: saying they are missing could be wrong.
      core.warning(
        `#${incident.number} has no firebreak tracker comment, so whether it has an incident commander or recent updates cannot be read: no response or update reminder. If firebreak runs under another name, set app-slug.`,
      );
      due = due.filter((r) => r.kind === "postmortem");
    }
    if (due.length === 0) continue;
    const view = buildReminderView(
      { number: incident.number, severity: state.severity, declaredAt: state.declaredAt },
      due,
      config,
    );
    comments.push({
      subjectId: incident.id,
      body: renderer.render("reminder", view),
      output: { issue: incident.number, url: incident.url, reminders: due.map((r) => r.kind), posted: false },
    });
  }
  for (const warning of renderer.warnings) core.warning(warning);

  if (!inputs.dryRun && comments.length > 0) {
    const posted = await step("post the reminders", "issues: write", () => postReminders(github, comments));
    posted.results.forEach((r, i) => {
      const comment = comments[i];
      if (!comment) return;
      if (r.error) {
        const permission = /not accessible|FORBIDDEN/i.test(`${r.type} ${r.error}`)
          ? " The token lacks the issues: write permission."
          : "";
        core.warning(`Could not remind #${comment.output.issue}: ${r.error}.${permission}`);
      } else comment.output.posted = true;
    });
  }
  result.outcome = "reminders";
  result.reminders = comments.map((c) => c.output);
  core.setOutput("reminders", JSON.stringify(result.reminders));
  const lines = [
    `${sweep.incidents.length} ${sweep.incidents.length === 1 ? "incident" : "incidents"} looked at; ${comments.length === 0 ? "nothing is due" : `${comments.length} reminded${inputs.dryRun ? " (dry run: nothing was posted)" : ""}`}.`,
  ];
  if (comments.length > 0) {
    lines.push(
      "",
      "| Incident | Reminded of | Posted |",
      "| --- | --- | --- |",
      ...comments.map(
        (c) =>
          `| [#${c.output.issue}](${c.output.url}) | ${c.output.reminders.join(", ")} | ${c.output.posted ? "yes" : "no"} |`,
      ),
    );
    if (inputs.dryRun)
      lines.push("", ...comments.flatMap((c) => [`#### #${c.output.issue}`, "", c.body, ""]));
  }
  lines.push("", `${result.requests.repository} requests.`);
  await summary("Incident reminders", lines);
}

// ---------------------------------------------------------------------------------------------
// Shared steps

function postmortemDir(inputs: Inputs): string {
  const dir = normalizeDir(inputs.dir);
  if (!dir) {
    throw new ActionFailure(
      `postmortem-dir: "${inputs.dir}" is not a directory inside the repository; use e.g. docs/postmortems`,
    );
  }
  return dir;
}

function projectOf(inputs: Inputs, client: GitHubClient | null): ProjectRef | null {
  if (!inputs.projectUrl) return null;
  const ref = parseProjectUrl(inputs.projectUrl);
  if ("error" in ref) throw new ActionFailure(`project-url: ${ref.error}`);
  if (!client && !inputs.dryRun) {
    throw new ActionFailure(`project-url is set but project-token is not. ${TOKEN_HELP}.`);
  }
  return ref;
}

async function boardOf(client: GitHubClient, ref: ProjectRef, inputs: Inputs): Promise<Project> {
  try {
    return await readProject(client, ref);
  } catch (error) {
    const reason = error instanceof ProjectNotFound ? error.message : describe(error);
    throw new ActionFailure(
      `project-url ${inputs.projectUrl} cannot be found (${reason}). Check the address, and that project-token can see the board: ${TOKEN_HELP}.`,
    );
  }
}

function boardItem(
  contentId: string,
  item: FollowUpItem | undefined,
  ctx: { n: number; title: string; severity: SeverityKey | null; config: Config },
): BoardItem {
  return {
    contentId,
    values: {
      // Filled in by board(), from project-status.
      Status: null,
      Severity: ctx.severity
        ? [severityTag(ctx.severity), ctx.severity, ctx.config.severities[ctx.severity].name]
        : null,
      "Due date": item?.due ?? null,
      Incident: `#${ctx.n} ${ctx.title}`.slice(0, 200),
    },
  };
}

/** Puts new follow-ups on the board; returns what must fail the run once everything else is done. */
async function board(run: Run, project: Project, inputs: Inputs, items: BoardItem[]): Promise<string[]> {
  if (!run.project) return [];
  const client = run.project;
  const withStatus = items.map((item) => ({
    ...item,
    values: { ...item.values, Status: inputs.projectStatus },
  }));
  try {
    const result = await putOnBoard(client, project, withStatus);
    for (const warning of result.warnings) core.warning(warning);
    core.info(
      `Added ${result.added} follow-up issues to the project "${project.title}", ${result.fieldsSet} fields set.`,
    );
    return result.failed.length > 0
      ? [
          `${result.failed.length} follow-up issues could not be added to the project "${project.title}" (${result.failed[0]?.message}). ${TOKEN_HELP}.`,
        ]
      : [];
  } catch (error) {
    return [
      `The follow-up issues could not be added to the project "${project.title}": ${describe(error)}. ${TOKEN_HELP}.`,
    ];
  }
}

async function openFollowUps(
  run: Run,
  req: {
    items: FollowUpItem[];
    context: Parameters<typeof buildFollowUpView>[1];
    renderer: Renderers;
    repositoryId: string;
    labelId: string | null;
    users: Map<string, { id: string; login: string } | null>;
  },
): Promise<Map<string, ExistingFollowUp>> {
  if (req.items.length === 0) return new Map();
  const { github, repo } = run;
  const labelId =
    req.labelId ??
    (await step(`create the ${FOLLOW_UP_LABEL} label`, "issues: write", () =>
      ensureLabel(github, repo, {
        name: FOLLOW_UP_LABEL,
        color: "0e8a16",
        description: "An action item from an incident's post-mortem",
      }),
    ));
  const issues = req.items.map((item) => {
    const owner = item.owner ? req.users.get(item.owner.toLowerCase()) : null;
    if (item.owner && !owner)
      core.warning(
        `@${item.owner} is not a GitHub user: "${followUpTitle(item.text)}" is opened unassigned.`,
      );
    return {
      key: item.key,
      title: followUpTitle(item.text),
      body: renderStrict(
        req.renderer.renderer,
        "follow-up",
        buildFollowUpView(item, req.context),
        req.renderer.followUpFile,
      ),
      assigneeIds: owner ? [owner.id] : [],
    };
  });
  const created = await step("open the follow-up issues", "issues: write", () =>
    createFollowUpIssues(github, { repositoryId: req.repositoryId, labelId, issues }),
  );
  for (const key of created.unassigned) {
    const item = req.items.find((i) => i.key === key);
    core.warning(
      `@${item?.owner} cannot be assigned in this repository: "${followUpTitle(item?.text ?? "")}" was opened unassigned.`,
    );
  }
  if (created.failed.length > 0) {
    const first = created.failed[0];
    throw new StepError(
      `open ${created.failed.length} of the follow-up issues`,
      "issues: write",
      Object.assign(new Error(first?.message ?? "refused"), { type: first?.type ?? null }),
    );
  }
  return created.created;
}

/** Performs the writes in one request; what GitHub refused is a warning naming the permission. */
async function writeAll(
  github: GitHubClient,
  name: string,
  fields: Array<MutationField & { what: string; permission: string }>,
): Promise<void> {
  if (fields.length === 0) return;
  const results = await step(fields.map((f) => f.what).join(", "), fields[0]?.permission ?? null, () =>
    performBatch(
      github,
      name,
      fields.map(({ field, input, selection }) => ({ field, input, ...(selection ? { selection } : {}) })),
    ),
  );
  results.forEach((r, i) => {
    const field = fields[i];
    if (!r.error || !field) return;
    const permission = /not accessible|FORBIDDEN/i.test(`${r.type} ${r.error}`)
      ? ` The token lacks the ${field.permission} permission.`
      : "";
    core.warning(`Could not ${field.what}: ${r.error}.${permission}`);
  });
}

function failLate(failures: string[]): void {
  if (failures.length > 0) core.setFailed(failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Configuration and templates

function configFrom(text: string | null): Config {
  let raw: unknown;
  try {
    raw = text === null ? undefined : yaml.load(text);
  } catch (error) {
    core.warning(
      `.github/incident.yml is not valid YAML (${String((error as Error).message).split("\n")[0]}); using the defaults`,
    );
    raw = undefined;
  }
  if (raw && typeof raw === "object" && "_extends" in raw) {
    core.warning(
      ".github/incident.yml extends another file; the Action reads only this repository's file, so settings from the other are not used",
    );
  }
  const { config, problems } = validateConfig(raw);
  for (const problem of problems) core.warning(`.github/incident.yml: ${problem.path}: ${problem.message}`);
  return config;
}

interface Renderers {
  renderer: Renderer;
  postmortemFile: string;
  followUpFile: string;
  indexFile: string;
}

function renderers(
  inputs: Inputs,
  found: {
    postmortem: string | null;
    followUp: string | null;
    index: string | null;
    templatePath: string;
    followUpTemplatePath: string;
    indexTemplatePath: string;
  },
): Renderers {
  if (inputs.template && found.postmortem === null && found.templatePath) {
    throw new ActionFailure(
      `template: ${inputs.template} was not found on the default branch (or is too large to read)`,
    );
  }
  if (inputs.followUpTemplate && found.followUp === null) {
    throw new ActionFailure(
      `follow-up-template: ${inputs.followUpTemplate} was not found on the default branch`,
    );
  }
  const overrides: Record<string, string> = {};
  if (found.postmortem !== null) overrides["postmortem.md.hbs"] = found.postmortem;
  if (found.followUp !== null) overrides["follow-up.md.hbs"] = found.followUp;
  if (found.index !== null) overrides["incident-index.md.hbs"] = found.index;
  const renderer = createRenderer(overrides);
  // A repository's template that does not compile fails now, before anything is written.
  if (renderer.warnings.length > 0) {
    const warning = renderer.warnings[0] ?? "";
    const file = warning.includes("incident-index")
      ? found.indexTemplatePath
      : warning.includes("postmortem")
        ? found.templatePath
        : found.followUpTemplatePath;
    throw new ActionFailure(templateProblem(renderer.warnings[0] ?? "", file));
  }
  return {
    renderer,
    postmortemFile: found.postmortem !== null ? found.templatePath : "the built-in postmortem template",
    followUpFile: found.followUp !== null ? found.followUpTemplatePath : "the built-in follow-up template",
    indexFile: found.index !== null ? found.indexTemplatePath : "the built-in incident-index template",
  };
}

/**
 * The incidents index for the pull request: the directory's post-mortems on the default branch,
 * with this draft in place of its own file. A README people wrote themselves is never replaced.
 */
function incidentIndex(
  read: PostmortemRead,
  renderer: Renderers,
  draft: { dir: string; path: string; document: string },
): { path: string; content: string; skipped: number } | null {
  const readme = read.postmortems.readme;
  if (readme && !(readme.text ?? "").includes(INCIDENT_INDEX_MARKER)) {
    core.warning(
      `${draft.dir}/${readme.name} was not written by firebreak, so the incidents index was not written. Rename that file, or add the line ${INCIDENT_INDEX_MARKER} to it to let firebreak rewrite it.`,
    );
    return null;
  }
  const name = draft.path.startsWith(`${draft.dir}/`) ? draft.path.slice(draft.dir.length + 1) : null;
  const files = read.postmortems.files.filter((file) => file.name !== name);
  if (name && !name.includes("/")) files.push({ name, text: draft.document });
  const view = buildIncidentIndexView(files);
  for (const skipped of view.skipped) {
    core.warning(
      `${draft.dir}/${skipped.file}: ${skipped.problem}; it is not listed in the incidents index.`,
    );
  }
  const text = renderStrict(renderer.renderer, "incident-index", view, renderer.indexFile);
  return {
    path: `${draft.dir}/${readme?.name ?? INCIDENT_INDEX_FILE}`,
    // The marker is how a later run knows the file is firebreak's to rewrite.
    content: text.includes(INCIDENT_INDEX_MARKER) ? text : `${INCIDENT_INDEX_MARKER}\n${text}`,
    skipped: view.skipped.length,
  };
}

/** Renders, and fails (naming the file and the line) when the repository's template breaks. */
function renderStrict(
  renderer: Renderer,
  name: "postmortem" | "follow-up" | "incident-index",
  view: object,
  file: string,
): string {
  const before = renderer.warnings.length;
  const text = renderer.render(name, view);
  if (renderer.warnings.length > before)
    throw new ActionFailure(templateProblem(renderer.warnings[before] ?? "", file));
  return text;
}

/** The renderer's warning (which speaks of falling back) as the Action's failure: file, line, problem. */
function templateProblem(warning: string, file: string): string {
  const match = /^`[^`]*`(?: line (\d+))?: (.*); the built-in [\w-]+ template was used instead$/s.exec(
    warning,
  );
  const line = match?.[1] ? ` line ${match[1]}` : "";
  const problem = match?.[2] ?? warning;
  return `${file}${line}: ${problem}. Fix the template (start from templates/ in firebreak to see the fields available).`;
}

// ---------------------------------------------------------------------------------------------
// Outputs, summary, failures

function followUpOutput(item: FollowUpItem, issue: FollowUpLink | null, created: boolean): FollowUpOutput {
  return {
    item: item.key,
    title: followUpTitle(item.text),
    owner: item.owner,
    due: item.due,
    number: issue?.number ?? null,
    url: issue?.url ?? null,
    created,
  };
}

function followUpLines(followUps: FollowUpOutput[]): string[] {
  if (followUps.length === 0) return [];
  return [
    "",
    "| Follow-up | Owner | Due | Issue |",
    "| --- | --- | --- | --- |",
    ...followUps.map(
      (f) =>
        `| ${f.title.replace(/\|/g, "\\|")} | ${f.owner ? `@${f.owner}` : ""} | ${f.due ?? ""} | ${f.url ? `[#${f.number}](${f.url})${f.created ? " (new)" : ""}` : "_not opened_"} |`,
    ),
  ];
}

function setOutputs(result: RunResult): void {
  core.setOutput("pull-request-url", result.pullRequestUrl ?? "");
  core.setOutput("postmortem-path", result.path ?? "");
  core.setOutput("follow-up-issues", JSON.stringify(result.followUps));
}

async function summary(title: string, lines: string[]): Promise<void> {
  const text = lines.join("\n");
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(`${title}\n${text}`);
    return;
  }
  await core.summary.addHeading(title, 2).addRaw(text, true).write();
}

async function step<T>(doing: string, permission: string | null, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ActionFailure || error instanceof StepError) throw error;
    if (error instanceof IssueNotFound) throw new ActionFailure(`${error.message}: check issue-number`);
    throw new StepError(doing, permission, error);
  }
}

function describe(error: unknown): string {
  if (isGraphqlResponseError(error)) return error.errors.map((e) => e.message).join("; ");
  const status = statusOf(error);
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return status ? `${status} ${message}` : (message ?? "unknown error");
}

function isForbidden(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 403) return true;
  if (isGraphqlResponseError(error))
    return error.errors.some((e) => e.type === "FORBIDDEN" || /not accessible/i.test(e.message));
  const type = (error as { type?: string } | null)?.type;
  return type === "FORBIDDEN" || /Resource not accessible/i.test(error instanceof Error ? error.message : "");
}

export function failureMessage(error: unknown): string {
  if (error instanceof ActionFailure) return error.message;
  if (!(error instanceof StepError)) return error instanceof Error ? error.message : String(error);
  const cause = error.cause;
  const what = `Could not ${error.doing}: ${describe(cause)}.`;
  const text = error instanceof Error ? describe(cause) : "";
  if (statusOf(cause) === 401) return `${what} The token was refused: check github-token.`;
  if (/not permitted to create or approve pull requests/i.test(text)) {
    return `${what} Allow it in the repository's Settings → Actions → General → Workflow permissions ("Allow GitHub Actions to create and approve pull requests"), or pass a GitHub App token as github-token.`;
  }
  if (isForbidden(cause) && error.permission) {
    return `${what} The token lacks the ${error.permission} permission: add it under \`permissions:\` in the workflow (contents: write, pull-requests: write and issues: write cover everything the Action does).`;
  }
  return what;
}
