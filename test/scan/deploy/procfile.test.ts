import { describe, expect, it } from "vitest";
import { parseProcfile } from "../../../src/scan/deploy/procfile.js";

describe("parseProcfile", () => {
  it("reads seed 000's backend Procfile", () => {
    const r = parseProcfile("web: gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120\n", "backend/Procfile");
    expect(r).toEqual({
      deployFile: {
        file: "backend/Procfile",
        kind: "procfile",
        processes: [
          {
            name: "web",
            command: "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120",
            evidence: { file: "backend/Procfile", line: 1, note: "Procfile web process" },
          },
        ],
      },
      diagnostics: [],
    });
  });

  it("reads several types, keeps release, skips comments and blank lines, and takes a port default", () => {
    const text = [
      "# Heroku processes",
      "",
      "release: python manage.py migrate",
      "web: uvicorn app.main:app --host 0.0.0.0 --port ${PORT:-8000}",
      "worker:celery -A app.tasks worker --concurrency=1",
      "\r",
    ].join("\r\n");
    const r = parseProcfile(text, "Procfile");
    expect(r.deployFile.processes.map((p) => [p.name, p.evidence.line, p.port])).toEqual([
      ["release", 3, undefined],
      ["web", 4, 8000],
      ["worker", 5, undefined],
    ]);
    expect(r.deployFile.processes[2]!.command).toBe("celery -A app.tasks worker --concurrency=1");
    expect(r.diagnostics).toEqual([]);
  });

  it("warns about a duplicate type and keeps the last", () => {
    const r = parseProcfile("web: python app.py\nweb: gunicorn app:app\n", "Procfile");
    expect(r.deployFile.processes).toHaveLength(1);
    expect(r.deployFile.processes[0]).toMatchObject({ command: "gunicorn app:app", evidence: { line: 2 } });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ level: "warning", code: "procfile-duplicate-type", evidence: [{ file: "Procfile", line: 1 }, { file: "Procfile", line: 2 }] }),
    ]);
  });

  it("warns about junk lines and an empty command, with their line numbers", () => {
    const r = parseProcfile("web gunicorn app:app\nworker:\nweb: node server.js\n", "Procfile");
    expect(r.deployFile.processes.map((p) => p.name)).toEqual(["web"]);
    expect(r.diagnostics.map((d) => [d.code, d.evidence[0]!.line])).toEqual([
      ["procfile-invalid-line", 1],
      ["procfile-invalid-line", 2],
    ]);
  });

  it("summarises many junk lines and reports an empty Procfile", () => {
    const r = parseProcfile("nonsense\n".repeat(50), "Procfile");
    expect(r.diagnostics.filter((d) => d.code === "procfile-invalid-line")).toHaveLength(6);
    expect(r.diagnostics.at(-1)!.code).toBe("procfile-empty");
    expect(parseProcfile("", "Procfile").diagnostics.map((d) => d.code)).toEqual(["procfile-empty"]);
  });

  it("rejects binary content with a parse error", () => {
    const r = parseProcfile("web: \0\0\0", "Procfile");
    expect(r.deployFile.processes).toEqual([]);
    expect(r.diagnostics.map((d) => [d.level, d.code])).toEqual([["error", "deploy-parse-error"]]);
  });
});
