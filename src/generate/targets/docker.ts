/**
 * Dockerfile + .dockerignore per service root: multi-stage, slim, non-root, bound to $PORT, with a
 * health check whose start period covers the model load, CPU torch wheels when no GPU is used, the
 * system libraries the packages need and the thread/arena variables that cut RAM.
 */
import path from "node:path";
import type { DeployFile } from "../../core/app-model.js";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { LOADER_FILE, MANIFEST_FILE, loaderFile } from "./models-loader.js";
import { prodRequirements } from "./requirements-prod.js";

const CPU_INDEX = "https://download.pytorch.org/whl/cpu";
const READS_PORT = /\$\{?PORT\b/;

/** Packages (normalized names) and modules whose native thread pools and malloc arenas grow RAM. */
const NUMERIC = new Set([
  "numpy",
  "scipy",
  "pandas",
  "scikit-learn",
  "sklearn",
  "torch",
  "torchvision",
  "torchaudio",
  "transformers",
  "sentence-transformers",
  "xgboost",
  "lightgbm",
  "catboost",
  "tensorflow",
  "keras",
  "onnxruntime",
  "kokoro",
  "spacy",
  "sentence_transformers",
]);

/** The app user owns /app so files the app creates next to its code (SQLite, uploads/) can be written. */
const USER_SETUP = "RUN useradd --create-home --uid 10001 app && install -d -o app -g app /app";

/** Where pulled models are cached in the container: owned by the app user, outside the code, a volume can go there. */
const MODELS_CACHE = "/var/cache/shipfit-models";

const RAM_ENV = ["OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MALLOC_ARENA_MAX=2"];

/** Dependencies that compile against a system library: what the builder needs, what the runtime keeps. */
const NATIVE_BUILDS: { pkg: string; build: string[]; runtime: string[] }[] = [
  { pkg: "psycopg2", build: ["gcc", "libpq-dev"], runtime: ["libpq5"] },
  { pkg: "mysqlclient", build: ["gcc", "pkg-config", "default-libmysqlclient-dev"], runtime: ["libmariadb3"] },
];

function inRoot(plan: ServicePlan, file: string): string {
  return plan.root === "." ? file : `${plan.root}/${file}`;
}

function aptInstall(packages: string[]): string {
  return `RUN apt-get update \\\n    && apt-get install -y --no-install-recommends ${packages.join(" ")} \\\n    && rm -rf /var/lib/apt/lists/*`;
}

/**
 * Shell-quoted for the JSON exec form: `exec` keeps signals going to the app, `sh -c` expands $PORT.
 * `before` runs first and must succeed (the model pull): the app never starts without its files.
 */
function cmd(command: string, before?: string): string {
  // Leading assignments (API_PORT=${PORT:-8000} python app.py) go before exec: `exec VAR=x` would run "VAR=x".
  const m = /^((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)(.*)$/s.exec(command.trim());
  const line = `${before ? `${before} && ` : ""}${m?.[1] ?? ""}exec ${m?.[2] ?? command}`;
  return `CMD [${["sh", "-c", line].map((a) => JSON.stringify(a)).join(", ")}]`;
}

/** A health path safe inside the quoted probe (no quotes, %, $ or backslashes from the scan reach the shell). */
function safePath(p: string | undefined): string {
  const clean = (p ?? "/").replace(/[^A-Za-z0-9/_.~-]/g, "");
  return clean.startsWith("/") ? clean : `/${clean}`;
}

function existingDockerfile(ctx: GenerateContext, plan: ServicePlan): DeployFile | undefined {
  return ctx.model.deployFiles.find((d) => d.kind === "dockerfile" && d.file === inRoot(plan, "Dockerfile"));
}

/** What the generated Dockerfile changes from the one already in the repository. */
function compareExisting(existing: DeployFile, plan: ServicePlan, facts: { cpuTorch: boolean; healthcheck: boolean; ramEnv: boolean; readsPort: boolean }): string[] {
  const fixes: string[] = [`replaces the existing ${existing.file} (shown as a diff; --force to overwrite)`];
  const proc = existing.processes[0];
  if (proc?.command !== undefined && plan.service.kind !== "worker" && facts.readsPort && !READS_PORT.test(proc.command)) {
    fixes.push(`the existing ${existing.file}'s CMD ignores $PORT (was: ${proc.command})`);
  }
  if (facts.healthcheck && !proc?.healthPath) fixes.push(`the existing ${existing.file} has no HEALTHCHECK`);
  if (facts.cpuTorch) fixes.push(`the existing ${existing.file} installs the default (CUDA) torch wheels`);
  const env = new Set(existing.env ?? []);
  if (facts.ramEnv) {
    const missing = RAM_ENV.map((e) => e.split("=")[0] as string).filter((n) => !env.has(n));
    if (missing.length > 0) fixes.push(`the existing ${existing.file} does not set ${missing.join(", ")}`);
  }
  if (env.has("PYTORCH_CUDA_ALLOC_CONF") && facts.cpuTorch) fixes.push("drops PYTORCH_CUDA_ALLOC_CONF, which CPU-only torch ignores");
  const ports = existing.exposedPorts ?? [];
  if (plan.service.kind !== "worker" && ports.length > 0 && !ports.includes(plan.port)) fixes.push(`EXPOSE ${plan.port} (was: ${ports.join(", ")})`);
  return fixes;
}

/** Requirement files the builder installs (not those another one pulls in with -r) and those it copies. */
function requirementSets(ctx: GenerateContext, plan: ServicePlan, reqs: string[]): { copy: string[]; install: string[]; outside: string[] } {
  const outside = reqs.filter((r) => r.startsWith("../"));
  const copy = reqs.filter((r) => !r.startsWith("../"));
  const included = new Set<string>();
  for (const r of copy) {
    const m = ctx.model.manifests.find((x) => x.file === inRoot(plan, r));
    for (const inc of m?.includes ?? []) included.add(path.posix.normalize(path.posix.join(path.posix.dirname(r), inc)));
  }
  return { copy, install: copy.filter((r) => !included.has(r)), outside };
}

/** Scripts the existing Dockerfile runs at build time to fetch models into the image (e.g. warmup.py). */
function buildStageScripts(plan: ServicePlan): string[] {
  const files = plan.service.modelLoads.filter((l) => l.stage === "build").map((l) => l.evidence.file);
  const rel = files.map((f) => (plan.root === "." ? f : path.posix.relative(plan.root, f))).filter((f) => !f.startsWith("../") && f.endsWith(".py"));
  return [...new Set(rel)].sort();
}

function pythonDockerfile(ctx: GenerateContext, plan: ServicePlan): GeneratedFile {
  const s = plan.service;
  const fixes: string[] = [...plan.commandFixes];
  const prod = ctx.remoteInference ? prodRequirements(ctx, plan) : undefined;
  const reqs = prod ? ["requirements-prod.txt"] : plan.requirements;
  const { copy, install, outside } = requirementSets(ctx, plan, reqs);
  const depNames = new Set(ctx.model.manifests.filter((m) => s.manifests.includes(m.file)).flatMap((m) => m.dependencies.map((d) => d.name)));
  const torchInstalled = prod ? !prod.dropped.includes("torch") : true;
  const cpuTorch = plan.cpuTorch && torchInstalled;
  const native = NATIVE_BUILDS.filter((n) => depNames.has(n.pkg));
  const runtimeApt = [...new Set([...plan.systemPackages, ...native.flatMap((n) => n.runtime)])].sort();
  const dropped = new Set(prod?.dropped ?? []);
  const used = [...s.imports, ...depNames, ...s.subprocesses.flatMap((p) => p.imports ?? [])].map((n) => n.toLowerCase());
  const ramEnv = used.some((n) => NUMERIC.has(n) && !dropped.has(n));
  const isWorker = s.kind === "worker";
  const healthcheck = !isWorker && plan.healthPath !== undefined;
  const py = plan.pythonVersion;
  const pull = plan.modelPull;

  const out: string[] = [
    `# Generated by shipfit generate docker for service ${s.id}${s.start ? ` (was started with: ${s.start.command.replace(/\s*\n\s*/g, " ")})` : ""}.`,
    `FROM python:${py}-slim AS builder`,
    "ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1",
  ];
  if (native.length > 0) {
    out.push(`# ${native.map((n) => n.pkg).join(", ")} compile${native.length === 1 ? "s" : ""} from source: build tools stay in this stage`);
    out.push(aptInstall([...new Set(native.flatMap((n) => n.build))].sort()));
  }
  out.push('RUN python -m venv /opt/venv', 'ENV PATH="/opt/venv/bin:$PATH"', "WORKDIR /build");
  if (install.length > 0) {
    for (const r of copy) out.push(`COPY ${r} ./${r}`);
    const index = cpuTorch ? ` --extra-index-url ${CPU_INDEX}` : "";
    if (cpuTorch) out.push("# CPU-only torch wheels: the code uses no GPU, and the CUDA ones weigh gigabytes");
    out.push(`RUN pip install --no-cache-dir${index} ${install.map((r) => `-r ${r}`).join(" ")}`);
  } else if (s.manifests.some((m) => ["pyproject", "setup.py", "setup.cfg"].includes(ctx.model.manifests.find((x) => x.file === m)?.kind ?? ""))) {
    out.push("COPY . .", `RUN pip install --no-cache-dir${cpuTorch ? ` --extra-index-url ${CPU_INDEX}` : ""} .`);
  }

  out.push("", `FROM python:${py}-slim`);
  const envs = ["PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", "PIP_NO_CACHE_DIR=1", 'PATH="/opt/venv/bin:$PATH"'];
  if (ramEnv) {
    out.push("# One thread pool and two malloc arenas: thread pools sized to the host's cores and per-thread arenas inflate RAM");
    envs.push(...RAM_ENV);
  }
  if (pull) envs.push(`SHIPFIT_MODELS_CACHE=${MODELS_CACHE}`);
  out.push(`ENV ${envs.join(" \\\n    ")}`);
  if (runtimeApt.length > 0) out.push(aptInstall(runtimeApt));
  out.push(pull ? `${USER_SETUP} ${MODELS_CACHE}` : USER_SETUP, "WORKDIR /app", "COPY --from=builder /opt/venv /opt/venv", "COPY --chown=app:app . .", "USER app");
  if (pull) {
    const push = plan.root === "." ? `shipfit models push && shipfit models manifest --out ${MANIFEST_FILE}` : `shipfit models push ${plan.root} && shipfit models manifest --dir ${plan.root} --out ${plan.root}/${MANIFEST_FILE}`;
    out.push(
      `# The ${pull.files.length} model file(s) stay out of the image (.dockerignore): the container pulls them at start,`,
      `# verified, into $SHIPFIT_MODELS_CACHE and links them where the app reads them. Before building:`,
      `#   ${push}`,
      "# (an S3 store needs AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY on the platform; a volume at",
      `# ${MODELS_CACHE} keeps the files across restarts). The build fails here without the manifest.`,
      `RUN python ${LOADER_FILE} check --manifest ${MANIFEST_FILE}`,
    );
  }
  const warmups = ctx.remoteInference ? [] : buildStageScripts(plan);
  for (const w of warmups) out.push(`# Fetches the model into the image at build time, as the app user so it lands in its cache`, `RUN python ${w}`);
  if (!isWorker) out.push(`EXPOSE ${plan.port}`);
  if (healthcheck) {
    const probe = `import urllib.request,os; urllib.request.urlopen('http://127.0.0.1:%s${safePath(plan.healthPath)}' % os.environ.get('PORT','${plan.port}'), timeout=4)`;
    out.push(`HEALTHCHECK --interval=30s --timeout=5s --start-period=${plan.startPeriodSeconds}s --retries=3 \\\n    CMD python -c "${probe}"`);
  }
  out.push(cmd(plan.command, pull ? `python ${LOADER_FILE} pull --manifest ${MANIFEST_FILE} --into /app` : undefined));

  fixes.push(`multi-stage build on python:${py}-slim, runs as a non-root user (uid 10001)`);
  if (pull) {
    fixes.push(
      `keeps ${pull.files.length} model file(s) (${(pull.bytes / 1e6).toFixed(1)} MB) out of the image: ${LOADER_FILE} pulls them at start, verified against ${MANIFEST_FILE}, into a cache the app user owns (${MODELS_CACHE}), before the app starts; the health check's start period covers the download`,
    );
  }
  const readsPort = READS_PORT.test(plan.command) || s.readsPortEnv.value;
  if (!isWorker && readsPort) fixes.push(`listens on 0.0.0.0:$PORT (default ${plan.port}); the exec form keeps signals going to the app`);
  if (cpuTorch) {
    const fp = plan.footprint;
    const saved = fp.imageMBCpuTorch ? Math.round(fp.imageMB.expected - fp.imageMBCpuTorch.expected) : undefined;
    fixes.push(`CPU-only torch wheels${saved !== undefined ? ` (saves ~${saved} MB of image: ${Math.round(fp.imageMB.expected)} → ${Math.round(fp.imageMBCpuTorch?.expected ?? 0)} MB)` : ""}`);
  }
  if (healthcheck) fixes.push(`HEALTHCHECK on ${plan.healthPath} with a ${plan.startPeriodSeconds} s start period (the estimated cold start)`);
  if (ramEnv) fixes.push("OMP/MKL/OPENBLAS threads = 1 and MALLOC_ARENA_MAX=2 to cut RAM");
  if (runtimeApt.length > 0) fixes.push(`installs the system libraries the packages need: ${runtimeApt.join(", ")}`);
  if (native.length > 0) fixes.push(`compilers and headers for ${native.map((n) => n.pkg).join(", ")} stay in the builder stage`);
  if (prod) fixes.push(`installs requirements-prod.txt (without ${prod.dropped.join(", ")}): inference runs remotely`);
  for (const w of warmups) fixes.push(`keeps ${w} fetching the model at build time, run as the app user`);
  if (outside.length > 0) fixes.push(`cannot copy ${outside.join(", ")}: outside the build context ${plan.root}`);
  const existing = existingDockerfile(ctx, plan);
  if (existing) fixes.push(...compareExisting(existing, plan, { cpuTorch, healthcheck, ramEnv, readsPort }));
  return { path: inRoot(plan, "Dockerfile"), content: `${out.join("\n")}\n`, format: "dockerfile", target: "docker", fixes };
}

function nodeDockerfile(ctx: GenerateContext, plan: ServicePlan): GeneratedFile {
  const s = plan.service;
  const node = plan.nodeVersion;
  const manifest = ctx.model.manifests.find((m) => s.manifests.includes(m.file) && m.kind === "package.json");
  const lock = manifest?.lockfile ? path.posix.basename(manifest.lockfile) : undefined;
  const pm = manifest?.packageManager ?? "npm";
  const installCmd: Record<string, string> = {
    npm: lock ? "npm ci" : "npm install",
    yarn: "corepack enable && yarn install --frozen-lockfile",
    pnpm: "corepack enable && pnpm install --frozen-lockfile",
    bun: "npm install -g bun && bun install --frozen-lockfile",
  };
  const publicVars = plan.env.filter((v) => v.name.startsWith("NEXT_PUBLIC_") && !v.secret).map((v) => v.name);
  const out = [
    `# Generated by shipfit generate docker for service ${s.id}${s.start ? ` (was started with: ${s.start.command})` : ""}.`,
    `FROM node:${node}-slim AS deps`,
    "WORKDIR /app",
    `COPY package.json ${lock ?? ""}`.trimEnd() + " ./",
    `RUN ${installCmd[pm] ?? "npm install"}`,
    "",
    `FROM node:${node}-slim AS build`,
    "WORKDIR /app",
    "ENV NEXT_TELEMETRY_DISABLED=1",
  ];
  if (publicVars.length > 0) {
    out.push("# NEXT_PUBLIC_* values are inlined into the bundle at build time: pass them as build arguments");
    for (const v of publicVars) out.push(`ARG ${v}`, `ENV ${v}=$${v}`);
  }
  out.push(
    "COPY --from=deps /app/node_modules ./node_modules",
    "COPY . .",
    `RUN ${pm === "npm" ? "npm run build && npm prune --omit=dev" : `${pm} run build`}`,
    "",
    `FROM node:${node}-slim AS runner`,
    "ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1",
    USER_SETUP,
    "WORKDIR /app",
    "COPY --from=build --chown=app:app /app ./",
    "USER app",
    `EXPOSE ${plan.port}`,
  );
  if (plan.healthPath) {
    out.push(
      `HEALTHCHECK --interval=30s --timeout=5s --start-period=${plan.startPeriodSeconds}s --retries=3 \\\n    CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||${plan.port})+'${safePath(plan.healthPath)}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
    );
  }
  out.push(cmd(plan.command));
  const fixes = [
    ...plan.commandFixes,
    `deps → build → runner stages on node:${node}-slim, runs as a non-root user (uid 10001)`,
    `runs the production Next.js server on 0.0.0.0:$PORT (default ${plan.port})`,
  ];
  if (publicVars.length > 0) fixes.push(`${publicVars.join(", ")} passed at build time (Next.js inlines NEXT_PUBLIC_* into the bundle)`);
  const existing = existingDockerfile(ctx, plan);
  if (existing) fixes.push(`replaces the existing ${existing.file} (shown as a diff; --force to overwrite)`);
  return { path: inRoot(plan, "Dockerfile"), content: `${out.join("\n")}\n`, format: "dockerfile", target: "docker", fixes };
}

/** Model-file patterns for a .dockerignore: one `dir/**\/*.ext` per extension, under their common folder. */
function modelPatterns(files: string[]): string[] {
  const byExt = new Map<string, string[]>();
  for (const f of files) {
    const ext = path.posix.extname(f) || path.posix.basename(f);
    byExt.set(ext, [...(byExt.get(ext) ?? []), path.posix.dirname(f)]);
  }
  const out: string[] = [];
  for (const [ext, dirs] of byExt) {
    let common = (dirs[0] ?? ".").split("/");
    for (const d of dirs) {
      const parts = d.split("/");
      let i = 0;
      while (i < common.length && common[i] === parts[i]) i++;
      common = common.slice(0, i);
    }
    const prefix = common.filter((c) => c !== ".").join("/");
    const glob = ext.startsWith(".") ? `*${ext}` : ext;
    out.push(prefix ? `${prefix}/**/${glob}` : `**/${glob}`);
  }
  return out.sort();
}

function dockerignore(ctx: GenerateContext, root: string, plans: ServicePlan[]): GeneratedFile {
  const lines = [
    "# Generated by shipfit generate docker: what the image must not contain.",
    "# Secrets: environment files stay out (set variables on the platform)",
    "**/.env*",
    "!**/.env.example",
    "# Version control, caches and local environments",
    ".git",
    "**/__pycache__",
    "**/*.pyc",
    ".venv",
    "venv",
    "**/node_modules",
    "# Tests are not needed at run time",
    "tests",
    "test",
  ];
  if (plans.some((p) => p.service.language === "node")) lines.push(".next");
  const fixes = ["keeps .env files, .git, caches, virtualenvs, node_modules and tests out of the build context"];
  const prefix = root === "." ? "" : `${root}/`;
  const committedEnv = [...new Set(ctx.model.secrets.filter((s) => s.kind === "env-file" && s.file.startsWith(prefix)).map((s) => s.file))].sort();
  if (committedEnv.length > 0) fixes.push(`keeps the committed ${committedEnv.join(", ")} out of the image`);
  // Model files the scan saw under this root but that an image would not contain: an existing .dockerignore excludes them.
  const inImage = new Set(plans.flatMap((p) => p.service.files.models));
  const alreadyOut = ctx.model.models.files.map((m) => m.path).filter((p) => p.startsWith(prefix) && !inImage.has(p));
  const models = ctx.remoteInference ? [...inImage, ...alreadyOut] : alreadyOut;
  // Pulled at start: their whole folders stay out (push uploads a model's folder, metadata beside it included).
  const pull = plans.find((p) => p.modelPull)?.modelPull;
  if (pull) {
    const rootFiles = pull.files.filter((f) => !f.includes("/"));
    lines.push(`# Model folders: pulled at start by ${LOADER_FILE} from the store ${MANIFEST_FILE} names`);
    lines.push(...pull.folders.filter((d) => d !== "."), ...rootFiles);
    lines.push("# shipfit models' local store and cache", ".shipfit");
    fixes.push(`leaves ${pull.files.length} model file(s) in ${pull.folders.length} folder(s) out of the image: they are pulled at start`);
  }
  if (models.length > 0) {
    lines.push(ctx.remoteInference ? "# Model files: inference runs remotely, the image does not need them" : "# Model files the existing .dockerignore already keeps out");
    lines.push(...modelPatterns(models.map((m) => (prefix ? m.slice(prefix.length) : m))));
    if (ctx.remoteInference && inImage.size > 0) fixes.push(`leaves ${inImage.size} model file(s) out of the image: inference runs remotely`);
  }
  return { path: `${prefix}.dockerignore`, content: `${lines.join("\n")}\n`, format: "dockerignore", target: "docker", fixes };
}

/** Dockerfile + .dockerignore per service (a service sharing its root with another gets `Dockerfile.<id>`). */
export const docker: Generator = {
  target: "docker",
  summary: "multi-stage, non-root Dockerfile + .dockerignore per service, bound to $PORT, with a health check; model files pulled at start, not baked in",
  generate(ctx) {
    const files: GeneratedFile[] = [];
    const byRoot = new Map<string, ServicePlan[]>();
    for (const p of ctx.services) byRoot.set(p.root, [...(byRoot.get(p.root) ?? []), p]);
    for (const [root, plans] of byRoot) {
      // The web-facing service owns the root's Dockerfile; the others (Celery workers) get Dockerfile.<id>.
      const ordered = [...plans].sort((a, b) => (a.service.kind === "worker" ? 1 : 0) - (b.service.kind === "worker" ? 1 : 0));
      ordered.forEach((plan, i) => {
        const f = plan.service.language === "node" ? nodeDockerfile(ctx, plan) : pythonDockerfile(ctx, plan);
        if (i > 0) {
          f.path = inRoot(plan, `Dockerfile.${plan.service.id}`);
          f.fixes = f.fixes.filter((x) => !x.startsWith("replaces the existing") && !x.startsWith("the existing"));
          f.fixes.push(`${plan.service.id} shares ${root === "." ? "the repository root" : root} with ${ordered[0]?.service.id}: build it with -f ${f.path}`);
        }
        files.push(f);
      });
      files.push(dockerignore(ctx, root, plans));
      if (plans.some((p) => p.modelPull)) files.push(loaderFile(root, plans, "docker"));
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  },
};
