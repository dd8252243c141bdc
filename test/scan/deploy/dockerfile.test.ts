import { describe, expect, it } from "vitest";
import { dockerfileInstructions, parseDockerfile, pythonVersionOfImage } from "../../../src/scan/deploy/dockerfile.js";

const SEED_002 = `FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1

WORKDIR /app

RUN apt-get update && apt-get install -y \\
    gcc libpq-dev curl \\
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY src/ ./src/
COPY config/ ./config/
COPY run_api.py .

RUN useradd -m appuser && chown -R appuser /app
USER appuser

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=5s \\
    CMD curl -f http://localhost:8000/api/health || exit 1

CMD ["python", "run_api.py"]
`;

describe("dockerfileInstructions", () => {
  it("joins continuation lines and keeps the first line number", () => {
    const ins = dockerfileInstructions(SEED_002);
    const run = ins.find((i) => i.keyword === "RUN")!;
    expect(run.line).toBe(8);
    expect(run.args).toBe("apt-get update && apt-get install -y     gcc libpq-dev curl     && rm -rf /var/lib/apt/lists/*");
    const health = ins.find((i) => i.keyword === "HEALTHCHECK")!;
    expect(health.line).toBe(24);
    expect(ins.find((i) => i.keyword === "CMD")).toEqual({ keyword: "CMD", args: `["python", "run_api.py"]`, line: 27, json: ["python", "run_api.py"] });
  });

  it("drops comments inside continuations and honours the escape directive", () => {
    const text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  # a comment\n  C:\\\\ \nCMD echo done\n";
    const ins = dockerfileInstructions(text);
    expect(ins.map((i) => i.keyword)).toEqual(["FROM", "RUN", "CMD"]);
    expect(ins[1]!.args).toBe("dir   C:\\\\");
    expect(ins[2]!.line).toBe(6);
  });

  it("sets heredoc bodies apart so their lines are not read as instructions", () => {
    const text = [
      "FROM python:3.12-slim",
      "RUN <<EOF",
      "pip install torch",
      "CMD not-an-instruction",
      "EOF",
      "COPY <<-'CONF' /etc/app.conf",
      "\tport=8000",
      "\tCONF",
      'CMD ["uvicorn", "main:app"]',
    ].join("\n");
    const ins = dockerfileInstructions(text);
    expect(ins.map((i) => i.keyword)).toEqual(["FROM", "RUN", "COPY", "CMD"]);
    expect(ins[1]!.heredocs).toEqual(["pip install torch\nCMD not-an-instruction"]);
    expect(ins[2]!.heredocs).toEqual(["port=8000"]);
    expect(ins[3]!.line).toBe(9);
  });

  it("treats a bracket that is not JSON as shell form", () => {
    const [, cmd] = dockerfileInstructions("FROM x\nCMD ['python', 'app.py']\n");
    expect(cmd!.json).toBeUndefined();
  });
});

