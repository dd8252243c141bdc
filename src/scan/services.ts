/**
 * Builds the services of the AppModel from projects, declared processes and per-file facts:
 * for each one its frameworks, entry, start command, server settings, port, bind host, health path,
 * dependencies, imports, model loads, subprocesses and env vars — each with evidence.
 */
import path from "node:path";
import type {
  Dependency,
  Diagnostic,
  Evidence,
  Fact,
  FrameworkId,
  ModelLoad,
  Service,
  ServiceKind,
  StartCommand,
  Subprocess,
} from "../core/app-model.js";
import { at, diagnostic, lineAt } from "../core/evidence.js";
import serverData from "../data/servers.json" with { type: "json" };
import stdlibData from "../data/python-stdlib.json" with { type: "json" };
import type { CollectedRepo } from "./collect.js";
import { parseCommand } from "./command.js";
import { declaredFor, precedence, type Declared } from "./declared.js";
import type { CommandFacts, PythonFacts, RunCall } from "./facts.js";
import { compatible, PYTHON_FRAMEWORKS } from "./frameworks.js";
import { detectNodeFrameworks } from "./node/package-json.js";
import { dirOf, isWithin, type Project } from "./projects.js";

const STDLIB = new Set(stdlibData.modules);

interface ServerDefault {
  host: string;
  port: number;
  readsPort: boolean;
  healthPath?: string;
  source: string;
}
const SERVERS = serverData.servers as Record<string, ServerDefault>;
const FRAMEWORK_SERVER = serverData.frameworks as Record<string, string>;

const HEALTH_ROUTE = /^\/(?:api\/)?(?:v\d+\/)?(?:health|healthz|healthcheck|health-check|ping|status|ready|readyz|livez)\/?$/i;

export interface ServiceBuild {
  services: Service[];
  diagnostics: Diagnostic[];
  /** Which project each service came from (by id), for repo-level facts. */
  projectOf: Map<string, Project>;
}

function fact<T>(value: T, confidence: Fact<T>["confidence"], evidence: Evidence[]): Fact<T> {
  return { value, confidence, evidence };
}

/** Dotted module path of a Python file relative to its project (app/__init__.py → app). */
export function moduleName(file: string, projectDir: string): string {
  const rel = projectDir === "." ? file : file.slice(projectDir.length + 1);
  return rel
    .replace(/\.pyw?$/, "")
    .replace(/\/__init__$/, "")
    .split("/")
    .join(".");
}

export function buildServices(repo: CollectedRepo, projects: Project[], declared: Declared[]): ServiceBuild {
  const out: ServiceBuild = { services: [], diagnostics: [], projectOf: new Map() };
  const dirs = projects.map((p) => p.dir);
  const multi = new Set(projects.map((p) => p.dir)).size > 1;
  for (const project of projects) {
    const own = declaredFor(declared, project.dir, dirs).filter((d) => d.role !== "datastore" && d.role !== "release");
    const built =
      project.language === "python"
        ? pythonServices(repo, project, own, out.diagnostics)
        : nodeServices(repo, project, own, out.diagnostics);
    for (const s of built) {
      s.id = uniqueId(serviceId(s, project, multi), out.services);
      out.services.push(s);
      out.projectOf.set(s.id, project);
    }
  }
  // A Gradio or Streamlit UI next to an API is the front end of that API.
  const hasApi = out.services.some((s) => s.kind === "web" && s.frameworks.some((f) => ["flask", "fastapi", "django", "starlette"].includes(f.value)));
  for (const s of out.services) {
    const ids = s.frameworks.map((f) => f.value);
    if (hasApi && s.kind === "web" && ids.length > 0 && ids.every((f) => f === "gradio" || f === "streamlit")) s.kind = "frontend";
  }
  return out;
}

function serviceId(s: Service, project: Project, multi: boolean): string {
  const base = project.dir === "." ? "" : path.posix.basename(project.dir);
  if (!multi || base === "") return s.id;
  return s.kind === "worker" ? `${base}-${s.id}` : base;
}

function uniqueId(id: string, taken: Service[]): string {
  let candidate = id;
  for (let i = 2; taken.some((s) => s.id === candidate); i++) candidate = `${id}-${i}`;
  return candidate;
}

