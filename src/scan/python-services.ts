/**
 * Python services of one project: a web service when something serves HTTP (declared, or an app
 * object in code), and a worker per declared worker process (or an inferred Celery worker). Each
 * service's code facts come only from the files its entry really imports.
 */
import path from "node:path";
import type { Dependency, Diagnostic, Evidence, Fact, FrameworkId, ModelLoad, Service, StartCommand, Subprocess } from "../core/app-model.js";
import { at, diagnostic, factOf } from "../core/evidence.js";
import stdlibData from "../data/python-stdlib.json" with { type: "json" };
import type { CollectedRepo } from "./collect.js";
import { parseCommand } from "./command.js";
import type { Declared } from "./declared.js";
import type { CommandFacts, EnvRead, PythonFacts, RunCall } from "./facts.js";
import { compatible, PYTHON_FRAMEWORKS } from "./frameworks.js";
import { fileOfModule, isRuntimeFile, reachableFiles, taskModulesOf } from "./import-graph.js";
import { dirOf, relativeTo, type Project } from "./projects.js";
import { applyHealth, applyServer, inferredStart, resolveRefs, type ExtraEvidence, type RunCallRef } from "./serving.js";
import { installedManifests, moduleName, pickDeclared, serviceDependencies, startOf } from "./services.js";

const STDLIB = new Set(stdlibData.modules);

interface AppCandidate {
  entry: string;
  file: string;
  line: number;
  framework: FrameworkId;
}

interface CodeFacts {
  files: string[];
  imports: string[];
  modelLoads: ModelLoad[];
  subprocesses: Subprocess[];
  envVars: string[];
  envReads: { read: EnvRead; file: string }[];
  gpu: Fact<boolean>;
  routes: { path: string; file: string; line: number }[];
}

/** Shared by every service of the project: what it installs. */
interface ProjectFacts {
  manifests: string[];
  deps: Dependency[];
  frameworks: Fact<FrameworkId>[];
  torch?: Service["torch"];
  pythonVersion?: Fact<string>;
}

function joinRoute(prefix: string, path: string): string {
  const p = prefix.replace(/\/+$/, "");
  return (path.startsWith("/") ? p + path : `${p}/${path}`) || "/";
}

/** The web service and workers of one Python project. */
export function pythonServices(repo: CollectedRepo, project: Project, own: Declared[], diags: Diagnostic[]): { service: Service; files: string[] }[] {
  const manifests = installedManifests(repo, project);
  const deps = serviceDependencies(repo, manifests);
  const runtime = project.sources.filter((f) => isRuntimeFile(f, project.dir));
  const pf: ProjectFacts = { manifests, deps, frameworks: frameworksOf(repo, runtime, deps) };
  const torch = torchVariant(repo, deps);
  if (torch) pf.torch = torch;
  const version = pythonVersion(repo, project);
  if (version) pf.pythonVersion = version;

  const out: { service: Service; files: string[] }[] = [];
  const webDecls = own.filter((d) => d.role === "web" || d.role === "frontend");
  const workerGroups = new Map<string, Declared[]>();
  for (const d of own.filter((x) => x.role === "worker")) {
    const key = d.facts.server?.kind === "celery" ? `celery:${/\bbeat\b/.test(d.command ?? "") ? "beat" : "worker"}` : d.name;
    workerGroups.set(key, [...(workerGroups.get(key) ?? []), d]);
  }

  const candidates = appCandidates(repo, project, runtime);
  const webFrameworks = pf.frameworks.filter((f) => servesHttp(f.value));
  if (webDecls.length > 0 || candidates.length > 0) {
    out.push(webService(repo, project, webDecls, candidates, pf, runtime, diags));
  } else if (webFrameworks.length > 0 && workerGroups.size === 0) {
    diags.push(diagnostic("warning", "no-entry", `${webFrameworks.map((f) => f.value).join(", ")} is a dependency but no app object or start command was found`, webFrameworks.flatMap((f) => f.evidence).slice(0, 2)));
  }

  const celeryApps = runtime.flatMap((f) => (repo.python.get(f)?.appObjects ?? []).filter((o) => o.framework === "celery").map((o) => ({ f, o })));
  if (workerGroups.size === 0 && celeryApps[0] && deps.some((d) => d.name === "celery")) {
    const { f, o } = celeryApps[0];
    const command = `celery -A ${moduleName(f, project.dir)} worker --loglevel=info`;
    workerGroups.set("celery:worker", [
      { name: "worker", role: "worker", command, facts: parseCommand(command), dir: project.dir, source: "inferred", fileKind: "procfile", evidence: at(f, o.line, `${o.variable} = Celery(...)`) },
    ]);
  }
  for (const [key, decls] of workerGroups) out.push(workerService(repo, project, key, decls, pf, runtime, diags));
  return out;
}

