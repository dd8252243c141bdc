/**
 * End-to-end: what `scan()` reports a fixture project needs beyond its process — dependencies and
 * their manifests, torch wheels, Python version, model files and loads, environment variables,
 * datastores, external APIs, disk writes and the deploy files already in the repository.
 */
import { describe, expect, it } from "vitest";
import type { AppModel } from "../../src/core/app-model.js";
import { codes, copyFixture, diags, fact, scanFixture, scanValid, service, where } from "./detectors-shared.js";

type Dep = AppModel["manifests"][number]["dependencies"][number];
/** A dependency without its evidence object, plus where it was read. */
const dep = (d: Dep) => {
  const { evidence, ...rest } = d;
  return { ...rest, at: where(evidence)[0] };
};
const manifest = (m: AppModel, file: string) => {
  const found = m.manifests.find((x) => x.file === file);
  if (!found) throw new Error(`no manifest ${file} in ${JSON.stringify(m.manifests.map((x) => x.file))}`);
  return found;
};

describe("dependencies", () => {
  it("requirements: -r include, extras, markers, VCS and URL requirements; the Dockerfile's file and its include are installed", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(m.manifests.map((x) => [x.file, x.kind, x.packageManager, x.includes])).toEqual([
      ["api/requirements/base.txt", "requirements", "pip", []],
      ["api/requirements/prod.txt", "requirements", "pip", ["base.txt"]],
    ]);
    expect(manifest(m, "api/requirements/base.txt").dependencies.map(dep)).toEqual([
      { name: "flask", ecosystem: "pypi", source: "registry", group: "main", specifier: "==3.0.3", pinned: "3.0.3", at: "api/requirements/base.txt:2" },
      { name: "requests", ecosystem: "pypi", source: "registry", group: "main", specifier: ">=2.31", extras: ["socks", "security"], at: "api/requirements/base.txt:3" },
      {
        name: "python-dotenv",
        ecosystem: "pypi",
        source: "registry",
        group: "main",
        specifier: "==1.0.1",
        pinned: "1.0.1",
        marker: 'python_version >= "3.8"',
        at: "api/requirements/base.txt:4",
      },
      { name: "pillow", ecosystem: "pypi", source: "registry", group: "main", specifier: ">=10.0", at: "api/requirements/base.txt:5" },
    ]);
    expect(manifest(m, "api/requirements/prod.txt").dependencies.map(dep)).toEqual([
      { name: "gunicorn", ecosystem: "pypi", source: "registry", group: "main", specifier: "==22.0.0", pinned: "22.0.0", at: "api/requirements/prod.txt:2" },
      { name: "flask-limiter", ecosystem: "pypi", source: "vcs", group: "main", url: "git+https://github.com/alisaifee/flask-limiter@v3.7.0", at: "api/requirements/prod.txt:3" },
      {
        name: "shapely",
        ecosystem: "pypi",
        source: "url",
        group: "main",
        url: "https://files.pythonhosted.org/packages/shapely-2.0.4-cp311-cp311-manylinux_2_17_x86_64.whl",
        at: "api/requirements/prod.txt:4",
      },
    ]);
    // The Dockerfile installs requirements/prod.txt, which pulls in base.txt.
    expect(service(m, "web").manifests).toEqual(["api/requirements/prod.txt", "api/requirements/base.txt"]);
  });

  it("pyproject.toml (PEP 621) with optional dependencies and a uv CPU index", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    const py = manifest(m, "pyproject.toml");
    expect([py.kind, py.pythonRequires, py.indexUrls]).toEqual(["pyproject", ">=3.11,<3.13", ["https://download.pytorch.org/whl/cpu"]]);
    expect(py.dependencies.map((d) => [d.name, d.specifier, d.group, where(d.evidence)[0]])).toEqual([
      ["fastapi", ">=0.111", "main", "pyproject.toml:7"],
      ["uvicorn", ">=0.30", "main", "pyproject.toml:8"],
      ["pydantic-settings", ">=2.3", "main", "pyproject.toml:9"],
      ["transformers", "==4.44.2", "main", "pyproject.toml:10"],
      ["sentence-transformers", ">=3.0", "main", "pyproject.toml:11"],
      ["huggingface-hub", ">=0.24", "main", "pyproject.toml:12"],
      ["torch", "==2.4.1", "main", "pyproject.toml:13"],
      ["pytest", ">=8", "optional:dev", "pyproject.toml:17"],
      ["httpx", ">=0.27", "optional:dev", "pyproject.toml:17"],
    ]);
    expect(py.dependencies.find((d) => d.name === "uvicorn")?.extras).toEqual(["standard"]);
    expect(service(m, "web").manifests).toEqual(["pyproject.toml"]);
    // uv.lock is a lockfile, not a manifest (its packageManager and lockfile: see detectors-pending.test.ts).
    expect(m.manifests.map((x) => x.file)).toEqual(["pyproject.toml"]);
  });

  it("Poetry: [tool.poetry.dependencies] with extras and the python constraint, dev group apart", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    const py = manifest(m, "pyproject.toml");
    expect([py.kind, py.packageManager, py.pythonRequires]).toEqual(["pyproject", "poetry", "^3.11"]);
    expect(py.dependencies.map((d) => [d.name, d.specifier, d.group, d.extras, where(d.evidence)[0]])).toEqual([
      ["flask", "^3.0", "main", undefined, "pyproject.toml:9"],
      ["flask-socketio", "^5.3.6", "main", undefined, "pyproject.toml:10"],
      ["eventlet", "^0.36", "main", undefined, "pyproject.toml:11"],
      ["gunicorn", "^22.0", "main", undefined, "pyproject.toml:12"],
      ["celery", "^5.4", "main", ["redis"], "pyproject.toml:13"],
      ["openai", "^1.40", "main", undefined, "pyproject.toml:14"],
      ["pytest", "^8.3", "dev", undefined, "pyproject.toml:17"],
    ]);
  });

  it("Pipfile: packages, dev-packages, source and [requires] python_version", async () => {
    const m = await scanFixture("django-shop");
    const pipfile = manifest(m, "Pipfile");
    expect([pipfile.kind, pipfile.packageManager, pipfile.pythonRequires, pipfile.indexUrls]).toEqual(["pipfile", "pipenv", "3.12", ["https://pypi.org/simple"]]);
    expect(pipfile.dependencies.map((d) => [d.name, d.specifier, d.group, d.extras, where(d.evidence)[0]])).toEqual([
      ["django", "==5.0.8", "main", undefined, "Pipfile:7"],
      ["gunicorn", undefined, "main", undefined, "Pipfile:8"],
      ["psycopg2-binary", ">=2.9", "main", undefined, "Pipfile:9"],
      ["dj-database-url", "~=2.2", "main", undefined, "Pipfile:10"],
      ["whitenoise", undefined, "main", ["brotli"], "Pipfile:11"],
      ["pytest-django", undefined, "dev", undefined, "Pipfile:14"],
    ]);
  });

  it("setup.py install_requires and extras_require; setup.cfg install_requires", async () => {
    const st = await scanFixture("streamlit-reports");
    const setupPy = manifest(st, "setup.py");
    expect([setupPy.kind, setupPy.packageManager, setupPy.pythonRequires]).toEqual(["setup.py", "setuptools", ">=3.10"]);
    expect(setupPy.dependencies.map((d) => [d.name, d.specifier, d.group, where(d.evidence)[0]])).toEqual([
      ["streamlit", ">=1.37,<2", "main", "setup.py:9"],
      ["pandas", "==2.2.2", "main", "setup.py:10"],
      ["boto3", ">=1.34", "main", "setup.py:11"],
      ["plotly", undefined, "main", "setup.py:12"],
      ["pytest", undefined, "optional:dev", "setup.py:14"],
    ]);
    expect(service(st, "web").manifests).toEqual(["setup.py"]);
    const cfg = manifest(await scanFixture("flask-devserver"), "setup.cfg");
    expect([cfg.kind, cfg.packageManager, cfg.pythonRequires]).toEqual(["setup.cfg", "setuptools", ">=3.9"]);
    expect(cfg.dependencies.map((d) => [d.name, d.specifier, where(d.evidence)[0]])).toEqual([
      ["flask", ">=3.0", "setup.cfg:9"],
      ["sqlalchemy", ">=2.0", "setup.cfg:10"],
    ]);
  });

  it("package.json dependencies and devDependencies", async () => {
    const m = await scanFixture("monorepo");
    const pkg = manifest(m, "web/package.json");
    expect([pkg.kind, pkg.packageManager]).toEqual(["package.json", "npm"]);
    expect(pkg.dependencies.map((d) => [d.name, d.ecosystem, d.specifier, d.group, where(d.evidence)[0]])).toEqual([
      ["next", "npm", "14.2.5", "main", "web/package.json:10"],
      ["react", "npm", "18.3.1", "main", "web/package.json:11"],
      ["react-dom", "npm", "18.3.1", "main", "web/package.json:12"],
      ["typescript", "npm", "5.5.4", "dev", "web/package.json:15"],
    ]);
  });
});

