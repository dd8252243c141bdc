import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzePython } from "../../../src/scan/python/source.js";
import { collectPythonFacts } from "../../../src/scan/python/source/analyze.js";
import { py, scan } from "./py.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/python-source/${name}`, import.meta.url), "utf8");

describe("realistic apps", () => {
  it("Flask + Socket.IO + Celery backend (seed 000)", () => {
    const f = analyzePython(fixture("flask_socketio_celery.py"), "backend/app/__init__.py");
    expect(f.appObjects).toEqual([
      { framework: "flask", variable: "app", line: 19 },
      { framework: "socketio", variable: "socketio", line: 25 },
      { framework: "celery", variable: "celery", line: 27 },
    ]);
    expect(f.routes).toEqual([
      { method: "GET", path: "/api/health", line: 41 },
      { method: "POST", path: "/api/documents", line: 46 },
      { method: "GET", path: "/api/auth/google", line: 53 },
      { method: "ws", path: "chat_message", line: 62 },
    ]);
    expect(f.runCalls).toEqual([
      { kind: "socketio-run", underMain: true, line: 70, host: "0.0.0.0", portFromEnv: "PORT", port: 5000 },
    ]);
    expect(f.datastores).toEqual([
      { kind: "redis", line: 27, envVar: "CELERY_BROKER_URL" },
      { kind: "redis", line: 30, envVar: "CELERY_RESULT_BACKEND" },
    ]);
    expect(f.externalApis.map((a) => a.kind).sort()).toEqual(["google-oauth", "google-oauth", "huggingface-inference"]);
    expect(f.diskWrites).toContainEqual({ path: "logs/backend.log", kind: "logs", line: 13 });
    expect(f.diskWrites).toContainEqual({ path: "${UPLOAD_FOLDER}/*", kind: "uploads", line: 49 });
    const secret = f.envReads.find((e) => e.name === "SECRET_KEY");
    expect(secret).toEqual({ name: "SECRET_KEY", hasDefault: true, line: 20 });
    expect(f.envReads.find((e) => e.name === "DATABASE_URL")).toEqual({ name: "DATABASE_URL", hasDefault: false, line: 21 });
    expect(f.hasMainGuard).toBe(true);
    expect(f.syntaxErrors).toBe(0);
  });

  it("FastAPI backend with pydantic settings (seed 001)", () => {
    const f = analyzePython(fixture("fastapi_settings.py"), "backend/main.py");
    expect(f.appObjects).toEqual([{ framework: "fastapi", variable: "app", line: 33 }]);
    expect(f.routes.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/health", "POST /api/documents", "POST /api/chat"]);
    expect(f.runCalls).toEqual([
      {
        kind: "uvicorn-run",
        underMain: true,
        line: 60,
        target: "main:app",
        hostFromEnv: "API_HOST",
        host: "0.0.0.0",
        portFromEnv: "API_PORT",
        port: 8000,
      },
    ]);
    expect(f.envReads.map((e) => e.name)).toEqual(["API_HOST", "API_PORT", "OPENAI_API_KEY", "DATABASE_URL", "UPLOAD_DIR", "MAX_UPLOAD_MB"]);
    expect(f.envReads.find((e) => e.name === "OPENAI_API_KEY")).toEqual({ name: "OPENAI_API_KEY", hasDefault: false, line: 18 });
    expect(f.datastores).toEqual([{ kind: "sqlite", line: 30, envVar: "DATABASE_URL", path: "./app.db" }]);
    expect(f.diskWrites).toContainEqual({ path: "${UPLOAD_DIR}/*", kind: "uploads", line: 46 });
    expect(f.externalApis).toEqual([
      { kind: "openai", line: 7 },
      { kind: "openai", line: 31 },
    ]);
  });

  it("Gradio Blocks front end", () => {
    const f = analyzePython(fixture("gradio_front.py"), "frontend/app.py");
    expect(f.appObjects[0]).toEqual({ framework: "gradio", variable: "demo", line: 14 });
    expect(f.runCalls).toEqual([
      { kind: "gradio-launch", underMain: true, line: 19, host: "0.0.0.0", portFromEnv: "GRADIO_SERVER_PORT", port: 7860 },
    ]);
    expect(f.imports.map((i) => i.module)).toEqual(["os", "gradio", "requests"]);
  });

  it("kokoro TTS subprocess (seed 004)", () => {
    const f = analyzePython(fixture("kokoro_tts.py"), "tts/server.py");
    expect(f.subprocesses).toEqual([{ command: "python -m kokoro --text … -o …", line: 21 }]);
    expect(f.runCalls).toEqual([{ kind: "flask-run", underMain: true, line: 30, host: "127.0.0.1", port: 5001 }]);
    expect(f.diskWrites).toEqual([{ path: "/tmp/tts_output", kind: "cache", line: 13 }]);
  });

  it("XGBoost models read from data/ or an S3-backed /tmp cache (seed 003)", () => {
    const f = analyzePython(fixture("xgboost_models.py"), "backend/models.py");
    expect(f.modelLoads).toEqual([
      // Loaded inside functions: when called, not at import.
      { loader: "joblib.load", remote: false, line: 22, path: "data/automl_models/*/xgboost_model.joblib", inFunction: true },
      { loader: "joblib.load", remote: false, line: 22, path: "/tmp/model_cache/*/xgboost_model.joblib", inFunction: true },
      { loader: "xgboost.load_model", remote: false, line: 27, inFunction: true },
    ]);
    expect(f.datastores).toEqual([
      { kind: "s3", line: 11, envVar: "S3_BUCKET" },
      { kind: "postgresql", line: 12, envVar: "DATABASE_URL" },
    ]);
    expect(f.diskWrites.map((w) => w.kind)).toEqual(["cache", "cache"]);
  });

  it("Streamlit summarizer", () => {
    const f = analyzePython(fixture("streamlit_app.py"), "app.py");
    expect(f.usesStreamlit).toBe(true);
    expect(f.appObjects).toEqual([]);
    expect(f.modelLoads).toEqual([{ loader: "pipeline", remote: true, line: 6, modelId: "facebook/bart-large-cnn" }]);
    expect(f.cuda).toEqual([{ line: 5, note: "torch.cuda.is_available()" }]);
  });
});

describe("imports", () => {
  it("records the top-level module of every absolute import, lazy ones included", () => {
    const f = scan(py`
      import os, sys
      import numpy as np
      import google.cloud.storage
      from transformers import pipeline
      from a.b.c import (d,
          e as f)

      def predict():
          import torch
          from sklearn.linear_model import LogisticRegression
    `);
    expect(f.imports).toEqual([
      { module: "os", line: 1 },
      { module: "sys", line: 1 },
      { module: "numpy", line: 2 },
      { module: "google", line: 3 },
      { module: "transformers", line: 4 },
      { module: "a", line: 5 },
      { module: "torch", line: 9 },
      { module: "sklearn", line: 10 },
    ]);
  });

  it("skips relative imports and imports inside strings or comments", () => {
    const f = scan(py`
      from . import views
      from .models import User
      from ..core.config import settings
      # import torch
      doc = "import tensorflow"
    `);
    expect(f.imports).toEqual([]);
  });
});

describe("application objects", () => {
  it("finds each framework, through module paths and aliases", () => {
    const f = scan(py`
      import flask
      import gradio as gr
      from fastapi import FastAPI as API
      from starlette.applications import Starlette
      from celery import Celery
      from flask_socketio import SocketIO
      from django.core.wsgi import get_wsgi_application

      web = flask.Flask(__name__)
      api = API()
      star = Starlette(routes=[])
      worker = Celery("tasks")
      sio = SocketIO(web)
      application = get_wsgi_application()
      iface = gr.Interface(fn=str, inputs="text", outputs="text")
      with gr.Blocks() as demo:
          pass
    `);
    expect(f.appObjects).toEqual([
      { framework: "flask", variable: "web", line: 9 },
      { framework: "fastapi", variable: "api", line: 10 },
      { framework: "starlette", variable: "star", line: 11 },
      { framework: "celery", variable: "worker", line: 12 },
      { framework: "socketio", variable: "sio", line: 13 },
      { framework: "django", variable: "application", line: 14 },
      { framework: "gradio", variable: "iface", line: 15 },
      { framework: "gradio", variable: "demo", line: 16 },
    ]);
  });

  it("is not thrown off by calls named like Object.prototype members", () => {
    const code = py`
      from flask import Flask
      app = Flask(__name__)
      x = thing.constructor("a")
      y = thing.toString()
      constructor = "proj.settings"
      @app.route("/health")
      def health():
          return "ok"
    `;
    const f = collectPythonFacts(code, "app/main.py");
    expect(f.appObjects).toEqual([{ framework: "flask", variable: "app", line: 2 }]);
    expect(f.routes).toEqual([{ method: "GET", path: "/health", line: 6 }]);
    expect(f.stringModuleRefs).toEqual([]);
  });

  it("resolves `from flask import Flask as F` and ignores look-alikes from other packages", () => {
    const f = scan(py`
      from flask import Flask as F
      from myframework import Flask
      app = F(__name__)
      other = Flask("x")
      not_app = FastAPI()
    `);
    expect(f.appObjects).toEqual([{ framework: "flask", variable: "app", line: 3 }]);
  });

  it("finds an app built inside a factory function", () => {
    const f = scan(py`
      from flask import Flask
      def create_app():
          app = Flask(__name__)
          return app
    `);
    expect(f.appObjects).toEqual([{ framework: "flask", variable: "app", line: 3 }]);
  });

  it("finds names pulled in with a star import", () => {
    const f = scan(py`
      from flask import *
      app = Flask(__name__)
    `);
    expect(f.appObjects).toEqual([{ framework: "flask", variable: "app", line: 2 }]);
  });
});

describe("routes", () => {
  it("reads Flask routes, methods and blueprints with their prefix", () => {
    const f = scan(py`
      from flask import Flask, Blueprint
      app = Flask(__name__)
      bp = Blueprint("api", __name__, url_prefix="/v1")
      admin = Blueprint("admin", __name__, url_prefix="/ignored")

      @app.route("/")
      def index(): ...

      @app.route("/items", methods=["GET", "POST"])
      def items(): ...

      @bp.route("/ping")
      def ping(): ...

      @admin.get("/stats")
      def stats(): ...

      def hello(): ...
      app.add_url_rule("/hello", "hello", hello, methods=["PUT"])
      app.register_blueprint(bp)
      app.register_blueprint(admin, url_prefix="/admin")
    `);
    expect(f.routes).toEqual([
      { method: "GET", path: "/", line: 6 },
      { method: "GET", path: "/items", line: 9 },
      { method: "POST", path: "/items", line: 9 },
      { method: "GET", path: "/v1/ping", line: 12 },
      { method: "GET", path: "/admin/stats", line: 15 },
      { method: "PUT", path: "/hello", line: 19 },
    ]);
  });

  it("applies FastAPI router and include_router prefixes, and reads websockets", () => {
    const f = scan(py`
      from fastapi import FastAPI, APIRouter
      app = FastAPI()
      router = APIRouter(prefix="/users")
      PREFIX = "/api"

      @router.get("/{id}")
      async def get_user(id: int): ...

      @router.post("")
      async def create(): ...

      @app.websocket("/ws")
      async def ws(sock): ...

      @app.api_route("/any", methods=["GET", "DELETE"])
      async def any_route(): ...

      app.include_router(router, prefix=PREFIX)
    `);
    expect(f.routes).toEqual([
      { method: "GET", path: "/api/users/{id}", line: 6 },
      { method: "POST", path: "/api/users", line: 9 },
      { method: "ws", path: "/ws", line: 12 },
      { method: "GET", path: "/any", line: 15 },
      { method: "DELETE", path: "/any", line: 15 },
    ]);
  });

  it("reads socketio events and Starlette Route objects", () => {
    const f = scan(py`
      from flask_socketio import SocketIO
      from starlette.routing import Route
      socketio = SocketIO()

      @socketio.on("connect")
      def connect(): ...

      routes = [Route("/health", endpoint=lambda r: None, methods=["HEAD"])]
    `);
    expect(f.routes).toEqual([
      { method: "ws", path: "connect", line: 5 },
      { method: "HEAD", path: "/health", line: 8 },
    ]);
  });

  it("does not take task decorators, caches or bots for routes", () => {
    const f = scan(py`
      from celery import Celery
      import gradio as gr
      celery = Celery("w")
      demo = gr.Blocks()

      @celery.task
      def job(): ...

      @celery.get("/not-a-route")
      def nope(): ...

      @demo.get("/also-not")
      def nope2(): ...

      @cache.get("key")
      def cached(): ...

      @bot.on("message")
      def chat(): ...

      @pytest.mark.parametrize("x", [1])
      def test_x(x): ...
    `);
    expect(f.routes).toEqual([]);
  });

  it("accepts an app imported from elsewhere when the path looks like a route", () => {
    const f = scan(py`
      from app import app

      @app.get("/api/health")
      def health(): ...
    `);
    expect(f.routes).toEqual([{ method: "GET", path: "/api/health", line: 3 }]);
  });
});

describe("run calls", () => {
  it("reads host and port from literals and module constants", () => {
    const f = scan(py`
      from flask import Flask
      HOST = "0.0.0.0"
      PORT = 8080
      app = Flask(__name__)
      if __name__ == "__main__":
          app.run(host=HOST, port=PORT, debug=True)
    `);
    expect(f.runCalls).toEqual([{ kind: "flask-run", underMain: true, line: 6, host: "0.0.0.0", port: 8080 }]);
  });

  it("reads positional host and port, and env reads with defaults", () => {
    const f = scan(py`
      import os
      from flask import Flask
      app = Flask(__name__)
      port = int(os.environ.get("PORT", "8000"))
      app.run(os.getenv("BIND_HOST", "127.0.0.1"), port)
    `);
    expect(f.runCalls).toEqual([
      { kind: "flask-run", underMain: false, line: 5, hostFromEnv: "BIND_HOST", host: "127.0.0.1", portFromEnv: "PORT", port: 8000 },
    ]);
  });

  it("reads `os.environ.get('PORT') or 5000` as the PORT env with a default", () => {
    const f = scan(py`
      import os
      from flask import Flask
      app = Flask(__name__)
      app.run(port=os.environ.get("PORT") or 5000)
    `);
    expect(f.runCalls[0]).toMatchObject({ portFromEnv: "PORT", port: 5000 });
  });

  it("reads uvicorn with an app object, workers, and a settings object", () => {
    const f = scan(py`
      import uvicorn
      from fastapi import FastAPI
      from pydantic_settings import BaseSettings

      class Settings(BaseSettings):
          api_port: int = 8000
          workers: int = 2

      settings = Settings()
      app = FastAPI()
      uvicorn.run(app, host="0.0.0.0", port=settings.api_port, workers=settings.workers)
    `);
    expect(f.runCalls).toEqual([
      { kind: "uvicorn-run", underMain: false, line: 11, host: "0.0.0.0", portFromEnv: "API_PORT", port: 8000, workers: 2 },
    ]);
  });

  it("reads waitress listen= and hypercorn config.bind", () => {
    const f = scan(py`
      from waitress import serve
      from hypercorn.config import Config
      from hypercorn.asyncio import serve as hserve
      serve(app, listen="*:8080")
      config = Config()
      config.bind = ["0.0.0.0:9000"]
      asyncio.run(hserve(app, config))
    `);
    expect(f.runCalls).toEqual([
      { kind: "waitress-serve", underMain: false, line: 4, host: "0.0.0.0", port: 8080 },
      { kind: "hypercorn-run", underMain: false, line: 7, host: "0.0.0.0", port: 9000 },
    ]);
  });

  it("treats a factory-built app as Flask when the call looks like a server start", () => {
    const f = scan(py`
      from app import create_app
      app = create_app()
      if __name__ == "__main__":
          app.run(debug=True)
    `);
    expect(f.runCalls).toEqual([{ kind: "flask-run", underMain: true, line: 4 }]);
  });

  it("reads an unbound Gradio interface launch and a bare factory app.run()", () => {
    const f = scan(py`
      import gradio as gr
      from myapp import create_app
      gr.Interface(fn=str, inputs="text", outputs="text").launch(server_port=7861)
      app = create_app()
      app.run()
    `);
    expect(f.runCalls).toEqual([
      { kind: "gradio-launch", underMain: false, line: 3, port: 7861 },
      { kind: "flask-run", underMain: false, line: 5 },
    ]);
  });

  it("reads uvicorn.Config and leaves uvicorn.Server().run() to it", () => {
    const f = scan(py`
      import uvicorn
      config = uvicorn.Config("api.main:app", host="0.0.0.0", port=8001)
      server = uvicorn.Server(config)
      server.run()
    `);
    expect(f.runCalls).toEqual([{ kind: "uvicorn-run", underMain: false, line: 2, target: "api.main:app", host: "0.0.0.0", port: 8001 }]);
  });

  it("does not count run() on threads, asyncio, subprocess or a FastAPI object", () => {
    const f = scan(py`
      import asyncio, subprocess, threading
      from fastapi import FastAPI
      api = FastAPI()
      t = threading.Thread(target=print)
      t.run()
      asyncio.run(main())
      subprocess.run(["ls"])
      api.run()
      loop.run()
    `);
    expect(f.runCalls).toEqual([]);
  });

  it("drops ports that are not ports", () => {
    const f = scan(py`
      from flask import Flask
      app = Flask(__name__)
      app.run(port=99999999999999999999)
      app.run(port=1e309)
      app.run(port="http")
    `);
    expect(f.runCalls.map((r) => r.port)).toEqual([undefined, undefined, undefined]);
  });
});

describe("file-level flags", () => {
  it("sees the main guard in either order, and nothing else", () => {
    expect(scan(`if '__main__' == __name__:\n    main()\n`).hasMainGuard).toBe(true);
    expect(scan(`if __name__ == "__main__":\n    main()\n`).hasMainGuard).toBe(true);
    expect(scan(`if __name__ != "__main__":\n    pass\nx = "__main__"\n`).hasMainGuard).toBe(false);
  });

  it("flags Streamlit only when it is imported", () => {
    expect(scan("import streamlit as st\nst.title('x')\n").usesStreamlit).toBe(true);
    expect(scan("# streamlit run app.py\nprint('streamlit')\n").usesStreamlit).toBe(false);
  });

  it("reads files saved with a BOM or CRLF line ends", () => {
    const f = scan("\ufeffimport os\r\nfrom flask import Flask\r\napp = Flask(__name__)\r\n");
    expect(f.imports.map((i) => i.module)).toEqual(["os", "flask"]);
    expect(f.appObjects).toEqual([{ framework: "flask", variable: "app", line: 3 }]);
    expect(f.syntaxErrors).toBe(0);
  });

  it("counts syntax errors and still reads the rest", () => {
    const f = scan(py`
      from flask import Flask
      app = Flask(__name__)
      def broken(:
          pass
      @app.get("/ok")
      def ok(): ...
    `);
    expect(f.syntaxErrors).toBeGreaterThan(0);
    expect(f.appObjects).toHaveLength(1);
    expect(f.routes).toEqual([{ method: "GET", path: "/ok", line: 5 }]);
    expect(scan("x = 1\n").syntaxErrors).toBe(0);
  });
});

describe("robustness", () => {
  const hostile = [
    "",
    "\0\0\0",
    "\ufeffimport os\n",
    "x = " + "(".repeat(20000),
    "x = " + "[".repeat(3000) + "]".repeat(3000),
    "x = a" + ".b".repeat(20000) + "()",
    "x = a" + ".b()".repeat(10000),
    "s = 1" + " + 1".repeat(20000),
    Array.from({ length: 1500 }, (_, i) => " ".repeat(i) + "if x:").join("\n"),
    "p = q\nq = p\nopen(p, 'w')\nsubprocess.run(q)\n",
    Array.from({ length: 3000 }, (_, i) => `v${i + 1} = v${i} + v${i}`).join("\n") + "\nopen(v3000, 'w')\n",
    "os.path.join(" .repeat(3000) + "'a'" + ")".repeat(3000),
    "f'{" + "{".repeat(5000),
    '"""' + "x".repeat(100000),
    "import " + "a.".repeat(5000),
    "x = f()" + "()".repeat(5000) + ".run(port=1)\n@a" + ".b".repeat(5000) + ".route('/x')\ndef f(): pass\n",
    "class S(BaseSettings):\n" + "    class S(BaseSettings):\n".repeat(500),
  ];
  // The strict entry point, so an internal bug shows up as a throw instead of empty facts.
  it.each(hostile.map((h, i) => [i, h]))("hostile input %i neither throws nor misreports lines", (_, input) => {
    const f = collectPythonFacts(input as string, "app/main.py");
    for (const list of [f.imports, f.appObjects, f.routes, f.runCalls, f.envReads, f.modelLoads, f.subprocesses, f.diskWrites, f.cuda, f.datastores, f.externalApis]) {
      for (const item of list as { line: number }[]) expect(item.line).toBeGreaterThanOrEqual(1);
    }
  });

  it("analyzes a 1 MB file quickly (time printed, not asserted)", () => {
    const block = fixture("flask_socketio_celery.py").replace(/"\/api\//g, '"/api/v$N/');
    let text = "";
    for (let i = 0; text.length < 1_000_000; i++) text += block.replace(/\$N/g, String(i)).replace(/^(def|async def) (\w+)/gm, `$1 $2_${i}`);
    const t0 = performance.now();
    const f = scan(text);
    const ms = performance.now() - t0;
    console.log(`python source analyzer: ${(text.length / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms`);
    expect(f.routes.length).toBeGreaterThan(100);
  });
});
