/**
 * End-to-end: how `scan()` decides a service's start command (declared files by precedence, code,
 * framework), its port and $PORT, bind host, worker settings and health path, on fixture projects.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codes, copyFixture, diags, fact, fixture, scanFixture, scanValid, server, service, start } from "./detectors-shared.js";

describe("start command precedence", () => {
  it("railway.json startCommand beats the Procfile, which beats the Dockerfile CMD; each disagreement is reported", async () => {
    const m = await scanFixture("start-precedence");
    const web = service(m, "web");
    expect(start(web)).toEqual({
      command: "gunicorn -w 3 --preload -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:$PORT scoring.asgi_entry:api",
      source: "railway",
      confidence: "high",
      at: ["railway.json:8"],
    });
    expect(fact(web.entry)).toEqual({ value: "scoring.asgi_entry:api", confidence: "high", at: ["railway.json:8"] });
    expect(diags(m, "start-command-conflict")).toEqual([
      { level: "warning", service: "web", at: ["railway.json:8", "Procfile:1"] },
      { level: "warning", service: "web", at: ["railway.json:8", "Dockerfile:6"] },
    ]);
    expect(m.diagnostics.filter((d) => d.code === "start-command-conflict").map((d) => d.message)).toEqual([
      'procfile starts "uvicorn scoring.asgi_entry:api --host 0.0.0.0 --port $PORT" but railway starts "gunicorn -w 3 --preload -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:$PORT scoring.asgi_entry:api"',
      'dockerfile starts "uvicorn scoring.asgi_entry:api --host 0.0.0.0 --port 9000" but railway starts "gunicorn -w 3 --preload -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:$PORT scoring.asgi_entry:api"',
    ]);
  });

  it("without railway.json the Procfile wins over the Dockerfile CMD", async () => {
    const m = await scanValid(copyFixture("start-precedence", {}, ["railway.json"]));
    const web = service(m, "web");
    expect(start(web)).toEqual({ command: "uvicorn scoring.asgi_entry:api --host 0.0.0.0 --port $PORT", source: "procfile", confidence: "high", at: ["Procfile:1"] });
    expect(server(web)).toEqual({ kind: "uvicorn", at: ["Procfile:1"] });
    // Same server and entry, but $PORT against a fixed 9000: still a conflict.
    expect(diags(m, "start-command-conflict")).toEqual([{ level: "warning", service: "web", at: ["Procfile:1", "Dockerfile:6"] }]);
    expect(web.healthPath).toEqual({ value: "/health", confidence: "high", evidence: [{ file: "scoring/asgi_entry.py", line: 8, note: "route" }] });
  });

  it("with only the Dockerfile its CMD is the start command, and there is nothing to disagree with", async () => {
    const m = await scanValid(copyFixture("start-precedence", {}, ["railway.json", "Procfile"]));
    const web = service(m, "web");
    expect(start(web)).toEqual({ command: "uvicorn scoring.asgi_entry:api --host 0.0.0.0 --port 9000", source: "dockerfile", confidence: "high", at: ["Dockerfile:6"] });
    expect(fact(web.port)).toEqual({ value: 9000, confidence: "high", at: ["Dockerfile:6"] });
    expect(diags(m, "start-command-conflict")).toEqual([]);
    expect(diags(m, "port-not-from-env").map((d) => [d.level, d.service, d.at[0]])).toEqual([["warning", "web", "Dockerfile:6"]]);
  });

  it("nothing declared, a __main__ block that calls uvicorn.run: the start comes from the code", async () => {
    const web = service(await scanFixture("fastapi-uv-settings"), "web");
    expect(start(web)).toEqual({ command: "python run_server.py", source: "code", confidence: "medium", at: ["run_server.py:6"] });
    expect(server(web)).toEqual({ kind: "uvicorn", at: ["run_server.py:6"] });
  });

  it("nothing declared and no run call: the framework's usual command is inferred", async () => {
    const web = service(await scanFixture("mixed-frameworks"), "web");
    expect(start(web)).toEqual({ command: "uvicorn api_server:api --host 0.0.0.0 --port $PORT", source: "inferred", confidence: "low", at: ["api_server.py:3"] });
    expect(server(web)).toEqual({ kind: "uvicorn", at: ["api_server.py:3"] });
  });
});

describe("ports, $PORT and bind host", () => {
  it("gunicorn without --bind: port 8000 by default, $PORT when set, and then 0.0.0.0", async () => {
    const m = await scanFixture("flask-blueprint-api");
    const web = service(m, "web");
    expect(fact(web.port)).toEqual({ value: 8000, confidence: "medium", at: ["Procfile:1"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "medium", at: ["Procfile:1"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "medium", at: ["Procfile:1"] });
    expect(web.readsPortEnv.evidence[0]?.note).toBe("gunicorn binds $PORT when set");
    expect(diags(m, "bind-localhost")).toEqual([]);
    expect(diags(m, "port-not-from-env")).toEqual([]);
    // Gunicorn takes $PORT, so the Dockerfile's EXPOSE 5000 is not a contradiction.
    expect(diags(m, "expose-mismatch")).toEqual([]);
  });

  it("uvicorn without --host binds 127.0.0.1 (bind-localhost); --port ${PORT:-8000} reads $PORT with 8000 as default", async () => {
    const m = await scanFixture("uvicorn-localhost");
    const web = service(m, "web");
    expect(fact(web.port)).toEqual({ value: 8000, confidence: "high", at: ["Procfile:1"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "high", at: ["Procfile:1"] });
    expect(fact(web.bindHost)).toEqual({ value: "127.0.0.1", confidence: "medium", at: ["Procfile:1"] });
    expect(web.bindHost?.evidence[0]?.note).toBe("uvicorn default host");
    expect(diags(m, "bind-localhost")).toEqual([{ level: "warning", service: "web", at: ["Procfile:1"] }]);
    expect(codes(m)).toEqual(["bind-localhost"]);
  });

  it("a port from a pydantic settings field in another module: reads HTTP_PORT, not PORT", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    const web = service(m, "web");
    expect(web.port?.value).toBe(8080);
    expect(web.port?.confidence).toBe("high");
    expect(fact(web.readsPortEnv)?.value).toBe(false);
    expect(web.readsPortEnv.evidence.slice(0, 2)).toEqual([
      { file: "run_server.py", line: 6, note: "reads HTTP_PORT, not PORT" },
      { file: "inference/settings.py", line: 6, note: "http_port reads HTTP_PORT" },
    ]);
    expect(web.bindHost?.value).toBe("0.0.0.0");
    expect(web.bindHost?.evidence[0]).toEqual({ file: "run_server.py", line: 6, note: "from HTTP_HOST" });
    expect(diags(m, "port-not-from-env")).toEqual([{ level: "warning", service: "web", at: ["run_server.py:6", "inference/settings.py:6"] }]);
    expect(m.diagnostics.find((d) => d.code === "port-not-from-env")?.message).toBe(
      "web listens on a fixed port (8080), reads HTTP_PORT, not PORT; Railway, Render, Heroku and Cloud Run route to $PORT",
    );
    expect(codes(m)).toEqual(["port-not-from-env"]);
  });

  it('app.run(host="127.0.0.1", port=5050) under __main__: the Flask dev server on localhost and a fixed port', async () => {
    const m = await scanFixture("flask-devserver");
    const web = service(m, "web");
    expect(start(web)).toEqual({ command: "python site_app/web.py", source: "code", confidence: "medium", at: ["site_app/web.py:22"] });
    expect(fact(web.entry)).toEqual({ value: "site_app.web:app", confidence: "medium", at: ["site_app/web.py:5"] });
    expect(server(web)).toEqual({ kind: "flask-dev", at: ["site_app/web.py:22"] });
    expect(fact(web.port)).toEqual({ value: 5050, confidence: "high", at: ["site_app/web.py:22"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: false, confidence: "high", at: ["site_app/web.py:22"] });
    expect(fact(web.bindHost)).toEqual({ value: "127.0.0.1", confidence: "high", at: ["site_app/web.py:22"] });
    expect(diags(m, "bind-localhost")).toEqual([{ level: "warning", service: "web", at: ["site_app/web.py:22"] }]);
    // app.run() is Werkzeug's development server: also reported as a dev server in production.
    expect(codes(m).sort()).toEqual(["bind-localhost", "dev-server-start", "port-not-from-env"]);
    expect(diags(m, "dev-server-start")).toEqual([{ level: "warning", service: "web", at: ["site_app/web.py:22"] }]);
  });

  it("uvicorn.run(port=int(os.environ.get('PORT', '8000'))): reads $PORT, 8000 by default", async () => {
    const web = service(await scanFixture("model-zoo"), "web");
    expect(fact(web.port)).toEqual({ value: 8000, confidence: "high", at: ["serve_models.py:18"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "high", at: ["serve_models.py:18"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "high", at: ["serve_models.py:18"] });
    expect(start(web)).toEqual({ command: "python serve_models.py", source: "code", confidence: "medium", at: ["serve_models.py:18"] });
  });

  it("a fly.toml internal_port the app does not listen on, and an EXPOSE that differs", async () => {
    const m = await scanFixture("fly-port-mismatch");
    const web = service(m, "web");
    expect(start(web)).toEqual({ command: "uvicorn ocr_service:api --host 0.0.0.0 --port 8000", source: "dockerfile", confidence: "high", at: ["Dockerfile:7"] });
    expect(fact(web.port)).toEqual({ value: 8000, confidence: "high", at: ["Dockerfile:7"] });
    expect(diags(m, "deploy-port-mismatch")).toEqual([{ level: "warning", service: "web", at: ["fly.toml:8", "Dockerfile:7"] }]);
    expect(m.diagnostics.find((d) => d.code === "deploy-port-mismatch")?.message).toBe("fly expects web on port 8080 but it listens on 8000");
    expect(m.diagnostics.find((d) => d.code === "expose-mismatch")).toMatchObject({ level: "info", service: "web", message: "Dockerfile EXPOSEs 5000 but web listens on 8000" });
    expect(codes(m)).toEqual(["deploy-port-mismatch", "expose-mismatch", "port-not-from-env"]);
  });

  it("when fly.toml and EXPOSE agree with the command there is no mismatch", async () => {
    const flyToml = readFileSync(path.join(fixture("fly-port-mismatch"), "fly.toml"), "utf8").replace("internal_port = 8080", "internal_port = 8000");
    const dockerfile = readFileSync(path.join(fixture("fly-port-mismatch"), "Dockerfile"), "utf8").replace("EXPOSE 5000", "EXPOSE 8000");
    const m = await scanValid(copyFixture("fly-port-mismatch", { "fly.toml": flyToml, Dockerfile: dockerfile }));
    expect(codes(m)).toEqual(["port-not-from-env"]);
  });
});

describe("worker settings", () => {
  it("gunicorn -w 3 --preload -k uvicorn.workers.UvicornWorker", async () => {
    const web = service(await scanFixture("start-precedence"), "web");
    expect(server(web)).toEqual({ kind: "gunicorn", workers: 3, workerClass: "uvicorn.workers.UvicornWorker", preload: true, at: ["railway.json:8"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "high", at: ["railway.json:8"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "high", at: ["railway.json:8"] });
    expect(web.port).toBeUndefined();
  });

  it("celery --concurrency=4 --pool=prefork", async () => {
    const worker = service(await scanFixture("socketio-celery-poetry"), "worker");
    expect(server(worker)).toEqual({ kind: "celery", workers: 4, pool: "prefork", at: ["Procfile:2"] });
  });

  it("gunicorn -k eventlet -w 1 for Flask-SocketIO; sync workers or several workers are reported", async () => {
    const web = service(await scanFixture("socketio-celery-poetry"), "web");
    expect(server(web)).toEqual({ kind: "gunicorn", workers: 1, workerClass: "eventlet", at: ["Procfile:1"] });
    const root = copyFixture("socketio-celery-poetry", {
      Procfile: "web: gunicorn -w 4 chatroom.live:app\nworker: celery -A chatroom.jobs worker --concurrency=4 --pool=prefork --loglevel=info\n",
    });
    const m = await scanValid(root);
    expect(diags(m, "socketio-sync-workers")).toEqual([{ level: "warning", service: "web", at: ["Procfile:1"] }]);
    expect(diags(m, "socketio-multiple-workers")).toEqual([{ level: "warning", service: "web", at: ["Procfile:1"] }]);
  });

  it("uvicorn --workers 2 and hypercorn --workers 2", async () => {
    expect(server(service(await scanFixture("uvicorn-localhost"), "web"))).toEqual({ kind: "uvicorn", workers: 2, at: ["Procfile:1"] });
    expect(server(service(await scanFixture("starlette-webhooks"), "web"))).toEqual({ kind: "hypercorn", workers: 2, at: ["Procfile:1"] });
  });
});

describe("health path", () => {
  it("a /healthz route on an APIRouter included without a prefix", async () => {
    const web = service(await scanFixture("fastapi-uv-settings"), "web");
    expect(fact(web.healthPath)).toEqual({ value: "/healthz", confidence: "high", at: ["inference/routes/probes.py:6"] });
  });

  it("a blueprint route mounted from another file with url_prefix=/api/v1 is /api/v1/status", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(fact(service(m, "web").healthPath)).toEqual({ value: "/api/v1/status", confidence: "high", at: ["api/portal/status.py:8"] });
    expect(diags(m, "health-path-missing")).toEqual([]);
  });

  it("a declared health path wins over routes, and one that no route serves is health-path-missing", async () => {
    const m = await scanFixture("start-precedence");
    expect(service(m, "web").healthPath?.value).toBe("/ready");
    expect(service(m, "web").healthPath?.confidence).toBe("high");
    expect(diags(m, "health-path-missing")).toEqual([{ level: "warning", service: "web", at: ["railway.json:9"] }]);
    expect(m.diagnostics.find((d) => d.code === "health-path-missing")?.message).toBe("the health check calls /ready but no route of web serves it");
  });

  it("a railway healthcheckPath that a route serves is not reported", async () => {
    const railway = readFileSync(path.join(fixture("start-precedence"), "railway.json"), "utf8").replace('"/ready"', '"/health"');
    const m = await scanValid(copyFixture("start-precedence", { "railway.json": railway }));
    expect(service(m, "web").healthPath?.value).toBe("/health");
    expect(diags(m, "health-path-missing")).toEqual([]);
  });

  it("render's healthCheckPath is the api service's health path", async () => {
    const api = service(await scanFixture("monorepo"), "api");
    expect(api.healthPath?.value).toBe("/healthz");
    expect(api.healthPath?.confidence).toBe("high");
    expect(api.healthPath?.evidence[0]?.file).toBe("render.yaml");
  });
});
