/**
 * railway, render, fly and cloud-run generators on the five examples: every file snapshotted, parsed
 * and validated against the platform's official schema (Cloud Run has none: its structure is checked
 * explicitly), plus the decisions that matter — ports, memory, health checks, disks, no secret values.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateContext } from "../../src/generate/context.js";
import { cloudRun, cloudRunResources } from "../../src/generate/targets/cloud-run.js";
import { fly, flyVm } from "../../src/generate/targets/fly.js";
import { railway } from "../../src/generate/targets/railway.js";
import { render, renderPlan } from "../../src/generate/targets/render.js";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../../src/generate/types.js";
import { scan } from "../../src/scan/scan.js";
import { validate } from "./schemas.js";

const EXAMPLES = ["ai-ko-backend", "maintenance-procedures", "feat-005", "fraud-automl", "kokoro-tts"];
const exampleDir = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;
const contexts = new Map<string, GenerateContext>();
async function context(name: string): Promise<GenerateContext> {
  let c = contexts.get(name);
  if (!c) {
    c = generateContext(await scan(exampleDir(name)));
    contexts.set(name, c);
  }
  return c;
}
const plan = (c: GenerateContext, id: string): ServicePlan => {
  const s = c.services.find((x) => x.service.id === id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
};
const file = (files: GeneratedFile[], p: string): GeneratedFile => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} in ${files.map((x) => x.path).join(", ")}`);
  return f;
};
type Obj = Record<string, any>;
const json = (f: GeneratedFile): Obj => JSON.parse(f.content) as Obj;
const yaml = (f: GeneratedFile): Obj => parseYaml(f.content, { version: "1.2" }) as Obj;
const toml = (f: GeneratedFile): Obj => parseToml(f.content) as Obj;

/** Values the example's .env files give its secret variables: none may reach a generated file. */
function secretValues(name: string, c: GenerateContext): string[] {
  const secret = new Set(c.services.flatMap((s) => s.env.filter((v) => v.secret).map((v) => v.name)));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "node_modules") walk(path.join(dir, e.name));
      else if (e.name.startsWith(".env")) {
        for (const line of readFileSync(path.join(dir, e.name), "utf8").split("\n")) {
          const m = /^([A-Z0-9_]+)=(.+)$/.exec(line.trim());
          if (m?.[1] && m[2] && secret.has(m[1]) && m[2].length >= 6) out.push(m[2]);
        }
      }
    }
  };
  walk(exampleDir(name));
  return out;
}

const TARGETS: [Generator, (f: GeneratedFile) => string[]][] = [
  [railway, (f) => validate("railway", json(f))],
  [render, (f) => validate("render", yaml(f))],
  [fly, (f) => validate("fly", toml(f))],
  [cloudRun, () => []],
];

