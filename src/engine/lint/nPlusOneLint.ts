// `hotpath lint`: static N+1 hints. A query-shaped call (see queryShape.ts)
// that runs once per item — inside a for / for…of / for…in / while / do loop,
// or inside a map / forEach / reduce (and similar) callback — is reported as
// an `n-plus-one` finding of severity `info`: a hint that a run confirms or
// dismisses, not a verdict. Calls made through helper functions are not
// followed; the run-time detector sees those.
//
// Parser: @babel/parser with the `typescript` plugin, chosen by measuring a
// cold `lint` (load the parser, parse every file once) of this project's
// 9,272 lines of TS and JS (91 files). Instructions counted by callgrind,
// which are repeatable on a shared machine, net of Node's own start-up:
//   oxc-parser 0.2 G · @babel/parser 2.3 G · TypeScript compiler API 3.5 G
// CPU time in fresh processes, 3 interleaved rounds: loading the parser
// 19 ms (TypeScript 280–375 ms, its 8.7 MB file), first parse 0.7–0.8 s
// (TypeScript 0.8–1.1 s), warm re-parse about the same for both (0.11–0.17 s);
// acorn failed on 81 of the 91 files (no TypeScript). oxc-parser is ~10×
// cheaper but a native addon per platform that the .vsix and the CLI bundle
// would have to ship for each; TypeScript is as complete but costs 15× more
// to load and 17× more to bundle (Babel's parser: 0.5 MB, pure JavaScript).
// Babel's TypeScript plugin covers what services are written in (decorators,
// `satisfies`, enums, generics, JSX in .tsx), and with `errorRecovery` still
// yields a tree for a file with a stray error.

import * as fs from 'fs';
import * as path from 'path';
import { parse, type ParserPlugin } from '@babel/parser';
import type { Finding } from '../runRecord';
import { queryShape, unwrap, type AstNode } from './queryShape';
import { collectSourceFiles } from './sourceFiles';

/** Methods whose function argument runs once per item. */
const PER_ITEM_METHODS = new Set(['map', 'forEach', 'reduce', 'reduceRight', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex']);

/** Keys that hold types, positions or comments: nothing that runs. */
const SKIP_KEYS = new Set(['type', 'loc', 'start', 'end', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeParameters', 'implements', 'decorators']);

interface Loop {
  kind: string;
  line: number;
}

export interface LintResult {
  findings: Finding[];
  files: number;
  /** Files that could not be read or parsed, with why. */
  skipped: Array<{ file: string; reason: string }>;
}

function pluginsFor(file: string): ParserPlugin[] {
  const ext = path.extname(file);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return ['typescript', 'decorators-legacy'];
  if (ext === '.tsx') return ['typescript', 'jsx', 'decorators-legacy'];
  return ['jsx'];
}

export function parseSource(code: string, file: string): AstNode {
  return parse(code, {
    sourceType: 'unambiguous',
    plugins: pluginsFor(file),
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowUndeclaredExports: true,
  }) as unknown as AstNode;
}

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object' && typeof (x as AstNode).type === 'string') out.push(x as AstNode);
    } else if (v && typeof v === 'object' && typeof (v as AstNode).type === 'string') {
      out.push(v as AstNode);
    }
  }
  return out;
}

/** Names bound to `….prepare(…)`: better-sqlite3 and node:sqlite prepared statements. */
function preparedStatements(ast: AstNode): Set<string> {
  const names = new Set<string>();
  const stack = [ast];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'VariableDeclarator' && (n.id as AstNode).type === 'Identifier' && n.init) {
      let init = unwrap(n.init as AstNode);
      if (init.type === 'AwaitExpression') init = unwrap(init.argument as AstNode);
      const callee = init.type === 'CallExpression' ? unwrap(init.callee as AstNode) : null;
      if (callee && callee.type === 'MemberExpression' && (callee.property as AstNode).type === 'Identifier' && (callee.property as AstNode).name === 'prepare') {
        names.add((n.id as AstNode).name as string);
      }
    }
    stack.push(...children(n));
  }
  return names;
}

const line = (n: AstNode) => n.loc?.start.line ?? 0;

const LOOP_KINDS: Record<string, string> = {
  ForStatement: 'for loop',
  ForInStatement: 'for…in loop',
  ForOfStatement: 'for…of loop',
  WhileStatement: 'while loop',
  DoWhileStatement: 'do…while loop',
};

