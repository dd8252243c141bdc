/**
 * Decisions every generator shares, made once per service: the start command a platform should
 * run (bound to 0.0.0.0:$PORT), the port, health path and start period, the memory to ask for,
 * CPU-only torch, system packages, requirement files, env vars and durable paths.
 */
import path from "node:path";
import type { AppModel, Service } from "../core/app-model.js";
import { estimate } from "../estimate/estimate.js";
import type { Footprint, ServiceFootprint } from "../estimate/footprint.js";
import { installedPackages, serviceDependencies } from "../estimate/packages.js";
import planParams from "../data/plan-params.json" with { type: "json" };
import { facts } from "../facts/load.js";
import type { GenerateContext, ServicePlan } from "./types.js";

const DURABLE = new Set(["sqlite", "uploads", "models", "output"]);

function rel(file: string, root: string): string {
  return root === "." ? file : path.posix.relative(root, file);
}

/** Options worth keeping from the repository's own command (workers, threads, worker class, timeout, preload). */
function gunicornOptions(s: Service): string[] {
  const o: string[] = [];
  const srv = s.server;
  if (srv?.workers) o.push("--workers", String(srv.workers));
  else if (srv?.workersFromEnv) o.push("--workers", `\${${srv.workersFromEnv}:-1}`);
  if (srv?.threads) o.push("--threads", String(srv.threads));
  if (srv?.workerClass) o.push("--worker-class", srv.workerClass);
  if (srv?.timeoutSeconds) o.push("--timeout", String(srv.timeoutSeconds));
  if (srv?.preload) o.push("--preload");
  return o;
}

/** The start command a platform should run, and what it fixes compared with the repository's. */
export function productionCommand(s: Service): { command: string; fixes: string[]; port: number } {
  const fixes: string[] = [];
  const defaultPort = s.port?.value ?? 8000;
  const entry = s.entry?.value;
  const kind = s.server?.kind;
  const was = s.start?.command;
  const bound = s.readsPortEnv.value && (s.bindHost?.value === "0.0.0.0" || s.bindHost?.value === "::");
  const note = (why: string) => {
    if (was) fixes.push(`${why} (was: ${was})`);
  };
  if (s.kind === "worker") return { command: was ?? "", fixes, port: 0 };
  if (s.language === "node") {
    if (/\bnext dev\b|npm run dev/.test(was ?? "")) note("runs the production Next.js server, not the dev server");
    return { command: `npx next start -H 0.0.0.0 -p \${PORT:-${defaultPort}}`, fixes, port: defaultPort };
  }
  if (kind === "streamlit" && entry) {
    if (!bound) note("binds 0.0.0.0:$PORT");
    return { command: `streamlit run ${entry} --server.port \${PORT:-8501} --server.address 0.0.0.0 --server.headless true`, fixes, port: 8501 };
  }
  if ((kind === "gunicorn" || kind === "flask-dev") && entry?.includes(":")) {
    if (kind === "flask-dev") note("runs gunicorn instead of Flask's development server");
    else if (!bound) note("binds 0.0.0.0:$PORT");
    return { command: ["gunicorn", "--bind", `0.0.0.0:\${PORT:-${defaultPort}}`, ...gunicornOptions(s), entry].join(" "), fixes, port: defaultPort };
  }
  if ((kind === "uvicorn" || kind === "hypercorn") && entry?.includes(":")) {
    if (!bound || /--reload/.test(was ?? "")) note(`binds 0.0.0.0:$PORT${/--reload/.test(was ?? "") ? " without --reload" : ""}`);
    const workers = s.server?.workers ? ` --workers ${s.server.workers}` : "";
    return { command: `uvicorn ${entry} --host 0.0.0.0 --port \${PORT:-${defaultPort}}${workers}`, fixes, port: defaultPort };
  }
  // A script that starts its own server: keep it, and map the platform's port onto the variable it reads.
  const command = was ?? (entry ? `python ${entry}` : "python app.py");
  if (s.portVar) {
    fixes.push(`maps $PORT onto ${s.portVar}, which ${entry ?? "the app"} reads instead of PORT`);
    return { command: `${s.portVar}=\${PORT:-${defaultPort}} ${command}`, fixes, port: defaultPort };
  }
  if (!s.readsPortEnv.value) fixes.push(`the app listens on a fixed port ${defaultPort}: the platform is told PORT=${defaultPort} so it routes there (better: read $PORT in the code)`);
  return { command, fixes, port: defaultPort };
}

/**
 * Folders (relative to the service root) whose files must survive restarts: upload folders, SQLite
 * files' folders, models written at run time. Paths from env vars cannot be known; the app's own
 * folder ('.') cannot be a volume (it would hide the code), so a SQLite file there is left to a note.
 */
