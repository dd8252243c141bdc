/**
 * End-to-end: `scan()` on small real projects (test/fixtures/projects), one per framework detector,
 * plus monorepo layout, entry resolution and a launcher script. Names are non-default on purpose
 * (portal.server:app, dashboards/overview.py, chatroom.jobs…) so a pass proves they were resolved.
 */
import { describe, expect, it } from "vitest";
import { codes, copyFixture, diags, fact, scanFixture, scanValid, server, service, start, where } from "./detectors-shared.js";

describe("framework detectors", () => {
  it("flask: app object in a package module, entry and start from a Procfile that cds into api/", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(m.name).toBe("flask-blueprint-api");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([["web", "web", "api", "python"]]);
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([{ value: "flask", confidence: "high", at: ["api/portal/server.py:9", "api/requirements/base.txt:2"] }]);
    expect(fact(web.entry)).toEqual({ value: "portal.server:app", confidence: "high", at: ["Procfile:1"] });
    expect(start(web)).toEqual({ command: "cd api && gunicorn --timeout 90 portal.server:app", source: "procfile", confidence: "high", at: ["Procfile:1"] });
    expect(server(web)).toEqual({ kind: "gunicorn", timeoutSeconds: 90, at: ["Procfile:1"] });
    // Only what the entry imports: the one-off script under api/scripts/ is not part of the service.
    expect(web.imports).toEqual(["flask", "werkzeug"]);
    expect(web.envVars).toEqual(["MAX_UPLOAD_BYTES"]);
  });

  it("fastapi: the app object in inference/http_app.py is the entry when nothing declares one", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([["web", "web", ".", "python"]]);
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([{ value: "fastapi", confidence: "high", at: ["inference/http_app.py:6", "pyproject.toml:7"] }]);
    expect(fact(web.entry)).toEqual({ value: "inference.http_app:application", confidence: "medium", at: ["inference/http_app.py:6"] });
    expect(web.imports).toEqual(["fastapi", "huggingface_hub", "pydantic_settings", "sentence_transformers", "transformers"]);
  });

  it("starlette: Starlette(routes=[Route(...)]) served by hypercorn from a Procfile", async () => {
    const m = await scanFixture("starlette-webhooks");
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([{ value: "starlette", confidence: "high", at: ["webhooks/asgi.py:21", "requirements.txt:1"] }]);
    expect(fact(web.entry)).toEqual({ value: "webhooks.asgi:app", confidence: "high", at: ["Procfile:1"] });
    expect(server(web)).toEqual({ kind: "hypercorn", workers: 2, at: ["Procfile:1"] });
    expect(fact(web.healthPath)).toEqual({ value: "/ping", confidence: "high", at: ["webhooks/asgi.py:21"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "high", at: ["Procfile:1"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "high", at: ["Procfile:1"] });
    expect(m.diagnostics).toEqual([]);
  });

  it("django: get_wsgi_application() / get_asgi_application() in non-default module names are django app objects", async () => {
    const m = await scanFixture("django-shop");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([["web", "web", ".", "python"]]);
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([
      { value: "django", confidence: "high", at: ["shop_config/asgi_app.py:7", "shop_config/wsgi_app.py:7", "Pipfile:7"] },
    ]);
    expect(web.manifests).toEqual(["Pipfile"]);
    expect(server(web)?.kind).toBe("gunicorn");
    // Which of the two is the entry is WSGI_APPLICATION's call: see detectors-pending.test.ts.
  });

  it("gradio: a Hugging Face Space README names app_file; the Space's start is `python <app_file>`", async () => {
    const m = await scanFixture("gradio-space");
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([{ value: "gradio", confidence: "high", at: ["voice_notes_ui.py:15", "requirements.txt:1"] }]);
    expect(fact(web.entry)).toEqual({ value: "voice_notes_ui.py", confidence: "high", at: ["README.md:6"] });
    expect(start(web)).toEqual({ command: "python voice_notes_ui.py", source: "inferred", confidence: "high", at: ["README.md:6"] });
    expect(server(web)).toEqual({ kind: "gradio", at: ["README.md:6"] });
    expect(fact(web.port)).toEqual({ value: 7860, confidence: "medium", at: ["README.md:6"] });
    expect(fact(web.bindHost)).toEqual({ value: "127.0.0.1", confidence: "medium", at: ["README.md:6"] });
    expect(diags(m, "bind-localhost")).toEqual([{ level: "warning", service: "web", at: ["README.md:6"] }]);
  });

  it("streamlit: `streamlit run dashboards/overview.py` makes the script the entry; the health path is Streamlit's own", async () => {
    const m = await scanFixture("streamlit-reports");
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([{ value: "streamlit", confidence: "high", at: ["dashboards/overview.py:2", "setup.py:9"] }]);
    expect(fact(web.entry)).toEqual({ value: "dashboards/overview.py", confidence: "high", at: ["Procfile:1"] });
    expect(start(web)).toEqual({ command: "streamlit run dashboards/overview.py --server.port $PORT", source: "procfile", confidence: "high", at: ["Procfile:1"] });
    expect(server(web)).toEqual({ kind: "streamlit", at: ["Procfile:1"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "high", at: ["Procfile:1"] });
    expect(web.port).toBeUndefined();
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "medium", at: ["Procfile:1"] });
    expect(fact(web.healthPath)).toEqual({ value: "/_stcore/health", confidence: "medium", at: ["Procfile"] });
    // reporting/storage.py is loaded through the entry's import.
    expect(web.imports).toEqual(["boto3", "pandas", "plotly", "streamlit"]);
    expect(m.diagnostics).toEqual([]);
  });

  it("celery and flask-socketio: a Procfile web and worker from one Poetry project", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    expect(m.services.map((s) => [s.id, s.kind, s.root])).toEqual([
      ["web", "web", "."],
      ["worker", "worker", "."],
    ]);
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([
      { value: "flask", confidence: "high", at: ["chatroom/live.py:8", "pyproject.toml:9"] },
      { value: "flask-socketio", confidence: "high", at: ["chatroom/live.py:10", "pyproject.toml:10"] },
    ]);
    expect(fact(web.entry)).toEqual({ value: "chatroom.live:app", confidence: "high", at: ["Procfile:1"] });
    const worker = service(m, "worker");
    expect(worker.frameworks.map(fact)).toEqual([{ value: "celery", confidence: "high", at: ["chatroom/jobs.py:6", "pyproject.toml:13"] }]);
    expect(fact(worker.entry)).toEqual({ value: "chatroom.jobs", confidence: "high", at: ["Procfile:2"] });
    expect(start(worker)).toEqual({
      command: "celery -A chatroom.jobs worker --concurrency=4 --pool=prefork --loglevel=info",
      source: "procfile",
      confidence: "high",
      at: ["Procfile:2"],
    });
    expect(fact(worker.readsPortEnv)).toEqual({ value: false, confidence: "high", at: [] });
    expect(worker.port).toBeUndefined();
    expect(worker.healthPath).toBeUndefined();
    // eventlet with one worker is how Flask-SocketIO runs under gunicorn: nothing to warn about.
    expect(m.diagnostics).toEqual([]);
  });

  it("a Celery app with no declared worker gets an inferred worker command", async () => {
    const root = copyFixture("socketio-celery-poetry", { Procfile: "web: gunicorn -k eventlet -w 1 chatroom.live:app\n" });
    const m = await scanValid(root);
    const worker = service(m, "worker");
    expect(start(worker)).toEqual({ command: "celery -A chatroom.jobs worker --loglevel=info", source: "inferred", confidence: "medium", at: ["chatroom/jobs.py:6"] });
    expect(server(worker)).toEqual({ kind: "celery", at: ["chatroom/jobs.py:6"] });
  });

  it("nextjs: a front end in web/ with its engines.node, started by render's npm start", async () => {
    const m = await scanFixture("monorepo");
    const web = service(m, "web");
    expect([web.kind, web.root, web.language]).toEqual(["frontend", "web", "node"]);
    expect(web.frameworks.map(fact)).toEqual([{ value: "nextjs", confidence: "high", at: ["web/package.json:10"] }]);
    expect(fact(web.nodeVersion)).toEqual({ value: ">=20", confidence: "high", at: ["web/package.json:18"] });
    expect(start(web)).toEqual({ command: "npm start", source: "render", confidence: "high", at: ["render.yaml:22"] });
    expect(server(web)).toEqual({ kind: "next", at: ["render.yaml:22"] });
    expect(fact(web.port)).toEqual({ value: 3000, confidence: "medium", at: ["render.yaml:22"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "medium", at: ["render.yaml:22"] });
    expect(web.imports).toEqual(["next", "react", "react-dom"]);
    expect(web.envVars).toEqual(["NEXT_PUBLIC_API_URL"]);
  });

  it("react-vite: a static front end (vite + @vitejs/plugin-react) started by its preview script", async () => {
    const m = await scanFixture("vite-react-static");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([["frontend", "frontend", ".", "node"]]);
    const ui = service(m, "frontend");
    expect(ui.frameworks.map(fact)).toEqual([{ value: "react-vite", confidence: "high", at: ["package.json:18"] }]);
    expect(start(ui)).toEqual({ command: "vite preview --port 4173", source: "package.json", confidence: "high", at: ["package.json:9"] });
    expect(server(ui)).toEqual({ kind: "vite", at: ["package.json:9"] });
    expect(fact(ui.port)).toEqual({ value: 4173, confidence: "high", at: ["package.json:9"] });
    expect(fact(ui.bindHost)).toEqual({ value: "127.0.0.1", confidence: "medium", at: ["package.json:9"] });
    expect(ui.envVars).toEqual(["VITE_INFERENCE_URL"]);
    expect(codes(m)).toEqual(["bind-localhost", "port-not-from-env"]);
  });
});

