import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/scan/command.js";

describe("parseCommand: gunicorn", () => {
  it("reads seed 000's Procfile command", () => {
    expect(parseCommand("gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120")).toEqual({
      server: { kind: "gunicorn", workers: 2, timeoutSeconds: 120 },
      entry: "run:app",
      host: "0.0.0.0",
      portFromEnv: "PORT",
    });
  });

  it("strips env prefixes and exec, reads short options and a default port", () => {
    const r = parseCommand(
      "PYTHONUNBUFFERED=1 exec gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app -b :${PORT:-8000} --preload -t 90",
    );
    expect(r.server).toEqual({
      kind: "gunicorn",
      workers: 4,
      workerClass: "uvicorn.workers.UvicornWorker",
      preload: true,
      timeoutSeconds: 90,
    });
    expect(r.entry).toBe("main:app");
    expect(r).toMatchObject({ host: "0.0.0.0", port: 8000, portFromEnv: "PORT", envNames: ["PYTHONUNBUFFERED"] });
  });

  it("reads the worker count from the environment and a factory entry, after cd", () => {
    const r = parseCommand("cd backend && python -m gunicorn 'app:create_app()' --workers=$WEB_CONCURRENCY --threads 4");
    expect(r.server).toEqual({ kind: "gunicorn", workersFromEnv: "WEB_CONCURRENCY", threads: 4 });
    expect(r.entry).toBe("app:create_app()");
    expect(r.cwd).toBe("backend");
  });

  it("keeps the default of ${WEB_CONCURRENCY:-3} as the worker count", () => {
    expect(parseCommand("gunicorn app:app -w ${WEB_CONCURRENCY:-3}").server).toEqual({
      kind: "gunicorn",
      workers: 3,
      workersFromEnv: "WEB_CONCURRENCY",
    });
  });

  it("notes a config file and completes a module-only entry with gunicorn's default variable", () => {
    const r = parseCommand("gunicorn -c gunicorn.conf.py myproject.wsgi");
    expect(r.configFile).toBe("gunicorn.conf.py");
    expect(r.entry).toBe("myproject.wsgi:application");
    expect(r.port).toBeUndefined();
  });

  it("reads IPv6 binds, unix sockets and attached short values", () => {
    expect(parseCommand("gunicorn -b [::]:8000 app:app")).toMatchObject({ host: "::", port: 8000 });
    const sock = parseCommand("gunicorn --bind unix:/tmp/gunicorn.sock app:app");
    expect(sock.socket).toBe("/tmp/gunicorn.sock");
    expect(sock.port).toBeUndefined();
    expect(parseCommand("gunicorn -w3 -b127.0.0.1:5000 wsgi:app")).toMatchObject({
      server: { kind: "gunicorn", workers: 3 },
      host: "127.0.0.1",
      port: 5000,
    });
  });

  it("uses the first TCP bind when several are given and --chdir as the working directory", () => {
    const r = parseCommand("gunicorn --chdir src --bind unix:/run/g.sock --bind 0.0.0.0:9000 --log-file - app:server");
    expect(r).toMatchObject({ host: "0.0.0.0", port: 9000, cwd: "src", entry: "app:server", socket: "/run/g.sock" });
  });

  it("prefers the server over setup steps chained before it", () => {
    const r = parseCommand("python manage.py migrate --noinput && python manage.py collectstatic --noinput && gunicorn proj.wsgi");
    expect(r.server?.kind).toBe("gunicorn");
    expect(r.entry).toBe("proj.wsgi:application");
  });

  it("ignores redirections and what a pipe feeds", () => {
    const r = parseCommand("gunicorn app:app --bind 0.0.0.0:8000 > /var/log/g.log 2>&1 | tee out.log");
    expect(r).toMatchObject({ server: { kind: "gunicorn" }, entry: "app:app", port: 8000 });
  });
});

