/** Datastores, external APIs and CUDA use. Connection strings are read for their scheme only, never kept. */
import type { DatastoreKind, ExternalApiKind } from "../../../core/app-model.js";
import type { PythonFacts } from "../../facts.js";
import { argVal, constructorOf, firstTime, imports, type CallSite, type Ctx } from "./context.js";
import { pushWrite } from "./io.js";
import { API_CALLS, API_IMPORTS, API_URLS, DATASTORE_CALLS, DRIVER_IMPORTS, URL_SCHEMES } from "./rules.js";
import { memberParts, stringValue, subscriptParts } from "./tree.js";
import { effective, render, UNKNOWN, type Val } from "./values.js";

type Datastore = PythonFacts["datastores"][number];

function schemeKind(url: string): DatastoreKind | undefined {
  for (const [re, kind] of URL_SCHEMES) if (re.test(url.trim())) return kind;
  return undefined;
}

/** Path of a SQLite URL (`sqlite:///./app.db` → `./app.db`); undefined for in-memory databases. */
function sqlitePath(url: string): string | undefined {
  const m = /^sqlite(?:\+\w+)?:\/\/\/?(.*)$/i.exec(url.trim());
  const path = m?.[1]?.split("?")[0];
  return path && path !== ":memory:" ? path : undefined;
}

/** Kind an env var name suggests: REDIS_URL → redis, MONGO_URI → mongodb. */
function nameKind(name: string): DatastoreKind | undefined {
  if (!/(URL|URI|DSN|HOST|CONNECTION_STRING|CONN_STR)$/i.test(name)) return undefined;
  if (/REDIS/i.test(name)) return "redis";
  if (/MONGO/i.test(name)) return "mongodb";
  if (/POSTGRES|PSQL|^PG_?/i.test(name)) return "postgresql";
  if (/MYSQL|MARIADB/i.test(name)) return "mysql";
  return undefined;
}

/** Celery settings that hold a broker or result-backend URL (new and old spellings). */
const CELERY_URL_SETTINGS = /^(broker_url|result_backend|CELERY_BROKER_URL|CELERY_RESULT_BACKEND|BROKER_URL)$/;
const DB_URL_NAME = /^(DATABASE|DB|SQLALCHEMY_DATABASE)_(URL|URI|DSN)$|^[A-Z_]*DATABASE_URL$/i;
const BROKER_NAME = /BROKER|RESULT_BACKEND/i;

/** Kind a bare DATABASE_URL points at, from the drivers the file imports. */
function driverKind(ctx: Ctx): DatastoreKind | undefined {
  for (const [module, kind] of Object.entries(DRIVER_IMPORTS)) if (imports(ctx, module)) return kind;
  return undefined;
}

/** Index keys of a datastore entry: by variable, by SQLite file, by line. */
function storeKeys(d: Datastore): string[] {
  const keys = [`${d.kind}\0line\0${d.line}`];
  if (d.envVar !== undefined) keys.push(`${d.kind}\0env\0${d.envVar}`);
  if (d.path !== undefined) keys.push(`${d.kind}\0path\0${d.path}`);
  return keys;
}

/** One entry per datastore and variable (or SQLite file, or line): the same DATABASE_URL read twice is one fact. */
function pushStore(ctx: Ctx, index: Map<string, Datastore>, store: Datastore): void {
  const keys = storeKeys(store);
  const same = keys.map((k) => index.get(k)).find((d) => d !== undefined);
  if (!same) {
    ctx.facts.datastores.push(store);
    for (const k of keys) index.set(k, store);
    return;
  }
  if (store.envVar && !same.envVar) same.envVar = store.envVar;
  if (store.path && !same.path) same.path = store.path;
  for (const k of storeKeys(same)) if (!index.has(k)) index.set(k, same);
}

