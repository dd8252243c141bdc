import { describe, expect, it } from "vitest";
import { parseFly } from "../../../src/scan/deploy/fly.js";

describe("parseFly", () => {
  it("reads a launch-generated fly.toml with internal_port 8080", () => {
    const text = `# fly.toml app configuration file generated for sentiment-api
app = 'sentiment-api'
primary_region = 'cdg'

[build]
  dockerfile = 'Dockerfile.fly'

[env]
  PORT = '8080'
  HF_HOME = '/data/hf'

[http_service]
  internal_port = 8080
  force_https = true
  auto_stop_machines = 'stop'
  min_machines_running = 0

  [[http_service.checks]]
    grace_period = "30s"
    interval = "15s"
    method = "GET"
    path = "/health"

[[mounts]]
  source = 'models'
  destination = '/data'

[[vm]]
  memory = '1gb'
  cpu_kind = 'shared'
  cpus = 1
`;
    const r = parseFly(text, "fly.toml");
    expect(r.diagnostics).toEqual([]);
    expect(r.deployFile).toEqual({
      file: "fly.toml",
      kind: "fly",
      env: ["PORT", "HF_HOME"],
      processes: [
        {
          name: "web",
          port: 8080,
          healthPath: "/health",
          evidence: {
            file: "fly.toml",
            line: 13,
            note: "fly app sentiment-api, build.dockerfile Dockerfile.fly, vm memory 1gb, mount at /data, env PORT=8080",
          },
        },
      ],
    });
  });

  it("reads [processes] groups, giving the port only to the ones the service names", () => {
    const text = `app = "ml-app"

[processes]
  app = "gunicorn -b 0.0.0.0:8000 app:app"
  worker = "celery -A app.tasks worker -c 1"

[deploy]
  release_command = "flask db upgrade"

[[services]]
  internal_port = 8000
  protocol = "tcp"
  processes = ["app"]

  [[services.http_checks]]
    path = "/ping"

[checks]
  [checks.alive]
    type = "http"
    port = 8000
    path = "/alive"
`;
    const r = parseFly(text, "deploy/fly.toml");
    expect(r.deployFile.processes).toEqual([
      { name: "app", command: "gunicorn -b 0.0.0.0:8000 app:app", port: 8000, healthPath: "/ping", evidence: { file: "deploy/fly.toml", line: 4, note: "fly app ml-app" } },
      { name: "worker", command: "celery -A app.tasks worker -c 1", evidence: { file: "deploy/fly.toml", line: 5, note: "fly app ml-app" } },
      { name: "release", command: "flask db upgrade", evidence: { file: "deploy/fly.toml", line: 8, note: "fly release_command" } },
    ]);
  });

  it("uses the top-level [checks] path and the old [experimental] cmd", () => {
    const text = `[experimental]\n  cmd = ["python", "app.py"]\n[[services]]\n  internal_port = 7860\n[checks.h]\n  path = "/"\n[vm]\n  memory_mb = 2048\n`;
    const p = parseFly(text, "fly.toml").deployFile.processes[0]!;
    expect(p).toMatchObject({ name: "web", command: "python app.py", port: 7860, healthPath: "/" });
    expect(p.evidence.note).toBe("vm memory 2048mb");
  });

  it("reports invalid TOML with its line and no processes", () => {
    const r = parseFly('app = "x"\n[http_service\ninternal_port = 8080\n', "fly.toml");
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ level: "error", code: "deploy-parse-error", evidence: [{ file: "fly.toml", line: 2 }] });
  });
});