describe("torch wheels", () => {
  it("torch==2.4.1+cpu with the CPU index as --extra-index-url: CPU-only", async () => {
    const m = await scanFixture("uvicorn-localhost");
    const web = service(m, "web");
    expect(web.torch?.present).toBe(true);
    expect(web.torch?.cpuOnly).toBe(true);
    expect(where(web.torch?.evidence).slice(0, 2)).toEqual(["requirements.txt:4", "requirements.txt:5"]);
    const torch = manifest(m, "requirements.txt").dependencies.find((d) => d.name === "torch");
    expect([torch?.specifier, torch?.pinned, torch?.localVersion]).toEqual(["==2.4.1+cpu", "2.4.1+cpu", "cpu"]);
    expect(manifest(m, "requirements.txt").indexUrls).toEqual(["https://download.pytorch.org/whl/cpu"]);
    expect(diags(m, "torch-cuda-wheels")).toEqual([]);
  });

  it("torch from a [[tool.uv.index]] pointing at the CPU wheels: CPU-only", async () => {
    const web = service(await scanFixture("fastapi-uv-settings"), "web");
    expect(web.torch).toEqual({
      present: true,
      cpuOnly: true,
      evidence: [
        { file: "pyproject.toml", line: 13, note: "index pytorch-cpu" },
        { file: "pyproject.toml", note: "CPU wheel index" },
      ],
    });
  });

  it("default torch wheels and no GPU use: torch-cuda-wheels", async () => {
    const m = await scanFixture("gradio-space");
    expect(service(m, "web").torch).toEqual({ present: true, cpuOnly: false, evidence: [{ file: "requirements.txt", line: 4 }] });
    expect(fact(service(m, "web").gpu)).toEqual({ value: false, confidence: "medium", at: [] });
    expect(diags(m, "torch-cuda-wheels")).toEqual([{ level: "info", service: "web", at: ["requirements.txt:4"] }]);
  });

  it("default torch wheels with CUDA used in code: no torch-cuda-wheels", async () => {
    const m = await scanFixture("model-zoo");
    const web = service(m, "web");
    expect(web.torch?.cpuOnly).toBe(false);
    expect(fact(web.gpu)).toEqual({ value: true, confidence: "high", at: ["zoo/loaders.py:6", "zoo/loaders.py:9"] });
    expect(diags(m, "torch-cuda-wheels")).toEqual([]);
  });
});