/** Datastore a connection value means: its URL scheme, else its env var's name, else the imported driver. */
function storeFromValue(ctx: Ctx, v: Val, line: number, fallback?: DatastoreKind): Datastore | undefined {
  const envVar = v.t === "env" ? v.name : undefined;
  const e = effective(v);
  const text = e.t === "str" || e.t === "pat" ? render(e, "*") : undefined;
  let kind = text !== undefined ? schemeKind(text) : undefined;
  if (!kind && text !== undefined && text.includes("://")) return undefined;
  if (!kind && envVar) {
    kind = nameKind(envVar) ?? (DB_URL_NAME.test(envVar) ? driverKind(ctx) : undefined);
    if (!kind && BROKER_NAME.test(envVar) && (imports(ctx, "redis") || imports(ctx, "celery"))) kind = "redis";
  }
  kind ??= fallback;
  if (!kind) return undefined;
  const store: Datastore = { kind, line };
  if (envVar) store.envVar = envVar;
  if (kind === "sqlite" && text !== undefined) {
    const path = text.includes("://") ? sqlitePath(text) : text;
    // In-memory databases leave nothing on disk and need no service.
    if (!path || path === ":memory:") return undefined;
    store.path = path;
    pushWrite(ctx, { t: "str", v: path }, line, "sqlite", true);
  }
  return store;
}

function boto3Service(ctx: Ctx, site: CallSite): string | undefined {
  if (site.method !== "client" && site.method !== "resource") return undefined;
  const key = site.key ?? "";
  if (!key.startsWith("boto3.") && !(constructorOf(key) ?? "").startsWith("boto3.")) return undefined;
  const v = argVal(ctx, site, 0, "service_name");
  return v.t === "str" ? v.v : "";
}

/** Connections to PostgreSQL, Redis, SQLite, MongoDB, MySQL and S3. */
export function detectDatastores(ctx: Ctx): void {
  const index = new Map<string, Datastore>();
  const bucket = ctx.envUses.find((u) => /BUCKET/i.test(u.name))?.name;
  for (const site of ctx.calls) {
    const key = site.key ?? "";
    const rule = DATASTORE_CALLS[key];
    if (rule) {
      let v: Val = UNKNOWN;
      for (const [i, kw] of rule.args) {
        v = argVal(ctx, site, i, kw);
        if (v.t !== "unknown") break;
      }
      // A URL-taking call whose argument says nothing falls back on the imported driver.
      const fallback = rule.kind !== "url" ? rule.kind : v.t === "unknown" ? driverKind(ctx) : undefined;
      const store = storeFromValue(ctx, v, site.line, fallback);
      if (store) pushStore(ctx, index, store);
      continue;
    }
    // Celery(broker=…, backend=…) and app.conf.update(broker_url=…): only Redis is a datastore here.
    const isConfUpdate = site.method === "update" && site.receiver !== undefined && memberParts(site.receiver, ctx.text)?.property === "conf";
    const keywords = key === "celery.Celery" ? ["broker", "backend"] : isConfUpdate ? ["broker_url", "result_backend"] : [];
    for (const kw of keywords) {
      const n = site.args.keywords.get(kw);
      const store = n ? storeFromValue(ctx, ctx.r.eval(n, site.scope), site.line) : undefined;
      if (store?.kind === "redis") pushStore(ctx, index, store);
    }
    if (keywords.length) continue;
    const service = boto3Service(ctx, site);
    if (service === "s3") {
      const store: Datastore = { kind: "s3", line: site.line };
      if (bucket) store.envVar = bucket;
      pushStore(ctx, index, store);
    }
  }
  // Celery settings assigned as attributes: app.conf.broker_url = …
  for (const { target, value, scope } of ctx.walked.memberAssigns) {
    const sub = subscriptParts(target);
    const keyVal = sub ? ctx.r.eval(sub.key, scope) : undefined;
    const name = memberParts(target, ctx.text)?.property ?? (keyVal?.t === "str" ? keyVal.v : "");
    if (!CELERY_URL_SETTINGS.test(name)) continue;
    const store = storeFromValue(ctx, ctx.r.eval(value, scope), ctx.lines.line(target.from));
    if (store?.kind === "redis") pushStore(ctx, index, store);
  }
  for (const use of ctx.envUses) {
    const store = storeFromValue(ctx, use.def ? { t: "env", name: use.name, def: use.def } : { t: "env", name: use.name }, use.line);
    if (store) pushStore(ctx, index, store);
  }
  const kindsFound = new Set(ctx.facts.datastores.map((d) => d.kind));
  for (const { node } of ctx.walked.strings) {
    const s = stringValue(node, ctx.text);
    if (s === undefined || !s.includes("://") || s.length > 2000) continue;
    const kind = schemeKind(s);
    if (!kind) continue;
    const store: Datastore = { kind, line: ctx.lines.line(node.from) };
    if (kind === "sqlite") {
      const path = sqlitePath(s);
      if (!path) continue;
      store.path = path;
      pushWrite(ctx, { t: "str", v: path }, store.line, "sqlite", true);
    }
    // A bare URL literal (often an env default) only adds a datastore nothing else found.
    const known = kind === "sqlite" ? index.has(`sqlite\0path\0${store.path}`) : kindsFound.has(kind);
    if (!known) pushStore(ctx, index, store);
    kindsFound.add(kind);
  }
}

