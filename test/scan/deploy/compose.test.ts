import { describe, expect, it } from "vitest";
import { containerPort, parseCompose } from "../../../src/scan/deploy/compose.js";

const COMPOSE = `name: ml-stack

x-common-env: &common-env
  REDIS_URL: redis://redis:6379/0
  LOG_LEVEL: info

services:
  backend:
    build:
      context: ./backend
      dockerfile: Dockerfile.prod
    command: ["gunicorn", "-w", "2", "-b", "0.0.0.0:8000", "app:create_app()"]
    ports:
      - "\${API_PORT:-8000}:8000"
    environment:
      <<: *common-env
      OPENAI_API_KEY: \${OPENAI_API_KEY}
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/api/health"]
      interval: 30s
    deploy:
      resources:
        limits:
          memory: 2G
    depends_on: [redis, db]

  worker:
    build: ./backend
    command: celery -A app.celery_app worker --loglevel=info --concurrency=2
    environment:
      - REDIS_URL=redis://redis:6379/0
      - HF_TOKEN
    env_file: .env

  frontend:
    build:
      context: frontend/
    ports:
      - 3000:3000
    command: npm run start

  redis:
    image: redis:7-alpine
    ports: ["6379:6379"]

  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example-password
    expose:
      - "5432"
`;

describe("parseCompose", () => {
  it("reads services with build contexts, ports, commands, env names and health paths", () => {
    const r = parseCompose(COMPOSE, "docker-compose.yml");
    const byName = Object.fromEntries(r.deployFile.processes.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(["backend", "worker", "frontend", "redis", "db"]);
    expect(byName.backend).toEqual({
      name: "backend",
      command: "gunicorn -w 2 -b 0.0.0.0:8000 'app:create_app()'",
      port: 8000,
      root: "backend",
      healthPath: "/api/health",
      healthLine: 18,
      evidence: { file: "docker-compose.yml", line: 8, note: "dockerfile Dockerfile.prod, memory limit 2G" },
    });
    expect(byName.worker).toMatchObject({ root: "backend", command: "celery -A app.celery_app worker --loglevel=info --concurrency=2" });
    expect(byName.worker!.port).toBeUndefined();
    expect(byName.worker!.evidence.note).toBe("env_file .env");
    expect(byName.frontend).toMatchObject({ root: "frontend", port: 3000, command: "npm run start" });
    expect(byName.redis).toMatchObject({ port: 6379, evidence: { note: "image redis:7-alpine" } });
    expect(byName.db).toMatchObject({ port: 5432 });
    expect(r.deployFile.env).toEqual(["REDIS_URL", "LOG_LEVEL", "OPENAI_API_KEY", "HF_TOKEN", "POSTGRES_PASSWORD"]);
    expect(r.diagnostics.map((d) => [d.code, d.level, d.evidence[0]!.line])).toEqual([
      ["deploy-datastore-declared", "info", 42],
      ["deploy-datastore-declared", "info", 46],
    ]);
    expect(r.diagnostics[1]!.message).toBe("compose service db (postgres:16) declares a postgresql datastore");
    expect(JSON.stringify(r)).not.toContain("example-password");
  });

  it("joins entrypoint and command and unwraps sh -c", () => {
    const r = parseCompose(
      `services:\n  api:\n    image: myorg/api\n    entrypoint: ["/bin/sh", "-c"]\n    command: ["cd /app && uvicorn main:app --port 9000"]\n`,
      "compose.yaml",
    );
    expect(r.deployFile.processes[0]).toMatchObject({ command: "cd /app && uvicorn main:app --port 9000", port: 9000 });
    expect(r.diagnostics).toEqual([]);
  });

  it("reads the container side of every port syntax", () => {
    expect(containerPort("8000")).toBe(8000);
    expect(containerPort("127.0.0.1:8080:80/tcp")).toBe(80);
    expect(containerPort("${PORT:-8000}:8000")).toBe(8000);
    expect(containerPort("8000:${TARGET:-7860}")).toBe(7860);
    expect(containerPort("3000-3005:3000-3005")).toBe(3000);
    expect(containerPort({ target: 5000, published: 80 })).toBe(5000);
    expect(containerPort(8501)).toBe(8501);
    expect(containerPort("garbage")).toBeUndefined();
  });

  it("reports invalid YAML and tolerates odd shapes", () => {
    const bad = parseCompose("services:\n  web:\n    ports: [8000\n", "docker-compose.yml");
    expect(bad.deployFile.processes).toEqual([]);
    expect(bad.diagnostics[0]).toMatchObject({ code: "deploy-parse-error", level: "error" });
    const odd = parseCompose("services:\n  - web\n", "docker-compose.yml");
    expect(odd.diagnostics.map((d) => d.code)).toEqual(["deploy-invalid-value"]);
    const weird = parseCompose("services:\n  web: 3\n  api:\n    build: {}\n    command: 42\n", "compose.yml");
    expect(weird.deployFile.processes).toEqual([{ name: "api", root: ".", evidence: { file: "compose.yml", line: 3, note: "compose service" } }]);
  });

  it("refuses a billion-laughs alias bomb without throwing", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const r = parseCompose(bomb.join("\n"), "compose.yml");
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
  });
});
