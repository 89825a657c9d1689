// Query text → a fingerprint that is the same for every execution of the same
// statement: literals and placeholders become `?`, IN-lists and repeated VALUES
// tuples collapse to one, comments go, whitespace collapses. This is how the
// N+1 detector groups queries (the same rule as Sentry's and pg_stat_statements'
// normalisation). Pure; used inside the probe, so no dependencies.

type TokenKind = 'word' | 'quoted' | 'literal' | 'param' | 'punct';

interface Token {
  kind: TokenKind;
  text: string;
  spaceBefore: boolean;
}

/** Keywords after which a `-` is a sign, not a subtraction. */
const SIGN_CONTEXT = new Set([
  'select', 'where', 'and', 'or', 'not', 'by', 'then', 'else', 'when', 'values', 'set', 'limit', 'offset',
  'in', 'is', 'like', 'between', 'on', 'having', 'case', 'as', 'return', 'returning', 'default',
]);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
function isWordStart(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 128;
}
const isWordChar = (c: string): boolean => isWordStart(c) || isDigit(c) || c === '$';
const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v';

/** End index (exclusive) of a '…' literal starting at `start`, or -1 when unterminated. */
function scanQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}

/** A string literal: MySQL-style backslash escapes when they give a terminated literal, standard SQL otherwise. */
function scanString(sql: string, start: number): number {
  const withEscapes = scanQuoted(sql, start, "'", true);
  if (withEscapes !== -1) return withEscapes;
  const standard = scanQuoted(sql, start, "'", false);
  return standard === -1 ? sql.length : standard;
}

function scanNumber(sql: string, start: number): number {
  let i = start;
  if (sql[i] === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X') && /[0-9a-fA-F]/.test(sql[i + 2] ?? '')) {
    i += 2;
    while (i < sql.length && /[0-9a-fA-F]/.test(sql[i])) i++;
    return i;
  }
  while (i < sql.length && isDigit(sql[i])) i++;
  if (sql[i] === '.') {
    i++;
    while (i < sql.length && isDigit(sql[i])) i++;
  }
  if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql[i + 1] ?? '') || ((sql[i + 1] === '+' || sql[i + 1] === '-') && isDigit(sql[i + 2] ?? '')))) {
    i += 2;
    while (i < sql.length && isDigit(sql[i])) i++;
  }
  return i;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let space = false;
  const push = (kind: TokenKind, text: string): void => {
    tokens.push({ kind, text, spaceBefore: space && tokens.length > 0 });
    space = false;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';
    if (isSpace(c)) {
      space = true;
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      space = true;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      space = true;
    } else if (c === "'") {
      i = scanString(sql, i);
      push('literal', '?');
    } else if (c === '"' || c === '`') {
      const end = scanQuoted(sql, i, c, false);
      const stop = end === -1 ? sql.length : end;
      push('quoted', sql.slice(i, stop));
      i = stop;
    } else if (c === '$' && isDigit(next)) {
      i += 2;
      while (i < sql.length && isDigit(sql[i])) i++;
      push('param', '?');
    } else if (c === '$' && (next === '$' || isWordStart(next))) {
      // $tag$…$tag$ (PostgreSQL dollar quoting), else a $name parameter.
      const tagEnd = sql.indexOf('$', i + 1);
      const tag = tagEnd === -1 ? '' : sql.slice(i, tagEnd + 1);
      if (tag && /^\$[A-Za-z_0-9]*\$$/.test(tag)) {
        const close = sql.indexOf(tag, tagEnd + 1);
        i = close === -1 ? sql.length : close + tag.length;
        push('literal', '?');
      } else {
        i++;
        while (i < sql.length && isWordChar(sql[i])) i++;
        push('param', '?');
      }
    } else if (c === '?') {
      i++;
      while (i < sql.length && isDigit(sql[i])) i++;
      push('param', '?');
    } else if ((c === ':' || c === '@') && isWordStart(next) && sql[i - 1] !== c) {
      // :name and @name parameters; `::type` casts and `@@vars` are left alone.
      i++;
      while (i < sql.length && isWordChar(sql[i])) i++;
      push('param', '?');
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      i = scanNumber(sql, i);
      push('literal', '?');
    } else if (isWordStart(c)) {
      const start = i;
      while (i < sql.length && isWordChar(sql[i])) i++;
      const word = sql.slice(start, i);
      // E'…', N'…', X'…', B'…': prefixed string literals.
      if (sql[i] === "'" && /^(?:[EeNnXxBb]|U&)$/.test(word)) {
        i = scanString(sql, i);
        push('literal', '?');
      } else {
        push('word', word);
      }
    } else {
      push('punct', c);
      i++;
    }
  }
  return tokens;
}

