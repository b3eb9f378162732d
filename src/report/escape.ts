/**
 * Escaping for every output format. Scenario text (names, descriptions, paths, headers) is the
 * user's, and a report is opened in browsers and PR comments: it must always show as text.
 */

const MARKUP_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML and XML text and attribute values alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c]);
}

/**
 * For Markdown table cells: HTML is neutralised (GitHub renders inline tags), Markdown syntax
 * is backslash-escaped, and a pipe cannot end the cell.
 */
export function escapeMarkdown(text: string): string {
  return escapeMarkup(text)
    .replace(/[\\`*_[\]{}#|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** JSON that is safe inside a `<script>` element: no `</script>`, no `<!--`. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