function servesHttp(id: FrameworkId): boolean {
  return PYTHON_FRAMEWORKS.find((d) => d.id === id)?.servesHttp ?? false;
}

function frameworksOf(repo: CollectedRepo, files: string[], deps: Dependency[]): Fact<FrameworkId>[] {
  const found: Fact<FrameworkId>[] = [];
  for (const det of PYTHON_FRAMEWORKS) {
    const evidence: Evidence[] = [];
    let confidence: Fact<FrameworkId>["confidence"] = "low";
    for (const f of files) {
      const facts = repo.python.get(f);
      if (!facts) continue;
      for (const o of facts.appObjects) {
        if (det.appObject && o.framework === det.appObject) {
          evidence.push(at(f, o.line, `${o.variable} = ${det.id} app`));
          confidence = "high";
        }
      }
      if (det.id === "streamlit" && facts.usesStreamlit) {
        evidence.push(at(f, facts.imports.find((i) => i.module === "streamlit")?.line, "imports streamlit"));
        confidence = "high";
      }
    }
    if (evidence.length === 0) {
      for (const f of files) {
        const imp = repo.python.get(f)?.imports.find((i) => det.modules.includes(i.module));
        if (imp) {
          evidence.push(at(f, imp.line, `imports ${imp.module}`));
          confidence = "medium";
          break;
        }
      }
    }
    const dep = deps.find((d) => det.packages.includes(d.name));
    if (dep) evidence.push(dep.evidence);
    if (evidence.length > 0) found.push(factOf(det.id, confidence, evidence.slice(0, 4)));
  }
  return found;
}

function appCandidates(repo: CollectedRepo, project: Project, files: string[]): AppCandidate[] {
  const out: AppCandidate[] = [];
  for (const f of files) {
    const facts = repo.python.get(f);
    if (!facts) continue;
    for (const o of facts.appObjects) {
      const det = PYTHON_FRAMEWORKS.find((d) => d.appObject === o.framework);
      if (det?.servesHttp) out.push({ entry: `${moduleName(f, project.dir)}:${o.variable}`, file: f, line: o.line, framework: det.id });
    }
    if (facts.usesStreamlit) {
      out.push({ entry: relativeTo(f, project.dir), file: f, line: facts.imports.find((i) => i.module === "streamlit")?.line ?? 1, framework: "streamlit" });
    }
  }
  return out;
}

/** Conventional entry names first, shallow files before deep ones. */
function entryRank(c: AppCandidate, projectDir: string): number {
  const rel = relativeTo(c.file, projectDir);
  const base = path.posix.basename(rel, ".py");
  const conventional = ["main", "app", "run", "wsgi", "asgi", "server", "application", "api", "streamlit_app", "__init__"].indexOf(base);
  return rel.split("/").length * 100 + (conventional < 0 ? 50 : conventional);
}

