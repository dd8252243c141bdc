/**
 * One app on one hosting plan: the fit rules per service (RAM with headroom, image size, websockets,
 * background workers, persistent disk, sleep, service count) and the monthly cost by pricing model
 * (usage, instance types, serverless with its free tier), databases, storage and egress.
 */
import type { AppModel, Service } from "../core/app-model.js";
import type { ServiceFootprint } from "../estimate/footprint.js";
import type { CatalogFact, InstanceType, Plan, Platform } from "../catalog/schema.js";
import paramsData from "../data/plan-params.json" with { type: "json" };
import type { Cost, CostLine, FitCheck, PlanOption, PlanOptions, ServiceFit } from "./types.js";

const P = paramsData;

export interface Traffic {
  users: number;
  requestsPerMonth: number;
}

export function traffic(options: PlanOptions): Traffic {
  const users = options.users ?? P.defaultUsers.value;
  return { users, requestsPerMonth: users * P.requestsPerUserPerDay.value * 30 };
}

/** Memory to ask for: the larger of the peak and the settled figure, plus headroom. */
export function ramNeed(fp: ServiceFootprint): number {
  return Math.ceil(Math.max(fp.ram.peakMB.expected, fp.ram.steadyMB.expected) * (1 + P.ramHeadroom.value));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function price(f: CatalogFact | undefined): number {
  return f?.value ?? 0;
}

/** Smallest instance type with enough memory; region-priced when the platform prices by region. */
function pickInstance(instances: InstanceType[], needMB: number, region?: string): { type: InstanceType; monthly: number; source: string } | undefined {
  const fit = [...instances].sort((a, b) => a.ramMB.value - b.ramMB.value).find((i) => i.ramMB.value >= needMB);
  if (!fit) return undefined;
  const regional = region ? fit.regionalMonthlyUSD?.[region] : undefined;
  const chosen = regional ?? fit.monthlyUSD;
  return { type: fit, monthly: chosen.value, source: chosen.source };
}

function usesWebsockets(svc: Service): boolean {
  return svc.frameworks.some((f) => f.value === "flask-socketio" || f.value === "streamlit");
}

/** Paths a service writes that a restart on an ephemeral disk loses (caches are fine to lose). */
function durableWrites(model: AppModel, svc: Service): string[] {
  return model.diskWrites.filter((w) => w.service === svc.id && ["sqlite", "uploads", "models", "output"].includes(w.kind)).map((w) => `${w.path} (${w.kind})`);
}

interface Evaluated {
  fit: ServiceFit;
  compute: CostLine[];
  /** Serverless: billed per use, so sleep rules differ. */
  serverless: boolean;
}

function evaluateService(model: AppModel, svc: Service, fp: ServiceFootprint, plan: Plan, options: PlanOptions, t: Traffic): Evaluated {
  const need = ramNeed(fp);
  const checks: FitCheck[] = [];
  const compute: CostLine[] = [];
  let limit = plan.limits.ramMB.value;
  let size: string | undefined;
  const pricing = plan.pricing;
  const hours = P.hoursPerMonth.value;

  if (pricing.model === "instances") {
    const pick = pickInstance(pricing.instances, need, options.region);
    const largest = Math.max(...pricing.instances.map((i) => i.ramMB.value));
    limit = pick ? pick.type.ramMB.value : Math.min(limit, largest);
    if (pick) {
      size = pick.type.id;
      compute.push({ label: `${svc.id}: ${pick.type.id} (${pick.type.ramMB.value} MB, ${pick.type.vcpu.value} vCPU)`, kind: "compute", usd: pick.monthly, source: pick.source });
    }
  } else if (pricing.model === "usage") {
    const steadyGB = Math.max(fp.ram.steadyMB.expected, fp.ram.startMB.expected) / 1024;
    compute.push({ label: `${svc.id}: ${round2(steadyGB)} GB RAM × a month`, kind: "compute", usd: steadyGB * pricing.ramGBMonthUSD.value, source: pricing.ramGBMonthUSD.source });
    compute.push({ label: `${svc.id}: ${P.averageVcpu.expected} vCPU average × a month`, kind: "compute", usd: P.averageVcpu.expected * pricing.vcpuMonthUSD.value, source: `${pricing.vcpuMonthUSD.source}; ${P.averageVcpu.source}` });
  } else if (pricing.model === "serverless") {
    const step = pricing.memoryStepsMB.find((m) => m >= need);
    limit = step ?? Math.max(...pricing.memoryStepsMB);
    if (step) {
      size = `${step} MB`;
      const gib = step / 1024;
      const vcpu = pricing.vcpuPerGiB ? gib * pricing.vcpuPerGiB.value : 1;
      // Always on, or instance-based billing: one instance billed all month; else only while requests run.
      const seconds = options.alwaysOn || pricing.billedWhileIdle ? hours * 3600 : t.requestsPerMonth * P.requestSeconds.expected;
      const gibSeconds = Math.max(0, seconds * gib - price(pricing.freeGibSeconds));
      const vcpuSeconds = Math.max(0, seconds * vcpu - price(pricing.freeVcpuSeconds));
      const requests = Math.max(0, t.requestsPerMonth - price(pricing.freeRequests));
      compute.push({ label: `${svc.id}: ${Math.round(gibSeconds)} GiB-s beyond the free tier`, kind: "compute", usd: gibSeconds * pricing.gibSecondUSD.value, source: pricing.gibSecondUSD.source });
      compute.push({ label: `${svc.id}: ${Math.round(vcpuSeconds)} vCPU-s beyond the free tier`, kind: "compute", usd: vcpuSeconds * pricing.vcpuSecondUSD.value, source: pricing.vcpuSecondUSD.source });
      compute.push({ label: `${svc.id}: ${requests} requests beyond the free tier`, kind: "compute", usd: (requests / 1e6) * pricing.perMillionRequestsUSD.value, source: pricing.perMillionRequestsUSD.source });
    }
  }

  checks.push(
    need <= limit
      ? { rule: "ram", verdict: "ok", message: `needs ${need} MB (peak ${Math.round(fp.ram.peakMB.expected)} MB + ${P.ramHeadroom.value * 100}% headroom) of ${limit} MB` }
      : { rule: "ram", verdict: "blocker", message: `needs ${need} MB (peak ${Math.round(fp.ram.peakMB.expected)} MB + ${P.ramHeadroom.value * 100}% headroom) but ${plan.name} gives at most ${limit} MB` },
  );
  const imageLimit = plan.limits.imageMB?.value;
  if (imageLimit !== undefined) {
    checks.push(
      fp.imageMB.expected <= imageLimit
        ? { rule: "image", verdict: "ok", message: `image ${Math.round(fp.imageMB.expected)} MB within ${imageLimit} MB` }
        : { rule: "image", verdict: "blocker", message: `image ${Math.round(fp.imageMB.expected)} MB exceeds the ${imageLimit} MB limit` },
    );
  }
  // Requests the app lets run long (gunicorn --timeout) against the platform's request limit.
  const timeout = plan.limits.requestTimeoutSeconds?.value;
  const longest = svc.kind !== "worker" ? svc.server?.timeoutSeconds : undefined;
  if (timeout !== undefined && longest !== undefined && longest > timeout) {
    checks.push({ rule: "timeout", verdict: "risk", message: `${svc.server?.kind} lets a request run ${longest} s (--timeout) but ${plan.name} ends requests after ${timeout} s` });
  }
  if (svc.kind === "worker" && !plan.features.backgroundWorkers) checks.push({ rule: "worker", verdict: "blocker", message: `${plan.name} cannot run a background worker` });
  if (usesWebsockets(svc) && !plan.features.websockets) checks.push({ rule: "websockets", verdict: "blocker", message: `${svc.id} uses websockets, which ${plan.name} does not carry` });
  if (svc.gpu.value && !plan.features.gpu) checks.push({ rule: "gpu", verdict: "blocker", message: `${svc.id} uses CUDA; ${plan.name} has no GPU` });
  const writes = durableWrites(model, svc);
  if (writes.length > 0) {
    checks.push(
      plan.features.persistentDisk
        ? { rule: "disk", verdict: "ok", message: `writes ${writes.join(", ")}: mount a volume (${P.volumeGB.value} GB priced)` }
        : { rule: "disk", verdict: "risk", message: `writes ${writes.join(", ")} to an ephemeral disk: lost at every restart or deploy` },
    );
  }
  // `sleeps` on a plan that can stay always on is an opt-in (Railway's serverless, Fly's auto-stop).
  const sleeps = plan.features.alwaysOn ? false : plan.features.sleeps;
  if (sleeps && svc.kind !== "worker") {
    const wake = sleeps.wakeSeconds?.value;
    const cold = Math.round((wake ?? 0) + fp.coldStartSeconds.expected);
    checks.push(
      options.alwaysOn
        ? { rule: "sleep", verdict: "blocker", message: `sleeps after ${sleeps.afterMinutes.value} min idle; --always-on asks for no sleep` }
        : { rule: "sleep", verdict: "risk", message: `sleeps after ${sleeps.afterMinutes.value} min idle; the next request waits ~${cold} s (wake${wake === undefined ? "" : ` ${wake} s`} + app start ${Math.round(fp.coldStartSeconds.expected)} s)` },
    );
  } else if (options.alwaysOn && !plan.features.alwaysOn) {
    checks.push({ rule: "sleep", verdict: "blocker", message: `${plan.name} cannot stay always on` });
  }
  const fits = !checks.some((c) => c.verdict === "blocker");
  const fit: ServiceFit = { service: svc.id, fits, ramNeedMB: need, ramLimitMB: limit, checks };
  if (size) fit.size = size;
  return { fit, compute, serverless: pricing.model === "serverless" };
}

/** Database and cache kinds the app needs a server for (SQLite is a file, S3 is storage). */
function managedKinds(model: AppModel): string[] {
  return [...new Set(model.datastores.map((d) => d.kind).filter((k) => k === "postgresql" || k === "redis" || k === "mysql" || k === "mongodb"))];
}

/** Databases the app needs, priced with the platform's cheapest offer (or billed as usage). */
function databaseLines(model: AppModel, platform: Platform, plan: Plan): { lines: CostLine[]; risks: string[] } {
  const lines: CostLine[] = [];
  const risks: string[] = [];
  if (plan.pricing.model === "instances" && plan.pricing.sharedMachine) {
    for (const kind of managedKinds(model)) lines.push({ label: `${kind} in a container on the same machine (${P.databaseRamMB.value} MB of its RAM)`, kind: "database", usd: 0, source: P.databaseRamMB.source });
    return { lines, risks };
  }
  for (const kind of managedKinds(model)) {
    const offers = platform.datastores.filter((d) => d.kind === kind);
    const free = plan.monthlyFeeUSD.value === 0 && plan.pricing.model === "free";
    const pick = [...offers].filter((o) => free || !o.expiresAfterDays).sort((a, b) => a.monthlyUSD.value - b.monthlyUSD.value)[0] ?? offers[0];
    if (!pick) {
      lines.push({ label: `${kind}: none on ${platform.name}; an external one (Neon, Supabase, Upstash free tiers) or its own service`, kind: "database", usd: 0, source: "no offer in the catalog" });
      risks.push(`${kind} must be hosted elsewhere`);
      continue;
    }
    if (pick.usageBased && plan.pricing.model === "usage") {
      const gb = P.databaseRamMB.value / 1024;
      lines.push({ label: `${kind} (${pick.name}): ${P.databaseRamMB.value} MB RAM as usage`, kind: "database", usd: gb * plan.pricing.ramGBMonthUSD.value, source: `${plan.pricing.ramGBMonthUSD.source}; ${P.databaseRamMB.source}` });
      const volume = plan.features.persistentDisk;
      if (volume) lines.push({ label: `${kind} volume ${P.databaseStorageGB.value} GB`, kind: "storage", usd: P.databaseStorageGB.value * volume.gbMonthUSD.value, source: volume.gbMonthUSD.source });
    } else {
      lines.push({ label: `${kind} (${pick.name})`, kind: "database", usd: pick.monthlyUSD.value, source: pick.monthlyUSD.source });
    }
    if (pick.expiresAfterDays) risks.push(`${pick.name} is deleted after ${pick.expiresAfterDays.value} days`);
  }
  return { lines, risks };
}

/**
 * On a virtual machine every service shares one box: it is sized for their summed memory and paid
 * once. Each service is then checked against that machine.
 */
function onSharedMachine(model: AppModel, services: ServiceFootprint[], plan: Plan, options: PlanOptions, t: Traffic): Evaluated[] {
  const pricing = plan.pricing;
  if (pricing.model !== "instances") return [];
  // The machine also runs the app's databases (docker compose), each with a small memory budget.
  const total = services.reduce((a, fp) => a + Math.max(fp.ram.peakMB.expected, fp.ram.steadyMB.expected), 0) + managedKinds(model).length * P.databaseRamMB.value;
  const combined: ServiceFootprint = { ...(services[0] as ServiceFootprint), service: "all services", ram: { ...(services[0] as ServiceFootprint).ram, peakMB: { low: total, expected: total, high: total, parts: [], origin: "estimate" }, steadyMB: { low: total, expected: total, high: total, parts: [], origin: "estimate" } } };
  const machine = evaluateService(model, model.services[0] as Service, combined, plan, options, t);
  return model.services.map((svc, i) => {
    const fp = services.find((s) => s.service === svc.id) as ServiceFootprint;
    const own = evaluateService(model, svc, fp, { ...plan, pricing: { ...pricing, instances: pricing.instances.filter((x) => x.id === machine.fit.size) } }, options, t);
    const ram = machine.fit.checks.find((c) => c.rule === "ram");
    const checks = [...own.fit.checks.filter((c) => c.rule !== "ram"), ...(ram ? [{ ...ram, message: `all services together ${ram.message.replace(/^needs/, "need")}` }] : [])];
    const fit: ServiceFit = { ...own.fit, ramNeedMB: machine.fit.ramNeedMB, ramLimitMB: machine.fit.ramLimitMB, checks, fits: !checks.some((c) => c.verdict === "blocker") };
    if (machine.fit.size) fit.size = machine.fit.size;
    return { fit, compute: i === 0 ? machine.compute.map((l) => ({ ...l, label: l.label.replace(/^[^:]*:/, "one machine for all services:") })) : [], serverless: false };
  });
}

export function evaluatePlan(model: AppModel, services: ServiceFootprint[], platform: Platform, plan: Plan, options: PlanOptions, t: Traffic): PlanOption {
  const shared = plan.pricing.model === "instances" && plan.pricing.sharedMachine && model.services.length > 1;
  const evaluated = shared
    ? onSharedMachine(model, services, plan, options, t)
    : model.services.map((svc) => {
        const fp = services.find((s) => s.service === svc.id);
        if (!fp) throw new Error(`no footprint for ${svc.id}`);
        return evaluateService(model, svc, fp, plan, options, t);
      });
  const fits = evaluated.map((e) => e.fit);
  const limitServices = plan.limits.services?.value;
  if (limitServices !== undefined && model.services.length > limitServices) {
    for (const f of fits.slice(limitServices)) {
      f.fits = false;
      f.checks.push({ rule: "services", verdict: "blocker", message: `${plan.name} allows ${limitServices} service(s); the app has ${model.services.length}` });
    }
  }
  const lines: CostLine[] = evaluated.flatMap((e) => e.compute);
  const db = databaseLines(model, platform, plan);
  lines.push(...db.lines);
  // A volume for services that write durable files, when the plan sells one.
  const disk = plan.features.persistentDisk;
  for (const f of fits) {
    if (disk && f.checks.some((c) => c.rule === "disk")) lines.push({ label: `${f.service}: volume ${P.volumeGB.value} GB`, kind: "storage", usd: P.volumeGB.value * disk.gbMonthUSD.value, source: disk.gbMonthUSD.source });
  }
  const egressGB = (t.users * P.egressMBPerUserMonth.value) / 1024;
  if (platform.egressGBUSD) lines.push({ label: `egress ${Math.round(egressGB * 10) / 10} GB (${t.users} users)`, kind: "egress", usd: egressGB * platform.egressGBUSD.value, source: `${platform.egressGBUSD.source}; ${P.egressMBPerUserMonth.source}` });
  lines.push({ label: `${plan.name} subscription`, kind: "fee", usd: plan.monthlyFeeUSD.value, source: plan.monthlyFeeUSD.source });
  const usageTotal = lines.filter((l) => l.kind !== "fee").reduce((a, l) => a + l.usd, 0);
  if (plan.pricing.model === "usage" && plan.pricing.includedUSD) {
    // Included usage pays for usage only, up to its amount.
    const credit = Math.min(plan.pricing.includedUSD.value, usageTotal);
    if (credit > 0) lines.push({ label: `included usage credit`, kind: "credit", usd: -credit, source: plan.pricing.includedUSD.source });
  }
  const sum = (kind: CostLine["kind"]) => round2(lines.filter((l) => l.kind === kind).reduce((a, l) => a + l.usd, 0));
  const cost: Cost = {
    compute: sum("compute"),
    database: sum("database"),
    storage: sum("storage"),
    egress: sum("egress"),
    fees: round2(sum("fee") + sum("credit")),
    total: 0,
    lines: lines.map((l) => ({ ...l, usd: round2(l.usd) })),
  };
  cost.total = round2(lines.reduce((a, l) => a + l.usd, 0));
  // A free tier bills nothing: compute beyond its allowance stops the app rather than costing money.
  const freeTier = plan.monthlyFeeUSD.value === 0 && (plan.pricing.model === "free" || /free|community|cpu-basic/i.test(`${plan.id} ${plan.name}`));
  const allowance = plan.pricing.model === "usage" ? (plan.pricing.includedUSD?.value ?? 0) : 0;
  if (freeTier && cost.compute > allowance + 0.005) {
    for (const f of fits) {
      f.fits = false;
      f.checks.push({ rule: "credit", verdict: "blocker", message: `uses $${cost.compute.toFixed(2)} of compute a month; ${plan.name} covers $${allowance.toFixed(2)} and stops the app beyond it` });
    }
  }
  const risks = [...db.risks, ...fits.flatMap((f) => f.checks.filter((c) => c.verdict === "risk").map((c) => `${f.service}: ${c.message}`))];
  return {
    planId: plan.id,
    platform: platform.id,
    platformName: platform.name,
    planName: plan.name,
    fits: fits.every((f) => f.fits),
    freeTier,
    services: fits,
    cost,
    risks,
    confidence: plan.confidence,
  };
}
