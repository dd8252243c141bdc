/** Application objects, routes and in-code server starts (app.run, uvicorn.run, demo.launch…). */
import type { SyntaxNode } from "@lezer/common";
import type { PythonAppFramework, PythonFacts, RunCall } from "../../facts.js";
import { argVal, constructorOf, hasArg, imports, literalString, underMain, type CallSite, type Ctx } from "./context.js";
import {
  APP_CONSTRUCTORS,
  METHOD_RUNS,
  MODULE_RUNS,
  ROUTE_CALLS,
  ROUTE_DECORATORS,
  ROUTE_OBJECTS,
  ROUTER_CONSTRUCTORS,
  type RunRule,
} from "./rules.js";
import { arg, callArgs, callParts, kids, memberParts } from "./tree.js";
import { effective, type Val } from "./values.js";

/** Framework of the object a key stands for (`flask.Flask().x` → flask). */
function frameworkOf(key: string | undefined): PythonAppFramework | undefined {
  const ctor = constructorOf(key);
  return ctor === undefined ? undefined : APP_CONSTRUCTORS[ctor];
}

/** Finds `app = Flask(__name__)`-style bindings (including `with gr.Blocks() as demo:`). */
export function detectAppObjects(ctx: Ctx): void {
  for (const b of ctx.walked.bindings) {
    if (b.value?.name !== "CallExpression") continue;
    const fw = frameworkOf(ctx.r.key(b.value, b.scope));
    if (fw) ctx.facts.appObjects.push({ framework: fw, variable: b.name, line: ctx.lines.line(b.value.from) });
  }
}

function joinRoute(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  const p = prefix.replace(/\/+$/, "");
  const joined = path === "" ? p : path.startsWith("/") ? p + path : `${p}/${path}`;
  return joined === "" ? "/" : joined;
}

/** HTTP methods from a `methods=` value: GET when absent (Flask's default), unknown when unreadable. */
function methodsOf(v: Val | undefined): (string | undefined)[] {
  if (!v) return ["GET"];
  if (v.t !== "list") return [undefined];
  const out = v.items.map((i) => (i.t === "str" ? i.v.toUpperCase() : undefined));
  return out.length ? out : [undefined];
}

/** Prefixes known per router variable: its own (APIRouter(prefix=)) and where it is mounted (include_router). */
interface Prefixes {
  own: Map<string, string>;
  mounted: Map<string, string>;
  /** Routers registered in this file, with or without a prefix. */
  registered: Set<string>;
  style: Map<string, "fastapi" | "flask">;
}

function collectPrefixes(ctx: Ctx): Prefixes {
  const p: Prefixes = { own: new Map(), mounted: new Map(), registered: new Set(), style: new Map() };
  for (const b of ctx.walked.bindings) {
    if (b.value?.name !== "CallExpression") continue;
    const rule = ROUTER_CONSTRUCTORS[constructorOf(ctx.r.key(b.value, b.scope)) ?? ""];
    if (!rule) continue;
    p.style.set(b.name, rule.style);
    const kw = callArgs(b.value.getChild("ArgList"), ctx.text).keywords.get(rule.prefixKeyword);
    const v = kw ? literalString(ctx.r.eval(kw, b.scope)) : undefined;
    if (v !== undefined) p.own.set(b.name, v);
  }
  for (const site of ctx.calls) {
    if (site.method !== "include_router" && site.method !== "register_blueprint") continue;
    const target = arg(site.args, 0);
    if (!target) continue;
    const v = literalString(argVal(ctx, site, -1, site.method === "include_router" ? "prefix" : "url_prefix"));
    if (target.name === "VariableName") {
      const name = ctx.r.src(target);
      p.registered.add(name);
      if (v !== undefined && !p.mounted.has(name)) p.mounted.set(name, v);
    }
    // A router from another module: the scan joins the prefix to that module's routes.
    const key = ctx.r.key(target, site.scope);
    if (v !== undefined && key !== undefined && key.includes(".")) ctx.facts.mounts.push({ target: key, prefix: v, line: site.line });
  }
  return p;
}

function prefixFor(p: Prefixes, receiver: string | undefined): string | undefined {
  if (receiver === undefined) return undefined;
  const own = p.own.get(receiver);
  const mounted = p.mounted.get(receiver);
  // Flask's register_blueprint(url_prefix=) replaces the blueprint's own; FastAPI's include_router prepends.
  if (p.style.get(receiver) === "flask") return mounted ?? own;
  return own === undefined ? mounted : joinRoute(mounted, own);
}

/** Whether a route-like receiver may hold routes: a known app/router, or unknown (then the path must look like one). */
function receiverKind(key: string | undefined): "app" | "other" | "unknown" {
  const ctor = constructorOf(key);
  if (ctor === undefined) return "unknown";
  if (ROUTER_CONSTRUCTORS[ctor]) return "app";
  const fw = APP_CONSTRUCTORS[ctor];
  if (fw === "flask" || fw === "fastapi" || fw === "starlette") return "app";
  return fw ? "other" : "unknown";
}

