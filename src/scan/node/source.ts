/**
 * JS/TS source facts for front ends and launcher scripts: environment reads, child processes and
 * `listen(...)` ports. A small tokenizer (comments, strings, template literals, regex literals)
 * feeds a single forward pass, so `process.env.X` inside a comment or a string never counts and a
 * minified bundle costs linear time. Tokens live in typed arrays to keep huge files cheap.
 */
import type { EnvRead, NodeSourceFacts } from "../facts.js";
import { containsSecret, isSecretName, redactCommand, redactSecrets } from "../secrets.js";

// Token kinds.
const ID = 0;
const NUM = 1;
const STR = 2;
/** A template literal without substitutions. */
const TPL = 3;
/** `…${` — the opening chunk of a template with substitutions. */
const TPL_HEAD = 4;
/** `}…${` */
const TPL_MID = 5;
/** `}…\`` */
const TPL_TAIL = 6;
const PUNC = 7;
const REGEX = 8;

/** Longest regex literal considered; beyond it `/` is read as division so a bad guess stays cheap. */
const MAX_REGEX = 1000;

const PUNC3 = new Set(["...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??="]);
const PUNC2 = new Set([
  "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
  "&=", "|=", "^=", "**", "<<", ">>",
]);
/** Keywords after which `/` starts a regex literal rather than a division. */
const REGEX_AFTER_KEYWORD = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
  "yield", "await", "export", "default",
]);

/** A token stream in parallel typed arrays: kind, [start, end) offsets, line, and matching bracket. */
export class Tokens {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  /** Unterminated string or template chunk (no closing delimiter to strip). */
  open: Uint8Array;
  /** Index of the matching bracket token, or -1. Filled by `matchBrackets`. */
  match: Int32Array = new Int32Array(0);
  n = 0;

  constructor(readonly text: string, capacity: number) {
    const c = Math.max(16, capacity);
    this.kind = new Uint8Array(c);
    this.start = new Int32Array(c);
    this.end = new Int32Array(c);
    this.line = new Int32Array(c);
    this.open = new Uint8Array(c);
  }

  push(kind: number, start: number, end: number, line: number, open = false): void {
    if (this.n === this.kind.length) this.grow();
    const i = this.n++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    this.line[i] = line;
    this.open[i] = open ? 1 : 0;
  }

  private grow(): void {
    const c = this.kind.length * 2;
    const k = new Uint8Array(c); k.set(this.kind); this.kind = k;
    const s = new Int32Array(c); s.set(this.start); this.start = s;
    const e = new Int32Array(c); e.set(this.end); this.end = e;
    const l = new Int32Array(c); l.set(this.line); this.line = l;
    const o = new Uint8Array(c); o.set(this.open); this.open = o;
  }

  k(i: number): number {
    return i >= 0 && i < this.n ? (this.kind[i] ?? -1) : -1;
  }

  raw(i: number): string {
    return this.text.slice(this.start[i] ?? 0, this.end[i] ?? 0);
  }

  ln(i: number): number {
    return this.line[i] ?? 1;
  }

  /** Token i is the punctuator `p`. */
  p(i: number, p: string): boolean {
    if (this.k(i) !== PUNC) return false;
    const s = this.start[i] ?? 0;
    if ((this.end[i] ?? 0) - s !== p.length) return false;
    return this.text.startsWith(p, s);
  }

  /** Token i is the identifier `name` (any identifier when omitted). */
  id(i: number, name?: string): boolean {
    if (this.k(i) !== ID) return false;
    if (name === undefined) return true;
    const s = this.start[i] ?? 0;
    return (this.end[i] ?? 0) - s === name.length && this.text.startsWith(name, s);
  }

  m(i: number): number {
    return this.match[i] ?? -1;
  }

  /** The value of a string literal or a substitution-free template, else undefined. */
  str(i: number): string | undefined {
    const k = this.k(i);
    if (k !== STR && k !== TPL) return undefined;
    return this.chunk(i);
  }

  /** Cooked text of a string/template chunk, delimiters stripped. */
  chunk(i: number): string {
    const k = this.k(i);
    const s = this.start[i] ?? 0;
    const e = this.end[i] ?? 0;
    const open = this.open[i] === 1;
    const from = s + 1; // after the quote, backtick or `}`
    let to = e;
    if (!open) to = k === TPL_HEAD || k === TPL_MID ? e - 2 : e - 1;
    return unescapeJs(this.text.slice(from, Math.max(from, to)));
  }
}

