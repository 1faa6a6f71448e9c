// Reading the answers of the incident issue form (.github/ISSUE_TEMPLATE/incident.yml) from an issue body.
import { commentOpenAfter } from "./markdown.js";
import type { SeverityKey } from "./model.js";

/**
 * The form's answers appear as `### <label>` followed by the answer. A heading GitHub does not show
 * as one (in a fenced code block or an HTML comment, as when someone pastes the form into an issue)
 * is not an answer.
 */
export function formAnswer(body: string, heading: string): string | null {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const shown = headingsShown(lines);
  const start = lines.findIndex(
    (line, i) => shown[i] && line.trim().toLowerCase() === `### ${heading.toLowerCase()}`,
  );
  if (start === -1) return null;
  const answer: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i <= start) continue;
    if (shown[i] && line.startsWith("### ")) break;
    answer.push(line);
  }
  const text = answer.join("\n").trim();
  return text === "" || text === "_No response_" ? null : text;
}

/** Per line: could a heading there be shown as one (not in a fenced code block or an HTML comment)? */
function headingsShown(lines: string[]): boolean[] {
  let fence: string | null = null;
  let inComment = false;
  return lines.map((line) => {
    if (inComment) {
      inComment = commentOpenAfter(line, true);
      return false;
    }
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return false;
    }
    if (marker) {
      fence = marker;
      return false;
    }
    inComment = commentOpenAfter(line, false);
    return !line.trimStart().startsWith("<!--");
  });
}

/**
 * The form's "When it started" answer, ready for `/started`'s reader: "about 20 minutes ago" →
 * "20 minutes ago". Null when unanswered.
 */
export function formStartedText(body: string | null | undefined): string | null {
  const answer = body ? formAnswer(body, "When it started") : null;
  return answer
    ? answer.replace(/^(about|around|approx(imately)?\.?|roughly|~)\s*/i, "").trim() || null
    : null;
}

/**
 * The severity chosen in the form, e.g. "SEV2 · High: a major feature is unavailable" → sev2.
 * Null when the body has no such answer, so ordinary issues are never declared by accident.
 */
export function formSeverity(body: string | null | undefined): SeverityKey | null {
  if (!body) return null;
  const answer = formAnswer(body, "Severity");
  const match = answer ? /^sev\s*([1-4])\b/i.exec(answer) : null;
  return match ? (`sev${match[1]}` as SeverityKey) : null;
}
