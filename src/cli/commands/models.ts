/**
 * `shipfit models SUBCOMMAND`: model files off the ephemeral disk. Push them to a content-addressed
 * store with a registry, pull them verified into a local cache at container start.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileAtomic } from "../../core/atomic.js";
import { InputError, OperationError, UsageError } from "../../core/errors.js";
import { gc, readyVersions, rollback, verifyStore } from "../../models/admin.js";
import type { BlobStore } from "../../models/blobs/types.js";
import { pull, verifyCache } from "../../models/cache.js";
import { openRegistry, openStore, registryUrl, storeUrl } from "../../models/config.js";
import { modelFromPaths, modelsFromScan, type LocalModel } from "../../models/discover.js";
import { MANIFEST_FORMAT, parseManifest, versionDigest, type Manifest, type ManifestModel } from "../../models/manifest.js";
import { csvColumns, rankModels } from "../../models/match.js";
import { manifestFiles, push } from "../../models/push.js";
import type { Registry } from "../../models/registry/types.js";
import { storageOptions } from "../../models/storage-cost.js";
import { parse, str, type Options, type Parsed } from "../args.js";
import type { Command } from "../command.js";
import { paint, progress, table } from "../output.js";

// The scan and the catalog load on demand: `models pull` runs at every container start and must not
// pay for them.
async function scanDir(dir: string) {
  const { scanWithProgress } = await import("../scan-dir.js");
  return scanWithProgress(dir, { cache: true });
}

const LOCATION: Options = { store: { type: "string" }, registry: { type: "string" }, json: { type: "boolean" } };

const HELP = `Usage: shipfit models SUBCOMMAND [options]

Moves model files off the ephemeral disk: a content-addressed store (sha256 of the bytes is the
identity) with a registry of models, versions, aliases and metadata; pulled back, verified, into a
local cache when the container starts.

Subcommands:
  estimate [DIR]            monthly cost of keeping the models on S3, R2, B2, a Railway bucket or
                            volume, PostgreSQL, or in the image (--size 1.8GB --files 160 without DIR)
  push [DIR]                hash, upload what the store lacks, verify, mark the version READY
                            (--name NAME PATH... for one model from given files; --dry-run)
  pull [NAME[@V|@ALIAS]...] download into the cache, hashing as it streams (--to CACHE, --into DIR,
                            --manifest FILE to pull without a registry)
  status [DIR]              local model folders against the registry (and the cache with --to)
  ls                        models, versions, aliases, sizes and usage
  verify [NAME...]          HEAD every blob: size and recorded sha256 (--deep re-downloads and
                            rehashes; --cache CACHE rehashes a local cache)
  gc                        delete versions outside the keep-set (last --keep N + alias targets),
                            registry rows first, then blobs no version names (--dry-run)
  rollback NAME             move an alias (default production) back one version, or --to V
  match FILE.csv            rank models by how their feature columns match the CSV's (--top N)
  manifest [NAME[@REF]...]  the manifest pull reads, as JSON (--out FILE to bake it in an image)

Where things live (flags, else environment, else embedded defaults in DIR/.shipfit/models/):
  --store URL       file:PATH | s3://BUCKET/PREFIX?endpoint=URL&region=R&path_style=true&checksums=when_required
                    (SHIPFIT_MODELS_STORE; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
  --registry URL    sqlite:PATH | postgres://USER:PASS@HOST/DB  (SHIPFIT_MODELS_REGISTRY)

Every subcommand takes --json. Run shipfit models SUBCOMMAND --help for its options.

Exit codes: 0 done; 1 a problem found or an operation failed (corrupt blob, disk full, lock held too
long; nothing half-written is left); 2 bad arguments or input.`;

const SUB_HELP: Record<string, string> = {
  estimate: `Usage: shipfit models estimate [DIR] [--size SIZE --files N] [--starts-per-month N] [--gets-per-month N] [--catalog FILE] [--json]

Sizes the model files the scan finds in DIR (or the --size/--files given) and prices keeping them on
every object storage in the catalog, a Railway volume, PostgreSQL bytea, or baked into the image.
  --size SIZE            total size instead of scanning (e.g. 1875.34MB, 1.8GB, in powers of 1024)
  --files N              number of files (with --size)
  --starts-per-month N   container starts a month, each pulling every file once (default 30)
  --gets-per-month N     reads the app itself makes a month (default 0)
  --catalog FILE         platforms that replace or add to the catalog`,
  push: `Usage: shipfit models push [DIR] [--name NAME PATH...] [--alias A] [--dry-run] [--jobs N] [--store URL] [--registry URL] [--json]

Without --name, every folder of DIR holding model files (found by the scan) is one model, named after
the folder, with all the files beside the model files; metadata.json beside them gives its feature
columns, metrics and framework. Files are hashed; a version is registered PENDING; blobs the store
lacks are uploaded (multipart above 64 MiB, --jobs files at once, default 4); every blob is checked
with HEAD (size and recorded sha256); then the version is marked READY. Unchanged models make no new
version. A push that is interrupted leaves a PENDING version the next push resumes.
  --dry-run   hash and compare only: what would be uploaded, nothing written anywhere
  --alias A   point alias A (e.g. production) at each pushed version`,
  pull: `Usage: shipfit models pull [NAME[@VERSION|@ALIAS]...] [--dir DIR] [--to CACHE] [--into DIR] [--alias A] [--manifest FILE] [--json]

Downloads the READY version of each model (all models when none is named; @3 or @production picks
one) into CACHE (default DIR/.shipfit/models/cache, or SHIPFIT_MODELS_CACHE): checks free space first,
downloads each blob into a unique temp file while hashing it, renames it only when the hash matches.
Concurrent pulls share the cache safely (a per-blob lock with a timeout; a stale lock is taken over).
Files appear at CACHE/models/NAME/VERSION/PATH and CACHE/models/NAME/current; --into DIR also links
them at DIR/PATH, where the app reads them. A warm cache is not downloaded again or rehashed.
  --dir DIR            project folder for the default store and registry (default .)
  --alias A            pull the version alias A points at, for every model
  --manifest FILE      read versions and files from a manifest (shipfit models manifest) instead of
                       the registry: a container start without a database
  --lock-timeout SEC   how long to wait for another process's download (default 600)
  --jobs N             files downloaded at once (default 4)`,
  status: `Usage: shipfit models status [DIR] [--to CACHE] [--json]

For each model folder the scan finds: not pushed, changed since the latest version, or in sync; with
--to, whether the cache holds the latest version.`,
  ls: `Usage: shipfit models ls [--dir DIR] [--json]

Models in the registry: latest READY version, number of versions, aliases, size, usage count, last use.`,
  verify: `Usage: shipfit models verify [NAME...] [--deep] [--cache CACHE] [--dir DIR] [--json]

Checks every blob that a READY version names: present, right size, right recorded sha256 (a HEAD
each). --deep downloads and rehashes every blob. --cache CACHE rehashes a local cache instead and
removes the blobs that fail. Exit 1 when a problem is found.`,
  gc: `Usage: shipfit models gc [--keep N] [--dry-run] [--dir DIR] [--json]

Keeps the last N READY versions of each model (default 3), every alias target and PENDING versions
less than a day old; deletes the other versions' registry rows, then every blob in the store that no
remaining version names (found by listing the store). --dry-run shows what would go.`,
  rollback: `Usage: shipfit models rollback NAME [--alias A] [--to VERSION] [--dir DIR] [--json]

Moves alias A (default production) to VERSION, or to the READY version just before its current one.
Nothing is uploaded: the next pull at start serves the older files.`,
  match: `Usage: shipfit models match FILE.csv [--top N] [--dir DIR] [--json]

Ranks registered models by how well the CSV's header matches their feature columns (names compared
as tokens, common abbreviations expanded), best first (default top 3).`,
  manifest: `Usage: shipfit models manifest [NAME[@VERSION|@ALIAS]...] [--alias A] [--out FILE] [--dir DIR] [--json]

Writes the manifest pull reads (models, versions, files with sha256, size and object key, and the
store's address without credentials): bake it into an image to pull without a registry at start.`,
};

const MB = 1e6;
const fmtBytes = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= MB ? `${(n / MB).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const usd = (n: number) => (n === 0 ? "$0" : n < 1 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

function out(args: Parsed, json: unknown, text: string): void {
  process.stdout.write(args.values.json ? `${JSON.stringify(json, null, 2)}\n` : text.endsWith("\n") ? text : `${text}\n`);
}

function int(args: Parsed, name: string, fallback: number, min = 0): number {
  const raw = str(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number${min > 0 ? ` ≥ ${min}` : ""}, got ${JSON.stringify(raw)}`);
  return n;
}

function projectDir(args: Parsed, positional?: string): string {
  const dir = positional ?? str(args, "dir") ?? ".";
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new InputError(`${dir}: no such folder`);
  if (!st.isDirectory()) throw new InputError(`${dir}: not a folder`);
  return resolve(dir);
}

/** A transfer progress bar on stderr (TTY only). */
function bar(label: string) {
  const p = progress(label);
  const started = Date.now();
  return {
    update(done: number, total: number) {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const width = 24;
      const fill = Math.round(frac * width);
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      p.update(`${"█".repeat(fill)}${"░".repeat(width - fill)} ${Math.round(frac * 100)}% ${fmtBytes(done)}/${fmtBytes(total)} ${fmtBytes(rate)}/s`);
    },
    done: () => p.done(),
  };
}

