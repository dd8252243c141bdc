/**
 * `scan(dir)`: a repository in, an AppModel out. Two halves: `collect` reads and parses files
 * (per-file facts), then assembly reasons across files (projects → services → repo facts → checks).
 */
import { opendir, stat } from "node:fs/promises";
import path from "node:path";
import type { AppModel, Diagnostic, Evidence } from "../core/app-model.js";
import { InputError } from "../core/errors.js";
import { at, byText } from "../core/evidence.js";
import { serviceChecks, repoChecks } from "./checks.js";
import { openCache } from "./cache.js";
import { collect, type Progress } from "./collect.js";
import { declaredProcesses } from "./declared.js";
import { nodePackageManager } from "./node/package-json.js";
import { compileIgnore } from "./gitignore.js";
import { dirOf, findProjects, isWithin } from "./projects.js";
import { PYPROJECT_LOCKFILES } from "./python/lockfiles.js";
import { datastores, diskWrites, envVars, externalApis, usedFiles } from "./repo-facts.js";
import { buildServices } from "./services.js";

export interface ScanOptions {
  /** Called as the scan moves through its phases (the CLI draws progress from it). */
  onProgress?: Progress;
  /**
   * Reuse facts of unchanged files from earlier scans: true for the default cache folder
   * (~/.cache/shipfit, or $SHIPFIT_CACHE_DIR), or a folder path. Off by default in the library.
   */
  cache?: boolean | string;
}

/** Scan a repository folder. Throws InputError when `dir` is missing or not a folder. */
export async function scan(dir: string, options: ScanOptions = {}): Promise<AppModel> {
  const root = path.resolve(dir);
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${dir}: no such directory` : `${dir}: cannot read (${code ?? "error"})`);
  }
  if (!info.isDirectory()) throw new InputError(`${dir}: not a directory`);
  try {
    await (await opendir(root)).close();
  } catch (error) {
    throw new InputError(`${dir}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }

  const cache = options.cache ? openCache(root, typeof options.cache === "string" ? options.cache : undefined) : undefined;
  const repo = await collect(root, { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(cache ? { cache } : {}) });
  const { projects, loosePython } = findProjects(repo);
  const declared = declaredProcesses(repo, loosePython);
  const built = buildServices(repo, projects, declared);
  for (const s of built.services) s.files = imageFiles(repo, s, built.services);
  const used = usedFiles(repo, built.filesOf);
  const vars = envVars(repo, used, built.filesOf);
  const stores = datastores(repo, used, vars);
  const partial: Omit<AppModel, "diagnostics" | "stats"> = {
    schemaVersion: 1,
    name: path.basename(root),
    services: built.services,
    manifests: manifestsOf(repo),
    models: { files: repo.modelFiles, loads: [...buildStageLoads(repo, built.services), ...built.services.flatMap((s) => s.modelLoads)].filter(uniqueLoad()) },
    envVars: vars,
    datastores: stores,
    externalApis: externalApis(repo, used, vars),
    diskWrites: diskWrites(repo, used, built, stores),
    deployFiles: [...repo.deploy.values()].map((d) => d.deployFile).sort((a, b) => byText(a.file, b.file)),
    secrets: repo.secrets,
  };
  const diagnostics: Diagnostic[] = [
    ...repo.diagnostics,
    ...built.diagnostics,
    ...serviceChecks(built.services, declared, repo, built.projectOf),
    ...repoChecks(partial, repo, projects, loosePython),
  ];
  const model: AppModel = {
    ...partial,
    diagnostics: dedupe(diagnostics),
    stats: { filesSeen: repo.files.length, filesRead: repo.filesRead, dirsIgnored: repo.dirsIgnored },
  };
  uniqueEvidence(model);
  return model;
}

/**
 * The same place cited twice says nothing more: every evidence list keeps the first citation of
 * each file:line. Facts gather evidence from several passes, so this holds the invariant in one place.
 */
