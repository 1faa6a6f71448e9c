// The `.github/incident.yml` schema. Every setting has a default, so no file at all is a valid config.
// Keys are snake_case as users write them in YAML; values come out ready for code (durations in ms, the
// response target parsed, the business-day start in minutes). Messages name the bad value and show a good one.

import { z } from "zod";
import { parseDuration, parseResponseTarget } from "../core/duration.js";
import {
  type ResponseTarget,
  SEVERITY_KEYS,
  type SeverityKey,
  STATUSES,
  type Status,
} from "../core/model.js";
import {
  GATED_COMMANDS,
  PERMISSION_LEVELS,
  type PermissionLevel,
  type Permissions,
} from "../core/permissions.js";

export interface SeverityConfig {
  /** Display name, e.g. "Critical". */
  name: string;
  /** What this severity means, shown to whoever picks a severity. */
  meaning: string;
  /** How soon responders must act once the incident is declared. */
  respond_within: ResponseTarget;
  /** How often a status update is expected, in ms. */
  update_every: number;
  /** Users and teams to mention on declaration, each with a leading "@": "@alice", "@acme/payments-oncall". */
  notify: string[];
  /** User logins (no "@") to assign on declaration. */
  assign: string[];
  /** How far back before the declaration merged changes count as suspects, in ms. */
  suspect_window: number;
}

export interface LabelsConfig {
  severity: Record<SeverityKey, string>;
  status: Record<Status, string>;
}

export interface SuspectsConfig {
  /** Suspects listed in the tracker, 1..50. */
  max_shown: number;
  /** Commits examined per declaration, 1..1000. */
  max_scanned: number;
}

export interface NoticesConfig {
  /** Also add each `/notice` to `status_file` in a pull request (off: the notice is only in the reply). */
  enabled: boolean;
  /** The file, from the repository's root, that notices are appended to. */
  status_file: string;
  /** The standing branch the notices are committed to, and their pull request opened from. */
  branch: string;
  /** The branch the pull request goes into; null means the repository's default branch. */
  base: string | null;
}

export interface Config {
  severities: Record<SeverityKey, SeverityConfig>;
  labels: LabelsConfig;
  /** Branch whose recent changes are suspects; null means the repository's default branch. */
  default_branch: string | null;
  /** When a "next business day" response is due: minutes after midnight UTC, Monday to Friday. */
  business_day_start: number;
  suspects: SuspectsConfig;
  /** `/notice`: where customer-facing status notices go besides the reply. */
  notices: NoticesConfig;
  /** The role a person needs on the repository to run each command (null: the default). */
  permissions: Permissions;
  /** The companion Action's scheduled reminders. */
  reminders: RemindersConfig;
}

export interface RemindersConfig {
  /** Remind the severity's notify list when the response deadline passes with no incident commander and no status change. */
  response: boolean;
  /** Nudge the incident commander when a status update is overdue (`update_every`). */
  updates: boolean;
  /** How long after an incident is resolved a missing post-mortem pull request is nudged, in ms. */
  postmortem_after: number;
  /** The severities whose incidents are expected to have a post-mortem; empty: no post-mortem nudges. */
  postmortem_severities: SeverityKey[];
}

// ---------------------------------------------------------------------------------------------------------
// Defaults, written the way a user would write them in the file.

const SEVERITY_DEFAULTS = {
  sev1: {
    name: "Critical",
    meaning: "Complete outage, payments down, data loss or a security breach",
    respond_within: "immediate",
    update_every: "15m",
    suspect_window: "48h",
  },
  sev2: {
    name: "High",
    meaning: "A major feature is unavailable, performance is badly degraded or sign-in is failing",
    respond_within: "30m",
    update_every: "30m",
    suspect_window: "48h",
  },
  sev3: {
    name: "Medium",
    meaning: "A minor feature is broken or there are non-critical errors; a workaround exists",
    respond_within: "2h",
    update_every: "2h",
    suspect_window: "72h",
  },
  sev4: {
    name: "Low",
    meaning: "Cosmetic or low-impact problem",
    respond_within: "next business day",
    update_every: "1d",
    suspect_window: "7d",
  },
} as const satisfies Record<SeverityKey, Record<string, string>>;

const DEFAULT_LABELS: LabelsConfig = {
  severity: byKey(SEVERITY_KEYS, (key) => `incident/${key}`),
  status: byKey(STATUSES, (status) => `incident/${status}`),
};

const DEFAULT_BUSINESS_DAY_START = "09:00";
const MAX_ASSIGNEES = 10; // GitHub assigns at most 10 people to an issue
const MAX_NAME_LENGTH = 40;
const MAX_MEANING_LENGTH = 200;
const MAX_LABEL_LENGTH = 50; // GitHub's limit

