/**
 * From what a service declares and imports to the packages it installs (the image) and the ones
 * it loads (the memory): closures over the facts' `requires` and `imports`, with torch's CPU build
 * swapped in when the service pins CPU wheels.
 */
import type { AppModel, Dependency, Service } from "../core/app-model.js";
import { facts } from "../facts/load.js";
import type { PackageBuild, PackageFacts } from "../facts/schema.js";

export interface Resolved {
  name: string;
  build: PackageBuild;
  facts?: PackageFacts;
  /** No facts: the conservative default is used. */
  unknown: boolean;
  /** The CPU-only build was used. */
  cpu: boolean;
}

/** What a service's build installs: the runtime dependencies of its manifests (dev and optional groups left out). */
export function serviceDependencies(svc: Pick<Service, "manifests">, model: AppModel): Dependency[] {
  return model.manifests.filter((m) => svc.manifests.includes(m.file)).flatMap((m) => m.dependencies.filter((d) => d.group === undefined || d.group === "main"));
}

/** A package's figures, with its CPU-only variant when asked for and one exists. */
function buildOf(p: PackageFacts, cpu: boolean): { build: PackageBuild; cpu: boolean } {
  const v = cpu ? p.variants?.cpu : undefined;
  if (!v) return { build: p, cpu: false };
  return { build: { ...p, ...v, installedMB: v.installedMB ?? p.installedMB, requires: v.requires ?? p.requires }, cpu: true };
}

function unknownBuild(): PackageBuild {
  const u = facts().unknown;
  return { installedMB: u.installedMB, importRssMB: u.importRssMB, importSeconds: u.importSeconds, requires: [] };
}

function resolve(name: string, cpu: boolean): Resolved {
  const p = facts().packages.get(name);
  if (!p) return { name, build: unknownBuild(), unknown: true, cpu: false };
  const b = buildOf(p, cpu);
  return { name, build: b.build, facts: p, unknown: false, cpu: b.cpu };
}

/** Every distribution an install of `deps` puts into site-packages. */
export function installedPackages(deps: Dependency[], cpuTorch: boolean): Resolved[] {
  const out = new Map<string, Resolved>();
  const queue = deps.filter((d) => d.ecosystem === "pypi").map((d) => d.name);
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (out.has(name)) continue;
    const r = resolve(name, cpuTorch);
    out.set(name, r);
    for (const dep of r.build.requires) if (!out.has(dep)) queue.push(dep);
  }
  return [...out.values()];
}

/** The package an import name comes from, preferring one the service declares. */
function packageOfModule(module: string, declared: Set<string>): string | undefined {
  const candidates = facts().byModule.get(module);
  if (candidates && candidates.length > 0) return (candidates.find((c) => declared.has(c.name)) ?? candidates[0])?.name;
  const guess = module.toLowerCase().replace(/_/g, "-");
  if (declared.has(guess)) return guess;
  return undefined;
}

/** Packages whose import a process pays for: what its code imports, and what those import in turn. */
export function importedPackages(modules: string[], deps: Dependency[], cpuTorch: boolean): Resolved[] {
  const declared = new Set(deps.map((d) => d.name));
  const out = new Map<string, Resolved>();
  const queue: string[] = [];
  for (const m of modules) {
    const name = packageOfModule(m, declared);
    queue.push(name ?? `module:${m}`);
  }
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (out.has(name)) continue;
    if (name.startsWith("module:")) {
      // An import no fact and no declared dependency explains: counted with the unknown default.
      out.set(name, { name: name.slice(7), build: unknownBuild(), unknown: true, cpu: false });
      continue;
    }
    const r = resolve(name, cpuTorch);
    out.set(name, r);
    for (const dep of r.facts?.imports ?? []) if (!out.has(dep)) queue.push(dep);
  }
  return [...out.values()];
}
