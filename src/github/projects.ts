// Projects v2: putting follow-up issues on the team's board and filling its fields by name. The
// board is read once (its fields and their options), items are added in one request and their empty
// fields set in one more. A field the board lacks is a warning, never a failure; a value someone
// already set is never overwritten.
import { allowNotFound, performBatch } from "./batch.js";
import type { GitHubClient } from "./client.js";

export interface ProjectRef {
  owner: "organization" | "user";
  login: string;
  number: number;
}

/**
 * `https://github.com/orgs/acme/projects/5` or `https://github.com/users/alice/projects/3` (any
 * host, for GitHub Enterprise Server; a trailing `/views/2` is fine).
 */
export function parseProjectUrl(url: string): ProjectRef | { error: string } {
  let path: string;
  try {
    path = new URL(url.trim()).pathname;
  } catch {
    return {
      error: `"${url}" is not a URL; use the board's address, like https://github.com/orgs/acme/projects/5`,
    };
  }
  const match = /^\/(orgs|users)\/([^/]+)\/projects\/(\d+)(?:\/.*)?$/.exec(path);
  if (!match?.[2]) {
    return {
      error: `"${url}" is not a Projects board address; use https://github.com/orgs/<org>/projects/<number> or https://github.com/users/<user>/projects/<number>`,
    };
  }
  return {
    owner: match[1] === "orgs" ? "organization" : "user",
    login: decodeURIComponent(match[2]),
    number: Number(match[3]),
  };
}

const FIELDS = `
  projectV2(number: $number) {
    id title url
    fields(first: 50) {
      nodes {
        ... on ProjectV2FieldCommon { id name dataType }
        ... on ProjectV2SingleSelectField { options { id name } }
      }
    }
  }`;

export const PROJECT_QUERY = {
  organization: `query ProjectFields($login: String!, $number: Int!) {\n  owner: organization(login: $login) {${FIELDS}\n  }\n}`,
  user: `query ProjectFields($login: String!, $number: Int!) {\n  owner: user(login: $login) {${FIELDS}\n  }\n}`,
} as const;

export interface ProjectField {
  id: string;
  name: string;
  dataType: string;
  options: Array<{ id: string; name: string }> | null;
}

export interface Project {
  id: string;
  title: string;
  url: string;
  fields: ProjectField[];
}

export class ProjectNotFound extends Error {}

export async function readProject(github: GitHubClient, ref: ProjectRef): Promise<Project> {
  const data = await allowNotFound(
    github.graphql<{
      owner: {
        projectV2: {
          id: string;
          title: string;
          url: string;
          fields: { nodes: Array<Partial<ProjectField> | null> };
        } | null;
      } | null;
    }>(PROJECT_QUERY[ref.owner], { login: ref.login, number: ref.number }),
    /^owner$/,
  );
  const project = data.owner?.projectV2;
  const where = `${ref.owner === "organization" ? "organisation" : "user"} ${ref.login}`;
  if (!data.owner) throw new ProjectNotFound(`there is no ${where}`);
  if (!project) throw new ProjectNotFound(`the ${where} has no project number ${ref.number}`);
  return {
    id: project.id,
    title: project.title,
    url: project.url,
    fields: project.fields.nodes.flatMap((f) =>
      f?.id && f.name && f.dataType
        ? [{ id: f.id, name: f.name, dataType: f.dataType, options: f.options ?? null }]
        : [],
    ),
  };
}

/** What firebreak fills in, by field name. */
export interface BoardValues {
  Status?: string | null;
  Severity?: string[] | null;
  "Due date"?: string | null;
  Incident?: string | null;
}

export interface BoardItem {
  /** The issue's node id. */
  contentId: string;
  values: BoardValues;
}

const ALIASES: Record<keyof BoardValues, string[]> = {
  Status: ["status"],
  Severity: ["severity"],
  "Due date": ["due date", "due", "due on", "target date"],
  Incident: ["incident"],
};

type FieldValue = { date: string } | { text: string } | { singleSelectOptionId: string };

/**
 * How a value is written to a field of the board, or why it cannot be. `candidates` are accepted
 * names for a single-select option, the first that exists wins (for Severity: `SEV2`, `sev2`, `High`).
 */
