/**
 * Regression tests: facts `scan()` once got wrong on the fixture projects. Each comment says what
 * the scan used to return and why that was wrong; the test holds the fixed behaviour.
 */
import { describe, expect, it } from "vitest";
import type { Evidence } from "../../src/core/app-model.js";
import { copyFixture, diags, fact, scanFixture, scanValid, service, start, where } from "./detectors-shared.js";

describe("lockfiles", () => {
  // Returned packageManager "pip" and no lockfile: scan.ts maps a pyproject to its build backend
  // (hatchling → pip) and never looks at uv.lock, although src/scan/python/lockfiles.ts knows the rule
  // (pyproject + uv.lock → uv). A builder (Railpack, Nixpacks) runs `uv sync --frozen` here, not pip.
  it("pyproject.toml + uv.lock is installed by uv from the lockfile", async () => {
    const m = await scanFixture("fastapi-uv-settings");
    const py = m.manifests.find((x) => x.file === "pyproject.toml");
    expect([py?.packageManager, py?.lockfile]).toEqual(["uv", "uv.lock"]);
  });

  // Returned packageManager "poetry" but no lockfile although poetry.lock sits beside it.
  it("a Poetry project names its poetry.lock", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    const py = m.manifests.find((x) => x.file === "pyproject.toml");
    expect([py?.packageManager, py?.lockfile]).toEqual(["poetry", "poetry.lock"]);
  });
});

describe("ports from a settings class with env_prefix", () => {
  // Returned port 8000 (medium, "uvicorn default port") and bindHost 127.0.0.1, so a false
  // bind-localhost: resolveRefs matches `config.listen_port` against env names case-insensitively
  // (listen_port vs ASSIST_LISTEN_PORT) and misses the prefix. Without a prefix (fastapi-uv-settings)
  // the same code resolves HTTP_PORT = 8080 correctly.
  it("uvicorn.run(host=config.listen_host, port=config.listen_port) reads ASSIST_LISTEN_PORT (7000) on 0.0.0.0", async () => {
    const m = await scanFixture("assistant-apis");
    const web = service(m, "web");
    expect(web.port?.value).toBe(7000);
    expect(web.readsPortEnv.value).toBe(false);
    expect(web.readsPortEnv.evidence[0]).toEqual({ file: "launch.py", line: 6, note: "reads ASSIST_LISTEN_PORT, not PORT" });
    expect(web.bindHost?.value).toBe("0.0.0.0");
    expect(diags(m, "bind-localhost")).toEqual([]);
    expect(m.diagnostics.find((d) => d.code === "port-not-from-env")?.message).toBe(
      "web listens on a fixed port (7000), reads ASSIST_LISTEN_PORT, not PORT; Railway, Render, Heroku and Cloud Run route to $PORT",
    );
  });
});