describe("Python version", () => {
  it("a Dockerfile FROM python:3.10-slim in the service folder beats a root .python-version of 3.11, and the conflict is reported", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(fact(service(m, "web").pythonVersion)).toEqual({ value: "3.10", confidence: "high", at: ["api/Dockerfile:1", ".python-version:1"] });
    expect(diags(m, "python-version-conflict")).toEqual([{ level: "warning", at: ["api/Dockerfile:1", ".python-version:1"] }]);
    expect(m.diagnostics.find((d) => d.code === "python-version-conflict")?.message).toBe("files disagree on the Python version: 3.10 vs 3.11");
    expect(m.deployFiles.map((d) => [d.file, d.kind, d.pythonVersion])).toEqual([
      [".python-version", "python-version", "3.11"],
      ["Procfile", "procfile", undefined],
      ["api/Dockerfile", "dockerfile", "3.10"],
    ]);
  });

  it("runtime.txt python-3.12.3 agrees with the Pipfile's 3.12: no conflict", async () => {
    const m = await scanFixture("django-shop");
    expect(fact(service(m, "web").pythonVersion)).toEqual({ value: "3.12.3", confidence: "high", at: ["runtime.txt:1", "Pipfile"] });
    expect(diags(m, "python-version-conflict")).toEqual([]);
  });

  it(".python-version alone, and a Space's python_version", async () => {
    const root = copyFixture("flask-devserver", { ".python-version": "3.12.4\n" });
    expect(fact(service(await scanValid(root), "web").pythonVersion)).toEqual({ value: "3.12.4", confidence: "high", at: [".python-version:1", "setup.cfg"] });
    expect(fact(service(await scanFixture("gradio-space"), "web").pythonVersion)).toEqual({ value: "3.10", confidence: "high", at: ["README.md:9"] });
  });

  it("only requires-python: a medium-confidence range", async () => {
    expect(fact(service(await scanFixture("fastapi-uv-settings"), "web").pythonVersion)).toEqual({ value: ">=3.11,<3.13", confidence: "medium", at: ["pyproject.toml"] });
  });
});

