// Reads a `.cpuprofile` from a byte stream into a ProfileTable without ever
// holding the file's text or an object per node: a JSON tokenizer over the
// bytes feeds a builder that knows the profile's shape (call frames interned,
// nodes, samples and time deltas into typed arrays). Memory grows with the
// nodes and samples; a string is kept only when the profile needs it
// (function names, URLs, keys) and never beyond `maxStringBytes`.
//
// Any malformed input stops the read with one sentence naming the file and
// the byte offset where it went wrong.

import * as fs from 'fs';
import { FrameTable, Growable, idLookup, int32s, float64s, treeProblem, type ProfileTable } from './profileTable';

export interface StreamLimits {
  /** Longest string kept (a function name or URL), in bytes. */
  maxStringBytes?: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth?: number;
}

export class ProfileFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ProfileFormatError';
  }
}

// Tokenizer states.
const VALUE = 0; // a value (after ':' or ',' in an array)
const VALUE_OR_END = 1; // after '['
const KEY = 2; // after ',' in an object
const KEY_OR_END = 3; // after '{'
const COLON = 4;
const COMMA_OR_END = 5; // after a value
const STRING = 6;
const ESCAPE = 7;
const UNICODE = 8;
const NUMBER = 9;
const LITERAL = 10;
const DONE = 11;

// Roles of containers.
const R_ROOT = 1;
const R_NODES = 2;
const R_NODE = 3;
const R_FRAME = 4;
const R_CHILDREN = 5;
const R_TICKS = 6;
const R_TICK = 7;
const R_SAMPLES = 8;
const R_DELTAS = 9;
const R_SKIP = 10;

// What the next value of an object is.
const F_SKIP = 0;
const F_NODES = 1;
const F_SAMPLES = 2;
const F_DELTAS = 3;
const F_START = 4;
const F_END = 5;
const F_ID = 6;
const F_FRAME = 7;
const F_HITS = 8;
const F_CHILDREN = 9;
const F_TICKS = 10;
const F_FN = 11;
const F_URL = 12;
const F_LINE = 13;
const F_COLUMN = 14;
const F_TICK_LINE = 15;
const F_TICK_TICKS = 16;

const ROOT_KEYS: Record<string, number> = { nodes: F_NODES, samples: F_SAMPLES, timeDeltas: F_DELTAS, startTime: F_START, endTime: F_END };
const NODE_KEYS: Record<string, number> = { id: F_ID, callFrame: F_FRAME, hitCount: F_HITS, children: F_CHILDREN, positionTicks: F_TICKS };
const FRAME_KEYS: Record<string, number> = { functionName: F_FN, url: F_URL, lineNumber: F_LINE, columnNumber: F_COLUMN };
const TICK_KEYS: Record<string, number> = { line: F_TICK_LINE, ticks: F_TICK_TICKS };

const FIELD_NAMES = ['', '"nodes"', '"samples"', '"timeDeltas"', '"startTime"', '"endTime"', 'a node\'s "id"', 'a node\'s "callFrame"', 'a node\'s "hitCount"', 'a node\'s "children"', 'a node\'s "positionTicks"', '"callFrame.functionName"', '"callFrame.url"', '"callFrame.lineNumber"', '"callFrame.columnNumber"', 'a position tick\'s "line"', 'a position tick\'s "ticks"'];
const FIELD_KIND = ['', 'an array', 'an array', 'an array', 'a number', 'a number', 'an integer', 'an object', 'a number', 'an array', 'an array', 'a string', 'a string', 'a number', 'a number', 'a number', 'a number'];

// The keys the profile format uses, recognised from their bytes without making a string.
const KEY_NAMES = [...new Set([...Object.keys(ROOT_KEYS), ...Object.keys(NODE_KEYS), ...Object.keys(FRAME_KEYS), ...Object.keys(TICK_KEYS), 'scriptId', 'codeType'])];
const KEY_BYTES = KEY_NAMES.map((k) => Buffer.from(k));
const KEYS_BY_LENGTH: number[][] = [];
KEY_NAMES.forEach((k, i) => (KEYS_BY_LENGTH[k.length] ??= []).push(i));
/** Field of each known key (KEY_NAMES index) in each role: KEY_FIELDS[role * KEY_NAMES.length + index]. */
const KEY_FIELDS = new Uint8Array((R_SKIP + 1) * KEY_NAMES.length);
for (const [role, table] of [[R_ROOT, ROOT_KEYS], [R_NODE, NODE_KEYS], [R_FRAME, FRAME_KEYS], [R_TICK, TICK_KEYS]] as const) {
  KEY_NAMES.forEach((k, i) => (KEY_FIELDS[role * KEY_NAMES.length + i] = Object.prototype.hasOwnProperty.call(table, k) ? table[k] : F_SKIP));
}

/** The index in KEY_NAMES of the key whose bytes these are, or -1. */
function knownKey(bytes: Buffer, from: number, to: number): number {
  const list = KEYS_BY_LENGTH[to - from];
  if (list === undefined) return -1;
  outer: for (let j = 0; j < list.length; j++) {
    const b = KEY_BYTES[list[j]];
    for (let i = 0; i < b.length; i++) if (b[i] !== bytes[from + i]) continue outer;
    return list[j];
  }
  return -1;
}

const NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const MAX_NUMBER_CHARS = 64;

/**
 * Names and URLs interned by their bytes: a hash over the raw bytes finds the
 * string id (FrameTable.stringId) of a byte sequence seen before, so a JS
 * string is made once per distinct name or URL, not once per node.
 */
class ByteStrings {
  private slots = new Int32Array(4096); // entry + 1, 0 empty
  private hashes = new Int32Array(1024);
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private ids = new Int32Array(1024);
  private count = 0;
  private store = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  id(chunk: Buffer, from: number, to: number, frames: FrameTable): number {
    let h = 0x811c9dc5 | 0;
    for (let k = from; k < to; k++) h = Math.imul(h ^ chunk[k], 0x01000193);
    const len = to - from;
    const slots = this.slots;
    const mask = slots.length - 1;
    const store = this.store;
    let at = (h ^ (h >>> 16)) & mask;
    for (;;) {
      const e = slots[at] - 1;
      if (e < 0) break;
      if (this.hashes[e] === h && this.lengths[e] === len) {
        const start = this.starts[e];
        let k = 0;
        while (k < len && store[start + k] === chunk[from + k]) k++;
        if (k === len) return this.ids[e];
      }
      at = (at + 1) & mask;
    }
    const id = frames.stringId(chunk.toString('utf8', from, to));
    this.add(chunk, from, to, h, id, at);
    return id;
  }

  private add(chunk: Buffer, from: number, to: number, h: number, id: number, at: number): void {
    const len = to - from;
    if (this.used + len > this.store.length) {
      const next = Buffer.allocUnsafe(Math.max(this.store.length * 2, this.used + len));
      this.store.copy(next, 0, 0, this.used);
      this.store = next;
    }
    chunk.copy(this.store, this.used, from, to);
    const e = this.count++;
    if (e === this.hashes.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.ids = grow(this.ids);
    }
    this.hashes[e] = h;
    this.starts[e] = this.used;
    this.lengths[e] = len;
    this.ids[e] = id;
    this.used += len;
    this.slots[at] = e + 1;
    if (this.count * 2 > this.slots.length) {
      const slots = new Int32Array(this.slots.length * 2);
      const mask = slots.length - 1;
      for (let i = 0; i < this.count; i++) {
        const hh = this.hashes[i];
        let a = (hh ^ (hh >>> 16)) & mask;
        while (slots[a] !== 0) a = (a + 1) & mask;
        slots[a] = i + 1;
      }
      this.slots = slots;
    }
  }
}

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

export class ProfileStreamParser {
  private readonly maxString: number;
  private readonly maxDepth: number;
  private base = 0; // offset of the current chunk in the file

  // Tokenizer.
  private state = VALUE;
  private depth = 0;
  private readonly kinds: Uint8Array; // 1 object, 2 array
  private readonly roles: Uint8Array;
  private strIsKey = false;
  private strKeep = false;
  private strEscaped = false;
  private strStart = 0; // offset in the file where the string's content starts
  private strParts: Buffer[] = [];
  private strBytes = 0;
  private unicodeLeft = 0;
  private numSimple = true;
  private numValue = 0;
  private numDigits = 0;
  private numNegative = false;
  private numCarry = '';
  private numZeroLead = false;
  private numStart = 0;
  private literal = '';
  private literalAt = 0;
  private literalStart = 0;
  private bom = true;

  // Builder.
  private field = F_SKIP;
  private rootSeen = 0;
  private readonly frames = new FrameTable();
  private readonly byteStrings = new ByteStrings();
  private readonly nodeId = int32s();
  private readonly nodeFrame = int32s();
  private readonly nodeOffset = float64s();
  private readonly childStart = int32s();
  private readonly childCount = int32s();
  private readonly childIds = int32s();
  private readonly tickStart = int32s();
  private readonly tickLength = int32s();
  private readonly tickLine = float64s();
  private readonly tickCount = float64s();
  private readonly samples = int32s(1 << 16);
  private deltasInt: Growable<Int32Array> | null = int32s(1 << 16);
  private deltasFloat: Growable<Float64Array> | null = null;
  private lookup: ((id: number) => number) | null = null;
  private samplesResolved = false;
  private samplesOffset = -1;
  private startTime = 0;
  private endTime = 0;
  // The node being read.
  private nSeen = 0;
  private nId = 0;
  private nFrame = -1;
  private nStart = 0;
  private fSeen = 0;
  private fName = 0; // string ids (FrameTable.stringId)
  private fUrl = 0;
  private fLine = 0;
  private fColumn = 0;
  private tSeen = 0;
  private tLine = 0;
  private tTicks = 0;

  constructor(
    private readonly name: string,
    limits: StreamLimits = {},
  ) {
    this.maxString = limits.maxStringBytes ?? 64 << 20;
    this.maxDepth = limits.maxDepth ?? 64;
    this.kinds = new Uint8Array(this.maxDepth + 2);
    this.roles = new Uint8Array(this.maxDepth + 2);
  }