describe("parseDockerfile", () => {
  it("reads seed 002's backend Dockerfile", () => {
    const r = parseDockerfile(SEED_002, "Dockerfile");
    expect(r.deployFile).toEqual({
      file: "Dockerfile",
      kind: "dockerfile",
      baseImage: "python:3.11-slim",
      pythonVersion: "3.11",
      pythonVersionLine: 1,
      exposedPorts: [8000],
      exposeLine: 22,
      env: ["PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"],
      processes: [
        {
          name: "web",
          command: "python run_api.py",
          port: 8000,
          healthPath: "/api/health",
          healthLine: 24,
          evidence: { file: "Dockerfile", line: 27, note: "CMD, WORKDIR /app, USER appuser" },
        },
      ],
    });
    expect(r.diagnostics).toEqual([]);
  });

  it("uses the last stage of a multi-stage build and follows FROM <stage> chains", () => {
    const text = `ARG PY=3.10
FROM node:20-alpine AS frontend
WORKDIR /web
CMD ["npm", "run", "dev"]
EXPOSE 5173

FROM python:\${PY}-slim AS base
ENV PORT=8080 \\
    HF_HOME=/models
WORKDIR /srv
CMD ["gunicorn", "app:app"]

FROM base AS runtime
ARG PY
COPY --from=frontend /web/dist ./static
WORKDIR api
EXPOSE 8080/tcp 9090
CMD gunicorn -w 2 -b 0.0.0.0:$PORT app:app
`;
    const r = parseDockerfile(text, "docker/Dockerfile.prod");
    const f = r.deployFile;
    expect(f.baseImage).toBe("python:3.10-slim");
    expect(f.pythonVersion).toBe("3.10");
    expect(f.exposedPorts).toEqual([8080, 9090]);
    expect(f.env).toEqual(["PORT", "HF_HOME"]);
    expect(f.processes).toHaveLength(1);
    const web = f.processes[0]!;
    expect(web.command).toBe("gunicorn -w 2 -b 0.0.0.0:$PORT app:app");
    // $PORT has no default in the command: the ENV value is what the image runs with.
    expect(web.port).toBe(8080);
    expect(web.evidence).toEqual({ file: "docker/Dockerfile.prod", line: 18, note: "CMD, of the final stage runtime, WORKDIR /srv/api" });
  });

  it("inherits CMD from a parent stage, and drops it when the child sets ENTRYPOINT", () => {
    const inherited = parseDockerfile("FROM python:3.12 AS base\nCMD [\"python\", \"serve.py\"]\nFROM base\nRUN true\n", "Dockerfile");
    expect(inherited.deployFile.processes[0]!.command).toBe("python serve.py");
    const reset = parseDockerfile("FROM python:3.12 AS base\nCMD [\"python\", \"serve.py\"]\nFROM base\nENTRYPOINT [\"celery\", \"-A\", \"tasks\", \"worker\"]\n", "Dockerfile");
    expect(reset.deployFile.processes[0]!.command).toBe("celery -A tasks worker");
  });

  it("joins exec-form ENTRYPOINT and CMD and unwraps sh -c", () => {
    const joined = parseDockerfile('FROM python:3.11\nENTRYPOINT ["python"]\nCMD ["-m", "uvicorn", "main:app", "--port", "7860"]\n', "Dockerfile");
    expect(joined.deployFile.processes[0]).toMatchObject({ command: "python -m uvicorn main:app --port 7860", port: 7860 });
    const shell = parseDockerfile(`FROM python:3.11\nCMD ["sh", "-c", "uvicorn main:app --host 0.0.0.0 --port \${PORT:-7860}"]\n`, "Dockerfile");
    expect(shell.deployFile.processes[0]).toMatchObject({ command: "uvicorn main:app --host 0.0.0.0 --port ${PORT:-7860}", port: 7860 });
    const split = parseDockerfile('FROM python:3.11\nENTRYPOINT ["/bin/sh", "-c"]\nCMD ["streamlit run app.py --server.port 8501"]\n', "Dockerfile");
    expect(split.deployFile.processes[0]!.command).toBe("streamlit run app.py --server.port 8501");
  });

  it("quotes exec-form words that hold spaces so the command re-parses", () => {
    const r = parseDockerfile('FROM python:3.11\nCMD ["gunicorn", "--access-logformat", "%(h)s %(r)s", "app:app"]\n', "Dockerfile");
    expect(r.deployFile.processes[0]!.command).toBe("gunicorn --access-logformat '%(h)s %(r)s' app:app");
  });

  it("ignores CMD after a shell-form ENTRYPOINT", () => {
    const r = parseDockerfile("FROM python:3.11\nENTRYPOINT python app.py\nCMD [\"--debug\"]\n", "Dockerfile");
    expect(r.deployFile.processes[0]!.command).toBe("python app.py");
  });

  it("reads ENV in both forms, names only", () => {
    const r = parseDockerfile('FROM python:3.11\nENV OPENAI_API_KEY sk-not-a-real-key\nENV A=1 B="two words" C=3\n', "Dockerfile");
    expect(r.deployFile.env).toEqual(["OPENAI_API_KEY", "A", "B", "C"]);
    expect(JSON.stringify(r)).not.toContain("sk-not-a-real-key");
  });

  it("keeps a CUDA base image without a Python version, and resolves python tags in other images", () => {
    const r = parseDockerfile("FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\nCMD python3 app.py\n", "Dockerfile");
    expect(r.deployFile.baseImage).toBe("nvidia/cuda:12.1.0-runtime-ubuntu22.04");
    expect(r.deployFile.pythonVersion).toBeUndefined();
    expect(pythonVersionOfImage("python:3.12.3-bookworm")).toBe("3.12.3");
    expect(pythonVersionOfImage("docker.io/library/python:3.9@sha256:abc")).toBe("3.9");
    expect(pythonVersionOfImage("ghcr.io/astral-sh/uv:python3.12-bookworm-slim")).toBe("3.12");
    expect(pythonVersionOfImage("tiangolo/uvicorn-gunicorn-fastapi:python3.11")).toBe("3.11");
    expect(pythonVersionOfImage("python:latest")).toBeUndefined();
    expect(pythonVersionOfImage("localhost:5000/python")).toBeUndefined();
  });

  it("uses the single EXPOSE when the command states no port, and the healthcheck's exec form", () => {
    const r = parseDockerfile(
      'FROM python:3.11\nEXPOSE 7860\nHEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1:7860/healthz?full=1"]\nCMD ["python", "app.py"]\n',
      "Dockerfile",
    );
    expect(r.deployFile.processes[0]).toMatchObject({ port: 7860, healthPath: "/healthz" });
  });

  it("has no process when there is no CMD or ENTRYPOINT, and HEALTHCHECK NONE clears a check", () => {
    const r = parseDockerfile("FROM python:3.11 AS b\nHEALTHCHECK CMD curl localhost:8000/h\nFROM b\nHEALTHCHECK NONE\n", "Dockerfile");
    expect(r.deployFile.processes).toEqual([]);
    const c = parseDockerfile("FROM python:3.11 AS b\nHEALTHCHECK CMD curl localhost:8000/h\nFROM b\nHEALTHCHECK NONE\nCMD python a.py\n", "Dockerfile");
    expect(c.deployFile.processes[0]!.healthPath).toBeUndefined();
  });

  it("warns about a bracket CMD that is not valid JSON", () => {
    const r = parseDockerfile("FROM python:3.11\nCMD ['python', 'app.py']\n", "Dockerfile");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["dockerfile-exec-form-invalid"]);
    expect(r.diagnostics[0]!.evidence[0]!.line).toBe(2);
  });

  it("reports files Docker cannot build as deploy-parse-error with no processes", () => {
    const noFrom = parseDockerfile("# just a comment\nRUN echo hi\nCMD python app.py\n", "Dockerfile");
    expect(noFrom.deployFile.processes).toEqual([]);
    expect(noFrom.diagnostics[0]).toMatchObject({ level: "error", code: "deploy-parse-error", evidence: [{ file: "Dockerfile", line: 2 }] });
    const empty = parseDockerfile("", "Dockerfile");
    expect(empty.diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
    const binary = parseDockerfile("\0\x01\x02FROM", "Dockerfile");
    expect(binary.diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
  });

  it("warns about unknown instructions and an unterminated heredoc without losing the rest", () => {
    const r = parseDockerfile("FROM python:3.11\nFORM oops\nRUN <<EOF\nRUN echo never closed\nCMD python app.py\n", "Dockerfile");
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(["dockerfile-unknown-instruction", "dockerfile-unterminated-heredoc"]);
    expect(r.deployFile.processes[0]!.command).toBe("python app.py");
  });

  it("handles CRLF line endings and a byte-order mark", () => {
    const r = parseDockerfile("\ufeffFROM python:3.11-slim\r\nEXPOSE 5000\r\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\"]\r\n", "Dockerfile");
    expect(r.deployFile).toMatchObject({ pythonVersion: "3.11", exposedPorts: [5000] });
    expect(r.deployFile.processes[0]).toMatchObject({ command: "flask run --host=0.0.0.0", port: 5000, evidence: { line: 3 } });
  });
});