describe.each(EXAMPLES)("%s", (name) => {
  it.each(TARGETS.map(([g, v]) => [g.target, g, v] as const))("%s: snapshot, schema, no secret values", async (_t, g, check) => {
    const c = await context(name);
    const files = g.generate(c);
    expect(files.length).toBeGreaterThan(0);
    expect(g.generate(c)).toEqual(files);
    const secrets = secretValues(name, c);
    for (const f of files) {
      expect(f.target).toBe(g.target);
      expect(f.fixes.length).toBeGreaterThan(0);
      expect(check(f), f.path).toEqual([]);
      for (const v of secrets) expect(f.content, `${f.path} leaks a secret value`).not.toContain(v);
      await expect(f.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f.path}`);
    }
  });

  it("cloud-run: a Knative Service per web service with probe, memory and secrets by reference", async () => {
    const c = await context(name);
    const files = cloudRun.generate(c);
    const web = c.services.filter((s) => s.service.kind !== "worker");
    expect(files.map((f) => f.path)).toEqual(web.map((s) => path.posix.join(s.root, "cloud-run.yaml")));
    for (const s of web) {
      const doc = yaml(file(files, path.posix.join(s.root, "cloud-run.yaml")));
      expect(doc).toMatchObject({ apiVersion: "serving.knative.dev/v1", kind: "Service" });
      expect(doc.metadata.name).toMatch(/^[a-z][a-z0-9-]{0,48}$/);
      expect(doc.spec.template.metadata.annotations).toEqual({
        "autoscaling.knative.dev/minScale": "0",
        "autoscaling.knative.dev/maxScale": "3",
        "run.googleapis.com/startup-cpu-boost": "true",
      });
      const spec = doc.spec.template.spec;
      expect(spec).toMatchObject({ containerConcurrency: 80, timeoutSeconds: 300 });
      expect(spec.containers).toHaveLength(1);
      const ct = spec.containers[0];
      expect(ct.image).toBe(`REGION-docker.pkg.dev/PROJECT/REPO/${doc.metadata.name}:latest`);
      expect(ct.ports).toEqual([{ containerPort: s.port }]);
      const mem = Number(/^(\d+)Mi$/.exec(ct.resources.limits.memory)?.[1]);
      expect([512, 1024, 2048, 4096, 8192, 16384, 32768]).toContain(mem);
      expect(mem).toBeGreaterThanOrEqual(s.memoryMB);
      expect(ct.resources.limits.cpu).toMatch(/^\d+$/);
      const probe = ct.startupProbe;
      expect(probe.failureThreshold * probe.periodSeconds).toBeGreaterThanOrEqual(s.startPeriodSeconds);
      expect(probe.timeoutSeconds).toBeLessThanOrEqual(probe.periodSeconds);
      if (s.healthPath) expect(probe.httpGet).toEqual({ path: s.healthPath, port: s.port });
      else expect(probe.tcpSocket).toEqual({ port: s.port });
      const env = (ct.env ?? []) as Obj[];
      expect(env.map((e) => e.name)).not.toContain("PORT");
      for (const e of env) {
        const v = s.env.find((x) => x.name === e.name);
        expect(v, e.name).toBeDefined();
        expect(e.value, `${e.name} has a value`).toBeUndefined();
        if (v?.secret) expect(e.valueFrom).toEqual({ secretKeyRef: { name: e.name, key: "latest" } });
        else expect(e.valueFrom).toBeUndefined();
      }
    }
  });

  it("render: every service runs its Dockerfile on an instance with enough RAM; secrets are prompted", async () => {
    const c = await context(name);
    const doc = yaml(file(render.generate(c), "render.yaml"));
    for (const s of c.services) {
      const svc = (doc.services as Obj[]).find((x) => x.name.endsWith(`-${s.service.id}`));
      expect(svc, s.service.id).toBeDefined();
      expect(svc?.type).toBe(s.service.kind === "worker" ? "worker" : "web");
      expect(svc?.runtime).toBe("docker");
      expect(svc?.plan).not.toBe("free");
      expect(renderPlan(s.memoryMB).ramMB).toBeGreaterThanOrEqual(s.memoryMB);
      expect(svc?.plan).toBe(renderPlan(s.memoryMB).plan);
      expect(svc?.dockerContext).toBe(s.root === "." ? "." : `./${s.root}`);
      if (s.service.kind !== "worker") expect(svc?.healthCheckPath).toBe(s.healthPath);
      for (const e of svc?.envVars as Obj[]) {
        if (e.key === "PORT") expect(e.value).toBe(String(s.port));
        else expect(e.value, e.key).toBeUndefined();
        if (s.env.find((v) => v.name === e.key)?.secret) expect(e.sync).toBe(false);
      }
    }
  });
});

it("the secret-value check has something to look for (maintenance-procedures commits a .env)", async () => {
  expect(secretValues("maintenance-procedures", await context("maintenance-procedures"))).toContain("7951c5f4c5ccd7fee8e3ce6c6ff923e1d4f3cde208ee07c2");
});

describe("railway", () => {
  it("ai-ko-backend: replaces the NIXPACKS railway.json with a Dockerfile build; the worker gets its own config", async () => {
    const c = await context("ai-ko-backend");
    const files = railway.generate(c);
    expect(files.map((f) => f.path)).toEqual(["railway.json", "railway.worker.json"]);
    const web = json(file(files, "railway.json"));
    expect(web).toEqual({
      $schema: "https://railway.com/railway.schema.json",
      build: { builder: "DOCKERFILE", dockerfilePath: "Dockerfile" },
      deploy: { healthcheckPath: "/api/health", healthcheckTimeout: 100, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 3 },
    });
    expect(web.deploy.healthcheckTimeout).toBeGreaterThanOrEqual(plan(c, "web").startPeriodSeconds);
    const worker = json(file(files, "railway.worker.json"));
    expect(worker.build.dockerfilePath).toBe("Dockerfile.worker");
    expect(worker.deploy.healthcheckPath).toBeUndefined();
    expect(worker.deploy.startCommand).toBeUndefined();
    const fixes = file(files, "railway.json").fixes.join("\n");
    expect(fixes).toContain("instead of NIXPACKS (was: railway.json)");
    expect(fixes).toContain("CPU-only torch wheels");
    expect(fixes).toContain(".railway/railway.ts");
    expect(fixes).toContain("2026-12-01");
  });

  it("maintenance-procedures: one railway.json per service folder, the command fix recorded", async () => {
    const files = railway.generate(await context("maintenance-procedures"));
    expect(files.map((f) => f.path)).toEqual(["backend/railway.json", "frontend/railway.json"]);
    expect(json(file(files, "backend/railway.json")).deploy.healthcheckPath).toBe("/health");
    expect(json(file(files, "frontend/railway.json")).deploy.healthcheckPath).toBeUndefined();
    expect(file(files, "backend/railway.json").fixes.join("\n")).toContain("without --reload (was: uvicorn main:app --reload --port 8000)");
  });

  it("the schema helper rejects what Railway would reject", () => {
    expect(validate("railway", { build: { builder: "DOCKERFILE" } })).toEqual([]);
    expect(validate("railway", { build: { builder: "KANIKO" } })).not.toEqual([]);
    expect(validate("railway", { deploy: { startCmd: "x" } })).not.toEqual([]);
  });
});

describe("render", () => {
  it("picks the smallest instance type from the catalog whose RAM covers the need", () => {
    expect(renderPlan(256)).toEqual({ plan: "starter", ramMB: 512 });
    expect(renderPlan(512)).toEqual({ plan: "starter", ramMB: 512 });
    expect(renderPlan(513)).toEqual({ plan: "standard", ramMB: 2048 });
    expect(renderPlan(3840)).toEqual({ plan: "pro", ramMB: 4096 });
    expect(renderPlan(5248)).toEqual({ plan: "pro plus", ramMB: 8192 });
    expect(renderPlan(20000)).toEqual({ plan: "pro ultra", ramMB: 32768 });
    expect(renderPlan(99999).plan).toBe("pro ultra");
  });

  it("ai-ko-backend: PostgreSQL and Key Value wired by reference, the worker as a worker", async () => {
    const doc = yaml(file(render.generate(await context("ai-ko-backend")), "render.yaml"));
    const [web, worker, kv] = doc.services as Obj[];
    expect(web).toMatchObject({ type: "web", name: "ai-ko-backend-web", plan: "pro", dockerfilePath: "./Dockerfile", healthCheckPath: "/api/health" });
    expect(worker).toMatchObject({ type: "worker", name: "ai-ko-backend-worker", plan: "pro plus", dockerfilePath: "./Dockerfile.worker" });
    expect(kv).toEqual({ type: "keyvalue", name: "ai-ko-backend-redis", plan: "starter", ipAllowList: [], maxmemoryPolicy: "noeviction" });
    for (const svc of [web, worker]) {
      const env = svc?.envVars as Obj[];
      expect(env.find((e) => e.key === "DATABASE_URL")).toEqual({ key: "DATABASE_URL", fromDatabase: { name: "ai-ko-backend-db", property: "connectionString" } });
      expect(env.find((e) => e.key === "REDIS_URL")).toEqual({ key: "REDIS_URL", fromService: { type: "keyvalue", name: "ai-ko-backend-redis", property: "connectionString" } });
      expect(env.find((e) => e.key === "HF_API_TOKEN")).toEqual({ key: "HF_API_TOKEN", sync: false });
    }
    expect(doc.databases).toEqual([{ name: "ai-ko-backend-db", plan: "basic-256mb", postgresMajorVersion: "16" }]);
  });

  it("maintenance-procedures: a disk for uploads, and the SQLite file in the working directory called out", async () => {
    const f = file(render.generate(await context("maintenance-procedures")), "render.yaml");
    const doc = yaml(f);
    const backend = (doc.services as Obj[])[0];
    expect(backend).toMatchObject({ name: "maintenance-procedures-backend", plan: "starter", dockerContext: "./backend", dockerfilePath: "./backend/Dockerfile" });
    expect(backend?.disk).toEqual({ name: "backend-data", mountPath: "/app/uploads", sizeGB: 1 });
    expect(doc.databases).toBeUndefined();
    expect(f.fixes.join("\n")).toContain("writes maintenance.db in its working directory");
  });

  it("feat-005: the fixed-port Gradio front end is told its port", async () => {
    const doc = yaml(file(render.generate(await context("feat-005")), "render.yaml"));
    const front = (doc.services as Obj[]).find((s) => s.name === "feat-005-frontend");
    expect(front?.envVars).toContainEqual({ key: "PORT", value: "7860" });
  });

  it("the schema helper rejects an unknown plan and a stray key", () => {
    expect(validate("render", { services: [{ type: "web", name: "x", runtime: "docker", plan: "huge" }] })).not.toEqual([]);
    expect(validate("render", { services: [], colour: "blue" })).not.toEqual([]);
  });
});

describe("fly", () => {
  it("maps the memory need onto the catalog's Fly presets", () => {
    expect(flyVm(200)).toEqual({ memory: 256, cpus: 1, cpuKind: "shared" });
    expect(flyVm(1984)).toEqual({ memory: 2048, cpus: 1, cpuKind: "shared" });
    expect(flyVm(3840)).toEqual({ memory: 4096, cpus: 2, cpuKind: "shared" });
    expect(flyVm(5248)).toEqual({ memory: 8192, cpus: 1, cpuKind: "performance" });
    expect(flyVm(20000)).toEqual({ memory: 20480, cpus: 4, cpuKind: "performance" });
  });

  it("ai-ko-backend: one app, the worker as a process with its own VM size, checks after the start period", async () => {
    const c = await context("ai-ko-backend");
    const files = fly.generate(c);
    expect(files.map((f) => f.path)).toEqual(["fly.toml"]);
    const doc = toml(file(files, "fly.toml"));
    expect(doc.app).toBe("ai-ko-backend-web");
    expect(doc.primary_region).toBe("iad");
    expect(doc.build).toEqual({ dockerfile: "Dockerfile" });
    expect(doc.env).toEqual({ PORT: "8000" });
    expect(Object.keys(doc.processes)).toEqual(["web", "worker"]);
    expect(doc.processes.worker).toBe('sh -c "celery -A app.celery_app worker --loglevel=info --concurrency=2"');
    expect(doc.http_service).toMatchObject({ internal_port: 8000, force_https: true, auto_stop_machines: "stop", auto_start_machines: true, min_machines_running: 0, processes: ["web"] });
    expect(doc.http_service.checks).toEqual([{ grace_period: `${plan(c, "web").startPeriodSeconds}s`, interval: "30s", timeout: "5s", method: "GET", path: "/api/health" }]);
    expect(doc.vm).toEqual([
      { memory: "4096mb", cpu_kind: "shared", cpus: 2, processes: ["web"] },
      { memory: "8192mb", cpu_kind: "performance", cpus: 1, processes: ["worker"] },
    ]);
    expect(doc.mounts).toBeUndefined();
  });

  it("maintenance-procedures: an app per folder, a volume for uploads", async () => {
    const files = fly.generate(await context("maintenance-procedures"));
    expect(files.map((f) => f.path)).toEqual(["backend/fly.toml", "frontend/fly.toml"]);
    const backend = toml(file(files, "backend/fly.toml"));
    expect(backend.mounts).toEqual([{ source: "backend_data", destination: "/app/uploads", initial_size: "1gb" }]);
    expect(backend.vm).toEqual([{ memory: "256mb", cpu_kind: "shared", cpus: 1 }]);
    const front = toml(file(files, "frontend/fly.toml"));
    expect(front.http_service.internal_port).toBe(3000);
    expect(front.http_service.checks).toBeUndefined();
  });

  it("the schema helper rejects a VM size Fly does not have", () => {
    expect(validate("fly", { vm: [{ cpus: 3 }] })).not.toEqual([]);
    expect(validate("fly", { build: { dockerfile: "Dockerfile", context: "." } })).not.toEqual([]);
  });

  it("kokoro-tts: 1984 MB needed → a 2 GB shared VM", async () => {
    const doc = toml(file(fly.generate(await context("kokoro-tts")), "fly.toml"));
    expect(doc.vm).toEqual([{ memory: "2048mb", cpu_kind: "shared", cpus: 1 }]);
  });
});

describe("cloud-run", () => {
  it("sizes memory in Cloud Run steps with the CPUs that memory requires", () => {
    expect(cloudRunResources(256)).toEqual({ memoryMiB: 512, cpu: 1 });
    expect(cloudRunResources(3840)).toEqual({ memoryMiB: 4096, cpu: 1 });
    expect(cloudRunResources(5248)).toEqual({ memoryMiB: 8192, cpu: 2 });
    expect(cloudRunResources(9000)).toEqual({ memoryMiB: 16384, cpu: 4 });
  });

  it("ai-ko-backend: only the web service (Cloud Run services serve HTTP), 4 GiB, probe covering 45 s", async () => {
    const files = cloudRun.generate(await context("ai-ko-backend"));
    expect(files.map((f) => f.path)).toEqual(["cloud-run.yaml"]);
    const ct = yaml(file(files, "cloud-run.yaml")).spec.template.spec.containers[0];
    expect(ct.resources.limits).toEqual({ memory: "4096Mi", cpu: "1" });
    expect(ct.startupProbe).toEqual({ httpGet: { path: "/api/health", port: 8000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 });
  });
});