describe("parseCommand: uvicorn and other ASGI/WSGI servers", () => {
  it("reads a port with a default", () => {
    expect(parseCommand("uvicorn src.api.main:app --host 0.0.0.0 --port ${PORT:-8000}")).toEqual({
      server: { kind: "uvicorn" },
      entry: "src.api.main:app",
      host: "0.0.0.0",
      port: 8000,
      portFromEnv: "PORT",
    });
  });

  it("reads workers, --factory and --app-dir", () => {
    const r = parseCommand("uvicorn --app-dir backend app.main:create_app --factory --workers 2 --port=8080 --proxy-headers");
    expect(r).toMatchObject({ server: { kind: "uvicorn", workers: 2 }, factory: true, cwd: "backend", port: 8080, entry: "app.main:create_app" });
  });

  it("unwraps sh -c and keeps the inner cd", () => {
    const r = parseCommand(`sh -c "cd api && uvicorn main:app --host 0.0.0.0 --port $PORT"`);
    expect(r).toMatchObject({ server: { kind: "uvicorn" }, entry: "main:app", cwd: "api", portFromEnv: "PORT" });
  });

  it("reads ${PORT} with braces and a non-PORT variable", () => {
    expect(parseCommand("uvicorn app:app --port ${PORT}").portFromEnv).toBe("PORT");
    expect(parseCommand("uvicorn app:app --host $API_HOST --port $API_PORT")).toMatchObject({ portFromEnv: "API_PORT" });
    expect(parseCommand("uvicorn app:app --host $API_HOST --port $API_PORT").host).toBeUndefined();
  });

  it("treats fastapi run as uvicorn", () => {
    expect(parseCommand("fastapi run app/main.py --port 80 --workers 4")).toMatchObject({
      server: { kind: "uvicorn", workers: 4 },
      script: "app/main.py",
      port: 80,
      subcommand: "run",
    });
  });

  it("reads hypercorn, daphne and waitress", () => {
    expect(parseCommand("hypercorn main:app --bind 0.0.0.0:$PORT -w 2 -k uvloop")).toMatchObject({
      server: { kind: "hypercorn", workers: 2, workerClass: "uvloop" },
      entry: "main:app",
      portFromEnv: "PORT",
    });
    expect(parseCommand("daphne -b 0.0.0.0 -p $PORT proj.asgi:application")).toMatchObject({
      server: { kind: "daphne" },
      entry: "proj.asgi:application",
      host: "0.0.0.0",
      portFromEnv: "PORT",
    });
    expect(parseCommand("daphne -e tcp:port=8001:interface=0.0.0.0 proj.asgi:application")).toMatchObject({ port: 8001, host: "0.0.0.0" });
    expect(parseCommand("waitress-serve --listen=*:8080 --threads=8 app:app")).toMatchObject({
      server: { kind: "waitress", threads: 8 },
      entry: "app:app",
      host: "0.0.0.0",
      port: 8080,
    });
    expect(parseCommand("waitress-serve --port=$PORT --call app:create_app")).toMatchObject({ factory: true, portFromEnv: "PORT" });
  });
});

describe("parseCommand: celery", () => {
  it("reads the seed's worker", () => {
    expect(parseCommand("celery -A app.celery_app worker --loglevel=info --concurrency=2")).toEqual({
      server: { kind: "celery", workers: 2 },
      entry: "app.celery_app",
      subcommand: "worker",
    });
  });

  it("reads pool and short options", () => {
    expect(parseCommand("celery -A tasks worker --concurrency=2 --pool=solo -l info")).toMatchObject({
      server: { kind: "celery", workers: 2, pool: "solo" },
      entry: "tasks",
    });
    expect(parseCommand("celery -A proj worker -P gevent -c 100 -Q default,ml").server).toEqual({
      kind: "celery",
      workers: 100,
      pool: "gevent",
    });
  });

  it("reads --app= and beat, and the old `celery worker -A` order", () => {
    expect(parseCommand("celery --app=proj.celery beat -l info")).toMatchObject({
      server: { kind: "celery" },
      entry: "proj.celery",
      subcommand: "beat",
    });
    expect(parseCommand("celery worker -A tasks --autoscale=10,3")).toMatchObject({
      server: { kind: "celery", workers: 10 },
      entry: "tasks",
    });
  });
});

