/**
 * Name resolution and a small abstract evaluator: turns an expression into what the scan can know
 * about it (a literal, an env read with its default, a path pattern with holes, a list) and turns a
 * callee into a dotted key with import aliases and constructor calls resolved
 * (`gr.Blocks` → `gradio.Blocks`; `app.run` with `app = Flask()` → `flask.Flask().run`).
 *
 * Every walk here is bounded by depth and a step budget, and binding results are memoized, so the
 * cost stays linear-ish on hostile input.
 */
import type { SyntaxNode } from "@lezer/common";
import { arg, callArgs, callParts, kids, memberParts, stringBody, stringValue, subscriptParts, unescape } from "./tree.js";
import { MODULE, type Binding, type Walked } from "./walk.js";
import type { ImportBinding } from "./imports.js";

/** What the scan knows about an expression's value. */
export type Val =
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "bool"; v: boolean }
  | { t: "none" }
  /** An environment read; `def` is the default expression's value when one is given. */
  | { t: "env"; name: string; def?: Val }
  /** Text with HOLE where a part is not known (a path or command pattern). */
  | { t: "pat"; v: string }
  | { t: "list"; items: Val[]; open: boolean }
  | { t: "unknown" };

/** Stands for an unknown part inside a pattern; replaced on output ("*" in paths, "…" in commands). */
export const HOLE = "\uE000";
/** Nothing is known about the value. */
export const UNKNOWN: Val = { t: "unknown" };

const MAX_DEPTH = 40;
const STEP_BUDGET = 2_000_000;
const MAX_ITEMS = 64;

/** Renders a value as text: unknown parts become `hole`, env reads `${NAME}` (or `hole` when asked). */
export function render(v: Val, hole: string, envAsHole = false): string {
  switch (v.t) {
    case "str":
      return v.v;
    case "num":
      return String(v.v);
    case "bool":
      return v.v ? "True" : "False";
    case "env":
      return envAsHole ? hole : `\${${v.name}}`;
    case "pat":
      return v.v.split(HOLE).join(hole);
    default:
      return hole;
  }
}

/** Literal text of a value, or undefined when any part is unknown. */
export function literalText(v: Val): string | undefined {
  if (v.t === "str") return v.v;
  if (v.t === "num") return String(v.v);
  return undefined;
}

/** The value an env read falls back to, or the value itself when it is not an env read. */
export function effective(v: Val): Val {
  return v.t === "env" ? (v.def ?? UNKNOWN) : v;
}

const asPattern = (v: Val): Val => {
  const s = render(v, HOLE);
  return s.includes(HOLE) || v.t !== "str" ? { t: "pat", v: s } : { t: "str", v: s };
};

function concat(parts: Val[]): Val {
  const s = parts.map((p) => render(p, HOLE)).join("");
  return parts.every((p) => p.t === "str" || p.t === "num") ? { t: "str", v: s } : { t: "pat", v: s };
}

/** `os.path.join` on values: a later absolute part restarts the path, empty parts vanish. */
export function joinPaths(parts: Val[]): Val {
  let out: string[] = [];
  let literal = true;
  for (const p of parts) {
    if (p.t !== "str") literal = false;
    const s = render(p, HOLE);
    if (s.startsWith("/")) out = [];
    if (s !== "") out.push(s);
  }
  const text = out.map((s, i) => (i < out.length - 1 ? s.replace(/\/+$/, "") : s)).join("/");
  return literal ? { t: "str", v: text } : { t: "pat", v: text };
}

function dirname(v: Val): Val {
  if (v.t !== "str" && v.t !== "pat") return UNKNOWN;
  const s = v.v.replace(/\/+$/, "");
  const i = s.lastIndexOf("/");
  return { t: v.t, v: i < 0 ? "" : i === 0 ? "/" : s.slice(0, i) };
}

function toInt(v: Val): Val {
  switch (v.t) {
    case "num":
      return Number.isFinite(v.v) ? { t: "num", v: Math.trunc(v.v) } : UNKNOWN;
    case "str":
      return /^\s*[+-]?\d+\s*$/.test(v.v) ? { t: "num", v: Number.parseInt(v.v, 10) } : UNKNOWN;
    case "env":
      return v.def ? { t: "env", name: v.name, def: v.def.t === "none" ? v.def : toInt(v.def) } : v;
    default:
      return UNKNOWN;
  }
}

