// Chart colours come from the VS Code theme. The theme can change while the
// panel is open: VS Code then swaps the body class and the CSS variables on
// <html>, and the charts re-read them.

export interface Theme {
  foreground: string;
  border: string;
  fontFamily: string;
  blue: string;
  red: string;
  yellow: string;
  green: string;
  orange: string;
  purple: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const foreground = cssVar(style, '--vscode-editor-foreground', cssVar(style, '--vscode-foreground', '#888888'));
  return {
    foreground,
    border: cssVar(style, '--vscode-panel-border', withAlpha(foreground, 0.25)),
    fontFamily: cssVar(style, '--vscode-font-family', 'sans-serif'),
    blue: cssVar(style, '--vscode-charts-blue', '#3794ff'),
    red: cssVar(style, '--vscode-charts-red', '#f14c4c'),
    yellow: cssVar(style, '--vscode-charts-yellow', '#cca700'),
    green: cssVar(style, '--vscode-charts-green', '#89d185'),
    orange: cssVar(style, '--vscode-charts-orange', '#d18616'),
    purple: cssVar(style, '--vscode-charts-purple', '#b180d7'),
  };
}

/** Calls `onChange` (coalesced) whenever the body class or the variables on <html> change. */
export function watchTheme(onChange: () => void): () => void {
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      onChange();
    }, 0);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

/** `#rgb`, `#rrggbb` or `#rrggbbaa` at the given opacity; any other colour form comes back unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (!hex) return color;
  let digits = hex[1];
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join('');
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16));
  const base = digits.length === 8 ? parseInt(digits.slice(6, 8), 16) / 255 : 1;
  return `rgba(${r}, ${g}, ${b}, ${Math.round(base * alpha * 1000) / 1000})`;
}