describe("parseCommand: dev servers and UI frameworks", () => {
  it("reads flask run with FLASK_APP from a prefix or an export", () => {
    expect(parseCommand("FLASK_APP=server.py flask run --host=0.0.0.0 --port=5000")).toMatchObject({
      server: { kind: "flask-dev" },
      entry: "server.py",
      host: "0.0.0.0",
      port: 5000,
    });
    expect(parseCommand("export FLASK_APP=app.py && flask run -h 0.0.0.0 -p $PORT")).toMatchObject({
      entry: "app.py",
      portFromEnv: "PORT",
    });
    expect(parseCommand("flask --app hello run --debug").entry).toBe("hello");
    expect(parseCommand("flask db upgrade")).toEqual({});
  });

  it("reads streamlit run", () => {
    expect(parseCommand("streamlit run ui/app.py")).toEqual({ server: { kind: "streamlit" }, script: "ui/app.py", entry: "ui/app.py" });
    expect(parseCommand("streamlit run app.py --server.port $PORT --server.address 0.0.0.0 --server.headless true")).toMatchObject({
      script: "app.py",
      portFromEnv: "PORT",
      host: "0.0.0.0",
    });
    expect(parseCommand("python -m streamlit run ./dashboard.py --server.port=8501").port).toBe(8501);
  });

  it("reads gradio and treats python app.py as python", () => {
    expect(parseCommand("gradio app.py")).toMatchObject({ server: { kind: "gradio" }, script: "app.py" });
    expect(parseCommand("python app.py").server?.kind).toBe("python");
  });
});

describe("parseCommand: python scripts and modules", () => {
  it("reads seed 002's command", () => {
    expect(parseCommand("python run_api.py")).toEqual({ server: { kind: "python" }, script: "run_api.py", entry: "run_api.py" });
  });

  it("reads python -m with a module that is not a server", () => {
    expect(parseCommand("python -m kokoro --voice af_heart")).toEqual({ server: { kind: "python" }, module: "kokoro" });
  });

  it("accepts python3, python3.11, interpreter flags and a venv path", () => {
    expect(parseCommand("python3 -u main.py").script).toBe("main.py");
    expect(parseCommand("python3.11 -W ignore main.py --port 7860")).toMatchObject({ script: "main.py", port: 7860 });
    expect(parseCommand("/opt/venv/bin/python -m uvicorn main:app").server?.kind).toBe("uvicorn");
  });

  it("reads Django runserver's address", () => {
    expect(parseCommand("python manage.py runserver 0.0.0.0:$PORT")).toMatchObject({ host: "0.0.0.0", portFromEnv: "PORT", script: "manage.py" });
    expect(parseCommand("python manage.py runserver 8001").port).toBe(8001);
  });

  it("gives nothing for inline code", () => {
    expect(parseCommand(`python -c "import app; app.main()"`)).toEqual({});
  });
});

describe("parseCommand: node and package managers", () => {
  it("reads node scripts with options", () => {
    expect(parseCommand("node server.js")).toEqual({ server: { kind: "node" }, script: "server.js", entry: "server.js" });
    expect(parseCommand("node --max-old-space-size=460 --enable-source-maps dist/index.js").script).toBe("dist/index.js");
    expect(parseCommand("node -r dotenv/config build/server.js").script).toBe("build/server.js");
  });

  it("reads next and vite", () => {
    expect(parseCommand("next start -p $PORT")).toMatchObject({ server: { kind: "next" }, subcommand: "start", portFromEnv: "PORT" });
    expect(parseCommand("next dev --turbo -H 0.0.0.0")).toMatchObject({ subcommand: "dev", host: "0.0.0.0" });
    expect(parseCommand("next build")).toEqual({});
    expect(parseCommand("vite preview --port 4173 --host")).toMatchObject({ server: { kind: "vite" }, port: 4173, host: "0.0.0.0" });
    expect(parseCommand("npx vite --host 0.0.0.0 --port 3000")).toMatchObject({ subcommand: "dev", port: 3000 });
  });

  it("reads npm, yarn, pnpm and bun scripts", () => {
    expect(parseCommand("npm start")).toEqual({ npmScript: "start" });
    expect(parseCommand("npm run start:prod")).toEqual({ npmScript: "start:prod" });
    expect(parseCommand("yarn dev")).toEqual({ npmScript: "dev" });
    expect(parseCommand("pnpm run build && pnpm start")).toEqual({ npmScript: "start" });
    expect(parseCommand("npm ci && npm run build")).toEqual({ npmScript: "build" });
    expect(parseCommand("bun run dev")).toEqual({ npmScript: "dev" });
    expect(parseCommand("yarn next start -p 3001")).toMatchObject({ server: { kind: "next" }, port: 3001 });
  });

  it("reads directory switches and arguments passed through to the script", () => {
    expect(parseCommand("npm --prefix frontend run start -- -p 3000")).toEqual({ npmScript: "start", port: 3000, cwd: "frontend" });
    expect(parseCommand("yarn --cwd web start")).toEqual({ npmScript: "start", cwd: "web" });
    expect(parseCommand("cd frontend && npm install && npm run dev")).toEqual({ npmScript: "dev", cwd: "frontend" });
  });

  it("reads serve's listen address", () => {
    expect(parseCommand("serve -s build -l tcp://0.0.0.0:$PORT")).toMatchObject({ server: { kind: "node" }, host: "0.0.0.0", portFromEnv: "PORT" });
    expect(parseCommand("npx serve -s dist -l 3000").port).toBe(3000);
  });
});