/** Code facts of the files a process loads. */
function codeFacts(repo: CollectedRepo, project: Project, files: string[], skipTaskLoads = false): CodeFacts {
  const own = new Set(project.sources.map((f) => moduleName(f, project.dir).split(".")[0] ?? ""));
  const imports = new Set<string>();
  const cf: CodeFacts = { files, imports: [], modelLoads: [], subprocesses: [], envVars: [], envReads: [], gpu: factOf(false, "medium", []), routes: [] };
  const cuda: Evidence[] = [];
  const vars = new Set<string>();
  for (const f of files) {
    const facts = repo.python.get(f);
    if (!facts) continue;
    for (const i of facts.imports) if (!STDLIB.has(i.module) && !own.has(i.module) && !i.module.startsWith("_")) imports.add(i.module);
    for (const m of facts.modelLoads) {
      // Task code loads its models when the worker runs the task; the web process only imports the
      // module to enqueue (`.delay`), so it does not pay for them.
      if (skipTaskLoads && m.inFunction && facts.definesTasks) continue;
      const load: ModelLoad = { loader: m.loader, remote: m.remote, evidence: at(f, m.line) };
      if (m.modelId !== undefined) load.modelId = m.modelId;
      if (m.path !== undefined) load.path = m.path;
      if (m.fromEnv !== undefined) load.fromEnv = m.fromEnv;
      cf.modelLoads.push(load);
    }
    for (const s of facts.subprocesses) cf.subprocesses.push(subprocessOf(repo, project, s.command, at(f, s.line), own));
    for (const e of facts.envReads) {
      vars.add(e.name);
      cf.envReads.push({ read: e, file: f });
    }
    for (const c of facts.cuda) cuda.push(at(f, c.line, c.note));
  }
  // Routes of a blueprint or router get the prefix another file mounts it under.
  const mounts = new Map<string, string>();
  for (const f of files) for (const m of repo.python.get(f)?.mounts ?? []) mounts.set(m.target, m.prefix);
  for (const f of files) {
    for (const r of repo.python.get(f)?.routes ?? []) {
      const prefix = r.router ? mounts.get(`${moduleName(f, project.dir)}.${r.router}`) : undefined;
      cf.routes.push({ path: prefix ? joinRoute(prefix, r.path) : r.path, file: f, line: r.line });
    }
  }
  cf.imports = [...imports].sort();
  cf.envVars = [...vars].sort();
  if (cuda.length > 0) cf.gpu = factOf(true, "high", cuda.slice(0, 5));
  return cf;
}

/**
 * A spawned process: when it runs Python (`python -m synth`, `python worker.py`), which module,
 * and — when that is the app's own code — what it imports, so its memory can be estimated.
 */
function subprocessOf(repo: CollectedRepo, project: Project, command: string, evidence: Evidence, own: Set<string>): Subprocess {
  const sub: Subprocess = { command, evidence };
  const cmd = parseCommand(command);
  if (cmd.server?.kind !== "python" && !/^python[\d.]*\b/.test(command)) return sub;
  const target = cmd.module ?? cmd.script;
  if (!target || target.includes("…")) return sub;
  sub.python = cmd.module ? `-m ${cmd.module}` : target;
  const file = cmd.module
    ? (fileOfModule(repo, project, `${cmd.module}.__main__`) ?? fileOfModule(repo, project, cmd.module))
    : project.sources.find((f) => f === path.posix.join(project.dir, target));
  if (!file) return sub;
  const imports = new Set<string>();
  for (const f of reachableFiles(repo, project, [file])) {
    for (const i of repo.python.get(f)?.imports ?? []) if (!STDLIB.has(i.module) && !own.has(i.module) && !i.module.startsWith("_")) imports.add(i.module);
  }
  sub.imports = [...imports].sort();
  return sub;
}

