// The revert engine's pure parts: target parsing, names, messages, texts. No HTTP, no git.
import { describe, expect, it } from "vitest";
import {
  commitSubject,
  conflictFilesFromMessage,
  isRevertBranchFor,
  manualRevertCommands,
  type Opened,
  parseRevertTarget,
  revertBranchName,
  revertCommitMessage,
  revertPullRequestBody,
  revertPullRequestTitle,
  revertReply,
} from "../../src/core/revert.js";

const SHA = "3f2a9c1d4e5f60718293a4b5c6d7e8f901234567";

describe("parseRevertTarget", () => {
  it.each([
    ["3f2a9c1", { kind: "sha", sha: "3f2a9c1" }],
    ["3F2A9C1D", { kind: "sha", sha: "3f2a9c1d" }],
    [SHA, { kind: "sha", sha: SHA }],
    ["  3f2a9c1 ", { kind: "sha", sha: "3f2a9c1" }],
    ["#123", { kind: "pr", number: 123 }],
    ["#2147483647", { kind: "pr", number: 2_147_483_647 }],
  ])("%s", (text, expected) => {
    expect(parseRevertTarget(text)).toEqual(expected);
  });

  it.each([
    "HEAD~1",
    "HEAD",
    "../main",
    "main",
    "--force",
    "-m1",
    "origin/main",
    "3f2a9c1^",
    "3f2a9c1~2",
    "3f2a9c1:src",
    "v1.2.3",
    "#0",
    "#012",
    "#2147483648",
    "#12a",
    "123",
    `${SHA}0`,
    "3f2a9c1g",
    "@{upstream}",
  ])("refuses %s, with the usage", (text) => {
    const parsed = parseRevertTarget(text);
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.message).toContain(
      "Usage: `/rollback <commit sha or #PR> [reason]`",
    );
  });

  it("explains a sha that is too short, and a missing target", () => {
    expect(parseRevertTarget("3f2a9c")).toEqual({
      kind: "invalid",
      message:
        "`3f2a9c` is not a commit or a pull request: a commit sha needs at least 7 characters. Usage: `/rollback <commit sha or #PR> [reason]`",
    });
    expect(parseRevertTarget(null)).toEqual({
      kind: "invalid",
      message:
        "name the change to roll back: a commit sha or a merged pull request. Usage: `/rollback <commit sha or #PR> [reason]`",
    });
  });

  it("echoes a refused target inertly", () => {
    const parsed = parseRevertTarget("@everyone`<img>`");
    expect(parsed.kind === "invalid" && parsed.message).toMatch(
      /^`@&#8203;everyone'&lt;img&gt;'` is not a commit/,
    );
  });
});