describe("parseCommand: wrappers and unknowns", () => {
  it("sees through launchers and env runners", () => {
    expect(parseCommand("uv run --directory backend uvicorn main:app").cwd).toBe("backend");
    expect(parseCommand("poetry run gunicorn app:app").server?.kind).toBe("gunicorn");
    expect(parseCommand("pipenv run python bot.py").script).toBe("bot.py");
    expect(parseCommand("tini -- gunicorn app:app").entry).toBe("app:app");
    expect(parseCommand("env PORT=8000 node server.js")).toMatchObject({ script: "server.js", envNames: ["PORT"] });
    expect(parseCommand("ddtrace-run gunicorn app:app").server?.kind).toBe("gunicorn");
    expect(parseCommand("opentelemetry-instrument --traces_exporter console uvicorn main:app").server?.kind).toBe("uvicorn");
    expect(parseCommand("doppler run -- python app.py").script).toBe("app.py");
    expect(parseCommand("bash -lc 'exec python app.py'").script).toBe("app.py");
  });

  it("reads through an entrypoint script that execs its arguments", () => {
    expect(parseCommand("/docker-entrypoint.sh gunicorn app:app").entry).toBe("app:app");
    expect(parseCommand("./start.sh")).toEqual({ script: "start.sh" });
    expect(parseCommand("bash scripts/run.sh prod")).toEqual({ script: "scripts/run.sh" });
  });

  it("joins nested directory changes", () => {
    expect(parseCommand("cd /app && cd backend && gunicorn app:app").cwd).toBe("/app/backend");
    expect(parseCommand("cd services/api/.. && gunicorn app:app").cwd).toBe("services");
  });

  it("gives {} for empty, unknown and trivial commands", () => {
    expect(parseCommand("")).toEqual({});
    expect(parseCommand("   ")).toEqual({});
    expect(parseCommand("alembic upgrade head")).toEqual({});
    expect(parseCommand("echo hello && sleep 10")).toEqual({});
    expect(parseCommand("cd backend")).toEqual({});
    expect(parseCommand("$START_COMMAND")).toEqual({});
  });

  it("never mistakes Object.prototype names for known programs or options", () => {
    expect(parseCommand("constructor app.py")).toEqual({});
    expect(parseCommand("toString --port 80")).toEqual({});
    expect(parseCommand("python -m constructor")).toEqual({ server: { kind: "python" }, module: "constructor" });
    expect(parseCommand("gunicorn --__proto__ x app:app")).toEqual({ server: { kind: "gunicorn" }, entry: "app:app" });
  });

  it("ignores ports out of range and non-numeric counts", () => {
    const r = parseCommand("gunicorn app:app -b 0.0.0.0:99999 -w abc --threads 0");
    expect(r.port).toBeUndefined();
    expect(r.server).toEqual({ kind: "gunicorn" });
  });

  it("survives unbalanced quotes and substitutions", () => {
    expect(parseCommand(`gunicorn "app:app --bind 0.0.0.0:$(echo`).server?.kind).toBe("gunicorn");
    expect(() => parseCommand("sh -c 'sh -c \"sh -c \\\"sh -c sh -c\\\"\"'")).not.toThrow();
  });
});
