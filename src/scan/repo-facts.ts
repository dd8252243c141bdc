/**
 * Repository-wide facts gathered across services: environment variables read, datastores, external
 * APIs and files written at run time. Code evidence is `high`; a dependency or a variable name alone
 * is weaker, and says so.
 */
import type {
  Datastore,
  DatastoreKind,
  DiskWrite,
  EnvVar,
  Evidence,
  ExternalApi,
  ExternalApiKind,
  Service,
} from "../core/app-model.js";
import { at, byText } from "../core/evidence.js";
import type { CollectedRepo } from "./collect.js";
import { isSecretName } from "./secrets.js";

/** Dependencies that mean a datastore client, and how sure that makes us. */
const DATASTORE_PACKAGES: { packages: string[]; kind: DatastoreKind }[] = [
  { packages: ["psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg", "pg8000", "pg", "postgres", "@prisma/client", "@vercel/postgres"], kind: "postgresql" },
  { packages: ["redis", "aioredis", "ioredis", "celery-redis", "@upstash/redis", "rq"], kind: "redis" },
  { packages: ["pymysql", "mysqlclient", "mysql-connector-python", "aiomysql", "mysql2"], kind: "mysql" },
  { packages: ["pymongo", "motor", "mongoengine", "mongodb", "mongoose"], kind: "mongodb" },
];

/** Variable names that usually carry a datastore's address. */
const DATASTORE_VARS: { pattern: RegExp; kind: DatastoreKind }[] = [
  { pattern: /^(POSTGRES|PG|DATABASE)_?(URL|URI|HOST|DSN)$|^PGHOST$|^POSTGRES_(DB|USER|PASSWORD)$/, kind: "postgresql" },
  { pattern: /^(REDIS|CELERY_BROKER|BROKER|CELERY_RESULT_BACKEND|KV)_?(URL|URI|HOST)?$|^REDIS_/, kind: "redis" },
  { pattern: /^(S3|AWS_S3|AWS_STORAGE|S3_MODEL|MODEL)_?BUCKET(_NAME)?$|^S3_/, kind: "s3" },
];

const API_PACKAGES: { packages: string[]; kind: ExternalApiKind }[] = [
  { packages: ["openai", "langchain-openai", "@ai-sdk/openai"], kind: "openai" },
  { packages: ["anthropic", "@anthropic-ai/sdk"], kind: "anthropic" },
  { packages: ["supabase", "supabase-py", "@supabase/supabase-js"], kind: "supabase" },
  { packages: ["stripe"], kind: "stripe" },
  { packages: ["replicate"], kind: "replicate" },
  { packages: ["google-auth-oauthlib", "next-auth"], kind: "google-oauth" },
];

/** Variable names that strengthen an API seen in code. An HF token alone is left out: it usually only downloads models. */
const API_VARS: { pattern: RegExp; kind: ExternalApiKind }[] = [
  { pattern: /^OPENAI_/, kind: "openai" },
  { pattern: /^ANTHROPIC_/, kind: "anthropic" },
  { pattern: /SUPABASE_/, kind: "supabase" },
  { pattern: /^GOOGLE_(CLIENT_ID|CLIENT_SECRET|REDIRECT_URI|OAUTH)/, kind: "google-oauth" },
  { pattern: /^STRIPE_/, kind: "stripe" },
  { pattern: /^REPLICATE_/, kind: "replicate" },
];

/** Source files some service loads; with no service found, every file counts. */
export function usedFiles(repo: CollectedRepo, filesOf: Map<string, string[]>): Set<string> {
  const used = new Set([...filesOf.values()].flat());
  return used.size > 0 ? used : new Set([...repo.python.keys(), ...repo.node.keys()]);
}

/** Every variable the loaded code reads, with the services that read it. */
export function envVars(repo: CollectedRepo, used: Set<string>, filesOf: Map<string, string[]>): EnvVar[] {
  const byName = new Map<string, EnvVar>();
  const servicesOf = new Map<string, string[]>();
  for (const [id, files] of filesOf) for (const f of files) servicesOf.set(f, [...(servicesOf.get(f) ?? []), id]);
  const add = (name: string, hasDefault: boolean, evidence: Evidence, file: string) => {
    let v = byName.get(name);
    if (!v) {
      v = { name, hasDefault: true, secret: isSecretName(name), services: [], evidence: [] };
      byName.set(name, v);
    }
    v.hasDefault &&= hasDefault;
    if (v.evidence.length < 5) v.evidence.push(evidence);
    for (const id of servicesOf.get(file) ?? []) if (!v.services.includes(id)) v.services.push(id);
  };
  for (const [file, facts] of repo.python) if (used.has(file)) for (const e of facts.envReads) add(e.name, e.hasDefault, at(file, e.line), file);
  for (const [file, facts] of repo.node) if (used.has(file)) for (const e of facts.envReads) add(e.name, e.hasDefault, at(file, e.line), file);
  for (const v of byName.values()) v.services.sort();
  return [...byName.values()].sort((a, b) => byText(a.name, b.name));
}

/** Facts merged by key: the strongest confidence wins, evidence accumulates (bounded). */
class Merged<T extends { evidence: Evidence[]; confidence: "high" | "medium" | "low" }> {
  private readonly byKey = new Map<string, T>();
  constructor(private readonly key: (t: T) => string) {}

  add(item: T): T {
    const k = this.key(item);
    const existing = this.byKey.get(k);
    if (!existing) {
      this.byKey.set(k, item);
      return item;
    }
    const order = { high: 0, medium: 1, low: 2 };
    if (order[item.confidence] < order[existing.confidence]) existing.confidence = item.confidence;
    for (const e of item.evidence) {
      if (existing.evidence.length < 6 && !existing.evidence.some((x) => x.file === e.file && x.line === e.line)) existing.evidence.push(e);
    }
    return existing;
  }

