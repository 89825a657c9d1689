// Stage markers: where the load changed stage (a stress step, the spike, the
// recovery), drawn as a dashed vertical line with its label on every chart, so
// all six read against the same moments of the run.

import type { Chart, Plugin } from 'chart.js';

export interface StageMarker {
  /** Seconds since the run started. */
  x: number;
  label: string;
}

/** Markers stay few: a long stress ladder keeps its newest ones. */
export const MAX_MARKERS = 60;

/** Appends a marker when `stage` differs from the last one; returns true when it did. */
export function addMarker(markers: StageMarker[], x: number, stage: string | undefined): boolean {
  if (!stage || markers[markers.length - 1]?.label === stage) return false;
  markers.push({ x, label: stage });
  if (markers.length > MAX_MARKERS) markers.splice(0, markers.length - MAX_MARKERS);
  return true;
}

/** A chart.js plugin reading the markers (and the colour) at draw time. */
export function stageMarkerPlugin(markers: () => readonly StageMarker[], color: () => string): Plugin<'line'> {
  return {
    id: 'hotpathStageMarkers',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !area) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = color();
      ctx.fillStyle = color();
      ctx.globalAlpha = 0.7;
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 1;
      ctx.font = '10px sans-serif';
      // The first stage starts with the load: its line would sit on the axis.
      for (const m of markers().slice(1)) {
        const px = x.getPixelForValue(m.x);
        if (px < area.left || px > area.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(m.label.length > 24 ? `${m.label.slice(0, 23)}…` : m.label, px + 3, area.top + 10);
      }
      ctx.restore();
    },
  };
}
