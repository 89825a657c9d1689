// Secrets never reach a run folder: run.json, the reports and service.log are
// shared in pull requests and CI artefacts. What counts as a secret:
//
// - a value whose name looks like one: the name split into words (at `_`, `-`,
//   `.`, spaces and camelCase) holds TOKEN, SECRET, PASSWORD, PASSWD, KEY,
//   APIKEY, AUTH, CREDENTIAL(S), PRIVATE, SESSION, COOKIE and a few compounds
//   (SESSIONID, ACCESSTOKEN, …), in any case. KEYBOARD or MONKEY are not.
//   This applies to environment variables, object keys, `NAME=value` and
//   `--name value` in command lines, and query-string parameters;
// - the password in a URL's userinfo (`postgres://user:pass@host`);
// - the value of an `Authorization` or `Cookie` header;
// - every literal value of a secret-named environment variable of the
//   service, wherever it shows up (a service that prints its environment).

import * as fs from 'fs';

export const REDACTED = '[redacted]';

const SECRET_WORDS = new Set([
  'token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'pwd', 'passphrase',
  'key', 'keys', 'apikey', 'auth', 'authorization', 'credential', 'credentials', 'private', 'privatekey',
  'session', 'sessionid', 'cookie', 'cookies', 'accesstoken', 'refreshtoken', 'authtoken', 'apitoken',
  'clientsecret', 'signature', 'sig', 'jwt', 'bearer',
]);

/** Words of a name: `SECRET_TOKEN` → secret, token; `apiKey` → api, key; `X-Auth-Token` → x, auth, token. */
export function nameWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * Names that hold a secret word but are not secrets: the shell's working
 * directory (PWD, OLDPWD). Taking PWD for a password replaced the working
 * directory with [redacted] in every path of a run.
 */
const NOT_SECRET_NAMES = new Set(['pwd', 'oldpwd']);

/** True when a name (of a variable, key, header, parameter or flag) looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET_NAMES.has(name.toLowerCase())) return false;
  if (SECRET_WORDS.has(name.replace(/[^A-Za-z0-9]/g, '').toLowerCase())) return true;
  return nameWords(name).some((w) => SECRET_WORDS.has(w));
}

/** Values of the secret-named entries of an environment, long enough to be searched for safely. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 4 && isSecretName(name)) out.add(value);
  }
  // Longest first, so a value that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// scheme://user:password@host → scheme://user:[redacted]@host
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"<>]*):([^\s@/?#'"<>]*)@/gi;
// ?name=value or &name=value (also after an HTML-escaped &amp;)
const QUERY_PARAM = /([?&;])([^\s=&#?;'"<>]+)=([^\s&#'"<>]*)/g;
// NAME=value, --name=value, name: value, "name": "value" (one line)
const ASSIGNMENT = /(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*[=:]\s*)(["']?)([^\s"'&,;}]+)/g;
// --name value inside one string (a command line joined with spaces)
const FLAG_VALUE = /(^|\s)(--?[A-Za-z][A-Za-z0-9_.-]*)(\s+)([^\s-][^\s]*)/g;
// Authorization: Bearer xyz, Cookie: a=b; c=d
const HEADER = /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)(["']?\s*[:=]\s*["']?)([^"'\r\n]+)/gi;

export class Redactor {
  private readonly literal: RegExp | null;

  /** `secrets`: literal values to remove wherever they appear (see secretValues). */
  constructor(secrets: readonly string[] = []) {
    const values = secrets.filter((s) => s.length >= 4);
    this.literal = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  }

  /** `text` with every secret replaced by [redacted]; everything else as it was. */
  text(text: string): string {
    let out = text;
    if (this.literal) out = out.replace(this.literal, REDACTED);
    if (out.includes('-')) out = out.replace(FLAG_VALUE, (m, lead: string, flag: string, sep: string, value: string) => (isSecretName(flag.replace(/^-+/, '')) ? `${lead}${flag}${sep}${REDACTED}` : m));
    if (!/[=:@]/.test(out)) return out;
    out = out.replace(USERINFO, (_m, before: string) => `${before}:${REDACTED}@`);
    out = out.replace(QUERY_PARAM, (m, sep: string, name: string, value: string) => (value && isSecretName(name) ? `${sep}${name}=${REDACTED}` : m));
    out = out.replace(HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
    out = out.replace(ASSIGNMENT, (m, q1: string, name: string, sep: string, q2: string, value: string) =>
      value !== REDACTED && isSecretName(name) && !/^(\[|\?$|\$\d+$|:\w+$)/.test(value) ? `${q1}${name}${q1}${sep}${q2}${REDACTED}` : m,
    );
    return out;
  }

  /** A command line: `--token abc` hides abc as well as `--token=abc`. */
  args(args: readonly string[]): string[] {
    return args.map((a, i) => {
      const prev = args[i - 1];
      if (i > 0 && /^--?[A-Za-z]/.test(prev) && !prev.includes('=') && isSecretName(prev.replace(/^-+/, '')) && !a.startsWith('-')) return REDACTED;
      return this.text(a);
    });
  }

  /**
   * Redacts a JSON-like value in place: every string, and the whole value of a
   * key that looks secret. Arrays of strings are read as command lines.
   */
  inPlace<T>(value: T): T {
    const stack: unknown[] = [value];
    while (stack.length) {
      const v = stack.pop();
      if (Array.isArray(v)) {
        if (v.length && v.every((x) => typeof x === 'string')) {
          const redacted = this.args(v as string[]);
          for (let i = 0; i < v.length; i++) v[i] = redacted[i];
          continue;
        }
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] === 'string') v[i] = this.text(v[i]);
          else if (v[i] && typeof v[i] === 'object') stack.push(v[i]);
        }
      } else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          const x = o[k];
          if (typeof x === 'string') o[k] = isSecretName(k) && x !== '' ? REDACTED : this.text(x);
          else if (x && typeof x === 'object') stack.push(x);
        }
      }
    }
    return value;
  }

  /** Rewrites a text file (a log) with its secrets redacted; a missing file is left alone. */
  file(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const redacted = this.text(text);
    if (redacted !== text) fs.writeFileSync(file, redacted);
  }
}
