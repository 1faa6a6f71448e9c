// Loading `.github/incident.yml` through Probot's context.config, so `_extends` and the
// organisation's `.github` repository work. Loading never fails: problems become warnings.
import type { Config } from "./schema.js";
import { validateConfig } from "./validate.js";

export const CONFIG_FILE = "incident.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface LoadedConfig {
  config: Config;
  /** One line per problem, ready to show in the tracker. */
  problems: string[];
}

type ConfigReader = (fileName: string) => Promise<unknown>;

export async function loadConfig(read: ConfigReader): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    raw = await read(CONFIG_FILE);
  } catch (error) {
    const { config } = validateConfig(undefined);
    return { config, problems: [readFailure(error)] };
  }
  const { config, problems } = validateConfig(raw ?? undefined);
  return { config, problems: problems.map((p) => `\`${p.path}\`: ${p.message}`) };
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
