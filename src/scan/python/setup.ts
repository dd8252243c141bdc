/**
 * setuptools metadata: setup.cfg (an INI file, read with a small reader that keeps line numbers) and
 * setup.py (parsed with @lezer/python; only literal values are read, never executed). A setup.py that
 * computes its requirements (reads a file, calls a helper) gets a `setup-py-dynamic` info diagnostic,
 * and any requirements-file name seen in that expression is recorded as an include.
 */
import { parser } from "@lezer/python";
import type { SyntaxNode } from "@lezer/common";
import { at, diagnostic, lineIndex } from "../../core/evidence.js";
import type { ManifestFacts } from "../facts.js";
import { parseRequirementSpec, toDependency } from "./pep508.js";

// ---------------------------------------------------------------------------------------------
// setup.cfg

interface IniValue {
  line: number;
  /** The value's first line (after `=`) and each continuation line, with their line numbers. */
  parts: { text: string; line: number }[];
}

type Ini = Map<string, Map<string, IniValue>>;

/** configparser-like: `[section]`, `key = value` / `key: value`, indented continuation lines; keys lowercased. */
function readIni(text: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, IniValue> | undefined;
  let current: IniValue | undefined;
  const lines = text.replace(/^\ufeff/, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? "").replace(/\r$/, "");
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    const indented = /^[ \t]/.test(raw);
    if (indented && current) {
      current.parts.push({ text: trimmed, line: i + 1 });
      continue;
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    current = undefined;
    if (!indented && trimmed.startsWith("[")) {
      const close = trimmed.indexOf("]");
      if (close > 0) {
        const name = trimmed.slice(1, close).trim();
        section = ini.get(name) ?? new Map();
        ini.set(name, section);
        continue;
      }
    }
    if (!section) continue;
    const sep = firstSeparator(trimmed);
    if (sep <= 0) continue;
    const key = trimmed.slice(0, sep).trim().toLowerCase();
    const first = trimmed.slice(sep + 1).trim();
    current = { line: i + 1, parts: first === "" ? [] : [{ text: first, line: i + 1 }] };
    section.set(key, current);
  }
  return ini;
}

function firstSeparator(s: string): number {
  const eq = s.indexOf("=");
  const colon = s.indexOf(":");
  if (eq < 0) return colon;
  if (colon < 0) return eq;
  return Math.min(eq, colon);
}

/** Drops an inline `  # comment`: setuptools only drops whole comment lines, but nobody means the comment as a requirement. */
function stripInlineComment(s: string): string {
  for (let i = s.indexOf("#"); i >= 0; i = s.indexOf("#", i + 1)) {
    if (i === 0 || /\s/.test(s[i - 1] ?? "")) return s.slice(0, i).trim();
  }
  return s.trim();
}

/** setuptools' list rule: one item per line, or `;`-separated when the value is a single line. */
function requirementItems(value: IniValue): { text: string; line: number }[] {
  const parts = value.parts.length === 1 && value.parts[0] ? splitSemicolons(value.parts[0]) : value.parts;
  return parts.map((p) => ({ text: stripInlineComment(p.text), line: p.line })).filter((p) => p.text !== "" && !p.text.startsWith("#"));
}

function splitSemicolons(part: { text: string; line: number }): { text: string; line: number }[] {
  return part.text.split(";").map((text) => ({ text, line: part.line }));
}

/** Parses setup.cfg's `[options]` / `[options.extras_require]` / `[metadata]` (never throws). */
export function parseSetupCfg(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "setup.cfg", dependencies: [], includes: [], indexUrls: [], diagnostics: [], tool: "setuptools" };
  const ini = readIni(text);
  const options = ini.get("options");
  // setuptools still accepts the deprecated dashed spellings (install-requires).
  const option = (key: string) => options?.get(key) ?? options?.get(key.replace(/_/g, "-"));
  const name = ini.get("metadata")?.get("name")?.parts[0]?.text;
  if (name !== undefined) facts.projectName = stripInlineComment(name);
  const pythonRequires = option("python_requires")?.parts[0]?.text;
  if (pythonRequires !== undefined && stripInlineComment(pythonRequires) !== "") facts.pythonRequires = stripInlineComment(pythonRequires);

  const readList = (value: IniValue | undefined, group: string) => {
    if (!value) return;
    const first = value.parts[0];
    if (value.parts.length === 1 && first && /^file\s*:/i.test(first.text)) {
      for (const path of first.text.replace(/^file\s*:/i, "").split(",")) {
        const p = path.trim();
        if (p !== "") facts.includes.push({ kind: "requirement", path: p, line: first.line });
      }
      return;
    }
    for (const item of requirementItems(value)) {
      const req = parseRequirementSpec(item.text);
      if (req) facts.dependencies.push(toDependency(req, file, item.line, group));
      else facts.diagnostics.push(diagnostic("warning", "manifest-unparsed-dependency", "A setup.cfg requirement is not PEP 508", [at(file, item.line)]));
    }
  };
  readList(option("install_requires"), "main");
  for (const [extra, value] of ini.get("options.extras_require") ?? []) readList(value, `optional:${extra}`);
  return facts;
}

