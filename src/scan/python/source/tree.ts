/**
 * Small helpers over lezer syntax nodes: line numbers, call arguments, string literals.
 * Everything here is bounded (no unbounded recursion) because lezer trees of hostile input can be
 * thousands of levels deep.
 */
import type { SyntaxNode } from "@lezer/common";
import { lineIndex } from "../../../core/evidence.js";

/** Maps character offsets to 1-based lines in O(log n) after one linear pass. */
export class LineIndex {
  readonly line: (offset: number) => number;

  constructor(text: string) {
    this.line = lineIndex(text);
  }
}

/** The children of a node, error nodes left out. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!c.type.isError) out.push(c);
  return out;
}

/** Arguments of a call, split the way Python binds them. */
export interface Args {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** `*args` or `**kwargs` present: positions after it are not known. */
  spread: boolean;
}

const PUNCT = new Set(["(", ")", ","]);

/** Splits an ArgList node into positional and keyword arguments. */
export function callArgs(argList: SyntaxNode | null, text: string): Args {
  const args: Args = { positional: [], keywords: new Map(), spread: false };
  if (!argList) return args;
  const list = kids(argList);
  for (let i = 0; i < list.length; i++) {
    const n = list[i]!;
    if (PUNCT.has(n.name)) continue;
    if (n.name === "*" || n.name === "**") {
      args.spread = true;
      i++;
      continue;
    }
    const next = list[i + 1];
    if (n.name === "VariableName" && next?.name === "AssignOp") {
      const value = list[i + 2];
      if (value && !PUNCT.has(value.name)) args.keywords.set(text.slice(n.from, n.to), value);
      i += 2;
      continue;
    }
    args.positional.push(n);
  }
  return args;
}

/** Argument by keyword, else by position (when no spread came before it). */
export function arg(args: Args, index: number, keyword?: string): SyntaxNode | undefined {
  if (keyword !== undefined) {
    const k = args.keywords.get(keyword);
    if (k) return k;
  }
  return index >= 0 ? args.positional[index] : undefined;
}

/** The callee and argument list of a CallExpression. */
export function callParts(call: SyntaxNode): { callee: SyntaxNode | null; argList: SyntaxNode | null } {
  const callee = call.firstChild;
  const argList = call.getChild("ArgList");
  return { callee: callee && !callee.type.isError && callee.name !== "ArgList" ? callee : null, argList };
}

/** For `a.b` returns [a, "b"]; for anything else undefined. */
export function memberParts(node: SyntaxNode, text: string): { object: SyntaxNode; property: string } | undefined {
  if (node.name !== "MemberExpression") return undefined;
  const object = node.firstChild;
  const prop = node.lastChild;
  if (!object || !prop || prop.name !== "PropertyName") return undefined;
  return { object, property: text.slice(prop.from, prop.to) };
}

/** For `a["k"]` returns [a, key node]; for anything else undefined. */
export function subscriptParts(node: SyntaxNode): { object: SyntaxNode; key: SyntaxNode } | undefined {
  if (node.name !== "MemberExpression") return undefined;
  const object = node.firstChild;
  const open = object?.nextSibling;
  const key = open?.nextSibling;
  if (!object || open?.name !== "[" || !key || key.name === "]") return undefined;
  return { object, key };
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"' };

/** Splits a string token into its prefix (r, b, f…) and the body between the quotes. */
export function stringBody(raw: string): { prefix: string; body: string; start: number } {
  let i = 0;
  while (i < raw.length && i < 3 && /[rRbBuUfF]/.test(raw[i]!)) i++;
  const prefix = raw.slice(0, i).toLowerCase();
  const quote = raw.startsWith('"""', i) || raw.startsWith("'''", i) ? raw.slice(i, i + 3) : raw.slice(i, i + 1);
  let body = raw.slice(i + quote.length);
  if (quote && body.length >= quote.length && body.endsWith(quote)) body = body.slice(0, body.length - quote.length);
  return { prefix, body, start: i + quote.length };
}

/** Decodes the common escapes of a non-raw literal; others are kept as written. */
export function unescape(body: string, raw: boolean): string {
  if (raw || !body.includes("\\")) return body;
  return body.replace(/\\(.)/gs, (m, c: string) => ESCAPES[c] ?? (c === "\n" ? "" : m));
}

/** Value of a plain (non-f) string literal or an implicit concatenation of them. */
export function stringValue(node: SyntaxNode, text: string): string | undefined {
  if (node.name === "String") {
    const { prefix, body } = stringBody(text.slice(node.from, node.to));
    return unescape(body, prefix.includes("r"));
  }
  if (node.name === "ContinuedString") {
    let out = "";
    for (const part of kids(node)) {
      const v = stringValue(part, text);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  return undefined;
}
