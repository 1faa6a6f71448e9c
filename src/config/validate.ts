// Checking a parsed `.github/incident.yml` so that a mistake never takes the app down: every problem is
// reported, every bad setting falls back to its default, every good setting is kept. Pure: no I/O.
//
// How: parse with the schema; for each issue, report it and remove the offending value (or unknown key)
// from a copy of the input, so that its default applies; parse again until the copy is clean. A later pass
// only finds what an earlier fix uncovered (a label that now collides with a restored default).

import { SEVERITY_KEYS, type SeverityKey } from "../core/model.js";
import { type Config, ConfigSchema, DEFAULT_SEVERITY_NAMES, describeValue, KNOWN_KEYS } from "./schema.js";

export interface ConfigProblem {
  /** Dotted path of the setting, e.g. `severities.sev2.respond_within` or `severities.sev1.notify[1]`; `(file)` for the whole file. */
  path: string;
  /** What is wrong and what a right value looks like. */
  message: string;
}

export interface ValidatedConfig {
  config: Config;
  problems: ConfigProblem[];
}

/** The path of a problem with the file as a whole. */
export const FILE_PATH = "(file)";

/** Passes are bounded; each one removes at least one value, and in practice two passes are the most. */
const MAX_PASSES = 20;

/** `severities.sev2.respond_within: "half an hour" is not a duration; use 30m` */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/**
 * The configuration to use for `raw` (the parsed YAML, or undefined when there is no file), and the
 * problems found in it. Never throws.
 */
export function validateConfig(raw: unknown): ValidatedConfig {
  try {
    return validate(raw);
  } catch (error) {
    // Not expected; but a config mistake must never stop incident response.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      config: defaults(),
      problems: [{ path: FILE_PATH, message: `could not be checked (${reason}); using all defaults` }],
    };
  }
}

function validate(raw: unknown): ValidatedConfig {
  if (raw === undefined || raw === null) return { config: defaults(), problems: [] };
  if (!isMapping(raw)) {
    return {
      config: defaults(),
      problems: [
        {
          path: FILE_PATH,
          message: `${describeValue(raw)} is not a mapping of settings; start the file with a setting such as "severities:"; using all defaults`,
        },
      ],
    };
  }

  const input = copyTree(raw) as Record<string, unknown>;
  delete input._extends; // Probot's config loader has already merged the file it names.

  const problems: ConfigProblem[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = ConfigSchema.safeParse(input);
    if (result.success) return { config: result.data, problems };
    const removals: Path[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push({
            path: formatPath([...issue.path, key]),
            message: unknownKeyMessage(issue.path, key),
          });
          removals.push([...issue.path, key]);
        }
      } else {
        problems.push({ path: formatPath(issue.path), message: issue.message });
        removals.push(issue.path);
      }
    }
    if (!removeAll(input, removals)) break;
  }
  return { config: defaults(), problems }; // not reached: some issue could not be fixed by removal
}

/** A fresh copy of the defaults, so callers may change what they get. */
function defaults(): Config {
  return ConfigSchema.parse(undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Removing offending values from the copy.

type Path = readonly PropertyKey[];

/** Entries of a list marked for removal; lists are compacted after the whole pass so indexes stay valid. */
const REMOVED = Symbol("removed");

/** Removes each path's value; true when anything was removed. */
function removeAll(root: Record<string, unknown>, paths: readonly Path[]): boolean {
  let removed = false;
  const lists = new Set<unknown[]>();
  for (const path of paths) {
    if (path.length === 0) continue;
    const parent = valueAt(root, path.slice(0, -1));
    const last = path[path.length - 1] as PropertyKey;
    if (Array.isArray(parent) && typeof last === "number" && last in parent) {
      parent[last] = REMOVED;
      lists.add(parent);
      removed = true;
    } else if (isMapping(parent) && Object.hasOwn(parent, last)) {
      delete parent[last as string];
      removed = true;
    }
  }
  for (const list of lists) {
    const kept = list.filter((entry) => entry !== REMOVED);
    list.splice(0, list.length, ...kept);
  }
  return removed;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number") value = value[key];
    else if (isMapping(value) && typeof key === "string" && Object.hasOwn(value, key)) value = value[key];
    else return undefined;
  }
  return value;
}

/** Copies the mappings and lists (the rest is not changed by removal); keys like `__proto__` stay plain keys. */
function copyTree(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (!Array.isArray(value) && !isMapping(value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const entry of value) copy.push(copyTree(entry, seen));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, entry] of Object.entries(value)) {
    Object.defineProperty(copy, key, {
      value: copyTree(entry, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `["severities", "sev1", "notify", 1]` → `severities.sev1.notify[1]`. */
function formatPath(path: Path): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? FILE_PATH : text;
}

// ---------------------------------------------------------------------------------------------------------
// Unknown keys: say what was probably meant.

function unknownKeyMessage(parentPath: Path, key: string): string {
  const parent = parentPath.map(String).join(".");
  const known = KNOWN_KEYS.get(parent) ?? [];
  const nearby = known === SEVERITY_KEYS ? severityFor(key) : closestKey(key, known);
  if (nearby !== null) return `unknown key; did you mean ${nearby}?`;
  const elsewhere = placeElsewhere(key, parent);
  if (elsewhere !== null) return `unknown key here; did you mean ${elsewhere}?`;
  return `unknown key; valid keys are ${known === SEVERITY_KEYS ? "sev1–sev4" : known.join(", ")}`;
}

/** `SEV-2`, `p2`, `2` and `high` mean sev2; `sev5` means nothing (a near miss on a number is not a typo). */
function severityFor(key: string): SeverityKey | null {
  const word = key.toLowerCase().replace(/[^a-z\d]/g, "");
  const number = /^(?:sev|severity|s|p)?([1-4])$/.exec(word)?.[1];
  if (number !== undefined) return `sev${number}` as SeverityKey;
  return SEVERITY_KEYS.find((severity) => DEFAULT_SEVERITY_NAMES[severity].toLowerCase() === word) ?? null;
}

/** The known key that `key` most likely misspells: same words in another case, a typo, or a shortening. */
function closestKey(key: string, known: readonly string[]): string | null {
  const word = normaliseKey(key);
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = levenshtein(word, candidate);
    const close =
      distance <= (word.length >= 8 ? 3 : word.length >= 4 ? 2 : 1) ||
      commonPrefixLength(word, candidate) >= 5 ||
      (Math.min(word.length, candidate.length) >= 4 &&
        (candidate.startsWith(word) || word.startsWith(candidate)));
    if (close && (best === null || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key ?? null;
}

/** A key written at the wrong level: `max_shown` at the top is `suspects.max_shown`. */
function placeElsewhere(key: string, parent: string): string | null {
  const word = normaliseKey(key);
  const places: string[] = [];
  for (const [path, keys] of KNOWN_KEYS) {
    if (path !== parent && keys.includes(word)) places.push(path === "" ? word : `${path}.${word}`);
  }
  if (places.length > 2) return `${places[0]} (or the same key under another severity)`;
  return places.length === 0 ? null : places.join(" or ");
}

/** `respondWithin`, `Respond-Within` and `respond within` → `respond_within`. */
function normaliseKey(key: string): string {
  return key
    .trim()
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