/** Decode the escapes of a JS string body; unknown escapes keep the character. */
function unescapeJs(body: string): string {
  if (body.indexOf("\\") < 0) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") { out += c; continue; }
    const d = body[++i];
    if (d === undefined) break;
    switch (d) {
      case "n": out += "\n"; break;
      case "t": out += "\t"; break;
      case "r": out += "\r"; break;
      case "b": out += "\b"; break;
      case "f": out += "\f"; break;
      case "v": out += "\v"; break;
      case "0": out += "\0"; break;
      case "\r": if (body[i + 1] === "\n") i++; break;
      case "\n": case "\u2028": case "\u2029": break;
      case "x": {
        const h = body.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(h)) { out += String.fromCharCode(parseInt(h, 16)); i += 2; } else out += "x";
        break;
      }
      case "u": {
        let m = /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1, i + 9));
        if (m?.[1]) {
          const cp = parseInt(m[1], 16);
          out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "u";
          i += m[0].length;
          break;
        }
        m = /^[0-9a-fA-F]{4}/.exec(body.slice(i + 1, i + 5));
        if (m) { out += String.fromCharCode(parseInt(m[0], 16)); i += 4; } else out += "u";
        break;
      }
      default: out += d;
    }
  }
  return out;
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 ||
    (c >= 0x80 && !isSpace(c));
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff ||
    c === 0x2028 || c === 0x2029 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f ||
    c === 0x205f || c === 0x3000;
}

/** Tokenize JS/TS source. Never throws; unterminated constructs end at end of line or input. */
export function tokenizeJs(text: string): Tokens {
  const n = text.length;
  const t = new Tokens(text, Math.min(n >> 2, 1 << 20));
  // Brace depth at which each open `${` substitution started, innermost last.
  const tplStack: number[] = [];
  let depth = 0;
  let line = 1;
  let i = 0;
  // Characters regex guesses may re-read in all; once spent, `/` is division, keeping the pass linear.
  let regexBudget = 4 * n + 10_000;
  if (text.startsWith("#!")) while (i < n && text.charCodeAt(i) !== 10) i++;

  // Scan a template chunk starting after "`" or "}"; returns the chunk's end and whether it opened `${`.
  const scanTemplate = (from: number): { end: number; subst: boolean; open: boolean; lines: number } => {
    let j = from;
    let lines = 0;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === 96) return { end: j + 1, subst: false, open: false, lines };
      if (ch === 36 && text.charCodeAt(j + 1) === 123) return { end: j + 2, subst: true, open: false, lines };
      if (ch === 92) { if (text.charCodeAt(j + 1) === 10) lines++; j += 2; continue; }
      if (ch === 10) lines++;
      j++;
    }
    return { end: n, subst: false, open: true, lines };
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { line++; i++; continue; }
    if (isSpace(c)) { i++; continue; }

    if (c === 47) { // "/"
      const d = text.charCodeAt(i + 1);
      if (d === 47) { while (i < n && text.charCodeAt(i) !== 10) i++; continue; }
      if (d === 42) {
        const close = text.indexOf("*/", i + 2);
        const stop = close < 0 ? n : close + 2;
        for (let j = i + 2; j < stop; j++) if (text.charCodeAt(j) === 10) line++;
        i = stop;
        continue;
      }
      if (regexBudget > 0 && regexAllowed(t)) {
        const e = scanRegex(text, i);
        regexBudget -= e > 0 ? e - i : -e;
        if (e > 0) { t.push(REGEX, i, e, line); i = e; continue; }
      }
    }

    if (c === 34 || c === 39) { // quote
      let j = i + 1;
      let closed = false;
      const startLine = line;
      while (j < n) {
        const ch = text.charCodeAt(j);
        if (ch === c) { j++; closed = true; break; }
        if (ch === 10) break;
        if (ch === 92) {
          const nx = text.charCodeAt(j + 1);
          if (nx === 10) line++;
          else if (nx === 13 && text.charCodeAt(j + 2) === 10) { line++; j++; }
          j += 2;
          continue;
        }
        j++;
      }
      if (j > n) j = n;
      t.push(STR, i, j, startLine, !closed);
      i = j;
      continue;
    }

    if (c === 96) { // backtick
      const r = scanTemplate(i + 1);
      t.push(r.subst ? TPL_HEAD : TPL, i, r.end, line, r.open);
      if (r.subst) tplStack.push(depth);
      line += r.lines;
      i = r.end;
      continue;
    }

    if (c === 125 && tplStack.length > 0 && tplStack[tplStack.length - 1] === depth) { // "}" closing ${
      tplStack.pop();
      const r = scanTemplate(i + 1);
      t.push(r.subst ? TPL_MID : TPL_TAIL, i, r.end, line, r.open);
      if (r.subst) tplStack.push(depth);
      line += r.lines;
      i = r.end;
      continue;
    }

    if (isIdStart(c) || (c === 35 && isIdStart(text.charCodeAt(i + 1)))) { // identifier or #private
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      t.push(ID, i, j, line);
      i = j;
      continue;
    }

    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      let prev = c;
      const hex = c === 48 && (text.charCodeAt(i + 1) | 32) === 120;
      while (j < n) {
        const ch = text.charCodeAt(j);
        const signAfterExp = !hex && (ch === 43 || ch === 45) && (prev === 101 || prev === 69);
        if (isIdPart(ch) || ch === 46 || signAfterExp) { prev = ch; j++; continue; }
        break;
      }
      t.push(NUM, i, j, line);
      i = j;
      continue;
    }

    // Punctuators, longest first.
    let len = 1;
    if (n - i >= 4 && text.startsWith(">>>=", i)) len = 4;
    else if (PUNC3.has(text.slice(i, i + 3))) len = 3;
    else if (PUNC2.has(text.slice(i, i + 2))) {
      len = 2;
      if (c === 63 && isDigit(text.charCodeAt(i + 2))) len = 1; // `a?.5:b` is a conditional
    }
    if (len === 1) {
      if (c === 123) depth++;
      else if (c === 125) depth--;
    }
    t.push(PUNC, i, i + len, line);
    i += len;
  }
  matchBrackets(t);
  return t;
}