function pushRoutes(ctx: Ctx, path: string, methods: (string | undefined)[], line: number, router?: string): void {
  for (const method of methods) {
    const route: PythonFacts["routes"][number] = method === undefined ? { path, line } : { method, path, line };
    if (router !== undefined) route.router = router;
    ctx.facts.routes.push(route);
  }
}

/** The router variable whose mount (and prefix) lives in another file. */
function unmounted(p: Prefixes, receiver: string | undefined): string | undefined {
  return receiver !== undefined && p.style.has(receiver) && !p.registered.has(receiver) ? receiver : undefined;
}

function decoratorRoute(ctx: Ctx, node: SyntaxNode, scope: number, p: Prefixes): void {
  const parts = kids(node);
  const names = parts.filter((c) => c.name === "VariableName");
  const argList = parts.find((c) => c.name === "ArgList");
  if (names.length < 2 || !argList) return;
  const method = ctx.r.src(names[names.length - 1]!);
  const receiverNames = names.slice(0, -1).map((n) => ctx.r.src(n));
  const headKey = ctx.r.key(names[0]!, scope);
  const receiverKey = headKey === undefined ? undefined : [headKey, ...receiverNames.slice(1)].join(".");
  const args = callArgs(argList, ctx.text);
  const first = arg(args, 0, method === "on" ? "message" : "path") ?? args.keywords.get("rule");
  const path = first ? literalString(ctx.r.eval(first, scope)) : undefined;
  if (path === undefined) return;
  const line = ctx.lines.line(node.from);
  const receiverVar = receiverNames.length === 1 ? receiverNames[0] : undefined;
  if (method === "on") {
    const socket = frameworkOf(receiverKey) === "socketio" || /socket|^sio$/i.test(receiverNames[receiverNames.length - 1] ?? "");
    if (socket) pushRoutes(ctx, path, ["ws"], line);
    return;
  }
  const verb = ROUTE_DECORATORS[method];
  if (verb === undefined) return;
  const kind = receiverKind(receiverKey);
  if (kind === "other" || (kind === "unknown" && !path.startsWith("/"))) return;
  const methods = verb === "methods" ? methodsOf(args.keywords.has("methods") ? ctx.r.eval(args.keywords.get("methods")!, scope) : undefined) : [verb];
  pushRoutes(ctx, joinRoute(prefixFor(p, receiverVar), path), methods, line, unmounted(p, receiverVar));
}

function callRoute(ctx: Ctx, site: CallSite, p: Prefixes): void {
  let verb: string | undefined;
  if (site.method && ROUTE_CALLS[site.method]) {
    const kind = receiverKind(site.receiver ? ctx.r.key(site.receiver, site.scope) : undefined);
    if (kind === "other") return;
    verb = ROUTE_CALLS[site.method]!.method;
  } else if (site.key && ROUTE_OBJECTS[site.key]) verb = ROUTE_OBJECTS[site.key];
  if (verb === undefined) return;
  const path = literalString(argVal(ctx, site, 0, "path"));
  const rule = path ?? literalString(argVal(ctx, site, -1, "rule"));
  if (rule === undefined || !rule.startsWith("/")) return;
  const receiverVar = site.receiver?.name === "VariableName" ? ctx.r.src(site.receiver) : undefined;
  const methods = verb === "methods" ? methodsOf(hasArg(site, -1, "methods") ? argVal(ctx, site, -1, "methods") : undefined) : [verb];
  pushRoutes(ctx, joinRoute(prefixFor(p, receiverVar), rule), methods, site.line, unmounted(p, receiverVar));
}

/** Route decorators and route registrations. */
export function detectRoutes(ctx: Ctx): void {
  const p = collectPrefixes(ctx);
  for (const { node, scope } of ctx.walked.decorators) decoratorRoute(ctx, node, scope, p);
  for (const site of ctx.calls) callRoute(ctx, site, p);
}

function setHost(run: RunCall, v: Val): void {
  if (v.t === "env") run.hostFromEnv = v.name;
  const h = effective(v);
  if (h.t === "str" && h.v.length <= 255) run.host = h.v;
}

