import { describe, expect, it } from "vitest";
import { ServerKind } from "../../src/core/app-model.js";
import { parseCommand } from "../../src/scan/command.js";
import { mutations } from "./mutate.js";

const SEEDS = [
  "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120",
  "python run_api.py",
  "uvicorn src.api.main:app --host 0.0.0.0 --port ${PORT:-8000}",
  "celery -A app.celery_app worker --loglevel=info --concurrency=2",
  "streamlit run ui/app.py",
  "PYTHONUNBUFFERED=1 exec gunicorn -w ${WEB_CONCURRENCY:-2} -k uvicorn.workers.UvicornWorker 'main:create_app()' -b [::]:8000 --preload",
  `sh -c "cd backend && python manage.py migrate && gunicorn proj.wsgi --log-file - 2>&1 | tee log"`,
  "npm --prefix frontend run start -- -p 3000 & celery -A tasks beat",
  "FLASK_APP=server.py flask run --host=0.0.0.0 --port=$PORT",
  "uv run --directory api fastapi run app/main.py --port 80",
  "/docker-entrypoint.sh waitress-serve --listen=*:8080 --call app:create_app",
  "next start -p $PORT || vite preview --host --port 4173; serve -s build -l tcp://0.0.0.0:$PORT",
];

const STRING_KEYS = ["entry", "host", "portFromEnv", "module", "script", "npmScript", "cwd", "configFile", "socket", "subcommand"] as const;

describe("parseCommand fuzz", () => {
  it("never throws and returns well-formed facts on 3,000 mutated commands", () => {
    for (const input of mutations(SEEDS, 3000, 33)) {
      const where = JSON.stringify(input);
      let r;
      try {
        r = parseCommand(input);
      } catch (e) {
        throw new Error(`parseCommand threw on ${where}: ${String(e)}`);
      }
      expect(typeof r, where).toBe("object");
      if (r.port !== undefined) expect(Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535, where).toBe(true);
      if (r.portFromEnv !== undefined) expect(r.portFromEnv, where).toMatch(/^[A-Za-z_]\w*$/);
      for (const k of STRING_KEYS) if (r[k] !== undefined) expect(typeof r[k], where).toBe("string");
      if (r.server !== undefined) {
        expect(ServerKind.safeParse(r.server.kind).success, where).toBe(true);
        for (const v of [r.server.workers, r.server.threads]) {
          if (v !== undefined) expect(Number.isInteger(v) && v >= 1, where).toBe(true);
        }
        if (r.server.timeoutSeconds !== undefined) expect(Number.isFinite(r.server.timeoutSeconds), where).toBe(true);
      }
    }
  });

  it("copes with very long and deeply nested commands", () => {
    const long = `gunicorn ${"--workers 2 ".repeat(20000)}app:app`;
    expect(parseCommand(long).server?.workers).toBe(2);
    const nested = `${'sh -c "'.repeat(200)}gunicorn app:app${'"'.repeat(200)}`;
    expect(() => parseCommand(nested)).not.toThrow();
    expect(() => parseCommand(`${"$(".repeat(50000)}gunicorn app:app`)).not.toThrow();
    expect(() => parseCommand(`${"&& ".repeat(50000)}gunicorn app:app`)).not.toThrow();
  });
});
