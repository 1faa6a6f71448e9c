// Hostile `.github/incident.yml`: a broken file never stops a declaration. Each case declares SEV2
// and asserts the exact writes (status label, tracker, checklist), the tracker's warning naming what
// is wrong, and that good settings still apply.
import type nock from "nock";
import { describe, expect, it } from "vitest";
import { useFixedClock } from "../helpers/harness.js";
import { suspectRow } from "../helpers/incident.js";
import { OWNER } from "../helpers/payloads.js";
import { type ConfigAnswer, declareSev2, expectDeclared, warnings } from "./support.js";

useFixedClock(new Date("2026-11-22T14:02:00Z"));

const path = (owner: string, repo: string) =>
  `/repos/${owner}/${repo}/contents/${encodeURIComponent(".github/incident.yml")}`;
const RAW = { "content-type": "application/vnd.github.v3.raw; charset=utf-8" };
/** A file in another repository, as an `_extends` reads it. */
const file = (scope: nock.Scope, owner: string, repo: string, yaml: string) =>
  scope.get(path(owner, repo)).reply(200, yaml, RAW);

/** One suspect shown instead of the two in the window: the file's good setting was kept. */
const ONE_SUSPECT = "suspects: { max_shown: 1 }\n";
const keptMaxShown = (tracker: string) => {
  expect(suspectRow(tracker, 1)).toContain("[#12]");
  expect(suspectRow(tracker, 2)).toBeUndefined();
};
const defaultsApply = (tracker: string) => {
  expect(tracker).toContain("## 🔥 SEV2 High incident · investigating");
  expect(tracker).toContain("within 30 min, by **2026-11-22 14:31 UTC**");
  expect(suspectRow(tracker, 2)).toContain("[#13]");
};

interface Case {
  name: string;
  config: ConfigAnswer;
  /** The tracker's warnings, exactly (a RegExp matches one line). */
  warns: Array<string | RegExp>;
  check?: (tracker: string) => void;
}