function pushApi(ctx: Ctx, kind: ExternalApiKind, line: number): void {
  if (firstTime(ctx, `api\0${kind}\0${line}`)) ctx.facts.externalApis.push({ kind, line });
}

function apiOfModule(name: string): ExternalApiKind | undefined {
  for (const [prefix, kind] of API_IMPORTS) if (name === prefix || name.startsWith(`${prefix}.`)) return kind;
  return undefined;
}

/** OpenAI, Anthropic, HF Inference, Supabase, Google OAuth, Stripe, Replicate, AWS. */
export function detectExternalApis(ctx: Ctx, importsByLine: { names: string[]; line: number }[]): void {
  for (const { names, line } of importsByLine) {
    for (const n of names) {
      const kind = apiOfModule(n);
      if (kind) pushApi(ctx, kind, line);
    }
  }
  for (const site of ctx.calls) {
    const key = site.key ?? "";
    const kind = API_CALLS[key];
    if (kind) pushApi(ctx, kind, site.line);
    const service = boto3Service(ctx, site);
    if (service !== undefined && service !== "s3") pushApi(ctx, "aws", site.line);
    if (site.method === "register" && imports(ctx, "authlib")) {
      const name = argVal(ctx, site, 0, "name");
      if (name.t === "str" && name.v.toLowerCase() === "google") pushApi(ctx, "google-oauth", site.line);
    }
  }
  for (const { node } of ctx.walked.strings) {
    const s = ctx.text.slice(node.from, Math.min(node.to, node.from + 4000));
    for (const [host, kind] of API_URLS) if (s.includes(host)) pushApi(ctx, kind, ctx.lines.line(node.from));
  }
}

function pushCuda(ctx: Ctx, line: number, note: string): void {
  if (firstTime(ctx, `cuda\0${note}\0${line}`)) ctx.facts.cuda.push({ line, note });
}

const isCuda = (v: Val) => {
  const e = effective(v);
  return e.t === "str" && /^cuda(:\d+)?$/i.test(e.v.trim());
};

/** torch.cuda.*, .cuda(), .to("cuda"), device="cuda", device_map="auto", CUDAExecutionProvider. */
export function detectCuda(ctx: Ctx): void {
  for (const site of ctx.calls) {
    const key = site.key ?? "";
    if (key.startsWith("torch.cuda.")) pushCuda(ctx, site.line, `${key}()`);
    else if (site.method === "cuda" && site.args.positional.length <= 1) pushCuda(ctx, site.line, ".cuda()");
    else if (site.method === "to" && isCuda(argVal(ctx, site, 0, "device"))) pushCuda(ctx, site.line, '.to("cuda")');
    else if (key === "torch.device" && isCuda(argVal(ctx, site, 0, "type"))) pushCuda(ctx, site.line, 'torch.device("cuda")');
    const device = site.args.keywords.get("device");
    if (device && site.method !== "to") {
      const v = effective(ctx.r.eval(device, site.scope));
      if (isCuda(v)) pushCuda(ctx, site.line, 'device="cuda"');
      else if (key === "transformers.pipeline" && v.t === "num" && v.v >= 0) pushCuda(ctx, site.line, `pipeline(device=${v.v})`);
    }
    const map = site.args.keywords.get("device_map");
    if (map) {
      const v = effective(ctx.r.eval(map, site.scope));
      if (v.t === "str" && (v.v === "auto" || isCuda(v))) pushCuda(ctx, site.line, `device_map="${v.v}"`);
    }
  }
  for (const { target, value, scope } of ctx.walked.assigns) {
    if (/device/i.test(ctx.r.src(target)) && isCuda(ctx.r.eval(value, scope))) {
      pushCuda(ctx, ctx.lines.line(target.from), `${ctx.r.src(target)} = "cuda"`);
    }
  }
  for (const { node } of ctx.walked.strings) {
    if (stringValue(node, ctx.text) === "CUDAExecutionProvider") pushCuda(ctx, ctx.lines.line(node.from), "onnxruntime CUDAExecutionProvider");
  }
}