/** The manifests a project's build installs: what a Dockerfile names, else requirements.txt, else pyproject… */
function installedManifests(repo: CollectedRepo, project: Project): string[] {
  const inProject = (f: string) => isWithin(dirOf(f), project.dir);
  for (const [dockerfile, reqs] of repo.dockerInstalls) {
    if (dirOf(dockerfile) === project.dir && reqs.length > 0) {
      const present = reqs.filter((r) => repo.manifests.has(r));
      if (present.length > 0) return withIncludes(repo, present);
    }
  }
  const byBase = (name: string) => project.manifests.find((m) => path.posix.basename(m).toLowerCase() === name);
  const main = byBase("requirements.txt") ?? byBase("pyproject.toml") ?? byBase("pipfile") ?? byBase("setup.py") ?? byBase("setup.cfg") ?? byBase("package.json");
  if (main) return withIncludes(repo, [main]);
  return withIncludes(repo, project.manifests.filter(inProject).slice(0, 1));
}

/** Follow `-r` includes (not constraints: they pin, they do not add). */
function withIncludes(repo: CollectedRepo, files: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length > 0) {
    const f = queue.shift() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const inc of repo.manifests.get(f)?.includes ?? []) {
      if (inc.kind !== "requirement") continue;
      const target = path.posix.normalize(path.posix.join(dirOf(f), inc.path));
      if (repo.manifests.has(target)) queue.push(target);
    }
  }
  return [...seen];
}

export function serviceDependencies(repo: CollectedRepo, manifests: string[]): Dependency[] {
  const deps: Dependency[] = [];
  for (const m of manifests) {
    for (const d of repo.manifests.get(m)?.dependencies ?? []) {
      if (d.group === undefined || d.group === "main") deps.push(d);
    }
  }
  return deps;
}

function ownTopModules(project: Project): Set<string> {
  const own = new Set<string>();
  for (const f of project.sources) {
    const first = moduleName(f, project.dir).split(".")[0];
    if (first) own.add(first);
  }
  return own;
}