const isValue = (token: Token | undefined): boolean => token?.kind === 'literal' || token?.kind === 'param';

/** `- 5` after an operator, an opening bracket, a comma or a keyword is a negative literal. */
function foldSigns(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ((token.text === '-' || token.text === '+') && token.kind === 'punct' && tokens[i + 1]?.kind === 'literal') {
      const previous = out[out.length - 1];
      const signPosition =
        previous === undefined ||
        (previous.kind === 'punct' && previous.text !== ')' && previous.text !== ']') ||
        (previous.kind === 'word' && SIGN_CONTEXT.has(previous.text.toLowerCase()));
      if (signPosition) {
        out.push({ kind: 'literal', text: '?', spaceBefore: token.spaceBefore });
        i++;
        continue;
      }
    }
    out.push(token);
  }
  return out;
}

/** Index just past a `( ? , ? , … )` group starting at `start`, or -1 if the group holds anything else. */
function valueGroupEnd(tokens: Token[], start: number): number {
  if (tokens[start]?.text !== '(') return -1;
  let i = start + 1;
  if (!isValue(tokens[i])) return -1;
  i++;
  while (tokens[i]?.text === ',') {
    if (!isValue(tokens[i + 1])) return -1;
    i += 2;
  }
  return tokens[i]?.text === ')' ? i + 1 : -1;
}

const collapsedGroup = (spaceBefore: boolean): Token[] => [
  { kind: 'punct', text: '(', spaceBefore },
  { kind: 'param', text: '?', spaceBefore: false },
  { kind: 'punct', text: ')', spaceBefore: false },
];

/** `IN (?, ?, ?)` → `IN (?)`; `VALUES (?, ?), (?, ?)` → `VALUES (?, ?)`. */
function collapseLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    out.push(token);
    i++;
    if (token.kind !== 'word') continue;
    const keyword = token.text.toLowerCase();
    if (keyword === 'in') {
      const end = valueGroupEnd(tokens, i);
      if (end !== -1) {
        out.push(...collapsedGroup(true));
        i = end;
      }
    } else if (keyword === 'values') {
      const first = valueGroupEnd(tokens, i);
      if (first === -1) continue;
      const width = first - i;
      out.push(...tokens.slice(i, first));
      i = first;
      // Further tuples of the same width are the same statement shape.
      while (tokens[i]?.text === ',' && valueGroupEnd(tokens, i + 1) === i + 1 + width) i += 1 + width;
    }
  }
  return out;
}

function render(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (token.spaceBefore && text.length > 0) text += ' ';
    text += token.text;
  }
  return text;
}

/**
 * Normalises a query for grouping: string, numeric, hex and dollar-quoted
 * literals and every placeholder style (`?`, `?1`, `$1`, `:name`, `@name`,
 * `$name`) become `?`; negative numbers become one `?`; IN-lists of values
 * become `IN (?)`; repeated VALUES tuples become one; comments are removed,
 * whitespace is collapsed and a trailing `;` is dropped. Identifiers, quoted
 * identifiers and keyword case are kept as written.
 */
export function normalizeSql(sql: string): string {
  const tokens = collapseLists(foldSigns(tokenize(sql)));
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  return render(tokens);
}
