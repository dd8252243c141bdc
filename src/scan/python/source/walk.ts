/**
 * One iterative pass over the lezer tree that collects every node the rules look at and every name
 * binding, with the scope it lives in. Iterative on purpose: lezer trees of hostile input can be
 * thousands of levels deep, and recursion would blow the stack.
 */
import type { SyntaxNode, Tree } from "@lezer/common";
import { kids } from "./tree.js";

/** Scope id of the module; function and class scopes use the offset where they start. */
export const MODULE = -1;

/** A name bound by an assignment, `with … as`, a loop or a parameter. */
export interface Binding {
  name: string;
  scope: number;
  /** Offset from which the binding is visible (the end of the value). */
  at: number;
  /** Bound value; null when it is not knowable (parameters, tuple unpacking, loop variables). */
  value: SyntaxNode | null;
  /** Memo slots filled by the resolver. */
  memo?: unknown;
  keyMemo?: string | null;
  busy?: boolean;
}

/** A node of interest together with the scope it appears in. */
export interface Site {
  node: SyntaxNode;
  scope: number;
}

/** Everything the single walk collects. */
export interface Walked {
  errors: number;
  imports: SyntaxNode[];
  calls: Site[];
  decorators: Site[];
  /** `x[...]` reads (not assignment or del targets): candidates for os.environ["X"]. */
  subscripts: Site[];
  classes: Site[];
  /** Assignments to attributes or items: `app.config["X"] = v`, `os.environ["HF_HOME"] = v`. */
  memberAssigns: { target: SyntaxNode; value: SyntaxNode; scope: number }[];
  /** Simple `name = value` assignments, for app objects and device strings. */
  assigns: { target: SyntaxNode; value: SyntaxNode; scope: number }[];
  bindings: Binding[];
  /** String literals that hold a URL or a marker worth a look. */
  strings: Site[];
  /** `return Call(...)`, to find settings factories. */
  returns: Site[];
  /** Bodies of `if __name__ == "__main__":` blocks. */
  mainBodies: [number, number][];
  scopeParent: Map<number, number>;
  scopeKind: Map<number, "function" | "class">;
  scopeName: Map<number, string>;
}

const STRING_MARKERS = [
  "://",
  "huggingface.co",
  "accounts.google.com",
  "googleapis.com",
  "CUDAExecutionProvider",
  "supabase.co",
];

function isMainGuard(cond: SyntaxNode | undefined, text: string): boolean {
  if (!cond || cond.name !== "BinaryExpression") return false;
  const parts = kids(cond);
  if (parts.length !== 3 || text.slice(parts[1]!.from, parts[1]!.to) !== "==") return false;
  const sides = [parts[0]!, parts[2]!].map((n) => text.slice(n.from, n.to));
  return sides.includes("__name__") && sides.some((s) => s === '"__main__"' || s === "'__main__'");
}