describe("models", () => {
  it("committed model files of several formats with their sizes, and a Git LFS pointer", async () => {
    const m = await scanFixture("model-zoo");
    expect(m.models.files).toEqual([
      { path: "models/classifier.pt", format: "pytorch", bytes: 2048, lfsPointer: false },
      { path: "models/detector.onnx", format: "onnx", bytes: 1536, lfsPointer: false },
      { path: "models/encoder.safetensors", format: "safetensors", bytes: 4096, lfsPointer: false },
      { path: "models/lfs/reranker-large.safetensors", format: "safetensors", bytes: 1340000000, lfsPointer: true },
      { path: "models/scaler.joblib", format: "joblib", bytes: 777, lfsPointer: false },
      { path: "models/tiny-chat.Q4_K_M.gguf", format: "gguf", bytes: 3000, lfsPointer: false },
    ]);
    expect(diags(m, "model-lfs-pointer")).toEqual([{ level: "warning", at: ["models/lfs/reranker-large.safetensors"] }]);
    expect(m.diagnostics.find((d) => d.code === "model-lfs-pointer")?.message).toContain("1.2 GB");
    // Model files are stat'ed, never read as text.
    expect(m.stats).toEqual({ filesSeen: 10, filesRead: 4, dirsIgnored: 0 });
  });

  it("a .gitignored model file is reported as missing from a deploy from git", async () => {
    const root = copyFixture("model-zoo", { "lightning_logs/last.ckpt": new Uint8Array(64).fill(7) });
    const m = await scanValid(root);
    expect(m.models.files.map((f) => f.path)).not.toContain("lightning_logs/last.ckpt");
    expect(diags(m, "model-gitignored")).toEqual([{ level: "warning", at: ["lightning_logs/last.ckpt"] }]);
  });

  it("local loads: torch.load, joblib.load, onnxruntime, llama_cpp", async () => {
    const m = await scanFixture("model-zoo");
    expect(m.models.loads.map((l) => [l.loader, l.path, l.remote, where(l.evidence)[0]])).toEqual([
      ["torch.load", "models/classifier.pt", false, "zoo/loaders.py:7"],
      ["joblib.load", "models/scaler.joblib", false, "zoo/loaders.py:8"],
      ["onnxruntime", "models/detector.onnx", false, "zoo/loaders.py:9"],
      ["other", "models/tiny-chat.Q4_K_M.gguf", false, "zoo/loaders.py:10"],
    ]);
    expect(service(m, "web").modelLoads).toEqual(m.models.loads);
  });

  it("hub downloads: from_pretrained, pipeline(model=…), SentenceTransformer, hf_hub_download", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    expect(m.models.loads.map((l) => [l.loader, l.modelId, l.remote, where(l.evidence)[0]])).toEqual([
      ["from_pretrained", "Salesforce/blip-image-captioning-base", true, "inference/models.py:7"],
      ["from_pretrained", "Salesforce/blip-image-captioning-base", true, "inference/models.py:8"],
      ["pipeline", "facebook/bart-large-mnli", true, "inference/models.py:9"],
      ["SentenceTransformer", "sentence-transformers/all-MiniLM-L6-v2", true, "inference/models.py:10"],
      ["hf_hub_download", "acme/caption-labels", true, "inference/models.py:11"],
    ]);
  });

  it("hub downloads: whisper.load_model, pipeline, torchvision weights=, torch.hub.load", async () => {
    const gradio = await scanFixture("gradio-space");
    expect(gradio.models.loads.map((l) => [l.loader, l.modelId, l.remote, where(l.evidence)[0]])).toEqual([
      ["whisper.load_model", "whisper-small", true, "voice_notes_ui.py:5"],
      ["pipeline", "sshleifer/distilbart-cnn-12-6", true, "voice_notes_ui.py:6"],
    ]);
    const vision = await scanFixture("uvicorn-localhost");
    expect(vision.models.loads.map((l) => [l.loader, l.modelId, l.remote, where(l.evidence)[0]])).toEqual([
      ["torchvision", "resnet18", true, "inference_api.py:7"],
      ["torch.hub.load", "ultralytics/yolov5/yolov5s", true, "inference_api.py:8"],
    ]);
  });
});