  private fail(offset: number, what: string): never {
    throw new ProfileFormatError(`${this.name} is not a valid CPU profile at byte ${offset}: ${what}.`, offset);
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.bom && n > 0) {
      this.bom = false;
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let state = this.state;
    while (i < n) {
      let c = chunk[i];
      switch (state) {
        case NUMBER: {
          let simple = this.numSimple;
          let v = this.numValue;
          let digits = this.numDigits;
          const from = i;
          while (i < n) {
            c = chunk[i];
            if (c >= 0x30 && c <= 0x39) {
              if (digits === 0 && c === 0x30) this.numZeroLead = true;
              v = v * 10 + (c - 0x30);
              digits++;
            } else if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) simple = false;
            else break;
            i++;
          }
          this.numSimple = simple;
          this.numValue = v;
          this.numDigits = digits;
          if (i === n) {
            this.numCarry += chunk.toString('latin1', from, i);
            if (this.numCarry.length > MAX_NUMBER_CHARS) this.fail(this.numStart, 'a number longer than 64 characters');
            break;
          }
          this.finishNumber(chunk, from, i);
          state = COMMA_OR_END;
          continue;
        }
        case STRING: {
          const from = i;
          while (i < n) {
            c = chunk[i];
            if (c === 0x22 || c === 0x5c || c < 0x20) break;
            i++;
          }
          if (i === n) {
            this.keepPart(chunk, from, i);
            break;
          }
          if (c === 0x22) {
            if (this.strKeep && this.strParts.length === 0 && !this.strEscaped) this.finishWhole(chunk, from, i);
            else {
              this.keepPart(chunk, from, i);
              this.finishString();
            }
            i++;
            state = this.strIsKey ? COLON : COMMA_OR_END;
            continue;
          }
          if (c === 0x5c) {
            this.keepPart(chunk, from, i + 1);
            this.strEscaped = true;
            state = ESCAPE;
            i++;
            continue;
          }
          this.fail(this.base + i, 'a control character inside a string');
        }
        // eslint-disable-next-line no-fallthrough
        case ESCAPE:
          if (c === 0x75 /* u */) {
            state = UNICODE;
            this.unicodeLeft = 4;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) state = STRING;
          else this.fail(this.base + i, `an invalid escape "\\${String.fromCharCode(c)}" in a string`);
          this.keepPart(chunk, i, i + 1);
          i++;
          continue;
        case UNICODE:
          if (!isHex(c)) this.fail(this.base + i, 'an invalid \\u escape in a string');
          this.keepPart(chunk, i, i + 1);
          i++;
          if (--this.unicodeLeft === 0) state = STRING;
          continue;
        case LITERAL:
          if (c !== this.literal.charCodeAt(this.literalAt)) this.fail(this.base + i, `an unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
          i++;
          if (++this.literalAt === this.literal.length) {
            this.onLiteral(this.literal, this.literalStart);
            state = COMMA_OR_END;
          }
          continue;
        default: {
          if (state !== KEY && state !== KEY_OR_END && state !== COLON) {
            const role = this.roles[this.depth];
            if (role === R_SAMPLES || role === R_DELTAS) {
              const j = this.integerRun(chunk, i, state, role);
              if (j !== i) {
                i = j;
                state = COMMA_OR_END;
                continue;
              }
            }
          }
          if (isWhitespace(c)) {
            i++;
            continue;
          }
          const at = this.base + i;
          switch (state) {
            case VALUE:
            case VALUE_OR_END:
              if (c === 0x5d /* ] */ && state === VALUE_OR_END) {
                this.close(2, at);
                state = this.depth === 0 ? DONE : COMMA_OR_END;
                i++;
                continue;
              }
              if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
                if (c === 0x7b && this.roles[this.depth] === R_NODES) {
                  const j = this.compactNode(chunk, i);
                  if (j >= 0) {
                    i = j;
                    state = COMMA_OR_END;
                    continue;
                  }
                }
                const kind = c === 0x7b ? 1 : 2;
                this.open(kind, at);
                state = kind === 1 ? KEY_OR_END : VALUE_OR_END;
                i++;
                continue;
              }
              if (c === 0x22) {
                this.beginString(false, at);
                state = STRING;
                i++;
                continue;
              }
              if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
                // Fast path: a whole integer of at most 15 digits inside this chunk, read from its bytes.
                const v = this.compactInt(chunk, i);
                const end = this.compactAt;
                if (end >= 0 && chunk[end] !== 0x2b && chunk[end] !== 0x2d) {
                  this.numStart = at;
                  this.onNumber(v, at);
                  i = end;
                  state = COMMA_OR_END;
                  continue;
                }
                this.numSimple = true;
                this.numValue = 0;
                this.numDigits = 0;
                this.numNegative = c === 0x2d;
                this.numCarry = '';
                this.numZeroLead = false;
                this.numStart = at;
                if (this.numNegative) {
                  this.numCarry = '-';
                  i++;
                }
                state = NUMBER;
                continue;
              }
              if (c === 0x74 || c === 0x66 || c === 0x6e) {
                this.literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
                this.literalAt = 1;
                this.literalStart = at;
                state = LITERAL;
                i++;
                continue;
              }
              this.fail(at, `expected a value, found ${JSON.stringify(String.fromCharCode(c))}`);
            // eslint-disable-next-line no-fallthrough
            case KEY:
            case KEY_OR_END:
              if (c === 0x7d /* } */ && state === KEY_OR_END) {
                this.close(1, at);
                state = this.depth === 0 ? DONE : COMMA_OR_END;
                i++;
                continue;
              }
              if (c !== 0x22) this.fail(at, `expected a key in double quotes, found ${JSON.stringify(String.fromCharCode(c))}`);
              this.beginString(true, at);
              state = STRING;
              i++;
              continue;
            case COLON:
              if (c !== 0x3a) this.fail(at, `expected ":" after a key, found ${JSON.stringify(String.fromCharCode(c))}`);
              state = VALUE;
              i++;
              continue;
            case COMMA_OR_END: {
              const kind = this.kinds[this.depth];
              if (c === 0x2c) {
                state = kind === 1 ? KEY : VALUE;
                i++;
                continue;
              }
              if ((c === 0x7d && kind === 1) || (c === 0x5d && kind === 2)) {
                this.close(kind, at);
                state = this.depth === 0 ? DONE : COMMA_OR_END;
                i++;
                continue;
              }
              this.fail(at, `expected "," or "${kind === 1 ? '}' : ']'}", found ${JSON.stringify(String.fromCharCode(c))}`);
            }
            // eslint-disable-next-line no-fallthrough
            case DONE:
              this.fail(at, 'there is more after the end of the profile');
          }
        }
      }
    }
    this.state = state;
    this.base += n;
  }

  /** Whether a string being read still points into the last chunk written (which must then not be overwritten). */
  holdsChunk(): boolean {
    return this.strParts.length > 0;
  }

  /** The table, once the whole file has been written. */
  end(): ProfileTable {
    if (this.state === NUMBER && this.depth === 0) this.fail(this.numStart, 'not a CPU profile (the file is a number, not a JSON object)');
    if (this.state !== DONE) {
      this.fail(this.base, this.base === 0 ? 'the file is empty' : 'the file ends early (is it truncated?)');
    }
    const nodeCount = this.nodeId.length;
    const nodeId = this.nodeId.view();
    const nodeOffset = this.nodeOffset.view();
    const lookup = this.lookup ?? idLookup(nodeId, nodeCount);
    const childIndex = this.childIds.view();
    const childStart = this.childStart.view();
    const childCount = this.childCount.view();
    for (let i = 0; i < nodeCount; i++) {
      for (let k = childStart[i], e = k + childCount[i]; k < e; k++) {
        const c = lookup(childIndex[k]);
        if (c < 0) this.fail(nodeOffset[i], `node ${nodeId[i]} lists child ${childIndex[k]}, which is not a node`);
        childIndex[k] = c;
      }
    }
    const problem = treeProblem({ nodeCount, nodeId, childStart, childCount, childIndex });
    if (problem) {
      const id = Number(/node (-?\d+)/.exec(problem)?.[1]);
      this.fail(nodeOffset[Math.max(0, lookup(id))] ?? 0, problem);
    }
    const samples = this.samples.view();
    if (!this.samplesResolved) {
      for (let i = 0; i < samples.length; i++) {
        const s = lookup(samples[i]);
        if (s < 0) this.fail(this.samplesOffset, `samples[${i}] is ${samples[i]}, which is not a node id (the samples array starts at this byte)`);
        samples[i] = s;
      }
    }
    return {
      frames: this.frames.frames,
      nodeCount,
      nodeId,
      nodeFrame: this.nodeFrame.view(),
      childStart,
      childCount,
      childIndex,
      tickStart: this.tickStart.view(),
      tickLength: this.tickLength.view(),
      tickLine: this.tickLine.view(),
      tickCount: this.tickCount.view(),
      samples,
      timeDeltas: this.deltasFloat ? this.deltasFloat.view() : this.deltasInt!.view(),
      sampleCount: samples.length,
      startTime: this.startTime,
      endTime: this.endTime,
    };
  }

  // ---- strings and numbers --------------------------------------------------

  /**
   * The bulk of a profile: `1,2,3` runs of small non-negative integers in
   * "samples" and "timeDeltas", read in one tight loop. Stops (returning where)
   * at anything else, which the general path then reads.
   */
  private integerRun(chunk: Buffer, i: number, state: number, role: number): number {
    const n = chunk.length;
    let done = i;
    let at = i;
    if (state === COMMA_OR_END) {
      if (chunk[at] !== 0x2c) return i;
      at++;
    }
    const lookup = role === R_SAMPLES && this.samplesResolved ? this.lookup! : null;
    const target = role === R_SAMPLES ? this.samples : this.deltasInt;
    if (!target) return i;
    // The array's buffer and length in locals: written back before each return.
    let data = target.data;
    let len = target.length;
    for (;;) {
      let v = 0;
      let k = at;
      while (k < n) {
        const c = chunk[k];
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
        k++;
      }
      const digits = k - at;
      if (k === n || digits === 0 || digits > 9 || (digits > 1 && chunk[at] === 0x30)) break;
      if (lookup) {
        v = lookup(v);
        if (v < 0) break;
      }
      if (len === data.length) {
        target.length = len;
        target.push(v);
        data = target.data;
        len++;
      } else data[len++] = v;
      done = k;
      if (chunk[k] !== 0x2c) break;
      at = k + 1;
    }
    target.length = len;
    return done;
  }

  // ---- nodes in V8's compact layout ------------------------------------------

  /** Where the last `compactInt` or `compactString` ended, -1 when it could not read one. */
  private compactAt = 0;

  /**
   * One node written as V8 writes them (no whitespace, no escapes, integers,
   * the whole node inside this chunk), read straight from its bytes: most of a
   * profile's node section. Returns the index after its "}", or -1 with
   * nothing changed, for the general path to read the node (and name what is
   * wrong with it, if anything is).
   */
  private compactNode(c: Buffer, i: number): number {
    if (this.depth + 3 > this.maxDepth) return -1;
    const K = KEY_NAMES.length;
    const n = c.length;
    const childIds = this.childIds;
    const tickLine = this.tickLine;
    const tickCount = this.tickCount;
    const childMark = childIds.length;
    const tickMark = tickLine.length;
    const undo = () => {
      childIds.length = childMark;
      tickLine.length = tickMark;
      tickCount.length = tickMark;
      return -1;
    };
    let seen = 0; // id 1, callFrame 2, hitCount 4, children 8, positionTicks 16
    let id = 0;
    let fn = 0;
    let url = 0;
    let line = 0;
    let column = 0;
    let p = i + 1;
    for (;;) {
      const field = this.compactKey(c, p, R_NODE * K);
      if (field < 0) return undo();
      p = this.compactAt;
      if (field === F_ID) {
        if (seen & 1) return undo();
        id = this.compactInt(c, p);
        if (this.compactAt < 0 || (id | 0) !== id) return undo();
        p = this.compactAt;
        seen |= 1;
      } else if (field === F_FRAME) {
        if (seen & 2 || c[p] !== 0x7b) return undo();
        p++;
        let fSeen = 0; // functionName 1, url 2, lineNumber 4, columnNumber 8
        for (;;) {
          const f = this.compactKey(c, p, R_FRAME * K);
          if (f < 0) return undo();
          p = this.compactAt;
          if (f === F_FN || f === F_URL) {
            const bit = f === F_FN ? 1 : 2;
            const end = this.compactString(c, p);
            if (end < 0 || fSeen & bit || end - p - 1 > this.maxString) return undo();
            const s = this.byteStrings.id(c, p + 1, end, this.frames);
            if (f === F_FN) fn = s;
            else url = s;
            fSeen |= bit;
            p = end + 1;
          } else if (f === F_LINE || f === F_COLUMN) {
            const bit = f === F_LINE ? 4 : 8;
            const v = this.compactInt(c, p);
            if (this.compactAt < 0 || fSeen & bit) return undo();
            if (f === F_LINE) line = v;
            else column = v;
            fSeen |= bit;
            p = this.compactAt;
          } else {
            p = this.compactSkip(c, p);
            if (p < 0) return undo();
          }
          if (p >= n) return undo();
          if (c[p] === 0x2c) {
            p++;
            continue;
          }
          if (c[p] !== 0x7d || fSeen !== 15) return undo();
          p++;
          break;
        }
        seen |= 2;
      } else if (field === F_CHILDREN) {
        if (seen & 8 || c[p] !== 0x5b) return undo();
        p++;
        if (p < n && c[p] === 0x5d) p++;
        else
          for (;;) {
            const v = this.compactInt(c, p);
            if (this.compactAt < 0 || (v | 0) !== v) return undo();
            childIds.push(v);
            p = this.compactAt;
            if (c[p] === 0x2c) p++;
            else if (c[p] === 0x5d) {
              p++;
              break;
            } else return undo();
          }
        seen |= 8;
      } else if (field === F_TICKS) {
        if (seen & 16 || c[p] !== 0x5b) return undo();
        p++;
        if (p < n && c[p] === 0x5d) p++;
        else
          for (;;) {
            if (p >= n || c[p] !== 0x7b) return undo();
            p++;
            let tSeen = 0; // line 1, ticks 2
            let tLine = 0;
            let tTicks = 0;
            for (;;) {
              const f = this.compactKey(c, p, R_TICK * K);
              if (f !== F_TICK_LINE && f !== F_TICK_TICKS) return undo();
              p = this.compactAt;
              const bit = f === F_TICK_LINE ? 1 : 2;
              const v = this.compactInt(c, p);
              if (this.compactAt < 0 || tSeen & bit) return undo();
              if (bit === 1) tLine = v;
              else if (v < 0) return undo();
              else tTicks = v;
              tSeen |= bit;
              p = this.compactAt;
              if (c[p] === 0x2c) p++;
              else if (c[p] === 0x7d && tSeen === 3) {
                p++;
                break;
              } else return undo();
            }
            tickLine.push(tLine);
            tickCount.push(tTicks);
            if (p >= n) return undo();
            if (c[p] === 0x2c) p++;
            else if (c[p] === 0x5d) {
              p++;
              break;
            } else return undo();
          }
        seen |= 16;
      } else if (field === F_HITS) {
        if (seen & 4) return undo();
        this.compactInt(c, p);
        if (this.compactAt < 0) return undo();
        p = this.compactAt;
        seen |= 4;
      } else {
        p = this.compactSkip(c, p);
        if (p < 0) return undo();
      }
      if (p >= n) return undo();
      if (c[p] === 0x2c) {
        p++;
        continue;
      }
      if (c[p] !== 0x7d || (seen & 3) !== 3) return undo();
      break;
    }
    this.nodeId.push(id);
    this.nodeFrame.push(this.frames.internIds(fn, url, line, column));
    this.nodeOffset.push(this.base + i);
    this.childStart.push(childMark);
    this.childCount.push(childIds.length - childMark);
    this.tickStart.push(tickMark);
    this.tickLength.push(tickLine.length - tickMark);
    return p + 1;
  }

  /**
   * A key (in double quotes, no escapes) and its ":" at `p`: returns its field
   * in the role whose KEY_FIELDS row starts at `row` (F_SKIP for a key the
   * profile does not use), and sets compactAt after the ":"; -1 when not.
   */
  private compactKey(c: Buffer, p: number, row: number): number {
    const end = this.compactString(c, p);
    if (end < 0 || end + 1 >= c.length || c[end + 1] !== 0x3a || end - p - 1 > this.maxString) return -1;
    const known = knownKey(c, p + 1, end);
    this.compactAt = end + 2;
    return known >= 0 ? KEY_FIELDS[row + known] : F_SKIP;
  }

  /** The index of the closing quote of the string opening at `p`; -1 for an escape, a control character or the chunk's end. */
  private compactString(c: Buffer, p: number): number {
    const n = c.length;
    if (p >= n || c[p] !== 0x22) return -1;
    for (let k = p + 1; k < n; k++) {
      const b = c[k];
      if (b === 0x22) return k;
      if (b === 0x5c || b < 0x20) return -1;
    }
    return -1;
  }

  /** An integer of at most 15 digits at `p`, followed (in this chunk) by something that is not part of a number; compactAt -1 when not. */
  private compactInt(c: Buffer, p: number): number {
    const n = c.length;
    const negative = p < n && c[p] === 0x2d;
    const first = negative ? p + 1 : p;
    let k = first;
    let v = 0;
    while (k < n) {
      const d = c[k];
      if (d < 0x30 || d > 0x39) break;
      v = v * 10 + (d - 0x30);
      k++;
    }
    const digits = k - first;
    if (k >= n || digits === 0 || digits > 15 || (digits > 1 && c[first] === 0x30) || c[k] === 0x2e || c[k] === 0x65 || c[k] === 0x45) {
      this.compactAt = -1;
      return 0;
    }
    this.compactAt = k;
    return negative ? -v : v;
  }

  /** Skips a value the profile does not use when it is a string or an integer: the index after it, or -1. */
  private compactSkip(c: Buffer, p: number): number {
    if (p < c.length && c[p] === 0x22) {
      const end = this.compactString(c, p);
      return end < 0 ? -1 : end + 1;
    }
    this.compactInt(c, p);
    return this.compactAt;
  }

  private beginString(isKey: boolean, at: number): void {
    this.strIsKey = isKey;
    this.strEscaped = false;
    this.strParts = [];
    this.strBytes = 0;
    this.strStart = at;
    this.notAnObject(at);
    const role = this.roles[this.depth];
    if (isKey) this.strKeep = role !== R_SKIP;
    else if (this.kinds[this.depth] === 2) {
      if (role !== R_SKIP) this.wrongType(at, 'a string');
      this.strKeep = false;
    } else {
      const f = this.field;
      if (f === F_FN || f === F_URL) this.strKeep = true;
      else if (f === F_SKIP) this.strKeep = false;
      else this.wrongType(at, 'a string');
    }
  }

  private keepPart(chunk: Buffer, from: number, to: number): void {
    if (!this.strKeep || to <= from) return;
    this.strBytes += to - from;
    if (this.strBytes > this.maxString) {
      this.fail(this.strStart, `a string longer than ${this.maxString} bytes (a hostile or damaged file?)`);
    }
    this.strParts.push(chunk.subarray(from, to));
  }

  /** A string that began and ended in this chunk, without escapes: read in place. */
  private finishWhole(chunk: Buffer, from: number, to: number): void {
    if (to - from > this.maxString) this.fail(this.strStart, `a string longer than ${this.maxString} bytes (a hostile or damaged file?)`);
    if (this.strIsKey) {
      const known = knownKey(chunk, from, to);
      if (known >= 0) this.onKey(KEY_NAMES[known], known);
      else this.onKey(chunk.toString('utf8', from, to));
      return;
    }
    const s = this.byteStrings.id(chunk, from, to, this.frames);
    if (this.field === F_FN) {
      this.fName = s;
      this.fSeen |= 1;
    } else {
      this.fUrl = s;
      this.fSeen |= 2;
    }
  }

  private finishString(): void {
    if (!this.strKeep) return;
    if (this.strIsKey && !this.strEscaped && this.strParts.length === 1) {
      const known = knownKey(this.strParts[0], 0, this.strParts[0].length);
      if (known >= 0) {
        this.strParts = [];
        this.onKey(KEY_NAMES[known], known);
        return;
      }
    }
    const raw = this.strParts.length === 1 ? this.strParts[0] : Buffer.concat(this.strParts);
    this.strParts = [];
    let s = raw.toString('utf8');
    if (this.strEscaped) s = JSON.parse(`"${s}"`) as string;
    if (this.strIsKey) this.onKey(s);
    else if (this.field === F_FN) {
      this.fName = this.frames.stringId(s);
      this.fSeen |= 1;
    } else {
      this.fUrl = this.frames.stringId(s);
      this.fSeen |= 2;
    }
  }

  private finishNumber(chunk: Buffer, from: number, to: number): void {
    let v: number;
    if (this.numSimple && this.numDigits > 0 && this.numDigits <= 15) {
      // A leading zero is not JSON ("01"); "0" and "-0" are.
      if (this.numDigits > 1 && this.numZeroLead) this.fail(this.numStart, 'a number with a leading zero, which JSON does not allow');
      v = this.numNegative ? -this.numValue : this.numValue;
    } else {
      const text = this.numCarry + chunk.toString('latin1', from, to);
      if (text.length > MAX_NUMBER_CHARS) this.fail(this.numStart, 'a number longer than 64 characters');
      if (!NUMBER_TEXT.test(text)) this.fail(this.numStart, `${JSON.stringify(text)} is not a JSON number`);
      v = Number(text);
    }
    this.onNumber(v, this.numStart);
  }

  // ---- the profile's shape --------------------------------------------------

  private wrongType(at: number, found: string): never {
    const role = this.roles[this.depth];
    if (this.kinds[this.depth] === 2) {
      const where = role === R_NODES ? '"nodes" holds' : role === R_TICKS ? '"positionTicks" holds' : role === R_SAMPLES ? '"samples" holds' : role === R_DELTAS ? '"timeDeltas" holds' : role === R_CHILDREN ? 'a node\'s "children" holds' : 'found';
      const want = role === R_NODES || role === R_TICKS ? 'objects' : role === R_SAMPLES || role === R_CHILDREN ? 'node ids' : 'numbers';
      this.fail(at, `${where} ${found} where it should hold ${want}`);
    }
    this.fail(at, `${FIELD_NAMES[this.field]} is ${found}, not ${FIELD_KIND[this.field]}`);
  }

  private open(kind: number, at: number): void {
    const parent = this.roles[this.depth];
    let role = R_SKIP;
    if (this.depth === 0) {
      if (kind !== 1) this.fail(at, 'not a CPU profile (the file is not a JSON object)');
      role = R_ROOT;
    } else if (parent === R_SKIP) role = R_SKIP;
    else if (this.kinds[this.depth] === 2) {
      if (parent === R_NODES && kind === 1) role = R_NODE;
      else if (parent === R_TICKS && kind === 1) role = R_TICK;
      else this.wrongType(at, kind === 1 ? 'an object' : 'an array');
    } else {
      const f = this.field;
      if (f === F_SKIP) role = R_SKIP;
      else if (kind === 2 && f === F_NODES) role = R_NODES;
      else if (kind === 2 && f === F_SAMPLES) role = R_SAMPLES;
      else if (kind === 2 && f === F_DELTAS) role = R_DELTAS;
      else if (kind === 1 && f === F_FRAME) role = R_FRAME;
      else if (kind === 2 && f === F_CHILDREN) role = R_CHILDREN;
      else if (kind === 2 && f === F_TICKS) role = R_TICKS;
      else this.wrongType(at, kind === 1 ? 'an object' : 'an array');
    }
    if (this.depth >= this.maxDepth) this.fail(at, `arrays and objects nested more than ${this.maxDepth} deep`);
    this.depth++;
    this.kinds[this.depth] = kind;
    this.roles[this.depth] = role;
    switch (role) {
      case R_NODE:
        this.nSeen = 0;
        this.nStart = at;
        this.nFrame = -1;
        this.childStart.push(this.childIds.length);
        this.tickStart.push(this.tickLine.length);
        break;
      case R_FRAME:
        this.fSeen = 0;
        break;
      case R_TICK:
        this.tSeen = 0;
        break;
      case R_SAMPLES:
        this.samplesOffset = at;
        this.samplesResolved = this.lookup !== null;
        break;
      case R_NODES:
        if (this.nodeId.length > 0) this.fail(at, 'a second "nodes" array');
        break;
    }
  }

  private close(kind: number, at: number): void {
    const role = this.roles[this.depth];
    this.depth--;
    switch (role) {
      case R_NODE: {
        if (!(this.nSeen & 1)) this.fail(this.nStart, 'a node has no "id"');
        if (this.nFrame < 0) this.fail(this.nStart, `node ${this.nId} has no "callFrame"`);
        this.nodeId.push(this.nId);
        this.nodeFrame.push(this.nFrame);
        this.nodeOffset.push(this.nStart);
        this.childCount.push(this.childIds.length - this.childStart.data[this.childStart.length - 1]);
        this.tickLength.push(this.tickLine.length - this.tickStart.data[this.tickStart.length - 1]);
        break;
      }
      case R_FRAME: {
        const missing = !(this.fSeen & 1) ? 'functionName' : !(this.fSeen & 2) ? 'url' : !(this.fSeen & 4) ? 'lineNumber' : !(this.fSeen & 8) ? 'columnNumber' : '';
        if (missing) this.fail(at, `a node's callFrame has no "${missing}"`);
        this.nFrame = this.frames.internIds(this.fName, this.fUrl, this.fLine, this.fColumn);
        break;
      }
      case R_TICK:
        if ((this.tSeen & 3) !== 3) this.fail(at, 'a position tick lacks "line" or "ticks"');
        this.tickLine.push(this.tLine);
        this.tickCount.push(this.tTicks);
        break;
      case R_NODES: {
        const ids = this.nodeId.view();
        const seen = idLookup(ids, ids.length);
        for (let i = 0; i < ids.length; i++) {
          if (seen(ids[i]) !== i) this.fail(this.nodeOffset.data[i], `node id ${ids[i]} appears twice`);
        }
        this.lookup = seen;
        break;
      }
      case R_ROOT:
        if ((this.rootSeen & 7) !== 7) this.fail(at, 'not a CPU profile (expected "nodes", "samples" and "timeDeltas" arrays)');
        break;
    }
    void kind;
  }