/** Walks the tree once and returns what the rules need. */
export function walk(tree: Tree, text: string): Walked {
  const w: Walked = {
    errors: 0,
    imports: [],
    calls: [],
    decorators: [],
    subscripts: [],
    classes: [],
    memberAssigns: [],
    assigns: [],
    bindings: [],
    strings: [],
    returns: [],
    mainBodies: [],
    scopeParent: new Map(),
    scopeKind: new Map(),
    scopeName: new Map(),
  };
  const stack: number[] = [MODULE];
  const scope = () => stack[stack.length - 1] ?? MODULE;
  const bind = (name: SyntaxNode, value: SyntaxNode | null, at: number) => {
    w.bindings.push({ name: text.slice(name.from, name.to), scope: scope(), at, value });
  };

  const enter = (node: SyntaxNode) => {
    switch (node.name) {
      case "ImportStatement":
        w.imports.push(node);
        break;
      case "FunctionDefinition":
      case "ClassDefinition": {
        const id = node.from;
        w.scopeParent.set(id, scope());
        w.scopeKind.set(id, node.name === "ClassDefinition" ? "class" : "function");
        const nameNode = node.getChild("VariableName");
        if (nameNode) w.scopeName.set(id, text.slice(nameNode.from, nameNode.to));
        if (node.name === "ClassDefinition") w.classes.push({ node, scope: scope() });
        stack.push(id);
        const params = node.getChild("ParamList");
        if (params) {
          let prev = "(";
          for (const p of kids(params)) {
            if (p.name === "VariableName" && (prev === "(" || prev === "," || prev === "*" || prev === "**")) bind(p, null, p.to);
            prev = p.name;
          }
        }
        break;
      }
      case "AssignStatement": {
        const parts = kids(node);
        let lastOp = -1;
        parts.forEach((p, i) => {
          if (p.name === "AssignOp") lastOp = i;
        });
        const value = parts[parts.length - 1];
        if (!value || lastOp < 0) break;
        // `x = 1, 2` binds a tuple: the last node alone is not the value.
        const bareTuple = parts.length - lastOp > 2;
        let segment: SyntaxNode[] = [];
        for (const p of parts) {
          if (p.name !== "AssignOp") {
            if (p !== value) segment.push(p);
            continue;
          }
          const targets = segment.filter((t) => t.name !== "TypeDef" && t.name !== ",");
          const tuple = bareTuple || segment.some((t) => t.name === ",");
          for (const t of targets) {
            if (t.name === "VariableName") {
              bind(t, tuple ? null : value, value.to);
              if (!tuple) w.assigns.push({ target: t, value, scope: scope() });
            } else if (t.name === "MemberExpression" && !tuple) {
              w.memberAssigns.push({ target: t, value, scope: scope() });
            }
          }
          segment = [];
        }
        break;
      }
      case "WithStatement": {
        const parts = kids(node);
        for (let i = 1; i + 1 < parts.length; i++) {
          if (parts[i]!.name === "as" && parts[i + 1]!.name === "VariableName") bind(parts[i + 1]!, parts[i - 1]!, parts[i + 1]!.to);
        }
        break;
      }
      case "ForStatement": {
        for (const p of kids(node)) {
          if (p.name === "in") break;
          if (p.name === "VariableName") bind(p, null, p.to);
        }
        break;
      }
      case "NamedExpression": {
        const target = node.firstChild;
        const value = node.lastChild;
        if (target?.name === "VariableName" && value && value !== target) bind(target, value, value.to);
        break;
      }
      case "CallExpression":
        w.calls.push({ node, scope: scope() });
        break;
      case "Decorator":
        w.decorators.push({ node, scope: scope() });
        break;
      case "MemberExpression": {
        if (node.firstChild?.nextSibling?.name !== "[") break;
        const parent = node.parent;
        const isTarget =
          (parent?.name === "AssignStatement" && node.nextSibling?.name === "AssignOp") || parent?.name === "DeleteStatement";
        if (!isTarget) w.subscripts.push({ node, scope: scope() });
        break;
      }
      // f-strings are FormatString nodes: URLs are often built with one (f"https://host/{model}").
      case "String":
      case "FormatString": {
        const raw = text.slice(node.from, Math.min(node.to, node.from + 4000));
        if (STRING_MARKERS.some((m) => raw.includes(m))) w.strings.push({ node, scope: scope() });
        break;
      }
      case "IfStatement": {
        const parts = kids(node);
        if (isMainGuard(parts[1], text) && parts[2]?.name === "Body") w.mainBodies.push([parts[2].from, parts[2].to]);
        break;
      }
      case "ReturnStatement": {
        if (node.getChild("CallExpression")) w.returns.push({ node, scope: scope() });
        break;
      }
    }
  };

  const cursor = tree.cursor();
  outer: for (;;) {
    if (cursor.type.isError) w.errors++;
    else if (INTERESTING.has(cursor.name)) enter(cursor.node);
    if (cursor.firstChild()) continue;
    for (;;) {
      if (cursor.name === "FunctionDefinition" || cursor.name === "ClassDefinition") stack.pop();
      if (cursor.nextSibling()) continue outer;
      if (!cursor.parent()) break outer;
    }
  }
  return w;
}

const INTERESTING = new Set([
  "ImportStatement",
  "FunctionDefinition",
  "ClassDefinition",
  "AssignStatement",
  "WithStatement",
  "ForStatement",
  "NamedExpression",
  "CallExpression",
  "Decorator",
  "MemberExpression",
  "String",
  "FormatString",
  "IfStatement",
  "ReturnStatement",
]);
