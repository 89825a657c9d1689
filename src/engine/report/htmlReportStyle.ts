// The HTML report's stylesheet, inlined into the page under a CSP hash. Light
// and dark follow the reader's system setting; chart and flame colours come
// from the same variables, so both themes stay legible.

export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --fg: #1b1f24; --muted: #5c6570; --border: #e1e4e8; --subtle: #f0f2f5;
  --accent: #2f6feb; --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --neutral-bg: #eaeef2;
  --c1: #2f6feb; --c2: #1a7f37; --c3: #d4700a; --c4: #cf222e; --c5: #8250df;
  --user: #f08a5d; --library: #e6b325; --node: #7cb8d6; --native: #b4bac2; --gc: #c7a4e0;
  --grid: #e9ecef; --tick: #6b7480;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --card: #161b22; --fg: #e6edf3; --muted: #9198a1; --border: #2d333b; --subtle: #1c2128;
    --accent: #4493f8; --pass: #3fb950; --pass-bg: #12261e; --fail: #f85149; --fail-bg: #2d1517;
    --warn: #d29922; --warn-bg: #272115; --neutral-bg: #21262d;
    --c1: #4493f8; --c2: #3fb950; --c3: #f0883e; --c4: #f85149; --c5: #a371f7;
    --user: #c8643a; --library: #b08a1e; --node: #3f7f9c; --native: #5b636d; --gc: #7d5a99;
    --grid: #262c34; --tick: #8b949e;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