function parseNumber(raw: string): Val {
  const s = raw.replace(/_/g, "");
  if (/[jJ]$/.test(s)) return UNKNOWN;
  const n = /^0[0-7]+$/.test(s) ? Number.NaN : Number(s);
  return Number.isNaN(n) ? UNKNOWN : { t: "num", v: n };
}

/**
 * A number naming a node by type, start and length (exact below 4 MB and spans under 2 MB; beyond
 * that two nodes may share an id, which only costs precision on inputs no real app has).
 */
function memoId(node: SyntaxNode): number {
  return ((node.from % 0x400000) * 0x200000 + ((node.to - node.from) % 0x200000)) * 1024 + (node.type.id % 1024);
}

/** Settings-field lookup installed by the pydantic settings reader: (class key, field) → value. */
export type SettingsLookup = (classKey: string, field: string) => Val | undefined;

/** Name lookup, dotted keys and evaluation over one file. */
export class Resolver {
  readonly aliases = new Map<string, ImportBinding>();
  readonly stars: string[] = [];
  /** `X.config["K"] = v` and config-class attributes, for `app.config["K"]` reads. */
  readonly config = new Map<string, { value: SyntaxNode; scope: number }>();
  settings?: SettingsLookup;
  private readonly index = new Map<string, Binding[]>();
  private steps = 0;
  // Results per node (a node's scope is fixed by its position), so chains shared by many calls
  // (`a.b().c().d()…`) are walked once rather than once per call.
  private readonly keyMemo = new Map<number, string | null>();
  private readonly valMemo = new Map<number, Val>();

  constructor(
    readonly text: string,
    readonly file: string,
    private readonly walked: Walked,
    private readonly knownQualified: ReadonlySet<string>,
  ) {
    for (const b of walked.bindings) {
      const k = `${b.scope}\u0000${b.name}`;
      const list = this.index.get(k);
      if (list) list.push(b);
      else this.index.set(k, [b]);
    }
  }

  /** Source text of a node. */
  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** The binding `name` refers to at `pos` in `scope` (Python's function → enclosing → module order). */
  lookup(name: string, pos: number, scope: number): Binding | undefined {
    let s = scope;
    for (let hops = 0; hops < 64; hops++) {
      const kind = this.walked.scopeKind.get(s);
      if (hops === 0 || kind !== "class") {
        const list = this.index.get(`${s}\u0000${name}`);
        if (list) {
          let lo = 0;
          let hi = list.length - 1;
          let found: Binding | undefined;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            const b = list[mid]!;
            if (b.at <= pos) {
              found = b;
              lo = mid + 1;
            } else hi = mid - 1;
          }
          if (found) return found;
          // A function may use a module constant defined further down the file.
          if (s === MODULE) return list[0];
        }
      }
      if (s === MODULE) return undefined;
      s = this.walked.scopeParent.get(s) ?? MODULE;
    }
    return undefined;
  }

  /** Dotted key of a callee or receiver, aliases and constructor calls resolved; undefined when not a name chain. */
  key(node: SyntaxNode, scope: number, depth = 0): string | undefined {
    if (depth > MAX_DEPTH || ++this.steps > STEP_BUDGET) return undefined;
    const id = memoId(node);
    const memo = this.keyMemo.get(id);
    if (memo !== undefined) return memo ?? undefined;
    const k = this.keyOf(node, scope, depth);
    this.keyMemo.set(id, k ?? null);
    return k;
  }

