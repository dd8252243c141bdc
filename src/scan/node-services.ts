/** Node services of one project: a front end (Next.js, Vite) or a web server (Express, a listen call). */
import path from "node:path";
import type { Diagnostic, Fact, FrameworkId, Service, ServiceKind, StartCommand } from "../core/app-model.js";
import { at, diagnostic, factOf } from "../core/evidence.js";
import type { CollectedRepo } from "./collect.js";
import { parseCommand } from "./command.js";
import type { Declared } from "./declared.js";
import type { RunCall } from "./facts.js";
import { detectNodeFrameworks } from "./node/package-json.js";
import { dirOf, type Project } from "./projects.js";
import { applyServer } from "./serving.js";
import { pickDeclared, startOf } from "./services.js";

/** Scripts a platform runs to start a Node app, in the order builders try them. */
const START_SCRIPTS = ["start", "serve", "preview", "dev"];

/** Line of `"key":` in a JSON manifest, for evidence. */
function lineOfKey(repo: CollectedRepo, file: string, key: string): number | undefined {
  return repo.jsonKeyLines.get(file)?.[key];
}

/** The service a Node project runs (front end or server), or none when it only builds or tests. */
export function nodeServices(repo: CollectedRepo, project: Project, own: Declared[], diags: Diagnostic[]): { service: Service; files: string[] }[] {
  const manifestFile = project.manifests.find((m) => path.posix.basename(m) === "package.json");
  const manifest = manifestFile ? repo.manifests.get(manifestFile) : undefined;
  if (!manifest || !manifestFile) return [];
  const deps = manifest.dependencies;
  const filesInDir = new Set(repo.files.filter((f) => dirOf(f.path) === project.dir).map((f) => path.posix.basename(f.path)));
  const detected = detectNodeFrameworks(new Set(deps.map((d) => d.name)), filesInDir);
  const scripts = manifest.scripts ?? {};
  const listens = project.sources.flatMap((f) => (repo.node.get(f)?.listenPorts ?? []).map((l) => ({ ...l, file: f })));
  if (detected.length === 0 && listens.length === 0 && own.length === 0 && !scripts.start) return [];

  const PACKAGE_OF: Record<string, string> = { nextjs: "next", "react-vite": "vite", vite: "vite", express: "express" };
  const frameworks: Fact<FrameworkId>[] = detected.map((d) => {
    const dep = deps.find((x) => x.name === PACKAGE_OF[d.framework]);
    return factOf(d.framework as FrameworkId, "high", [dep?.evidence ?? at(manifestFile, undefined, d.evidence)]);
  });
  const isUi = detected.some((d) => d.framework !== "express");
  const kind: ServiceKind = isUi ? "frontend" : "web";
  const { best } = pickDeclared(own.filter((d) => d.command && d.source !== "launcher"));
  let start: StartCommand | undefined = best ? startOf(best) : undefined;
  if (!start) {
    const name = START_SCRIPTS.find((s) => scripts[s]);
    if (name) {
      start = { command: scripts[name] as string, source: "package.json", confidence: "high", evidence: [at(manifestFile, lineOfKey(repo, manifestFile, name), `scripts.${name}`)] };
      if (name === "dev") diags.push(diagnostic("warning", "dev-server-start", `the only start script is "dev": a development server in production`, start.evidence, project.dir));
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
    readsPortEnv: factOf(false, "low", []),
    manifests: [manifestFile],
    imports: deps.filter((d) => d.group === "main" || d.group === undefined).map((d) => d.name).sort(),
    modelLoads: [],
    subprocesses: [],
    envVars: [...envVars].sort(),
    gpu: factOf(false, "medium", []),
    files: { count: 0, bytes: 0, models: [] },
  };
  if (start) service.start = start;
  if (manifest.nodeEngine) service.nodeVersion = factOf(manifest.nodeEngine, "high", [at(manifestFile, lineOfKey(repo, manifestFile, "node"), "engines.node")]);
  const listen = listens[0];
  const call: RunCall | undefined = listen
    ? { kind: "other", underMain: true, line: listen.line, ...(listen.port !== undefined ? { port: listen.port } : {}), ...(listen.portFromEnv ? { portFromEnv: listen.portFromEnv } : {}) }
    : undefined;
  applyServer(service, start ? parseCommand(start.command) : {}, start, listen && call ? { file: listen.file, call } : undefined, frameworks[0]?.value);
  if (service.server?.kind === "python") delete service.server;
  return service.kind === "frontend" || service.start || listens.length > 0 ? [{ service, files: project.sources }] : [];
}
