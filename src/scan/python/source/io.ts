/** Subprocesses spawned and paths written at run time. */
import type { SyntaxNode } from "@lezer/common";
import type { DiskWriteKind } from "../../../core/app-model.js";
import { argVal, firstTime, literalString, type CallSite, type Ctx } from "./context.js";
import {
  CACHE_ENV,
  PATH_KINDS,
  SUBPROCESS_CALLS,
  TEMPFILE_CALLS,
  WRITE_CALLS,
  WRITE_KEYWORDS,
  WRITE_METHODS,
  WRITE_RECEIVER_METHODS,
  type WriteRule,
} from "./rules.js";
import { redactCommand } from "../../secrets.js";
import { callParts, kids, stringValue, subscriptParts } from "./tree.js";
import { render, UNKNOWN, type Val } from "./values.js";

const MAX_TOKENS = 16;
const ELLIPSIS = "…";

/** A whole shell string keeps its literal parts; a list item is literal or "…". */
function token(v: Val, whole: boolean): string {
  if (v.t === "str") return v.v;
  if (v.t === "num") return String(v.v);
  if (v.t === "pat" && whole) return render(v, ELLIPSIS, true);
  return ELLIPSIS;
}

/** The literal part of a command (credentials masked): list items joined by spaces, unknown parts as "…". */
function commandText(v: Val): string {
  let text: string;
  if (v.t === "list") {
    const tokens = v.items.slice(0, MAX_TOKENS).map((i) => token(i, false));
    if (v.open || v.items.length > MAX_TOKENS) tokens.push(ELLIPSIS);
    text = tokens.join(" ");
  } else text = token(v, true);
  text = redactCommand(text.replace(/\s+/g, " ").trim());
  return text.length > 300 ? `${text.slice(0, 299)}${ELLIPSIS}` : text || ELLIPSIS;
}

/** `f(a, *rest, b)`: positional arguments in order, a starred list expanded when it can be read. */
function varargs(ctx: Ctx, site: CallSite): Val {
  const items: Val[] = [];
  let open = false;
  const argList = site.node.getChild("ArgList");
  let star = false;
  for (const c of argList ? kids(argList) : []) {
    if (c.name === "(" || c.name === ")" || c.name === ",") continue;
    if (c.name === "*" || c.name === "**") {
      star = c.name === "*";
      if (c.name === "**") break;
      continue;
    }
    if (c.name === "VariableName" && c.nextSibling?.name === "AssignOp") break;
    const v = ctx.r.eval(c, site.scope);
    if (star) {
      if (v.t === "list") {
        items.push(...v.items);
        open ||= v.open;
      } else items.push(UNKNOWN);
    } else items.push(v);
    star = false;
    if (items.length > MAX_TOKENS) break;
  }
  return { t: "list", items, open };
}

/** subprocess.*, os.system, asyncio.create_subprocess_*. */
export function detectSubprocesses(ctx: Ctx): void {
  for (const site of ctx.calls) {
    const rule = site.key ? SUBPROCESS_CALLS[site.key] : undefined;
    if (!rule) continue;
    const v = rule.args === "varargs" ? varargs(ctx, site) : argVal(ctx, site, 0, rule.keyword);
    const found: { command: string; cwd?: string; line: number } = { command: commandText(v), line: site.line };
    const cwd = pathText(argVal(ctx, site, -1, "cwd"));
    if (cwd) found.cwd = cwd;
    ctx.facts.subprocesses.push(found);
  }
}

