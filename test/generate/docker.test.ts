/** docker target: every generated Dockerfile parsed with dockerfile-ast and checked; snapshots of the five examples. */
import path from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import type { Instruction } from "dockerfile-ast";
import ignore from "ignore";
import { describe, expect, it } from "vitest";
import { generateContext } from "../../src/generate/context.js";
import type { ContextOptions } from "../../src/generate/context.js";
import { docker } from "../../src/generate/targets/docker.js";
import { LOADER_FILE, MANIFEST_FILE, loaderSource } from "../../src/generate/targets/models-loader.js";
import type { GeneratedFile, GenerateContext } from "../../src/generate/types.js";
import { scan } from "../../src/scan/scan.js";
import { containsSecret } from "../../src/scan/secrets.js";
import { seed } from "../helpers/tmp.js";

const EXAMPLES = ["ai-ko-backend", "feat-005", "fraud-automl", "kokoro-tts", "maintenance-procedures"] as const;

async function contextOf(dir: string, options: ContextOptions = {}): Promise<GenerateContext> {
  return generateContext(await scan(dir), options);
}
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

function file(files: GeneratedFile[], p: string): GeneratedFile {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} among ${files.map((x) => x.path).join(", ")}`);
  return f;
}

/** The instructions of the last stage (the image that runs). */
function finalStage(content: string): Instruction[] {
  const df = DockerfileParser.parse(content);
  const froms = df.getFROMs();
  const last = froms[froms.length - 1];
  if (!last) throw new Error("no FROM");
  const start = last.getRange().start.line;
  return df.getInstructions().filter((i) => i.getRange().start.line >= start);
}

/** The checks every generated Dockerfile must pass. */
function checkDockerfile(f: GeneratedFile, plan: GenerateContext["services"][number]): void {
  const df = DockerfileParser.parse(f.content);
  const all = df.getInstructions();
  expect(all.length, f.path).toBeGreaterThan(5);
  expect(df.getFROMs().length, `${f.path}: multi-stage`).toBeGreaterThanOrEqual(2);
  const final = finalStage(f.content);
  const users = final.filter((i) => i.getKeyword() === "USER");
  expect(users.length, `${f.path}: USER in the final stage`).toBeGreaterThan(0);
  const user = users[users.length - 1]?.getArgumentsContent() ?? "";
  expect(user).not.toMatch(/^(root|0)(:|$)/);
  const cmds = final.filter((i) => i.getKeyword() === "CMD");
  expect(cmds).toHaveLength(1);
  const cmd = JSON.parse(cmds[0]?.getArgumentsContent() ?? "") as string[];
  expect(cmd.slice(0, 2)).toEqual(["sh", "-c"]);
  expect(cmd[2]).toMatch(/(^|\s)exec /);
  expect(cmd[2]).not.toMatch(/exec [A-Za-z_]+=/);
  if (plan.service.kind !== "worker" && (plan.service.readsPortEnv.value || /\$\{?PORT/.test(plan.command))) expect(cmd[2]).toMatch(/\$\{PORT(:-\d+)?\}/);
  const hc = final.filter((i) => i.getKeyword() === "HEALTHCHECK");
  if (plan.healthPath && plan.service.kind !== "worker") {
    expect(hc, `${f.path}: HEALTHCHECK`).toHaveLength(1);
    const text = hc[0]?.getTextContent() ?? "";
    expect(text).toContain(plan.healthPath);
    expect(text).toContain(`--start-period=${plan.startPeriodSeconds}s`);
    expect(text).toMatch(/PORT/);
    expect(text).not.toMatch(/\bcurl\b/);
  } else {
    expect(hc).toHaveLength(0);
  }
  for (const i of all) {
    const kw = i.getKeyword();
    const args = i.getArgumentsContent() ?? "";
    if (kw === "COPY" || kw === "ADD") expect(args, `${f.path}: ${kw} ${args}`).not.toMatch(/(^|[\s/])\.env(\.|\s|$)/);
    expect(containsSecret(i.getTextContent()), `${f.path}: ${kw}`).toBe(false);
    if (kw === "ENV" || kw === "ARG") expect(args).not.toMatch(/(KEY|TOKEN|SECRET|PASSWORD)[A-Z_]*=\S/);
  }
  expect(containsSecret(f.content)).toBe(false);
  const pip = all.filter((i) => i.getKeyword() === "RUN" && /pip install/.test(i.getArgumentsContent() ?? ""));
  if (plan.service.language === "python" && plan.requirements.length > 0) {
    expect(pip.length).toBeGreaterThan(0);
    for (const p of pip) expect(p.getArgumentsContent()).toContain("--no-cache-dir");
  }
  const cpu = f.content.includes("--extra-index-url https://download.pytorch.org/whl/cpu");
  expect(cpu, `${f.path}: CPU index`).toBe(plan.cpuTorch);
}

function checkDockerignore(f: GeneratedFile): void {
  const ig = ignore().add(f.content);
  for (const p of [".env", ".env.production", "sub/.env", ".git/config", "__pycache__/a.pyc", "venv/bin/python", "node_modules/x/index.js"]) expect(ig.ignores(p), p).toBe(true);
  expect(ig.ignores(".env.example")).toBe(false);
  expect(ig.ignores("app.py")).toBe(false);
}

describe.each(EXAMPLES)("docker on %s", (name) => {
  it("generates a valid, non-root, $PORT-bound Dockerfile and a .dockerignore per service root (snapshots)", async () => {
    const ctx = await contextOf(example(name));
    const files = docker.generate(ctx);
    expect(docker.generate(ctx)).toEqual(files);
    for (const plan of ctx.services) {
      const dockerfiles = files.filter((f) => f.format === "dockerfile" && f.path.startsWith(plan.root === "." ? "" : `${plan.root}/`) && f.content.includes(`for service ${plan.service.id} `));
      expect(dockerfiles, plan.service.id).toHaveLength(1);
      checkDockerfile(dockerfiles[0] as GeneratedFile, plan);
      checkDockerignore(file(files, plan.root === "." ? ".dockerignore" : `${plan.root}/.dockerignore`));
    }
    for (const f of files) {
      expect(f.target).toBe("docker");
      expect(f.fixes.length).toBeGreaterThan(0);
      // The model loader is the asset itself (tested in test/models/loader.test.ts), not a snapshot.
      if (path.posix.basename(f.path) === LOADER_FILE) expect(f.content).toBe(loaderSource());
      else await expect(f.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f.path}`);
    }
  });
});