async function withLocations<T>(dir: string, args: Parsed, fn: (store: BlobStore, registry: Registry) => Promise<T>): Promise<T> {
  const store = openStore(storeUrl(dir, str(args, "store")));
  const registry = await openRegistry(registryUrl(dir, str(args, "registry")));
  try {
    return await fn(store, registry);
  } finally {
    await registry.close();
    store.close?.();
  }
}

async function localModels(dir: string, args: Parsed): Promise<{ models: LocalModel[]; skipped: { path: string; why: string }[] }> {
  const name = str(args, "name");
  if (name) {
    const paths = args.positionals.slice(1);
    if (paths.length === 0) throw new UsageError("--name NAME needs the model's files or folder after DIR (shipfit models push DIR --name NAME PATH...)");
    return { models: [modelFromPaths(dir, name, paths)], skipped: [] };
  }
  if (args.positionals.length > 1) throw new UsageError("paths after DIR need --name NAME (see shipfit models push --help)");
  return modelsFromScan(dir, await scanDir(dir));
}

function parseSize(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?$/i.exec(raw.trim());
  if (!m) throw new UsageError(`--size: "${raw}" is not a size (e.g. 1875.34MB, 1.8GB)`);
  const unit = (m[2] ?? "b").toLowerCase().replace("i", "");
  const pow = { b: 0, kb: 1, mb: 2, gb: 3, tb: 4 }[unit] ?? 0;
  // Storage is billed in powers of 1024 (seed 003's "1875.34 MB (1.832 GB)" too).
  return Number(m[1]) * 1024 ** pow;
}

