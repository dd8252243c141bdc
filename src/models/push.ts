/**
 * `models push`: hash → register a PENDING version with its files → upload what the store lacks →
 * check every blob with HEAD (size and recorded sha256) → mark READY. A push killed at any point
 * leaves a PENDING version that `pull` ignores and the next push resumes: never a READY version with
 * a missing blob.
 */
import { isUserError, OperationError } from "../core/errors.js";
import type { BlobStore } from "./blobs/types.js";
import type { LocalModel } from "./discover.js";
import { hashFile, mapLimit } from "./hash.js";
import { objectKey, versionDigest, type ManifestFile } from "./manifest.js";
import type { Registry } from "./registry/types.js";

export interface PushOptions {
  dryRun?: boolean;
  /** Files uploaded at once. */
  jobs?: number;
  /** Point this alias at each pushed version. */
  alias?: string;
  onProgress?: (p: { phase: "hashing" | "uploading"; doneBytes: number; totalBytes: number }) => void;
}

export interface PushedModel {
  name: string;
  /** new / resumed: a version was (or would be) made READY; unchanged: the latest READY version has these bytes. */
  kind: "new" | "resumed" | "unchanged";
  version?: number;
  files: number;
  bytes: number;
  uploadedFiles: number;
  uploadedBytes: number;
}

export interface PushResult {
  dryRun: boolean;
  store: string;
  models: PushedModel[];
  uploadedFiles: number;
  uploadedBytes: number;
  presentFiles: number;
}

/** Hashes every file of every model (a few at a time: hashing is CPU, reading is I/O). */
export async function manifestFiles(models: readonly LocalModel[], onBytes?: (n: number) => void): Promise<Map<string, ManifestFile[]>> {
  const flat = models.flatMap((m) => m.files.map((f) => ({ m, f })));
  const hashed = await mapLimit(flat, 4, async ({ f }) => hashFile(f.abs, onBytes));
  const out = new Map<string, ManifestFile[]>();
  flat.forEach(({ m, f }, i) => {
    const h = hashed[i];
    if (!h) return;
    out.set(m.name, [...(out.get(m.name) ?? []), { path: f.path, sha256: h.sha256, size: h.size, key: objectKey(h.sha256) }]);
  });
  return out;
}

export async function push(models: readonly LocalModel[], store: BlobStore, registry: Registry | null, options: PushOptions = {}): Promise<PushResult> {
  const names = new Set<string>();
  for (const m of models) {
    if (names.has(m.name)) throw new OperationError(`two models are named ${m.name}: push them one at a time with --name`);
    names.add(m.name);
  }
  const hashTotal = models.reduce((s, m) => s + m.files.reduce((t, f) => t + f.size, 0), 0);
  let hashed = 0;
  const filesOf = await manifestFiles(models, (n) => options.onProgress?.({ phase: "hashing", doneBytes: (hashed += n), totalBytes: hashTotal }));

  // What the registry says about each model, and the versions this push will make READY.
  const plan: { m: LocalModel; files: ManifestFile[]; digest: string; kind: PushedModel["kind"]; versionId?: number; version?: number }[] = [];
  for (const m of models) {
    const files = filesOf.get(m.name) ?? [];
    const digest = versionDigest(files);
    if (options.dryRun || !registry) {
      const latest = registry ? await registry.resolve(m.name) : null;
      plan.push({ m, files, digest, kind: latest?.digest === digest ? "unchanged" : "new", ...(latest?.digest === digest ? { version: latest.version } : latest ? { version: latest.version + 1 } : { version: 1 }) });
      continue;
    }
    await registry.upsertModel(m.name, m.meta);
    const begun = await registry.beginVersion(m.name, { digest, files, store: store.url, source: m.source });
    plan.push({ m, files, digest, kind: begun.kind, versionId: begun.version.id, version: begun.version.version });
  }

  // Every blob is checked, unchanged versions included: a blob deleted by hand is put back.
  const blobs = new Map<string, { size: number; abs: string }>();
  for (const p of plan) p.files.forEach((f, i) => blobs.set(f.sha256, { size: f.size, abs: p.m.files[i]?.abs ?? "" }));
  const heads = await mapLimit([...blobs], 16, async ([sha, b]) => ({ sha, b, head: await store.head(sha) }));
  const toUpload = heads.filter(({ sha, b, head }) => !head || head.size !== b.size || (head.sha256 !== undefined && head.sha256 !== sha));
  const uploadTotal = toUpload.reduce((s, u) => s + u.b.size, 0);

  if (!options.dryRun) {
    let done = 0;
    options.onProgress?.({ phase: "uploading", doneBytes: 0, totalBytes: uploadTotal });
    await mapLimit(toUpload, options.jobs ?? 4, async ({ sha, b }) => {
      try {
        await store.put(sha, b.abs, b.size, { onBytes: (n) => options.onProgress?.({ phase: "uploading", doneBytes: (done += n), totalBytes: uploadTotal }) });
      } catch (error) {
        if (isUserError(error)) throw error;
        throw new OperationError(`uploading ${b.abs} to ${store.url}: ${(error as Error).message.split("\n")[0]}; the versions stay PENDING, push again`);
      }
    });
    // The store's own word, after the upload: size and the sha256 it recorded, for every blob.
    const after = await mapLimit([...blobs], 16, async ([sha, b]) => ({ sha, b, head: await store.head(sha) }));
    const bad = after.filter(({ sha, b, head }) => !head || head.size !== b.size || (head.sha256 !== undefined && head.sha256 !== sha));
    if (bad.length > 0) {
      const first = bad[0];
      throw new OperationError(
        `${bad.length} blob(s) failed the check after upload (first ${first?.sha.slice(0, 12)}…: ${first?.head ? `${first.head.size} bytes, sha256 ${first.head.sha256?.slice(0, 12) ?? "none"}` : "missing"}); the versions stay PENDING, push again`,
      );
    }
    if (registry) {
      for (const p of plan) {
        if (p.versionId !== undefined && p.kind !== "unchanged") await registry.markReady(p.versionId);
        if (options.alias && p.version !== undefined) await registry.setAlias(p.m.name, options.alias, p.version);
      }
    }
  }

  const uploadedShas = new Set(toUpload.map((u) => u.sha));
  const models_ = plan.map((p): PushedModel => {
    const up = p.files.filter((f) => uploadedShas.has(f.sha256));
    return {
      name: p.m.name,
      kind: p.kind,
      ...(p.version !== undefined ? { version: p.version } : {}),
      files: p.files.length,
      bytes: p.files.reduce((s, f) => s + f.size, 0),
      uploadedFiles: up.length,
      uploadedBytes: up.reduce((s, f) => s + f.size, 0),
    };
  });
  return { dryRun: !!options.dryRun, store: store.url, models: models_, uploadedFiles: toUpload.length, uploadedBytes: uploadTotal, presentFiles: blobs.size - toUpload.length };
}
