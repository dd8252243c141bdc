/**
 * The five example apps, scanned end to end: every fact each example contains is asserted
 * explicitly (services, frameworks, entries, ports, workers, deps, models, env vars, datastores,
 * disk writes, deploy files), the model validates against the published schema, and the whole
 * AppModel is snapshotted so any change to what scan reports is reviewed.
 */
import { describe, expect, it } from "vitest";
import type { AppModel, Service } from "../../src/core/app-model.js";
import { scan } from "../../src/scan/scan.js";
import { appModelErrors } from "../helpers/schema.js";

const EXAMPLES = ["ai-ko-backend", "maintenance-procedures", "feat-005", "fraud-automl", "kokoro-tts"];
const models = new Map<string, AppModel>();
async function model(name: string): Promise<AppModel> {
  let m = models.get(name);
  if (!m) {
    m = await scan(new URL(`../../examples/${name}`, import.meta.url).pathname);
    models.set(name, m);
  }
  return m;
}

function service(m: AppModel, id: string): Service {
  const s = m.services.find((x) => x.id === id);
  if (!s) throw new Error(`no service ${id} in ${m.services.map((x) => x.id).join(", ")}`);
  return s;
}

const frameworks = (s: Service) => s.frameworks.map((f) => f.value);
const codes = (m: AppModel) => m.diagnostics.map((d) => d.code);
const depNames = (m: AppModel, file: string) =>
  m.manifests.find((x) => x.file === file)?.dependencies.filter((d) => d.group === "main").map((d) => d.name) ?? [];

describe.each(EXAMPLES)("examples/%s", (name) => {
  it("validates against the published AppModel schema", async () => {
    expect(appModelErrors(await model(name))).toEqual([]);
  });

  it("matches its snapshot", async () => {
    await expect(`${JSON.stringify(await model(name), null, 2)}\n`).toMatchFileSnapshot(`../__snapshots__/examples/${name}.json`);
  });
});