const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  async estimate(argv) {
    const args = parse(argv, { size: { type: "string" }, files: { type: "string" }, "starts-per-month": { type: "string" }, "gets-per-month": { type: "string" }, catalog: { type: "string" }, json: { type: "boolean" } }, "models estimate");
    let bytes: number;
    let sizes: number[] = [];
    let files: number;
    let largest: number;
    const size = str(args, "size");
    if (size !== undefined) {
      if (args.positionals.length > 0) throw new UsageError("give DIR or --size, not both");
      bytes = parseSize(size);
      files = int(args, "files", 1, 1);
      largest = bytes / files;
    } else {
      const dir = projectDir(args, args.positionals[0]);
      const { models } = modelsFromScan(dir, await scanDir(dir));
      if (models.length === 0) throw new InputError(`${dir}: the scan found no model files (give --size and --files to price a size)`);
      sizes = models.flatMap((m) => m.files.map((f) => f.size));
      bytes = sizes.reduce((s, x) => s + x, 0);
      files = sizes.length;
      largest = Math.max(...sizes);
    }
    const input = { bytes, files, largestFile: largest, startsPerMonth: int(args, "starts-per-month", 30), appGetsPerMonth: int(args, "gets-per-month", 0) };
    const { loadCatalog } = await import("../../catalog/load.js");
    const options = storageOptions(loadCatalog(str(args, "catalog")), input, sizes);
    const rows = [["option", "storage/mo", "requests/mo", "upload once", "total/mo", "per year"], ...options.map((o) => [o.name, usd(o.storageMonthlyUSD), usd(o.requestsMonthlyUSD), usd(o.uploadOnceUSD), usd(o.monthlyUSD), usd(o.yearlyUSD)])];
    const head = `${files} file(s), ${(bytes / 2 ** 20).toFixed(2)} MB (${(bytes / 2 ** 30).toFixed(3)} GB); ${input.startsPerMonth} starts/month pull every file, ${input.appGetsPerMonth} app reads/month`;
    const notes = options.filter((o) => o.notes.length > 0).map((o) => `  ${o.name}: ${o.notes.join("; ")}`);
    out(args, { input, options }, `${head}\n\n${table(rows)}\n\n${notes.join("\n")}\n\nPrices from the catalog (shipfit catalog --json shows each source and date).`);
    return 0;
  },

  async push(argv) {
    const args = parse(argv, { ...LOCATION, name: { type: "string" }, alias: { type: "string" }, "dry-run": { type: "boolean" }, jobs: { type: "string" } }, "models push");
    const dir = projectDir(args, args.positionals[0]);
    const { models, skipped } = await localModels(dir, args);
    if (models.length === 0) throw new InputError(`${dir}: no model files found${skipped.length ? ` (${skipped.length} Git LFS pointer(s) skipped)` : ""}; name them with --name NAME PATH...`);
    const dryRun = !!args.values["dry-run"];
    const regUrl = registryUrl(dir, str(args, "registry"));
    // A dry run writes nothing: not even a new, empty SQLite registry file.
    const sqliteMissing = !/^postgres/.test(regUrl) && !existsSync(regUrl.replace(/^sqlite:/, ""));
    const store = openStore(storeUrl(dir, str(args, "store")));
    const registry = dryRun && sqliteMissing ? null : await openRegistry(regUrl);
    const b = bar("pushing");
    try {
      const result = await push(models, store, registry, {
        dryRun,
        jobs: int(args, "jobs", 4, 1),
        ...(str(args, "alias") ? { alias: str(args, "alias") as string } : {}),
        onProgress: (p) => b.update(p.doneBytes, p.totalBytes),
      });
      b.done();
      const rows = [["model", "version", "files", "size", "uploaded"], ...result.models.map((m) => [m.name, `${m.version !== undefined ? `v${m.version}` : "-"} ${m.kind === "unchanged" ? "(unchanged)" : m.kind === "resumed" ? "(resumed)" : dryRun ? "(would be new)" : "(new)"}`, String(m.files), fmtBytes(m.bytes), fmtBytes(m.uploadedBytes)])];
      const summary = `${dryRun ? "dry run: would upload" : "uploaded"} ${result.uploadedFiles} file(s), ${fmtBytes(result.uploadedBytes)}; ${result.presentFiles} already in ${result.store}${dryRun ? "" : "; every blob checked (size + sha256), versions READY"}`;
      const skippedText = skipped.map((s) => `skipped ${s.path}: ${s.why}`).join("\n");
      out(args, { ...result, skipped }, `${table(rows)}\n\n${summary}${skippedText ? `\n${skippedText}` : ""}`);
      return 0;
    } finally {
      b.done();
      await registry?.close();
      store.close?.();
    }
  },

  async pull(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, to: { type: "string" }, into: { type: "string" }, alias: { type: "string" }, manifest: { type: "string" }, "lock-timeout": { type: "string" }, jobs: { type: "string" } }, "models pull");
    const dir = projectDir(args);
    const cacheDir = resolve(str(args, "to") ?? process.env.SHIPFIT_MODELS_CACHE ?? `${dir}/.shipfit/models/cache`);
    const manifestFile = str(args, "manifest");
    let manifest: Manifest;
    let registry: Registry | null = null;
    if (manifestFile) {
      let text: string;
      try {
        text = readFileSync(manifestFile, "utf8");
      } catch {
        throw new InputError(`${manifestFile}: cannot read the manifest`);
      }
      manifest = parseManifest(text, manifestFile);
      if (args.positionals.length > 0) manifest = { ...manifest, models: manifest.models.filter((m) => args.positionals.some((p) => p.split("@")[0] === m.name)) };
    } else {
      registry = await openRegistry(registryUrl(dir, str(args, "registry")));
      manifest = await buildManifest(registry, storeUrl(dir, str(args, "store")), args.positionals, str(args, "alias")).catch(async (error: unknown) => {
        await registry?.close();
        throw error;
      });
    }
    const store = openStore(str(args, "store") ?? (manifestFile ? manifest.store : storeUrl(dir)));
    const b = bar("pulling");
    try {
      const result = await pull(manifest.models, store, {
        cacheDir,
        ...(str(args, "into") ? { into: str(args, "into") as string } : {}),
        jobs: int(args, "jobs", 4, 1),
        lockTimeoutMs: int(args, "lock-timeout", 600) * 1000,
        skipSpaceCheck: process.env.SHIPFIT_TEST_SKIP_SPACE_CHECK === "1",
        onProgress: (p) => b.update(p.doneBytes, p.totalBytes),
      });
      b.done();
      if (registry) await registry.recordUse(result.models.map((m) => m.name));
      const rows = [["model", "version", "files", "downloaded", "path"], ...result.models.map((m) => [m.name, `v${m.version}`, String(m.files), `${m.downloaded} (${fmtBytes(m.bytesDownloaded)})`, m.dir])];
      out(args, { cache: cacheDir, ...result }, `${table(rows)}\n\n${result.downloadedFiles} file(s) downloaded and verified (${fmtBytes(result.downloadedBytes)}), ${result.cachedFiles} already cached in ${cacheDir}`);
      return 0;
    } finally {
      b.done();
      await registry?.close();
      store.close?.();
    }
  },

  async manifest(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, alias: { type: "string" }, out: { type: "string" } }, "models manifest");
    const dir = projectDir(args);
    const manifest = await withLocations(dir, args, (store, registry) => buildManifest(registry, store.url, args.positionals, str(args, "alias")));
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    const file = str(args, "out");
    if (file) {
      try {
        writeFileAtomic(file, text);
      } catch (error) {
        throw new OperationError(`${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? "error"}); nothing was written`);
      }
      process.stdout.write(args.values.json ? text : `wrote ${file}: ${manifest.models.length} model(s), ${manifest.models.reduce((s, m) => s + m.files.length, 0)} file(s)\n`);
    } else process.stdout.write(text);
    return 0;
  },

  async status(argv) {
    const args = parse(argv, { ...LOCATION, to: { type: "string" } }, "models status");
    const dir = projectDir(args, args.positionals[0]);
    const { models } = modelsFromScan(dir, await scanDir(dir));
    const filesOf = await manifestFiles(models);
    const cache = str(args, "to");
    return withLocations(dir, args, async (_store, registry) => {
      const rows: { name: string; local: string; registry: string; state: string; cache?: string }[] = [];
      const seen = new Set<string>();
      for (const m of models) {
        seen.add(m.name);
        const latest = await registry.resolve(m.name);
        const digest = versionDigest(filesOf.get(m.name) ?? []);
        const state = !latest ? "not pushed" : latest.digest === digest ? "in sync" : "changed locally";
        rows.push({ name: m.name, local: m.source, registry: latest ? `v${latest.version}` : "-", state, ...(cache ? { cache: latest && existsSync(`${cache}/models/${m.name}/${latest.version}`) ? "cached" : "not cached" } : {}) });
      }
      for (const m of await registry.models()) if (!seen.has(m.name)) rows.push({ name: m.name, local: "-", registry: m.latestVersion ? `v${m.latestVersion}` : "-", state: "registry only" });
      const header = ["model", "local folder", "registry", "state", ...(cache ? ["cache"] : [])];
      out(args, rows, rows.length === 0 ? "no models found locally or in the registry" : table([header, ...rows.map((r) => [r.name, r.local, r.registry, r.state, ...(cache ? [r.cache ?? "-"] : [])])]));
      return 0;
    });
  },

  async ls(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" } }, "models ls");
    const dir = projectDir(args);
    return withLocations(dir, args, async (_store, registry) => {
      const models = await registry.models();
      const rows = [["model", "latest", "versions", "aliases", "size", "used", "last used", "framework"], ...models.map((m) => [m.name, m.latestVersion ? `v${m.latestVersion}` : "-", String(m.versions), Object.entries(m.aliases).map(([a, v]) => `${a}→v${v}`).join(" ") || "-", fmtBytes(m.latestSize), String(m.usageCount), m.lastUsedAt?.slice(0, 19).replace("T", " ") ?? "never", m.framework ?? "-"])];
      out(args, models, models.length === 0 ? `no models in ${registry.url}` : table(rows));
      return 0;
    });
  },

  async verify(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, deep: { type: "boolean" }, cache: { type: "string" } }, "models verify");
    const cache = str(args, "cache");
    if (cache) {
      const r = await verifyCache(cache);
      out(args, r, r.bad.length === 0 ? `${r.checked} cached blob(s) rehashed: all match` : `${paint("red", `${r.bad.length} cached blob(s) did not match and were removed`)}: ${r.bad.map((s) => s.slice(0, 12)).join(", ")}; the next pull downloads them again`);
      return r.bad.length > 0 ? 1 : 0;
    }
    const dir = projectDir(args);
    return withLocations(dir, args, async (store, registry) => {
      const versions = await readyVersions(registry, args.positionals);
      const b = bar(args.values.deep ? "rehashing" : "checking");
      const r = await verifyStore(versions, store, { deep: !!args.values.deep, onProgress: (d, t) => b.update(d, t) }).finally(() => b.done());
      const lines = r.problems.map((p) => `${paint("red", p.problem)} ${p.sha256.slice(0, 12)}… ${p.detail} — used by ${p.usedBy.slice(0, 3).join(", ")}${p.usedBy.length > 3 ? ` and ${p.usedBy.length - 3} more` : ""}`);
      out(args, { versions: versions.length, ...r }, r.problems.length === 0 ? `${r.checked} blob(s) of ${versions.length} READY version(s) checked${args.values.deep ? " byte for byte" : " (size + recorded sha256)"}: all good` : `${lines.join("\n")}\n\n${r.problems.length} of ${r.checked} blob(s) have a problem: push the affected models again`);
      return r.problems.length > 0 ? 1 : 0;
    });
  },

  async gc(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, keep: { type: "string" }, "dry-run": { type: "boolean" } }, "models gc");
    const dir = projectDir(args);
    return withLocations(dir, args, async (store, registry) => {
      const r = await gc(registry, store, { keep: int(args, "keep", 3, 1), dryRun: !!args.values["dry-run"] });
      const verb = args.values["dry-run"] ? "would delete" : "deleted";
      const text = [
        `${verb} ${r.deleteVersions.length} version(s)${r.deleteVersions.length ? `: ${r.deleteVersions.map((v) => `${v.model}@${v.version} (${v.status})`).join(", ")}` : ""}`,
        `${verb} ${r.deleteBlobs.length} blob(s) no version names (${fmtBytes(r.deleteBlobs.reduce((s, b) => s + b.size, 0))})`,
        `kept ${r.keptVersions} version(s): the last ${r.keep} READY of each model, alias targets, recent PENDING`,
      ].join("\n");
      out(args, r, text);
      return 0;
    });
  },

  async rollback(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, alias: { type: "string" }, to: { type: "string" } }, "models rollback");
    const name = args.positionals[0];
    if (!name || args.positionals.length > 1) throw new UsageError("give one model NAME (see shipfit models rollback --help)");
    const dir = projectDir(args);
    const alias = str(args, "alias") ?? "production";
    const to = str(args, "to") !== undefined ? int(args, "to", 1, 1) : undefined;
    return withLocations(dir, args, async (_store, registry) => {
      const r = await rollback(registry, name, alias, to);
      out(args, { model: name, alias, ...r }, `${name}: ${alias} ${r.from !== undefined ? `v${r.from}` : "(unset)"} → v${r.to}; the next pull serves v${r.to}`);
      return 0;
    });
  },

  async match(argv) {
    const args = parse(argv, { ...LOCATION, dir: { type: "string" }, top: { type: "string" } }, "models match");
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError("give one CSV file (see shipfit models match --help)");
    const columns = csvColumns(file);
    const dir = projectDir(args);
    return withLocations(dir, args, async (_store, registry) => {
      const models = (await registry.models()).filter((m) => m.latestVersion !== undefined);
      const ranked = rankModels(columns, models).slice(0, int(args, "top", 3, 1));
      if (ranked.length === 0) throw new OperationError(`no READY model in ${registry.url} has feature columns to compare (metadata.json beside the model gives them)`);
      const text = ranked.map((r, i) => `${i + 1}. ${r.model}  similarity ${(r.score * 100).toFixed(1)}%  (${r.pairs.length} of ${r.pairs.length + r.missing.length} features matched${r.missing.length ? `; missing ${r.missing.slice(0, 4).join(", ")}${r.missing.length > 4 ? "…" : ""}` : ""})`);
      out(args, { columns, matches: ranked }, `${columns.length} column(s) in ${file}\n${text.join("\n")}`);
      return 0;
    });
  },
};

