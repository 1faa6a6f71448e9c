// Making user-written text safe to echo inside firebreak's comments.

/** GitHub's comment and PR body limit. */
export const GITHUB_BODY_LIMIT = 65_536;

const MENTION = /(^|[^\w`])@(?=[A-Za-z0-9])/g;

/**
 * An `@name` copied from an issue must not notify anyone when firebreak posts it: a zero-width
 * space after the `@` keeps it readable but breaks GitHub's mention (the same trick Renovate uses).
 */
export function neutralizeMentions(text: string): string {
  return text.replace(MENTION, "$1@&#8203;");
}

/** One line of user text for inline use: no newlines, no HTML, no pings, bounded length. */
export function inlineText(text: string, maxLength = 200): string {
  const oneLine = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const clipped = oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
  return neutralizeMentions(clipped.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/** Inline text for a markdown table cell. */
export function cellText(text: string, maxLength = 200): string {
  return inlineText(text, maxLength).replace(/\|/g, "\\|");
}

/** A login shown without notifying its owner. */
export function quietLogin(login: string | null): string {
  return login ? `@&#8203;${login}` : "someone";
}