describe("monorepo", () => {
  it("services/api (FastAPI) + services/worker (Celery) + web/ (Next.js) are three services with their own roots", async () => {
    const m = await scanFixture("monorepo");
    expect(m.services.map((s) => [s.kind, s.root, s.language, s.frameworks.map((f) => f.value)])).toEqual([
      ["web", "services/api", "python", ["fastapi"]],
      ["worker", "services/worker", "python", ["celery"]],
      ["frontend", "web", "node", ["nextjs"]],
    ]);
    expect(m.services.map((s) => s.manifests)).toEqual([["services/api/requirements.txt"], ["services/worker/requirements.txt"], ["web/package.json"]]);
    const api = service(m, "api");
    expect(fact(api.entry)).toEqual({ value: "gateway.routes:app", confidence: "high", at: ["render.yaml:2"] });
    expect(api.imports).toEqual(["fastapi", "psycopg2", "redis"]);
    expect(api.envVars).toEqual(["DATABASE_URL", "REDIS_URL"]);
    const worker = m.services[1]!;
    expect(fact(worker.entry)).toEqual({ value: "pipeline.celery_app", confidence: "high", at: ["render.yaml:16"] });
    expect(worker.imports).toEqual(["celery", "requests"]);
    expect(worker.envVars).toEqual(["REDIS_URL"]);
  });

  it("without render.yaml, the compose file's build contexts tie commands to services/api and services/worker", async () => {
    const m = await scanValid(copyFixture("monorepo", {}, ["render.yaml"]));
    const api = service(m, "api");
    expect(start(api)).toEqual({ command: "uvicorn gateway.routes:app --host 0.0.0.0 --port 8000 --reload", source: "compose", confidence: "high", at: ["docker-compose.yml:2"] });
    expect(fact(api.port)).toEqual({ value: 8000, confidence: "high", at: ["docker-compose.yml:2"] });
    expect(diags(m, "dev-server-start")).toEqual([{ level: "warning", service: "api", at: ["docker-compose.yml:2"] }]);
    const worker = m.services.find((s) => s.kind === "worker");
    expect(worker && start(worker)).toEqual({
      command: "celery -A pipeline.celery_app worker --concurrency=2 --loglevel=info",
      source: "compose",
      confidence: "high",
      at: ["docker-compose.yml:12"],
    });
    expect(worker?.root).toBe("services/worker");
  });
});

