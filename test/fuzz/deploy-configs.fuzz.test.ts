import { describe, expect, it } from "vitest";
import { parseAppJson } from "../../src/scan/deploy/app-json.js";
import { parseCompose } from "../../src/scan/deploy/compose.js";
import { parseFly } from "../../src/scan/deploy/fly.js";
import { parseHfSpaceReadme } from "../../src/scan/deploy/hf-space.js";
import { parseRailway } from "../../src/scan/deploy/railway.js";
import { parseRender } from "../../src/scan/deploy/render.js";
import { parsePythonVersionFile, parseRuntimeTxt } from "../../src/scan/deploy/runtime.js";
import type { DeployFacts } from "../../src/scan/facts.js";
import { expectWellFormedDeploy } from "./deploy-check.js";
import { mutations } from "./mutate.js";

type Parser = (text: string, file: string) => DeployFacts | null;

const CASES: { name: string; file: string; parse: Parser; seeds: string[] }[] = [
  {
    name: "railway.json",
    file: "railway.json",
    parse: parseRailway,
    seeds: [
      '{\n  "$schema": "https://railway.app/railway.schema.json",\n  "build": {"builder": "NIXPACKS"},\n  "deploy": {\n    "startCommand": "gunicorn --bind 0.0.0.0:$PORT run:app --workers 2 --timeout 120",\n    "healthcheckPath": "/api/health",\n    "numReplicas": 2\n  }\n}\n',
      '{"build": {"builder": "DOCKERFILE", "dockerfilePath": "Dockerfile.prod"}, "deploy": {"preDeployCommand": ["alembic upgrade head"], "sleepApplication": true}}',
    ],
  },
  {
    name: "railway.toml",
    file: "railway.toml",
    parse: parseRailway,
    seeds: [
      '[build]\nbuilder = "DOCKERFILE"\ndockerfilePath = "docker/api.Dockerfile"\n\n[deploy]\nstartCommand = "uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"\nhealthcheckPath = "/health"\nnumReplicas = 2\n',
    ],
  },
  {
    name: "render.yaml",
    file: "render.yaml",
    parse: parseRender,
    seeds: [
      "services:\n  - type: web\n    name: api\n    runtime: python\n    rootDir: ./backend\n    startCommand: gunicorn -w 2 -b 0.0.0.0:$PORT app:app\n    healthCheckPath: /healthz\n    disk:\n      name: models\n      mountPath: /var/data\n    envVars:\n      - key: OPENAI_API_KEY\n        sync: false\n      - key: PORT\n        value: 10000\n  - type: worker\n    name: jobs\n    runtime: docker\n    dockerCommand: celery -A tasks worker\n  - type: keyvalue\n    name: cache\ndatabases:\n  - name: appdb\n    postgresMajorVersion: \"16\"\n",
      "envVarGroups:\n  - name: shared\n    envVars:\n      - key: SECRET_KEY\n        generateValue: true\nservices: &s\n  - type: cron\n    name: nightly\n    schedule: '0 3 * * *'\n    startCommand: python jobs/retrain.py\n",
    ],
  },
  {
    name: "fly.toml",
    file: "fly.toml",
    parse: parseFly,
    seeds: [
      "app = 'sentiment-api'\nprimary_region = 'cdg'\n\n[build]\n  dockerfile = 'Dockerfile.fly'\n\n[env]\n  PORT = '8080'\n\n[http_service]\n  internal_port = 8080\n  force_https = true\n\n  [[http_service.checks]]\n    path = '/health'\n\n[[mounts]]\n  source = 'models'\n  destination = '/data'\n\n[[vm]]\n  memory = '1gb'\n",
      'app = "ml"\n[processes]\n  app = "gunicorn -b 0.0.0.0:8000 app:app"\n  worker = "celery -A app.tasks worker"\n[deploy]\n  release_command = "flask db upgrade"\n[[services]]\n  internal_port = 8000\n  processes = ["app"]\n  [[services.http_checks]]\n    path = "/ping"\n[checks.alive]\n  path = "/alive"\n',
    ],
  },
  {
    name: "compose",
    file: "docker-compose.yml",
    parse: parseCompose,
    seeds: [
      'x-env: &env\n  REDIS_URL: redis://redis:6379/0\nservices:\n  backend:\n    build:\n      context: ./backend\n    command: ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n    ports:\n      - "${API_PORT:-8000}:8000"\n    environment:\n      <<: *env\n      HF_TOKEN: ${HF_TOKEN}\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n  worker:\n    build: ./backend\n    command: celery -A app worker --concurrency=2\n    environment:\n      - REDIS_URL=redis://redis:6379/0\n  redis:\n    image: redis:7-alpine\n  db:\n    image: postgres:16\n    expose: ["5432"]\n',
      'services:\n  ui:\n    image: myorg/ui\n    entrypoint: ["/bin/sh", "-c"]\n    command: ["streamlit run app.py --server.port 8501"]\n    ports:\n      - target: 8501\n        published: 80\n',
    ],
  },
  {
    name: "app.json",
    file: "app.json",
    parse: parseAppJson,
    seeds: [
      '{"name": "x", "formation": {"web": {"quantity": 1, "size": "basic"}}, "addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis:mini"}], "env": {"SECRET_KEY": {"generator": "secret"}}, "scripts": {"postdeploy": "python manage.py migrate"}}',
    ],
  },
  {
    name: "hf-space",
    file: "README.md",
    parse: parseHfSpaceReadme,
    seeds: ["---\ntitle: Demo\nsdk: gradio\nsdk_version: 4.44.0\npython_version: 3.10\napp_file: src/ui.py\n---\n\n# Demo\n", "---\nsdk: docker\napp_port: 8000\n---\n"],
  },
  { name: "runtime.txt", file: "runtime.txt", parse: parseRuntimeTxt, seeds: ["python-3.11.9\n"] },
  { name: ".python-version", file: ".python-version", parse: parsePythonVersionFile, seeds: ["# pin\n3.12.1\n"] },
];

describe("deploy config parsers fuzz", () => {
  it.each(CASES)("$name: never throws and stays well formed on 1,500 mutated files", ({ file, parse, seeds }) => {
    for (const input of mutations(seeds, 1500, file.length * 7919)) {
      let r: DeployFacts | null;
      try {
        r = parse(input, file);
      } catch (e) {
        throw new Error(`parser for ${file} threw on ${JSON.stringify(input)}: ${String(e)}`);
      }
      expectWellFormedDeploy(r, input, file);
    }
  });

  it("survives deep nesting in every format", () => {
    const deep = (open: string, close: string, n: number): string => open.repeat(n) + close.repeat(n);
    const inputs: [Parser, string, string][] = [
      [parseRailway, "railway.json", `{"deploy": ${deep("[", "]", 100000)}}`],
      [parseRailway, "railway.toml", `a = ${deep("[", "]", 100000)}`],
      [parseFly, "fly.toml", `x = ${deep("{a=", "}", 20000)}`],
      [parseRender, "render.yaml", `services: ${deep("[", "]", 20000)}`],
      [parseCompose, "compose.yml", `services:\n${Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}- a`).join("\n")}`],
    ];
    for (const [parse, file, text] of inputs) {
      let r: DeployFacts | null = null;
      expect(() => (r = parse(text, file))).not.toThrow();
      expectWellFormedDeploy(r, text.slice(0, 200), file);
    }
  });
});
