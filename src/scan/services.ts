/**
 * Builds the services of the AppModel: each project (a folder with its own manifest) gives its
 * Python or Node services; declared processes (Procfile, railway, Dockerfile…) decide how they start.
 * Also the helpers both languages share: which manifests a build installs, which declaration wins.
 */
import path from "node:path";
import type { Dependency, Diagnostic, Service, StartCommand } from "../core/app-model.js";
import type { CollectedRepo } from "./collect.js";
import { precedence, declaredFor, type Declared } from "./declared.js";
import type { CommandFacts } from "./facts.js";
import { nodeServices } from "./node-services.js";
import { dirOf, relativeTo, type Project } from "./projects.js";
import { pythonServices } from "./python-services.js";

export interface ServiceBuild {
  services: Service[];
  diagnostics: Diagnostic[];
  /** Which project each service came from (by id). */
  projectOf: Map<string, Project>;
  /** The source files each service loads (by id). */
  filesOf: Map<string, string[]>;
}

/** Dotted module path of a Python file relative to its project (app/__init__.py → app). */
export function moduleName(file: string, projectDir: string): string {
  return relativeTo(file, projectDir).replace(/\.pyw?$/, "").replace(/\/__init__$/, "").split("/").join(".");
}

/** The services of every project, with unique ids, and which project and files each comes from. */
export function buildServices(repo: CollectedRepo, projects: Project[], declared: Declared[]): ServiceBuild {
  const out: ServiceBuild = { services: [], diagnostics: [], projectOf: new Map(), filesOf: new Map() };
  const dirs = projects.map((p) => p.dir);
  const multi = new Set(dirs).size > 1;
  for (const project of projects) {
    const own = declaredFor(declared, project.dir, dirs).filter((d) => d.role !== "datastore" && d.role !== "release");
    const built = project.language === "python" ? pythonServices(repo, project, own, out.diagnostics) : nodeServices(repo, project, own, out.diagnostics);
    const hasWeb = built.some((b) => b.service.kind !== "worker");
    for (const { service, files } of built) {
      service.id = uniqueId(serviceId(service, project, multi, hasWeb), out.services);
      out.services.push(service);
      out.projectOf.set(service.id, project);
      out.filesOf.set(service.id, files);
    }
  }
  // A Gradio or Streamlit UI next to an API is that API's front end.
  const hasApi = out.services.some((s) => s.kind === "web" && s.frameworks.some((f) => ["flask", "fastapi", "django", "starlette"].includes(f.value)));
  for (const s of out.services) {
    const ids = s.frameworks.map((f) => f.value);
    if (hasApi && s.kind === "web" && ids.length > 0 && ids.every((f) => f === "gradio" || f === "streamlit")) s.kind = "frontend";
  }
  return out;
}

/** In a monorepo a service is named for its folder; a worker beside a web service gets a suffix. */
function serviceId(s: Service, project: Project, multi: boolean, projectHasWeb: boolean): string {
  const base = project.dir === "." ? "" : path.posix.basename(project.dir);
  if (!multi || base === "") return s.id;
  return s.kind === "worker" && projectHasWeb ? `${base}-${s.id}` : base;
}

function uniqueId(id: string, taken: Service[]): string {
  let candidate = id;
  for (let i = 2; taken.some((s) => s.id === candidate); i++) candidate = `${id}-${i}`;
  return candidate;
}

/** The manifests a project's build installs: what its Dockerfile names, else requirements.txt, else pyproject… */
export function installedManifests(repo: CollectedRepo, project: Project): string[] {
  for (const [dockerfile, reqs] of repo.dockerInstalls) {
    if (dirOf(dockerfile) !== project.dir) continue;
    const present = reqs.filter((r) => repo.manifests.has(r));
    if (present.length > 0) return withIncludes(repo, present);
  }
  const byBase = (name: string) => project.manifests.find((m) => path.posix.basename(m).toLowerCase() === name);
  const main = ["requirements.txt", "pyproject.toml", "pipfile", "setup.py", "setup.cfg", "package.json"].map(byBase).find((m) => m !== undefined);
  return withIncludes(repo, main ? [main] : project.manifests.slice(0, 1));
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

/** Runtime dependencies declared by `manifests` (dev and optional groups left out). */
export function serviceDependencies(repo: CollectedRepo, manifests: string[]): Dependency[] {
  return manifests.flatMap((m) => (repo.manifests.get(m)?.dependencies ?? []).filter((d) => d.group === undefined || d.group === "main"));
}

/** The declaration whose file has the highest precedence, and the others that disagree with it. */
export function pickDeclared(candidates: Declared[]): { best?: Declared; conflicts: Declared[] } {
  const sorted = [...candidates].sort((a, b) => precedence(a.source) - precedence(b.source));
  const best = sorted[0];
  if (!best) return { conflicts: [] };
  return { best, conflicts: sorted.slice(1).filter((d) => d.command && best.command && commandsDisagree(best.facts, d.facts)) };
}

/** Two start commands disagree when they run a different server, entry or port source. */
function commandsDisagree(a: CommandFacts, b: CommandFacts): boolean {
  const key = (c: CommandFacts) => [c.server?.kind ?? "", c.entry ?? c.script ?? c.module ?? "", c.portFromEnv ?? String(c.port ?? "")];
  const [x, y] = [key(a), key(b)];
  return x.some((v, i) => v !== "" && y[i] !== "" && v !== y[i]);
}

/** The start command a declared process gives. */
export function startOf(d: Declared): StartCommand {
  return { command: d.command ?? "", source: d.source, confidence: "high", evidence: [d.evidence] };
}