describe("environment variables", () => {
  it("os.environ[...] and os.getenv, with defaults and secret-looking names, per service", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    expect(m.envVars.map((v) => [v.name, v.hasDefault, v.secret, where(v.evidence)])).toEqual([
      ["CELERY_BROKER_URL", false, false, ["chatroom/jobs.py:6", "chatroom/live.py:10"]],
      ["CELERY_RESULT_BACKEND", false, false, ["chatroom/jobs.py:6"]],
      ["FLASK_SECRET_KEY", false, true, ["chatroom/live.py:9"]],
    ]);
    expect(m.envVars.find((v) => v.name === "CELERY_BROKER_URL")?.services).toEqual(["web", "worker"]);
    const flask = await scanFixture("flask-blueprint-api");
    expect(flask.envVars).toEqual([{ name: "MAX_UPLOAD_BYTES", hasDefault: true, secret: false, services: ["web"], evidence: [{ file: "api/portal/server.py", line: 11 }] }]);
  });

  it("pydantic settings with env_prefix: every field is a variable with the prefix", async () => {
    const m = await scanFixture("assistant-apis");
    expect(m.envVars.map((v) => [v.name, v.hasDefault, v.secret, v.services, where(v.evidence)])).toEqual([
      ["ASSIST_LISTEN_HOST", true, false, ["web"], ["assistant/config.py:7"]],
      ["ASSIST_LISTEN_PORT", true, false, ["web"], ["assistant/config.py:8"]],
      ["ASSIST_OPENAI_MODEL", true, false, ["web"], ["assistant/config.py:9"]],
      ["HF_API_TOKEN", false, true, ["web"], ["assistant/clients.py:8"]],
      ["OPENAI_API_KEY", false, true, ["web"], ["assistant/clients.py:7"]],
      ["SUPABASE_SERVICE_KEY", false, true, ["web"], ["assistant/clients.py:9"]],
      ["SUPABASE_URL", false, false, ["web"], ["assistant/clients.py:9"]],
    ]);
    expect(service(m, "web").envVars).toEqual(m.envVars.map((v) => v.name));
  });

  it("pydantic settings without a prefix: the field name upper-cased", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    expect(m.envVars.map((v) => [v.name, v.hasDefault, where(v.evidence)])).toEqual([
      ["CAPTION_MODEL", true, ["inference/settings.py:7"]],
      ["HTTP_HOST", true, ["inference/settings.py:5"]],
      ["HTTP_PORT", true, ["inference/settings.py:6"]],
    ]);
  });

  it("process.env in a Next.js page and import.meta.env in a Vite app", async () => {
    const next = await scanFixture("monorepo");
    expect(next.envVars.find((v) => v.name === "NEXT_PUBLIC_API_URL")).toEqual({
      name: "NEXT_PUBLIC_API_URL",
      hasDefault: false,
      secret: false,
      services: ["web"],
      evidence: [{ file: "web/app/orders/page.tsx", line: 4 }],
    });
    const vite = await scanFixture("vite-react-static");
    expect(vite.envVars).toEqual([{ name: "VITE_INFERENCE_URL", hasDefault: false, secret: false, services: ["frontend"], evidence: [{ file: "src/main.tsx", line: 4 }] }]);
  });
});

