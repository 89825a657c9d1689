// Reading a JSON file that a user hands Hotpath (a profile, a run record): the
// problems are named in one sentence with the file, never echoed raw. V8's
// JSON.parse messages quote the input, which for a binary or UTF-16 file puts
// control characters and half a line of garbage on the terminal.

import * as fs from 'fs';
import { HotpathError } from './events';

/** Larger inputs cannot become one JavaScript string (V8's limit is about 512 MB). */
export const MAX_JSON_BYTES = 512 * 1024 * 1024 - 64;

/** Parses `file` as JSON or throws a HotpathError naming the file and the problem; `what` names what it should be ("a .cpuprofile"). */
export function readJsonFile(file: string, what: string): unknown {
  let buf: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new HotpathError(`${file} is a folder, not ${what}.`);
    if (stat.size > MAX_JSON_BYTES) throw new HotpathError(`${file} is ${Math.round(stat.size / 1048576)} MB, larger than the ${Math.floor(MAX_JSON_BYTES / 1048576)} MB that can be read as ${what}.`);
    buf = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof HotpathError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new HotpathError(e.code === 'ENOENT' ? `${file} does not exist.` : `Cannot read ${file} (${e.code ?? cleanMessage(String(err))}).`);
  }
  return parseJsonText(buf, file, what);
}

/** Parses bytes read from `file`; a UTF-8 byte-order mark is skipped, UTF-16 is named as such. */
export function parseJsonText(buf: Buffer, file: string, what: string): unknown {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const head = Buffer.from(buf.subarray(2, 4098));
    if (buf[0] === 0xfe) head.swap16();
    const binary = head.length % 2 === 1 || /[\u0000-\u0008\u000e-\u001f]/.test(head.toString('utf16le'));
    throw new HotpathError(binary ? `${file} is binary data, not ${what}.` : `${file} is UTF-16 text, not UTF-8 JSON: save it as UTF-8 and try again.`);
  }
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let text: string;
  try {
    text = buf.toString('utf8', start);
  } catch (err) {
    throw new HotpathError(`${file} cannot be read as text (${cleanMessage((err as Error).message)}).`);
  }
  if (text.trim() === '') throw new HotpathError(`${file} is empty, not ${what}.`);
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) throw new HotpathError(`${file} is binary data, not ${what}.`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HotpathError(`${file} is not valid JSON (${cleanMessage((err as Error).message)}): is it a complete ${what.replace(/^an? /, '')}?`);
  }
}

/** One short line: control characters and runs of space collapsed, at most 120 characters. */
export function cleanMessage(message: string): string {
  const one = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
}
