/**
 * Memory of a service's process tree, the way the platform's OOM killer counts it (the container's
 * total, approximated by the sum of PSS): the interpreter, what the code imports, the models it
 * loads, multiplied by its worker model — forked workers share library pages and, with --preload,
 * most of the app — plus the subprocesses it spawns.
 */
import type { AppModel, ModelLoad, Service } from "../core/app-model.js";
import { facts } from "../facts/load.js";
import type { Part } from "./footprint.js";
import { importedPackages, serviceDependencies, type Resolved } from "./packages.js";
import { part, rangePart, round } from "./parts.js";
import { loadedModels, type LoadedModel } from "./models.js";

/** One Python process's memory, split into what forked siblings share and what each holds alone. */
interface ProcessMemory {
  parts: Part[];
  /** File-backed pages (library code): shared by every process of the tree, counted once. */
  sharedMB: number;
  /** Anonymous memory: each worker holds its own copy (unless forked after --preload). */
  privateMB: number;
  /** Extra while loading (from_pretrained and state dicts hold two copies for a moment). */
  transientMB: number;
  unknown: string[];
}

function anonShare(pkg: string): number {
  const a = facts().params.anonymousShare;
  return pkg === "torch" ? a.torch.value : a.default.value;
}

/** Memory of one Python process that imports `modules` and loads `models`. */
function processMemory(label: string, modules: string[], svc: Pick<Service, "manifests" | "torch">, model: AppModel, models: LoadedModel[]): ProcessMemory {
  const f = facts();
  const packages = importedPackages(modules, serviceDependencies(svc, model), svc.torch?.cpuOnly ?? false);
  const out: ProcessMemory = { parts: [], sharedMB: 0, privateMB: 0, transientMB: 0, unknown: [] };
  const interp = part(`${label}: Python interpreter`, "interpreter", f.interpreter.rssMB);
  out.parts.push(interp);
  const interpShare = anonShare("python");
  out.sharedMB += interp.expected * (1 - interpShare);
  out.privateMB += interp.expected * interpShare;
  for (const p of packages) addImport(out, label, p);
  for (const m of models) {
    out.parts.push({ ...m.ram, label: `${label}: ${m.ram.label}` });
    out.privateMB += m.ram.expected;
    out.transientMB += m.transientMB;
  }
  return out;
}

function addImport(out: ProcessMemory, label: string, p: Resolved): void {
  const rss = p.build.importRssMB ?? facts().unknown.importRssMB;
  const noFigure = p.build.importRssMB === undefined;
  const name = p.cpu ? `${p.name} (CPU build)` : p.name;
  const pt = part(`${label}: import ${name}`, "package", rss, 1, p.unknown || noFigure);
  if (pt.expected < 0.5) return; // below what a measurement can tell apart: keeps the breakdown readable
  out.parts.push(pt);
  if (p.unknown) out.unknown.push(p.name);
  const share = anonShare(p.name);
  out.privateMB += pt.expected * share;
  out.sharedMB += pt.expected * (1 - share);
}

export interface TreeMemory {
  start: Part[];
  peakExtra: Part[];
  steadyExtra: Part[];
  processes: number;
  unknown: string[];
}

/**
 * The process tree of a service: the worker model of its server (gunicorn, uvicorn --workers,
 * Celery prefork) applied to one app process, plus subprocesses spawned per request.
 */