describe("datastores", () => {
  it("PostgreSQL from psycopg2 + DATABASE_URL, and compose postgres:16 / redis:7 plus a render database", async () => {
    const m = await scanFixture("monorepo");
    expect(m.datastores.map((d) => [d.kind, d.envVar, d.confidence])).toEqual([
      ["postgresql", "DATABASE_URL", "high"],
      ["redis", "REDIS_URL", "high"],
    ]);
    const pg = where(m.datastores[0]?.evidence);
    expect(pg.slice(0, 4)).toEqual(["services/api/gateway/db.py:9", "services/api/requirements.txt:3", "docker-compose.yml:23", "render.yaml:29"]);
    const redis = where(m.datastores[1]?.evidence);
    expect(redis).toEqual(expect.arrayContaining(["services/api/gateway/routes.py:9", "services/worker/pipeline/celery_app.py:5", "docker-compose.yml:28"]));
    expect(diags(m, "deploy-datastore-declared")).toEqual([
      { level: "info", at: ["docker-compose.yml:23"] },
      { level: "info", at: ["docker-compose.yml:28"] },
      { level: "info", at: ["render.yaml:29"] },
    ]);
  });

  it("Redis from a Celery broker read from the environment", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    expect(m.datastores.map((d) => [d.kind, d.envVar, d.confidence, where(d.evidence)[0]])).toEqual([["redis", "CELERY_BROKER_URL", "high", "chatroom/jobs.py:6"]]);
    expect(where(m.datastores[0]?.evidence)).toContain("pyproject.toml:13");
  });

  it("a SQLite file path, and S3 from boto3 with its bucket variable", async () => {
    const sqlite = await scanFixture("flask-devserver");
    expect(sqlite.datastores).toEqual([{ kind: "sqlite", path: "instance/guestbook.sqlite3", confidence: "high", evidence: [{ file: "site_app/web.py", line: 11 }] }]);
    const s3 = await scanFixture("streamlit-reports");
    expect(s3.datastores).toEqual([{ kind: "s3", envVar: "REPORTS_BUCKET", confidence: "high", evidence: [{ file: "reporting/storage.py", line: 10 }] }]);
  });
});

describe("external APIs", () => {
  it("OpenAI, Hugging Face Inference and Supabase clients", async () => {
    const m = await scanFixture("assistant-apis");
    expect(m.externalApis.map((a) => [a.kind, a.confidence, where(a.evidence)])).toEqual([
      ["huggingface-inference", "high", ["assistant/clients.py:3", "assistant/clients.py:8"]],
      ["openai", "high", ["assistant/clients.py:4", "assistant/clients.py:7", "requirements.txt:4"]],
      ["supabase", "high", ["assistant/clients.py:5", "assistant/clients.py:9", "requirements.txt:6"]],
    ]);
    expect(m.datastores).toEqual([]);
  });

  it("Anthropic in a launcher-started backend, Stripe in a Starlette webhook", async () => {
    expect((await scanFixture("launcher-script")).externalApis.map((a) => [a.kind, a.confidence, where(a.evidence)])).toEqual([
      ["anthropic", "high", ["backend/notes_api/main_app.py:3", "backend/notes_api/main_app.py:7", "backend/requirements.txt:3"]],
    ]);
    expect((await scanFixture("starlette-webhooks")).externalApis.map((a) => [a.kind, a.confidence, where(a.evidence)])).toEqual([
      ["stripe", "high", ["webhooks/asgi.py:3", "requirements.txt:3", "webhooks/asgi.py:9"]],
    ]);
  });
});