// ---------------------------------------------------------------------------------------------
// setup.py

/** Bounds recursion through names and `+` chains so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 40;
/** Bounds total evaluation work: `A = B + B; B = C + C; …` would otherwise double at every level. */
const MAX_STEPS = 200_000;

interface PyCtx {
  src: string;
  file: string;
  lineOf: (offset: number) => number;
  /** Module-level `NAME = <expr>` bindings (the last one before use wins). */
  bindings: Map<string, SyntaxNode[]>;
  facts: ManifestFacts;
  steps: number;
}

interface StringItem {
  text: string;
  line: number;
}

type ListResult = { ok: true; items: StringItem[] } | { ok: false; at: SyntaxNode };

/** Parses setup.py's `setup(...)` call for literal requirements (never throws, never executes). */
export function parseSetupPy(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "setup.py", dependencies: [], includes: [], indexUrls: [], diagnostics: [], tool: "setuptools" };
  const tree = parser.parse(text);
  const ctx: PyCtx = { src: text, file, lineOf: lineIndex(text), bindings: new Map(), facts, steps: 0 };

  for (let stmt = tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) {
    if (stmt.name !== "AssignStatement") continue;
    const target = stmt.firstChild;
    const op = target?.nextSibling;
    const value = op?.nextSibling;
    if (target?.name !== "VariableName" || op?.name !== "AssignOp" || !value || value.nextSibling) continue;
    const name = text.slice(target.from, target.to);
    const list = ctx.bindings.get(name) ?? [];
    list.push(value);
    ctx.bindings.set(name, list);
  }

  const call = findSetupCall(tree.topNode, text);
  if (!call) {
    facts.diagnostics.push(diagnostic("info", "setup-py-no-setup-call", "No setup(...) call found; nothing to read", [at(file, 1)]));
    return facts;
  }
  const kwargs = keywordArguments(ctx, call, 0);

  const name = kwargs.get("name");
  if (name) {
    const s = stringValue(ctx, name, 0);
    if (s !== null) facts.projectName = s;
  }
  const pythonRequires = kwargs.get("python_requires");
  if (pythonRequires) {
    const s = stringValue(ctx, pythonRequires, 0);
    if (s !== null && s.trim() !== "") facts.pythonRequires = s.trim();
    else dynamic(ctx, pythonRequires, "python_requires");
  }
  const install = kwargs.get("install_requires");
  if (install) addRequirements(ctx, install, "main", "install_requires");
  const extras = kwargs.get("extras_require");
  if (extras) readExtras(ctx, extras);
  return facts;
}

/** The first call to `setup(...)` or `<module>.setup(...)`, anywhere (often under `if __name__ == "__main__":`). */
function findSetupCall(top: SyntaxNode, src: string): SyntaxNode | null {
  const cursor = top.cursor();
  do {
    if (cursor.name !== "CallExpression") continue;
    const callee = cursor.node.firstChild;
    if (!callee) continue;
    if (callee.name === "VariableName" && src.slice(callee.from, callee.to) === "setup") return cursor.node;
    if (callee.name === "MemberExpression") {
      const prop = callee.lastChild;
      if (prop?.name === "PropertyName" && src.slice(prop.from, prop.to) === "setup") return cursor.node;
    }
  } while (cursor.next());
  return null;
}

/** keyword → value node of a call, following `**name` into a module-level `dict(...)` or `{...}`. */
function keywordArguments(ctx: PyCtx, call: SyntaxNode, depth: number): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const args = call.getChild("ArgList");
  if (!args || depth > MAX_DEPTH) return out;
  for (let n = args.firstChild; n; n = n.nextSibling) {
    if (n.name === "VariableName" && n.nextSibling?.name === "AssignOp" && n.nextSibling.nextSibling) {
      out.set(ctx.src.slice(n.from, n.to), n.nextSibling.nextSibling);
      n = n.nextSibling.nextSibling;
    } else if (n.name === "**" && n.nextSibling) {
      const target = n.nextSibling;
      for (const [k, v] of spreadArguments(ctx, target, call.from, depth + 1)) if (!out.has(k)) out.set(k, v);
      n = target;
    }
  }
  return out;
}