describe("entry resolution", () => {
  it("two FastAPI apps at the same depth, neither declared: ambiguous-entry, and the entry is only a guess", async () => {
    const m = await scanFixture("ambiguous-entry");
    const web = service(m, "web");
    expect(fact(web.entry)).toEqual({ value: "apis.admin_api:admin", confidence: "low", at: ["apis/admin_api.py:3"] });
    expect(start(web)).toEqual({ command: "uvicorn apis.admin_api:admin --host 0.0.0.0 --port $PORT", source: "inferred", confidence: "low", at: ["apis/admin_api.py:3"] });
    expect(diags(m, "ambiguous-entry")).toEqual([{ level: "warning", service: "web", at: ["apis/admin_api.py:3", "apis/public_api.py:3"] }]);
    expect(m.diagnostics.find((d) => d.code === "ambiguous-entry")?.message).toBe(
      "several fastapi apps could be the entry: apis.admin_api:admin, apis.public_api:public",
    );
    expect(codes(m)).toEqual(["ambiguous-entry"]);
  });

  it("a declared entry beats the app objects in code and ends the ambiguity", async () => {
    const root = copyFixture("ambiguous-entry", { Procfile: "web: uvicorn apis.public_api:public --host 0.0.0.0 --port $PORT\n" });
    const m = await scanValid(root);
    const web = service(m, "web");
    expect(fact(web.entry)).toEqual({ value: "apis.public_api:public", confidence: "high", at: ["Procfile:1"] });
    expect(start(web)?.source).toBe("procfile");
    expect(m.diagnostics).toEqual([]);
  });

  it("FastAPI and Flask apps in one project: ambiguous-framework", async () => {
    const m = await scanFixture("mixed-frameworks");
    const web = service(m, "web");
    expect(web.frameworks.map(fact)).toEqual([
      { value: "flask", confidence: "high", at: ["legacy/old_site.py:3", "requirements.txt:3"] },
      { value: "fastapi", confidence: "high", at: ["api_server.py:3", "requirements.txt:1"] },
    ]);
    // Conventional names first, then shallow files: api_server.py (depth 1) beats legacy/old_site.py.
    expect(fact(web.entry)).toEqual({ value: "api_server:api", confidence: "medium", at: ["api_server.py:3"] });
    expect(diags(m, "ambiguous-framework")).toEqual([{ level: "warning", service: "web", at: ["legacy/old_site.py:3", "api_server.py:3"] }]);
    expect(codes(m)).toEqual(["ambiguous-framework"]);
  });
});