header.report-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 8px 24px; margin-bottom: 18px; }
.brand { font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); margin: 0 0 2px; }
h1 { font-size: 26px; line-height: 1.25; margin: 0; word-break: break-word; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); font-weight: 600; }
.meta { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.meta code { font-size: 12px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.verdict { display: flex; align-items: flex-start; gap: 12px; padding: 14px 16px; border-radius: 10px; border: 1px solid var(--border); margin-bottom: 18px; }
.verdict .icon { flex: none; width: 28px; height: 28px; border-radius: 50%; display: grid; place-items: center; font-weight: 700; color: #fff; }
.verdict strong { font-size: 15px; }
.verdict p { margin: 2px 0 0; }
.verdict.passed { background: var(--pass-bg); border-color: color-mix(in srgb, var(--pass) 35%, transparent); }
.verdict.passed .icon { background: var(--pass); }
.verdict.failed, .verdict.error { background: var(--fail-bg); border-color: color-mix(in srgb, var(--fail) 35%, transparent); }
.verdict.failed .icon, .verdict.error .icon { background: var(--fail); }
.verdict.cancelled { background: var(--warn-bg); border-color: color-mix(in srgb, var(--warn) 35%, transparent); }
.verdict.cancelled .icon { background: var(--warn); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(132px, 1fr)); gap: 10px; margin-bottom: 18px; }
.tile { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 10px 14px; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile .v { font-size: 21px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tile .v small { font-size: 13px; font-weight: 500; color: var(--muted); margin-left: 2px; }
section.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 16px 18px; margin-bottom: 16px; }
.empty { color: var(--muted); font-style: italic; margin: 0; }
p.lead { margin: 0 0 12px; }
.score-value { font-size: 1.6em; font-variant-numeric: tabular-nums; }
p.question { font-style: italic; color: var(--muted); margin: 0 0 10px; }
p.warning { color: var(--warn); margin: 8px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); background: var(--subtle); }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover td { background: var(--subtle); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.wrap { word-break: break-all; }
code.sql { display: inline-block; max-width: 46em; white-space: pre-wrap; word-break: break-word; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.pill.pass { color: var(--pass); background: var(--pass-bg); }
.pill.fail { color: var(--fail); background: var(--fail-bg); }
.pill.info { color: var(--accent); background: var(--neutral-bg); }
.pill.warning { color: var(--warn); background: var(--warn-bg); }
.pill.error { color: var(--fail); background: var(--fail-bg); }
.over { color: var(--fail); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
.chart-box { position: relative; }
.chart-box h3 { margin-top: 0; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; }
svg.chart .axis, svg.chart .tick-mark { stroke: var(--tick); stroke-width: 1; }
svg.chart text { fill: var(--tick); font-size: 11px; font-family: inherit; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart circle.series, svg.chart .dot { stroke: var(--card); stroke-width: 1.5; }
svg.chart .crosshair { stroke: var(--tick); stroke-dasharray: 3 3; }
.c1 { stroke: var(--c1); } .c2 { stroke: var(--c2); } .c3 { stroke: var(--c3); } .c4 { stroke: var(--c4); } .c5 { stroke: var(--c5); }
circle.c1, .swatch.c1 { fill: var(--c1); background: var(--c1); } circle.c2, .swatch.c2 { fill: var(--c2); background: var(--c2); }
circle.c3, .swatch.c3 { fill: var(--c3); background: var(--c3); } circle.c4, .swatch.c4 { fill: var(--c4); background: var(--c4); }
circle.c5, .swatch.c5 { fill: var(--c5); background: var(--c5); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin: 4px 0 0; padding: 0; list-style: none; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.swatch.user { background: var(--user); } .swatch.library { background: var(--library); } .swatch.node { background: var(--node); }
.swatch.native { background: var(--native); } .swatch.gc { background: var(--gc); } .swatch.program { background: var(--native); }
svg.busy-bar { display: block; width: 100%; height: 14px; border-radius: 4px; margin: 4px 0 6px; }
svg.busy-bar .user { fill: var(--user); } svg.busy-bar .library { fill: var(--library); } svg.busy-bar .node { fill: var(--node); }
svg.busy-bar .native, svg.busy-bar .program { fill: var(--native); } svg.busy-bar .gc { fill: var(--gc); }
.chart-tip, .flame-tip { position: absolute; top: 28px; z-index: 2; pointer-events: none; background: var(--card); color: var(--fg); border: 1px solid var(--border); border-radius: 8px; padding: 6px 10px; font-size: 12px; box-shadow: 0 6px 18px rgba(0,0,0,.16); max-width: 420px; }
.chart-tip-title { font-weight: 600; margin-bottom: 2px; }
.chart-tip-row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.chart-tip-row b { margin-left: auto; padding-left: 10px; font-variant-numeric: tabular-nums; }
.flame-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin-bottom: 8px; }
.flame-tools input { font: inherit; padding: 4px 8px; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); color: var(--fg); min-width: 280px; }
.flame-tools button, .crumb { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--subtle); color: var(--fg); cursor: pointer; }
.flame-tools button:disabled { opacity: .5; cursor: default; }
.crumbs { font-size: 12px; color: var(--muted); min-height: 24px; margin-bottom: 6px; display: flex; flex-wrap: wrap; align-items: center; gap: 2px; }
.crumb { padding: 1px 6px; border: 0; background: transparent; color: var(--accent); }
.flame-wrap { position: relative; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--card); }
#flame-canvas { display: block; width: 100%; outline: none; }
#flame-canvas:focus-visible { box-shadow: inset 0 0 0 2px var(--accent); }
.flame-tip-name { font-family: var(--mono); font-weight: 600; word-break: break-all; }
.flame-tip-loc { font-family: var(--mono); color: var(--muted); word-break: break-all; }
.flame-tip-cat { color: var(--muted); text-transform: capitalize; }
ul.findings { list-style: none; margin: 0; padding: 0; }
ul.findings li { display: flex; gap: 10px; align-items: baseline; padding: 8px 0; border-bottom: 1px solid var(--border); }
ul.findings li:last-child { border-bottom: 0; }
ul.findings .kind { font-weight: 600; white-space: nowrap; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.env dt { color: var(--muted); }
dl.env dd { margin: 0; word-break: break-word; }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
.noscript { color: var(--muted); font-size: 12px; }
@media print {
  html, section.card, .tile { background: #fff; }
  section.card { break-inside: avoid; }
  .flame-tools { display: none; }
}
`;