  /** `known`: the key's index in KEY_NAMES when it was recognised from its bytes. */
  private onKey(key: string, known = -1): void {
    const role = this.roles[this.depth];
    let f: number;
    if (known >= 0) f = KEY_FIELDS[role * KEY_NAMES.length + known];
    else {
      const table = role === R_ROOT ? ROOT_KEYS : role === R_NODE ? NODE_KEYS : role === R_FRAME ? FRAME_KEYS : role === R_TICK ? TICK_KEYS : null;
      f = table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : F_SKIP;
    }
    if (role === R_ROOT && f !== F_SKIP) {
      // nodes 1, samples 2, timeDeltas 4, startTime 8, endTime 16
      const bit = 1 << (f - 1);
      if (this.rootSeen & bit) this.fail(this.strStart, `the key "${key}" appears twice`);
      this.rootSeen |= bit;
    }
    this.field = f;
  }

  private notAnObject(at: number): void {
    if (this.depth === 0) this.fail(at, 'not a CPU profile (the file is not a JSON object)');
  }

  private onNumber(v: number, at: number): void {
    this.notAnObject(at);
    const role = this.roles[this.depth];
    if (this.kinds[this.depth] === 2) {
      switch (role) {
        case R_SAMPLES: {
          if ((v | 0) !== v) this.fail(at, `"samples" holds ${v}, which is not a node id`);
          if (this.samplesResolved) {
            const s = this.lookup!(v);
            if (s < 0) this.fail(at, `samples[${this.samples.length}] is ${v}, which is not a node id`);
            this.samples.push(s);
          } else this.samples.push(v);
          return;
        }
        case R_DELTAS:
          if (this.deltasInt) {
            if ((v | 0) === v) {
              this.deltasInt.push(v);
              return;
            }
            this.deltasFloat = new Growable<Float64Array>(Float64Array.from(this.deltasInt.view()), (k) => new Float64Array(k));
            this.deltasFloat.length = this.deltasInt.length;
            this.deltasInt = null;
          }
          this.deltasFloat!.push(v);
          return;
        case R_CHILDREN:
          if ((v | 0) !== v) this.fail(at, `a node's "children" holds ${v}, which is not a node id`);
          this.childIds.push(v);
          return;
        case R_SKIP:
          return;
        default:
          this.wrongType(at, 'a number');
      }
    }
    switch (this.field) {
      case F_SKIP:
      case F_HITS:
        return;
      case F_ID:
        if (this.nSeen & 1) this.fail(at, 'the key "id" appears twice in a node');
        if ((v | 0) !== v) this.fail(at, `node id ${v} is not an integer of at most 31 bits`);
        this.nId = v;
        this.nSeen |= 1;
        return;
      case F_LINE:
        this.fLine = v;
        this.fSeen |= 4;
        return;
      case F_COLUMN:
        this.fColumn = v;
        this.fSeen |= 8;
        return;
      case F_TICK_LINE:
        this.tLine = v;
        this.tSeen |= 1;
        return;
      case F_TICK_TICKS:
        if (v < 0) this.fail(at, 'a position tick has a negative "ticks"');
        this.tTicks = v;
        this.tSeen |= 2;
        return;
      case F_START:
        this.startTime = v;
        return;
      case F_END:
        this.endTime = v;
        return;
      default:
        this.wrongType(at, 'a number');
    }
  }

  private onLiteral(word: string, at: number): void {
    this.notAnObject(at);
    if (this.roles[this.depth] === R_SKIP || (this.kinds[this.depth] === 1 && (this.field === F_SKIP || this.field === F_HITS))) return;
    this.wrongType(at, word);
  }
}

/** Reads a `.cpuprofile` file into a table, chunk by chunk. */
export function readProfileTable(file: string, limits: StreamLimits = {}, chunkBytes = 4 << 20): ProfileTable {
  const parser = new ProfileStreamParser(file, limits);
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      // A fresh buffer only when a string being read still points into the last one.
      if (parser.holdsChunk()) buf = Buffer.allocUnsafe(chunkBytes);
      const got = fs.readSync(fd, buf, 0, chunkBytes, null);
      if (got === 0) break;
      parser.write(got === chunkBytes ? buf : buf.subarray(0, got));
    }
  } finally {
    fs.closeSync(fd);
  }
  return parser.end();
}

/** Parses a profile held in memory (tests; small inputs). */
export function parseProfileTable(bytes: Buffer | string, name = 'the profile', limits: StreamLimits = {}): ProfileTable {
  const parser = new ProfileStreamParser(name, limits);
  parser.write(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  return parser.end();
}
