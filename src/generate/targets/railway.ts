/**
 * railway.json per service, building the Dockerfile `shipfit generate docker` writes. Railway has
 * announced config-as-code in `.railway/railway.ts`, but railway.json is what works today.
 */
import path from "node:path";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { dockerfileOwner } from "./common.js";

const SCHEMA = "https://railway.com/railway.schema.json";
const MAX_RETRIES = 3;
// Railway's deploy waits this long for the health check to pass; the generous floor covers image pulls.
const MIN_HEALTH_TIMEOUT = 100;

function configPath(ctx: GenerateContext, s: ServicePlan): string {
  const name = dockerfileOwner(ctx, s.root) === s ? "railway.json" : `railway.${s.service.id}.json`;
  return path.posix.join(s.root, name);
}

/** What the repository's own Railway file did, from the scan's evidence note ("builder NIXPACKS, …"). */
function existingRailway(ctx: GenerateContext, s: ServicePlan): { file: string; builder?: string; timeout?: number } | undefined {
  for (const f of ctx.model.deployFiles) {
    if (f.kind !== "railway" || path.posix.dirname(f.file) !== s.root) continue;
    const note = f.processes.map((p) => p.evidence.note ?? "").join(" ");
    const builder = /builder (\w+)/.exec(note)?.[1];
    const timeout = /healthcheckTimeout (\d+)/.exec(note)?.[1];
    return { file: f.file, ...(builder ? { builder } : {}), ...(timeout ? { timeout: Number(timeout) } : {}) };
  }
  return undefined;
}

function serviceFile(ctx: GenerateContext, s: ServicePlan): GeneratedFile {
  const owner = dockerfileOwner(ctx, s.root) === s;
  const fixes: string[] = [];
  const deploy: Record<string, unknown> = {};
  const dockerfile = owner ? "Dockerfile" : `Dockerfile.${s.service.id}`;
  if (!owner) fixes.push(`shares its folder with ${dockerfileOwner(ctx, s.root)?.service.id ?? "another service"}: builds ${dockerfile}; point this service's config file to ${configPath(ctx, s)} in Railway's settings`);
  const web = s.service.kind !== "worker";

  const was = existingRailway(ctx, s);
  // Never shorter than the repository's own timeout: its authors may know a slow start the estimate misses.
  const timeout = Math.max(MIN_HEALTH_TIMEOUT, s.startPeriodSeconds * 2, was?.timeout ?? 0);
  if (web && s.healthPath) {
    deploy.healthcheckPath = s.healthPath;
    deploy.healthcheckTimeout = timeout;
  }
  deploy.restartPolicyType = "ON_FAILURE";
  deploy.restartPolicyMaxRetries = MAX_RETRIES;

  if (was?.builder && was.builder !== "DOCKERFILE") {
    const why = [s.cpuTorch ? "CPU-only torch wheels" : "", "non-root user", s.systemPackages.length ? `system libraries ${s.systemPackages.join(", ")}` : ""].filter(Boolean);
    fixes.push(`builds the generated Dockerfile (${why.join(", ")}) instead of ${was.builder} (was: ${was.file})`);
  } else {
    fixes.push("builds the generated Dockerfile, so the image is the same on Railway as locally");
  }
  if (s.command) fixes.push(`start command comes from the Dockerfile's CMD: ${s.command}`);
  fixes.push(...s.commandFixes);
  if (web && s.healthPath) {
    const wasTimeout = was?.timeout !== undefined && was.timeout !== timeout ? ` (was: ${was.timeout} s)` : "";
    fixes.push(`health check on ${s.healthPath}, waiting up to ${timeout} s${wasTimeout} for an estimated start of ${s.startPeriodSeconds} s`);
  } else if (web) {
    fixes.push("no health check: the app exposes no health route (add one, e.g. /health, so Railway can tell a broken deploy)");
  }
  fixes.push(`restarts on failure, at most ${MAX_RETRIES} times`);
  if (s.memoryMB > 0) fixes.push(`needs about ${s.memoryMB} MB of memory: choose a plan whose per-service limit is at least that`);
  fixes.push(
    "Railway announced config-as-code in .railway/railway.ts; railway.json keeps working for existing services until 2026-12-01, and is what a Railway user can use today",
  );

  const config = {
    $schema: SCHEMA,
    build: { builder: "DOCKERFILE", dockerfilePath: dockerfile },
    deploy,
  };
  return { path: configPath(ctx, s), content: `${JSON.stringify(config, null, 2)}\n`, format: "json", target: "railway", fixes };
}

export const railway: Generator = {
  target: "railway",
  summary: "railway.json per service (Dockerfile build, health check, restart policy)",
  generate(ctx) {
    return ctx.services.map((s) => serviceFile(ctx, s));
  },
};
