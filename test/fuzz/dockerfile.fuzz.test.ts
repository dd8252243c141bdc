import { describe, expect, it } from "vitest";
import { dockerfileInstructions, parseDockerfile } from "../../src/scan/deploy/dockerfile.js";
import { expectWellFormedDeploy } from "./deploy-check.js";
import { mutations } from "./mutate.js";

const SEEDS = [
  `FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN apt-get update && apt-get install -y \\
    gcc libpq-dev curl \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
USER appuser
EXPOSE 8000
HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/api/health || exit 1
CMD ["python", "run_api.py"]
`,
  `# syntax=docker/dockerfile:1.7
ARG PY=3.10
FROM node:20-alpine AS web
WORKDIR /web
RUN <<EOF
npm ci
npm run build
EOF
FROM python:\${PY}-slim AS base
ENV PORT=8080 HF_HOME=/models
FROM base AS runtime
ARG PY
COPY --from=web /web/dist ./static
COPY <<-'CONF' /etc/app.conf
\tport=8080
\tCONF
EXPOSE 8080/tcp 9090
ENTRYPOINT ["tini", "--"]
CMD gunicorn -w 2 -b 0.0.0.0:$PORT app:app
`,
  "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  C:\\ \nCMD [\"sh\", \"-c\", \"uvicorn main:app --port ${PORT:-7860}\"]\n",
  "FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\nENV OPENAI_API_KEY sk-not-real\nCMD ['python3', 'app.py']\n",
];

describe("parseDockerfile fuzz", () => {
  it("never throws and stays well formed on 2,000 mutated Dockerfiles", () => {
    for (const input of mutations(SEEDS, 2000, 22)) {
      const where = JSON.stringify(input);
      let r;
      try {
        r = parseDockerfile(input, "Dockerfile");
      } catch (e) {
        throw new Error(`parseDockerfile threw on ${where}: ${String(e)}`);
      }
      expectWellFormedDeploy(r, input, "Dockerfile");
      expect(r.deployFile.processes.length, where).toBeLessThanOrEqual(1);

      const ins = dockerfileInstructions(input);
      for (const i of ins) {
        expect(i.line, where).toBeGreaterThanOrEqual(1);
        expect(i.keyword, where).toBe(i.keyword.toUpperCase());
        if (i.json !== undefined) expect(i.json.every((w) => typeof w === "string"), where).toBe(true);
      }
      const lines = ins.map((i) => i.line);
      expect([...lines].sort((a, b) => a - b), where).toEqual(lines);
    }
  });

  it("stays linear on many unterminated heredocs and long continuations", () => {
    const heredocs = `FROM python:3.11\n${"RUN cat <<NOPE\n".repeat(20000)}CMD python app.py\n`;
    expect(parseDockerfile(heredocs, "Dockerfile").deployFile.processes[0]!.command).toBe("python app.py");
    const continued = `FROM python:3.11\nRUN ${"echo x \\\n".repeat(50000)}echo done\nCMD python app.py\n`;
    expect(parseDockerfile(continued, "Dockerfile").deployFile.processes[0]!.command).toBe("python app.py");
  });
});
