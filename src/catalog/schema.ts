/**
 * The hosting catalog: one file per platform (src/catalog/platforms/<id>.json), every number with
 * its source, date and confidence, validated when loaded. A user file given with `--catalog`
 * overrides or adds platforms with the same shape.
 */
import { z } from "zod";

const date = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, "YYYY-MM or YYYY-MM-DD");

/** How much to trust a figure: read in vendor docs, seen second-hand, or recalled (check it). */
export const CatalogConfidence = z.enum(["vendor", "second-hand", "recalled"]);

/** A number with its source, date and confidence. */
export const Fact = z.object({
  value: z.number().nonnegative(),
  source: z.string().min(3),
  date,
  confidence: CatalogConfidence,
  note: z.string().optional(),
});
export type CatalogFact = z.infer<typeof Fact>;

/** A fixed-size instance type sold by the month (Render starter, Heroku basic, a Hetzner VPS, a Fly preset). */
export const InstanceType = z.object({
  id: z.string(),
  ramMB: Fact,
  vcpu: Fact,
  /** Price for a month running all the time, USD. */
  monthlyUSD: Fact,
  /** Regions that price it differently (Fly.io), region id → monthly USD. */
  regionalMonthlyUSD: z.record(z.string(), Fact).optional(),
  /** Ephemeral disk that comes with it, MB. */
  diskMB: Fact.optional(),
});
export type InstanceType = z.infer<typeof InstanceType>;

/**
 * How a plan charges for compute:
 * - `usage`: per GB of RAM and per vCPU over the month (Railway), minus included usage;
 * - `instances`: the price of the instance type that fits (Render, Heroku, Fly, Koyeb, VPS);
 * - `serverless`: per vCPU-second, GiB-second and request, with a monthly free tier (Cloud Run, Lambda);
 * - `free`: nothing, within the plan's limits.
 */
export const Pricing = z.discriminatedUnion("model", [
  z.object({
    model: z.literal("usage"),
    ramGBMonthUSD: Fact,
    vcpuMonthUSD: Fact,
    /** Credit included in the monthly fee (Railway Hobby includes $5 of usage). */
    includedUSD: Fact.optional(),
  }),
  z.object({
    model: z.literal("instances"),
    instances: z.array(InstanceType).min(1),
    /** A virtual machine (VPS): every service runs on one machine (docker compose), sized for their sum. */
    sharedMachine: z.boolean().optional(),
  }),
  z.object({
    model: z.literal("serverless"),
    vcpuSecondUSD: Fact,
    gibSecondUSD: Fact,
    perMillionRequestsUSD: Fact,
    freeVcpuSeconds: Fact.optional(),
    freeGibSeconds: Fact.optional(),
    freeRequests: Fact.optional(),
    /** Memory sizes a function or service can be given, MB (the plan picks the smallest that fits). */
    memoryStepsMB: z.array(z.number().positive()).min(1),
    /** vCPU that comes with a memory size when the platform ties them (Lambda), else the plan default. */
    vcpuPerGiB: Fact.optional(),
    /** Instance-based billing (Cloud Run "CPU always allocated"): an instance is billed for its whole life, not per request. */
    billedWhileIdle: z.boolean().optional(),
  }),
  z.object({ model: z.literal("free") }),
]);
export type Pricing = z.infer<typeof Pricing>;

export const Plan = z.object({
  /** `<platform>:<plan>`, e.g. railway:hobby. */
  id: z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/),
  name: z.string(),
  /** Monthly subscription fee, USD, beside what compute costs. */
  monthlyFeeUSD: Fact,
  pricing: Pricing,
  limits: z.object({
    /** Most RAM one service (or instance) can have, MB. */
    ramMB: Fact,
    vcpu: Fact.optional(),
    /** Largest image (or slug, or bundle) it accepts, MB. */
    imageMB: Fact.optional(),
    /** Ephemeral disk, MB. */
    ephemeralDiskMB: Fact.optional(),
    /** Longest request, seconds. */
    requestTimeoutSeconds: Fact.optional(),
    buildTimeoutSeconds: Fact.optional(),
    /** Services (or instances) the plan allows. */
    services: Fact.optional(),
  }),
  features: z.object({
    websockets: z.boolean(),
    /** Can run a process that serves no HTTP (a Celery worker). */
    backgroundWorkers: z.boolean(),
    /** Persistent volume that survives restarts, and its price. */
    persistentDisk: z.union([z.literal(false), z.object({ gbMonthUSD: Fact })]),
    /** Sleeps when idle: after how long, and how long waking takes. */
    sleeps: z.union([z.literal(false), z.object({ afterMinutes: Fact, wakeSeconds: Fact.optional() })]),
    /** Whether an instance can be kept always on (min instances, no sleep). */
    alwaysOn: z.boolean(),
    creditCardRequired: z.boolean().optional(),
    gpu: z.boolean().optional(),
  }),
  /** What the figures rest on overall. */
  confidence: CatalogConfidence,
  notes: z.array(z.string()).default([]),
});
export type Plan = z.infer<typeof Plan>;

/** A managed database or cache offer on the platform (or beside it). */
export const DatastoreOffer = z.object({
  id: z.string(),
  kind: z.enum(["postgresql", "redis", "mysql", "mongodb"]),
  name: z.string(),
  monthlyUSD: Fact,
  storageGB: Fact.optional(),
  ramMB: Fact.optional(),
  /** A free database that is deleted after a while (Render's free Postgres). */
  expiresAfterDays: Fact.optional(),
  /** Billed by usage as a service of the plan (Railway's template databases): RAM and disk as the plan's usage rates. */
  usageBased: z.boolean().optional(),
  notes: z.array(z.string()).default([]),
});
export type DatastoreOffer = z.infer<typeof DatastoreOffer>;

/** Object storage for model files. */
export const StorageOffer = z.object({
  id: z.string(),
  name: z.string(),
  gbMonthUSD: Fact,
  /** Per 1,000 PUT-class and GET-class requests. */
  putPer1kUSD: Fact.optional(),
  getPer1kUSD: Fact.optional(),
  egressGBUSD: Fact.optional(),
  freeGB: Fact.optional(),
  freeEgressGB: Fact.optional(),
});
export type StorageOffer = z.infer<typeof StorageOffer>;

export const Platform = z.object({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  url: z.string(),
  /** The dated docs the figures were read from. */
  sources: z.array(z.object({ url: z.string(), date })).min(1),
  plans: z.array(Plan),
  datastores: z.array(DatastoreOffer).default([]),
  storage: z.array(StorageOffer).default([]),
  /** Egress per GB beyond any allowance, USD. */
  egressGBUSD: Fact.optional(),
  /** Region ids the platform prices, when prices depend on the region. */
  regions: z.array(z.string()).optional(),
  notes: z.array(z.string()).default([]),
});
export type Platform = z.infer<typeof Platform>;