/** Static N+1 hints in one file's source. `file` is the path shown in findings. */
export function lintSource(code: string, file: string): Finding[] {
  const ast = parseSource(code, file);
  const prepared = preparedStatements(ast);
  const awaited = new Set<AstNode>();
  const findings: Finding[] = [];
  const seen = new Set<string>();

  /**
   * `loop`: the innermost loop or per-item callback this code runs in;
   * `returnsCount`: a `return` here hands its value to the iteration (map);
   * `inTransaction`: inside a `….transaction(fn)` callback.
   */
  interface Where {
    loop: Loop | null;
    returnsCount: boolean;
    inTransaction: boolean;
  }
  const visit = (node: AstNode, where: Where): void => {
    const { loop } = where;
    if (loop) {
      const shape = queryShape(node, { awaited: awaited.has(node), preparedStatements: prepared, inTransaction: where.inTransaction });
      if (shape) {
        const at = shape.at.loc?.start ?? node.loc!.start;
        const key = `${at.line}:${at.column}`;
        if (!seen.has(key)) {
          seen.add(key);
          findings.push({
            kind: 'n-plus-one',
            severity: 'info',
            message: `${shape.label} runs a query on every iteration of the ${loop.kind} at line ${loop.line}: N items cost N round trips; fetch them with one query (IN (…) or a join) or batch them.`,
            location: { file, line: at.line, column: at.column + 1 },
          });
        }
      }
    }
    switch (node.type) {
      case 'AwaitExpression':
        if (node.argument) awaited.add(unwrap(node.argument as AstNode));
        break;
      case 'ReturnStatement':
        if (where.returnsCount && node.argument) awaited.add(unwrap(node.argument as AstNode));
        break;
      case 'ForStatement':
      case 'WhileStatement':
      case 'DoWhileStatement': {
        const inner = { ...where, loop: { kind: LOOP_KINDS[node.type], line: line(node) } };
        if (node.init) visit(node.init as AstNode, where);
        for (const key of ['test', 'update', 'body']) if (node[key]) visit(node[key] as AstNode, inner);
        return;
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = { ...where, loop: { kind: node.await ? 'for await…of loop' : LOOP_KINDS[node.type], line: line(node) } };
        visit(node.left as AstNode, where);
        visit(node.right as AstNode, where);
        visit(node.body as AstNode, inner);
        return;
      }
      case 'FunctionDeclaration':
      case 'ObjectMethod':
      case 'ClassMethod':
      case 'ClassPrivateMethod':
        // Defining a function runs nothing; its body runs when called.
        for (const c of children(node)) visit(c, { loop: null, returnsCount: false, inTransaction: false });
        return;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        // A closure made inside a loop usually runs there (`retry(() => db.query(…))`).
        for (const c of children(node)) visit(c, { ...where, returnsCount: false });
        return;
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = unwrap(node.callee as AstNode);
        const args = node.arguments as AstNode[];
        const method = (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed ? ((callee.property as AstNode).name as string) : null;
        const fn = args[0] && (args[0].type === 'ArrowFunctionExpression' || args[0].type === 'FunctionExpression') ? args[0] : null;
        if (method && fn && (PER_ITEM_METHODS.has(method) || method === 'transaction')) {
          visit(callee, where);
          for (const a of args.slice(1)) visit(a, where);
          let inner: Where;
          if (method === 'transaction') {
            inner = { ...where, returnsCount: false, inTransaction: true };
          } else {
            inner = { loop: { kind: `.${method}() callback`, line: line(node) }, returnsCount: true, inTransaction: where.inTransaction };
            // What the callback returns is what `Promise.all` awaits.
            if (fn.body && (fn.body as AstNode).type !== 'BlockStatement') awaited.add(unwrap(fn.body as AstNode));
          }
          for (const c of children(fn)) visit(c, inner);
          return;
        }
        break;
      }
    }
    for (const c of children(node)) visit(c, where);
  };
  visit(ast, { loop: null, returnsCount: false, inTransaction: false });
  return findings.sort((a, b) => a.location!.line - b.location!.line || a.location!.column - b.location!.column);
}

/** Lints the files under `paths` (default: the current folder); paths in findings are relative to `cwd`. */
export function lintPaths(paths: string[], cwd: string = process.cwd()): LintResult {
  const files = collectSourceFiles(paths.length ? paths : ['.'], cwd);
  const findings: Finding[] = [];
  const skipped: LintResult['skipped'] = [];
  for (const abs of files) {
    const shown = path.relative(cwd, abs).split(path.sep).join('/');
    let code: string;
    try {
      code = fs.readFileSync(abs, 'utf8');
    } catch (err) {
      skipped.push({ file: shown, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
      continue;
    }
    try {
      findings.push(...lintSource(code, shown));
    } catch (err) {
      const e = err as Error & { loc?: { line: number; column: number } };
      skipped.push({ file: shown, reason: `does not parse${e.loc ? ` (line ${e.loc.line}, column ${e.loc.column + 1})` : ''}: ${e.message.replace(/\s*\(\d+:\d+\)$/, '')}` });
    }
  }
  return { findings, files: files.length, skipped };
}
