// Maps generated JavaScript positions back to original sources through source
// maps (`//# sourceMappingURL=` as a file or an inline data: URL), so run.json
// points at `src/orders.ts:42`, not `dist/orders.js:97`.
//
// A small VLQ decoder of our own: maps are read once per file, lazily, and
// looked up by binary search; no dependency, no WebAssembly.

import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

export interface OriginalPosition {
  /** Absolute path of the original source. */
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  name?: string;
}

interface RawSourceMap {
  version: number;
  sources: string[];
  sourceRoot?: string;
  names?: string[];
  mappings: string;
  sections?: unknown;
}

/** Segments of one generated line: [genColumn, sourceIndex, origLine, origColumn, nameIndex?], 0-based. */
type Segment = number[];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let genCol = 0;
  let src = 0;
  let origLine = 0;
  let origCol = 0;
  let name = 0;
  let i = 0;
  const n = mappings.length;
  const values: number[] = [];
  while (i < n) {
    const c = mappings.charCodeAt(i);
    if (c === 59 /* ; */) {
      lines.push(line);
      line = [];
      genCol = 0;
      i++;
      continue;
    }
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    values.length = 0;
    while (i < n) {
      const ch = mappings.charCodeAt(i);
      if (ch === 44 || ch === 59) break;
      let result = 0;
      let shift = 0;
      let digit: number;
      do {
        digit = B64_VALUE[mappings.charCodeAt(i++)] ?? -1;
        if (digit < 0) throw new Error('invalid base64 VLQ in mappings');
        result += (digit & 31) << shift;
        shift += 5;
      } while (digit & 32);
      values.push(result & 1 ? -(result >>> 1) : result >>> 1);
    }
    genCol += values[0];
    if (values.length >= 4) {
      src += values[1];
      origLine += values[2];
      origCol += values[3];
      if (values.length >= 5) {
        name += values[4];
        line.push([genCol, src, origLine, origCol, name]);
      } else {
        line.push([genCol, src, origLine, origCol]);
      }
    }
  }
  lines.push(line);
  for (const l of lines) l.sort((a, b) => a[0] - b[0]);
  return lines;
}

class LoadedMap {
  private lines: Segment[][] | null = null;

  constructor(
    private readonly raw: RawSourceMap,
    private readonly sources: string[],
  ) {}

  /** 1-based line and column in, 1-based out; null where the map says nothing. */
  lookup(line: number, column: number): OriginalPosition | null {
    if (this.lines === null) {
      try {
        this.lines = decodeMappings(this.raw.mappings);
      } catch {
        this.lines = []; // a corrupt map maps nothing, rather than breaking the analysis
      }
    }
    const segments = this.lines[line - 1];
    if (!segments?.length) return null;
    const col = Math.max(0, column - 1);
    // Last segment starting at or before the column; else the line's first.
    let lo = 0;
    let hi = segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid][0] <= col) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const seg = segments[found < 0 ? 0 : found];
    const file = this.sources[seg[1]];
    if (!file) return null;
    return { file, line: seg[2] + 1, column: seg[3] + 1, ...(seg.length >= 5 && this.raw.names?.[seg[4]] ? { name: this.raw.names[seg[4]] } : {}) };
  }
}

const MAPPING_URL = /\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$/;

/** Reads and caches source maps per generated file; a file without a usable map maps to itself. */
export class SourceMapResolver {
  private readonly cache = new Map<string, LoadedMap | null>();

  /** Accepts absolute paths or file:// URLs. */
  resolve(fileOrUrl: string, line: number, column: number): OriginalPosition | null {
    const map = this.mapOf(fileOrUrl);
    return map ? map.lookup(line, column) : null;
  }

  /**
   * The lookup of one generated file (1-based line and column in, as
   * `resolve`), or null when it has no usable map: callers with many
   * positions in few files convert each URL once instead of per position.
   */
  mapFor(fileOrUrl: string): ((line: number, column: number) => OriginalPosition | null) | null {
    const map = this.mapOf(fileOrUrl);
    return map ? (line, column) => map.lookup(line, column) : null;
  }

  private mapOf(fileOrUrl: string): LoadedMap | null {
    const file = toPath(fileOrUrl);
    if (!file) return null;
    let map = this.cache.get(file);
    if (map === undefined) {
      map = load(file);
      this.cache.set(file, map);
    }
    return map;
  }
}

function toPath(fileOrUrl: string): string | null {
  if (fileOrUrl.startsWith('file://')) {
    try {
      return fileURLToPath(fileOrUrl);
    } catch {
      return null;
    }
  }
  return path.isAbsolute(fileOrUrl) ? fileOrUrl : null;
}

function load(file: string): LoadedMap | null {
  try {
    if (/[\\/]node_modules[\\/]/.test(file)) return null;
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 64 * 1024 * 1024) return null;
    // The comment is at the end: read the tail only.
    const fd = fs.openSync(file, 'r');
    const tailSize = Math.min(stat.size, 64 * 1024);
    const buffer = Buffer.alloc(tailSize);
    fs.readSync(fd, buffer, 0, tailSize, stat.size - tailSize);
    fs.closeSync(fd);
    const tail = buffer.toString('utf8').trimEnd();
    const lastLine = tail.slice(tail.lastIndexOf('\n') + 1);
    const match = MAPPING_URL.exec(lastLine);
    let rawText: string;
    let mapDir: string;
    if (match) {
      const url = match[1];
      if (url.startsWith('data:')) {
        const comma = url.indexOf(',');
        const meta = url.slice(5, comma);
        const data = url.slice(comma + 1);
        rawText = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
        mapDir = path.dirname(file);
      } else {
        const mapFile = path.resolve(path.dirname(file), decodeURIComponent(url));
        rawText = fs.readFileSync(mapFile, 'utf8');
        mapDir = path.dirname(mapFile);
      }
    } else if (fs.existsSync(`${file}.map`)) {
      rawText = fs.readFileSync(`${file}.map`, 'utf8');
      mapDir = path.dirname(file);
    } else {
      return null;
    }
    const raw = JSON.parse(rawText) as RawSourceMap;
    if (raw.version !== 3 || typeof raw.mappings !== 'string' || !Array.isArray(raw.sources) || raw.sections) return null;
    const root = raw.sourceRoot ?? '';
    const sources = raw.sources.map((s) => {
      const joined = root && !/^[a-z]+:/i.test(s) ? `${root.replace(/\/?$/, '/')}${s}` : s;
      if (joined.startsWith('file://')) return fileURLToPath(joined);
      if (/^[a-z][a-z0-9+.-]*:/i.test(joined)) return joined; // webpack://, etc.: kept as written
      return path.resolve(mapDir, joined);
    });
    return new LoadedMap(raw, sources);
  } catch {
    return null;
  }
}

export { pathToFileURL };