function torchVariant(repo: CollectedRepo, deps: Dependency[]): Service["torch"] | undefined {
  const torchDeps = deps.filter((d) => ["torch", "torchvision", "torchaudio"].includes(d.name));
  if (torchDeps.length === 0) return undefined;
  const cpuIndexIn = new Set([...repo.manifests].filter(([, m]) => m.indexUrls.some((u) => /\/whl\/cpu\b/.test(u))).map(([file]) => file));
  const cpuEvidence: Evidence[] = [];
  for (const d of torchDeps) {
    if (d.localVersion === "cpu" || /\+cpu\b/.test(d.specifier ?? "") || /\/whl\/cpu\b/.test(d.url ?? "")) cpuEvidence.push(d.evidence);
    else if (cpuIndexIn.has(d.evidence.file)) cpuEvidence.push(at(d.evidence.file, undefined, "CPU wheel index"));
  }
  return { present: true, cpuOnly: cpuEvidence.length > 0, evidence: [...torchDeps.map((d) => d.evidence), ...cpuEvidence] };
}

/** Python version from .python-version, runtime.txt, a Dockerfile FROM, or requires-python (in that order). */
function pythonVersion(repo: CollectedRepo, project: Project): Fact<string> | undefined {
  const candidates: { value: string; evidence: Evidence; rank: number }[] = [];
  const RANK: Record<string, number> = { "python-version": 0, "runtime.txt": 1, dockerfile: 2 };
  for (const [file, facts] of repo.deploy) {
    const v = facts.deployFile.pythonVersion;
    const d = dirOf(file);
    if (!v || (d !== project.dir && d !== ".")) continue;
    candidates.push({ value: v, evidence: at(file, facts.deployFile.pythonVersionLine, `python ${v}`), rank: (RANK[facts.deployFile.kind] ?? 3) + (d === project.dir ? 0 : 10) });
  }
  for (const m of project.manifests) {
    const req = repo.manifests.get(m)?.pythonRequires;
    if (req) candidates.push({ value: req, evidence: at(m, undefined, `requires python ${req}`), rank: 5 });
  }
  candidates.sort((a, b) => a.rank - b.rank);
  const best = candidates[0];
  return best ? factOf(best.value, best.rank < 5 ? "high" : "medium", candidates.map((c) => c.evidence)) : undefined;
}

function pickRunCall(facts: PythonFacts | undefined): RunCall | undefined {
  return facts?.runCalls.find((r) => r.underMain) ?? facts?.runCalls[0];
}

function firstMainRunCall(repo: CollectedRepo, files: string[]): RunCallRef | undefined {
  const hits: RunCallRef[] = [];
  for (const f of files) for (const call of repo.python.get(f)?.runCalls ?? []) if (call.underMain) hits.push({ file: f, call });
  hits.sort((a, b) => a.file.split("/").length - b.file.split("/").length);
  return hits[0];
}

function conflicts(diags: Diagnostic[], id: string, best: Declared | undefined, others: Declared[]): void {
  for (const c of others) {
    diags.push(diagnostic("warning", "start-command-conflict", `${c.fileKind} starts "${c.command}" but ${best?.fileKind} starts "${best?.command}"`, [best?.evidence ?? at(c.evidence.file), c.evidence], id));
  }
}

