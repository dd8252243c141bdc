/**
 * `scan(dir)`: a repository in, an AppModel out. Two halves: `collect` reads and parses files
 * (per-file facts), then assembly reasons across files (projects → services → repo facts → checks).
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { AppModel, Diagnostic } from "../core/app-model.js";
import { InputError } from "../core/errors.js";
import { at } from "../core/evidence.js";
import { serviceChecks, repoChecks } from "./checks.js";
import { openCache } from "./cache.js";
import { collect, type Progress } from "./collect.js";
import { declaredProcesses } from "./declared.js";
import { dirOf, findProjects } from "./projects.js";
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
    const { opendir } = await import("node:fs/promises");
    await (await opendir(root)).close();
  } catch (error) {
    throw new InputError(`${dir}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }

  const cache = options.cache ? openCache(root, typeof options.cache === "string" ? options.cache : undefined) : undefined;
  const repo = await collect(root, { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(cache ? { cache } : {}) });
  const { projects, loosePython } = findProjects(repo);
  const declared = declaredProcesses(repo, loosePython);
  const built = buildServices(repo, projects, declared);
  const used = usedFiles(repo, built.filesOf);
  const vars = envVars(repo, used, built.filesOf);
  const stores = datastores(repo, used, vars);
  const partial: Omit<AppModel, "diagnostics" | "stats"> = {
    schemaVersion: 1,
    name: path.basename(root),
    services: built.services,
    manifests: [...repo.manifests].map(([file, m]) => {
      const manifest: AppModel["manifests"][number] = {
        file,
        kind: m.kind,
        packageManager: packageManagerOf(m.kind, m.tool),
        includes: m.includes.map((i) => i.path),
        indexUrls: m.indexUrls,
        dependencies: m.dependencies,
      };
      if (m.pythonRequires) manifest.pythonRequires = m.pythonRequires;
      return manifest;
    }).sort((a, b) => a.file.localeCompare(b.file)),
    models: { files: repo.modelFiles, loads: [...buildStageLoads(repo, built.services), ...built.services.flatMap((s) => s.modelLoads)].filter(uniqueLoad()) },
    envVars: vars,
    datastores: stores,
    externalApis: externalApis(repo, used, vars),
    diskWrites: diskWrites(repo, used, built, stores),
    deployFiles: [...repo.deploy.values()].map((d) => d.deployFile).sort((a, b) => a.file.localeCompare(b.file)),
    secrets: repo.secrets,
  };
  const diagnostics: Diagnostic[] = [
    ...repo.diagnostics,
    ...built.diagnostics,
    ...serviceChecks(built.services, declared, repo, built.projectOf),
    ...repoChecks(partial, repo, projects, loosePython),
  ];
  return {
    ...partial,
    diagnostics: dedupe(diagnostics),
    stats: { filesSeen: repo.files.length, filesRead: repo.filesRead, dirsIgnored: repo.dirsIgnored },
  };
}

function packageManagerOf(kind: AppModel["manifests"][number]["kind"], tool: string | undefined): AppModel["manifests"][number]["packageManager"] {
  if (kind === "package.json") return "npm";
  if (kind === "pipfile") return "pipenv";
  if (kind === "requirements") return "pip";
  if (kind === "setup.py" || kind === "setup.cfg") return "setuptools";
  if (tool === "poetry" || tool === "uv" || tool === "pdm") return tool;
  return "pip";
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
