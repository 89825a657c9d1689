// The HTML report's script, inlined into the page and allowed by its hash in
// the page's CSP. Each part is a function whose source is taken with
// Function.prototype.toString, so it must not refer to anything outside its own
// body (imports, module constants): the build may rename those, the page would
// not have them. The browser tests run both the tsc output and the minified CLI
// bundle to keep it that way.

import { chartHover } from './chartHoverScript';
import { flameGraph } from './flameGraphScript';

export function reportPageScript(): string {
  return [
    `(${chartHover.toString()})();`,
    `(${flameGraph.toString()})();`,
    "document.documentElement.setAttribute('data-ready','true');",
  ].join('\n');
}
