/**
 * Making scenario text safe in every output. Names, descriptions, paths, header values and
 * threshold text are the user's (or a hostile file's), and they reach terminals, CI logs, PR
 * comments, browsers and XML parsers: they must always show as text and never act as markup,
 * terminal control sequences or fake log lines, and an XML file must stay well-formed whatever
 * they hold. Every renderer, the live view and the progress lines go through this module.
 */

const MARKUP_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML and XML text and attribute values alike (see escapeXml for XML's forbidden characters). */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c]);
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\x1b`, `\n`, `\u202e`, `\ud800`: what a character that must not appear raw is shown as. */
function visibleEscape(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED_ESCAPES[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

// Lone surrogates are matched code unit by code unit (no `u` flag): a high one not followed by a
// low one, a low one not preceded by a high one. A valid pair (an emoji) is left alone.
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

/**
 * Characters that never reach an output raw: C0 and C1 controls (ESC starts terminal sequences,
 * CR rewrites a line, LF forges one), DEL, the Unicode line separators, the bidirectional
 * overrides and isolates ("Trojan Source"), the non-characters U+FFFE/U+FFFF and lone surrogates.
 */
const UNSAFE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufffe\\uffff]|${LONE_SURROGATE}`, 'g');

/** Characters XML 1.0 forbids anywhere in a document (tab, LF and CR are allowed). */
const XML_FORBIDDEN = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]|${LONE_SURROGATE}`, 'g');

/** One line of text safe for a terminal, a log or a table cell: every unsafe character becomes a visible escape. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** For XML text and attributes: well-formed for any input; line breaks (JUnit's system-out) are kept. */
export function escapeXml(text: string): string {
  return escapeMarkup(text.replace(XML_FORBIDDEN, visibleEscape));
}

/**
 * A copy of `value` in which every string, object key included, is visibleText: applied to a
 * whole run (or event) before rendering, so that text built from it — the advisor's evidence,
 * the gate's notes, an error class — is as safe as the names themselves, whichever field it
 * came from. Numbers, booleans and null pass through; only plain objects and arrays are walked.
 */
export function displaySafe<T>(value: T): T {
  if (typeof value === 'string') return visibleText(value) as T;
  if (Array.isArray(value)) return value.map(displaySafe) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [visibleText(key), displaySafe(v)])) as T;
  }
  return value;
}

/**
 * A run made safe for display (displaySafe), except that the scenario's description is prose:
 * its line breaks (a YAML block scalar's) are layout, folded into spaces rather than shown as `\n`.
 */
export function displaySafeRun<R extends { scenario: { description?: string } }>(result: R): R {
  const safe = displaySafe(result);
  const description = result.scenario.description;
  if (description !== undefined) safe.scenario.description = visibleText(description.replace(/\s+/g, ' ').trim());
  return safe;
}

/**
 * For Markdown: HTML is neutralised (GitHub renders inline tags), Markdown syntax is
 * backslash-escaped, a pipe cannot end a table cell, and control characters show as escapes.
 */
export function escapeMarkdown(text: string): string {
  return escapeMarkup(visibleText(text)).replace(/[\\`*_[\]{}#|~]/g, (c) => `\\${c}`);
}

/** A Markdown code span (`text`), safe in a table cell; plain escaped text if `text` has a backtick of its own. */
export function markdownCode(text: string): string {
  const safe = visibleText(text);
  return safe.includes('`') ? escapeMarkdown(safe) : `\`${safe.replace(/\|/g, '\\|')}\``;
}

/** JSON that is safe inside a `<script>` element: no `</script>`, no `<!--`. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
