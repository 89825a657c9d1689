// Interns (id, line) pairs (a URL or file id and a line number) into dense
// indices, in the order they are first met: per-line times can then live in
// typed arrays, without a string key or an object per line. Lines are equal
// as their decimal text is (-0 is 0, NaN is NaN), as the string keys this
// replaces were.

import { float64s, int32s } from './profileTable';

export class LineKeys {
  private readonly idOf = int32s();
  private readonly lineOf = float64s();
  /** Open addressing: index + 1, 0 empty. */
  private slots = new Int32Array(1024);

  get count(): number {
    return this.idOf.length;
  }

  /** The index of (id, line), a new one (count - 1 afterwards) when not met before. */
  index(id: number, line: number): number {
    const ids = this.idOf;
    const lines = this.lineOf;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = hash(id, line) & mask; ; at = (at + 1) & mask) {
      const s = slots[at] - 1;
      if (s < 0) {
        const next = ids.length;
        ids.push(id);
        lines.push(line);
        slots[at] = next + 1;
        if ((next + 1) * 2 > slots.length) this.rehash();
        return next;
      }
      const l = lines.data[s];
      if (ids.data[s] === id && (l === line || (l !== l && line !== line))) return s;
    }
  }

  ids(): Int32Array {
    return this.idOf.view();
  }

  lines(): Float64Array {
    return this.lineOf.view();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let s = 0; s < this.idOf.length; s++) {
      let at = hash(this.idOf.data[s], this.lineOf.data[s]) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = s + 1;
    }
    this.slots = slots;
  }
}

function hash(id: number, line: number): number {
  // `line | 0`: equal lines hash alike (-0 and 0 both 0, NaN 0); fractions share a bucket chain.
  const h = Math.imul(id + 0x7f4a7c15, 0x85ebca6b) ^ Math.imul(line | 0, 0xc2b2ae35);
  return h ^ (h >>> 15);
}