function webService(repo: CollectedRepo, project: Project, decls: Declared[], candidates: AppCandidate[], pf: ProjectFacts, runtime: string[], diags: Diagnostic[]): { service: Service; files: string[] } {
  const withCommand = decls.filter((d) => d.command);
  const named = withCommand[0]?.name ?? decls[0]?.name;
  const id = !named || named === "web" || named === "launcher" ? "web" : named;
  const { best, conflicts: others } = pickDeclared(withCommand);
  conflicts(diags, id, best, others);

  const cmd: CommandFacts = best?.facts ?? {};
  let start: StartCommand | undefined = best ? startOf(best) : undefined;
  // Which file runs: the declared entry, script or module; else the best app object in code.
  let entry: Fact<string> | undefined;
  let entryFile: string | undefined;
  if (best && cmd.script) {
    entry = factOf(cmd.script, "high", [best.evidence]);
    entryFile = path.posix.normalize(path.posix.join(best.dir, cmd.script));
  } else if (best && cmd.module) {
    entry = factOf(`-m ${cmd.module}`, "high", [best.evidence]);
    entryFile = fileOfModule(repo, project, cmd.module) ?? fileOfModule(repo, project, `${cmd.module}.__main__`);
  } else if (best && cmd.entry) {
    entry = factOf(cmd.entry, "high", [best.evidence]);
    entryFile = fileOfModule(repo, project, cmd.entry.split(":")[0] ?? "");
  }
  const ranked = [...candidates].sort((a, b) => entryRank(a, project.dir) - entryRank(b, project.dir));
  // Django names the application it serves in settings (WSGI_APPLICATION): that settles the entry.
  const django = runtime.map((f) => ({ file: f, app: repo.python.get(f)?.djangoApplication })).find((x) => x.app);
  const chosen = django?.app ? ranked.find((c) => c.framework === "django" && c.entry === django.app?.entry) : undefined;
  const top = chosen ?? ranked[0];
  if (!entry && chosen && django?.app) {
    entry = factOf(chosen.entry, "high", [at(chosen.file, chosen.line), at(django.file, django.app.line, `${django.app.kind === "wsgi" ? "WSGI" : "ASGI"}_APPLICATION`)]);
    entryFile = chosen.file;
  } else if (!entry && top) {
    const rivals = ranked.filter((c) => c !== top && entryRank(c, project.dir) === entryRank(top, project.dir) && c.framework === top.framework);
    entry = factOf(top.entry, rivals.length > 0 ? "low" : "medium", [at(top.file, top.line)]);
    entryFile = top.file;
    if (rivals.length > 0) {
      diags.push(diagnostic("warning", "ambiguous-entry", `several ${top.framework} apps could be the entry: ${[top, ...rivals].map((c) => c.entry).join(", ")}`, [top, ...rivals].map((c) => at(c.file, c.line)), id));
    }
  }

  // A script entry that calls app.run / uvicorn.run decides the server, port and host itself.
  const entryCall = entryFile && (cmd.script || cmd.module) ? pickRunCall(repo.python.get(entryFile)) : undefined;
  let runCall: RunCallRef | undefined = entryFile && entryCall ? { file: entryFile, call: entryCall } : undefined;
  if (!best) runCall ??= firstMainRunCall(repo, runtime);
  if (!start && runCall) {
    start = { command: `python ${relativeTo(runCall.file, project.dir)}`, source: "code", confidence: "medium", evidence: [at(runCall.file, runCall.call.line, "__main__ starts the server")] };
    entry ??= factOf(relativeTo(runCall.file, project.dir), "medium", [at(runCall.file, runCall.call.line)]);
    entryFile ??= runCall.file;
  }
  const mainFramework = top?.framework ?? pf.frameworks.find((f) => servesHttp(f.value))?.value;
  if (!start && entry && mainFramework) start = inferredStart(mainFramework, entry.value, entry.evidence);

  // uvicorn.run("src.api.main:app") loads another module: follow it too.
  const roots = [entryFile, runCall?.call.target ? fileOfModule(repo, project, runCall.call.target.split(":")[0] ?? "") : undefined].filter((f): f is string => !!f);
  const files = roots.length > 0 ? reachableFiles(repo, project, roots) : runtime;
  const code = codeFacts(repo, project, files, true);
  const frameworks = pf.frameworks.filter((f) => f.value !== "celery" && (f.confidence === "low" || f.evidence.some((e) => files.includes(e.file) || !e.file.endsWith(".py"))));
  const webFrameworks = frameworks.filter((f) => servesHttp(f.value) && f.confidence !== "low");
  for (let i = 0; i < webFrameworks.length; i++) {
    for (let j = i + 1; j < webFrameworks.length; j++) {
      const [a, b] = [webFrameworks[i], webFrameworks[j]] as [Fact<FrameworkId>, Fact<FrameworkId>];
      if (!compatible(a.value, b.value)) {
        diags.push(diagnostic("warning", "ambiguous-framework", `both ${a.value} and ${b.value} serve HTTP in ${project.dir}; which one runs is decided by the start command`, [...a.evidence.slice(0, 1), ...b.evidence.slice(0, 1)], id));
      }
    }
  }

  const service = baseService(id, "web", project, pf, frameworks, code);
  if (entry) service.entry = entry;
  if (start) service.start = start;
  let extra: ExtraEvidence = {};
  if (runCall && (runCall.call.portRef || runCall.call.hostRef)) {
    const resolved = resolveRefs(runCall.call, code.envReads);
    runCall = { file: runCall.file, call: resolved.call };
    extra = resolved.extra;
  }
  const effective: CommandFacts = best ? cmd : start?.source === "inferred" ? parseCommand(start.command) : {};
  applyServer(service, effective, start, runCall, mainFramework, extra);
  applyHealth(service, decls, code.routes);
  const health = service.healthPath;
  const norm = (p: string) => p.replace(/\/+$/, "") || "/";
  if (health && health.evidence[0]?.note !== "route" && health.confidence === "high" && code.routes.length > 0 && !code.routes.some((r) => norm(r.path) === norm(health.value))) {
    diags.push(diagnostic("warning", "health-path-missing", `the health check calls ${health.value} but no route of ${id} serves it`, health.evidence, id));
  }
  return { service, files };
}