export function treeMemory(svc: Service, model: AppModel): TreeMemory {
  const p = facts().params;
  const models = loadedModels(svc, model);
  const app = processMemory(svc.id, withUnpickled(svc, model, models), svc, model, models);
  const tree: TreeMemory = { start: [], peakExtra: [], steadyExtra: [], processes: 1, unknown: [...app.unknown] };
  const server = svc.server;
  const workers = server?.workers ?? (server?.kind === "celery" ? p.workers.celeryDefaultConcurrency.value : 1);
  // Worker memory is derived from published gunicorn measurements: their uncertainty applies.
  const workerSpread = p.uncertainty.published.value;
  const share = (mb: number, label: string, source: string): Part => ({ label, kind: "workers", low: mb * (1 - workerSpread), expected: mb, high: mb * (1 + workerSpread), source });
  const erosion = p.workers.copyOnWriteErosion;

  if (server?.kind === "gunicorn" && !server.preload) {
    // The master holds the interpreter and gunicorn; each worker imports the app by itself.
    // Library pages are shared through the page cache, so each extra worker adds its private memory.
    tree.start.push(part(`${svc.id}: gunicorn master`, "workers", p.workers.gunicornMasterExtraMB), part("gunicorn master: Python interpreter", "interpreter", facts().interpreter.rssMB));
    tree.start.push(...app.parts);
    if (workers > 1) tree.start.push(share(app.privateMB * (workers - 1), `${workers - 1} more worker(s) × ${round(app.privateMB, 0)} MB private each (no --preload)`, "research/memory.md gunicorn table: each extra worker costs its full anonymous heap without --preload"));
    tree.peakExtra.push(share(app.transientMB * workers, `model loading in ${workers} worker(s) at once`, facts().params.fromPretrainedPeak.source));
    tree.processes = 1 + workers;
  } else if ((server?.kind === "gunicorn" && server.preload) || server?.kind === "celery") {
    // The app loads once in the parent; forked children share its pages copy-on-write.
    const how = server.kind === "celery" ? "Celery prefork children" : "gunicorn --preload workers";
    tree.start.push(...app.parts);
    if (server.kind === "gunicorn") tree.start.push(part(`${svc.id}: gunicorn`, "workers", p.workers.gunicornMasterExtraMB));
    tree.start.push(part(`${workers} ${how} (forked after the app loaded)`, "workers", p.workers.preloadPerWorkerMB, workers));
    tree.peakExtra.push(share(app.transientMB, "model loading (once, before forking)", facts().params.fromPretrainedPeak.source));
    tree.steadyExtra.push(rangePart(`${how}: pages copied over time (${workers} × ${round(app.privateMB, 0)} MB private)`, "workers", erosion, app.privateMB * workers));
    tree.processes = 1 + workers;
  } else if (server?.kind === "uvicorn" && workers > 1) {
    // uvicorn --workers spawns fresh processes: each imports the app; library pages still shared.
    tree.start.push(part(`${svc.id}: uvicorn supervisor`, "interpreter", facts().interpreter.rssMB, 2));
    tree.start.push(...app.parts);
    tree.start.push(share(app.privateMB * (workers - 1), `${workers - 1} more uvicorn worker(s) × ${round(app.privateMB, 0)} MB private`, "research/memory.md: spawned workers each hold their anonymous memory; library pages are shared"));
    tree.peakExtra.push(share(app.transientMB * workers, `model loading in ${workers} workers at once`, facts().params.fromPretrainedPeak.source));
    tree.processes = 1 + workers;
  } else {
    tree.start.push(...app.parts);
    tree.peakExtra.push(share(app.transientMB, "model loading (two copies for a moment)", facts().params.fromPretrainedPeak.source));
  }

  // Subprocesses run per request (seed 004's `python -m kokoro`): alive at the peak and in steady use.
  for (const sub of svc.subprocesses) {
    if (!sub.python) continue;
    const modules = sub.imports ?? [sub.python.replace(/^-m\s+/, "").split(".")[0] ?? ""];
    const subModels = subprocessModels(modules, svc, model);
    const cmdHead = sub.command.split(" ").slice(0, 3).join(" ");
    const child = processMemory(`subprocess ${cmdHead}`, modules, svc, model, subModels);
    const total = child.parts.reduce((a, x) => a + x.expected, 0) + child.transientMB;
    const spread = child.parts.some((x) => x.unknown) ? p.uncertainty.rule.value : p.uncertainty.published.value;
    const biggest = [...child.parts].sort((a, b) => b.expected - a.expected).slice(0, 3).map((x) => `${x.label.replace(/^[^:]*: /, "")} ${round(x.expected, 0)} MB`);
    const childPart: Part = { label: `subprocess ${cmdHead} (${biggest.join(", ")}${child.parts.length > 3 ? `, ${child.parts.length - 3} more` : ""})`, kind: "subprocess", low: total * (1 - spread), expected: total, high: total * (1 + spread), source: "sum of its imports and models (this breakdown)" };
    tree.peakExtra.push(childPart);
    tree.steadyExtra.push(childPart);
    tree.unknown.push(...child.unknown);
    tree.processes += 1;
  }
  tree.unknown = [...new Set(tree.unknown)].sort();
  return tree;
}

/** Libraries whose classes pickled models are made of: unpickling imports them. */
const PICKLED_LIBRARIES = ["xgboost", "scikit-learn", "lightgbm", "catboost", "statsmodels", "pandas"];

/**
 * `joblib.load("model.joblib")` imports xgboost (and what it imports) without any import statement:
 * unpickling loads the modules of the objects' classes. The candidates are the ML libraries the
 * service declares.
 */
function withUnpickled(svc: Service, model: AppModel, models: LoadedModel[]): string[] {
  if (!models.some((m) => m.pickled)) return svc.imports;
  const declared = new Set(serviceDependencies(svc, model).map((d) => d.name));
  const extra = PICKLED_LIBRARIES.filter((p) => declared.has(p)).flatMap((p) => facts().packages.get(p)?.modules.slice(0, 1) ?? []);
  return [...new Set([...svc.imports, ...extra])];
}

/** Models a package downloads by itself when the subprocess imports it (kokoro → Kokoro-82M). */
function subprocessModels(modules: string[], svc: Service, model: AppModel): LoadedModel[] {
  const f = facts();
  const loads: ModelLoad[] = [];
  for (const m of modules) {
    const pkg = f.byModule.get(m)?.[0];
    if (pkg?.downloadsModel) loads.push({ loader: "other", modelId: pkg.downloadsModel, remote: true, evidence: { file: svc.root, note: `${pkg.name} downloads it` } });
  }
  return loadedModels({ ...svc, modelLoads: loads, files: { ...svc.files, models: [] } }, model);
}
