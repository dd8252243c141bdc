/**
 * Which of a project's own Python files a process really loads: the files reachable from its entry
 * through imports. A web process that imports torch through three modules pays for torch; the
 * migration script beside it does not make the web process write to disk.
 */
import type { CollectedRepo } from "./collect.js";
import { relativeTo, type Project } from "./projects.js";

/** Tests and one-off scripts never run inside a deployed process. */
const NOT_RUNTIME = /(^|\/)(tests?|testing|scripts|tools|notebooks|docs|examples|migrations|alembic)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest|setup|manage|noxfile|fabfile)\.py$/;

/** Whether a project file runs in a deployed process (not a test, a one-off script or a migration). */
export function isRuntimeFile(file: string, projectDir: string): boolean {
  return !NOT_RUNTIME.test(relativeTo(file, projectDir));
}

/** Dotted module of a file relative to its project, and whether it is a package's __init__. */
function moduleOf(file: string, projectDir: string): { name: string; isPackage: boolean } {
  const rel = relativeTo(file, projectDir);
  const isPackage = /(^|\/)__init__\.pyw?$/.test(rel);
  const name = rel.replace(/\.pyw?$/, "").replace(/\/?__init__$/, "").split("/").join(".");
  return { name, isPackage };
}

/** `from ..x import y` inside package a.b → a.x.y. */
function absolute(ref: string, from: { name: string; isPackage: boolean }): string | undefined {
  if (!ref.startsWith(".")) return ref;
  const level = /^\.+/.exec(ref)?.[0].length ?? 0;
  const rest = ref.slice(level);
  const parts = from.name === "" ? [] : from.name.split(".");
  const base = from.isPackage ? parts : parts.slice(0, -1);
  if (level - 1 > base.length) return undefined;
  const pkg = base.slice(0, base.length - (level - 1));
  return [...pkg, ...(rest ? rest.split(".") : [])].join(".");
}

/**
 * Files of `project` reachable from `roots` through imports and modules named in strings (Django
 * settings, Celery includes), roots included. Importing a.b.c also runs a/__init__.py and
 * a/b/__init__.py, as Python does.
 */
export function reachableFiles(repo: CollectedRepo, project: Project, roots: string[]): string[] {
  const byModule = new Map<string, string>();
  for (const f of project.sources) {
    const m = moduleOf(f, project.dir);
    if (m.name !== "" || m.isPackage) byModule.set(m.name, f);
  }
  const seen = new Set<string>();
  const queue = roots.filter((r) => repo.python.has(r));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const from = moduleOf(file, project.dir);
    const facts = repo.python.get(file);
    for (const { module } of [...(facts?.moduleRefs ?? []), ...(facts?.stringModuleRefs ?? [])]) {
      const abs = absolute(module, from);
      if (!abs) continue;
      const parts = abs.split(".");
      for (let i = 1; i <= parts.length; i++) {
        const target = byModule.get(parts.slice(0, i).join("."));
        if (target && !seen.has(target)) queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

/** Task modules of a Celery app: files that define tasks and import the app's module. */
export function taskModulesOf(repo: CollectedRepo, project: Project, modules: Set<string>): string[] {
  return project.sources.filter((f) => {
    if (!repo.python.get(f)?.definesTasks) return false;
    const from = moduleOf(f, project.dir);
    return (repo.python.get(f)?.moduleRefs ?? []).some((r) => {
      const abs = absolute(r.module, from);
      return abs !== undefined && [...modules].some((m) => abs === m || abs.startsWith(`${m}.`));
    });
  });
}

/** The file that defines dotted module `mod` in `project` (module.py or module/__init__.py). */
export function fileOfModule(repo: CollectedRepo, project: Project, mod: string): string | undefined {
  const base = mod.replace(/\(.*$/, "").split(".").join("/");
  const prefix = project.dir === "." ? "" : `${project.dir}/`;
  for (const candidate of [`${prefix}${base}.py`, `${prefix}${base}/__init__.py`]) {
    if (repo.python.has(candidate)) return candidate;
  }
  return undefined;
}