function workerService(repo: CollectedRepo, project: Project, key: string, decls: Declared[], pf: ProjectFacts, runtime: string[], diags: Diagnostic[]): { service: Service; files: string[] } {
  const { best, conflicts: others } = pickDeclared(decls.filter((d) => d.command));
  const id = best?.name && best.name !== "web" ? best.name : key.replace(/^celery:/, "");
  conflicts(diags, id, best, others);
  const cmd = best?.facts ?? {};
  // A Celery worker loads its app module and the task modules that import it.
  let files = runtime;
  const appModule = cmd.entry?.replace(/:.*$/, "");
  const appFile = appModule ? fileOfModule(repo, project, appModule) ?? fileOfModule(repo, project, appModule.split(".").slice(0, -1).join(".")) : cmd.script ? path.posix.join(best?.dir ?? project.dir, cmd.script) : undefined;
  if (appFile && repo.python.has(appFile)) {
    const taskModules = taskModulesOf(repo, project, new Set([moduleName(appFile, project.dir)]));
    files = reachableFiles(repo, project, [appFile, ...taskModules.filter((f) => runtime.includes(f))]);
  }
  const code = codeFacts(repo, project, files);
  const frameworks = pf.frameworks.filter((f) => (cmd.server?.kind === "celery" ? f.value === "celery" : !servesHttp(f.value)));
  const service = baseService(id, "worker", project, pf, frameworks, code);
  service.readsPortEnv = factOf(false, "high", []);
  if (best) {
    service.start = best.source === "inferred" ? { command: best.command ?? "", source: "inferred", confidence: "medium", evidence: [best.evidence] } : startOf(best);
    if (cmd.script) service.entry = factOf(cmd.script, "high", [best.evidence]);
    else if (cmd.entry) service.entry = factOf(cmd.entry, "high", [best.evidence]);
  }
  if (cmd.server) service.server = { ...cmd.server, evidence: best ? [best.evidence] : [] };
  return { service, files };
}

function baseService(id: string, kind: Service["kind"], project: Project, pf: ProjectFacts, frameworks: Fact<FrameworkId>[], code: CodeFacts): Service {
  const service: Service = {
    id,
    kind,
    root: project.dir,
    language: "python",
    frameworks,
    readsPortEnv: factOf(false, "low", []),
    manifests: pf.manifests,
    imports: code.imports,
    modelLoads: code.modelLoads,
    subprocesses: code.subprocesses,
    envVars: code.envVars,
    gpu: code.gpu,
    files: { count: 0, bytes: 0, models: [] },
  };
  if (pf.torch) service.torch = pf.torch;
  if (pf.pythonVersion) service.pythonVersion = pf.pythonVersion;
  return service;
}