function asPort(v: Val): number | undefined {
  const n = v.t === "num" ? v.v : v.t === "str" && /^\d{1,5}$/.test(v.v.trim()) ? Number(v.v) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

function setPort(run: RunCall, v: Val): void {
  if (v.t === "env") run.portFromEnv = v.name;
  const port = asPort(effective(v));
  if (port !== undefined) run.port = port;
}

/** `host:port` as written for waitress `listen=` or hypercorn `bind`. */
function setListen(run: RunCall, listen: string): void {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(listen.trim());
  if (!m) return;
  if (m[1]) run.host = m[1] === "*" ? "0.0.0.0" : m[1];
  const port = asPort({ t: "str", v: m[2]! });
  if (port !== undefined) run.port = port;
}

function hypercornBind(ctx: Ctx): string | undefined {
  for (const { target, value, scope } of ctx.walked.memberAssigns) {
    if (memberParts(target, ctx.text)?.property !== "bind") continue;
    const v = ctx.r.eval(value, scope);
    const first = v.t === "list" ? v.items[0] : v;
    if (first?.t === "str") return first.v;
  }
  return undefined;
}

/** The last name in a receiver: `app` for `app`, `sio` for `ext.sio`, `create_app` for `create_app()`. */
function lastName(ctx: Ctx, receiver: SyntaxNode): string {
  let node: SyntaxNode | null = receiver;
  for (let i = 0; node && i < 16; i++) {
    if (node.name === "VariableName") return ctx.r.src(node);
    const m = memberParts(node, ctx.text);
    if (m) return m.property;
    node = node.name === "CallExpression" ? callParts(node).callee : null;
  }
  return "";
}

/** Objects with a run() or launch() that is not a web server start. */
const NOT_APPS = ["threading.", "multiprocessing.", "asyncio.", "concurrent.", "uvicorn.", "hypercorn.", "subprocess.", "sched."];

function runRule(ctx: Ctx, site: CallSite): RunRule | undefined {
  if (site.key && MODULE_RUNS[site.key]) return MODULE_RUNS[site.key];
  const byFramework = site.method ? METHOD_RUNS[site.method] : undefined;
  if (!byFramework || !site.receiver) return undefined;
  const receiverKey = ctx.r.key(site.receiver, site.scope);
  const fw = frameworkOf(receiverKey);
  if (fw) return byFramework[fw];
  if (constructorOf(receiverKey) && receiverKey?.startsWith("gradio.")) return byFramework.gradio;
  // An object we cannot type (imported, built by a factory): judge by its name and the call.
  if (ctx.r.importOf(site.receiver, site.scope)?.kind === "module") return undefined;
  const name = lastName(ctx, site.receiver);
  const ctor = constructorOf(receiverKey) ?? "";
  if (NOT_APPS.some((p) => ctor.startsWith(p))) return undefined;
  if (site.method === "run") {
    if (/socketio|^sio$/i.test(name)) return byFramework.socketio;
    const serverArgs = ["host", "port", "debug"].some((k) => site.args.keywords.has(k));
    const appName = /^(app|application|flask_app)$/.test(name) || (imports(ctx, "flask") && /app/i.test(name));
    if (serverArgs || appName) return byFramework.flask;
    return undefined;
  }
  if (site.method === "launch") {
    const serverArgs = site.args.keywords.has("server_name") || site.args.keywords.has("server_port");
    if (serverArgs || imports(ctx, "gradio")) return byFramework.gradio;
  }
  return undefined;
}

/** `settings.api_port` → api_port; `PORT` → PORT: the name an unreadable argument comes from. */
function refName(ctx: Ctx, site: CallSite, spec: readonly [number, string]): string | undefined {
  const node = arg(site.args, spec[0], spec[1]);
  if (!node) return undefined;
  const m = memberParts(node, ctx.text);
  if (m) return m.property;
  return node.name === "VariableName" ? ctx.r.src(node) : undefined;
}

/** Calls that start a server from inside the code, with host and port when they can be read. */
export function detectRunCalls(ctx: Ctx): void {
  for (const site of ctx.calls) {
    const rule = runRule(ctx, site);
    if (!rule) continue;
    const run: RunCall = { kind: rule.kind, underMain: underMain(ctx, site.node.from), line: site.line };
    if (rule.target) {
      const t = arg(site.args, 0, "app");
      const v = t ? ctx.r.eval(t, site.scope) : undefined;
      if (v?.t === "str") run.target = v.v;
    }
    if (rule.host) setHost(run, argVal(ctx, site, rule.host[0], rule.host[1]));
    if (rule.port) setPort(run, argVal(ctx, site, rule.port[0], rule.port[1]));
    // Values from another module (a settings object) are resolved across files by the scan.
    if (rule.host && run.host === undefined && !run.hostFromEnv) {
      const ref = refName(ctx, site, rule.host);
      if (ref) run.hostRef = ref;
    }
    if (rule.port && run.port === undefined && !run.portFromEnv) {
      const ref = refName(ctx, site, rule.port);
      if (ref) run.portRef = ref;
    }
    if (rule.workers) {
      const w = effective(argVal(ctx, site, -1, rule.workers));
      if (w.t === "num" && Number.isInteger(w.v) && w.v >= 1 && w.v <= 4096) run.workers = w.v;
    }
    if (rule.listen) {
      const l = literalString(argVal(ctx, site, -1, rule.listen));
      if (l) setListen(run, l);
    }
    if (rule.kind === "hypercorn-run") {
      const bind = hypercornBind(ctx);
      if (bind) setListen(run, bind);
    }
    ctx.facts.runCalls.push(run);
  }
}
