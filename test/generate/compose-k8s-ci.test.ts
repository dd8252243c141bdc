/**
 * compose, kubernetes and github-actions generators on the five examples: every file snapshotted,
 * parsed and validated against the official schema (each Kubernetes document against its kind's),
 * plus explicit checks of ports, memory, probes, datastores and that no secret value appears.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { generateContext } from "../../src/generate/context.js";
import { compose } from "../../src/generate/targets/compose.js";
import { githubActions } from "../../src/generate/targets/github-actions.js";
import { kubernetes } from "../../src/generate/targets/kubernetes.js";
import type { GenerateContext, GeneratedFile, ServicePlan } from "../../src/generate/types.js";
import { scan } from "../../src/scan/scan.js";
import { type SchemaName, validate } from "./schemas.js";

const EXAMPLES = ["ai-ko-backend", "maintenance-procedures", "feat-005", "fraud-automl", "kokoro-tts"];
const PLATFORMS = ["railway", "render", "fly", "cloud-run"];
// The workflow snapshotted for each example deploys to the platform that example's seed targets or suits.
const SNAPSHOT_PLATFORM: Record<string, string> = {
  "ai-ko-backend": "railway",
  "maintenance-procedures": "render",
  "feat-005": "fly",
  "fraud-automl": "cloud-run",
  "kokoro-tts": "railway",
};
const exampleDir = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;
const contexts = new Map<string, GenerateContext>();
async function context(name: string, platform = "railway"): Promise<GenerateContext> {
  let c = contexts.get(name);
  if (!c) {
    c = generateContext(await scan(exampleDir(name)));
    contexts.set(name, c);
  }
  return { ...c, platform };
}
const file = (files: GeneratedFile[], p: string): GeneratedFile => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} in ${files.map((x) => x.path).join(", ")}`);
  return f;
};
type Obj = Record<string, any>;
const yaml = (f: GeneratedFile): Obj => parseYaml(f.content, { version: "1.2" }) as Obj;
function docs(f: GeneratedFile): Obj[] {
  return parseAllDocuments(f.content, { version: "1.2" }).map((d) => {
    expect(d.errors, f.path).toEqual([]);
    return d.toJS() as Obj;
  });
}
const K8S_SCHEMA: Record<string, SchemaName> = {
  Deployment: "k8s-deployment-apps-v1",
  Service: "k8s-service-v1",
  HorizontalPodAutoscaler: "k8s-horizontalpodautoscaler-autoscaling-v2",
  ConfigMap: "k8s-configmap-v1",
  Secret: "k8s-secret-v1",
};
function k8sErrors(f: GeneratedFile): string[] {
  return docs(f).flatMap((d) => {
    const schema = K8S_SCHEMA[d.kind as string];
    return schema ? validate(schema, d) : [`no schema for kind ${String(d.kind)}`];
  });
}

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

async function checkFiles(name: string, files: GeneratedFile[], errors: (f: GeneratedFile) => string[], snapshot: boolean) {
  const c = await context(name);
  const secrets = secretValues(name, c);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    expect(f.format).toBe("yaml");
    expect(f.fixes.length, f.path).toBeGreaterThan(0);
    expect(errors(f), f.path).toEqual([]);
    for (const v of secrets) expect(f.content, `${f.path} leaks a secret value`).not.toContain(v);
    if (snapshot) await expect(f.content).toMatchFileSnapshot(`../__snapshots__/generate/${name}/${f.path}`);
  }
}

const web = (s: ServicePlan) => s.service.kind !== "worker";

describe.each(EXAMPLES)("%s", (name) => {
  it("compose: snapshot, schema, every service with its port, datastores healthy first", async () => {
    const c = await context(name);
    const files = compose.generate(c);
    expect(compose.generate(c)).toEqual(files);
    await checkFiles(name, files, (f) => validate("compose", yaml(f)), true);
    const doc = yaml(file(files, "docker-compose.yml"));
    const published = new Set<string>();
    for (const s of c.services) {
      const svc = doc.services[s.service.id] as Obj;
      expect(svc, s.service.id).toBeDefined();
      expect(svc.build.context).toBe(s.root === "." ? "." : `./${s.root}`);
      for (const v of s.env) {
        if (v.name === "PORT") continue;
        expect(svc.environment[v.name], v.name).toMatch(new RegExp(`^\\$\\{${v.name}:-`));
        if (v.secret) expect(svc.environment[v.name]).toBe(`\${${v.name}:-}`);
      }
      if (web(s)) {
        expect(svc.environment.PORT).toBe(String(s.port));
        expect(svc.ports).toHaveLength(1);
        expect(svc.ports[0].target).toBe(s.port);
        expect(published.has(svc.ports[0].published)).toBe(false);
        published.add(svc.ports[0].published);
      }
    }
    expect(Boolean(doc.services.postgres)).toBe(c.datastores.includes("postgresql"));
    expect(Boolean(doc.services.redis)).toBe(c.datastores.includes("redis"));
    if (doc.services.postgres) {
      expect(doc.services.postgres).toMatchObject({ image: "postgres:16-alpine", volumes: ["postgres-data:/var/lib/postgresql/data"] });
      expect(doc.services.postgres.healthcheck.test).toEqual(["CMD-SHELL", "pg_isready -U postgres -d app"]);
      expect(doc.services.postgres.environment.POSTGRES_PASSWORD).toBeUndefined();
      expect(doc.volumes["postgres-data"]).toEqual({});
    }
    if (doc.services.redis) expect(doc.services.redis).toMatchObject({ image: "redis:7-alpine", healthcheck: { test: ["CMD", "redis-cli", "ping"] } });
  });

  it("kubernetes: snapshot, each document valid for its kind, requests/limits from the estimate", async () => {
    const c = await context(name);
    const files = kubernetes.generate(c);
    expect(kubernetes.generate(c)).toEqual(files);
    await checkFiles(name, files, k8sErrors, true);
    expect(files.map((f) => f.path)).toEqual([...c.services.map((s) => `k8s/${s.service.id}.yaml`), "k8s/config.yaml"]);
    for (const s of c.services) {
      const all = docs(file(files, `k8s/${s.service.id}.yaml`));
      expect(all.map((d) => d.kind)).toEqual(web(s) ? ["Deployment", "Service", "HorizontalPodAutoscaler"] : ["Deployment", "HorizontalPodAutoscaler"]);
      const pod = all[0]?.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      const ct = pod.containers[0];
      expect(ct.resources.limits).toEqual({ memory: `${s.memoryMB}Mi`, cpu: "1000m" });
      expect(ct.resources.requests.cpu).toBe("100m");
      const request = Number(/^(\d+)Mi$/.exec(ct.resources.requests.memory)?.[1]);
      expect(request).toBeGreaterThanOrEqual(s.footprint.ram.steadyMB.expected);
      expect(request).toBeLessThanOrEqual(s.memoryMB);
      for (const e of (ct.env ?? []) as Obj[]) {
        if (e.name === "PORT") expect(e.value).toBe(String(s.port));
        else expect(e.valueFrom.secretKeyRef.key).toBe(e.name);
      }
      expect(((ct.env ?? []) as Obj[]).filter((e) => e.valueFrom).map((e) => e.name)).toEqual(s.env.filter((v) => v.secret).map((v) => v.name));
      if (web(s)) {
        expect(ct.ports).toEqual([{ name: "http", containerPort: s.port }]);
        expect(ct.startupProbe.failureThreshold * ct.startupProbe.periodSeconds).toBeGreaterThanOrEqual(s.startPeriodSeconds);
        if (s.healthPath) {
          expect(ct.startupProbe.httpGet.path).toBe(s.healthPath);
          expect(ct.readinessProbe.httpGet.path).toBe(s.healthPath);
        }
        expect(all[1]?.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http" }]);
      } else {
        expect(ct.startupProbe).toBeUndefined();
      }
      const hpa = all[all.length - 1];
      expect(hpa?.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] });
    }
    const [cm, secret] = docs(file(files, "k8s/config.yaml"));
    expect(Object.values(cm?.data ?? {}).every((v) => v === "")).toBe(true);
    expect(Object.values(secret?.stringData ?? {}).every((v) => v === "")).toBe(true);
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual([...new Set(c.services.flatMap((s) => s.env.filter((v) => v.secret).map((v) => v.name)))].sort());
  });

  it("github-actions: valid for every platform, snapshot for one; test job per service, deploy only from main", async () => {
    for (const platform of PLATFORMS) {
      const c = await context(name, platform);
      const files = githubActions.generate(c);
      expect(files.map((f) => f.path)).toEqual([".github/workflows/deploy.yml"]);
      await checkFiles(name, files, (f) => validate("github-workflow", yaml(f)), platform === SNAPSHOT_PLATFORM[name]);
      const wf = yaml(files[0] as GeneratedFile);
      expect(Object.keys(wf)).toContain("on");
      expect(wf.on).toEqual({ push: { branches: ["main"] }, pull_request: { branches: ["main"] } });
      const steps = wf.jobs.test.steps as Obj[];
      for (const s of c.services) {
        if (s.service.language === "node") {
          expect(steps.some((x) => x.uses === "actions/setup-node@v4" && x.with["node-version"] === s.nodeVersion)).toBe(true);
          expect(steps.some((x) => x.run === "npm ci" && (s.root === "." || x["working-directory"] === s.root))).toBe(true);
        } else {
          expect(steps.some((x) => x.uses === "actions/setup-python@v5" && x.with["python-version"] === s.pythonVersion)).toBe(true);
          const install = steps.find((x) => typeof x.run === "string" && x.run.includes("pip install -r") && (s.root === "." || x["working-directory"] === s.root));
          expect(install?.run).toContain(`pip install -r ${s.requirements[0]}`);
          if (s.cpuTorch) expect(install?.env?.PIP_EXTRA_INDEX_URL).toBe("https://download.pytorch.org/whl/cpu");
        }
      }
      expect(steps.filter((x) => typeof x.run === "string" && x.run.includes("python -m pytest")).every((x) => x.run.includes("if [ -d tests ]"))).toBe(true);
      const deploy = wf.jobs.deploy as Obj;
      expect(deploy.needs).toBe("test");
      expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
      const text = JSON.stringify(deploy.steps);
      if (platform === "railway") {
        expect(text).toContain("npm i -g @railway/cli");
        for (const s of c.services) expect(text).toContain(`railway up --service ${s.service.id} --detach`);
        expect(text).toContain("${{ secrets.RAILWAY_TOKEN }}");
      } else if (platform === "render") {
        expect(text).toMatch(/curl -fsS -X POST \\"\$RENDER_DEPLOY_HOOK_URL/);
        expect(text).toContain("${{ secrets.RENDER_DEPLOY_HOOK_URL");
      } else if (platform === "fly") {
        expect(text).toContain("superfly/flyctl-actions/setup-flyctl@master");
        expect(text).toContain("flyctl deploy --remote-only");
        expect(text).toContain("${{ secrets.FLY_API_TOKEN }}");
      } else {
        expect(text).toContain("google-github-actions/auth@v2");
        expect(text).toContain("google-github-actions/deploy-cloudrun@v2");
        expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
      }
    }
  });
});

describe("explicit cases", () => {
  it("ai-ko-backend compose: the worker builds Dockerfile.worker and waits for PostgreSQL and Redis; URLs default to them", async () => {
    const doc = yaml(file(compose.generate(await context("ai-ko-backend")), "docker-compose.yml"));
    expect(doc.services.worker.build).toEqual({ context: ".", dockerfile: "Dockerfile.worker" });
    expect(doc.services.worker.ports).toBeUndefined();
    expect(doc.services.worker.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
    expect(doc.services.web.environment.DATABASE_URL).toBe("${DATABASE_URL:-postgresql://postgres@postgres:5432/app}");
    expect(doc.services.web.environment.REDIS_URL).toBe("${REDIS_URL:-redis://redis:6379/0}");
    expect(doc.services.web.ports).toEqual([{ target: 8000, published: "8000" }]);
  });

  it("maintenance-procedures compose: a volume for uploads; both services published on distinct ports", async () => {
    const f = file(compose.generate(await context("maintenance-procedures")), "docker-compose.yml");
    const doc = yaml(f);
    expect(doc.services.backend.volumes).toEqual(["backend-uploads:/app/uploads"]);
    expect(doc.volumes).toEqual({ "backend-uploads": {} });
    expect(doc.services.frontend.ports).toEqual([{ target: 3000, published: "3000" }]);
    expect(doc.services.postgres).toBeUndefined();
    expect(f.fixes.join("\n")).toContain("maintenance.db");
  });

  it("feat-005 compose: two services that both listen on 8000-ish ports get distinct host ports", async () => {
    const doc = yaml(file(compose.generate(await context("feat-005")), "docker-compose.yml"));
    expect(doc.services.web.ports).toEqual([{ target: 8000, published: "8000" }]);
    expect(doc.services.frontend.ports).toEqual([{ target: 7860, published: "7860" }]);
    expect(doc.services.web.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(doc.services.frontend.depends_on).toBeUndefined();
  });

  it("ai-ko-backend kubernetes: requests the steady 2.6 GB, limits at 3840 Mi, startup window covers 45 s", async () => {
    const c = await context("ai-ko-backend");
    const [dep] = docs(file(kubernetes.generate(c), "k8s/web.yaml"));
    const ct = dep?.spec.template.spec.containers[0];
    expect(ct.resources).toEqual({ requests: { memory: "2688Mi", cpu: "100m" }, limits: { memory: "3840Mi", cpu: "1000m" } });
    expect(ct.startupProbe).toEqual({ httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10, failureThreshold: 5 });
    expect(ct.envFrom).toEqual([{ configMapRef: { name: "ai-ko-backend-config" } }]);
  });

  it("the k8s schema helper catches a wrong field type", () => {
    expect(validate("k8s-service-v1", { apiVersion: "v1", kind: "Service", spec: { ports: [{ port: "eighty" }] } })).not.toEqual([]);
    expect(validate("k8s-deployment-apps-v1", { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 1.5 } })).not.toEqual([]);
  });

  it("github-actions: an unsupported platform gets the test job and says why there is no deploy job", async () => {
    const f = githubActions.generate(await context("kokoro-tts", "hf-spaces"))[0] as GeneratedFile;
    const wf = yaml(f);
    expect(validate("github-workflow", wf)).toEqual([]);
    expect(wf.jobs.deploy).toBeUndefined();
    expect(f.fixes.join("\n")).toContain("no deploy job");
  });
});
