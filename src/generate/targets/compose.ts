/**
 * docker-compose.yml at the repository root: every service built from its folder, with local
 * PostgreSQL and Redis that are healthy before the app starts, and volumes for what must persist.
 */
import { stringify } from "yaml";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { cwdFiles, mountPath, slug } from "./common.js";

const LOCAL_URL: Record<"postgresql" | "redis", { service: string; url: string; fallback: string }> = {
  postgresql: { service: "postgres", url: "postgresql://postgres@postgres:5432/app", fallback: "DATABASE_URL" },
  redis: { service: "redis", url: "redis://redis:6379/0", fallback: "REDIS_URL" },
};

function varFor(ctx: GenerateContext, kind: "postgresql" | "redis"): string {
  return ctx.model.datastores.find((d) => d.kind === kind && d.envVar)?.envVar ?? LOCAL_URL[kind].fallback;
}

export const compose: Generator = {
  target: "compose",
  summary: "docker-compose.yml: every service plus local PostgreSQL and Redis, one command starts everything",
  generate(ctx) {
    const fixes: string[] = [];
    const services: Record<string, unknown> = {};
    const volumes: Record<string, Record<string, never>> = {};
    const usedPorts = new Set<number>();
    const storeVars = ctx.datastores.map((k) => ({ kind: k, name: varFor(ctx, k) }));
    const names = ctx.services.map((s) => slug(s.service.id));
    for (const [i, s] of ctx.services.entries()) {
      const id = names[i] as string;
      const web = s.service.kind !== "worker";
      const owner = ctx.services.filter((x) => x.root === s.root).find((x) => x.service.kind !== "worker") === s;
      const svc: Record<string, unknown> = { build: { context: s.root === "." ? "." : `./${s.root}`, dockerfile: owner ? "Dockerfile" : `Dockerfile.${s.service.id}` } };
      const env: Record<string, string> = {};
      if (web) env.PORT = String(s.port);
      for (const v of s.env) {
        if (v.name === "PORT") continue;
        const store = storeVars.find((x) => x.name === v.name);
        // Datastore URLs default to the local containers; anything else passes through from the shell or .env.
        env[v.name] = store ? `\${${v.name}:-${LOCAL_URL[store.kind].url}}` : `\${${v.name}:-}`;
      }
      if (Object.keys(env).length) svc.environment = env;
      if (web && s.port > 0) {
        let host = s.port;
        while (usedPorts.has(host)) host += 1;
        usedPorts.add(host);
        // Long syntax: "8000:8000" as a short string is a base-60 number to YAML 1.1 parsers.
        svc.ports = [{ target: s.port, published: String(host) }];
        fixes.push(`${s.service.id} on http://localhost:${host}${host !== s.port ? ` (container port ${s.port})` : ""}`);
      }
      const needs = storeVars.filter((x) => s.env.some((v) => v.name === x.name));
      if (needs.length) {
        svc.depends_on = Object.fromEntries(needs.map((x) => [LOCAL_URL[x.kind].service, { condition: "service_healthy" }]));
        fixes.push(`${s.service.id} starts once ${needs.map((x) => LOCAL_URL[x.kind].service).join(" and ")} ${needs.length > 1 ? "are" : "is"} healthy; ${needs.map((x) => x.name).join(", ")} point${needs.length > 1 ? "" : "s"} at ${needs.length > 1 ? "them" : "it"} unless set`);
      }
      const mounts: string[] = [];
      for (const p of s.durablePaths) {
        const m = mountPath(p);
        if (!m) continue;
        const vol = `${id}-${slug(m.slice("/app/".length))}`;
        volumes[vol] = {};
        mounts.push(`${vol}:${m}`);
        fixes.push(`${s.service.id}: volume ${vol} keeps ${p} across container restarts`);
      }
      if (mounts.length) svc.volumes = mounts;
      const cwd = cwdFiles(ctx, s);
      if (cwd.length) fixes.push(`${s.service.id}: writes ${cwd.join(", ")} in its working directory, lost when the container is recreated: a volume cannot be mounted over the code, so move it into a folder`);
      svc.restart = "unless-stopped";
      services[id] = svc;
    }
    if (ctx.datastores.includes("postgresql")) {
      // trust auth keeps passwords out of the file; the port is not published, so only the compose network reaches it.
      services.postgres = {
        image: "postgres:16-alpine",
        environment: { POSTGRES_DB: "app", POSTGRES_HOST_AUTH_METHOD: "trust" },
        volumes: ["postgres-data:/var/lib/postgresql/data"],
        healthcheck: { test: ["CMD-SHELL", "pg_isready -U postgres -d app"], interval: "5s", timeout: "5s", retries: 10 },
      };
      volumes["postgres-data"] = {};
      fixes.push("PostgreSQL 16 with a named volume, reachable only inside the compose network");
    }
    if (ctx.datastores.includes("redis")) {
      services.redis = {
        image: "redis:7-alpine",
        healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "3s", retries: 10 },
      };
      fixes.push("Redis 7 for the queue/cache");
    }
    fixes.push("variables pass through from the shell or a .env file next to this file (no values written here)");
    const doc: Record<string, unknown> = { name: slug(ctx.model.name), services };
    if (Object.keys(volumes).length) doc.volumes = Object.fromEntries(Object.keys(volumes).sort().map((k) => [k, {}]));
    const header = "# Generated by `shipfit generate compose`. Start everything: docker compose up --build\n";
    return [{ path: "docker-compose.yml", content: header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), format: "yaml", target: "compose", fixes }];
  },
};