/** Whether a `/` here starts a regex literal, judged from the previous token. */
function regexAllowed(t: Tokens): boolean {
  const i = t.n - 1;
  const k = t.k(i);
  if (k < 0) return true;
  if (k === NUM || k === STR || k === TPL || k === TPL_TAIL || k === REGEX) return false;
  if (k === ID) return REGEX_AFTER_KEYWORD.has(t.raw(i));
  if (k === PUNC) return !(t.p(i, ")") || t.p(i, "]") || t.p(i, "}") || t.p(i, "++") || t.p(i, "--"));
  return true;
}

/**
 * End offset of a regex literal starting at `i`; when none fits on the line within MAX_REGEX,
 * minus the number of characters looked at (always < 0).
 */
function scanRegex(text: string, i: number): number {
  const limit = Math.min(text.length, i + MAX_REGEX);
  let inClass = false;
  let j = i + 1;
  while (j < limit) {
    const ch = text.charCodeAt(j);
    if (ch === 10 || ch === 13) break;
    if (ch === 92) {
      const nx = text.charCodeAt(j + 1);
      if (nx === 10 || nx === 13) break;
      j += 2;
      continue;
    }
    if (ch === 91) inClass = true;
    else if (ch === 93) inClass = false;
    else if (ch === 47 && !inClass) {
      if (j === i + 1) break; // `//` is a comment, never an empty regex
      j++;
      while (j < text.length && isIdPart(text.charCodeAt(j))) j++;
      return j;
    }
    j++;
  }
  return -(j - i);
}

/** Link each bracket to its partner; a closer that does not match the innermost opener is ignored. */
function matchBrackets(t: Tokens): void {
  t.match = new Int32Array(t.n).fill(-1);
  const stack: number[] = [];
  const closerOf = (i: number): string => {
    if (t.p(i, "(")) return ")";
    if (t.p(i, "[")) return "]";
    if (t.p(i, "{")) return "}";
    return "tpl";
  };
  for (let i = 0; i < t.n; i++) {
    const k = t.k(i);
    if (k === TPL_HEAD || (k === PUNC && (t.p(i, "(") || t.p(i, "[") || t.p(i, "{")))) {
      stack.push(i);
      continue;
    }
    let closes: string | undefined;
    if (k === TPL_MID || k === TPL_TAIL) closes = "tpl";
    else if (k === PUNC && (t.p(i, ")") || t.p(i, "]") || t.p(i, "}"))) closes = t.raw(i);
    if (closes === undefined) continue;
    const top = stack[stack.length - 1];
    if (top !== undefined && closerOf(top) === closes) {
      stack.pop();
      t.match[top] = i;
      t.match[i] = top;
    }
    if (k === TPL_MID) stack.push(i);
  }
}