describe("evidence that belongs to another fact", () => {
  // Returned port evidence [run_server.py:6, settings.py:6, settings.py:5]: the host's settings line
  // (http_host reads HTTP_HOST) is evidence for the port, and the port's line for the host.
  it("the port's evidence is the run call and the port field; the host's is the run call and the host field", async () => {
    const web = service(await scanFixture("fastapi-uv-settings"), "web");
    expect(fact(web.port)).toEqual({ value: 8080, confidence: "high", at: ["run_server.py:6", "inference/settings.py:6"] });
    expect(fact(web.readsPortEnv)).toEqual({ value: false, confidence: "high", at: ["run_server.py:6", "inference/settings.py:6"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "high", at: ["run_server.py:6", "inference/settings.py:5"] });
  });
});

describe("Django", () => {
  // Returned entry shop_config.asgi_app:application (low) with an ambiguous-entry warning, and infers
  // `gunicorn … shop_config.asgi_app:application`: plain gunicorn cannot serve an ASGI callable.
  // settings.py says which one Django serves: WSGI_APPLICATION = "shop_config.wsgi_app.application".
  it("WSGI_APPLICATION picks the WSGI module: no ambiguity, gunicorn gets the WSGI app", async () => {
    const m = await scanFixture("django-shop");
    const web = service(m, "web");
    expect(web.entry?.value).toBe("shop_config.wsgi_app:application");
    expect(where(web.entry?.evidence)).toContain("shop_config/settings.py:17");
    expect(start(web)?.command).toBe("gunicorn --bind 0.0.0.0:$PORT shop_config.wsgi_app:application");
    expect(diags(m, "ambiguous-entry")).toEqual([]);
  });

  // Returned envVars [DJANGO_SETTINGS_MODULE] only: settings.py is loaded through the string
  // DJANGO_SETTINGS_MODULE (not an import), so it is outside the service's files and its reads
  // (SECRET_KEY, DATABASE_URL…) are dropped. Those are exactly the variables a deploy must set.
  it("the settings module named by DJANGO_SETTINGS_MODULE is part of the service", async () => {
    const m = await scanFixture("django-shop");
    // (DJANGO_SETTINGS_MODULE itself is set by whichever of wsgi_app/asgi_app is the entry: left out here.)
    const fromSettings = m.envVars.filter((v) => v.name !== "DJANGO_SETTINGS_MODULE");
    expect(fromSettings.map((v) => [v.name, v.hasDefault, v.secret, v.services, where(v.evidence)])).toEqual([
      ["DATABASE_URL", false, false, ["web"], ["shop_config/settings.py:18"]],
      ["DJANGO_ALLOWED_HOSTS", true, false, ["web"], ["shop_config/settings.py:9"]],
      ["DJANGO_DEBUG", true, false, ["web"], ["shop_config/settings.py:8"]],
      ["DJANGO_SECRET_KEY", false, true, ["web"], ["shop_config/settings.py:7"]],
    ]);
    expect(service(m, "web").envVars).toEqual(["DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"]);
    const pg = m.datastores.find((d) => d.kind === "postgresql");
    expect(pg?.envVar).toBe("DATABASE_URL");
    expect(where(pg?.evidence)).toEqual(["Pipfile:9", "shop_config/settings.py:18"]);
  });
});

describe("Celery worker files", () => {
  // Returned worker imports [celery, flask, flask_socketio, openai] and FLASK_SECRET_KEY for both
  // services: importersOf() counts chatroom/live.py as a task module because it imports
  // chatroom.jobs (to call moderate.delay). `celery -A chatroom.jobs` never imports live.py, so the
  // worker neither needs Flask nor reads FLASK_SECRET_KEY.
  it("`celery -A chatroom.jobs` loads jobs.py, not the Flask module that enqueues its tasks", async () => {
    const m = await scanFixture("socketio-celery-poetry");
    const worker = service(m, "worker");
    expect(worker.imports).toEqual(["celery", "openai"]);
    expect(worker.envVars).toEqual(["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"]);
    expect(m.envVars.find((v) => v.name === "FLASK_SECRET_KEY")?.services).toEqual(["web"]);
  });
});

describe("monorepo ids", () => {
  // Returned ids [api, worker-worker, web]: serviceId() suffixes every worker with its own id
  // (`${folder}-${id}`), meant for backend/ + backend-worker, but services/worker holds only a worker.
  it("services/api, services/worker and web/ are api, worker and web", async () => {
    const m = await scanFixture("monorepo");
    expect(m.services.map((s) => [s.id, s.root])).toEqual([
      ["api", "services/api"],
      ["worker", "services/worker"],
      ["web", "web"],
    ]);
    expect(m.envVars.find((v) => v.name === "REDIS_URL")?.services).toEqual(["api", "worker"]);
  });
});

describe("launcher-script counts each process once", () => {
  // Returned "dev_up.py starts 4 processes (… in backend; … in frontend; uvicorn …; npm run dev)" with
  // evidence [11, 15, 12, 15]: the list literals inside the two Popen calls are counted again as
  // commandLiterals (lines 12 and 15) next to the subprocesses themselves.
  it("two Popen calls are two processes", async () => {
    const m = await scanFixture("launcher-script");
    const launcher = m.diagnostics.filter((d) => d.code === "launcher-script");
    expect(launcher.map((d) => [d.level, d.message, where(d.evidence)])).toEqual([
      [
        "info",
        "dev_up.py starts 2 processes (uvicorn notes_api.main_app:api --port 8001 in backend; npm run dev in frontend); on a platform each runs as its own service",
        ["dev_up.py:11", "dev_up.py:15"],
      ],
    ]);
  });
});

describe("evidence lines", () => {
  // Returned railway.json:8 (the startCommand line) for the health path: the process's evidence is
  // reused, but the health path is declared by healthcheckPath on line 9.
  it("a railway healthcheckPath points at its own line", async () => {
    const m = await scanFixture("start-precedence");
    expect(fact(service(m, "web").healthPath)).toEqual({ value: "/ready", confidence: "high", at: ["railway.json:9"] });
    expect(diags(m, "health-path-missing")).toEqual([{ level: "warning", service: "web", at: ["railway.json:9"] }]);
  });

  // Returned render.yaml:2 (the service's first line) rather than healthCheckPath on line 8.
  it("a render healthCheckPath points at its own line", async () => {
    const api = service(await scanFixture("monorepo"), "api");
    expect(fact(api.healthPath)).toEqual({ value: "/healthz", confidence: "high", at: ["render.yaml:8"] });
  });

  // Returned evidence [Dockerfile (no line), Dockerfile:7]: the EXPOSE instruction is on line 6.
  it("expose-mismatch points at the EXPOSE line", async () => {
    const m = await scanFixture("fly-port-mismatch");
    expect(diags(m, "expose-mismatch")).toEqual([{ level: "info", service: "web", at: ["Dockerfile:6", "Dockerfile:7"] }]);
  });

  // Returned [api/Dockerfile, .python-version] without lines: both versions are read from a line
  // (FROM on line 1, the version on line 1).
  it("Python version evidence has the lines the versions were read from", async () => {
    const m = await scanFixture("flask-blueprint-api");
    expect(fact(service(m, "web").pythonVersion)).toEqual({ value: "3.10", confidence: "high", at: ["api/Dockerfile:1", ".python-version:1"] });
  });
});

describe("no evidence list repeats an entry", () => {
  // Returned duplicates in 9 places, e.g. the redis datastore of socketio-celery-poetry lists
  // chatroom/jobs.py:6 three times (the variable pass in datastores() pushes without checking),
  // uvicorn-localhost's torch evidence lists requirements.txt:4 and :5 twice (dependency + CPU
  // evidence), and port-not-from-env cites the start command twice (port and readsPortEnv evidence).
  it("every fixture's model is free of repeated evidence", async () => {
    const names = [
      "flask-devserver",
      "fly-port-mismatch",
      "launcher-script",
      "monorepo",
      "socketio-celery-poetry",
      "uvicorn-localhost",
      "vite-react-static",
    ];
    const repeats: string[] = [];
    for (const name of names) {
      const m = await scanFixture(name);
      visit(m, "", (p, list) => {
        const keys = list.map((e) => JSON.stringify([e.file, e.line, e.note]));
        if (new Set(keys).size !== keys.length) repeats.push(`${name}${p}: ${where(list).join(", ")}`);
      });
    }
    expect(repeats).toEqual([]);
  });
});

describe("a .gitignored model folder", () => {
  // Returned no model-gitignored: walk() skips an ignored folder without descending (right for
  // node_modules-like folders), so only ignored *files* are kept by keepIgnored. `checkpoints/` in
  // .gitignore is the most common way a model ends up missing from a deploy from git.
  it("a model file inside a .gitignored folder is model-gitignored", async () => {
    const m = await scanValid(copyFixture("model-zoo", { "checkpoints/best.pt": new Uint8Array(128).fill(3) }));
    expect(diags(m, "model-gitignored")).toEqual([{ level: "warning", at: ["checkpoints/best.pt"] }]);
  });
});

describe("confidence of facts read off an inferred start command", () => {
  // Returned readsPortEnv true and bindHost 0.0.0.0 with confidence "high" and the app object's line
  // as evidence: they come from the command shipfit inferred (confidence low), not from anything the
  // repository declares. "high" is defined as "declared explicitly".
  it("readsPortEnv and bindHost from an inferred command carry its low confidence", async () => {
    const web = service(await scanFixture("mixed-frameworks"), "web");
    expect(start(web)?.confidence).toBe("low");
    expect(fact(web.readsPortEnv)).toEqual({ value: true, confidence: "low", at: ["api_server.py:3"] });
    expect(fact(web.bindHost)).toEqual({ value: "0.0.0.0", confidence: "low", at: ["api_server.py:3"] });
  });
});

describe("the Flask development server in production", () => {
  // Returned no dev-server-start: the check only matches command text (flask run --debug, --reload…),
  // but `python site_app/web.py` runs app.run(debug=True), the Werkzeug development server (server
  // kind flask-dev), which Flask's docs say not to use in production.
  it("a service served by app.run(debug=True) gets dev-server-start", async () => {
    const m = await scanFixture("flask-devserver");
    expect(diags(m, "dev-server-start")).toEqual([{ level: "warning", service: "web", at: ["site_app/web.py:22"] }]);
  });
});

/** Calls `f` for every `evidence` array in the model, with its JSON path. */
function visit(node: unknown, p: string, f: (path: string, list: Evidence[]) => void): void {
  if (Array.isArray(node)) node.forEach((x, i) => visit(x, `${p}[${i}]`, f));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === "evidence" && Array.isArray(v)) f(`${p}.evidence`, v as Evidence[]);
      visit(v, `${p}.${k}`, f);
    }
  }
}