function spreadArguments(ctx: PyCtx, node: SyntaxNode, before: number, depth: number): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const value = node.name === "VariableName" ? resolve(ctx, node, before) : node;
  if (!value || depth > MAX_DEPTH) {
    ctx.facts.diagnostics.push(diagnostic("info", "setup-py-dynamic", "setup() receives **arguments that are not a literal dict; not read", [at(ctx.file, ctx.lineOf(node.from))]));
    return out;
  }
  if (value.name === "CallExpression" && value.firstChild && ctx.src.slice(value.firstChild.from, value.firstChild.to) === "dict") {
    return keywordArguments(ctx, value, depth);
  }
  if (value.name === "DictionaryExpression") {
    for (const [key, v] of dictEntries(ctx, value)) out.set(key.text, v);
    return out;
  }
  ctx.facts.diagnostics.push(diagnostic("info", "setup-py-dynamic", "setup() receives **arguments that are not a literal dict; not read", [at(ctx.file, ctx.lineOf(node.from))]));
  return out;
}

/** The last module-level binding of a name made before `before` (or any, if all come later). */
function resolve(ctx: PyCtx, name: SyntaxNode, before: number): SyntaxNode | undefined {
  const list = ctx.bindings.get(ctx.src.slice(name.from, name.to));
  if (!list) return undefined;
  let best: SyntaxNode | undefined;
  for (const v of list) if (v.from < before) best = v;
  return best ?? list[list.length - 1];
}

function addRequirements(ctx: PyCtx, node: SyntaxNode, group: string, what: string): void {
  const result = stringList(ctx, node, 0);
  if (!result.ok) {
    dynamic(ctx, result.at, what);
    recordRequirementFiles(ctx, node);
    return;
  }
  for (const item of result.items) {
    const req = parseRequirementSpec(item.text);
    if (req) ctx.facts.dependencies.push(toDependency(req, ctx.file, item.line, group));
    else ctx.facts.diagnostics.push(diagnostic("warning", "manifest-unparsed-dependency", `An ${what} entry is not PEP 508`, [at(ctx.file, item.line)]));
  }
}

/** A list/tuple of string literals, a name bound to one, a `+` of those, or a newline-separated string. */
function stringList(ctx: PyCtx, node: SyntaxNode, depth: number): ListResult {
  if (depth > MAX_DEPTH || ++ctx.steps > MAX_STEPS) return { ok: false, at: node };
  switch (node.name) {
    case "ArrayExpression":
    case "TupleExpression": {
      const items: StringItem[] = [];
      for (let c = node.firstChild; c; c = c.nextSibling) {
        // Error nodes come from lezer's recovery (a stray comma): skip them, keep the literals around them.
        if (c.type.isError || c.name === "[" || c.name === "]" || c.name === "(" || c.name === ")" || c.name === ",") continue;
        if (c.name === "*" && c.nextSibling) {
          const inner = stringList(ctx, c.nextSibling, depth + 1);
          if (!inner.ok) return inner;
          items.push(...inner.items);
          c = c.nextSibling;
          continue;
        }
        const s = stringValue(ctx, c, depth + 1);
        if (s === null) return { ok: false, at: c };
        items.push({ text: s, line: ctx.lineOf(c.from) });
      }
      return { ok: true, items };
    }
    case "ParenthesizedExpression": {
      const inner = node.firstChild?.nextSibling;
      return inner && inner.name !== ")" ? stringList(ctx, inner, depth + 1) : { ok: false, at: node };
    }
    case "VariableName": {
      const bound = resolve(ctx, node, node.from);
      return bound ? stringList(ctx, bound, depth + 1) : { ok: false, at: node };
    }
    case "BinaryExpression": {
      const left = node.firstChild;
      const op = left?.nextSibling;
      const right = op?.nextSibling;
      if (!left || !right || op?.name !== "ArithOp" || ctx.src.slice(op.from, op.to) !== "+") return { ok: false, at: node };
      const l = stringList(ctx, left, depth + 1);
      if (!l.ok) return l;
      const r = stringList(ctx, right, depth + 1);
      if (!r.ok) return r;
      return { ok: true, items: [...l.items, ...r.items] };
    }
    case "String":
    case "ContinuedString": {
      const s = stringValue(ctx, node, depth + 1);
      if (s === null) return { ok: false, at: node };
      const first = ctx.lineOf(node.from);
      const items: StringItem[] = [];
      s.split("\n").forEach((text, i) => {
        const t = text.trim();
        if (t !== "" && !t.startsWith("#")) items.push({ text: t, line: first + i });
      });
      return { ok: true, items };
    }
    default:
      return { ok: false, at: node };
  }
}

