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

/**
 * The first `length` UTF-16 units of `text`, one fewer rather than half of an emoji or other
 * character outside the BMP: a lone surrogate is not valid UTF-8, and GitHub refuses or mangles it.
 */
export function sliceText(text: string, length: number): string {
  const end = Math.max(0, length);
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/**
 * Bidirectional controls reorder how the rest of a line is shown (so `‮gnp.exe` reads `exe.png`);
 * zero-width spaces, word joiners and byte-order marks show nothing. Echoed text keeps neither.
 */
const DECEPTIVE = /[\u200B\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** One line of user text for inline use: no newlines, no HTML, no pings, bounded length. */
export function inlineText(text: string, maxLength = 200): string {
  const oneLine = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(DECEPTIVE, "")
    .replace(/\s+/g, " ")
    .trim();
  const clipped = oneLine.length > maxLength ? `${sliceText(oneLine, maxLength - 1)}…` : oneLine;
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

/**
 * Whether an HTML comment (which GitHub does not show) is still open at the end of a line, given
 * whether one was open at its start. Inline code is left out: `<!--` written there is shown.
 */
export function commentOpenAfter(line: string, open: boolean): boolean {
  if (!open && !line.includes("<!--")) return false;
  const shown = line.replace(/`[^`]*`/g, "");
  let at = 0;
  let inside = open;
  for (;;) {
    if (inside) {
      const close = shown.indexOf("-->", at);
      if (close === -1) return true;
      inside = false;
      at = close + 3;
    } else {
      const start = shown.indexOf("<!--", at);
      if (start === -1) return false;
      inside = true;
      at = start + 4;
    }
  }
}
