/** procfile, env and requirements-prod targets on the five examples (snapshots) and small repositories. */
import { describe, expect, it } from "vitest";
import { generateContext } from "../../src/generate/context.js";
import type { ContextOptions } from "../../src/generate/context.js";
import { env } from "../../src/generate/targets/env.js";
import { procfile } from "../../src/generate/targets/procfile.js";
import { HEAVY_INFERENCE_PACKAGES, requirementsProd } from "../../src/generate/targets/requirements-prod.js";
import type { GeneratedFile, GenerateContext } from "../../src/generate/types.js";
import { scan } from "../../src/scan/scan.js";
import { containsSecret } from "../../src/scan/secrets.js";
import { seed } from "../helpers/tmp.js";

const EXAMPLES = ["ai-ko-backend", "feat-005", "fraud-automl", "kokoro-tts", "maintenance-procedures"] as const;
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

async function contextOf(dir: string, options: ContextOptions = {}): Promise<GenerateContext> {
  return generateContext(await scan(dir), options);
}

function file(files: GeneratedFile[], p: string): GeneratedFile {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} among ${files.map((x) => x.path).join(", ")}`);
  return f;
}

/** Procfile lines as type → command. */
function procfileLines(content: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of content.split("\n").filter((l) => l.trim() !== "")) {
    const m = /^([A-Za-z0-9_-]+):\s*(\S.*)$/.exec(line);
    if (!m) throw new Error(`not a Procfile line: ${line}`);
    expect(out.has(m[1]!), `duplicate ${m[1]}`).toBe(false);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** NAME=value pairs of an env file (comments and blanks skipped). */
function envAssignments(content: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of content.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not an assignment: ${line}`);
    expect(out.has(m[1]!), `duplicate ${m[1]}`).toBe(false);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

describe.each(EXAMPLES)("procfile, env and requirements-prod on %s", (name) => {
  it("Procfile per service root: web/frontend as web, workers by name, web commands bound to $PORT", async () => {
    const ctx = await contextOf(example(name));
    const files = procfile.generate(ctx);
    expect(procfile.generate(ctx)).toEqual(files);
    const roots = [...new Set(ctx.services.map((s) => s.root))];
    expect(files.map((f) => f.path).sort()).toEqual(roots.map((r) => (r === "." ? "Procfile" : `${r}/Procfile`)).sort());
    for (const f of files) {
      const lines = procfileLines(f.content);
      expect(lines.has("web")).toBe(true);
      expect(lines.has("release")).toBe(false);
      const root = f.path === "Procfile" ? "." : f.path.slice(0, -"/Procfile".length);
      for (const plan of ctx.services.filter((s) => s.root === root)) {
        expect([...lines.values()]).toContain(plan.command);
        if (plan.service.kind !== "worker" && plan.service.readsPortEnv.value) expect(plan.command).toMatch(/\$\{?PORT/);
      }
      expect(f.fixes.length).toBeGreaterThan(0);
      await expect(f.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f.path}`);
    }
  });

  it(".env.production.example: every variable once, all values empty, secrets marked", async () => {
    const ctx = await contextOf(example(name));
    const [f, ...rest] = env.generate(ctx);
    expect(rest).toHaveLength(0);
    expect(f!.path).toBe(".env.production.example");
    const vars = envAssignments(f!.content);
    for (const v of ctx.model.envVars) expect(vars.has(v.name), v.name).toBe(true);
    expect(vars.has("PORT")).toBe(true);
    if (ctx.datastores.includes("postgresql")) expect(vars.has("DATABASE_URL")).toBe(true);
    if (ctx.datastores.includes("redis")) expect(vars.has("REDIS_URL")).toBe(true);
    for (const [k, v] of vars) expect(v, k).toBe("");
    const lines = f!.content.split("\n");
    for (const v of ctx.model.envVars.filter((x) => x.secret)) {
      const i = lines.indexOf(`${v.name}=`);
      expect(lines[i - 1], v.name).toBe("# secret: set it in the platform's variables");
    }
    for (const plan of ctx.services) if (plan.env.some((v) => !["PORT", "DATABASE_URL", "REDIS_URL"].includes(v.name))) expect(lines).toContain(`# ${plan.service.id}`);
    expect(containsSecret(f!.content)).toBe(false);
    await expect(f!.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f!.path}`);
  });

  it("requirements-prod.txt only when inference can run remotely, without the heavy packages", async () => {
    for (const remoteInference of [false, true]) {
      const ctx = await contextOf(example(name), { remoteInference });
      const files = requirementsProd.generate(ctx);
      for (const f of files) {
        const reqs = f.content.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
        const names = reqs.map((l) => /^[A-Za-z0-9._-]+/.exec(l)?.[0]?.toLowerCase());
        for (const heavy of HEAVY_INFERENCE_PACKAGES) expect(names, heavy).not.toContain(heavy);
        expect(f.fixes[0]).toMatch(/^drops /);
        if (remoteInference) await expect(f.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f.path}`);
      }
      const heavyInstalled = ctx.services.some((p) => p.service.language === "python" && ctx.model.manifests.some((m) => p.service.manifests.includes(m.file) && m.dependencies.some((d) => HEAVY_INFERENCE_PACKAGES.includes(d.name))));
      const hosted = ctx.model.externalApis.some((a) => a.kind === "huggingface-inference" || a.kind === "openai");
      expect(files.length > 0).toBe(heavyInstalled && (remoteInference || hosted));
    }
  });
});

