// Frame colours from the VS Code theme's CSS variables, so the graph follows
// dark, light and high-contrast themes. Each category gets a few shades
// (mixed towards the editor background) so neighbouring frames stay apart;
// text colour is picked per shade for contrast.

import { DIFF_STEPS } from './flameDiff';
import type { Category } from './flameModel';

export interface Palette {
  background: string;
  foreground: string;
  focus: string;
  /** Set in high-contrast themes: every frame gets an outline in it. */
  contrastBorder: string | null;
  fontFamily: string;
  /** [category][shade] fill colours; dimmed variants for search misses. */
  fills: Record<Category, string[]>;
  dimmed: Record<Category, string[]>;
  text: Record<Category, string[]>;
  /** Diff colours, index 0..2*DIFF_STEPS: slower (red) … unchanged … faster (blue). */
  diff: string[];
  diffText: string[];
}

export const SHADES = 4;

type Rgb = [number, number, number];

let probe: CanvasRenderingContext2D | null = null;
function toRgb(color: string, fallback: Rgb): Rgb {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe || !color) return fallback;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const v = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{6})$/i.exec(v);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as Rgb;
  const rgba = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(v);
  return rgba ? [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])] : fallback;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i] * (1 - t) + b[i] * t)) as Rgb;
}
const css = (c: Rgb) => `rgb(${c[0]},${c[1]},${c[2]})`;
const luminance = (c: Rgb) => (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const bg = toRgb(v('--vscode-editor-background'), [30, 30, 30]);
  const fg = v('--vscode-editor-foreground') || v('--vscode-foreground') || '#cccccc';
  const dark = luminance(bg) < 0.5;
  const base: Record<Category, Rgb> = {
    user: toRgb(v('--vscode-charts-orange'), [209, 134, 22]),
    library: toRgb(v('--vscode-charts-blue'), [55, 148, 255]),
    node: toRgb(v('--vscode-charts-green'), [137, 209, 133]),
    system: toRgb(v('--vscode-charts-purple'), [177, 128, 215]),
    root: toRgb(v('--vscode-descriptionForeground') || fg, [140, 140, 140]),
  };
  const fills = {} as Record<Category, string[]>;
  const dimmed = {} as Record<Category, string[]>;
  const text = {} as Record<Category, string[]>;
  for (const cat of Object.keys(base) as Category[]) {
    const shades: Rgb[] = [];
    for (let s = 0; s < SHADES; s++) shades.push(mix(base[cat], bg, (dark ? 0.12 : 0.05) + s * 0.1));
    fills[cat] = shades.map(css);
    dimmed[cat] = shades.map((c) => css(mix(c, bg, 0.78)));
    text[cat] = shades.map((c) => (luminance(c) > 0.55 ? '#000000' : '#ffffff'));
  }
  const red = toRgb(v('--vscode-charts-red'), [241, 76, 76]);
  const blue = toRgb(v('--vscode-charts-blue'), [55, 148, 255]);
  const neutral = mix(toRgb(fg, [200, 200, 200]), bg, 0.7);
  const diffRgb: Rgb[] = [];
  for (let i = 0; i <= 2 * DIFF_STEPS; i++) {
    const k = i - DIFF_STEPS; // negative: slower
    const strength = Math.abs(k) / DIFF_STEPS;
    diffRgb.push(k === 0 ? neutral : mix(neutral, k < 0 ? red : blue, 0.35 + 0.65 * strength));
  }
  const contrastBorder = v('--vscode-contrastBorder');
  return {
    background: css(bg),
    foreground: fg,
    focus: v('--vscode-focusBorder') || fg,
    contrastBorder: contrastBorder || null,
    fontFamily: v('--vscode-font-family') || 'sans-serif',
    fills,
    dimmed,
    text,
    diff: diffRgb.map(css),
    diffText: diffRgb.map((c) => (luminance(c) > 0.55 ? '#000000' : '#ffffff')),
  };
}
