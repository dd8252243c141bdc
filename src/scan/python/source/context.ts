/** What every detector of the Python source analyzer shares: the file, its resolved calls, the facts. */
import type { SyntaxNode } from "@lezer/common";
import type { PythonFacts } from "../../facts.js";
import { arg, callArgs, callParts, memberParts, type Args, type LineIndex } from "./tree.js";
import { effective, UNKNOWN, type Resolver, type Val } from "./values.js";
import type { Walked } from "./walk.js";

/** A call with its callee key resolved once. */
export interface CallSite {
  node: SyntaxNode;
  scope: number;
  callee: SyntaxNode | null;
  /** Dotted key, e.g. `uvicorn.run`, `flask.Flask().run`. */
  key?: string;
  /** For a method call `x.m(...)`: the method name and the receiver node. */
  method?: string;
  receiver?: SyntaxNode;
  args: Args;
  line: number;
}

/** An env read from any source (call, subscript, settings field). */
export interface EnvUse {
  name: string;
  def?: Val;
  opaqueDefault?: boolean;
  line: number;
}

/** Shared state of one file's analysis. */
export interface Ctx {
  text: string;
  file: string;
  lines: LineIndex;
  r: Resolver;
  walked: Walked;
  calls: CallSite[];
  /** Every imported dotted module and its top-level package. */
  imported: Set<string>;
  envUses: EnvUse[];
  facts: PythonFacts;
  /** Keys of facts already recorded, so repeated findings stay out in O(1). */
  seen: Set<string>;
}

/** Builds the resolved call list. */
export function callSites(walked: Walked, r: Resolver, lines: LineIndex): CallSite[] {
  return walked.calls.map(({ node, scope }) => {
    const { callee, argList } = callParts(node);
    const site: CallSite = { node, scope, callee, args: callArgs(argList, r.text), line: lines.line(node.from) };
    if (callee) {
      site.key = r.key(callee, scope);
      const m = memberParts(callee, r.text);
      if (m) {
        site.method = m.property;
        site.receiver = m.object;
      }
    }
    return site;
  });
}

/** Evaluates an argument by position and/or keyword; UNKNOWN when absent. */
export function argVal(ctx: Ctx, site: CallSite, index: number, keyword?: string): Val {
  const n = arg(site.args, index, keyword);
  return n ? ctx.r.eval(n, site.scope) : UNKNOWN;
}

/** Whether the call has the argument at all. */
export function hasArg(site: CallSite, index: number, keyword?: string): boolean {
  return arg(site.args, index, keyword) !== undefined;
}

/** Inside `if __name__ == "__main__":`. */
export function underMain(ctx: Ctx, pos: number): boolean {
  return ctx.walked.mainBodies.some(([from, to]) => pos >= from && pos < to);
}

/** The text of a literal string value, looking through an env read to its default. */
export function literalString(v: Val): string | undefined {
  const e = effective(v);
  return e.t === "str" ? e.v : undefined;
}

/** The part of a key before its first call: `gradio.Blocks().queue()` → `gradio.Blocks`. */
export function constructorOf(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const i = key.indexOf("()");
  return i < 0 ? undefined : key.slice(0, i);
}

/** True the first time a fact key is seen. */
export function firstTime(ctx: Ctx, key: string): boolean {
  if (ctx.seen.has(key)) return false;
  ctx.seen.add(key);
  return true;
}

/** Whether the file imports this module (or a submodule of it). */
export function imports(ctx: Ctx, module: string): boolean {
  return ctx.imported.has(module);
}
