// A time series that never grows past a fixed number of points. When it is
// full, the older half is thinned by min/max decimation, so recent data stays
// at full resolution, older data gets coarser, and spikes are never lost.

export interface Point {
  x: number;
  y: number;
}

export const defaultMaxPoints = 1800;

export class BoundedSeries {
  /** Sorted by x. Handed to chart.js as is (`parsing: false`). */
  readonly points: Point[] = [];

  constructor(private readonly maxPoints = defaultMaxPoints) {
    if (maxPoints < 8) throw new RangeError('A bounded series needs room for at least 8 points.');
  }

  push(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const last = this.points[this.points.length - 1];
    if (last && x < last.x) return; // out of order: a late duplicate, not new data
    this.points.push({ x, y });
    if (this.points.length > this.maxPoints) this.compact();
  }

  get last(): Point | undefined {
    return this.points[this.points.length - 1];
  }

  clear(): void {
    this.points.length = 0;
  }

  /** Flat [x0, y0, x1, y1, …], for `vscode.setState`. */
  toFlat(): number[] {
    const flat: number[] = [];
    for (const p of this.points) flat.push(p.x, p.y);
    return flat;
  }

  loadFlat(flat: readonly unknown[]): void {
    this.clear();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const x = flat[i];
      const y = flat[i + 1];
      if (typeof x === 'number' && typeof y === 'number') this.push(x, y);
    }
  }

  private compact(): void {
    const half = Math.floor(this.points.length / 2);
    const thinned = decimateMinMax(this.points.slice(0, half), 4);
    this.points.splice(0, half, ...thinned);
  }
}

/**
 * Splits `points` into buckets of `bucketSize` and keeps each bucket's lowest
 * and highest point, in their original order (one point if they coincide).
 */
export function decimateMinMax(points: readonly Point[], bucketSize: number): Point[] {
  const out: Point[] = [];
  for (let start = 0; start < points.length; start += bucketSize) {
    const end = Math.min(start + bucketSize, points.length);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
    }
    if (lo === hi) out.push(points[lo]);
    else if (lo < hi) out.push(points[lo], points[hi]);
    else out.push(points[hi], points[lo]);
  }
  return out;
}