/** The value of a string literal (or implicit concatenation, or a name bound to one); null when not literal. */
function stringValue(ctx: PyCtx, node: SyntaxNode, depth: number): string | null {
  if (depth > MAX_DEPTH || ++ctx.steps > MAX_STEPS) return null;
  if (node.name === "String") return decodeString(ctx.src.slice(node.from, node.to));
  if (node.name === "ContinuedString") {
    let out = "";
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.name !== "String") return null;
      const s = decodeString(ctx.src.slice(c.from, c.to));
      if (s === null) return null;
      out += s;
    }
    return out;
  }
  if (node.name === "VariableName") {
    const bound = resolve(ctx, node, node.from);
    return bound ? stringValue(ctx, bound, depth + 1) : null;
  }
  if (node.name === "ParenthesizedExpression") {
    const inner = node.firstChild?.nextSibling;
    return inner ? stringValue(ctx, inner, depth + 1) : null;
  }
  return null;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "\n": "" };

/** Decodes a Python string literal's text; null for bytes or anything malformed. */
function decodeString(lit: string): string | null {
  const prefix = /^[A-Za-z]*/.exec(lit)?.[0].toLowerCase() ?? "";
  if (prefix.includes("b") || prefix.includes("f")) return null;
  const body = lit.slice(prefix.length);
  const q = body.startsWith('"""') || body.startsWith("'''") ? body.slice(0, 3) : body.slice(0, 1);
  if ((q !== '"' && q !== "'" && q !== '"""' && q !== "'''") || body.length < 2 * q.length || !body.endsWith(q)) return null;
  const inner = body.slice(q.length, body.length - q.length);
  if (prefix.includes("r")) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] ?? "";
    if (ch !== "\\" || i + 1 >= inner.length) {
      out += ch;
      continue;
    }
    const next = inner[i + 1] ?? "";
    const mapped = ESCAPES[next];
    out += mapped ?? "\\" + next;
    i++;
  }
  return out;
}

/** Dictionary entries with string keys; `**spread` and computed keys are reported and skipped. */
function dictEntries(ctx: PyCtx, dict: SyntaxNode): [StringItem, SyntaxNode][] {
  const out: [StringItem, SyntaxNode][] = [];
  for (let c = dict.firstChild; c; c = c.nextSibling) {
    if (c.type.isError || c.name === "{" || c.name === "}" || c.name === ",") continue;
    if (c.name === "**") {
      if (c.nextSibling) dynamic(ctx, c.nextSibling, "a dict spread");
      c = c.nextSibling ?? c;
      continue;
    }
    const colon = c.nextSibling;
    const value = colon?.nextSibling;
    if (colon?.name !== ":" || !value) continue;
    const key = stringValue(ctx, c, 0);
    if (key === null) dynamic(ctx, c, "a computed dict key");
    else out.push([{ text: key, line: ctx.lineOf(c.from) }, value]);
    c = value;
  }
  return out;
}

function readExtras(ctx: PyCtx, node: SyntaxNode): void {
  let dict: SyntaxNode | undefined = node;
  for (let depth = 0; dict?.name === "VariableName" && depth < MAX_DEPTH; depth++) dict = resolve(ctx, dict, dict.from);
  if (dict?.name !== "DictionaryExpression") {
    dynamic(ctx, node, "extras_require");
    return;
  }
  for (const [key, value] of dictEntries(ctx, dict)) addRequirements(ctx, value, `optional:${key.text}`, `extras_require["${key.text.slice(0, 40)}"]`);
}

function dynamic(ctx: PyCtx, node: SyntaxNode, what: string): void {
  ctx.facts.diagnostics.push(
    diagnostic("info", "setup-py-dynamic", `${what} is computed, not a literal; its value was not read`, [at(ctx.file, ctx.lineOf(node.from))]),
  );
}

/** `install_requires=open("requirements.txt")…`: the file named in the expression is what gets installed. */
function recordRequirementFiles(ctx: PyCtx, node: SyntaxNode): void {
  const cursor = node.cursor();
  const end = node.to;
  do {
    if (cursor.from >= end) break;
    if (cursor.name !== "String") continue;
    const s = decodeString(ctx.src.slice(cursor.from, cursor.to));
    if (s !== null && s.length <= 200 && /^[\w./-]*requirements[\w./-]*\.(txt|in)$/i.test(s)) {
      ctx.facts.includes.push({ kind: "requirement", path: s, line: ctx.lineOf(cursor.from) });
    }
  } while (cursor.next());
}
