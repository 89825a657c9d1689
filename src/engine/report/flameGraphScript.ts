// The report page's flame graph: drawn on a canvas from the embedded data
// (flameGraphData.ts), callers above callees, with a tooltip, click to zoom,
// breadcrumbs, Escape to reset and a highlight search. Inlined into the page
// through Function.prototype.toString (htmlReportScript.ts), so it uses nothing
// outside its own body; names reach the page only as canvas text or textContent.

/* eslint-disable @typescript-eslint/no-explicit-any */

export function flameGraph(): void {
  const win: any = globalThis;
  const doc: any = win.document;

  type FlameNode = [number, number, number, FlameNode[]];
  interface Frame {
    name: string;
    file: string;
    line: number;
    category: string;
  }
  const dataEl = doc.getElementById('hotpath-data');
  const flame: { frames: Frame[]; root: FlameNode; totalUs: number } | null = dataEl ? JSON.parse(dataEl.textContent).flame : null;

  const fmtMs = (us: number): string => {
    const ms = us / 1000;
    return ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : ms >= 10 ? ms.toFixed(0) + ' ms' : ms.toFixed(2) + ' ms';
  };
  const el = (tag: string, cls: string, text?: string): any => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const canvas = doc.getElementById('flame-canvas');
  if (flame && canvas) {
    const ROW = 18;
    const wrap = canvas.parentNode;
    const tip = el('div', 'flame-tip');
    tip.hidden = true;
    wrap.appendChild(tip);
    const crumbs = doc.getElementById('flame-crumbs');
    const reset = doc.getElementById('flame-reset');
    const search = doc.getElementById('flame-search');
    const ctx = canvas.getContext('2d');
    const dark = win.matchMedia ? win.matchMedia('(prefers-color-scheme: dark)') : null;

    // Parent links and depth, computed once.
    const parent = new Map<FlameNode, FlameNode | null>();
    let maxDepth = 0;
    const walk: Array<[FlameNode, number]> = [[flame.root, 0]];
    parent.set(flame.root, null);
    while (walk.length) {
      const [n, d] = walk.pop()!;
      if (d > maxDepth) maxDepth = d;
      for (const c of n[3]) {
        parent.set(c, n);
        walk.push([c, d + 1]);
      }
    }

    let focus: FlameNode = flame.root;
    let hover: FlameNode | null = null;
    let query = '';
    let boxes: Array<{ n: FlameNode; x: number; y: number; w: number }> = [];

    const hash = (s: string) => {
      let h = 0;
      for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
      return Math.abs(h);
    };
    const colour = (f: Frame): string => {
      const isDark = !!(dark && dark.matches);
      const v = hash(f.name) % 12;
      switch (f.category) {
        case 'user':
          return isDark ? `hsl(${14 + v * 2}, 70%, ${44 + (v % 4) * 3}%)` : `hsl(${14 + v * 2}, 85%, ${62 + (v % 4) * 3}%)`;
        case 'library':
          return isDark ? `hsl(${42 + v}, 60%, ${38 + (v % 4) * 3}%)` : `hsl(${42 + v}, 85%, ${60 + (v % 4) * 3}%)`;
        case 'node':
          return isDark ? `hsl(${196 + v}, 45%, ${36 + (v % 4) * 3}%)` : `hsl(${196 + v}, 60%, ${70 + (v % 4) * 3}%)`;
        case 'gc':
          return isDark ? 'hsl(280, 35%, 42%)' : 'hsl(280, 45%, 76%)';
        case 'root':
          return isDark ? 'hsl(220, 8%, 32%)' : 'hsl(220, 10%, 82%)';
        default:
          return isDark ? `hsl(220, 8%, ${30 + (v % 4) * 3}%)` : `hsl(220, 8%, ${76 + (v % 4) * 3}%)`;
      }
    };
    const label = (f: Frame) => (f.category === 'root' ? 'all busy time' : f.name);
    const location = (f: Frame) => (f.file ? f.file + (f.line ? ':' + f.line : '') : '');

    const depthOf = (n: FlameNode) => {
      let d = 0;
      for (let x = parent.get(n); x; x = parent.get(x)) d++;
      return d;
    };

    const draw = () => {
      const width = Math.max(200, wrap.clientWidth);
      const focusDepth = depthOf(focus);
      const rows = maxDepth + 1;
      const height = rows * ROW;
      const dpr = win.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
      ctx.textBaseline = 'middle';
      const isDark = !!(dark && dark.matches);
      boxes = [];
      const scale = width / Math.max(1, focus[1]);
      // Ancestors of the focused frame span the full width, dimmed.
      const chain: FlameNode[] = [];
      for (let x = parent.get(focus); x; x = parent.get(x) || null) chain.unshift(x);
      chain.forEach((n, d) => boxes.push({ n, x: 0, y: d * ROW, w: width }));
      const stack: Array<[FlameNode, number, number]> = [[focus, 0, focusDepth]];
      while (stack.length) {
        const [n, x0, d] = stack.pop()!;
        const w = n[1] * scale;
        if (w < 0.5) continue;
        boxes.push({ n, x: x0, y: d * ROW, w });
        let cx = x0;
        for (const c of n[3]) {
          stack.push([c, cx, d + 1]);
          cx += c[1] * scale;
        }
      }
      for (const b of boxes) {
        const f = flame.frames[b.n[0]];
        const dimmed = (query && !(label(f) + ' ' + f.file).toLowerCase().includes(query)) || chain.includes(b.n);
        ctx.globalAlpha = dimmed ? 0.35 : 1;
        ctx.fillStyle = colour(f);
        ctx.fillRect(b.x, b.y, Math.max(0.5, b.w - 1), ROW - 1);
        if (b.n === hover) {
          ctx.globalAlpha = 1;
          ctx.strokeStyle = isDark ? '#ffffff' : '#1b1f24';
          ctx.lineWidth = 1.5;
          ctx.strokeRect(b.x + 0.75, b.y + 0.75, Math.max(0.5, b.w - 2.5), ROW - 2.5);
        }
        if (b.w > 28) {
          ctx.globalAlpha = dimmed ? 0.55 : 1;
          ctx.fillStyle = isDark ? '#f3f4f6' : '#111418';
          let text = label(f);
          const max = b.w - 8;
          if (ctx.measureText(text).width > max) {
            let lo = 0;
            let hi = text.length;
            while (lo < hi) {
              const mid = (lo + hi + 1) >> 1;
              if (ctx.measureText(text.slice(0, mid) + '…').width <= max) lo = mid;
              else hi = mid - 1;
            }
            text = lo > 0 ? text.slice(0, lo) + '…' : '';
          }
          if (text) ctx.fillText(text, b.x + 4, b.y + ROW / 2);
        }
      }
      ctx.globalAlpha = 1;
      canvas.setAttribute('data-drawn', String(boxes.length));
      if (crumbs) {
        crumbs.textContent = '';
        const path: FlameNode[] = [];
        for (let x: FlameNode | null = focus; x; x = parent.get(x) || null) path.unshift(x);
        path.forEach((n, i) => {
          if (i) crumbs.appendChild(el('span', 'sep', ' › '));
          const b = el('button', 'crumb', label(flame.frames[n[0]]));
          b.type = 'button';
          b.addEventListener('click', () => zoom(n));
          crumbs.appendChild(b);
        });
      }
      if (reset) reset.disabled = focus === flame.root;
    };

    const zoom = (n: FlameNode) => {
      focus = n;
      hover = null;
      tip.hidden = true;
      draw();
    };
    const hit = (e: any): { n: FlameNode; x: number; y: number; w: number } | null => {
      const r = canvas.getBoundingClientRect();
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      for (let i = boxes.length - 1; i >= 0; i--) {
        const b = boxes[i];
        if (px >= b.x && px < b.x + b.w && py >= b.y && py < b.y + ROW) return b;
      }
      return null;
    };
    canvas.addEventListener('pointermove', (e: any) => {
      const b = hit(e);
      const n = b ? b.n : null;
      if (n !== hover) {
        hover = n;
        draw();
      }
      if (!b) {
        tip.hidden = true;
        return;
      }
      const f = flame.frames[b.n[0]];
      tip.textContent = '';
      tip.appendChild(el('div', 'flame-tip-name', label(f)));
      const loc = location(f);
      if (loc) tip.appendChild(el('div', 'flame-tip-loc', loc));
      const pct = (b.n[1] / Math.max(1, flame.totalUs)) * 100;
      tip.appendChild(el('div', '', 'Total ' + fmtMs(b.n[1]) + ' (' + pct.toFixed(pct < 10 ? 2 : 1) + '% of busy time)'));
      tip.appendChild(el('div', '', 'Self ' + fmtMs(b.n[2])));
      tip.appendChild(el('div', 'flame-tip-cat', f.category));
      tip.hidden = false;
      const wr = wrap.getBoundingClientRect();
      const px = e.clientX - wr.left;
      const py = e.clientY - wr.top;
      const right = px > wr.width * 0.6;
      tip.style.left = right ? '' : px + 14 + 'px';
      tip.style.right = right ? wr.width - px + 14 + 'px' : '';
      tip.style.top = py + 16 + 'px';
      canvas.style.cursor = 'pointer';
    });
    canvas.addEventListener('pointerleave', () => {
      hover = null;
      tip.hidden = true;
      draw();
    });
    canvas.addEventListener('click', (e: any) => {
      const b = hit(e);
      // Clicking the focused frame steps out; any other frame (a dimmed ancestor or a descendant) becomes the focus.
      if (b) zoom(b.n === focus ? parent.get(focus) || flame.root : b.n);
    });
    canvas.addEventListener('keydown', (e: any) => {
      if (e.key === 'Escape') zoom(flame.root);
    });
    if (reset) reset.addEventListener('click', () => zoom(flame.root));
    if (search) {
      search.addEventListener('input', () => {
        query = String(search.value || '').trim().toLowerCase();
        draw();
      });
    }
    let pending = false;
    const redraw = () => {
      if (pending) return;
      pending = true;
      win.requestAnimationFrame(() => {
        pending = false;
        draw();
      });
    };
    win.addEventListener('resize', redraw);
    if (dark && dark.addEventListener) dark.addEventListener('change', redraw);
    draw();
  }
}