const CHILD_PROCESS_MODULES = new Set(["child_process", "node:child_process"]);
const CHILD_PROCESS_FNS = new Set(["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]);
/** Namespace names that mean child_process even without a visible import. */
const CHILD_PROCESS_NAMESPACES = new Set(["child_process", "childProcess"]);
/** Calls that wrap an env read without changing whether a default follows. */
const CONVERTERS = new Set(["Number", "parseInt", "parseFloat", "String", "Boolean"]);
/** import.meta.env keys Vite defines itself: not variables a deploy must set. */
const VITE_BUILTINS = new Set(["MODE", "BASE_URL", "PROD", "DEV", "SSR"]);
/** Tokens after which an expression goes on to the next line. */
const CONTINUES = new Set(["||", "??", "&&", "=", "(", ",", "?", ":", "+", "-", "*", "/", ".", "?.", "[", "{"]);

type Range = [from: number, to: number]; // token indices, `to` exclusive

interface EnvAccess {
  name: string;
  nameTok: number;
  /** Last token of the access expression. */
  end: number;
  vite: boolean;
}

/**
 * Analyze one JS/TS file: env reads, spawned commands and listen ports. Never throws. `file` is
 * not read (facts carry lines; the caller attaches the file): it keeps the parsers' signature.
 */
export function analyzeNodeSource(text: string, file: string): NodeSourceFacts {
  const facts: NodeSourceFacts = { envReads: [], subprocesses: [], listenPorts: [] };
  try {
    analyze(tokenizeJs(text), facts);
  } catch {
    // A bug here must not sink the scan; partial facts are still true facts.
  }
  return facts;
}

function analyze(t: Tokens, facts: NodeSourceFacts): void {
  const bindings = collectBindings(t);
  const cp = collectChildProcessImports(t);

  for (let i = 0; i < t.n; i++) {
    if (t.k(i) !== ID) continue;
    const envEnd = envObjectEnd(t, i);
    if (envEnd >= 0) {
      const vite = t.id(i, "import");
      const access = envAccessAt(t, i);
      if (access) {
        if (!(access.vite && VITE_BUILTINS.has(access.name))) facts.envReads.push(envReadOf(t, access));
        i = access.end;
      } else if (t.p(envEnd + 1, "[") || t.p(envEnd + 1, ".") || t.p(envEnd + 1, "?.")) {
        i = envEnd;
      } else {
        for (const r of destructuredEnv(t, i)) {
          if (!(vite && VITE_BUILTINS.has(r.name))) facts.envReads.push(r);
        }
        i = envEnd;
      }
      continue;
    }

    if (!t.p(i + 1, "(")) continue;
    const name = t.raw(i);
    if (name === "listen") {
      const lp = listenAt(t, i, bindings);
      if (lp) facts.listenPorts.push(lp);
    } else if (CHILD_PROCESS_FNS.has(name) || cp.local.has(name)) {
      const sp = spawnAt(t, i, cp);
      if (sp) facts.subprocesses.push(sp);
    }
  }
}

/** When tokens at i spell `process.env` or `import.meta.env`, the index of the `env` token; else -1. */
function envObjectEnd(t: Tokens, i: number): number {
  const dot = (j: number) => t.p(j, ".") || t.p(j, "?.");
  if (t.id(i, "process")) {
    if (dot(i - 1) && !t.id(i - 2, "globalThis") && !t.id(i - 2, "global")) return -1;
    return dot(i + 1) && t.id(i + 2, "env") ? i + 2 : -1;
  }
  if (t.id(i, "import")) return t.p(i + 1, ".") && t.id(i + 2, "meta") && dot(i + 3) && t.id(i + 4, "env") ? i + 4 : -1;
  return -1;
}

/** `process.env.NAME` or `process.env["NAME"]` at i. */
function envAccessAt(t: Tokens, i: number): EnvAccess | undefined {
  const env = envObjectEnd(t, i);
  if (env < 0) return undefined;
  const vite = t.id(i, "import");
  let name: string | undefined;
  let nameTok = -1;
  let end = -1;
  if ((t.p(env + 1, ".") || t.p(env + 1, "?.")) && t.id(env + 2)) {
    name = t.raw(env + 2);
    nameTok = end = env + 2;
  } else if (t.p(env + 1, "[") || (t.p(env + 1, "?.") && t.p(env + 2, "["))) {
    const open = t.p(env + 1, "[") ? env + 1 : env + 2;
    const v = t.str(open + 1);
    if (v !== undefined && t.p(open + 2, "]")) {
      name = v;
      nameTok = open + 1;
      end = open + 2;
    }
  }
  if (name === undefined || !validEnvName(name)) return undefined;
  // `process.env.hasOwnProperty(...)`: a method of the object, not a variable.
  if (t.p(end + 1, "(")) return undefined;
  // `process.env.X = …` sets the variable for children; it is not a read.
  if (t.p(end + 1, "=")) return undefined;
  return { name, nameTok, end, vite };
}

function validEnvName(name: string): boolean {
  return name.length > 0 && name.length <= 200 && !/[\s"'`=]/.test(name) && !containsSecret(name);
}

/** Build the EnvRead for an access, looking past converters (`Number(…)`) for `||` / `??`. */
function envReadOf(t: Tokens, a: EnvAccess): EnvRead {
  const read: EnvRead = { name: a.name, hasDefault: false, line: t.ln(a.nameTok) };
  let j = a.end + 1;
  // Step out of Number(...), parseInt(..., 10) wrappers so `Number(process.env.PORT) || 3000` counts.
  for (let hops = 0; hops < 4; hops++) {
    let close = j;
    if (t.p(j, ",") && t.k(j + 1) === NUM && t.p(j + 2, ")")) close = j + 2;
    if (!t.p(close, ")")) break;
    const open = t.m(close);
    if (open < 1 || !t.id(open - 1) || !CONVERTERS.has(t.raw(open - 1))) break;
    j = close + 1;
  }
  if (t.p(j, "||") || t.p(j, "??")) {
    read.hasDefault = true;
    const lit = literalAt(t, j + 1);
    if (lit !== undefined && isExpressionEnd(t, j + 2, j + 1) && !isSecretName(a.name)) read.defaultValue = safeLiteral(lit);
  }
  return read;
}

/** A number or string literal value at token i (a leading minus allowed for numbers). */
function literalAt(t: Tokens, i: number): string | number | undefined {
  const s = t.str(i);
  if (s !== undefined) return s;
  if (t.k(i) === NUM) {
    const v = numberValue(t.raw(i));
    return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}

/** A default as recorded: a key inside a string (a URL with a password…) is masked. */
function safeLiteral(v: string | number): string | number {
  return typeof v === "string" ? redactSecrets(v) : v;
}

function numberValue(raw: string): number {
  const clean = raw.replace(/_/g, "").replace(/n$/, "");
  if (/^0[0-7]+$/.test(clean)) return NaN; // legacy octal: not a port anyone means
  return Number(clean);
}

/** Token i ends the expression that `prev` belongs to (closer, separator, end, or a new line). */
function isExpressionEnd(t: Tokens, i: number, prev: number): boolean {
  if (i >= t.n) return true;
  const k = t.k(i);
  if (k === TPL_MID || k === TPL_TAIL) return true;
  if (t.p(i, ")") || t.p(i, ",") || t.p(i, ";") || t.p(i, "}") || t.p(i, "]") || t.p(i, ":")) return true;
  return t.ln(i) > t.ln(prev) && !(t.k(i) === PUNC && CONTINUES.has(t.raw(i)));
}

/** `const { A, B = "x", C: c } = process.env` — entries of the pattern before `= <env>` at i. */
function destructuredEnv(t: Tokens, i: number): EnvRead[] {
  if (!t.p(i - 1, "=") || !t.p(i - 2, "}")) return [];
  const open = t.m(i - 2);
  if (open < 0) return [];
  const out: EnvRead[] = [];
  for (const [from, to] of splitTopLevel(t, open + 1, i - 2)) {
    if (from >= to || t.p(from, "...")) continue;
    let name: string | undefined;
    if (t.id(from)) name = t.raw(from);
    else if (t.k(from) === STR) name = t.str(from);
    if (name === undefined || !validEnvName(name)) continue;
    const read: EnvRead = { name, hasDefault: false, line: t.ln(from) };
    // The default follows the first top-level `=` of the entry (after any `: alias`).
    for (let j = from + 1; j < to; j = next(t, j)) {
      if (!t.p(j, "=")) continue;
      read.hasDefault = true;
      const lit = literalAt(t, j + 1);
      if (lit !== undefined && j + 2 === to && !isSecretName(name)) read.defaultValue = safeLiteral(lit);
      break;
    }
    out.push(read);
  }
  return out;
}

/** Next token index at the same nesting level (jumps over a bracketed group). */
function next(t: Tokens, j: number): number {
  const m = t.m(j);
  return m > j ? m + 1 : j + 1;
}

/** Split tokens [from, to) at top-level commas. */
function splitTopLevel(t: Tokens, from: number, to: number): Range[] {
  const parts: Range[] = [];
  let s = from;
  for (let j = from; j < to; j = next(t, j)) {
    if (t.p(j, ",")) { parts.push([s, j]); s = j + 1; }
  }
  if (s < to) parts.push([s, to]);
  return parts;
}

/** Arguments of the call whose `(` is at `open`, or undefined when the paren is unmatched. */
function callArgs(t: Tokens, open: number): Range[] | undefined {
  const close = t.m(open);
  if (close < open) return undefined;
  return splitTopLevel(t, open + 1, close);
}

/** `const|let|var NAME = expr` → the token range of expr (first declaration wins). */
function collectBindings(t: Tokens): Map<string, Range> {
  const out = new Map<string, Range>();
  for (let i = 0; i < t.n; i++) {
    if (!(t.id(i, "const") || t.id(i, "let") || t.id(i, "var")) || !t.id(i + 1)) continue;
    let eq = i + 2;
    if (t.p(eq, ":")) { // TypeScript annotation: `const PORT: number = …`
      let j = eq + 1;
      for (let steps = 0; j < t.n && steps < 12 && !t.p(j, "=") && !t.p(j, ";"); steps++) j = next(t, j);
      eq = j;
    }
    if (!t.p(eq, "=")) continue;
    const name = t.raw(i + 1);
    if (out.has(name)) continue;
    out.set(name, [eq + 1, expressionEnd(t, eq + 1)]);
  }
  return out;
}

/** End (exclusive) of the expression starting at `from`, bounded to a few dozen tokens. */
function expressionEnd(t: Tokens, from: number): number {
  let j = from;
  for (let steps = 0; j < t.n && steps < 64; steps++) {
    if (t.p(j, ",") || t.p(j, ";") || t.p(j, ")") || t.p(j, "]") || t.p(j, "}")) break;
    if (j > from && t.ln(j) > t.ln(j - 1)) {
      const prevCont = t.k(j - 1) === PUNC && CONTINUES.has(t.raw(j - 1));
      const curCont = t.k(j) === PUNC && CONTINUES.has(t.raw(j)) && !t.p(j, "(") && !t.p(j, "[");
      if (!prevCont && !curCont) break;
    }
    j = next(t, j);
  }
  return Math.min(j, t.n);
}

interface ChildProcessNames {
  /** Local name → child_process function it is bound to. */
  local: Map<string, string>;
  /** Names bound to the module object. */
  namespaces: Set<string>;
  /** The file imports or requires child_process at all. */
  imported: boolean;
}

/** Names bound to child_process by `import … from "child_process"` or `require("child_process")`. */
function collectChildProcessImports(t: Tokens): ChildProcessNames {
  const names: ChildProcessNames = { local: new Map(), namespaces: new Set(), imported: false };
  for (let i = 0; i < t.n; i++) {
    if (t.id(i, "import") && !t.p(i + 1, ".") && !t.p(i + 1, "(")) {
      // import a, { b as c } from "child_process"; import * as ns from "child_process"
      let j = i + 1;
      const locals: [string, string][] = [];
      const spaces: string[] = [];
      for (let steps = 0; j < t.n && steps < 8 && !t.id(j, "from"); steps++) {
        if (t.p(j, "{")) {
          const close = t.m(j);
          if (close < 0) break;
          for (const [a, b] of splitTopLevel(t, j + 1, close)) {
            if (!t.id(a)) continue;
            const imported = t.raw(a);
            const local = t.id(a + 1, "as") && t.id(a + 2) && a + 3 === b ? t.raw(a + 2) : imported;
            locals.push([local, imported]);
          }
          j = close + 1;
          continue;
        }
        if (t.p(j, "*") && t.id(j + 1, "as") && t.id(j + 2)) { spaces.push(t.raw(j + 2)); j += 3; continue; }
        if (t.id(j) && !t.id(j, "type")) spaces.push(t.raw(j));
        j++;
      }
      const mod = t.id(j, "from") ? t.str(j + 1) : undefined;
      if (mod !== undefined && CHILD_PROCESS_MODULES.has(mod)) {
        names.imported = true;
        for (const [local, imported] of locals) if (CHILD_PROCESS_FNS.has(imported)) names.local.set(local, imported);
        for (const s of spaces) names.namespaces.add(s);
      }
      continue;
    }
    if (t.id(i, "require") && t.p(i + 1, "(") && t.p(i + 3, ")")) {
      const mod = t.str(i + 2);
      if (mod === undefined || !CHILD_PROCESS_MODULES.has(mod)) continue;
      names.imported = true;
      if (!t.p(i - 1, "=")) continue;
      if (t.id(i - 2)) names.namespaces.add(t.raw(i - 2));
      else if (t.p(i - 2, "}") && t.m(i - 2) >= 0) {
        // const { spawn, exec: run } = require("child_process")
        for (const [a, b] of splitTopLevel(t, t.m(i - 2) + 1, i - 2)) {
          if (!t.id(a)) continue;
          const imported = t.raw(a);
          const local = t.p(a + 1, ":") && t.id(a + 2) && a + 3 === b ? t.raw(a + 2) : imported;
          if (CHILD_PROCESS_FNS.has(imported)) names.local.set(local, imported);
        }
      }
    }
  }
  return names;
}

/** A child-process call at identifier i (followed by `(`), rendered as its literal command. */
function spawnAt(t: Tokens, i: number, cp: ChildProcessNames): NodeSourceFacts["subprocesses"][number] | undefined {
  const name = t.raw(i);
  const member = t.p(i - 1, ".") || t.p(i - 1, "?.");
  let fn: string | undefined;
  let trusted = false;
  if (member) {
    if (!CHILD_PROCESS_FNS.has(name)) return undefined;
    const obj = i - 2;
    if (t.id(obj) && (cp.namespaces.has(t.raw(obj)) || CHILD_PROCESS_NAMESPACES.has(t.raw(obj)))) trusted = true;
    else if (t.p(obj, ")") && t.m(obj) >= 2 && t.id(t.m(obj) - 1, "require")) {
      const mod = t.str(t.m(obj) + 1);
      if (mod === undefined || !CHILD_PROCESS_MODULES.has(mod)) return undefined;
      trusted = true;
    } else if (!t.id(obj, "cp")) return undefined; // `re.exec(s)`, `db.exec(sql)`…
    fn = name;
  } else {
    if (t.id(i - 1, "function")) return undefined;
    const local = cp.local.get(name);
    if (local !== undefined) { fn = local; trusted = true; } else if (CHILD_PROCESS_FNS.has(name)) fn = name;
    else return undefined;
  }
  const args = callArgs(t, i + 1);
  if (!args || args.length === 0) return undefined;
  const close = t.m(i + 1);
  if (!member && t.p(close + 1, "{")) return undefined; // a method named exec(...) { … }
  const first = args[0];
  if (!first) return undefined;
  // Without a child_process import, only a literal command tells a spawn from a look-alike.
  if (!trusted && literalText(t, first) === undefined) return undefined;

  const parts: string[] = [];
  if (fn === "fork") parts.push("node");
  parts.push(literalText(t, first) ?? "…");
  let opts: Range | undefined;
  if (fn === "exec" || fn === "execSync") {
    opts = args[1];
  } else {
    const second = args[1];
    if (second && isBracketed(t, second, "[")) {
      for (const el of splitTopLevel(t, second[0] + 1, second[1] - 1)) {
        parts.push(t.p(el[0], "...") ? "…" : (literalText(t, el) ?? "…"));
      }
      opts = args[2];
    } else if (second && isBracketed(t, second, "{")) {
      opts = second;
    } else if (second) {
      parts.push("…");
      opts = args[2];
    }
  }
  const out: NodeSourceFacts["subprocesses"][number] = {
    command: redactCommand(parts.join(" ").replace(/\s+/g, " ").trim()),
    line: t.ln(i),
  };
  const cwd = opts && isBracketed(t, opts, "{") ? objectProperty(t, opts, "cwd") : undefined;
  if (cwd) {
    const v = literalText(t, cwd) ?? dirnameJoin(t, cwd);
    if (v !== undefined && !v.includes("…")) out.cwd = redactSecrets(v);
  }
  return out;
}

/** The range is exactly one bracketed group opened by `open`. */
function isBracketed(t: Tokens, r: Range, open: string): boolean {
  return t.p(r[0], open) && t.m(r[0]) === r[1] - 1;
}

/** Value range of `key: value` (or shorthand-free `"key": value`) in the object literal `r`. */
function objectProperty(t: Tokens, r: Range, key: string): Range | undefined {
  for (const [a, b] of splitTopLevel(t, r[0] + 1, r[1] - 1)) {
    const k = t.id(a) ? t.raw(a) : t.str(a);
    if (k === key && t.p(a + 1, ":") && a + 2 < b) return [a + 2, b];
  }
  return undefined;
}

/**
 * The literal text of an expression: a string, a template with `…` for each substitution, or
 * literal strings joined by `+`. Undefined when any part is not literal.
 */
function literalText(t: Tokens, r: Range): string | undefined {
  const [from, to] = r;
  if (from >= to) return undefined;
  if (to - from === 1) {
    const s = t.str(from);
    if (s !== undefined) return s;
    if (t.k(from) === NUM) return t.raw(from);
    return undefined;
  }
  if (t.k(from) === TPL_HEAD) {
    let out = "";
    let j = from;
    while (j < to) {
      const k = t.k(j);
      if (k === TPL_HEAD || k === TPL_MID) {
        out += t.chunk(j) + "…";
        const m = t.m(j);
        if (m <= j || m >= to) return undefined;
        j = m;
      } else if (k === TPL_TAIL) {
        out += t.chunk(j);
        return j === to - 1 ? out : undefined;
      } else return undefined;
    }
    return undefined;
  }
  // "a" + "b"
  let out = "";
  for (let j = from; j < to; j += 2) {
    const s = t.str(j);
    if (s === undefined) return undefined;
    out += s;
    if (j + 1 < to && !t.p(j + 1, "+")) return undefined;
  }
  return out;
}

/** `path.join(__dirname, "a", "b")` / `path.resolve(__dirname, …)` → "a/b". */
function dirnameJoin(t: Tokens, r: Range): string | undefined {
  const [from, to] = r;
  if (!(t.id(from, "path") && t.p(from + 1, ".") && (t.id(from + 2, "join") || t.id(from + 2, "resolve")))) return undefined;
  if (!t.p(from + 3, "(") || t.m(from + 3) !== to - 1) return undefined;
  const args = callArgs(t, from + 3) ?? [];
  const [head, ...rest] = args;
  if (!head || head[1] - head[0] !== 1 || !t.id(head[0], "__dirname") || rest.length === 0) return undefined;
  const parts: string[] = [];
  for (const a of rest) {
    const s = literalText(t, a);
    if (s === undefined) return undefined;
    parts.push(s);
  }
  return parts.join("/").replace(/\/+/g, "/").replace(/^\.\//, "") || ".";
}

/** `x.listen(PORT)` / `listen(process.env.PORT || 8080)` / `listen({ port: 3000 })` at identifier i. */
function listenAt(t: Tokens, i: number, bindings: Map<string, Range>): NodeSourceFacts["listenPorts"][number] | undefined {
  const member = t.p(i - 1, ".") || t.p(i - 1, "?.");
  if (!member && (t.id(i - 1, "function") || t.id(i - 1, "async"))) return undefined;
  const close = t.m(i + 1);
  if (close < 0) return undefined;
  if (!member && (t.p(close + 1, "{") || t.p(close + 1, ":"))) return undefined; // method definition
  const first = (callArgs(t, i + 1) ?? [])[0];
  if (!first) return undefined;
  const port = evalPort(t, first, bindings, 0);
  if (port.port === undefined && port.portFromEnv === undefined) {
    // Keep `listen(port)` with an unknown value, but not `io.listen(server)` or a socket path.
    let portLike = false;
    for (let j = first[0]; j < first[1] && j < first[0] + 64; j++) if (t.id(j) && /port/i.test(t.raw(j))) portLike = true;
    if (!portLike) return undefined;
  }
  return { ...port, line: t.ln(i) };
}

/** What a port expression says: a literal port, the env var it reads, or both (`PORT || 8080`). */
function evalPort(t: Tokens, r: Range, bindings: Map<string, Range>, depth: number): { port?: number; portFromEnv?: string } {
  const [from, to] = r;
  const out: { port?: number; portFromEnv?: string } = {};
  if (from >= to || depth > 3) return out;
  if (to - from === 1) {
    const lit = literalAt(t, from);
    if (lit !== undefined) {
      const p = asPort(lit);
      if (p !== undefined) out.port = p;
      return out;
    }
    if (t.id(from)) {
      const b = bindings.get(t.raw(from));
      return b ? evalPort(t, b, bindings, depth + 1) : out;
    }
    return out;
  }
  if (isBracketed(t, r, "{")) {
    const v = objectProperty(t, r, "port");
    return v ? evalPort(t, v, bindings, depth + 1) : out;
  }
  const limit = Math.min(to, from + 64);
  // Follow at most one variable per level so a long expression stays cheap.
  let followed = false;
  for (let j = from; j < limit; j++) {
    const a = t.k(j) === ID ? envAccessAt(t, j) : undefined;
    if (a) {
      out.portFromEnv ??= a.name;
      if (out.port === undefined) {
        const d = envReadOf(t, a).defaultValue;
        const p = d === undefined ? undefined : asPort(d);
        if (p !== undefined) out.port = p;
      }
      j = a.end;
      continue;
    }
    if ((t.p(j, "||") || t.p(j, "??")) && out.port === undefined) {
      const lit = literalAt(t, j + 1);
      const p = lit === undefined ? undefined : asPort(lit);
      if (p !== undefined) out.port = p;
      else if (!followed && t.id(j + 1) && !t.p(j + 2, "(") && !t.p(j + 2, ".")) {
        const b = bindings.get(t.raw(j + 1));
        if (b) {
          followed = true;
          out.port = evalPort(t, b, bindings, depth + 1).port;
        }
      }
      continue;
    }
    // Number(PORT), parseInt(port, 10): follow a plain variable once.
    if (!followed && t.id(j) && !t.p(j + 1, "(") && !t.p(j + 1, ".") && !t.p(j - 1, ".") && out.portFromEnv === undefined) {
      const b = bindings.get(t.raw(j));
      if (b) {
        followed = true;
        const inner = evalPort(t, b, bindings, depth + 1);
        if (inner.portFromEnv !== undefined) out.portFromEnv = inner.portFromEnv;
        if (out.port === undefined && inner.port !== undefined) out.port = inner.port;
      }
    }
  }
  if (out.port === undefined) delete out.port;
  return out;
}

function asPort(v: string | number): number | undefined {
  const n = typeof v === "number" ? v : /^\s*\d{1,5}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** Literal string values of `key: "…"` properties, comments and strings elsewhere ignored. */
export function stringPropertyValues(text: string, key: string): string[] {
  const out: string[] = [];
  try {
    const t = tokenizeJs(text);
    for (let i = 0; i + 2 < t.n; i++) {
      const k = t.id(i) ? t.raw(i) : t.k(i) === STR ? t.str(i) : undefined;
      if (k !== key || !t.p(i + 1, ":") || t.p(i - 1, "?")) continue;
      const v = t.str(i + 2);
      if (v !== undefined && isExpressionEnd(t, i + 3, i + 2)) out.push(v);
    }
  } catch {
    // Nothing found is a true answer for input we cannot read.
  }
  return out;
}