describe("disk writes", () => {
  it("an upload folder and the uploads saved into it; a write made only by scripts/ is not reported", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(m.diskWrites).toEqual([
      { path: "var/uploads", kind: "uploads", service: "web", confidence: "high", evidence: [{ file: "api/portal/server.py", line: 10 }] },
      { path: "var/uploads/*-*", kind: "uploads", service: "web", confidence: "high", evidence: [{ file: "api/portal/server.py", line: 19 }] },
    ]);
    expect(JSON.stringify(m)).not.toContain("upload-summary.csv");
  });

  it("a SQLite database file", async () => {
    expect((await scanFixture("flask-devserver")).diskWrites).toEqual([
      { path: "instance/guestbook.sqlite3", kind: "sqlite", service: "web", confidence: "high", evidence: [{ file: "site_app/web.py", line: 11 }] },
    ]);
  });

  it("cache directories: os.makedirs of a cache folder, and a model library's cache_folder=", async () => {
    expect((await scanFixture("streamlit-reports")).diskWrites).toEqual([
      { path: "chart_cache/rendered", kind: "cache", service: "web", confidence: "high", evidence: [{ file: "reporting/storage.py", line: 8 }] },
    ]);
    expect((await scanFixture("fastapi-uv-settings")).diskWrites).toEqual([
      { path: "/data/st-cache", kind: "cache", service: "web", confidence: "high", evidence: [{ file: "inference/models.py", line: 10 }] },
    ]);
  });
});

describe("existing deploy files", () => {
  it("render.yaml services with rootDir, and compose services with build contexts and datastore images", async () => {
    const m = await scanFixture("monorepo");
    const render = m.deployFiles.find((d) => d.file === "render.yaml");
    expect(render?.processes.map((p) => [p.name, p.root, p.command, p.healthPath, where(p.evidence)[0]])).toEqual([
      ["api", "services/api", "uvicorn gateway.routes:app --host 0.0.0.0 --port $PORT", "/healthz", "render.yaml:2"],
      ["worker", "services/worker", "celery -A pipeline.celery_app worker --concurrency=2", undefined, "render.yaml:16"],
      ["web", "web", "npm start", undefined, "render.yaml:22"],
    ]);
    expect(render?.env).toEqual(["DATABASE_URL", "OPENAI_API_KEY"]);
    const compose = m.deployFiles.find((d) => d.file === "docker-compose.yml");
    expect(compose?.processes.map((p) => [p.name, p.root, p.port, where(p.evidence)[0]])).toEqual([
      ["api", "services/api", 8000, "docker-compose.yml:2"],
      ["worker", "services/worker", undefined, "docker-compose.yml:12"],
      ["web", "web", 3000, "docker-compose.yml:18"],
      ["db", undefined, undefined, "docker-compose.yml:23"],
      ["cache", undefined, undefined, "docker-compose.yml:28"],
    ]);
    expect(compose?.env).toEqual(["DATABASE_URL", "REDIS_URL", "POSTGRES_USER", "POSTGRES_PASSWORD"]);
    // render.yaml outranks compose for the api's start; the compose command with --reload disagrees.
    expect(diags(m, "start-command-conflict")).toEqual([{ level: "warning", service: "api", at: ["render.yaml:2", "docker-compose.yml:2"] }]);
  });

  it("a Hugging Face Space README's front matter: sdk gradio, app_file and port", async () => {
    const m = await scanFixture("gradio-space");
    expect(m.deployFiles).toEqual([
      {
        file: "README.md",
        kind: "hf-space",
        pythonVersion: "3.10",
        pythonVersionLine: 9,
        processes: [
          {
            name: "web",
            command: "python voice_notes_ui.py",
            port: 7860,
            evidence: { file: "README.md", line: 6, note: "Hugging Face Space, sdk gradio, sdk_version 4.44.0" },
          },
        ],
      },
    ]);
  });

  it("fly.toml and a Dockerfile: internal port, base image, exposed ports", async () => {
    const m = await scanFixture("fly-port-mismatch");
    const fly = m.deployFiles.find((d) => d.kind === "fly");
    expect(fly?.processes.map((p) => [p.name, p.port, where(p.evidence)[0]])).toEqual([["web", 8080, "fly.toml:8"]]);
    const docker = m.deployFiles.find((d) => d.kind === "dockerfile");
    expect([docker?.baseImage, docker?.pythonVersion, docker?.exposedPorts]).toEqual(["python:3.11-slim", "3.11", [5000]]);
    expect(docker?.processes.map((p) => [p.command, where(p.evidence)[0]])).toEqual([["uvicorn ocr_service:api --host 0.0.0.0 --port 8000", "Dockerfile:7"]]);
    expect(codes(m)).toEqual(["deploy-port-mismatch", "expose-mismatch", "port-not-from-env"]);
  });
});
