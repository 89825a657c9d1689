// Escaping for everything a report writes from a run: HTML text and attribute
// values, XML (which also cannot hold most control characters, even escaped),
// and JSON placed inside a <script> data block.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (ch) => entities[ch]);
}

// XML 1.0 allows tab, LF, CR and everything from U+0020 up except lone
// surrogates and U+FFFE/U+FFFF.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** For XML (and SVG) text and attribute values; characters XML cannot carry become U+FFFD. */
export function escapeXml(text: string): string {
  return String(text).replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (ch) => (ch === "'" ? '&apos;' : entities[ch]));
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as
 * \u003c so no value can close the element or open a comment, and the line
 * separators JavaScript once disallowed are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
