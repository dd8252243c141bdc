/**
 * One render.yaml Blueprint at the repository root: every service built from its Dockerfile, on the
 * smallest Render instance type with enough RAM (from the catalog), PostgreSQL and Key Value when used.
 */
import { stringify } from "yaml";
import renderCatalog from "../../catalog/platforms/render.json" with { type: "json" };
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { cwdFiles, dockerfileOwner, mountPath, slug } from "./common.js";

interface Instance {
  plan: string;
  ramMB: number;
}

/** Paid instance types, smallest first; catalog ids ("pro-plus") become Blueprint names ("pro plus"). */
const INSTANCES: Instance[] = renderCatalog.plans
  .flatMap((p) => (p.pricing.model === "instances" ? (p.pricing.instances ?? []) : []))
  .map((i) => ({ plan: i.id.replace(/-/g, " "), ramMB: i.ramMB.value }))
  .sort((a, b) => a.ramMB - b.ramMB);

const DB_VAR = "DATABASE_URL";
const REDIS_VAR = "REDIS_URL";

/** Smallest instance type whose RAM covers `memoryMB`; the largest when none does. */
export function renderPlan(memoryMB: number): Instance {
  const fit = INSTANCES.find((i) => i.ramMB >= memoryMB);
  const last = INSTANCES[INSTANCES.length - 1];
  if (!fit && !last) throw new Error("render catalog has no instance types");
  return (fit ?? last) as Instance;
}

function varFor(ctx: GenerateContext, kind: "postgresql" | "redis"): string {
  return ctx.model.datastores.find((d) => d.kind === kind && d.envVar)?.envVar ?? (kind === "postgresql" ? DB_VAR : REDIS_VAR);
}

function service(ctx: GenerateContext, s: ServicePlan, names: { app: string; db: string; redis: string }, fixes: string[]): Record<string, unknown> {
  const web = s.service.kind !== "worker";
  const chosen = ctx.size?.platform === "render" ? ctx.size : undefined;
  const plan = chosen ? { plan: chosen.instance.replace(/-/g, " "), ramMB: chosen.ramMB } : renderPlan(s.memoryMB);
  const dir = s.root === "." ? "." : `./${s.root}`;
  const out: Record<string, unknown> = {
    type: web ? "web" : "worker",
    name: `${names.app}-${slug(s.service.id)}`,
    runtime: "docker",
    plan: plan.plan,
    dockerfilePath: `${dir}/${dockerfileOwner(ctx, s.root) === s ? "Dockerfile" : `Dockerfile.${s.service.id}`}`,
    dockerContext: dir,
  };
  const id = s.service.id;
  const short = chosen ? " — smaller than the estimated need: expect out-of-memory kills (exit 137)" : " — larger than any Render instance type: reduce memory first";
  fixes.push(`${id}: ${plan.plan} instance (${plan.ramMB} MB${chosen ? ", chosen with --plan" : ""}) for an estimated need of ${s.memoryMB} MB${plan.ramMB < s.memoryMB ? short : ""}`);
  if (web && s.healthPath) {
    out.healthCheckPath = s.healthPath;
    fixes.push(`${id}: zero-downtime deploys wait for ${s.healthPath}`);
  }
  out.autoDeployTrigger = "checksPass";

  const dbVar = ctx.datastores.includes("postgresql") ? varFor(ctx, "postgresql") : undefined;
  const redisVar = ctx.datastores.includes("redis") ? varFor(ctx, "redis") : undefined;
  const envVars: Record<string, unknown>[] = [];
  if (web) {
    // Render routes to $PORT; setting it to the app's port also covers apps that listen on a fixed port.
    envVars.push({ key: "PORT", value: String(s.port) });
  }
  const prompted: string[] = [];
  for (const v of s.env) {
    if (v.name === "PORT") continue;
    if (v.name === dbVar) envVars.push({ key: v.name, fromDatabase: { name: names.db, property: "connectionString" } });
    else if (v.name === redisVar) envVars.push({ key: v.name, fromService: { type: "keyvalue", name: names.redis, property: "connectionString" } });
    else {
      envVars.push({ key: v.name, sync: false });
      prompted.push(v.name);
    }
  }
  out.envVars = envVars;
  if (prompted.length) fixes.push(`${id}: ${prompted.join(", ")} are asked for in the dashboard (sync: false), never committed`);

  const mounts = s.durablePaths.map((p) => ({ p, m: mountPath(p) }));
  const first = mounts.find((x) => x.m);
  if (first?.m) {
    out.disk = { name: `${slug(s.service.id)}-data`, mountPath: first.m, sizeGB: 1 };
    fixes.push(`${id}: 1 GB disk at ${first.m} for ${first.p}, which the ephemeral disk loses on every deploy (a disk pins the service to one instance, without zero-downtime deploys)`);
  }
  for (const x of mounts) {
    if (x !== first) fixes.push(`${id}: ${x.p} is not persisted (Render allows one disk per service): move it under ${first?.m ?? "the disk"}`);
  }
  const cwd = cwdFiles(ctx, s);
  if (cwd.length) fixes.push(`${id}: writes ${cwd.join(", ")} in its working directory, which a disk cannot be mounted over (it would hide the code): move it into a folder on a disk, or use PostgreSQL`);
  return out;
}

export const render: Generator = {
  target: "render",
  summary: "render.yaml Blueprint: Docker services sized from the estimate, PostgreSQL, Key Value",
  generate(ctx) {
    const app = slug(ctx.model.name);
    const names = { app, db: `${app}-db`, redis: `${app}-redis` };
    const fixes: string[] = [];
    const services: Record<string, unknown>[] = ctx.services.map((s) => service(ctx, s, names, fixes));
    if (ctx.datastores.includes("redis")) {
      // Celery and RQ lose queued jobs when Redis evicts keys: noeviction makes a full instance fail loudly instead.
      services.push({ type: "keyvalue", name: names.redis, plan: "starter", ipAllowList: [], maxmemoryPolicy: "noeviction" });
      fixes.push(`Key Value (Redis) ${names.redis}: reachable only inside Render (empty ipAllowList), noeviction so queued jobs are not dropped; ${varFor(ctx, "redis")} comes from it`);
    }
    const doc: Record<string, unknown> = { services };
    if (ctx.datastores.includes("postgresql")) {
      doc.databases = [{ name: names.db, plan: "basic-256mb", postgresMajorVersion: "16" }];
      fixes.push(`PostgreSQL 16 ${names.db} (basic-256mb: the free database expires after 30 days); ${varFor(ctx, "postgresql")} comes from it`);
    }
    fixes.push("deploys after the GitHub checks pass (autoDeployTrigger: checksPass)");
    const header = "# Generated by `shipfit generate render`: Render Blueprint (https://render.com/docs/blueprint-spec).\n";
    const file: GeneratedFile = { path: "render.yaml", content: header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), format: "yaml", target: "render", fixes };
    return [file];
  },
};
