import { describe, expect, it } from "vitest";
import { parseRender } from "../../../src/scan/deploy/render.js";

const BLUEPRINT = `services:
  - type: web
    name: api
    runtime: python
    plan: starter
    rootDir: ./backend
    buildCommand: pip install -r requirements.txt
    startCommand: gunicorn -w 2 -b 0.0.0.0:$PORT app:app
    healthCheckPath: /healthz
    disk:
      name: models
      mountPath: /var/data
      sizeGB: 5
    envVars:
      - key: OPENAI_API_KEY
        sync: false
      - key: DATABASE_URL
        fromDatabase:
          name: appdb
          property: connectionString
      - key: PORT
        value: 10000
  - type: worker
    name: jobs
    runtime: docker
    dockerContext: ./worker
    dockerCommand: celery -A tasks worker --concurrency=1
    envVars:
      - key: REDIS_URL
        fromService:
          type: keyvalue
          name: cache
          property: connectionString
  - type: keyvalue
    name: cache
    ipAllowList: []
  - type: cron
    name: nightly
    runtime: python
    schedule: "0 3 * * *"
    startCommand: python jobs/retrain.py

databases:
  - name: appdb
    postgresMajorVersion: "16"

envVarGroups:
  - name: shared
    envVars:
      - key: SECRET_KEY
        value: hunter2-not-for-output
`;

describe("parseRender", () => {
  it("reads services, env names and datastores", () => {
    const r = parseRender(BLUEPRINT, "render.yaml");
    const [api, jobs, nightly] = r.deployFile.processes;
    expect(r.deployFile.processes).toHaveLength(3);
    expect(api).toEqual({
      name: "api",
      command: "gunicorn -w 2 -b 0.0.0.0:$PORT app:app",
      port: 10000,
      root: "backend",
      healthPath: "/healthz",
      healthLine: 9,
      evidence: { file: "render.yaml", line: 2, note: "render web service, runtime python, plan starter, disk at /var/data, env PORT=10000" },
    });
    expect(jobs).toMatchObject({ name: "jobs", command: "celery -A tasks worker --concurrency=1", root: "worker", evidence: { line: 23 } });
    expect(jobs!.evidence.note).toBe("render worker service, runtime docker");
    expect(nightly!.evidence.note).toBe("render cron service, runtime python, schedule 0 3 * * *");
    expect(r.deployFile.env).toEqual(["OPENAI_API_KEY", "DATABASE_URL", "PORT", "REDIS_URL", "SECRET_KEY"]);
    expect(r.diagnostics.map((d) => [d.code, d.evidence[0]!.line, d.message])).toEqual([
      ["deploy-datastore-declared", 34, "render keyvalue service cache declares a redis datastore"],
      ["deploy-datastore-declared", 44, "render database appdb (PostgreSQL 16) declares a postgresql datastore"],
    ]);
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it("takes the port from the command over the PORT variable", () => {
    const r = parseRender("services:\n  - type: web\n    name: ui\n    startCommand: streamlit run app.py --server.port 8501\n    envVars:\n      - key: PORT\n        value: '10000'\n", "render.yaml");
    expect(r.deployFile.processes[0]!.port).toBe(8501);
  });

  it("reports invalid YAML with its line and no processes", () => {
    const r = parseRender("services:\n  - type: web\n    name: [api\n", "render.yaml");
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ level: "error", code: "deploy-parse-error" });
    expect(r.diagnostics[0]!.evidence[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it("tolerates an empty file, odd shapes and unnamed services", () => {
    expect(parseRender("", "render.yaml").diagnostics).toEqual([]);
    const odd = parseRender("services:\n  - just a string\n  - type: web\n", "render.yaml");
    expect(odd.deployFile.processes.map((p) => p.name)).toEqual(["service-2"]);
    expect(odd.diagnostics.map((d) => d.code)).toEqual(["deploy-invalid-value"]);
    expect(parseRender("- a\n- b\n", "render.yaml").diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
  });
});
