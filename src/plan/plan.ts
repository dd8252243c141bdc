/**
 * `plan(model, footprint, catalog)`: every plan of every platform, evaluated for the app; options
 * ranked for the user's constraints; a recommendation per budget scenario; and what-if variants
 * (remote inference, CPU-only torch, models in object storage, merged services) with their effect.
 */
import type { AppModel } from "../core/app-model.js";
import { byText } from "../core/evidence.js";
import type { Platform, StorageOffer } from "../catalog/schema.js";
import { estimate } from "../estimate/estimate.js";
import type { Footprint } from "../estimate/footprint.js";
import paramsData from "../data/plan-params.json" with { type: "json" };
import { evaluatePlan, traffic } from "./evaluate.js";
import type { PlanOption, PlanOptions, PlanResult, Scenario, VariantResult } from "./types.js";
import { cpuTorch, mergeServices, modelsToStorage, remoteInference } from "./variants.js";

/** Cheapest first; among equals, the better-sourced figures first. */
function rank(options: PlanOption[]): PlanOption[] {
  const trust = { vendor: 0, "second-hand": 1, recalled: 2 };
  return [...options].sort((a, b) => Number(b.fits) - Number(a.fits) || a.cost.total - b.cost.total || trust[a.confidence] - trust[b.confidence] || byText(a.planId, b.planId));
}

function evaluateAll(model: AppModel, footprint: Footprint, catalog: Platform[], options: PlanOptions): PlanOption[] {
  const t = traffic(options);
  const out: PlanOption[] = [];
  for (const platform of catalog) {
    for (const plan of platform.plans) out.push(evaluatePlan(model, footprint.services, platform, plan, options, t));
  }
  const within = options.budgetUSD === undefined ? out : out.filter((o) => o.cost.total <= (options.budgetUSD as number));
  return rank(within);
}

function scenarios(all: PlanOption[], model: AppModel, footprint: Footprint, catalog: Platform[], options: PlanOptions): Scenario[] {
  const fitting = all.filter((o) => o.fits);
  const free = fitting.find((o) => o.cost.total === 0);
  const budget = fitting.find((o) => o.cost.total > 0 && o.cost.total <= 10) ?? fitting.find((o) => o.cost.total <= 10);
  // Production: always on, no sleep, no durable write on an ephemeral disk.
  const { budgetUSD: _ignored, ...unbounded } = options;
  const always = options.alwaysOn ? all : evaluateAll(model, footprint, catalog, { ...unbounded, alwaysOn: true });
  // Production: paid (free tiers carry no guarantee and get reclaimed), always on, durable writes kept.
  const production = always.find((o) => o.fits && o.cost.total > 0 && !o.risks.some((r) => /ephemeral disk|deleted after/.test(r)));
  const describe = (o: PlanOption | undefined, why: string): Pick<Scenario, "planId" | "monthlyUSD" | "why"> =>
    o ? { planId: o.planId, monthlyUSD: o.cost.total, why: `${why}${o.risks.length ? `; risks: ${o.risks.slice(0, 2).join("; ")}` : ""}` } : { why: `no plan in the catalog fits (${why})` };
  return [
    { id: "free", title: "$0", ...describe(free, "fits within a free tier") },
    { id: "budget", title: "up to $10 a month", ...describe(budget, "cheapest paid option that fits") },
    { id: "production", title: "production", ...describe(production, "paid, always on, no sleep, durable writes on a volume") },
  ];
}

function largest(fp: Footprint): { ram: number; image: number } {
  return {
    ram: Math.max(0, ...fp.services.map((s) => Math.max(s.ram.peakMB.expected, s.ram.steadyMB.expected))),
    image: Math.max(0, ...fp.services.map((s) => s.imageMB.expected)),
  };
}

/** Object storage for moved models: the cheapest offer in the catalog, priced for their size. */
function storageCost(catalog: Platform[], storedMB: number): { offer: StorageOffer; usd: number } | undefined {
  const gb = storedMB / 1024;
  const priced = catalog.flatMap((p) => p.storage).map((offer) => ({ offer, usd: Math.max(0, gb - (offer.freeGB?.value ?? 0)) * offer.gbMonthUSD.value }));
  return priced.sort((a, b) => a.usd - b.usd || a.offer.gbMonthUSD.value - b.offer.gbMonthUSD.value)[0];
}

