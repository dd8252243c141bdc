import { describe, expect, it } from "vitest";
import { parseRailway } from "../../../src/scan/deploy/railway.js";

const SEED_000 = `{
  "$schema": "https://railway.app/railway.schema.json",
  "build": {
    "builder": "NIXPACKS"
  },
  "deploy": {
    "startCommand": "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120",
    "healthcheckPath": "/api/health",
    "healthcheckTimeout": 100,
    "restartPolicyType": "ON_FAILURE",
    "restartPolicyMaxRetries": 3
  }
}
`;

describe("parseRailway", () => {
  it("reads seed 000's railway.json", () => {
    const r = parseRailway(SEED_000, "backend/railway.json");
    expect(r.deployFile).toEqual({
      file: "backend/railway.json",
      kind: "railway",
      processes: [
        {
          name: "web",
          command: "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120",
          healthPath: "/api/health",
          healthLine: 8,
          evidence: {
            file: "backend/railway.json",
            line: 7,
            note: "railway service, builder NIXPACKS, restartPolicyType ON_FAILURE, healthcheckTimeout 100",
          },
        },
      ],
    });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ level: "info", code: "railway-config-legacy", evidence: [{ file: "backend/railway.json", line: 1 }] }),
    ]);
  });

  it("reads railway.toml with a Dockerfile builder, replicas, sleep and a pre-deploy command", () => {
    const toml = `[build]
builder = "DOCKERFILE"
dockerfilePath = "docker/api.Dockerfile"

[deploy]
startCommand = "uvicorn main:app --host 0.0.0.0 --port \${PORT:-8000}"
preDeployCommand = ["alembic upgrade head"]
numReplicas = 2
sleepApplication = true
`;
    const r = parseRailway(toml, "railway.toml");
    const [web, release] = r.deployFile.processes;
    expect(web).toMatchObject({ name: "web", port: 8000, evidence: { line: 6 } });
    expect(web!.evidence.note).toBe("railway service, builder DOCKERFILE, dockerfilePath docker/api.Dockerfile, numReplicas 2, sleepApplication true");
    expect(release).toEqual({ name: "release", command: "alembic upgrade head", evidence: { file: "railway.toml", line: 7, note: "railway preDeployCommand" } });
  });

  it("keeps one web process without a command when only the build is configured", () => {
    const r = parseRailway('{"build": {"builder": "RAILPACK"}}', "railway.json");
    expect(r.deployFile.processes).toEqual([{ name: "web", evidence: { file: "railway.json", line: 1, note: "railway service, builder RAILPACK" } }]);
  });

  it("reports invalid JSON (comments are not allowed) with the line and no processes", () => {
    const r = parseRailway('{\n  // comment\n  "deploy": {}\n}', "railway.json");
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ level: "error", code: "deploy-parse-error", evidence: [{ file: "railway.json", line: 2 }] });
  });

  it("reports invalid TOML with its line and never quotes the file", () => {
    const r = parseRailway('[deploy]\nstartCommand = "python app.py"\nsecret = sk-live-123 =\n', "railway.toml");
    expect(r.diagnostics[0]).toMatchObject({ code: "deploy-parse-error", evidence: [{ line: 3 }] });
    expect(JSON.stringify(r)).not.toContain("sk-live-123");
  });

  it("warns when a value has the wrong type and rejects a non-object document", () => {
    const r = parseRailway('{"deploy": {"startCommand": ["gunicorn", "app:app"]}}', "railway.json");
    expect(r.diagnostics.map((d) => d.code)).toContain("deploy-invalid-value");
    expect(r.deployFile.processes[0]!.command).toBeUndefined();
    expect(parseRailway("[1, 2]", "railway.json").diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
  });
});
