// Document text inside Markdown we render as trusted (hovers may run our own command links): every string that
// comes from the user's file goes through one of these, so it shows as written and can never become a link,
// an image, HTML, a theme icon or a table cell. No `vscode` import: the unit tests run it in plain Node.

/** Every ASCII punctuation character: CommonMark lets a backslash escape each of them, and nothing else is syntax. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Line breaks would end a table row or a list item; the hover shows them as spaces. */
function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/** Plain text for Markdown: renders exactly as written (no link, emphasis, autolink, `$(icon)` or HTML). */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replace(ASCII_PUNCTUATION, '\\$&');
}

/**
 * Text as an inline code span. Inside a code span Markdown interprets nothing, so the only way out is a run of
 * backticks as long as the fence: the fence is one longer than the longest run in the text.
 */
export function markdownCode(text: string): string {
  const flat = oneLine(text);
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick (or is blank) needs a space of padding, which Markdown strips again.
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.trim() === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Plain text for a label that renders `$(name)` as an icon (CodeLens titles, status bar): the icon syntax is escaped. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