function variant(id: VariantResult["id"], title: string, change: string, before: { options: PlanOption[]; footprint: Footprint }, model: AppModel, catalog: Platform[], options: PlanOptions, extraUSD = 0, extraLabel = ""): VariantResult {
  const footprint = estimate(model);
  let opts = evaluateAll(model, footprint, catalog, options);
  if (extraUSD > 0) {
    opts = rank(opts.map((o) => ({ ...o, cost: { ...o.cost, storage: o.cost.storage + extraUSD, total: Math.round((o.cost.total + extraUSD) * 100) / 100, lines: [...o.cost.lines, { label: extraLabel, kind: "storage" as const, usd: Math.round(extraUSD * 100) / 100, source: "src/catalog (cheapest object storage)" }] } })));
  }
  const fitBefore = new Set(before.options.filter((o) => o.fits).map((o) => o.planId));
  const cheapest = opts.find((o) => o.fits);
  const b = largest(before.footprint);
  const a = largest(footprint);
  const result: VariantResult = {
    id,
    title,
    change,
    newlyFits: opts.filter((o) => o.fits && !fitBefore.has(o.planId)).map((o) => o.planId),
    ramMB: { before: Math.round(b.ram), after: Math.round(a.ram) },
    imageMB: { before: Math.round(b.image), after: Math.round(a.image) },
    options: opts,
  };
  if (cheapest) result.cheapest = { planId: cheapest.planId, monthlyUSD: cheapest.cost.total };
  return result;
}

/** Plan a scanned app across the catalog. */
export function plan(model: AppModel, catalog: Platform[], options: PlanOptions = {}, footprint: Footprint = estimate(model)): PlanResult {
  const options0 = evaluateAll(model, footprint, catalog, options);
  const before = { options: options0, footprint };
  const variants: VariantResult[] = [];
  if (options.variants !== false) {
    const remote = remoteInference(model);
    if (remote) variants.push(variant("remote-inference", "Run inference remotely", "call a hosted model (Hugging Face Inference API, OpenAI) instead of loading torch/transformers in the process: those packages and the models they load leave the image and the memory", before, remote, catalog, options));
    const cpu = cpuTorch(model);
    if (cpu) variants.push(variant("cpu-torch", "CPU-only torch", "install torch from https://download.pytorch.org/whl/cpu: no CUDA libraries in the image, less memory at import", before, cpu, catalog, options));
    const stored = modelsToStorage(model);
    if (stored) {
      const s = storageCost(catalog, stored.storedMB);
      variants.push(variant("models-to-storage", "Models in object storage", `push the model files (${Math.round(stored.storedMB)} MB) to object storage and pull them into a local cache at start (shipfit models): they leave the image and survive restarts${s ? `; ${s.offer.name} costs $${s.usd.toFixed(2)} a month for them` : ""}`, before, stored.model, catalog, options, s?.usd ?? 0, s ? `model files on ${s.offer.name}` : ""));
    }
    const merged = mergeServices(model);
    if (merged) variants.push(variant("merge-services", "One service", "serve the front end from the backend (a static build) and run one process: one instance instead of several", before, merged, catalog, options));
  }
  const t = traffic(options);
  const P = paramsData;
  return {
    options: options0,
    scenarios: scenarios(options0, model, footprint, catalog, options),
    variants,
    assumptions: [
      `${t.users} users, ${P.requestsPerUserPerDay.value} requests each a day (${t.requestsPerMonth} a month), ${P.requestSeconds.expected} s per request (${P.requestsPerUserPerDay.source})`,
      `memory asked for = the estimate's peak + ${P.ramHeadroom.value * 100}% headroom (${P.ramHeadroom.source})`,
      `usage-billed CPU: ${P.averageVcpu.expected} vCPU average (${P.averageVcpu.source})`,
      `databases: ${P.databaseRamMB.value} MB RAM and ${P.databaseStorageGB.value} GB where billed by usage; volumes ${P.volumeGB.value} GB`,
      `egress ${P.egressMBPerUserMonth.value} MB per user a month`,
    ],
  };
}