describe("docker: what each example's Dockerfile fixes", () => {
  it("ai-ko-backend: CPU torch with the size saved, RAM variables, a 45 s start period, the Celery worker without EXPOSE", async () => {
    const ctx = await contextOf(example("ai-ko-backend"));
    const files = docker.generate(ctx);
    const web = file(files, "Dockerfile");
    const fp = ctx.services[0]!.footprint;
    const saved = Math.round(fp.imageMB.expected - fp.imageMBCpuTorch!.expected);
    expect(saved).toBeGreaterThan(3000);
    expect(web.fixes.join("\n")).toContain(`CPU-only torch wheels (saves ~${saved} MB`);
    expect(web.content).toMatch(/OMP_NUM_THREADS=1[\s\S]*MALLOC_ARENA_MAX=2/);
    expect(web.content).toContain("--start-period=45s");
    expect(web.content).toContain('CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT:-8000} --workers 2 --timeout 120 run:app"]');
    const worker = file(files, "Dockerfile.worker");
    const final = finalStage(worker.content).map((i) => i.getKeyword());
    expect(final).not.toContain("EXPOSE");
    expect(final).not.toContain("HEALTHCHECK");
    expect(worker.content).toContain("exec celery -A app.celery_app worker");
  });

  it("feat-005: compares with the existing Dockerfiles (CMD ignored $PORT) and maps $PORT onto API_PORT before exec", async () => {
    const files = docker.generate(await contextOf(example("feat-005")));
    const web = file(files, "Dockerfile");
    expect(web.content).toContain('CMD ["sh", "-c", "API_PORT=${PORT:-8000} exec python run_api.py"]');
    expect(web.fixes).toContain("the existing Dockerfile's CMD ignores $PORT (was: python run_api.py)");
    expect(web.fixes.some((x) => x.startsWith("replaces the existing Dockerfile"))).toBe(true);
    expect(web.content).not.toContain("OMP_NUM_THREADS");
    const front = file(files, "frontend/Dockerfile");
    expect(front.content).toContain("EXPOSE 7860");
    // The Gradio app listens on a fixed port: no claim that it reads $PORT.
    expect(front.fixes.join("\n")).not.toContain("CMD ignores $PORT");
  });

  it("kokoro-tts: system libraries, CPU torch, the build-time model fetch kept as the app user", async () => {
    const files = docker.generate(await contextOf(example("kokoro-tts")));
    const df = file(files, "Dockerfile");
    expect(df.content).toMatch(/apt-get install -y --no-install-recommends espeak-ng libsndfile1 \\\n {4}&& rm -rf \/var\/lib\/apt\/lists\/\*/);
    const final = finalStage(df.content);
    const userLine = final.findIndex((i) => i.getKeyword() === "USER");
    const warm = final.findIndex((i) => i.getKeyword() === "RUN" && i.getArgumentsContent() === "python warmup.py");
    expect(warm).toBeGreaterThan(userLine);
    expect(df.fixes).toContain("the existing Dockerfile has no HEALTHCHECK");
    expect(df.fixes).toContain("the existing Dockerfile installs the default (CUDA) torch wheels");
    // Its .dockerignore keeps out the voice files the repository's own .dockerignore kept out.
    expect(ignore().add(file(files, ".dockerignore").content).ignores("voices/af_heart.pt")).toBe(true);
  });

  it("maintenance-procedures: Next.js deps → build → runner, NEXT_PUBLIC_ as a build ARG, backend/.env kept out", async () => {
    const files = docker.generate(await contextOf(example("maintenance-procedures")));
    const front = file(files, "frontend/Dockerfile");
    const froms = DockerfileParser.parse(front.content).getFROMs().map((f) => f.getBuildStage());
    expect(froms).toEqual(["deps", "build", "runner"]);
    expect(front.content).toContain("RUN npm ci");
    expect(front.content).toContain("ARG NEXT_PUBLIC_API_URL");
    expect(front.content).toContain('CMD ["sh", "-c", "exec npx next start -H 0.0.0.0 -p ${PORT:-3000}"]');
    const back = file(files, "backend/Dockerfile");
    expect(back.fixes[0]).toContain("without --reload");
    expect(file(files, "backend/.dockerignore").fixes).toContain("keeps the committed backend/.env out of the image");
  });

  it("fraud-automl: the 40 model folders leave the image and are pulled at start, before gunicorn, into a cache the app user owns", async () => {
    const ctx = await contextOf(example("fraud-automl"));
    const local = docker.generate(ctx);
    const ig = ignore().add(file(local, ".dockerignore").content);
    for (let i = 1; i <= 40; i++) {
      expect(ig.ignores(`data/automl_models/dataset${i}/xgboost_model.joblib`)).toBe(true);
      expect(ig.ignores(`data/automl_models/dataset${i}/metadata.json`)).toBe(true);
    }
    for (const kept of ["app/routes.py", "wsgi.py", "data/samples/unlabeled_transactions.csv", LOADER_FILE, MANIFEST_FILE]) expect(ig.ignores(kept), kept).toBe(false);
    expect(ig.ignores(".shipfit/models/store/sha256/ab/cd")).toBe(true);
    const df = file(local, "Dockerfile");
    expect(df.content).toContain('CMD ["sh", "-c", "python shipfit_models.py pull --manifest shipfit.models.json --into /app && exec gunicorn --bind 0.0.0.0:${PORT:-8000} --workers 2 --timeout 120 wsgi:app"]');
    const final = finalStage(df.content);
    const at = (kw: string, text: string) => final.findIndex((i) => i.getKeyword() === kw && (i.getArgumentsContent() ?? "").includes(text));
    // The manifest is checked at build time, as the app user, after the code is copied.
    expect(at("RUN", "shipfit_models.py check --manifest shipfit.models.json")).toBeGreaterThan(at("USER", "app"));
    expect(at("USER", "app")).toBeGreaterThan(at("COPY", ". ."));
    // The cache is outside /app, owned by the app user, and the loader finds it through the environment.
    expect(at("RUN", "install -d -o app -g app /app /var/cache/shipfit-models")).toBeGreaterThan(-1);
    expect(at("ENV", "SHIPFIT_MODELS_CACHE=/var/cache/shipfit-models")).toBeGreaterThan(-1);
    expect(df.fixes.join("\n")).toMatch(/keeps 80 model file\(s\) \(\d+\.\d MB\) out of the image/);
    expect(file(local, LOADER_FILE).content).toBe(loaderSource());
    expect(ctx.services[0]?.modelPull?.folders).toHaveLength(40);

    const remote = docker.generate(await contextOf(example("fraud-automl"), { remoteInference: true }));
    const igRemote = ignore().add(file(remote, ".dockerignore").content);
    expect(igRemote.ignores("data/automl_models/dataset1/xgboost_model.joblib")).toBe(true);
    expect(igRemote.ignores("app/routes.py")).toBe(false);
    // Inference runs remotely: no models to pull, no loader.
    expect(file(remote, "Dockerfile").content).not.toContain(LOADER_FILE);
    expect(remote.map((f) => f.path)).not.toContain(LOADER_FILE);
  });

  it("only fraud-automl pulls models: the others' images carry none (kokoro-tts's voices are already kept out)", async () => {
    for (const name of EXAMPLES) {
      const files = docker.generate(await contextOf(example(name)));
      expect(files.some((f) => f.content.includes("shipfit_models.py pull")), name).toBe(name === "fraud-automl");
    }
  });
});