const YAML_CASES: Case[] = [
  {
    name: "an unclosed flow sequence",
    config: "severities: [unclosed\n",
    warns: [
      /^`\.github\/incident\.yml` is not valid YAML \(.+\); fix the file, every setting uses its default until then$/,
    ],
    check: defaultsApply,
  },
  {
    name: "a key written twice",
    config: `${ONE_SUSPECT}suspects: { max_shown: 4 }\n`,
    warns: [/^`\.github\/incident\.yml` is not valid YAML \(Map keys must be unique at line 2/],
    check: defaultsApply,
  },
  {
    name: "tabs for indentation",
    config: "severities:\n\tsev2:\n\t\tname: Big\n",
    warns: [/^`\.github\/incident\.yml` is not valid YAML \(Tabs are not allowed as indentation at line 2/],
    check: defaultsApply,
  },
  {
    name: "an alias bomb (billion laughs)",
    config: [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ..."bcdefg".split("").map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(",")}]`),
      "",
    ].join("\n"),
    warns: [/is not valid YAML \(Excessive alias count indicates a resource exhaustion attack\)/],
    check: defaultsApply,
  },
  {
    name: "a list instead of settings",
    config: "- severities\n- suspects\n",
    warns: [
      '`(file)`: a list is not a mapping of settings; start the file with a setting such as "severities:"; using all defaults',
    ],
    check: defaultsApply,
  },
  {
    name: "a single word",
    config: "incidents please\n",
    warns: [
      "`.github/incident.yml` holds a single value, not settings; write it as a mapping like `suspects: { max_shown: 10 }`",
    ],
    check: defaultsApply,
  },
  {
    name: "a single number (was silently ignored)",
    config: "42\n",
    warns: [
      '`(file)`: 42 is not a mapping of settings; start the file with a setting such as "severities:"; using all defaults',
    ],
    check: defaultsApply,
  },
  { name: "an empty file", config: "", warns: [], check: defaultsApply },
  {
    name: "only comments",
    config: "# severities: later\n\n# suspects: later\n",
    warns: [],
    check: defaultsApply,
  },
  {
    name: "a JavaScript function tag",
    config: `suspects: !!js/function 'function () { return 1 }'\n${"default_branch: main\n"}`,
    warns: ['`suspects`: "function () { return 1 }" is not a mapping; use a mapping like { max_shown: 10 }'],
    check: defaultsApply,
  },
  {
    name: "a megabyte of comments around one setting",
    config: `${`# ${"x".repeat(200)}\n`.repeat(5_000)}${ONE_SUSPECT}`,
    warns: [],
    check: keptMaxShown,
  },
];

const TYPE_CASES: Case[] = [
  {
    name: "a word where a number goes",
    config: "suspects: { max_shown: ten, max_scanned: 50 }\n",
    warns: ['`suspects.max_shown`: "ten" is not a number; use a whole number from 1 to 50, e.g. 10'],
  },
  {
    name: "a number out of range",
    config: "suspects: { max_shown: 0 }\n",
    warns: ["`suspects.max_shown`: 0 is too small; use a whole number from 1 to 50, e.g. 10"],
  },
  {
    name: "a list where severities go",
    config: `severities: [sev1, sev2]\n${ONE_SUSPECT}`,
    warns: ["`severities`: a list is not a mapping; use a mapping like { sev2: { respond_within: 30m } }"],
    check: keptMaxShown,
  },
  {
    name: "a negative duration",
    config: `severities:\n  sev2:\n    respond_within: -5m\n${ONE_SUSPECT}`,
    warns: ['`severities.sev2.respond_within`: "-5m" is not a duration; use 30m'],
    check: (tracker) => {
      keptMaxShown(tracker);
      expect(tracker).toContain("within 30 min, by **2026-11-22 14:31 UTC**");
    },
  },
  {
    name: "a number where people go",
    config: "severities:\n  sev1:\n    assign: 12\n",
    warns: ["`severities.sev1.assign`: 12 is not a list of GitHub users or teams; use [alice, bob]"],
  },
  {
    name: "an impossible time of day",
    config: "business_day_start: '25:99'\n",
    warns: ['`business_day_start`: "25:99" is not a time of day; use "09:00" (24-hour, UTC)'],
  },
  {
    name: "a path for the branch",
    config: "default_branch: ../main\n",
    warns: ['`default_branch`: "../main" is not a branch name; use main'],
    check: defaultsApply,
  },
  {
    name: "an empty label name",
    config: "labels:\n  severity:\n    sev2: ''\n",
    warns: ["`labels.severity.sev2`: is empty; use incident/sev2"],
  },
  {
    name: "one label for two meanings",
    config: "labels:\n  status:\n    identified: incident/sev2\n",
    warns: [
      '`labels.status.identified`: "incident/sev2" is already used by labels.severity.sev2; every label must be distinct',
    ],
  },
  {
    name: "a role that does not exist",
    config: "permissions:\n  default: superuser\n",
    warns: [
      '`permissions.default`: "superuser" is not a repository role; use one of read, triage, write, maintain, admin, e.g. triage',
    ],
  },
];

const UNKNOWN_KEY_CASES: Case[] = [
  {
    name: "a misspelt top-level key",
    config: `severites:\n  sev2: { name: Big }\n${ONE_SUSPECT}`,
    warns: ["`severites`: unknown key; did you mean severities?"],
    check: keptMaxShown,
  },
  {
    name: "a fifth severity",
    config: "severities:\n  sev5: { name: Apocalypse }\n",
    warns: ["`severities.sev5`: unknown key; valid keys are sev1–sev4"],
  },
  {
    name: "a key at the wrong level",
    config: "max_shown: 3\n",
    warns: ["`max_shown`: unknown key here; did you mean suspects.max_shown?"],
  },
  {
    name: "`__proto__` keys (reported, never merged into objects)",
    config: `__proto__:\n  polluted: true\nsuspects:\n  __proto__: { max_shown: 2 }\n  max_shown: 1\n`,
    warns: [
      /^`suspects\.__proto__`: unknown key; valid keys are max_shown, max_scanned$/,
      /^`__proto__`: unknown key; valid keys are severities, /,
    ],
    check: (tracker) => {
      keptMaxShown(tracker);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },
  {
    name: "a `constructor` key (was silently dropped)",
    config: "constructor: { prototype: { polluted: true } }\n",
    warns: [/^`constructor`: unknown key; valid keys are severities, /],
    check: () => expect(({} as Record<string, unknown>).polluted).toBeUndefined(),
  },
];

const EXTENDS_CASES: Case[] = [
  {
    name: "`_extends` to a missing repository (404): the repository's own settings, and a warning",
    config: (s) =>
      file(s, OWNER, "shop", `_extends: base\n${ONE_SUSPECT}`).get(path(OWNER, "base")).reply(404),
    warns: [
      "`_extends`: firebreak cannot read `.github/incident.yml` in acme/base (there is no such file, or the repository is private and the app is not installed on it); the settings it holds are not used",
    ],
    check: keptMaxShown,
  },
  {
    name: "`_extends` to a private repository the app may not read (403)",
    config: (s) =>
      file(s, OWNER, "shop", `_extends: other/private\n${ONE_SUSPECT}`)
        .get(path("other", "private"))
        .reply(403, { message: "Resource not accessible by integration" }),
    warns: [
      "firebreak may not read `.github/incident.yml` (or the repository named in `_extends`); give the app the Contents: read permission",
    ],
    check: defaultsApply,
  },
  {
    name: "`_extends` to a path outside the repository",
    config: "_extends: ../../etc/passwd\n",
    warns: [
      /^`\.github\/incident\.yml` could not be read \(Invalid value "\.\.\/\.\.\/etc\/passwd" for _extends in .+\); every setting uses its default$/,
    ],
    check: defaultsApply,
  },
  {
    name: "`_extends` given a list",
    config: "_extends: [base, other]\n",
    warns: [
      /^`\.github\/incident\.yml` could not be read \(Invalid value \["base","other"\] for _extends in /,
    ],
  },
  {
    name: "`_extends` in a loop",
    config: (s) => file(file(s, OWNER, "shop", "_extends: base\n"), OWNER, "base", "_extends: shop\n"),
    warns: [/^`\.github\/incident\.yml` could not be read \(Recursion detected\. /],
    check: defaultsApply,
  },
  {
    name: "an `_extends` that works: both files apply, merged as Probot merges them",
    config: (s) =>
      file(
        file(s, OWNER, "shop", `_extends: base\n${ONE_SUSPECT}`),
        OWNER,
        "base",
        "severities:\n  sev2:\n    respond_within: 1h\n",
      ),
    warns: [],
    check: (tracker) => {
      keptMaxShown(tracker);
      expect(tracker).toContain("within 1 h, by **2026-11-22 15:01 UTC**");
    },
  },
];

const READ_CASES: Case[] = [
  {
    name: "the organisation's `.github` file, when the repository has none, is broken",
    config: (s) =>
      s.get(path(OWNER, "shop")).reply(404).get(path(OWNER, ".github")).reply(200, "severities: {\n", RAW),
    warns: [/^`\.github\/incident\.yml` is not valid YAML /],
    check: defaultsApply,
  },
  {
    name: "a directory where the file goes",
    config: (s) =>
      s.get(path(OWNER, "shop")).reply(200, [{ name: "a.yml", type: "file" }], {
        "content-type": "application/json; charset=utf-8",
      }),
    warns: [
      /^`\.github\/incident\.yml` could not be read \(.+ exists, but is either a directory or a submodule\. Ignoring\.\); every setting uses its default$/,
    ],
    check: defaultsApply,
  },
  {
    name: "GitHub failing the read (500)",
    config: (s) => s.get(path(OWNER, "shop")).reply(500, { message: "Server Error" }),
    warns: [/^`\.github\/incident\.yml` could not be read \(Server Error/],
    check: defaultsApply,
  },
];

describe.each([
  ["malformed YAML", YAML_CASES],
  ["wrong types", TYPE_CASES],
  ["unknown keys", UNKNOWN_KEY_CASES],
  ["_extends", EXTENDS_CASES],
  ["reading the file", READ_CASES],
])("config: %s", (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const run = await declareSev2({ config: c.config });

    expectDeclared(run);
    const found = warnings(run.tracker);
    expect(found).toHaveLength(c.warns.length);
    for (const warn of c.warns) {
      if (typeof warn === "string") expect(found).toContain(warn);
      else
        expect(
          found.some((line) => warn.test(line)),
          `${warn} among ${JSON.stringify(found)}`,
        ).toBe(true);
    }
    if (c.warns.length > 0) expect(run.tracker).toContain("> [!WARNING]");
    else expect(run.tracker).not.toContain("> [!WARNING]");
    c.check?.(run.tracker);
  });
});
