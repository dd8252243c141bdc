/**
 * The analysis proper, wired together: parse, walk once, resolve imports and constants, then run
 * each detector over the collected nodes. May throw on a bug; `analyzePython` is the safe wrapper.
 */
import { parser } from "@lezer/python";
import type { PythonFacts } from "../../facts.js";
import { callSites, firstTime, type Ctx } from "./context.js";
import { detectEnvReads } from "./env.js";
import { parseImport } from "./imports.js";
import { detectCommandLiterals, detectDiskWrites, detectSubprocesses } from "./io.js";
import { detectModelLoads } from "./models.js";
import { detectStringModuleRefs } from "./modules.js";
import { KNOWN_QUALIFIED } from "./rules.js";
import { detectCuda, detectDatastores, detectExternalApis } from "./services.js";
import { readSettings } from "./settings.js";
import { kids, LineIndex, subscriptParts } from "./tree.js";
import { Resolver } from "./values.js";
import { walk } from "./walk.js";
import { detectAppObjects, detectRoutes, detectRunCalls } from "./web.js";

/** Facts with every list empty. */
export function emptyPythonFacts(): PythonFacts {
  return {
    imports: [],
    moduleRefs: [],
    stringModuleRefs: [],
    definesTasks: false,
    commandLiterals: [],
    appObjects: [],
    routes: [],
    mounts: [],
    runCalls: [],
    envReads: [],
    modelLoads: [],
    subprocesses: [],
    diskWrites: [],
    cuda: [],
    datastores: [],
    externalApis: [],
    hasMainGuard: false,
    usesStreamlit: false,
    syntaxErrors: 0,
  };
}

/** `app.config["K"] = v` and attributes of config classes, so `app.config["K"]` reads resolve. */
function collectConfig(ctx: Ctx): void {
  const { r, walked } = ctx;
  for (const { target, value, scope } of walked.memberAssigns) {
    const sub = subscriptParts(target);
    if (!sub || !/(^|\.)config$/.test(r.key(sub.object, scope) ?? "")) continue;
    const k = r.eval(sub.key, scope);
    if (k.t === "str") r.config.set(k.v, { value, scope });
  }
  for (const { node } of walked.classes) {
    const name = node.getChild("VariableName");
    if (!name || !/config/i.test(r.src(name))) continue;
    for (const stmt of kids(node.getChild("Body") ?? node)) {
      if (stmt.name !== "AssignStatement") continue;
      const parts = kids(stmt);
      const value = parts[parts.length - 1];
      if (parts[0]?.name === "VariableName" && value && parts.length >= 3 && !r.config.has(r.src(parts[0]))) {
        r.config.set(r.src(parts[0]), { value, scope: node.from });
      }
    }
  }
}

function byLine<T extends { line: number }>(list: T[]): void {
  list.sort((a, b) => a.line - b.line);
}

/** Analyzes one Python file; may throw on an internal bug (tests use it to see such bugs). */
export function collectPythonFacts(source: string, file: string): PythonFacts {
  // Editors on Windows save a BOM, which lezer reads as a stray token; dropping it keeps every line number.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const facts = emptyPythonFacts();
  const tree = parser.parse(text);
  const lines = new LineIndex(text);
  const walked = walk(tree, text);
  facts.syntaxErrors = walked.errors;
  facts.hasMainGuard = walked.mainBodies.length > 0;

  const r = new Resolver(text, file, walked, KNOWN_QUALIFIED);
  const imported = new Set<string>();
  const ctx: Ctx = { text, file, lines, r, walked, calls: [], imported, envUses: [], facts, seen: new Set() };
  const importsByLine: { names: string[]; line: number }[] = [];
  for (const node of walked.imports) {
    const parsed = parseImport(node, text);
    const line = lines.line(node.from);
    for (const m of parsed.modules) {
      const top = m.split(".")[0]!;
      if (firstTime(ctx, `import\0${top}\0${line}`)) facts.imports.push({ module: top, line });
      const segments = m.split(".");
      for (let i = 1; i <= segments.length; i++) imported.add(segments.slice(0, i).join("."));
    }
    for (const b of parsed.bindings) {
      r.aliases.set(b.local, b);
      imported.add(b.target);
    }
    r.stars.push(...parsed.stars);
    for (const ref of parsed.refs) if (firstTime(ctx, `ref\0${ref}`)) facts.moduleRefs.push({ module: ref, line });
    importsByLine.push({ names: [...parsed.modules, ...parsed.bindings.map((b) => b.target)], line });
  }
  facts.usesStreamlit = imported.has("streamlit");

  collectConfig(ctx);
  const settings = readSettings(walked, r);
  ctx.calls = callSites(walked, r, lines);

  detectEnvReads(ctx, settings);
  detectAppObjects(ctx);
  detectRoutes(ctx);
  detectRunCalls(ctx);
  detectModelLoads(ctx);
  detectSubprocesses(ctx);
  if (facts.subprocesses.length > 0) {
    detectCommandLiterals(ctx, tree);
    // A list written inside the spawn call itself is that subprocess, not another process.
    const spawned = new Set(facts.subprocesses.map((p) => p.command));
    facts.commandLiterals = facts.commandLiterals.filter((c) => !spawned.has(c.command));
  }
  detectDiskWrites(ctx);
  detectDatastores(ctx);
  detectExternalApis(ctx, importsByLine);
  detectCuda(ctx);
  detectStringModuleRefs(ctx);

  const lists: { line: number }[][] = [facts.imports, facts.appObjects, facts.routes, facts.runCalls, facts.modelLoads];
  lists.push(facts.subprocesses, facts.diskWrites, facts.cuda, facts.datastores, facts.externalApis, facts.envReads);
  for (const list of lists) byLine(list);
  return facts;
}