/** A literal (or partly literal) path as text, relative paths without a leading ./ */
function pathText(v: Val): string | undefined {
  if (v.t !== "str" && v.t !== "pat") return undefined;
  const text = render(v, "*");
  return text.replace(/^\.\//, "") || ".";
}

/** Programs a launcher script starts: the first word of a command list worth reporting. */
const LAUNCHED = /^(?:uvicorn|gunicorn|hypercorn|daphne|streamlit|celery|flask|npm|npx|yarn|pnpm|bun|node|next|python3?(?:\.\d+)?|fastapi|gradio)$/;

/**
 * Command lists written as literals in a file that spawns processes (`{"cmd": ["uvicorn", …],
 * "cwd": …}` in a launcher's table), so a launcher is understood even when it spawns from a loop.
 */
export function detectCommandLiterals(ctx: Ctx, tree: { iterate(spec: { enter(n: { name: string; node: SyntaxNode }): boolean | void }): void }): void {
  const found = ctx.facts.commandLiterals;
  tree.iterate({
    enter(n) {
      if (found.length >= 32) return false;
      if (n.name !== "ArrayExpression") return;
      const v = ctx.r.eval(n.node, 0);
      if (v.t !== "list" || v.items[0]?.t !== "str" || !LAUNCHED.test(v.items[0].v)) return;
      const literal: { command: string; cwd?: string; line: number } = { command: commandText(v), line: ctx.lines.line(n.node.from) };
      const dict = n.node.parent;
      if (dict?.name === "DictionaryExpression") {
        const parts = kids(dict);
        for (let i = 0; i + 2 < parts.length; i++) {
          const key = parts[i]!;
          if (key.name === "String" && stringValue(key, ctx.text) === "cwd" && parts[i + 1]?.name === ":") {
            const cwd = pathText(ctx.r.eval(parts[i + 2]!, 0));
            if (cwd) literal.cwd = cwd;
          }
        }
      }
      found.push(literal);
      return false;
    },
  });
}

/** Kind of a written path from its own words, else from the names around it (UPLOAD_FOLDER). */
function classifyPath(path: string, hints = ""): DiskWriteKind | undefined {
  const p = path.toLowerCase();
  for (const [re, kind] of PATH_KINDS) if (re.test(p)) return kind;
  const h = hints.toLowerCase();
  for (const [re, kind] of PATH_KINDS) if (re.test(h)) return kind;
  return undefined;
}

/** Identifiers and subscript keys inside an expression, bounded: `os.path.join(UPLOAD_FOLDER, f)` → "os path join UPLOAD_FOLDER f". */
function hintsOf(ctx: Ctx, node: SyntaxNode | undefined): string {
  if (!node) return "";
  const out: string[] = [];
  const c = node.cursor();
  let seen = 0;
  do {
    if (c.from >= node.to) break;
    if (c.name === "VariableName" || c.name === "PropertyName") out.push(ctx.text.slice(c.from, c.to));
    else if (c.name === "String" && c.node.parent && subscriptParts(c.node.parent)) out.push(stringValue(c.node, ctx.text) ?? "");
  } while (++seen < 64 && c.next());
  return out.join(" ");
}

/** Records a write when the path has at least one literal part. */
export function pushWrite(ctx: Ctx, v: Val, line: number, kind: DiskWriteKind, force: boolean, hints = ""): void {
  if (v.t !== "str" && v.t !== "pat" && v.t !== "env") return;
  const path = render(v, "*");
  if (!/[^*/.\s]/.test(path) || path.length > 500 || path === ":memory:") return;
  const k = force ? kind : (classifyPath(path, hints) ?? kind);
  if (firstTime(ctx, `write\0${path}\0${k}\0${line}`)) ctx.facts.diskWrites.push({ path, kind: k, line });
}

const OPEN_CALLS = new Set(["open", "io.open", "codecs.open", "aiofiles.open"]);
const UPLOAD_NAME = /^UPLOADS?_?(FOLDER|DIR|DIRECTORY|PATH|ROOT)$/i;

function writeByRule(ctx: Ctx, site: CallSite, rule: WriteRule, node: SyntaxNode | undefined, kind = rule.kind): void {
  if (!node) return;
  pushWrite(ctx, ctx.r.eval(node, site.scope), site.line, kind, rule.force === true, hintsOf(ctx, node));
}

/** A Flask upload: the receiver is (bound to) `request.files[...]` or `request.files.get(...)`. */
function isUpload(ctx: Ctx, site: CallSite): boolean {
  let node = site.receiver;
  let scope = site.scope;
  if (node?.name === "VariableName") {
    const b = ctx.r.lookup(ctx.r.src(node), node.from, scope);
    if (b?.value) {
      node = b.value;
      scope = b.scope;
    }
  }
  if (!node) return false;
  const target = subscriptParts(node)?.object ?? (node.name === "CallExpression" ? callParts(node).callee : node);
  const key = target ? ctx.r.key(target, scope) : undefined;
  return key !== undefined && /(^|\.)request\.files(\.\w+)?$/.test(key);
}

function detectCallWrites(ctx: Ctx, site: CallSite): void {
  const key = site.key ?? "";
  const arg = (rule: WriteRule) => (rule.arg[1] && site.args.keywords.get(rule.arg[1])) || (rule.arg[0] >= 0 ? site.args.positional[rule.arg[0]] : undefined);
  const byKey = WRITE_CALLS[key];
  if (byKey) return writeByRule(ctx, site, byKey, arg(byKey));
  if (TEMPFILE_CALLS.has(key)) return pushWrite(ctx, { t: "str", v: "/tmp/*" }, site.line, "cache", true);
  if (OPEN_CALLS.has(key)) {
    const mode = literalString(argVal(ctx, site, 1, "mode")) ?? "";
    if (/[wax+]/.test(mode)) writeByRule(ctx, site, { arg: [0, "file"], kind: "other" }, arg({ arg: [0, "file"], kind: "other" }));
    return;
  }
  if (!site.method) return;
  const byMethod = WRITE_METHODS[site.method];
  if (byMethod && site.method === "save" && isUpload(ctx, site)) {
    return writeByRule(ctx, site, { ...byMethod, force: true }, arg(byMethod), "uploads");
  }
  if (byMethod) return writeByRule(ctx, site, byMethod, arg(byMethod));
  if (WRITE_RECEIVER_METHODS.has(site.method) && site.receiver) {
    writeByRule(ctx, site, { arg: [-1, ""], kind: "other" }, site.receiver);
  }
}

/** Paths the app writes: open(…, "w"), makedirs, sqlite files, model dumps, logs, caches, uploads. */
export function detectDiskWrites(ctx: Ctx): void {
  for (const site of ctx.calls) {
    detectCallWrites(ctx, site);
    for (const [kw, kind] of Object.entries(WRITE_KEYWORDS)) {
      const n = site.args.keywords.get(kw);
      if (n) writeByRule(ctx, site, { arg: [-1, kw], kind, force: true }, n);
    }
  }
  // Where uploads go: app.config["UPLOAD_FOLDER"] = …, UPLOAD_DIR = …
  for (const { target, value, scope } of ctx.walked.memberAssigns) {
    const sub = subscriptParts(target);
    if (!sub) continue;
    const key = ctx.r.eval(sub.key, scope);
    if (key.t !== "str") continue;
    const line = ctx.lines.line(target.from);
    const objKey = ctx.r.key(sub.object, scope);
    if (objKey === "os.environ" && CACHE_ENV.has(key.v)) pushWrite(ctx, ctx.r.eval(value, scope), line, "cache", true);
    else if (UPLOAD_NAME.test(key.v)) pushWrite(ctx, ctx.r.eval(value, scope), line, "uploads", true);
  }
  for (const { target, value, scope } of ctx.walked.assigns) {
    if (UPLOAD_NAME.test(ctx.r.src(target))) pushWrite(ctx, ctx.r.eval(value, scope), ctx.lines.line(target.from), "uploads", true);
  }
  for (const use of ctx.envUses) {
    if (CACHE_ENV.has(use.name)) pushWrite(ctx, { t: "env", name: use.name }, use.line, "cache", true);
  }
}