// ---------------------------------------------------------------------------------------------------------
// Describing values in messages.

/** A value as a message shows it: strings quoted, numbers bare, containers by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? "a date" : value.toISOString().slice(0, 10);
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/** `"half an hour" is not a duration; use 30m`, or `is empty; use 30m` for a key given no value. */
function notA(input: unknown, what: string, example: string): string {
  return input === null
    ? `is empty; use ${example}`
    : `${describeValue(input)} is not ${what}; use ${example}`;
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks.

/** Reports one problem with a setting (`index` points at one entry of a list); `return fail(...)` reads well. */
type Fail = (message: string, index?: number) => undefined;

/**
 * One setting: `read` turns the YAML value into what code uses, calling `fail` for each thing wrong with
 * it. A missing setting takes its default without being read.
 */
function setting<T>(fallback: () => NoInfer<T>, read: (input: unknown, fail: Fail) => T | undefined) {
  const schema = z.unknown().transform((input, ctx): T => {
    let failed = false;
    const fail: Fail = (message, index) => {
      failed = true;
      ctx.addIssue({ code: "custom", message, input, path: index === undefined ? [] : [index] });
      return undefined;
    };
    const value = read(input, fail);
    if (value === undefined && !failed) fail(`${describeValue(input)} could not be read`);
    return failed || value === undefined ? z.NEVER : value;
  });
  // zod cannot see through the generic T that a default of type T fits; it does.
  return schema.default(fallback as Parameters<typeof schema.default>[0]);
}

/** A mapping of settings; unknown keys are issues, and so is anything that is not a mapping. */
function section<Shape extends z.core.$ZodLooseShape>(shape: Shape, example: string) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "invalid_type" ? notA(issue.input, "a mapping", example) : undefined),
  });
}

/** Absent or `null` (a key with nothing under it) means "all defaults" for this mapping. */
function orDefaults<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess(
    (value) => (value === null ? undefined : value),
    schema.prefault({} as z.input<Schema>),
  );
}

function byKey<K extends string, V>(keys: readonly K[], make: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, make(key)])) as Record<K, V>;
}

// ---------------------------------------------------------------------------------------------------------
// Settings.

function text(fallback: string, maxLength: number) {
  const example = JSON.stringify(fallback);
  return setting(
    () => fallback,
    (input, fail) => {
      if (typeof input !== "string") return fail(notA(input, "text", example));
      const value = input.trim();
      if (value === "") return fail(`is empty; use ${example}`);
      if (value.length > maxLength) {
        return fail(
          `${describeValue(value)} is ${value.length} characters long; use at most ${maxLength}, e.g. ${example}`,
        );
      }
      return value;
    },
  );
}

/** A duration must be written as text: a YAML number (`30`) is rejected with its unit spelled out (`use 30m`). */
function durationText(input: unknown, example: string, fail: Fail): string | undefined {
  if (input === 0) return "0";
  if (typeof input === "number") return fail(`${input} is not a duration; use ${input}m`);
  if (typeof input !== "string") return fail(notA(input, "a duration", example));
  return input;
}

function responseTarget(fallbackText: string) {
  const fallback = parseResponseTarget(fallbackText) as ResponseTarget;
  return setting(
    () => ({ ...fallback }),
    (input, fail) => {
      const written = durationText(input, fallbackText, fail);
      if (written === undefined) return undefined;
      return parseResponseTarget(written) ?? fail(notA(input, "a duration", fallbackText));
    },
  );
}

function duration(fallbackText: string, minimumText: string) {
  const fallback = parseDuration(fallbackText) as number;
  const minimum = parseDuration(minimumText) as number;
  return setting(
    () => fallback,
    (input, fail) => {
      const written = durationText(input, fallbackText, fail);
      if (written === undefined) return undefined;
      const ms = parseDuration(written);
      if (ms === null) return fail(notA(input, "a duration", fallbackText));
      if (ms < minimum) {
        return fail(
          `${describeValue(input)} is too short; use at least ${minimumText}, e.g. ${fallbackText}`,
        );
      }
      return ms;
    },
  );
}

const LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;
const TEAM = /^([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/([a-z\d][a-z\d_-]{0,99})$/i;

type Handle = { kind: "user"; login: string } | { kind: "team"; team: string };

/** `alice`, `@alice`, `org/team` or `@org/team`; null when it is none of these. */
function parseHandle(value: unknown): Handle | null {
  if (typeof value !== "string") return null;
  const bare = value.trim().replace(/^@/, "");
  if (LOGIN.test(bare)) return { kind: "user", login: bare };
  if (TEAM.test(bare)) return { kind: "team", team: bare };
  return null;
}

/**
 * A list of people: one string counts as a list of one and an empty key as an empty list. Each entry is
 * checked with `read`, which returns the normalised entry or calls `fail`; repeats are dropped.
 */
function people(example: string, read: (entry: unknown, index: number, fail: Fail) => string | undefined) {
  return setting(
    () => [],
    (input, fail) => {
      if (input === null) return [];
      if (typeof input === "string") {
        const one = read(input, 0, (message) => fail(message));
        return one === undefined ? undefined : [one];
      }
      if (!Array.isArray(input)) return fail(notA(input, "a list of GitHub users or teams", example));
      const seen = new Set<string>();
      const entries: string[] = [];
      input.forEach((entry, index) => {
        const value = read(entry, index, (message) => fail(message, index));
        if (value !== undefined && !seen.has(value.toLowerCase())) {
          seen.add(value.toLowerCase());
          entries.push(value);
        }
      });
      return entries;
    },
  );
}

const notify = people("[alice, @org/team]", (entry, _index, fail) => {
  const handle = parseHandle(entry);
  if (handle === null) return fail(notA(entry, "a GitHub user or team", "alice or @org/team"));
  return `@${handle.kind === "user" ? handle.login : handle.team}`;
});

const assign = people("[alice, bob]", (entry, index, fail) => {
  const handle = parseHandle(entry);
  if (handle === null) return fail(notA(entry, "a GitHub user", "alice"));
  if (handle.kind === "team") {
    return fail(
      `${describeValue(entry)} is a team; only users can be assigned, e.g. alice (mention teams in notify)`,
    );
  }
  if (index >= MAX_ASSIGNEES) {
    return fail(
      `${describeValue(entry)} is one too many; GitHub assigns at most ${MAX_ASSIGNEES} people to an issue`,
    );
  }
  return handle.login;
});

function label(fallback: string) {
  return setting(
    () => fallback,
    (input, fail) => {
      if (typeof input !== "string") return fail(notA(input, "a label name", fallback));
      const name = input.trim();
      if (name === "") return fail(`is empty; use ${fallback}`);
      if (name.length > MAX_LABEL_LENGTH) {
        return fail(
          `${describeValue(name)} is ${name.length} characters long; GitHub allows at most ${MAX_LABEL_LENGTH}, e.g. ${fallback}`,
        );
      }
      return name;
    },
  );
}

/** Git's rules for a branch name, loosely: no spaces or special characters, no `..`, no leading `-`. */
function isBranchName(name: string): boolean {
  if (name.length > 255 || name === "@") return false;
  if (/[\s~^:?*[\\\p{Cc}]/u.test(name)) return false; // spaces, control and special characters
  if (/\.\.|@\{|\/\/|\/\./.test(name)) return false; // "..", "@{", "//", a part starting with "."
  return !/^[-/.]|[/.]$|\.lock$/.test(name);
}

const defaultBranch = setting<string | null>(
  () => null,
  (input, fail) => {
    if (input === null) return null;
    if (typeof input !== "string") return fail(notA(input, "a branch name", "main"));
    const name = input.trim().replace(/^refs\/heads\//, "");
    if (name === "") return fail("is empty; use main, or remove it to use the repository's default branch");
    if (!isBranchName(name)) return fail(notA(input, "a branch name", "main"));
    return name;
  },
);

const businessDayStart = setting(
  () => minutesAfterMidnight(DEFAULT_BUSINESS_DAY_START) as number,
  (input, fail) => {
    const minutes = typeof input === "string" ? minutesAfterMidnight(input) : null;
    return minutes ?? fail(notA(input, "a time of day", `"${DEFAULT_BUSINESS_DAY_START}" (24-hour, UTC)`));
  },
);

/** `09:00` or `9:00` → 540; null when it is not a 24-hour time. */
function minutesAfterMidnight(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

function wholeNumber(fallback: number, min: number, max: number) {
  const advice = `use a whole number from ${min} to ${max}, e.g. ${fallback}`;
  return setting(
    () => fallback,
    (input, fail) => {
      if (typeof input !== "number" || Number.isNaN(input))
        return fail(`${describeValue(input)} is not a number; ${advice}`);
      if (!Number.isInteger(input)) return fail(`${input} is not a whole number; ${advice}`);
      if (input < min) return fail(`${input} is too small; ${advice}`);
      if (input > max) return fail(`${input} is too large; ${advice}`);
      return input;
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The file.

function severityShape(key: SeverityKey) {
  const defaults = SEVERITY_DEFAULTS[key];
  return {
    name: text(defaults.name, MAX_NAME_LENGTH),
    meaning: text(defaults.meaning, MAX_MEANING_LENGTH),
    respond_within: responseTarget(defaults.respond_within),
    update_every: duration(defaults.update_every, "1m"),
    notify,
    assign,
    suspect_window: duration(defaults.suspect_window, "1m"),
  };
}

const severitiesShape = byKey(SEVERITY_KEYS, (key) =>
  orDefaults(section(severityShape(key), "a mapping like { respond_within: 30m, notify: [alice] }")),
);

const labelsShape = {
  severity: orDefaults(
    section(
      byKey(SEVERITY_KEYS, (key) => label(DEFAULT_LABELS.severity[key])),
      "a mapping like { sev1: incident/sev1 }",
    ),
  ),
  status: orDefaults(
    section(
      byKey(STATUSES, (status) => label(DEFAULT_LABELS.status[status])),
      "a mapping like { resolved: incident/resolved }",
    ),
  ),
};

const suspectsShape = {
  max_shown: wholeNumber(10, 1, 50),
  max_scanned: wholeNumber(100, 1, 1000),
};

/** A branch firebreak writes to; `example` ends the message when it is not one. */
function readBranch(input: unknown, example: string, fail: Fail): string | undefined {
  if (typeof input !== "string") return fail(notA(input, "a branch name", example));
  const name = input.trim().replace(/^refs\/heads\//, "");
  if (name === "") return fail(`is empty; use ${example}`);
  return isBranchName(name) ? name : fail(notA(input, "a branch name", example));
}

/** A file in the repository, from its root: `STATUS.md`, `docs/status.md`. */
function repositoryFile(fallback: string) {
  return setting(
    () => fallback,
    (input, fail) => {
      if (typeof input !== "string") return fail(notA(input, "a file path", fallback));
      const path = input.trim().replace(/^\.?\//, "");
      if (path === "") return fail(`is empty; use ${fallback}`);
      const parts = path.split("/");
      if (
        path.length > 255 ||
        /[\\\p{Cc}]/u.test(path) ||
        parts.some((part) => part === "" || part === "." || part === ".." || part === ".git")
      ) {
        return fail(notA(input, "a file path in the repository", fallback));
      }
      // Writing workflows needs a permission firebreak does not ask for.
      if (path.startsWith(".github/workflows/")) {
        return fail(
          `${describeValue(input)} is a workflow file, which firebreak may not write; use ${fallback}`,
        );
      }
      return path;
    },
  );
}

const noticesShape = {
  enabled: flag(false),
  status_file: repositoryFile("STATUS.md"),
  branch: setting(
    () => "firebreak/status-notices",
    (input, fail) => readBranch(input, "firebreak/status-notices", fail),
  ),
  base: setting<string | null>(
    () => null,
    (input, fail) =>
      input === null
        ? null
        : readBranch(input, "main, or remove it to use the repository's default branch", fail),
  ),
};

function flag(fallback: boolean) {
  return setting(
    () => fallback,
    (input, fail) =>
      typeof input === "boolean" ? input : fail(notA(input, "true or false", String(fallback))),
  );
}

/** A list of severity keys: `[sev1, sev2]`; one key counts as a list of one, an empty key as none. */
function severityList(fallback: readonly SeverityKey[]) {
  const example = `[${fallback.join(", ")}]`;
  return setting<SeverityKey[]>(
    () => [...fallback],
    (input, fail) => {
      if (input === null) return [];
      const entries = typeof input === "string" ? [input] : input;
      if (!Array.isArray(entries)) return fail(notA(input, "a list of severities", example));
      const keys: SeverityKey[] = [];
      entries.forEach((entry, index) => {
        const key = typeof entry === "string" ? entry.trim().toLowerCase() : entry;
        if (!(SEVERITY_KEYS as readonly unknown[]).includes(key)) {
          fail(
            notA(entry, "a severity", `one of ${SEVERITY_KEYS.join(", ")}`),
            Array.isArray(input) ? index : undefined,
          );
        } else if (!keys.includes(key as SeverityKey)) keys.push(key as SeverityKey);
      });
      return keys;
    },
  );
}

const remindersShape = {
  response: flag(true),
  updates: flag(true),
  postmortem_after: duration("48h", "1h"),
  postmortem_severities: severityList(["sev1", "sev2"]),
};

function readPermission(input: unknown, fail: Fail): PermissionLevel | undefined {
  const level = typeof input === "string" ? input.trim().toLowerCase() : input;
  if ((PERMISSION_LEVELS as readonly unknown[]).includes(level)) return level as PermissionLevel;
  return fail(notA(input, "a repository role", `one of ${PERMISSION_LEVELS.join(", ")}, e.g. triage`));
}

/** A command's own level; empty means "the default". */
function commandPermission(fallback: PermissionLevel | null) {
  return setting<PermissionLevel | null>(
    () => fallback,
    (input, fail) => (input === null ? fallback : readPermission(input, fail)),
  );
}

const permissionsShape = {
  default: setting<PermissionLevel>(
    () => "triage",
    (input, fail) => (input === null ? "triage" : readPermission(input, fail)),
  ),
  ...byKey(GATED_COMMANDS, (command) => commandPermission(command === "rollback" ? "write" : null)),
};

const configShape = {
  severities: orDefaults(section(severitiesShape, "a mapping like { sev2: { respond_within: 30m } }")),
  labels: orDefaults(
    section(labelsShape, "a mapping like { severity: { sev1: incident/sev1 } }").superRefine(
      checkDistinctLabels,
    ),
  ),
  default_branch: defaultBranch,
  business_day_start: businessDayStart,
  suspects: orDefaults(section(suspectsShape, "a mapping like { max_shown: 10 }")),
  permissions: orDefaults(section(permissionsShape, "a mapping like { default: triage, rollback: write }")),
  notices: orDefaults(section(noticesShape, "a mapping like { enabled: true, status_file: STATUS.md }")),
  reminders: orDefaults(section(remindersShape, "a mapping like { postmortem_after: 48h }")),
};

/**
 * Every label must be distinct (GitHub compares label names ignoring case). When a customised label
 * collides, the customised one is reported, so that falling back to its default resolves the collision.
 */
function checkDistinctLabels(labels: LabelsConfig, ctx: z.RefinementCtx): void {
  const entries = [
    ...SEVERITY_KEYS.map((key) => ({
      group: "severity",
      key,
      name: labels.severity[key],
      fallback: DEFAULT_LABELS.severity[key],
    })),
    ...STATUSES.map((key) => ({
      group: "status",
      key,
      name: labels.status[key],
      fallback: DEFAULT_LABELS.status[key],
    })),
  ];
  const owners = new Map<string, string>();
  for (const entry of entries) {
    if (entry.name === entry.fallback)
      owners.set(entry.name.toLowerCase(), `labels.${entry.group}.${entry.key}`);
  }
  for (const entry of entries) {
    if (entry.name === entry.fallback || typeof entry.name !== "string") continue;
    const owner = owners.get(entry.name.toLowerCase());
    if (owner === undefined) {
      owners.set(entry.name.toLowerCase(), `labels.${entry.group}.${entry.key}`);
    } else {
      ctx.addIssue({
        code: "custom",
        path: [entry.group, entry.key],
        input: entry.name,
        message: `${describeValue(entry.name)} is already used by ${owner}; every label must be distinct`,
      });
    }
  }
}

/**
 * The whole file. `undefined`, `null` and `{}` parse to the defaults. Parsing fails on the first file with
 * any mistake; `validateConfig` (validate.ts) reports every mistake and keeps every good setting.
 */
export const ConfigSchema: z.ZodType<Config> = orDefaults(
  section(configShape, 'a mapping of settings such as "severities:"'),
);

/** The keys each mapping accepts, by dotted path ("" is the top level); for unknown-key suggestions. */
export const KNOWN_KEYS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ["", Object.keys(configShape)],
  ["severities", SEVERITY_KEYS],
  ...SEVERITY_KEYS.map((key): [string, readonly string[]] => [
    `severities.${key}`,
    Object.keys(severityShape(key)),
  ]),
  ["labels", Object.keys(labelsShape)],
  ["labels.severity", SEVERITY_KEYS],
  ["labels.status", STATUSES],
  ["suspects", Object.keys(suspectsShape)],
  ["permissions", Object.keys(permissionsShape)],
  ["notices", Object.keys(noticesShape)],
  ["reminders", Object.keys(remindersShape)],
]);

/** Default severity names ("critical" → sev1), for suggestions when someone keys a severity by its name. */
export const DEFAULT_SEVERITY_NAMES: Readonly<Record<SeverityKey, string>> = byKey(
  SEVERITY_KEYS,
  (key) => SEVERITY_DEFAULTS[key].name,
);

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The configuration when the repository has no `.github/incident.yml`. Frozen: copy before changing. */
export const DEFAULT_CONFIG: Config = deepFreeze(ConfigSchema.parse(undefined));
