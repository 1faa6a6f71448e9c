// The revert engine's decisions that need no I/O: what `/rollback <target>` names, and the names,
// messages and texts of the revert branch, commit and pull request. Pure.
import { USAGE } from "./commands.js";
import { inlineText, quietLogin } from "./markdown.js";

export const ROLLBACK_USAGE = USAGE.rollback;

/** The label put on every revert pull request; it is also how other incidents' reverts are found. */
export const ROLLBACK_LABEL = "incident/rollback";

export type RevertTarget = { kind: "sha"; sha: string } | { kind: "pr"; number: number };

// ---------------------------------------------------------------------------------------------
// What a `/rollback` comes to (src/github/revert.ts produces these; `revertReply` words them).

export type RefusalCode =
  | "unknown" // no such commit or pull request
  | "ambiguous" // a short sha several objects start with (or also a branch or tag name)
  | "not-a-commit" // the sha names a tree, a blob or a tag
  | "not-on-default-branch" // not reachable from the default branch (or a PR merged elsewhere)
  | "pr-not-merged" // the pull request is open, or was closed without merging
  | "root-commit" // nothing to revert against
  | "no-default-branch" // the default branch does not exist
  | "nothing-to-revert" // the revert changes nothing: the change is already undone on the branch
  | "in-progress"; // the revert branch exists without a pull request (another run, or a leftover)

/** A revert pull request that already exists for the commit (this incident's, or another's). */
export interface AlreadyReverted {
  kind: "alreadyReverted";
  number: number;
  url: string;
  state: "open" | "merged";
  branch: string;
  /** The commit it reverts. */
  sha: string;
}

export interface Refused {
  kind: "refused";
  code: RefusalCode;
  reason: string;
}

/** GitHub could not merge the revert: nothing is left behind, the reply gives the commands to do it by hand. */
export interface Conflict {
  kind: "conflict";
  /** The conflicting paths when GitHub names them (its plain "Merge conflict" does not). */
  files: string[] | null;
  /** The exact git commands to do the revert by hand. */
  manual: string;
  sha: string;
  /** False when deleting the temporary branch failed too (it is named in `manual`). */
  branchDeleted: boolean;
}

export interface Failed {
  kind: "failed";
  message: string;
  /** Null when no branch had been created; false when deleting it failed. */
  branchDeleted: boolean | null;
}

export interface Opened {
  kind: "opened";
  number: number;
  url: string;
  branch: string;
  /** The revert commit, the head of the pull request. */
  sha: string;
  /** The reverted commit. */
  reverted: string;
  title: string;
  /** Whose review was requested (the original pull request's author, when GitHub allowed it). */
  reviewers: string[];
  /** What did not work after the pull request was opened (label, review request): worth a line in the reply. */
  warnings: string[];
}

/** Every way a `/rollback` ends. */
export type RevertOutcome = Opened | AlreadyReverted | Refused | Conflict | Failed;

export type ParsedRevertTarget = RevertTarget | { kind: "invalid"; message: string };

const SHA = /^[0-9a-f]{7,40}$/i;
const PULL_REQUEST = /^#([1-9][0-9]{0,9})$/;
/** GraphQL's `Int` is 32-bit signed. */
const MAX_NUMBER = 2_147_483_647;

/**
 * What a `/rollback` argument names: a commit (7 to 40 hex characters) or a pull request (`#123`).
 * Anything else — `HEAD~1`, a branch name, `--force`, a path — is refused: the target is passed to
 * GitHub as a revision expression, so only a plain sha may get through.
 */