describe("names and messages", () => {
  it("the branch is per incident and commit", () => {
    expect(revertBranchName(42, SHA)).toBe("incident-42/revert-3f2a9c1");
    expect(revertBranchName(42, "3F2A9C1")).toBe("incident-42/revert-3f2a9c1");
    expect(isRevertBranchFor("incident-9/revert-3f2a9c1", SHA)).toBe(true);
    expect(isRevertBranchFor("incident-9/revert-3f2a9c2", SHA)).toBe(false);
    expect(isRevertBranchFor("revert-3f2a9c1", SHA)).toBe(false);
    expect(isRevertBranchFor("incident-9/revert-3f2a9c1-2", SHA)).toBe(false);
  });

  it("the commit message is git revert's plus the incident", () => {
    expect(revertCommitMessage({ subject: "Cache card tokens", sha: SHA, issueNumber: 42 })).toBe(
      `Revert "Cache card tokens"\n\nThis reverts commit ${SHA}.\n\nRolled back for incident #42.`,
    );
    expect(commitSubject("Cache card tokens\n\nBecause it is faster.")).toBe("Cache card tokens");
  });

  it("the title is one line within GitHub's 256 characters", () => {
    expect(revertPullRequestTitle("Faster payments")).toBe('Revert "Faster payments"');
    expect(revertPullRequestTitle("Faster\n  payments ")).toBe('Revert "Faster payments"');
    const long = revertPullRequestTitle("x".repeat(400));
    expect(long).toHaveLength(256);
    expect(long.endsWith('…"')).toBe(true);
  });

  it("the body pings nobody and carries the checklist", () => {
    const body = revertPullRequestBody({
      owner: "acme",
      repo: "shop",
      defaultBranch: "main",
      issueNumber: 42,
      commit: {
        sha: SHA,
        subject: "Ping @alice <script>",
        url: `https://github.com/acme/shop/commit/${SHA}`,
        isMerge: true,
      },
      pullRequest: { number: 12, title: "cc @team/payments", author: "carol" },
      headSha: "a".repeat(40),
      requester: "bob",
      reason: "@everyone it is down\n\nreally",
    });
    expect(body).not.toMatch(/(^|[^\w`])@(?=[A-Za-z0-9])/);
    expect(body).not.toContain("<script>");
    expect(body).toContain(
      `Reverts [\`3f2a9c1\`](https://github.com/acme/shop/commit/${SHA}) from #12 (cc @&#8203;team/payments, by @&#8203;carol), a merge commit, against its first parent.`,
    );
    expect(body).toContain("- **Reason:** @&#8203;everyone it is down really");
    expect(body).toContain("`git revert -m 1 3f2a9c1`");
    expect(body).toContain("### Verify the rollback");
    expect(body).toContain(`<!-- firebreak:revert sha=${SHA} incident=42 -->`);
  });

  it("the manual commands, quoted where a branch name needs it", () => {
    expect(manualRevertCommands({ issueNumber: 42, sha: SHA, defaultBranch: "main", isMerge: false })).toBe(
      [
        `git fetch origin && git switch -c incident-42/revert-3f2a9c1 origin/main && git revert ${SHA}`,
        "# fix the conflicts, then:",
        "git add -A && git revert --continue",
        "git push -u origin incident-42/revert-3f2a9c1",
      ].join("\n"),
    );
    expect(
      manualRevertCommands({ issueNumber: 1, sha: SHA, defaultBranch: "it's$(x)", isMerge: true }),
    ).toContain(`origin/'it'\\''s$(x)' && git revert -m 1 ${SHA}`);
  });

  it("conflicting files, when the message names them", () => {
    expect(conflictFilesFromMessage("Merge conflict")).toBeNull();
    expect(conflictFilesFromMessage(null)).toBeNull();
    expect(
      conflictFilesFromMessage(
        [
          "Merge conflict",
          "Auto-merging src/pay.ts",
          "CONFLICT (content): Merge conflict in src/pay.ts",
          "CONFLICT (modify/delete): src/old.ts deleted in 1234 and modified in HEAD.  Version HEAD of src/old.ts left in tree.",
          "CONFLICT (add/add): Merge conflict in src/pay.ts",
        ].join("\n"),
      ),
    ).toEqual(["src/pay.ts", "src/old.ts"]);
  });
});

describe("revertReply", () => {
  const url = "https://github.com/acme/shop/pull/100";
  const branch = "incident-42/revert-3f2a9c1";

  it("an opened pull request, with its reviewer quiet and any warning", () => {
    const opened: Opened = {
      kind: "opened",
      number: 100,
      url,
      branch,
      sha: "b".repeat(40),
      reverted: SHA,
      title: 'Revert "x"',
      reviewers: ["alice"],
      warnings: [],
    };
    expect(revertReply(opened)).toEqual({
      ok: true,
      message: `opened [#100](${url}) reverting \`3f2a9c1\`; review requested from @&#8203;alice`,
    });
    expect(revertReply({ ...opened, reviewers: [], warnings: ["labelling #100 failed"] }).message).toBe(
      `opened [#100](${url}) reverting \`3f2a9c1\` (labelling #100 failed)`,
    );
  });

  it("a revert that exists already is refused, linking it", () => {
    const found = { kind: "alreadyReverted", number: 100, url, state: "open", branch, sha: SHA } as const;
    expect(revertReply(found)).toEqual({
      ok: false,
      message: `\`3f2a9c1\` already has a revert pull request: [#100](${url})`,
    });
    expect(revertReply({ ...found, state: "merged" }).message).toBe(
      `\`3f2a9c1\` was already reverted by [#100](${url}), merged`,
    );
  });

  it("a refusal is its reason", () => {
    expect(revertReply({ kind: "refused", code: "unknown", reason: "no commit `deadbee`" })).toEqual({
      ok: false,
      message: "no commit `deadbee`",
    });
  });

  it("a conflict names the files and gives the commands", () => {
    const manual = manualRevertCommands({ issueNumber: 42, sha: SHA, defaultBranch: "main", isMerge: false });
    expect(
      revertReply({ kind: "conflict", files: ["src/pay.ts"], manual, sha: SHA, branchDeleted: true }),
    ).toEqual({
      ok: false,
      message: `GitHub cannot revert \`3f2a9c1\` cleanly: it conflicts with later changes in \`src/pay.ts\`. Revert it by hand:\n\n\`\`\`sh\n${manual}\n\`\`\``,
    });
    const many = Array.from({ length: 12 }, (_, i) => `f${i}.ts`);
    expect(
      revertReply({ kind: "conflict", files: many, manual, sha: SHA, branchDeleted: false }).message,
    ).toMatch(
      /in `f0.ts`, .*`f9.ts` and 2 more \(its temporary branch could not be deleted\)\. Revert it by hand/,
    );
    expect(
      revertReply({ kind: "conflict", files: null, manual, sha: SHA, branchDeleted: true }).message,
    ).toMatch(/cleanly: it conflicts with later changes\. Revert/);
  });

  it("a failure says whether anything was left behind", () => {
    expect(
      revertReply({
        kind: "failed",
        message: "merging the revert failed: GitHub answered 502",
        branchDeleted: true,
      }),
    ).toEqual({
      ok: false,
      message:
        "the rollback failed: merging the revert failed: GitHub answered 502; nothing was left behind, try again",
    });
    expect(revertReply({ kind: "failed", message: "x", branchDeleted: false }).message).toBe(
      "the rollback failed: x; its temporary branch could not be deleted, delete it before trying again",
    );
  });
});
