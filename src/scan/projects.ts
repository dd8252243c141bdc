/**
 * Finds the project folders of a repository: every folder with its own dependency manifest is a
 * project (monorepos: backend/, frontend/, services/*). Each source file belongs to the nearest
 * project above it; a file with none above it is "loose" (a launcher script, say).
 */
import path from "node:path";
import { byText } from "../core/evidence.js";
import type { Language } from "../core/app-model.js";
import type { CollectedRepo } from "./collect.js";
import { isRequirementsFile } from "./collect.js";

export interface Project {
  /** Repository-relative folder, '.' for the root. */
  dir: string;
  language: Language;
  /** Manifest files of this project (requirements*.txt, pyproject.toml, package.json…). */
  manifests: string[];
  /** Source files that belong to it (nearest project above them). */
  sources: string[];
  /** No manifest: inferred from source files alone. */
  inferred: boolean;
}

/** Folder of a repo-relative path ('.' for the root). */
export function dirOf(rel: string): string {
  return path.posix.dirname(rel);
}

/** The folder a manifest describes: requirements/base.txt describes its parent folder. */
function manifestProjectDir(rel: string): string {
  const dir = dirOf(rel);
  if (isRequirementsFile(rel) && /^(requirements|reqs)$/i.test(path.posix.basename(dir))) return dirOf(dir);
  return dir;
}

/** `file` relative to the folder `dir` that holds it ('.' for the root). */
export function relativeTo(file: string, dir: string): string {
  return dir === "." ? file : file.slice(dir.length + 1);
}

/** True when `dir` is `ancestor` or inside it. */
export function isWithin(dir: string, ancestor: string): boolean {
  return ancestor === "." || dir === ancestor || dir.startsWith(`${ancestor}/`);
}

/** The deepest folder in `dirs` that contains `file`, if any. */
export function nearest(file: string, dirs: Iterable<string>): string | undefined {
  const fileDir = dirOf(file);
  const depth = (d: string) => (d === "." ? 0 : d.split("/").length);
  let best: string | undefined;
  for (const d of dirs) {
    if (isWithin(fileDir, d) && (best === undefined || depth(d) > depth(best))) best = d;
  }
  return best;
}

/** The projects of the repository, and the Python files no project owns (launcher scripts). */
export function findProjects(repo: CollectedRepo): { projects: Project[]; loosePython: string[] } {
  const byKey = new Map<string, Project>();
  const get = (dir: string, language: Language, inferred: boolean): Project => {
    const key = `${language}:${dir}`;
    let p = byKey.get(key);
    if (!p) {
      p = { dir, language, manifests: [], sources: [], inferred };
      byKey.set(key, p);
    }
    return p;
  };
  for (const [file, facts] of repo.manifests) {
    const language: Language = facts.kind === "package.json" ? "node" : "python";
    // A package.json that only configures tooling (no dependencies, no scripts) is not a project.
    if (language === "node" && facts.dependencies.length === 0 && Object.keys(facts.scripts ?? {}).length === 0) continue;
    get(manifestProjectDir(file), language, false).manifests.push(file);
  }

  const pythonDirs = [...byKey.values()].filter((p) => p.language === "python").map((p) => p.dir);
  const nodeDirs = [...byKey.values()].filter((p) => p.language === "node").map((p) => p.dir);
  const loosePython: string[] = [];
  for (const file of [...repo.python.keys()].sort()) {
    const owner = nearest(file, pythonDirs);
    if (owner !== undefined) get(owner, "python", false).sources.push(file);
    else loosePython.push(file);
  }
  for (const file of [...repo.node.keys()].sort()) {
    const owner = nearest(file, nodeDirs);
    if (owner !== undefined) get(owner, "node", false).sources.push(file);
  }

  // No Python manifest anywhere, but Python apps in the tree: the root is the project (a guess).
  if (pythonDirs.length === 0 && loosePython.some((f) => isAppFile(repo, f))) {
    const p = get(".", "python", true);
    p.sources.push(...loosePython);
    loosePython.length = 0;
  }
  for (const p of byKey.values()) p.manifests.sort();
  const projects = [...byKey.values()].sort((a, b) => (a.dir === b.dir ? byText(a.language, b.language) : a.dir < b.dir ? -1 : 1));
  return { projects, loosePython };
}

function isAppFile(repo: CollectedRepo, file: string): boolean {
  const f = repo.python.get(file);
  return !!f && (f.appObjects.length > 0 || f.usesStreamlit || f.runCalls.length > 0);
}
