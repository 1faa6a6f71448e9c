// Loading `.github/incident.yml` with Probot's config plugin, so `_extends` and the organisation's
// `.github` repository work. Loading never fails: problems become warnings.
import type { RepoRef } from "../github/client.js";
import type { Config } from "./schema.js";
import { validateConfig } from "./validate.js";

export const CONFIG_FILE = "incident.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface LoadedConfig {
  config: Config;
  /** One line per problem, ready to show in the tracker. */
  problems: string[];
}

/** A file the config plugin looked for: the repository's, the organisation's, then each `_extends`. */
export interface ConfigFile {
  owner: string;
  repo: string;
  path: string;
  /** Its settings; null when there is no such file (or no such repository the app may see). */
  config: unknown;
}

/** What Probot's `octokit.config.get` answers: the settings, merged, and the files they came from. */
export interface ConfigRead {
  config: unknown;
  files: ConfigFile[];
}

/** Probot's config plugin, which the Octokit of every Probot context carries. */
interface ConfigPlugin {
  config: {
    get(options: {
      owner: string;
      repo: string;
      path: string;
      defaults: (configs: Record<string, unknown>[]) => Record<string, unknown>;
    }): Promise<ConfigRead>;
  };
}

/** Reads the repository's settings, keeping which files were found (context.config does not say). */
export function configReader(octokit: ConfigPlugin, repo: RepoRef) {
  return (path: string): Promise<ConfigRead> =>
    octokit.config.get({ owner: repo.owner, repo: repo.repo, path, defaults: mergeConfigs });
}

export async function loadConfig(read: (path: string) => Promise<ConfigRead>): Promise<LoadedConfig> {
  let found: ConfigRead;
  try {
    found = await read(CONFIG_PATH);
  } catch (error) {
    const { config } = validateConfig(undefined);
    return { config, problems: [readFailure(error)] };
  }
  const { config, problems } = validateConfig(found.config ?? undefined);
  return {
    config,
    problems: [...missingBases(found.files), ...problems.map((p) => `\`${p.path}\`: ${p.message}`)],
  };
}

/**
 * The files an `_extends` names that GitHub did not give: the settings stand without them, and the
 * tracker says so rather than silently using less than was written.
 */
function missingBases(files: ConfigFile[]): string[] {
  const first = files.findIndex((file) => file.config !== null && file.config !== undefined);
  if (first === -1) return [];
  return files
    .slice(first + 1)
    .filter((file) => file.config === null || file.config === undefined)
    .map(
      (file) =>
        `\`_extends\`: firebreak cannot read \`${file.path}\` in ${file.owner}/${file.repo} (there is no such file, or the repository is private and the app is not installed on it); the settings it holds are not used`,
    );
}

/**
 * Merges the files, the one extended first: mappings key by key, lists one after the other, as
 * Probot's context.config does. Keys such as `__proto__` stay plain keys, so they are reported.
 */
export function mergeConfigs(configs: Record<string, unknown>[]): Record<string, unknown> {
  // Typed as the plugin types it; a file of one value (`42`) arrives as is, and validation names it.
  return configs.reduce<unknown>((merged, next) => mergeTwo(merged, next), undefined) as Record<
    string,
    unknown
  >;
}

function mergeTwo(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (!isMapping(base) || !isMapping(over)) return over;
  const merged: Record<string, unknown> = {};
  const set = (key: string, value: unknown) =>
    Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(base)) set(key, value);
  for (const [key, value] of Object.entries(over))
    set(key, Object.hasOwn(base, key) ? mergeTwo(base[key], value) : value);
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (message.includes("invalid YAML")) {
    const detail = cause instanceof Error ? cause.message.split("\n")[0] : "";
    return `\`${CONFIG_PATH}\` is not valid YAML${detail ? ` (${detail})` : ""}; fix the file, every setting uses its default until then`;
  }
  if (message.includes("YAML is not an object")) {
    return `\`${CONFIG_PATH}\` holds a single value, not settings; write it as a mapping like \`suspects: { max_shown: 10 }\``;
  }
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : null;
  if (status === 403) {
    return `firebreak may not read \`${CONFIG_PATH}\` (or the repository named in \`_extends\`); give the app the Contents: read permission`;
  }
  return `\`${CONFIG_PATH}\` could not be read (${message.replace(/^\[@probot\/octokit-plugin-config\] /, "")}); every setting uses its default`;
}