function valueFor(field: ProjectField, candidates: string[]): FieldValue | { problem: string } {
  const [first = ""] = candidates;
  switch (field.dataType) {
    case "TEXT":
      return { text: first };
    case "DATE":
      return /^\d{4}-\d{2}-\d{2}$/.test(first) ? { date: first } : { problem: `"${first}" is not a date` };
    case "SINGLE_SELECT": {
      const options = field.options ?? [];
      for (const candidate of candidates) {
        const wanted = candidate.toLowerCase();
        const option =
          options.find((o) => o.name.toLowerCase() === wanted) ??
          options.find((o) => o.name.toLowerCase().startsWith(`${wanted} `));
        if (option) return { singleSelectOptionId: option.id };
      }
      return {
        problem: `has no option ${candidates.map((c) => `"${c}"`).join(" or ")} (it has ${options.map((o) => `"${o.name}"`).join(", ") || "none"})`,
      };
    }
    default:
      return {
        problem: `is a ${field.dataType.toLowerCase().replace(/_/g, " ")} field, which firebreak does not fill`,
      };
  }
}

export interface BoardResult {
  added: number;
  fieldsSet: number;
  warnings: string[];
  /** Items GitHub would not add, with its message. */
  failed: Array<{ contentId: string; message: string }>;
  requests: number;
}

export async function putOnBoard(
  github: GitHubClient,
  project: Project,
  items: BoardItem[],
): Promise<BoardResult> {
  const result: BoardResult = { added: 0, fieldsSet: 0, warnings: [], failed: [], requests: 0 };
  if (items.length === 0) return result;
  const fieldFor = (name: keyof BoardValues) =>
    project.fields.find((f) => ALIASES[name].includes(f.name.trim().toLowerCase())) ?? null;
  const warned = new Set<string>();
  const warn = (text: string) => {
    if (!warned.has(text)) result.warnings.push(text);
    warned.add(text);
  };

  const added = await performBatch<{
    item: { id: string; fieldValues: { nodes: Array<{ field?: { id?: string } } | null> } } | null;
  }>(
    github,
    "FirebreakBoardItems",
    items.map((item) => ({
      field: "addProjectV2ItemById",
      input: { projectId: project.id, contentId: item.contentId },
      selection:
        "item { id fieldValues(first: 50) { nodes { ... on ProjectV2ItemFieldValueCommon { field { ... on ProjectV2FieldCommon { id } } } } } }",
    })),
  );
  result.requests++;

  const updates: Array<{ itemId: string; fieldId: string; value: FieldValue }> = [];
  added.forEach((r, i) => {
    const item = items[i] as BoardItem;
    const added = r.data?.item;
    if (!added) {
      result.failed.push({ contentId: item.contentId, message: r.error ?? "not added" });
      return;
    }
    result.added++;
    const filled = new Set(added.fieldValues.nodes.flatMap((n) => (n?.field?.id ? [n.field.id] : [])));
    for (const name of Object.keys(ALIASES) as Array<keyof BoardValues>) {
      const raw = item.values[name];
      if (raw == null || (Array.isArray(raw) && raw.length === 0)) continue;
      const field = fieldFor(name);
      if (!field) {
        warn(`the project "${project.title}" has no field "${name}"; add it to have firebreak fill it in`);
        continue;
      }
      if (filled.has(field.id)) continue;
      const value = valueFor(field, Array.isArray(raw) ? raw : [raw]);
      if ("problem" in value) {
        warn(`the project "${project.title}" field "${field.name}" ${value.problem}; it was left empty`);
        continue;
      }
      updates.push({ itemId: added.id, fieldId: field.id, value });
    }
  });

  if (updates.length > 0) {
    const set = await performBatch(
      github,
      "FirebreakBoardFields",
      updates.map((u) => ({
        field: "updateProjectV2ItemFieldValue",
        input: { projectId: project.id, itemId: u.itemId, fieldId: u.fieldId, value: u.value },
      })),
    );
    result.requests++;
    set.forEach((r, i) => {
      if (!r.error) result.fieldsSet++;
      else {
        const field = project.fields.find((f) => f.id === updates[i]?.fieldId);
        warn(`the project field "${field?.name ?? "?"}" could not be set: ${r.error}`);
      }
    });
  }
  return result;
}