describe("ai-ko-backend (seed 000)", () => {
  it("finds the gunicorn web service and the Celery worker from the Procfile and railway.json", async () => {
    const m = await model("ai-ko-backend");
    expect(m.services.map((s) => [s.id, s.kind])).toEqual([["web", "web"], ["worker", "worker"]]);
    const web = service(m, "web");
    expect(frameworks(web)).toEqual(["flask", "flask-socketio"]);
    expect(web.entry?.value).toBe("run:app");
    expect(web.start).toMatchObject({ command: "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120", source: "railway" });
    expect(web.server).toMatchObject({ kind: "gunicorn", workers: 2, timeoutSeconds: 120 });
    expect(web.readsPortEnv.value).toBe(true);
    expect(web.bindHost?.value).toBe("0.0.0.0");
    expect(web.healthPath?.value).toBe("/api/health");
    const worker = service(m, "worker");
    expect(worker.start).toMatchObject({ command: "celery -A app.celery_app worker --loglevel=info --concurrency=2", source: "procfile" });
    expect(worker.server).toMatchObject({ kind: "celery", workers: 2 });
    expect(frameworks(worker)).toEqual(["celery"]);
  });

  it("sees torch and transformers loaded by the web process, with the default CUDA wheels", async () => {
    const m = await model("ai-ko-backend");
    const web = service(m, "web");
    expect(web.imports).toEqual(expect.arrayContaining(["torch", "transformers", "flask_socketio", "celery"]));
    expect(web.torch).toMatchObject({ present: true, cpuOnly: false });
    expect(web.gpu.value).toBe(false);
    expect(web.modelLoads.map((l) => [l.loader, l.modelId, l.remote])).toContainEqual(["from_pretrained", "distilbert-base-uncased-finetuned-sst-2-english", true]);
    expect(m.models.loads.map((l) => l.modelId)).toContain("sshleifer/distilbart-cnn-12-6");
    expect(depNames(m, "requirements.txt")).toEqual(expect.arrayContaining(["torch", "transformers", "flask-socketio", "celery", "redis", "psycopg2-binary", "gunicorn"]));
    expect(depNames(m, "requirements-prod.txt")).not.toContain("torch");
    expect(codes(m)).toContain("torch-cuda-wheels");
  });

  it("reports env vars, PostgreSQL and Redis, the HF Inference API and Google OAuth, and the uploads folder", async () => {
    const m = await model("ai-ko-backend");
    expect(m.envVars.map((v) => v.name)).toEqual(
      expect.arrayContaining(["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JWT_SECRET_KEY", "CORS_ORIGINS", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REDIRECT_URI", "HF_API_TOKEN", "HF_MODEL"]),
    );
    expect(m.envVars.find((v) => v.name === "HF_API_TOKEN")?.secret).toBe(true);
    expect(m.datastores.map((d) => [d.kind, d.envVar])).toEqual([["postgresql", "DATABASE_URL"], ["redis", "REDIS_URL"]]);
    expect(m.externalApis.map((a) => a.kind)).toEqual(["google-oauth", "huggingface-inference"]);
    expect(m.externalApis.every((a) => a.confidence === "high")).toBe(true);
    expect(m.diskWrites.map((w) => [w.kind, w.service])).toContainEqual(["uploads", "web"]);
    expect(m.deployFiles.map((d) => d.file)).toEqual(["Procfile", "railway.json"]);
    expect(codes(m)).toEqual(expect.arrayContaining(["socketio-sync-workers", "socketio-multiple-workers"]));
  });
});

describe("maintenance-procedures (seed 001)", () => {
  it("finds the FastAPI backend and the Next.js front end the launcher starts", async () => {
    const m = await model("maintenance-procedures");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([
      ["backend", "web", "backend", "python"],
      ["frontend", "frontend", "frontend", "node"],
    ]);
    const backend = service(m, "backend");
    expect(frameworks(backend)).toEqual(["fastapi"]);
    expect(backend.entry?.value).toBe("main:app");
    expect(backend.start).toMatchObject({ command: "uvicorn main:app --reload --port 8000", source: "launcher" });
    expect(backend.port?.value).toBe(8000);
    expect(backend.readsPortEnv.value).toBe(false);
    expect(backend.bindHost?.value).toBe("127.0.0.1");
    expect(backend.healthPath?.value).toBe("/health");
    const frontend = service(m, "frontend");
    expect(frameworks(frontend)).toEqual(["nextjs"]);
    expect(frontend.start).toMatchObject({ command: "next start", source: "package.json" });
    expect(frontend.port?.value).toBe(3000);
    expect(frontend.envVars).toEqual(["NEXT_PUBLIC_API_URL"]);
    expect(codes(m)).toEqual(expect.arrayContaining(["launcher-script", "bind-localhost", "port-not-from-env", "dev-server-start"]));
  });

  it("sees the SQLite file and uploads folder on local disk, OpenAI, and the committed .env by kind only", async () => {
    const m = await model("maintenance-procedures");
    expect(m.datastores.map((d) => [d.kind, d.path])).toEqual([["sqlite", "./maintenance.db"]]);
    expect(m.diskWrites.map((w) => [w.path, w.kind, w.service])).toEqual([
      ["./maintenance.db", "sqlite", "backend"],
      ["backend/uploads", "uploads", "backend"],
    ]);
    expect(m.externalApis.map((a) => a.kind)).toEqual(["openai"]);
    expect(m.envVars.map((v) => v.name)).toEqual(expect.arrayContaining(["OPENAI_API_KEY", "SECRET_KEY", "NEXT_PUBLIC_API_URL"]));
    expect(m.secrets).toContainEqual({ file: "backend/.env", line: 1, kind: "env-file" });
    expect(depNames(m, "frontend/package.json")).toEqual(["next", "react", "react-dom"]);
  });
});

describe("feat-005 (seed 002)", () => {
  it("finds the FastAPI backend started by run_api.py and the Gradio front end on 7860", async () => {
    const m = await model("feat-005");
    const web = service(m, "web");
    expect(frameworks(web)).toEqual(["fastapi"]);
    expect(web.start).toMatchObject({ command: "python run_api.py", source: "railway" });
    expect(web.server?.kind).toBe("uvicorn");
    expect(web.port?.value).toBe(8000);
    expect(web.readsPortEnv.value).toBe(false);
    expect(web.readsPortEnv.evidence[0]?.note).toBe("reads API_PORT, not PORT");
    expect(web.bindHost?.value).toBe("0.0.0.0");
    expect(web.healthPath?.value).toBe("/api/health");
    expect(web.pythonVersion?.value).toBe("3.11");
    const ui = service(m, "frontend");
    expect([ui.kind, ui.root, frameworks(ui)]).toEqual(["frontend", "frontend", ["gradio"]]);
    expect(ui.port?.value).toBe(7860);
    expect(ui.envVars).toEqual(["BACKEND_URL"]);
    expect(codes(m).filter((c) => c === "port-not-from-env")).toHaveLength(2);
    expect(codes(m)).not.toContain("health-path-missing");
  });

  it("reads the settings class: PostgreSQL, OpenAI, Supabase and the encryption key", async () => {
    const m = await model("feat-005");
    expect(m.envVars.map((v) => v.name)).toEqual(
      expect.arrayContaining(["DATABASE_URL", "OPENAI_API_KEY", "SUPABASE_URL", "SUPABASE_ANON_KEY", "ENCRYPTION_KEY", "API_HOST", "API_PORT"]),
    );
    expect(m.datastores.map((d) => d.kind)).toEqual(["postgresql"]);
    expect(m.externalApis.map((a) => a.kind)).toEqual(["openai", "supabase"]);
    expect(m.deployFiles.map((d) => d.file)).toEqual(["Dockerfile", "frontend/Dockerfile", "railway.toml"]);
    expect(m.diskWrites).toEqual([]);
  });
});

describe("fraud-automl (seed 003)", () => {
  it("finds the Flask app, its 80 committed model files and how they are loaded", async () => {
    const m = await model("fraud-automl");
    expect(m.services.map((s) => s.id)).toEqual(["web"]);
    const web = service(m, "web");
    expect(web.start).toMatchObject({ command: "gunicorn wsgi:app --workers 2 --timeout 120", source: "procfile" });
    expect(web.server).toMatchObject({ kind: "gunicorn", workers: 2 });
    expect(web.readsPortEnv.value).toBe(true);
    expect(web.healthPath?.value).toBe("/api/health");
    const joblib = m.models.files.filter((f) => f.format === "joblib");
    expect(joblib).toHaveLength(80);
    expect(new Set(joblib.map((f) => f.path.split("/")[2]))).toHaveProperty("size", 40);
    expect(joblib.every((f) => f.bytes > 0 && !f.lfsPointer)).toBe(true);
    expect(web.modelLoads.map((l) => [l.loader, l.path])).toContainEqual(["joblib.load", "*/*/xgboost_model.joblib"]);
    // No .dockerignore: `COPY . .` bakes all 120 model folder files (80 of them weights) into the image.
    expect(web.files.models).toHaveLength(80);
    expect(depNames(m, "requirements.txt")).toEqual(expect.arrayContaining(["xgboost", "scikit-learn", "joblib", "boto3", "psycopg2-binary"]));
  });

  it("sees S3, PostgreSQL and the local writes that vanish on an ephemeral disk", async () => {
    const m = await model("fraud-automl");
    expect(m.datastores.map((d) => d.kind)).toEqual(["postgresql", "s3", "sqlite"]);
    expect(m.datastores.find((d) => d.kind === "s3")?.envVar).toBe("S3_MODEL_BUCKET");
    expect(m.diskWrites.map((w) => w.kind).sort()).toEqual(["cache", "sqlite", "uploads"]);
    // The migration script and the model generator are not part of the web process.
    expect(m.diskWrites.some((w) => w.evidence.some((e) => e.file.startsWith("scripts/")))).toBe(false);
    expect(m.envVars.map((v) => v.name)).toEqual(expect.arrayContaining(["S3_MODEL_BUCKET", "MODEL_CACHE_DIR", "DATABASE_URL", "UPLOAD_FOLDER"]));
  });
});

describe("kokoro-tts (seed 004)", () => {
  it("finds the gunicorn web service from the Dockerfile and the kokoro subprocess it spawns", async () => {
    const m = await model("kokoro-tts");
    const web = service(m, "web");
    expect(web.start).toMatchObject({ command: "gunicorn --bind 0.0.0.0:$PORT --workers 1 --threads 2 --timeout 180 app:app", source: "dockerfile" });
    expect(web.server).toMatchObject({ kind: "gunicorn", workers: 1, threads: 2 });
    expect(web.healthPath).toMatchObject({ value: "/api/health", evidence: [{ file: "railway.json" }] });
    expect(web.subprocesses.map((p) => p.command)).toEqual(["python -m kokoro --text … --voice … -o …"]);
    expect(web.torch).toMatchObject({ present: true, cpuOnly: false });
    expect(m.diskWrites.map((w) => [w.path, w.kind])).toEqual([["${TTS_OUTPUT_DIR}", "output"]]);
  });

  it("knows the Kokoro weights are downloaded into the image at build time", async () => {
    const m = await model("kokoro-tts");
    expect(m.models.loads.map((l) => [l.modelId, l.stage])).toContainEqual(["hexgrad/Kokoro-82M", "build"]);
    expect(m.models.files.map((f) => f.path)).toEqual(["voices/af_heart.pt", "voices/am_adam.pt"]);
    // .dockerignore leaves the voices, the local stand-in and the scripts out of the image.
    const web = service(m, "web");
    expect(web.files.models).toEqual([]);
    expect(web.files.count).toBe(8);
    expect(m.deployFiles.map((d) => d.kind)).toEqual(["dockerfile", "railway"]);
  });
});