describe("what they fix on the examples", () => {
  it("ai-ko-backend: web + worker in one Procfile; requirements-prod drops torch/transformers and keeps what the existing one forgot", async () => {
    const ctx = await contextOf(example("ai-ko-backend"));
    const lines = procfileLines(file(procfile.generate(ctx), "Procfile").content);
    expect([...lines.keys()]).toEqual(["web", "worker"]);
    expect(lines.get("worker")).toBe("celery -A app.celery_app worker --loglevel=info --concurrency=2");
    const req = file(requirementsProd.generate(ctx), "requirements-prod.txt");
    expect(req.content).toContain("flask-socketio==5.3.5\n");
    expect(req.content).toContain("celery==5.4.0\n");
    expect(req.content).not.toMatch(/^torch/m);
    expect(req.fixes[0]).toBe("drops torch, transformers because the app already calls a hosted inference API (huggingface-inference), so production can skip the local models");
    expect(req.fixes[1]).toMatch(/^saves at least ~\d+ MB of image \(~\d+ MB against CPU-only torch\) and ~\d+ MB of RAM per process/);
    expect(req.fixes).toContain("the existing requirements-prod.txt also leaves out flask-socketio, celery, redis, which requirements.txt declares (the app would fail to import them)");
    const envFile = env.generate(ctx)[0]!;
    // Shared variables are listed once, under the first service, and pointed to from the worker's section.
    expect(envFile.content.match(/^SECRET_KEY=$/gm)).toHaveLength(1);
    expect(envFile.content).toContain("# worker\n# also reads (above): CORS_ORIGINS");
  });

  it("fraud-automl: the Procfile's web binds $PORT explicitly", async () => {
    const f = file(procfile.generate(await contextOf(example("fraud-automl"))), "Procfile");
    expect(procfileLines(f.content).get("web")).toBe("gunicorn --bind 0.0.0.0:${PORT:-8000} --workers 2 --timeout 120 wsgi:app");
    expect(f.fixes).toContain("web: binds 0.0.0.0:$PORT explicitly (was: gunicorn wsgi:app --workers 2 --timeout 120)");
  });

  it("maintenance-procedures: backend without --reload, frontend as next start, the committed .env called out", async () => {
    const ctx = await contextOf(example("maintenance-procedures"));
    const files = procfile.generate(ctx);
    expect(procfileLines(file(files, "backend/Procfile").content).get("web")).toBe("uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}");
    expect(procfileLines(file(files, "frontend/Procfile").content).get("web")).toBe("npx next start -H 0.0.0.0 -p ${PORT:-3000}");
    const e = env.generate(ctx)[0]!;
    expect(e.fixes.join("\n")).toContain("backend/.env holds values");
    expect(e.content).toContain("# build time: Next.js inlines it into the bundle, so set it before the build\nNEXT_PUBLIC_API_URL=");
    expect(requirementsProd.generate(ctx)).toEqual([]);
  });

  it("feat-005: API_PORT documented as set from $PORT", async () => {
    const e = env.generate(await contextOf(example("feat-005")))[0]!;
    expect(e.content).toContain("# the start command sets it from $PORT\nAPI_PORT=");
  });

  it("kokoro-tts: no hosted API, so requirements-prod only with --remote inference; it drops kokoro, misaki and torch", async () => {
    expect(requirementsProd.generate(await contextOf(example("kokoro-tts")))).toEqual([]);
    const f = file(requirementsProd.generate(await contextOf(example("kokoro-tts"), { remoteInference: true })), "requirements-prod.txt");
    expect(f.fixes[0]).toBe("drops kokoro, misaki, torch because the chosen variant runs inference remotely");
    expect(f.content).toContain("flask==3.0.3\ngunicorn==22.0.0\nsoundfile\nnumpy\nhuggingface-hub\n");
  });
});

describe("requirements-prod on a small repository", () => {
  it("keeps extras, specifiers and markers as written, and adds gunicorn when the command runs it", async () => {
    const dir = seed({
      "svc/requirements.txt": "-r reqs/ml.txt\nflask[async]>=3.0,<4 ; python_version >= '3.9'\nsentence-transformers==3.0.1\n",
      "svc/reqs/ml.txt": "torch==2.4.0\nrequests==2.32.3\n",
      "svc/app.py": "import os\nfrom flask import Flask\nfrom sentence_transformers import SentenceTransformer\napp = Flask(__name__)\n",
      "svc/Procfile": "web: gunicorn app:app --bind 0.0.0.0:$PORT\n",
    });
    const ctx = await contextOf(dir, { remoteInference: true });
    const f = file(requirementsProd.generate(ctx), "svc/requirements-prod.txt");
    const reqs = f.content.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(reqs).toEqual(["flask[async]>=3.0,<4; python_version >= '3.9'", "requests==2.32.3", "gunicorn"]);
    expect(reqs.some((l) => /^(torch|sentence-transformers)/.test(l))).toBe(false);
    expect(f.fixes).toContain("adds gunicorn, which the start command runs but no requirement file declares");
  });
});