function frameworksOf(repo: CollectedRepo, project: Project, deps: Dependency[]): Fact<FrameworkId>[] {
  const found: Fact<FrameworkId>[] = [];
  for (const det of PYTHON_FRAMEWORKS) {
    const evidence: Evidence[] = [];
    let confidence: Fact<FrameworkId>["confidence"] = "low";
    for (const f of project.sources) {
      const facts = repo.python.get(f);
      if (!facts) continue;
      for (const o of facts.appObjects) {
        if (det.appObject && o.framework === det.appObject) {
          evidence.push(at(f, o.line, `${o.variable} = ${det.id} app`));
          confidence = "high";
        }
      }
      if (det.id === "streamlit" && facts.usesStreamlit) {
        const imp = facts.imports.find((i) => i.module === "streamlit");
        evidence.push(at(f, imp?.line, "imports streamlit"));
        confidence = "high";
      }
    }
    if (evidence.length === 0) {
      for (const f of project.sources) {
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
    if (evidence.length > 0) found.push(fact(det.id, confidence, evidence.slice(0, 4)));
  }
  return found;
}

interface AppCandidate {
  entry: string;
  file: string;
  line: number;
  framework: FrameworkId;
}

function appCandidates(repo: CollectedRepo, project: Project): AppCandidate[] {
  const out: AppCandidate[] = [];
  for (const f of project.sources) {
    const facts = repo.python.get(f);
    if (!facts) continue;
    for (const o of facts.appObjects) {
      const det = PYTHON_FRAMEWORKS.find((d) => d.appObject === o.framework);
      if (!det || !det.servesHttp) continue;
      out.push({ entry: `${moduleName(f, project.dir)}:${o.variable}`, file: f, line: o.line, framework: det.id });
    }
    if (facts.usesStreamlit) {
      const imp = facts.imports.find((i) => i.module === "streamlit");
      out.push({ entry: relToProject(f, project.dir), file: f, line: imp?.line ?? 1, framework: "streamlit" });
    }
  }
  return out;
}

function relToProject(file: string, dir: string): string {
  return dir === "." ? file : file.slice(dir.length + 1);
}

/** Conventional entry names first, shallow files before deep ones. */
function entryRank(c: AppCandidate, projectDir: string): number {
  const rel = relToProject(c.file, projectDir);
  const depth = rel.split("/").length;
  const base = path.posix.basename(rel, ".py");
  const conventional = ["main", "app", "run", "wsgi", "asgi", "server", "application", "api", "streamlit_app", "__init__"].indexOf(base);
  return depth * 100 + (conventional < 0 ? 50 : conventional);
}

function pickDeclared(candidates: Declared[]): { best?: Declared; conflicts: Declared[] } {
  const sorted = [...candidates].sort((a, b) => precedence(a.source) - precedence(b.source));
  const best = sorted[0];
  if (!best) return { conflicts: [] };
  const conflicts = sorted.slice(1).filter((d) => d.command && best.command && commandsDisagree(best.facts, d.facts));
  return { best, conflicts };
}

/** Two start commands disagree when they run a different server, entry or port source. */
function commandsDisagree(a: CommandFacts, b: CommandFacts): boolean {
  const k = (c: CommandFacts) => [c.server?.kind ?? "", c.entry ?? c.script ?? c.module ?? "", c.portFromEnv ?? String(c.port ?? "")];
  const [x, y] = [k(a), k(b)];
  return x.some((v, i) => v !== "" && y[i] !== "" && v !== y[i]);
}

function startOf(d: Declared): StartCommand {
  return { command: d.command ?? "", source: d.source, confidence: "high", evidence: [d.evidence] };
}

function pythonServices(repo: CollectedRepo, project: Project, own: Declared[], diags: Diagnostic[]): Service[] {
  const manifests = installedManifests(repo, project);
  const deps = serviceDependencies(repo, manifests);
  const frameworks = frameworksOf(repo, project, deps);
  const shared = sharedPythonFacts(repo, project, deps);
  const services: Service[] = [];

  // Group declared processes: all web declarations are one web service; workers by name.
  const webDecls = own.filter((d) => d.role === "web" || d.role === "frontend");
  const workerGroups = new Map<string, Declared[]>();
  for (const d of own.filter((x) => x.role === "worker")) {
    const key = d.facts.server?.kind === "celery" ? `celery:${d.command?.includes(" beat") ? "beat" : "worker"}` : d.name;
    workerGroups.set(key, [...(workerGroups.get(key) ?? []), d]);
  }

  const candidates = appCandidates(repo, project);
  const webFrameworks = frameworks.filter((f) => PYTHON_FRAMEWORKS.find((d) => d.id === f.value)?.servesHttp);
  if (webDecls.length > 0 || candidates.length > 0) {
    services.push(pythonWebService(repo, project, webDecls, candidates, frameworks, manifests, shared, diags));
  } else if (webFrameworks.length > 0 && workerGroups.size === 0) {
    diags.push(
      diagnostic("warning", "no-entry", `${webFrameworks.map((f) => f.value).join(", ")} is a dependency but no app object or start command was found`, webFrameworks.flatMap((f) => f.evidence).slice(0, 2)),
    );
  }

  const celeryApps = project.sources.flatMap((f) => (repo.python.get(f)?.appObjects ?? []).filter((o) => o.framework === "celery").map((o) => ({ f, o })));
  if (workerGroups.size === 0 && celeryApps.length > 0 && deps.some((d) => d.name === "celery")) {
    const { f, o } = celeryApps[0] as (typeof celeryApps)[number];
    const mod = moduleName(f, project.dir);
    const command = `celery -A ${mod} worker --loglevel=info`;
    workerGroups.set("celery:worker", [
      { name: "worker", role: "worker", command, facts: parseCommand(command), dir: project.dir, source: "inferred", fileKind: "procfile", evidence: at(f, o.line, `${o.variable} = Celery(...)`) },
    ]);
  }
  for (const [key, decls] of workerGroups) {
    services.push(pythonWorkerService(repo, project, key, decls, frameworks, manifests, shared, diags));
  }
  return services;
}

interface SharedPython {
  imports: string[];
  modelLoads: ModelLoad[];
  subprocesses: Subprocess[];
  envVars: string[];
  gpu: Fact<boolean>;
  torch?: Service["torch"];
  pythonVersion?: Fact<string>;
  routes: { path: string; file: string; line: number }[];
}

function sharedPythonFacts(repo: CollectedRepo, project: Project, deps: Dependency[]): SharedPython {
  const own = ownTopModules(project);
  const imports = new Set<string>();
  const modelLoads: ModelLoad[] = [];
  const subprocesses: Subprocess[] = [];
  const envVars = new Set<string>();
  const cuda: Evidence[] = [];
  const routes: SharedPython["routes"] = [];
  for (const f of project.sources) {
    const facts = repo.python.get(f);
    if (!facts) continue;
    for (const i of facts.imports) if (!STDLIB.has(i.module) && !own.has(i.module) && !i.module.startsWith("_")) imports.add(i.module);
    for (const m of facts.modelLoads) {
      const load: ModelLoad = { loader: m.loader, remote: m.remote, evidence: at(f, m.line) };
      if (m.modelId !== undefined) load.modelId = m.modelId;
      if (m.path !== undefined) load.path = m.path;
      if (m.fromEnv !== undefined) load.fromEnv = m.fromEnv;
      modelLoads.push(load);
    }
    for (const s of facts.subprocesses) subprocesses.push({ command: s.command, evidence: at(f, s.line) });
    for (const e of facts.envReads) envVars.add(e.name);
    for (const c of facts.cuda) cuda.push(at(f, c.line, c.note));
    for (const r of facts.routes) routes.push({ path: r.path, file: f, line: r.line });
  }
  const shared: SharedPython = {
    imports: [...imports].sort(),
    modelLoads,
    subprocesses,
    envVars: [...envVars].sort(),
    gpu: cuda.length > 0 ? fact(true, "high", cuda.slice(0, 5)) : fact(false, "medium", []),
    routes,
  };
  const torchDeps = deps.filter((d) => ["torch", "torchvision", "torchaudio"].includes(d.name));
  if (torchDeps.length > 0) {
    const manifestsWithCpuIndex = new Set(
      [...repo.manifests].filter(([, m]) => m.indexUrls.some((u) => /\/whl\/cpu\b/.test(u))).map(([file]) => file),
    );
    const cpuEvidence: Evidence[] = [];
    for (const d of torchDeps) {
      if (d.localVersion === "cpu" || /\+cpu\b/.test(d.specifier ?? "") || /\/whl\/cpu\b/.test(d.url ?? "")) cpuEvidence.push(d.evidence);
      else if (manifestsWithCpuIndex.has(d.evidence.file)) cpuEvidence.push(at(d.evidence.file, undefined, "CPU wheel index"));
    }
    shared.torch = { present: true, cpuOnly: cpuEvidence.length > 0, evidence: [...torchDeps.map((d) => d.evidence), ...cpuEvidence] };
  }
  const version = pythonVersion(repo, project);
  if (version) shared.pythonVersion = version;
  return shared;
}

/** Python version from .python-version, runtime.txt, a Dockerfile FROM, or requires-python (in that order). */
function pythonVersion(repo: CollectedRepo, project: Project): Fact<string> | undefined {
  const candidates: { value: string; evidence: Evidence; rank: number }[] = [];
  for (const [file, facts] of repo.deploy) {
    const v = facts.deployFile.pythonVersion;
    if (!v) continue;
    const d = dirOf(file);
    if (d !== project.dir && d !== ".") continue;
    const rank = { "python-version": 0, "runtime.txt": 1, dockerfile: 2 }[facts.deployFile.kind as string] ?? 3;
    candidates.push({ value: v, evidence: at(file, undefined, `python ${v}`), rank: rank + (d === project.dir ? 0 : 10) });
  }
  for (const m of project.manifests) {
    const req = repo.manifests.get(m)?.pythonRequires;
    if (req) candidates.push({ value: req, evidence: at(m, undefined, `requires python ${req}`), rank: 5 });
  }
  candidates.sort((a, b) => a.rank - b.rank);
  const best = candidates[0];
  if (!best) return undefined;
  return fact(best.value, best.rank < 5 ? "high" : "medium", candidates.map((c) => c.evidence));
}

function pythonWebService(
  repo: CollectedRepo,
  project: Project,
  decls: Declared[],
  candidates: AppCandidate[],
  frameworks: Fact<FrameworkId>[],
  manifests: string[],
  shared: SharedPython,
  diags: Diagnostic[],
): Service {
  const id = decls[0]?.name === "web" || decls.length === 0 ? "web" : (decls[0]?.name ?? "web");
  const { best, conflicts } = pickDeclared(decls);
  for (const c of conflicts) {
    diags.push(
      diagnostic("warning", "start-command-conflict", `${c.fileKind} starts "${c.command}" but ${best?.fileKind} starts "${best?.command}"`, [best?.evidence ?? at(c.evidence.file), c.evidence], id),
    );
  }
  const webFrameworks = frameworks.filter((f) => PYTHON_FRAMEWORKS.find((d) => d.id === f.value)?.servesHttp);
  for (let i = 0; i < webFrameworks.length; i++) {
    for (let j = i + 1; j < webFrameworks.length; j++) {
      const a = webFrameworks[i] as Fact<FrameworkId>;
      const b = webFrameworks[j] as Fact<FrameworkId>;
      if (!compatible(a.value, b.value) && a.confidence !== "low" && b.confidence !== "low") {
        diags.push(diagnostic("warning", "ambiguous-framework", `both ${a.value} and ${b.value} serve HTTP in ${project.dir}; which one runs is decided by the start command`, [...a.evidence.slice(0, 1), ...b.evidence.slice(0, 1)], id));
      }
    }
  }

  const start: StartCommand | undefined = best ? startOf(best) : undefined;
  const cmd: CommandFacts = best?.facts ?? {};
  // Which file runs: the declared entry/script, else the best app candidate.
  let entry: Fact<string> | undefined;
  let entryFile: string | undefined;
  if (cmd.entry) {
    entry = fact(cmd.entry, "high", [best?.evidence as Evidence]);
    const mod = cmd.entry.split(":")[0] ?? "";
    entryFile = findModuleFile(repo, project, mod);
  } else if (cmd.script) {
    entry = fact(cmd.script, "high", [best?.evidence as Evidence]);
    entryFile = path.posix.normalize(path.posix.join(best?.dir ?? project.dir, cmd.script));
  } else if (cmd.module) {
    entry = fact(`-m ${cmd.module}`, "high", [best?.evidence as Evidence]);
    entryFile = findModuleFile(repo, project, cmd.module);
  }
  const ranked = [...candidates].sort((a, b) => entryRank(a, project.dir) - entryRank(b, project.dir));
  if (!entry && ranked[0]) {
    const top = ranked[0];
    const rivals = ranked.filter((c) => c !== top && entryRank(c, project.dir) === entryRank(top, project.dir) && c.framework === top.framework);
    entry = fact(top.entry, rivals.length > 0 ? "low" : "medium", [at(top.file, top.line)]);
    entryFile = top.file;
    if (rivals.length > 0) {
      diags.push(diagnostic("warning", "ambiguous-entry", `several ${top.framework} apps could be the entry: ${[top, ...rivals].map((c) => c.entry).join(", ")}`, [top, ...rivals].map((c) => at(c.file, c.line)), id));
    }
  } else if (!cmd.entry && !cmd.script && !cmd.module && ranked.length > 1) {
    const distinctFiles = new Set(ranked.map((c) => c.file));
    if (distinctFiles.size > 1 && !best) {
      diags.push(diagnostic("info", "multiple-apps", `app objects in ${[...distinctFiles].join(", ")}`, ranked.map((c) => at(c.file, c.line)), id));
    }
  }

  // A script entry that calls app.run/uvicorn.run decides the server, port and host itself.
  const entryCall = entryFile ? pickRunCall(repo.python.get(entryFile), cmd) : undefined;
  const runCall = entryFile && entryCall ? { file: entryFile, call: entryCall } : best ? undefined : firstMainRunCall(repo, project);
  let startCmd = start;
  if (!startCmd && runCall) {
    startCmd = { command: `python ${relToProject(runCall.file, project.dir)}`, source: "code", confidence: "medium", evidence: [at(runCall.file, runCall.call.line, "__main__ starts the server")] };
    entry ??= fact(relToProject(runCall.file, project.dir), "medium", [at(runCall.file, runCall.call.line)]);
  }
  const mainFramework = (ranked[0]?.framework ?? webFrameworks[0]?.value) as FrameworkId | undefined;
  if (!startCmd && entry && mainFramework) startCmd = inferredStart(mainFramework, entry.value, entry.evidence);

  const service: Service = {
    id,
    kind: "web",
    root: project.dir,
    language: "python",
    frameworks,
    readsPortEnv: fact(false, "low", []),
    manifests,
    imports: shared.imports,
    modelLoads: shared.modelLoads,
    subprocesses: shared.subprocesses,
    envVars: shared.envVars,
    gpu: shared.gpu,
  };
  if (entry) service.entry = entry;
  if (startCmd) service.start = startCmd;
  if (shared.torch) service.torch = shared.torch;
  if (shared.pythonVersion) service.pythonVersion = shared.pythonVersion;
  const effective = startCmd && startCmd !== start ? parseCommand(startCmd.command) : cmd;
  applyServer(service, effective, startCmd, runCall, mainFramework);
  applyHealth(service, decls, shared.routes);
  return service;
}

function pythonWorkerService(
  repo: CollectedRepo,
  project: Project,
  key: string,
  decls: Declared[],
  frameworks: Fact<FrameworkId>[],
  manifests: string[],
  shared: SharedPython,
  diags: Diagnostic[],
): Service {
  const { best, conflicts } = pickDeclared(decls);
  const id = best?.name && best.name !== "web" ? best.name : key.replace(/^celery:/, "");
  for (const c of conflicts) {
    diags.push(diagnostic("warning", "start-command-conflict", `${c.fileKind} starts "${c.command}" but ${best?.fileKind} starts "${best?.command}"`, [best?.evidence ?? at(c.evidence.file), c.evidence], id));
  }
  const cmd = best?.facts ?? {};
  const workerFrameworks = frameworks.filter((f) => f.value === "celery" || !PYTHON_FRAMEWORKS.find((d) => d.id === f.value)?.servesHttp);
  const service: Service = {
    id,
    kind: "worker",
    root: project.dir,
    language: "python",
    frameworks: cmd.server?.kind === "celery" ? workerFrameworks.filter((f) => f.value === "celery") : workerFrameworks,
    readsPortEnv: fact(false, "high", []),
    manifests,
    imports: shared.imports,
    modelLoads: shared.modelLoads,
    subprocesses: shared.subprocesses,
    envVars: shared.envVars,
    gpu: shared.gpu,
  };
  if (best) {
    service.start = best.source === "inferred" ? { command: best.command ?? "", source: "inferred", confidence: "medium", evidence: [best.evidence] } : startOf(best);
    if (cmd.entry) service.entry = fact(cmd.entry, "high", [best.evidence]);
    else if (cmd.script) service.entry = fact(cmd.script, "high", [best.evidence]);
  }
  if (cmd.server) service.server = { ...cmd.server, evidence: best ? [best.evidence] : [] };
  if (shared.torch) service.torch = shared.torch;
  if (shared.pythonVersion) service.pythonVersion = shared.pythonVersion;
  void repo;
  return service;
}

function findModuleFile(repo: CollectedRepo, project: Project, mod: string): string | undefined {
  const base = mod.replace(/\(.*$/, "").split(".").join("/");
  const prefix = project.dir === "." ? "" : `${project.dir}/`;
  for (const candidate of [`${prefix}${base}.py`, `${prefix}${base}/__init__.py`]) {
    if (repo.python.has(candidate)) return candidate;
  }
  return undefined;
}

function pickRunCall(facts: PythonFacts | undefined, cmd: CommandFacts): RunCall | undefined {
  if (!facts || !(cmd.script || cmd.module)) return undefined;
  return facts.runCalls.find((r) => r.underMain) ?? facts.runCalls[0];
}

function firstMainRunCall(repo: CollectedRepo, project: Project): { file: string; call: RunCall } | undefined {
  const hits: { file: string; call: RunCall }[] = [];
  for (const f of project.sources) {
    for (const call of repo.python.get(f)?.runCalls ?? []) if (call.underMain) hits.push({ file: f, call });
  }
  hits.sort((a, b) => a.file.split("/").length - b.file.split("/").length);
  return hits[0];
}

/** What a platform builder would run for a framework when nothing declares a start command. */
function inferredStart(framework: FrameworkId, entry: string, evidence: Evidence[]): StartCommand {
  const commands: Partial<Record<FrameworkId, string>> = {
    flask: `gunicorn --bind 0.0.0.0:$PORT ${entry}`,
    fastapi: `uvicorn ${entry} --host 0.0.0.0 --port $PORT`,
    starlette: `uvicorn ${entry} --host 0.0.0.0 --port $PORT`,
    django: `gunicorn --bind 0.0.0.0:$PORT ${entry}`,
    streamlit: `streamlit run ${entry} --server.port $PORT --server.address 0.0.0.0`,
    gradio: `python ${entry.split(":")[0]?.replace(/\./g, "/")}.py`,
  };
  return { command: commands[framework] ?? `python ${entry}`, source: "inferred", confidence: "low", evidence };
}

type RunCallRef = { file: string; call: RunCall };

const RUN_CALL_SERVER: Record<RunCall["kind"], string> = {
  "flask-run": "flask-dev",
  "socketio-run": "flask-dev",
  "uvicorn-run": "uvicorn",
  "gradio-launch": "gradio",
  "hypercorn-run": "hypercorn",
  "waitress-serve": "waitress",
  other: "python",
};

/** Server kind, workers, port, $PORT and bind host, from the command, else the code, else defaults. */
function applyServer(service: Service, cmd: CommandFacts, start: StartCommand | undefined, runCallRef: RunCallRef | undefined, framework: FrameworkId | undefined): void {
  const call = runCallRef?.call;
  const callFile = runCallRef?.file;
  const startEvidence = start?.evidence ?? [];
  let serverKind = cmd.server?.kind as string | undefined;
  if ((!serverKind || serverKind === "python") && call) serverKind = RUN_CALL_SERVER[call.kind];
  if (!serverKind && framework) serverKind = FRAMEWORK_SERVER[framework];
  if (serverKind) {
    service.server = { ...(cmd.server ?? {}), kind: serverKind as NonNullable<Service["server"]>["kind"], evidence: startEvidence };
    if (call?.workers && !cmd.server?.workers) service.server.workers = call.workers;
  }
  const defaults = serverKind ? SERVERS[serverKind] : undefined;
  const callEvidence = call && callFile ? [at(callFile, call.line)] : [];

  // Port: the command wins; a script that runs its own server decides; else the server's default.
  if (cmd.portFromEnv || cmd.port !== undefined) {
    if (cmd.port !== undefined) service.port = fact(cmd.port, "high", startEvidence);
    service.readsPortEnv = fact(cmd.portFromEnv === "PORT", "high", startEvidence);
    if (cmd.portFromEnv && cmd.portFromEnv !== "PORT") service.readsPortEnv.evidence = [...startEvidence.map((e) => ({ ...e, note: `reads ${cmd.portFromEnv}, not PORT` }))];
  } else if (call && (call.port !== undefined || call.portFromEnv)) {
    if (call.port !== undefined) service.port = fact(call.port, "high", callEvidence);
    service.readsPortEnv = fact(call.portFromEnv === "PORT", "high", callEvidence.map((e) => (call.portFromEnv && call.portFromEnv !== "PORT" ? { ...e, note: `reads ${call.portFromEnv}, not PORT` } : e)));
  } else if (defaults) {
    service.port = fact(defaults.port, "medium", [at(start?.evidence[0]?.file ?? callFile ?? service.root, start?.evidence[0]?.line, `${serverKind} default port`)]);
    service.readsPortEnv = fact(defaults.readsPort, "medium", [at(start?.evidence[0]?.file ?? callFile ?? service.root, start?.evidence[0]?.line, defaults.readsPort ? `${serverKind} binds $PORT when set` : `${serverKind} does not read $PORT`)]);
  }

  // Bind host: same order. gunicorn binds 0.0.0.0 when it takes $PORT.
  if (cmd.host) service.bindHost = fact(cmd.host, "high", startEvidence);
  else if (call && (call.host || call.hostFromEnv)) {
    service.bindHost = fact(call.host ?? "127.0.0.1", call.host ? "high" : "medium", callEvidence.map((e) => (call.hostFromEnv ? { ...e, note: `from ${call.hostFromEnv}` } : e)));
  } else if (defaults) {
    const host = serverKind === "gunicorn" && service.readsPortEnv.value ? "0.0.0.0" : defaults.host;
    service.bindHost = fact(host, "medium", [at(start?.evidence[0]?.file ?? callFile ?? service.root, start?.evidence[0]?.line, `${serverKind} default host`)]);
  }
}

function applyHealth(service: Service, decls: Declared[], routes: SharedPython["routes"]): void {
  const declared = [...decls].sort((a, b) => precedence(a.source) - precedence(b.source)).find((d) => d.healthPath);
  if (declared?.healthPath) {
    service.healthPath = fact(declared.healthPath, "high", [declared.evidence]);
    return;
  }
  const route = routes.find((r) => HEALTH_ROUTE.test(r.path));
  if (route) {
    service.healthPath = fact(route.path, "high", [at(route.file, route.line, "route")]);
    return;
  }
  const builtIn = service.server ? SERVERS[service.server.kind]?.healthPath : undefined;
  if (builtIn) service.healthPath = fact(builtIn, "medium", [at(service.root, undefined, `${service.server?.kind} built-in health endpoint`)]);
}

function nodeServices(repo: CollectedRepo, project: Project, own: Declared[], diags: Diagnostic[]): Service[] {
  const manifestFile = project.manifests.find((m) => path.posix.basename(m) === "package.json");
  const manifest = manifestFile ? repo.manifests.get(manifestFile) : undefined;
  if (!manifest || !manifestFile) return [];
  const deps = manifest.dependencies;
  const filesInDir = new Set(repo.files.filter((f) => dirOf(f.path) === project.dir).map((f) => path.posix.basename(f.path)));
  const detected = detectNodeFrameworks(new Set(deps.map((d) => d.name)), filesInDir);
  const scripts = manifest.scripts ?? {};
  const listens = project.sources.flatMap((f) => (repo.node.get(f)?.listenPorts ?? []).map((l) => ({ ...l, file: f })));
  if (detected.length === 0 && listens.length === 0 && own.length === 0 && !scripts.start) return [];

  const frameworks: Fact<FrameworkId>[] = detected.map((d) => {
    const dep = deps.find((x) => x.name === d.evidence) ?? deps.find((x) => x.name === (d.framework === "nextjs" ? "next" : d.framework === "express" ? "express" : "vite"));
    return fact(d.framework as FrameworkId, "high", [dep?.evidence ?? at(manifestFile, undefined, d.evidence)]);
  });
  const isUi = detected.some((d) => d.framework === "nextjs" || d.framework === "react-vite" || d.framework === "vite");
  const kind: ServiceKind = isUi ? "frontend" : "web";
  const { best } = pickDeclared(own);
  let start: StartCommand | undefined = best ? startOf(best) : undefined;
  let scriptName: string | undefined;
  if (!start) {
    scriptName = scripts.start ? "start" : scripts.serve ? "serve" : scripts.preview ? "preview" : scripts.dev ? "dev" : undefined;
    if (scriptName) {
      const line = lineOfKey(repo, manifestFile, scriptName);
      start = { command: scripts[scriptName] as string, source: "package.json", confidence: "high", evidence: [at(manifestFile, line, `scripts.${scriptName}`)] };
      if (scriptName === "dev") {
        diags.push(diagnostic("warning", "dev-server-start", `the only start script is "dev": a development server in production`, start.evidence, project.dir));
      }
    }
  }
  const envVars = new Set<string>();
  for (const f of project.sources) for (const e of repo.node.get(f)?.envReads ?? []) envVars.add(e.name);
  const service: Service = {
    id: kind === "frontend" ? "frontend" : "web",
    kind,
    root: project.dir,
    language: "node",
    frameworks,
    readsPortEnv: fact(false, "low", []),
    manifests: [manifestFile],
    imports: deps.filter((d) => d.group === "main" || d.group === undefined).map((d) => d.name).sort(),
    modelLoads: [],
    subprocesses: [],
    envVars: [...envVars].sort(),
    gpu: fact(false, "medium", []),
  };
  if (start) service.start = start;
  if (manifest.nodeEngine) service.nodeVersion = fact(manifest.nodeEngine, "high", [at(manifestFile, lineOfKey(repo, manifestFile, "node"), "engines.node")]);
  const cmd = start ? parseCommand(start.command) : {};
  const framework = frameworks[0]?.value;
  const listen = listens[0];
  const call: RunCall | undefined = listen ? { kind: "other", underMain: true, line: listen.line, ...(listen.port !== undefined ? { port: listen.port } : {}), ...(listen.portFromEnv ? { portFromEnv: listen.portFromEnv } : {}) } : undefined;
  applyServer(service, cmd, start, listen && call ? { file: listen.file, call } : undefined, framework);
  if (service.server?.kind === "python") delete service.server;
  return service.kind === "frontend" || service.start || listens.length > 0 ? [service] : [];
}

/** Line of `"key":` in a JSON manifest, for evidence. */
function lineOfKey(repo: CollectedRepo, file: string, key: string): number | undefined {
  const text = repo.jsonTexts.get(file);
  if (!text) return undefined;
  const i = text.indexOf(`"${key}"`);
  return i < 0 ? undefined : lineAt(text, i);
}