export function parseRevertTarget(text: string | null | undefined): ParsedRevertTarget {
  const target = (text ?? "").trim();
  if (target === "") {
    return {
      kind: "invalid",
      message: `name the change to roll back: a commit sha or a merged pull request. Usage: \`${ROLLBACK_USAGE}\``,
    };
  }
  if (SHA.test(target)) return { kind: "sha", sha: target.toLowerCase() };
  const pr = PULL_REQUEST.exec(target);
  if (pr?.[1] && Number(pr[1]) <= MAX_NUMBER) return { kind: "pr", number: Number(pr[1]) };
  const shown = inlineText(target, 60).replace(/`/g, "'");
  const hint = /^[0-9a-f]{1,6}$/i.test(target)
    ? "a commit sha needs at least 7 characters"
    : "only a commit sha (7 to 40 hex characters) or a pull request number (`#123`) can be rolled back";
  return {
    kind: "invalid",
    message: `\`${shown}\` is not a commit or a pull request: ${hint}. Usage: \`${ROLLBACK_USAGE}\``,
  };
}

/** The first seven characters of a sha, as branch names and replies show it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7).toLowerCase();
}

/** `incident-42/revert-3f2a9c1`: one branch per incident and commit, so a rerun finds its own. */
export function revertBranchName(issueNumber: number, sha: string): string {
  return `incident-${issueNumber}/revert-${shortSha(sha)}`;
}

/** The incident a revert branch (`incident-<issue>/revert-<sha7>`) belongs to; null for any other branch. */
export function rollbackIssueOf(branch: string): number | null {
  const match = /^incident-(\d+)\/revert-[0-9a-f]{7}$/.exec(branch);
  return match ? Number(match[1]) : null;
}

/** Whether a branch is some incident's revert of this commit (any incident). */
export function isRevertBranchFor(branch: string, sha: string): boolean {
  const match = /^incident-\d+\/revert-([0-9a-f]{7})$/.exec(branch);
  return match?.[1] === shortSha(sha);
}

/** The first line of a commit message, as git calls its subject. */
export function commitSubject(message: string): string {
  return (message.split("\n", 1)[0] ?? "").trim();
}

/** The final commit's message, in `git revert`'s form plus the incident. */
export function revertCommitMessage(input: { subject: string; sha: string; issueNumber: number }): string {
  return `Revert "${input.subject}"\n\nThis reverts commit ${input.sha}.\n\nRolled back for incident #${input.issueNumber}.`;
}

/** GitHub refuses longer pull request titles. */
const TITLE_LIMIT = 256;

/** `Revert "<original PR title or commit subject>"`, on one line and within GitHub's limit. */
export function revertPullRequestTitle(original: string): string {
  const oneLine = original.replace(/\s+/g, " ").trim();
  const room = TITLE_LIMIT - 'Revert ""'.length;
  const clipped = oneLine.length > room ? `${oneLine.slice(0, room - 1)}…` : oneLine;
  return `Revert "${clipped}"`;
}

export interface RevertBodyInput {
  owner: string;
  repo: string;
  defaultBranch: string;
  issueNumber: number;
  commit: { sha: string; subject: string; url: string; isMerge: boolean };
  /** The pull request that brought the commit in, when there is one. */
  pullRequest: { number: number; title: string; author: string | null } | null;
  /** The default branch's head the revert was computed against. */
  headSha: string;
  requester: string | null;
  reason: string;
}

/** A hidden marker naming what a revert pull request reverts, for the timeline and the post-mortem. */
export function revertMarker(sha: string, issueNumber: number): string {
  return `<!-- firebreak:revert sha=${sha} incident=${issueNumber} -->`;
}

/** The revert pull request's body. Every user-written text in it is made inert (no pings, no HTML). */
export function revertPullRequestBody(input: RevertBodyInput): string {
  const { commit, pullRequest } = input;
  const commitLink = `[\`${shortSha(commit.sha)}\`](${commit.url})`;
  const what = pullRequest
    ? `${commitLink} from #${pullRequest.number} (${inlineText(pullRequest.title)}, by ${quietLogin(pullRequest.author)})`
    : `${commitLink} (${inlineText(commit.subject)})`;
  const reason = input.reason.trim() ? inlineText(input.reason, 500) : "_no reason given_";
  return [
    `Reverts ${what}${commit.isMerge ? ", a merge commit, against its first parent" : ""}.`,
    "",
    `- **Incident:** #${input.issueNumber}`,
    `- **Requested by:** ${quietLogin(input.requester)} with \`/rollback\``,
    `- **Reason:** ${reason}`,
    "",
    `The revert was computed by firebreak on \`${input.defaultBranch}\` at \`${shortSha(input.headSha)}\`: ` +
      `its tree is what \`git revert${commit.isMerge ? " -m 1" : ""} ${shortSha(commit.sha)}\` gives there.`,
    "",
    "### Verify the rollback",
    "",
    "- [ ] The diff undoes only the change above",
    "- [ ] CI passes on this pull request",
    `- [ ] Merged and deployed; the incident's symptoms are gone (say so on #${input.issueNumber})`,
    "- [ ] A follow-up exists to fix and re-land the change",
    "",
    revertMarker(commit.sha, input.issueNumber),
  ].join("\n");
}

/** A shell word: branch names and shas are quoted when they hold anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w./@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact commands to do the revert by hand, when GitHub cannot merge it. */
export function manualRevertCommands(input: {
  issueNumber: number;
  sha: string;
  defaultBranch: string;
  isMerge: boolean;
}): string {
  const branch = shellWord(revertBranchName(input.issueNumber, input.sha));
  return [
    `git fetch origin && git switch -c ${branch} origin/${shellWord(input.defaultBranch)} && git revert ${input.isMerge ? "-m 1 " : ""}${input.sha}`,
    "# fix the conflicts, then:",
    "git add -A && git revert --continue",
    `git push -u origin ${branch}`,
  ].join("\n");
}

/**
 * The conflicting paths when a 409 from `POST /merges` names them (git's `Merge conflict in <path>`
 * lines); null when it does not, as GitHub's plain "Merge conflict" does not.
 */
export function conflictFilesFromMessage(message: string | null | undefined): string[] | null {
  const files: string[] = [];
  const text = message ?? "";
  const found = [
    ...text.matchAll(/Merge conflict in (.+?)\s*$/gim),
    ...text.matchAll(/^CONFLICT \([^)]*\): (\S+) deleted in /gim),
  ];
  for (const match of found) {
    const path = match[1]?.trim();
    if (path && !files.includes(path)) files.push(path);
  }
  return files.length > 0 ? files : null;
}