function uniqueEvidence(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) uniqueEvidence(x);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "evidence" && Array.isArray(value)) {
      const seen = new Set<string>();
      (node as { evidence: Evidence[] }).evidence = (value as Evidence[]).filter((e) => {
        const k = `${e.file}:${e.line ?? ""}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    } else uniqueEvidence(value);
  }
}

/**
 * The files `COPY . .` of a service's folder brings into its image: everything under its root but
 * other services' folders and what its .dockerignore leaves out (matched with .gitignore rules, a
 * superset of Docker's for the simple patterns .dockerignore files hold).
 */
function imageFiles(repo: Awaited<ReturnType<typeof collect>>, service: AppModel["services"][number], all: AppModel["services"]): AppModel["services"][number]["files"] {
  const others = all.filter((o) => o.root !== service.root && isWithin(o.root, service.root)).map((o) => o.root);
  const ignoreText = repo.dockerignores.get(service.root);
  const ignored = ignoreText !== undefined ? compileIgnore(ignoreText) : undefined;
  const prefix = service.root === "." ? "" : `${service.root}/`;
  const out = { count: 0, bytes: 0, models: [] as string[] };
  const modelPaths = new Set(repo.modelFiles.map((m) => m.path));
  for (const f of repo.files) {
    if (!f.path.startsWith(prefix)) continue;
    const dir = dirOf(f.path);
    if (others.some((o) => isWithin(dir, o))) continue;
    const rel = f.path.slice(prefix.length);
    if (ignored) {
      const parts = rel.split("/");
      if (parts.some((_, i) => ignored(parts.slice(0, i + 1).join("/"), i < parts.length - 1))) continue;
    }
    if (modelPaths.has(f.path)) out.models.push(f.path);
    else {
      out.count++;
      out.bytes += f.size;
    }
  }
  return out;
}

/** Each manifest with the tool that installs it and the lockfile that pins it, read off its folder. */
function manifestsOf(repo: Awaited<ReturnType<typeof collect>>): AppModel["manifests"] {
  const byDir = new Map<string, Set<string>>();
  for (const f of repo.files) {
    const dir = dirOf(f.path);
    let names = byDir.get(dir);
    if (!names) byDir.set(dir, (names = new Set()));
    names.add(path.posix.basename(f.path));
  }
  return [...repo.manifests]
    .map(([file, m]) => {
      const names = byDir.get(dirOf(file)) ?? new Set<string>();
      const pm = managerOf(m.kind, m.tool, names);
      const manifest: AppModel["manifests"][number] = {
        file,
        kind: m.kind,
        packageManager: pm.manager,
        includes: m.includes.map((i) => i.path),
        indexUrls: m.indexUrls,
        dependencies: m.dependencies,
      };
      if (pm.lockfile) manifest.lockfile = dirOf(file) === "." ? pm.lockfile : `${dirOf(file)}/${pm.lockfile}`;
      if (m.pythonRequires) manifest.pythonRequires = m.pythonRequires;
      return manifest;
    })
    .sort((a, b) => byText(a.file, b.file));
}

type Manager = AppModel["manifests"][number]["packageManager"];

function managerOf(kind: AppModel["manifests"][number]["kind"], tool: string | undefined, names: Set<string>): { manager: Manager; lockfile?: string } {
  switch (kind) {
    case "package.json":
      return nodePackageManager(names, tool?.includes("@") || ["npm", "yarn", "pnpm", "bun"].includes(tool ?? "") ? tool : undefined);
    case "pipfile":
      return names.has("Pipfile.lock") ? { manager: "pipenv", lockfile: "Pipfile.lock" } : { manager: "pipenv" };
    case "requirements":
      return { manager: "pip" };
    case "setup.py":
    case "setup.cfg":
      return { manager: "setuptools" };
    case "pyproject": {
      // A lockfile names the tool that wrote it; without one the build backend says.
      const locked = PYPROJECT_LOCKFILES.find((l) => names.has(l.lockfile));
      if (locked) return { manager: locked.manager, lockfile: locked.lockfile };
      return { manager: tool === "poetry" || tool === "pdm" || tool === "uv" ? tool : "pip" };
    }
  }
}

/** Models that scripts run by a Dockerfile download while the image builds. */
function buildStageLoads(repo: Awaited<ReturnType<typeof collect>>, services: AppModel["services"]): AppModel["models"]["loads"] {
  const loads: AppModel["models"]["loads"] = [];
  for (const [dockerfile, scripts] of repo.dockerBuildScripts) {
    const owners = services.filter((s) => s.root === dirOf(dockerfile) && s.kind !== "worker");
    for (const file of scripts) {
      for (const m of repo.python.get(file)?.modelLoads ?? []) {
        const load: AppModel["models"]["loads"][number] = { loader: m.loader, remote: m.remote, stage: "build", evidence: at(file, m.line, "run by the Dockerfile at build time") };
        if (m.modelId !== undefined) load.modelId = m.modelId;
        if (m.path !== undefined) load.path = m.path;
        if (m.fromEnv !== undefined) load.fromEnv = m.fromEnv;
        loads.push(load);
        for (const s of owners) s.modelLoads.push(load);
      }
    }
  }
  return loads;
}

function uniqueLoad() {
  const seen = new Set<string>();
  return (l: AppModel["models"]["loads"][number]) => {
    const k = `${l.evidence.file}:${l.evidence.line}:${l.loader}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.code}|${d.message}|${d.evidence.map((e) => `${e.file}:${e.line}`).join(",")}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