/** The manifest for the named models (all when none), each at its ref, else `alias`, else latest READY. */
export async function buildManifest(registry: Registry, store: string, refs: readonly string[], alias?: string): Promise<Manifest> {
  const wanted = refs.length > 0 ? refs.map((r) => r) : (await registry.models()).map((m) => m.name);
  const models: ManifestModel[] = [];
  const missing: string[] = [];
  for (const ref of wanted) {
    const [name = "", at] = ref.split("@");
    const key: number | string | undefined = at === undefined ? alias : /^\d+$/.test(at) ? Number(at) : at;
    const v = await registry.resolve(name, key);
    if (!v) {
      missing.push(`${name}${key !== undefined ? `@${key}` : ""}`);
      continue;
    }
    models.push({ name, version: v.version, ...(typeof key === "string" ? { alias: key } : {}), digest: v.digest, files: v.files });
  }
  if (missing.length > 0) throw new OperationError(`no READY version for ${missing.join(", ")} in ${registry.url}`);
  if (models.length === 0) throw new OperationError(`no models in ${registry.url}: push some first (shipfit models push)`);
  return { format: MANIFEST_FORMAT, store, models };
}

export const modelsCommand: Command = {
  name: "models",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!sub || sub === "-h" || sub === "--help") {
      process.stdout.write(`${HELP}\n`);
      return sub ? 0 : 2;
    }
    const handler = subcommands[sub];
    if (!handler) throw new UsageError(`unknown models subcommand "${sub}" (estimate, push, pull, status, ls, verify, gc, rollback, match, manifest)`);
    if (rest.includes("-h") || rest.includes("--help")) {
      process.stdout.write(`${SUB_HELP[sub] ?? HELP}\n`);
      return 0;
    }
    return handler(rest);
  },
};
