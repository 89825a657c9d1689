// The HTML shell every Hotpath webview is served in. Kept free of `vscode` so
// the exact document (and its Content-Security-Policy) can be exercised in a
// plain browser by the unit tests.

import { randomBytes } from 'node:crypto';

export interface WebviewHtmlParts {
  /** `webview.cspSource`: the origin that serves the extension's local resources. */
  cspSource: string;
  /** From `nonce()`; a fresh one for every document. */
  nonce: string;
  /** Result of `asWebviewUri`, as a string. */
  scriptUri: string;
  styleUris: readonly string[];
  title: string;
  /** Trusted markup written by the caller; anything from a run must already be escaped. */
  bodyHtml: string;
}

/** A random value for the CSP `script-src 'nonce-…'` source, from the OS CSPRNG. */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => htmlEscapes[ch]);
}

/**
 * The policy: nothing by default; scripts only with this document's nonce (so
 * no inline handlers and no injected markup can run); styles, images and fonts
 * only from the extension's own files. Chart.js sizes canvases through the
 * CSSOM (`element.style.x = …`), which `style-src` does not restrict.
 */
export function contentSecurityPolicy(cspSource: string, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${scriptNonce}'`,
    `font-src ${cspSource}`,
  ].join('; ') + ';';
}

/** For a double-quoted attribute whose value legitimately holds single quotes (the CSP's 'none', 'nonce-…'). */
function escapeDoubleQuotedAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => htmlEscapes[ch]);
}

export function renderWebviewHtml(parts: WebviewHtmlParts): string {
  const n = escapeHtml(parts.nonce);
  const styles = parts.styleUris
    .map((uri) => `    <link rel="stylesheet" href="${escapeHtml(uri)}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeDoubleQuotedAttribute(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeHtml(parts.title)}</title>
  </head>
  <body>
${parts.bodyHtml}
    <script nonce="${n}" src="${escapeHtml(parts.scriptUri)}"></script>
  </body>
</html>
`;
}
