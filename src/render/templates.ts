// Handlebars rendering of firebreak's comments. Built-in templates ship in templates/; a repository
// may override any of them with `.github/firebreak/<name>.md.hbs`. A broken override never stops a
// comment: the built-in one is used and a warning names the file, the line and the problem.
import Handlebars from "handlebars";
import checklistPostIncident from "../../templates/checklist-post-incident.md.hbs";
import checklistRespond from "../../templates/checklist-respond.md.hbs";
import checklistVerify from "../../templates/checklist-verify.md.hbs";
import customerEmail from "../../templates/customer-email.md.hbs";
import escalation from "../../templates/escalation.md.hbs";
import failure from "../../templates/failure.md.hbs";
import followUp from "../../templates/follow-up.md.hbs";
import incidentIndex from "../../templates/incident-index.md.hbs";
import notice from "../../templates/notice.md.hbs";
import postmortem from "../../templates/postmortem.md.hbs";
import reminder from "../../templates/reminder.md.hbs";
import reply from "../../templates/reply.md.hbs";
import tracker from "../../templates/tracker.md.hbs";
import { OVERRIDES_DIR } from "../github/incident-context.js";

export const BUILTIN_TEMPLATES = {
  tracker,
  "checklist-respond": checklistRespond,
  "checklist-verify": checklistVerify,
  "checklist-post-incident": checklistPostIncident,
  escalation,
  reply,
  failure,
  notice,
  "customer-email": customerEmail,
  postmortem,
  "follow-up": followUp,
  reminder,
  "incident-index": incidentIndex,
} as const;

export type TemplateName = keyof typeof BUILTIN_TEMPLATES;

// Views are built as already-safe markdown, so nothing is HTML-escaped here; strict mode turns a
// reference to a field firebreak does not provide into an error instead of silent blank text.
const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

const handlebars = Handlebars.create();
handlebars.registerHelper("eq", (a: unknown, b: unknown) => a === b);

const builtins = new Map(
  Object.entries(BUILTIN_TEMPLATES).map(([name, source]) => [
    name,
    handlebars.compile(source, COMPILE_OPTIONS),
  ]),
);

export interface Renderer {
  render(name: TemplateName, view: object): string;
  /** Problems met with the repository's overrides so far, one line each. */
  readonly warnings: readonly string[];
}

/** `overrides` maps file names found in `.github/firebreak/` to their text. */
export function createRenderer(overrides: Record<string, string> = {}): Renderer {
  const warnings: string[] = [];
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const name of Object.keys(BUILTIN_TEMPLATES)) {
    const source = overrides[`${name}.md.hbs`];
    if (source === undefined) continue;
    try {
      handlebars.parse(source);
      compiled.set(name, handlebars.compile(source, COMPILE_OPTIONS));
    } catch (error) {
      warnings.push(overrideWarning(name, error));
    }
  }
  return {
    warnings,
    render(name, view) {
      const override = compiled.get(name);
      if (override) {
        try {
          const body = markerFirst(name, override(view), view);
          // A comment of nothing but the hidden marker (a blank file, a block over a missing list)
          // would hide the incident from the people reading it.
          if (!isBlank(body, view)) return body;
          compiled.delete(name);
          warnings.push(
            `\`${OVERRIDES_DIR}/${name}.md.hbs\`: renders nothing; the built-in ${name} template was used instead`,
          );
        } catch (error) {
          compiled.delete(name);
          warnings.push(overrideWarning(name, error));
        }
      }
      const builtin = builtins.get(name);
      if (!builtin) throw new Error(`no built-in template ${name}`);
      return markerFirst(name, builtin(view), view);
    },
  };
}

/** The app's comments it finds again (the post-mortem is a file, and its issues are found by search). */
const COMMENTS_FOUND_BY_MARKER = new Set<TemplateName>([
  "tracker",
  "checklist-respond",
  "checklist-verify",
  "checklist-post-incident",
  "escalation",
  "reply",
  "reminder",
  // Not a comment: a `/notice` is found by its marker in the status file.
  "notice",
]);

/**
 * firebreak finds its comments by the hidden marker on their first line, so every comment starts
 * with it, whatever an override template does with `{{marker}}`.
 */
function markerFirst(name: TemplateName, body: string, view: object): string {
  const marker = (view as { marker?: unknown }).marker;
  if (!COMMENTS_FOUND_BY_MARKER.has(name) || typeof marker !== "string" || body.startsWith(marker))
    return body;
  return `${marker}\n${body.split(marker).join("")}`;
}

function isBlank(body: string, view: object): boolean {
  const marker = (view as { marker?: unknown }).marker;
  return (typeof marker === "string" ? body.split(marker).join("") : body).trim() === "";
}

function overrideWarning(name: string, error: unknown): string {
  const file = `${OVERRIDES_DIR}/${name}.md.hbs`;
  const { line, problem } = describeTemplateError(error);
  return `\`${file}\`${line ? ` line ${line}` : ""}: ${problem}; the built-in ${name} template was used instead`;
}

function describeTemplateError(error: unknown): { line: number | null; problem: string } {
  const message = error instanceof Error ? error.message : String(error);
  // Strict mode at render time: `"colour" not defined in [object Object] - 2:2`
  const missing = /^"([^"]+)" not defined in .* - (\d+):\d+$/.exec(message);
  if (missing) {
    return {
      line: Number(missing[2]),
      problem: `\`${missing[1]}\` is not a field or helper firebreak provides`,
    };
  }
  // The parser: "Parse error on line 4:\n<excerpt>\n----^\nExpecting 'OPEN', got 'EOF'"
  const parse = /^Parse error on line (\d+):/.exec(message);
  if (parse) {
    const expecting = message.split("\n").find((l) => l.startsWith("Expecting"));
    return {
      line: Number(parse[1]),
      problem: `the template does not compile (${expecting ?? "syntax error"})`,
    };
  }
  // The compiler: "if doesn't match each - 3:3"
  const located = / - (\d+):\d+$/.exec(message);
  if (located) {
    return {
      line: Number(located[1]),
      problem: `the template does not compile (${message.replace(/ - \d+:\d+$/, "")})`,
    };
  }
  return { line: null, problem: `the template failed (${message.split("\n")[0]})` };
}