  private keyOf(node: SyntaxNode, scope: number, depth: number): string | undefined {
    switch (node.name) {
      case "VariableName": {
        const name = this.src(node);
        const b = this.lookup(name, node.from, scope);
        if (b) return this.bindingKey(b, depth) ?? name;
        const alias = this.aliases.get(name);
        if (alias) return alias.target;
        for (const m of this.stars) if (this.knownQualified.has(`${m}.${name}`)) return `${m}.${name}`;
        return name;
      }
      case "MemberExpression": {
        const m = memberParts(node, this.text);
        if (!m) return undefined;
        const base = this.key(m.object, scope, depth + 1);
        return base === undefined ? undefined : `${base}.${m.property}`;
      }
      case "CallExpression": {
        const { callee } = callParts(node);
        const base = callee ? this.key(callee, scope, depth + 1) : undefined;
        return base === undefined ? undefined : `${base}()`;
      }
      case "ParenthesizedExpression": {
        const inner = kids(node)[1];
        return inner ? this.key(inner, scope, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  private bindingKey(b: Binding, depth: number): string | undefined {
    if (!b.value) return undefined;
    if (b.keyMemo !== undefined) return b.keyMemo ?? undefined;
    if (b.busy) return undefined;
    b.busy = true;
    const k = this.key(b.value, b.scope, depth + 1);
    b.busy = false;
    b.keyMemo = k ?? null;
    return k;
  }

  /** The import binding a plain name refers to, when no local binding shadows it. */
  importOf(node: SyntaxNode, scope: number): ImportBinding | undefined {
    if (node.name !== "VariableName") return undefined;
    const name = this.src(node);
    return this.lookup(name, node.from, scope) ? undefined : this.aliases.get(name);
  }

  /** Reads an env access call (`os.getenv("X", d)`, `config("X")`, `env.str("X")`); undefined when not one. */
  envRead(call: SyntaxNode, scope: number, depth = 0): { name: string; def?: SyntaxNode } | undefined {
    const { callee, argList } = callParts(call);
    if (!callee) return undefined;
    const k = this.key(callee, scope, depth + 1);
    if (k === undefined || !isEnvReader(k)) return undefined;
    const args = callArgs(argList, this.text);
    const nameNode = arg(args, 0);
    if (!nameNode) return undefined;
    const name = this.eval(nameNode, scope, depth + 1);
    if (name.t !== "str" || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name.v)) return undefined;
    const def = arg(args, 1, "default");
    return def ? { name: name.v, def } : { name: name.v };
  }

  /** What is known about the value of an expression. */
  eval(node: SyntaxNode, scope: number, depth = 0): Val {
    if (depth > MAX_DEPTH || ++this.steps > STEP_BUDGET) return UNKNOWN;
    const id = memoId(node);
    const memo = this.valMemo.get(id);
    if (memo !== undefined) return memo;
    const v = this.evalNode(node, scope, depth);
    this.valMemo.set(id, v);
    return v;
  }

  private evalNode(node: SyntaxNode, scope: number, depth: number): Val {
    const d = depth + 1;
    switch (node.name) {
      case "String":
      case "ContinuedString": {
        const s = stringValue(node, this.text);
        if (s !== undefined) return { t: "str", v: s };
        return concat(kids(node).map((p) => this.eval(p, scope, d)));
      }
      case "FormatString":
        return this.formatString(node, scope, d);
      case "Number":
        return parseNumber(this.src(node));
      case "Boolean":
        return { t: "bool", v: this.src(node) === "True" };
      case "None":
        return { t: "none" };
      case "UnaryExpression": {
        const [op, operand] = kids(node);
        if (op && operand && this.src(op) === "-") {
          const v = this.eval(operand, scope, d);
          if (v.t === "num") return { t: "num", v: -v.v };
        }
        return UNKNOWN;
      }
      case "ParenthesizedExpression": {
        const inner = kids(node)[1];
        return inner ? this.eval(inner, scope, d) : UNKNOWN;
      }
      case "VariableName":
        return this.evalName(node, scope, d);
      case "MemberExpression":
        return this.evalMember(node, scope, d);
      case "CallExpression":
        return this.evalCall(node, scope, d);
      case "BinaryExpression":
        return this.evalBinary(node, scope, d);
      case "ArrayExpression":
      case "TupleExpression": {
        const items: Val[] = [];
        let open = false;
        let spread = false;
        for (const c of kids(node)) {
          if (c.name === "[" || c.name === "]" || c.name === "(" || c.name === ")" || c.name === ",") continue;
          if (c.name === "*") {
            spread = true;
            continue;
          }
          if (items.length >= MAX_ITEMS) {
            open = true;
            break;
          }
          items.push(spread ? UNKNOWN : this.eval(c, scope, d));
          spread = false;
        }
        return { t: "list", items, open };
      }
      default:
        return UNKNOWN;
    }
  }

  /**
   * Every value a name may hold where it is used: each binding of it in the same scope before the
   * use (`p = a` then `if …: p = b`), the last few only. Other expressions have one value.
   */
  candidates(node: SyntaxNode, scope: number): Val[] {
    if (node.name !== "VariableName") return [this.eval(node, scope)];
    const b = this.lookup(this.src(node), node.from, scope);
    const list = b ? (this.index.get(`${b.scope}\u0000${b.name}`) ?? []) : [];
    const before = list.filter((x) => x.at <= node.from).slice(-4);
    if (before.length < 2) return [this.eval(node, scope)];
    return before.map((x) => this.evalBinding(x, 1));
  }

  private evalBinding(b: Binding, depth: number): Val {
    if (!b.value) return UNKNOWN;
    if (b.memo !== undefined) return b.memo as Val;
    if (b.busy) return UNKNOWN;
    b.busy = true;
    const v = this.eval(b.value, b.scope, depth);
    b.busy = false;
    b.memo = v;
    return v;
  }

  private evalName(node: SyntaxNode, scope: number, depth: number): Val {
    const name = this.src(node);
    const b = this.lookup(name, node.from, scope);
    if (b) return this.evalBinding(b, depth);
    if (name === "__file__") return { t: "str", v: this.file };
    const alias = this.aliases.get(name);
    return alias ? keyValue(alias.target) : UNKNOWN;
  }

  private evalMember(node: SyntaxNode, scope: number, depth: number): Val {
    const sub = subscriptParts(node);
    if (sub) {
      const objKey = this.key(sub.object, scope, depth);
      const key = this.eval(sub.key, scope, depth);
      if (key.t !== "str") return UNKNOWN;
      if (objKey === "os.environ") return { t: "env", name: key.v };
      if (objKey?.endsWith(".config") || objKey === "config") {
        const c = this.config.get(key.v);
        if (c) return this.eval(c.value, c.scope, depth);
      }
      return UNKNOWN;
    }
    const m = memberParts(node, this.text);
    if (!m) return UNKNOWN;
    const k = this.key(node, scope, depth);
    if (k !== undefined) {
      const known = keyValue(k);
      if (known.t !== "unknown") return known;
      if (this.settings) {
        const objKey = this.key(m.object, scope, depth);
        const v = objKey === undefined ? undefined : this.settings(objKey, m.property);
        if (v) return v;
      }
    }
    if (m.property === "parent") return dirname(this.eval(m.object, scope, depth));
    return UNKNOWN;
  }

  private evalCall(node: SyntaxNode, scope: number, depth: number): Val {
    const env = this.envRead(node, scope, depth);
    if (env) return env.def ? { t: "env", name: env.name, def: this.eval(env.def, scope, depth) } : { t: "env", name: env.name };
    const { callee, argList } = callParts(node);
    if (!callee) return UNKNOWN;
    const k = this.key(callee, scope, depth);
    const args = callArgs(argList, this.text);
    const first = () => {
      const a = args.positional[0];
      return a ? this.eval(a, scope, depth) : UNKNOWN;
    };
    const all = () => args.positional.slice(0, 16).map((a) => this.eval(a, scope, depth));
    switch (k) {
      case "os.path.join":
      case "posixpath.join":
        return args.positional.length ? joinPaths(all()) : UNKNOWN;
      case "pathlib.Path":
      case "pathlib.PurePath":
      case "pathlib.PosixPath":
        return args.positional.length ? joinPaths(all()) : { t: "str", v: "." };
      case "os.path.dirname":
        return dirname(first());
      case "os.path.abspath":
      case "os.path.realpath":
      case "os.path.normpath":
      case "os.path.expanduser":
      case "os.fspath":
      case "str":
      case "shlex.split":
      case "torch.device":
      case "open":
      case "io.open":
        return first();
      case "int":
        return toInt(first());
      case "float": {
        const v = first();
        return v.t === "str" && v.v.trim() !== "" && Number.isFinite(Number(v.v)) ? { t: "num", v: Number(v.v) } : v;
      }
      case "tempfile.gettempdir":
        return { t: "str", v: "/tmp" };
      case "tempfile.mkdtemp":
        return { t: "pat", v: `/tmp/${HOLE}` };
      case "os.getcwd":
      case "pathlib.Path.cwd":
        return { t: "str", v: "." };
      case "pathlib.Path.home":
        return { t: "str", v: "~" };
    }
    const m = memberParts(callee, this.text);
    if (m && (m.property === "resolve" || m.property === "absolute" || m.property === "expanduser")) {
      return this.eval(m.object, scope, depth);
    }
    if (m && m.property === "joinpath") return joinPaths([this.eval(m.object, scope, depth), ...all()]);
    return UNKNOWN;
  }

  private evalBinary(node: SyntaxNode, scope: number, depth: number): Val {
    const [left, op, right] = kids(node);
    if (!left || !op || !right) return UNKNOWN;
    const o = this.src(op);
    if (o === "or") {
      const l = this.eval(left, scope, depth);
      if (l.t === "env" && (!l.def || l.def.t === "none")) return { t: "env", name: l.name, def: this.eval(right, scope, depth) };
      if ((l.t === "str" && l.v !== "") || (l.t === "num" && l.v !== 0)) return l;
      return UNKNOWN;
    }
    if (o === "/") {
      const l = this.eval(left, scope, depth);
      if (l.t === "str" || l.t === "pat" || l.t === "env") return joinPaths([l, this.eval(right, scope, depth)]);
      return UNKNOWN;
    }
    if (o === "+") {
      const l = this.eval(left, scope, depth);
      const r = this.eval(right, scope, depth);
      if (l.t === "list") {
        return r.t === "list" ? { t: "list", items: [...l.items, ...r.items].slice(0, MAX_ITEMS), open: l.open || r.open } : { t: "list", items: l.items, open: true };
      }
      if (l.t === "num" && r.t === "num") return { t: "num", v: l.v + r.v };
      if (l.t === "str" || r.t === "str" || l.t === "pat" || r.t === "pat") return concat([l, r].map(asPattern));
    }
    return UNKNOWN;
  }

  private formatString(node: SyntaxNode, scope: number, depth: number): Val {
    const raw = this.src(node);
    const { prefix, body, start } = stringBody(raw);
    const isRaw = prefix.includes("r");
    const bodyStart = node.from + start;
    const bodyEnd = bodyStart + body.length;
    const literal = (from: number, to: number) =>
      unescape(this.text.slice(from, Math.min(to, bodyEnd)), isRaw).replace(/\{\{/g, "{").replace(/\}\}/g, "}");
    const parts: Val[] = [];
    let pos = bodyStart;
    for (const rep of kids(node)) {
      if (rep.name !== "FormatReplacement") continue;
      if (rep.from > pos) parts.push({ t: "str", v: literal(pos, rep.from) });
      const expr = kids(rep).find((c) => c.name !== "{" && c.name !== "}");
      parts.push(expr ? asPattern(this.eval(expr, scope, depth)) : UNKNOWN);
      pos = rep.to;
    }
    if (pos < bodyEnd) parts.push({ t: "str", v: literal(pos, bodyEnd) });
    return concat(parts.map((p) => (p.t === "unknown" ? { t: "pat", v: HOLE } : p)));
  }
}

/** Values some dotted names always have. */
function keyValue(k: string): Val {
  switch (k) {
    case "sys.executable":
      return { t: "str", v: "python" };
    case "os.sep":
      return { t: "str", v: "/" };
    case "os.curdir":
      return { t: "str", v: "." };
    default:
      return UNKNOWN;
  }
}

const ENV_FUNCTIONS = new Set(["os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop", "decouple.config"]);
/** Objects called (`config("X")`) or with typed getters (`env.str("X")`) to read the environment. */
const ENV_OBJECTS = ["decouple.AutoConfig()", "decouple.Config()", "starlette.config.Config()", "environs.Env()", "environ.Env()"];
const NOT_GETTERS = new Set(["read_env", "prefixed", "smart_cast", "dump", "seal", "add_parser", "parser_for", "read_env_file"]);

function isEnvReader(k: string): boolean {
  if (ENV_FUNCTIONS.has(k)) return true;
  for (const o of ENV_OBJECTS) {
    if (k === o) return true;
    if (k.startsWith(`${o}.`)) {
      const method = k.slice(o.length + 1);
      return /^\w+$/.test(method) && !NOT_GETTERS.has(method);
    }
  }
  return false;
}