/**
 * The reply line for a `/rollback`: `ok` for a revert pull request that exists now (opened, or
 * found), the reason otherwise. A conflict's message ends with the manual commands in a code block.
 */
export function revertReply(outcome: RevertOutcome): { ok: boolean; message: string } {
  switch (outcome.kind) {
    case "opened": {
      const review = outcome.reviewers.length
        ? `; review requested from ${outcome.reviewers.map(quietLogin).join(", ")}`
        : "";
      const warnings = outcome.warnings.length ? ` (${outcome.warnings.join("; ")})` : "";
      return {
        ok: true,
        message: `opened [#${outcome.number}](${outcome.url}) reverting \`${shortSha(outcome.reverted)}\`${review}${warnings}`,
      };
    }
    // A refusal (nothing new was opened), but a helpful one: it links the revert that exists.
    case "alreadyReverted":
      return {
        ok: false,
        message:
          outcome.state === "open"
            ? `\`${shortSha(outcome.sha)}\` already has a revert pull request: [#${outcome.number}](${outcome.url})`
            : `\`${shortSha(outcome.sha)}\` was already reverted by [#${outcome.number}](${outcome.url}), merged`,
      };
    case "refused":
      return { ok: false, message: outcome.reason };
    case "conflict": {
      const where = outcome.files
        ? `it conflicts with later changes in ${outcome.files
            .slice(0, 10)
            .map((file) => `\`${file.replace(/`/g, "'")}\``)
            .join(", ")}${outcome.files.length > 10 ? ` and ${outcome.files.length - 10} more` : ""}`
        : "it conflicts with later changes";
      const leftover = outcome.branchDeleted ? "" : " (its temporary branch could not be deleted)";
      return {
        ok: false,
        message: `GitHub cannot revert \`${shortSha(outcome.sha)}\` cleanly: ${where}${leftover}. Revert it by hand:\n\n\`\`\`sh\n${outcome.manual}\n\`\`\``,
      };
    }
    case "failed":
      return {
        ok: false,
        message:
          outcome.branchDeleted === false
            ? `the rollback failed: ${outcome.message}; its temporary branch could not be deleted, delete it before trying again`
            : `the rollback failed: ${outcome.message}; nothing was left behind, try again`,
      };
  }
}
