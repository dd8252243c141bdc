/** Reads import statements into imported modules and the local names they bind. */
import type { SyntaxNode } from "@lezer/common";
import { kids } from "./tree.js";

/** A local name an import binds. */
export interface ImportBinding {
  /** Local name (`gr` in `import gradio as gr`). */
  local: string;
  /** Dotted name it stands for (`gradio`, `flask.Flask`). */
  target: string;
  /** `module` for `import x [as y]`, `name` for `from x import y`. */
  kind: "module" | "name";
}

/** What one import statement loads and binds. */
export interface ParsedImport {
  /** Absolute dotted modules the statement loads (relative ones are left out). */
  modules: string[];
  bindings: ImportBinding[];
  /** Modules imported with `from x import *`. */
  stars: string[];
  /**
   * Every module the statement may load, for the import graph between the app's own files:
   * `from a.b import c` → a.b and a.b.c (c may be a submodule); relative ones keep their dots
   * (`from .x import y` → .x, .x.y; `from . import y` → .y).
   */
  refs: string[];
}

/** Parses one ImportStatement node; relative imports (`from . import x`) bind nothing. */
export function parseImport(node: SyntaxNode, text: string): ParsedImport {
  const out: ParsedImport = { modules: [], bindings: [], stars: [], refs: [] };
  const parts = kids(node);
  const word = (n: SyntaxNode) => text.slice(n.from, n.to);
  if (parts[0]?.name === "from") {
    let i = 1;
    let relative = false;
    let dots = "";
    const path: string[] = [];
    for (; i < parts.length && parts[i]!.name !== "import"; i++) {
      const p = parts[i]!;
      if (p.name === "VariableName") path.push(word(p));
      else if (p.name === "." || p.name === "Ellipsis") {
        if (path.length === 0) {
          relative = true;
          dots += p.name === "." ? "." : "...";
        }
      }
    }
    if (relative || path.length === 0) {
      const base = `${dots}${path.join(".")}`;
      if (path.length > 0) out.refs.push(base);
      for (let j = i + 1; j < parts.length; j++) {
        const p = parts[j]!;
        if (p.name === "VariableName" && parts[j - 1]?.name !== "as") out.refs.push(path.length > 0 ? `${base}.${word(p)}` : `${base}${word(p)}`);
      }
      return out;
    }
    const module = path.join(".");
    out.modules.push(module);
    out.refs.push(module);
    for (i++; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.name === "*") out.stars.push(module);
      if (p.name !== "VariableName") continue;
      const name = word(p);
      out.refs.push(`${module}.${name}`);
      const alias = parts[i + 1]?.name === "as" && parts[i + 2]?.name === "VariableName" ? word(parts[i + 2]!) : undefined;
      out.bindings.push({ local: alias ?? name, target: `${module}.${name}`, kind: "name" });
      if (alias !== undefined) i += 2;
    }
    return out;
  }
  // import a.b.c [as x], d
  let path: string[] = [];
  const flush = (alias?: string) => {
    if (path.length === 0) return;
    const module = path.join(".");
    out.modules.push(module);
    out.refs.push(module);
    if (alias !== undefined) out.bindings.push({ local: alias, target: module, kind: "module" });
    else out.bindings.push({ local: path[0]!, target: path[0]!, kind: "module" });
    path = [];
  };
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.name === "VariableName") path.push(word(p));
    else if (p.name === "as") {
      const alias = parts[i + 1]?.name === "VariableName" ? word(parts[i + 1]!) : undefined;
      flush(alias);
      i++;
    } else if (p.name === ",") flush();
  }
  flush();
  return out;
}