  find(pred: (t: T) => boolean): T | undefined {
    for (const t of this.byKey.values()) if (pred(t)) return t;
    return undefined;
  }

  has(pred: (t: T) => boolean): boolean {
    return this.find(pred) !== undefined;
  }

  sorted(): T[] {
    return [...this.byKey.entries()].sort(([a], [b]) => byText(a, b)).map(([, t]) => t);
  }
}

/** Datastores from code, dependencies, deploy files and variable names, merged by kind (and SQLite path). */
export function datastores(repo: CollectedRepo, used: Set<string>, vars: EnvVar[]): Datastore[] {
  const list = new Merged<Datastore>((d) => `${d.kind}:${d.path ?? ""}`);
  for (const [file, facts] of repo.python) {
    if (!used.has(file)) continue;
    for (const d of facts.datastores) {
      const item: Datastore = { kind: d.kind, confidence: "high", evidence: [at(file, d.line)] };
      if (d.path) item.path = d.path;
      const merged = list.add(item);
      if (!merged.envVar && d.envVar) merged.envVar = d.envVar;
    }
  }
  for (const m of repo.manifests.values()) {
    for (const dep of m.dependencies) {
      if (dep.group !== undefined && dep.group !== "main") continue;
      const hit = DATASTORE_PACKAGES.find((p) => p.packages.includes(dep.name));
      if (hit) list.add({ kind: hit.kind, confidence: "medium", evidence: [dep.evidence] });
      if (dep.name === "celery" && dep.extras?.includes("redis")) list.add({ kind: "redis", confidence: "medium", evidence: [dep.evidence] });
    }
  }
  // Datastores deploy files declare: compose images, render databases, app.json add-ons.
  for (const d of repo.declaredDatastores) list.add({ kind: d.kind, confidence: "high", evidence: d.evidence });
  // A variable name alone only strengthens a datastore something else suggested, except S3 buckets and Redis URLs.
  for (const v of vars) {
    const hit = DATASTORE_VARS.find((p) => p.pattern.test(v.name));
    if (!hit) continue;
    const existing = list.find((d) => d.kind === hit.kind && !d.path);
    if (existing) {
      existing.envVar ??= v.name;
      if (existing.evidence.length < 6 && v.evidence[0]) existing.evidence.push(v.evidence[0]);
    } else if (hit.kind === "s3" || hit.kind === "redis") {
      list.add({ kind: hit.kind, envVar: v.name, confidence: "low", evidence: v.evidence.slice(0, 1) });
    }
  }
  return list.sorted();
}

/** External APIs from code, dependencies and variable names, merged by kind. */
export function externalApis(repo: CollectedRepo, used: Set<string>, vars: EnvVar[]): ExternalApi[] {
  const list = new Merged<ExternalApi>((a) => a.kind);
  for (const [file, facts] of repo.python) {
    if (!used.has(file)) continue;
    for (const a of facts.externalApis) list.add({ kind: a.kind, confidence: "high", evidence: [at(file, a.line)] });
  }
  for (const m of repo.manifests.values()) {
    for (const dep of m.dependencies) {
      const hit = API_PACKAGES.find((p) => p.packages.includes(dep.name));
      if (hit && (dep.group === "main" || dep.group === undefined)) list.add({ kind: hit.kind, confidence: "medium", evidence: [dep.evidence] });
    }
  }
  for (const v of vars) {
    const hit = API_VARS.find((p) => p.pattern.test(v.name));
    if (hit) list.add({ kind: hit.kind, confidence: list.has((a) => a.kind === hit.kind) ? "high" : "low", evidence: v.evidence.slice(0, 1) });
  }
  return list.sorted();
}

/** A path of wildcards alone (like star-slash-star_star) says nothing a reader can act on: keep paths with a literal name or a variable. */
function meaningfulPath(p: string): boolean {
  return p.includes("${") || /[A-Za-z0-9]{2,}/.test(p.replace(/\.[A-Za-z0-9]+$/, ""));
}

/** Paths written at run time by the loaded code, and SQLite files, each owned by the service that writes it. */
export function diskWrites(repo: CollectedRepo, used: Set<string>, built: { services: Service[]; filesOf: Map<string, string[]> }, stores: Datastore[]): DiskWrite[] {
  const list = new Merged<DiskWrite>((d) => `${d.kind}:${d.path}`);
  // The web service owns a write its files make; a worker only when the web does not load that file.
  const fileSets = new Map([...built.filesOf].map(([id, files]) => [id, new Set(files)]));
  const serviceOf = (file: string) => {
    const owners = built.services.filter((s) => fileSets.get(s.id)?.has(file));
    return (owners.find((s) => s.kind !== "worker") ?? owners[0])?.id;
  };
  for (const [file, facts] of repo.python) {
    if (!used.has(file)) continue;
    for (const w of facts.diskWrites) {
      if (!meaningfulPath(w.path)) continue;
      const item: DiskWrite = { path: w.path, kind: w.kind, confidence: "high", evidence: [at(file, w.line)] };
      const service = serviceOf(file);
      if (service) item.service = service;
      list.add(item);
    }
  }
  for (const s of stores) {
    if (s.kind !== "sqlite" || !s.path || s.path === ":memory:") continue;
    const file = s.evidence[0]?.file;
    const item: DiskWrite = { path: s.path, kind: "sqlite", confidence: "high", evidence: s.evidence };
    const service = file ? serviceOf(file) : undefined;
    if (service) item.service = service;
    list.add(item);
  }
  return list.sorted();
}
