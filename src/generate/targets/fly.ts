/**
 * fly.toml per service folder: one Fly app for the web service there, its workers as extra
 * processes of the same app, VM sizes from the estimate matched to the catalog's Fly presets.
 */
import path from "node:path";
import { stringify } from "smol-toml";
import flyCatalog from "../../catalog/platforms/fly.json" with { type: "json" };
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";
import { cwdFiles, mountPath, slug } from "./common.js";

export interface FlyVm {
  memory: number;
  cpus: number;
  cpuKind: "shared" | "performance";
}

/** Fly presets from the catalog, smallest RAM first, cheapest first at equal RAM. */
const PRESETS = flyCatalog.plans
  .flatMap((p) => (p.pricing.model === "instances" ? (p.pricing.instances ?? []) : []))
  .map((i) => ({ id: i.id, memory: i.ramMB.value, cpus: i.vcpu.value, usd: i.monthlyUSD?.value ?? Infinity }))
  .sort((a, b) => a.memory - b.memory || a.usd - b.usd);

/** The smallest Fly preset with at least `memoryMB`; beyond the largest, performance CPUs with memory rounded up to 1 GB. */
export function flyVm(memoryMB: number): FlyVm {
  const fit = PRESETS.find((p) => p.memory >= memoryMB);
  if (fit) return { memory: fit.memory, cpus: fit.cpus, cpuKind: fit.id.startsWith("performance") ? "performance" : "shared" };
  const memory = Math.ceil(memoryMB / 1024) * 1024;
  // A performance vCPU carries at most 8 GB on Fly; cpus must be a power of two up to 16.
  const cpus = [1, 2, 4, 8, 16].find((c) => c * 8192 >= memory) ?? 16;
  return { memory, cpus, cpuKind: "performance" };
}

/** Fly runs process commands without a shell: wrap them so ${PORT:-…} expands. */
function shellCommand(command: string): string {
  return `sh -c ${JSON.stringify(command)}`;
}

function appFile(ctx: GenerateContext, root: string, group: ServicePlan[]): GeneratedFile {
  const web = group.find((s) => s.service.kind !== "worker");
  const primary = web ?? group[0];
  if (!primary) throw new Error(`no service in ${root}`);
  const app = slug(`${ctx.model.name}-${primary.service.id}`);
  const fixes: string[] = [];
  const processes = group.length > 1;
  const name = (s: ServicePlan) => slug(s.service.id, "_");
  const doc: Record<string, unknown> = { app, primary_region: "iad", build: { dockerfile: "Dockerfile" } };
  if (web) doc.env = { PORT: String(web.port) };
  if (processes) {
    doc.processes = Object.fromEntries(group.filter((s) => s.command).map((s) => [name(s), shellCommand(s.command)]));
    fixes.push(`runs ${group.map((s) => s.service.id).join(" and ")} as processes of one app (${group.map(name).join(", ")}), each on its own machine`);
  }
  for (const s of group) fixes.push(...s.commandFixes.map((f) => `${s.service.id}: ${f}`));
  if (web) {
    const http: Record<string, unknown> = {
      internal_port: web.port,
      force_https: true,
      auto_stop_machines: "stop",
      auto_start_machines: true,
      min_machines_running: 0,
    };
    if (processes) http.processes = [name(web)];
    fixes.push(`routes HTTPS to port ${web.port} (PORT=${web.port}); machines stop when idle and start on the next request (expect a ~${web.startPeriodSeconds} s first response)`);
    if (web.healthPath) {
      http.checks = [{ grace_period: `${web.startPeriodSeconds}s`, interval: "30s", timeout: "5s", method: "GET", path: web.healthPath }];
      fixes.push(`health check on ${web.healthPath} after a ${web.startPeriodSeconds} s grace period (the estimated start)`);
    } else {
      fixes.push("no health check: the app exposes no health route");
    }
    doc.http_service = http;
  }
  doc.vm = group.map((s) => {
    const chosen = ctx.size?.platform === "fly" ? PRESETS.find((p) => p.id === ctx.size?.instance) : undefined;
    const vm = chosen ? { memory: chosen.memory, cpus: chosen.cpus, cpuKind: chosen.id.startsWith("performance") ? "performance" : "shared" } : flyVm(s.memoryMB);
    if (chosen && chosen.memory < s.memoryMB) fixes.push(`${s.service.id}: ${chosen.id} chosen with --plan has less memory than the estimated need: expect out-of-memory kills`);
    fixes.push(`${s.service.id}: ${vm.cpuKind} ${vm.cpus} CPU, ${vm.memory} MB for an estimated need of ${s.memoryMB} MB`);
    const entry: Record<string, unknown> = { memory: `${vm.memory}mb`, cpu_kind: vm.cpuKind, cpus: vm.cpus };
    if (processes) entry.processes = [name(s)];
    return entry;
  });
  const mounts: Record<string, unknown>[] = [];
  for (const s of group) {
    const paths = s.durablePaths.map((p) => ({ p, m: mountPath(p) }));
    const first = paths.find((x) => x.m);
    if (first?.m) {
      const mount: Record<string, unknown> = { source: `${name(s)}_data`, destination: first.m, initial_size: "1gb" };
      if (processes) mount.processes = [name(s)];
      mounts.push(mount);
      fixes.push(`${s.service.id}: volume at ${first.m} for ${first.p}, which the machine's disk loses on every deploy (one volume per machine: it pins the service to one machine)`);
    }
    for (const x of paths) {
      if (x !== first) fixes.push(`${s.service.id}: ${x.p} is not persisted (one mount per machine): move it under ${first?.m ?? "the volume"}`);
    }
    const cwd = cwdFiles(ctx, s);
    if (cwd.length) fixes.push(`${s.service.id}: writes ${cwd.join(", ")} in its working directory, which a volume cannot be mounted over (it would hide the code): move it into a folder on a volume, or use a managed database`);
  }
  if (mounts.length) doc.mounts = mounts;
  const secrets = [...new Set(group.flatMap((s) => s.env.filter((v) => v.name !== "PORT").map((v) => v.name)))];
  if (secrets.length) fixes.push(`the app reads ${secrets.join(", ")}: set values with \`fly secrets set\` (values are never written here)`);
  const header = `# Generated by \`shipfit generate fly\` for ${group.map((s) => s.service.id).join(", ")}. Deploy: fly deploy${root === "." ? "" : ` (from ${root}/)`}.\n`;
  return { path: path.posix.join(root, "fly.toml"), content: `${header}${stringify(doc)}\n`, format: "toml", target: "fly", fixes };
}

export const fly: Generator = {
  target: "fly",
  summary: "fly.toml per service folder: http_service, checks, VM size from the estimate, mounts, worker processes",
  generate(ctx) {
    const roots = [...new Set(ctx.services.map((s) => s.root))];
    return roots.map((root) => appFile(ctx, root, ctx.services.filter((s) => s.root === root)));
  },
};