describe("launcher script", () => {
  it("a root script starting uvicorn in backend/ and npm run dev in frontend/: the backend's start comes from it", async () => {
    const m = await scanFixture("launcher-script");
    expect(m.services.map((s) => [s.id, s.kind, s.root, s.language])).toEqual([
      ["backend", "web", "backend", "python"],
      ["frontend", "frontend", "frontend", "node"],
    ]);
    const backend = service(m, "backend");
    expect(start(backend)).toEqual({ command: "uvicorn notes_api.main_app:api --port 8001", source: "launcher", confidence: "high", at: ["dev_up.py:11"] });
    expect(fact(backend.entry)).toEqual({ value: "notes_api.main_app:api", confidence: "high", at: ["dev_up.py:11"] });
    expect(fact(backend.port)).toEqual({ value: 8001, confidence: "high", at: ["dev_up.py:11"] });
    expect(fact(backend.bindHost)).toEqual({ value: "127.0.0.1", confidence: "medium", at: ["dev_up.py:11"] });
    expect(fact(backend.healthPath)).toEqual({ value: "/health", confidence: "high", at: ["backend/notes_api/main_app.py:10"] });
    // The launcher is loose (no manifest above it): it belongs to no service.
    expect(m.envVars.map((v) => [v.name, v.services])).toEqual([
      ["ANTHROPIC_API_KEY", ["backend"]],
      ["VITE_API_BASE", ["frontend"]],
    ]);
    const frontend = service(m, "frontend");
    expect(start(frontend)).toEqual({ command: "vite --port 5173", source: "package.json", confidence: "high", at: ["frontend/package.json:6"] });
    const launcher = m.diagnostics.filter((d) => d.code === "launcher-script");
    expect(launcher).toHaveLength(1);
    expect(launcher[0]?.level).toBe("info");
    expect(where(launcher[0]?.evidence)).toEqual(expect.arrayContaining(["dev_up.py:11", "dev_up.py:15"]));
    expect(launcher[0]?.message).toContain("uvicorn notes_api.main_app:api --port 8001 in backend; npm run dev in frontend");
    expect(diags(m, "dev-server-start")).toEqual([{ level: "warning", service: "frontend", at: ["frontend/package.json:6"] }]);
  });
});