function durablePaths(model: AppModel, s: Service): string[] {
  const prefix = s.root === "." ? "" : `${s.root}/`;
  const dirs = model.diskWrites
    .filter((w) => w.service === s.id && DURABLE.has(w.kind) && !w.path.startsWith("${"))
    .map((w) => (w.kind === "sqlite" ? path.posix.dirname(w.path) : w.path))
    .map((p) => p.replace(/^\.\//, ""))
    .map((p) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p))
    .filter((p) => p !== "" && p !== "." && !p.startsWith("/tmp"));
  return [...new Set(dirs)].sort();
}

function memoryMB(fp: ServiceFootprint): number {
  const need = Math.max(fp.ram.peakMB.expected, fp.ram.steadyMB.expected) * (1 + planParams.ramHeadroom.value);
  return Math.ceil(need / 64) * 64;
}

function requirementFiles(model: AppModel, s: Service): string[] {
  return s.manifests.filter((m) => model.manifests.find((x) => x.file === m)?.kind === "requirements").map((m) => rel(m, s.root));
}

/**
 * Model files the image would carry, kept out of it and pulled at start instead: an image rebuilt for
 * every code change no longer carries them, and an ephemeral disk gets them back, verified, on every
 * start. Not for Node services, nor when inference runs remotely (then the image needs no models).
 */
function modelPull(model: AppModel, s: Service, remoteInference: boolean): ServicePlan["modelPull"] {
  if (s.language !== "python" || remoteInference || s.files.models.length === 0) return undefined;
  const files = s.files.models.map((f) => rel(f, s.root)).sort();
  const inImage = new Set(s.files.models);
  const bytes = model.models.files.filter((f) => inImage.has(f.path)).reduce((sum, f) => sum + f.bytes, 0);
  const folders = [...new Set(files.map((f) => path.posix.dirname(f)))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { files, folders, bytes };
}

/** Seconds the pull at start can take: the bytes at the slow end of model download throughput. */
function pullSeconds(pull: ServicePlan["modelPull"]): number {
  return pull ? pull.bytes / 1e6 / facts().params.throughput.modelDownload.low : 0;
}

function servicePlan(model: AppModel, s: Service, fp: ServiceFootprint, remoteInference: boolean): ServicePlan {
  const { command, fixes, port } = productionCommand(s);
  const pull = modelPull(model, s, remoteInference);
  const deps = serviceDependencies(s, model);
  const system = [...new Set(installedPackages(deps, true).flatMap((p) => p.facts?.systemPackages ?? []))].sort();
  const plan: ServicePlan = {
    service: s,
    footprint: fp,
    root: s.root,
    command,
    commandFixes: fixes,
    port,
    // The health check waits for the pull of the models too, when the container starts with one.
    startPeriodSeconds: Math.max(10, Math.ceil((fp.coldStartSeconds.high + pullSeconds(pull)) / 5) * 5 + 5),
    memoryMB: memoryMB(fp),
    cpuTorch: !!s.torch?.present && !s.gpu.value,
    systemPackages: system,
    requirements: requirementFiles(model, s),
    env: model.envVars.filter((v) => v.services.includes(s.id)).map((v) => ({ name: v.name, secret: v.secret })),
    durablePaths: durablePaths(model, s),
    pythonVersion: /(\d+\.\d+)/.exec(s.pythonVersion?.value ?? "")?.[1] ?? "3.11",
    nodeVersion: /(\d+)/.exec(s.nodeVersion?.value ?? "")?.[1] ?? "20",
  };
  if (s.healthPath) plan.healthPath = s.healthPath.value;
  if (pull) plan.modelPull = pull;
  return plan;
}

export interface ContextOptions {
  platform?: string;
  size?: GenerateContext["size"];
  remoteInference?: boolean;
  footprint?: Footprint;
}

export function generateContext(model: AppModel, options: ContextOptions = {}): GenerateContext {
  const footprint = options.footprint ?? estimate(model);
  const services = model.services.map((s) => {
    const fp = footprint.services.find((f) => f.service === s.id);
    if (!fp) throw new Error(`no footprint for ${s.id}`);
    return servicePlan(model, s, fp, !!options.remoteInference);
  });
  const datastores = [...new Set(model.datastores.map((d) => d.kind).filter((k): k is "postgresql" | "redis" => k === "postgresql" || k === "redis"))].sort();
  const ctx: GenerateContext = { model, services, datastores, platform: options.platform ?? "railway", remoteInference: !!options.remoteInference };
  if (options.size) ctx.size = options.size;
  return ctx;
}