describe("docker on small repositories", () => {
  it("psycopg2 (not -binary) gets gcc/libpq-dev in the builder only and libpq5 at run time; -r includes are copied, the top file installed", async () => {
    const dir = seed({
      "api/requirements.txt": "-r reqs/base.txt\npsycopg2==2.9.9\ngunicorn==22.0.0\nnumpy==1.26.4\n",
      "api/reqs/base.txt": "flask==3.0.3\n",
      "api/wsgi.py": "import os\nimport numpy\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get('/healthz')\ndef h():\n    return 'ok'\n",
      "api/Procfile": "web: gunicorn wsgi:app\n",
    });
    const ctx = await contextOf(dir);
    const files = docker.generate(ctx);
    const plan = ctx.services[0]!;
    const df = files.find((f) => f.format === "dockerfile")!;
    const froms = DockerfileParser.parse(df.content).getFROMs();
    expect(froms).toHaveLength(2);
    const builderEnd = froms[1]!.getRange().start.line;
    const lines = df.content.split("\n");
    const gccLine = lines.findIndex((l) => l.includes("gcc libpq-dev"));
    expect(gccLine).toBeGreaterThan(0);
    expect(gccLine).toBeLessThan(builderEnd);
    expect(finalStage(df.content).some((i) => i.getKeyword() === "RUN" && (i.getArgumentsContent() ?? "").includes("libpq5"))).toBe(true);
    expect(finalStage(df.content).some((i) => (i.getArgumentsContent() ?? "").includes("gcc"))).toBe(false);
    expect(df.path).toBe("api/Dockerfile");
    expect(df.content).toContain("COPY reqs/base.txt ./reqs/base.txt");
    expect(df.content).toContain("RUN pip install --no-cache-dir -r requirements.txt\n");
    expect(df.content).toContain("MALLOC_ARENA_MAX=2");
    checkDockerfile(df, plan);
  });

  it("a service in a subfolder pulls its models relative to that folder; a model file beside the code is left out by name", async () => {
    const dir = seed({
      "api/requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\njoblib==1.4.2\n",
      "api/wsgi.py": "import joblib\nfrom flask import Flask\napp = Flask(__name__)\nclf = joblib.load('models/clf/model.joblib')\nscaler = joblib.load('scaler.joblib')\n",
      "api/Procfile": "web: gunicorn wsgi:app\n",
      "api/models/clf/model.joblib": new Uint8Array(64),
      "api/models/clf/metadata.json": "{}",
      "api/scaler.joblib": new Uint8Array(32),
    });
    const ctx = await contextOf(dir);
    const plan = ctx.services[0]!;
    expect(plan.modelPull).toMatchObject({ files: ["models/clf/model.joblib", "scaler.joblib"], folders: [".", "models/clf"] });
    const files = docker.generate(ctx);
    expect(files.map((f) => f.path).sort()).toEqual(["api/.dockerignore", "api/Dockerfile", `api/${LOADER_FILE}`]);
    const df = file(files, "api/Dockerfile");
    checkDockerfile(df, plan);
    expect(df.content).toContain("#   shipfit models push api && shipfit models manifest --dir api --out api/shipfit.models.json");
    expect(df.content).toContain("python shipfit_models.py pull --manifest shipfit.models.json --into /app && exec gunicorn");
    const ig = ignore().add(file(files, "api/.dockerignore").content);
    for (const out of ["models/clf/model.joblib", "models/clf/metadata.json", "scaler.joblib"]) expect(ig.ignores(out), out).toBe(true);
    for (const kept of ["wsgi.py", "requirements.txt", LOADER_FILE]) expect(ig.ignores(kept), kept).toBe(false);
  });

  it("with remote inference, installs requirements-prod.txt and drops the CPU index once torch is gone", async () => {
    const ctx = await contextOf(example("ai-ko-backend"), { remoteInference: true });
    const web = file(docker.generate(ctx), "Dockerfile");
    expect(web.content).toContain("RUN pip install --no-cache-dir -r requirements-prod.txt");
    expect(web.content).not.toContain("download.pytorch.org");
    expect(web.fixes.join("\n")).toContain("installs requirements-prod.txt (without torch, transformers)");
  });
});

describe("the Dockerfile checks themselves", () => {
  it("reject a root image that copies .env, ignores $PORT and bakes a key", async () => {
    const ctx = await contextOf(example("feat-005"));
    const plan = ctx.services.find((p) => p.service.id === "web")!;
    const good = file(docker.generate(ctx), "Dockerfile");
    const variants = [
      good.content.replace("USER app\n", ""),
      good.content.replace("COPY --chown=app:app . .", "COPY .env ."),
      good.content.replace("${PORT:-8000} exec", "8000 exec").replace("%s/api", "8000/api"),
      good.content.replace("PIP_NO_CACHE_DIR=1 \\", `OPENAI_API_KEY=sk-proj-${"a1B2c3D4".repeat(6)} \\`),
      good.content.replace(/HEALTHCHECK[^\n]*\n[^\n]*\n/, ""),
    ];
    for (const content of variants) expect(() => checkDockerfile({ ...good, content }, plan), content).toThrow();
    expect(() => checkDockerfile(good, plan)).not.toThrow();
  });
});
