/**
 * The local model cache that `pull` fills at container start:
 *
 *   CACHE/objects/sha256/ab/cdef…          verified blobs, read-only (0444 = verified, as DVC does)
 *   CACHE/models/NAME/VERSION/PATH          hard links to the blobs, at the paths the app reads
 *   CACHE/models/NAME/current -> VERSION    switched atomically
 *   CACHE/tmp/  CACHE/locks/                unique temp files and per-blob locks
 *
 * Nothing appears under a final name unless its hash matched: downloads go to a unique temp file,
 * are hashed while they stream, fsynced, then renamed.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, statfsSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { open as openAsync } from "node:fs/promises";
import { isUserError, OperationError } from "../core/errors.js";
import type { BlobStore } from "./blobs/types.js";
import { hashFile, mapLimit } from "./hash.js";
import { acquire } from "./lock.js";
import { objectKey, safeRelPath, type ManifestModel } from "./manifest.js";

export interface PullOptions {
  cacheDir: string;
  /** Also link every file at DIR/PATH (the app's own folder), replacing what is there atomically. */
  into?: string;
  jobs?: number;
  lockTimeoutMs?: number;
  staleMs?: number;
  /** Skip the free-space check (tests of the out-of-space path only). */
  skipSpaceCheck?: boolean;
  onProgress?: (p: { doneBytes: number; totalBytes: number; file?: string }) => void;
}

export interface PulledModel {
  name: string;
  version: number;
  dir: string;
  files: number;
  downloaded: number;
  bytesDownloaded: number;
}

export interface PullResult {
  models: PulledModel[];
  downloadedFiles: number;
  downloadedBytes: number;
  cachedFiles: number;
}

const TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by shipfit models pull.\n";

export function objectPath(cacheDir: string, sha256: string): string {
  return join(cacheDir, "objects", objectKey(sha256));
}

/** A cached blob is trusted without rehashing when it is read-only and the right size (verified when it was written). */
function cachedOk(path: string, size: number): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && st.size === size && (st.mode & 0o222) === 0;
  } catch {
    return false;
  }
}

/** Removes temp files older than `staleMs`: left by a process that was killed mid-download. */
function sweepTmp(tmpDir: string, staleMs: number): void {
  const now = Date.now();
  for (const name of readdirSync(tmpDir)) {
    const p = join(tmpDir, name);
    try {
      if (now - statSync(p).mtimeMs > staleMs) rmSync(p, { force: true });
    } catch {
      /* gone already */
    }
  }
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

const GB = 1e9;
const human = (n: number) => (n >= GB ? `${(n / GB).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

/** Pulls the given model versions into the cache, verified; returns what it did. */
export async function pull(models: readonly ManifestModel[], store: BlobStore, options: PullOptions): Promise<PullResult> {
  const cacheDir = resolve(options.cacheDir);
  const staleMs = options.staleMs ?? 30_000;
  for (const m of models) for (const f of m.files) safeRelPath(f.path);
  for (const sub of ["objects", "tmp", "locks", "models"]) mkdirSync(join(cacheDir, sub), { recursive: true });
  if (!existsSync(join(cacheDir, "CACHEDIR.TAG"))) writeFileSync(join(cacheDir, "CACHEDIR.TAG"), TAG);
  sweepTmp(join(cacheDir, "tmp"), staleMs);

  const wanted = new Map<string, number>();
  for (const m of models) for (const f of m.files) wanted.set(f.sha256, f.size);
  const missing = [...wanted].filter(([sha, size]) => !cachedOk(objectPath(cacheDir, sha), size));
  const totalBytes = missing.reduce((s, [, size]) => s + size, 0);

  if (missing.length > 0 && !options.skipSpaceCheck) {
    // Downloads are renamed, not copied, so the missing bytes are what the disk must hold (plus slack).
    const need = totalBytes + 16 * 2 ** 20;
    const free = freeBytes(cacheDir);
    if (free < need) throw new OperationError(`not enough free disk for ${cacheDir}: ${human(need)} needed for ${missing.length} file(s), ${human(free)} free; nothing was downloaded`);
  }

  let doneBytes = 0;
  const fetched = new Set<string>();
  await mapLimit(missing, options.jobs ?? 4, async ([sha, size]) => {
    const final = objectPath(cacheDir, sha);
    const release = await acquire(join(cacheDir, "locks", `${sha}.lock`), {
      timeoutMs: options.lockTimeoutMs ?? 600_000,
      staleMs,
      satisfied: () => cachedOk(final, size),
    });
    try {
      if (cachedOk(final, size)) return; // another process finished it while we waited
      if (existsSync(final)) {
        // Present but not marked verified (killed between rename and chmod, or edited): rehash.
        const h = await hashFile(final);
        if (h.sha256 === sha && h.size === size) {
          chmodSync(final, 0o444);
          return;
        }
        rmSync(final, { force: true });
      }
      await download(store, sha, size, final, join(cacheDir, "tmp"), (n) => {
        doneBytes += n;
        options.onProgress?.({ doneBytes, totalBytes, file: sha });
      });
      fetched.add(sha);
    } finally {
      release?.();
    }
  });

  const out: PulledModel[] = [];
  for (const m of models) {
    const versionDir = join(cacheDir, "models", m.name, String(m.version));
    for (const f of m.files) placeLink(objectPath(cacheDir, f.sha256), join(versionDir, f.path));
    switchCurrent(join(cacheDir, "models", m.name), String(m.version));
    if (options.into) for (const f of m.files) placeLink(objectPath(cacheDir, f.sha256), join(resolve(options.into), f.path));
    const downloaded = m.files.filter((f) => fetched.has(f.sha256));
    out.push({ name: m.name, version: m.version, dir: versionDir, files: m.files.length, downloaded: downloaded.length, bytesDownloaded: downloaded.reduce((s, f) => s + f.size, 0) });
  }
  return { models: out, downloadedFiles: fetched.size, downloadedBytes: [...fetched].reduce((s, sha) => s + (wanted.get(sha) ?? 0), 0), cachedFiles: wanted.size - fetched.size };
}

/** Streams a blob into a unique temp file, hashing as it goes; renames it only when the hash matches. */
async function download(store: BlobStore, sha: string, size: number, final: string, tmpDir: string, onBytes: (n: number) => void): Promise<void> {
  const tmp = join(tmpDir, `${sha.slice(0, 16)}.${process.pid}.${randomBytes(6).toString("hex")}.part`);
  const hash = createHash("sha256");
  let got = 0;
  try {
    const body = await store.get(sha);
    // Each chunk is hashed and written synchronously as it arrives (a page-cache write of ~64 KiB
    // takes microseconds): a write stream sends every chunk through the thread pool and back.
    const fd = openSync(tmp, "wx");
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        got += chunk.length;
        onBytes(chunk.length);
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
    } finally {
      closeSync(fd);
    }
    const actual = hash.digest("hex");
    if (actual !== sha || got !== size) {
      throw new OperationError(
        `blob ${sha.slice(0, 12)}… from ${store.url} does not match: got ${got} bytes with sha256 ${actual.slice(0, 12)}…, expected ${size} bytes; refused (the store copy is damaged: shipfit models verify --deep, then push again)`,
      );
    }
    // fsync on the thread pool: fsyncSync would stop every other download while the disk catches up.
    const fh = await openAsync(tmp, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    chmodSync(tmp, 0o444);
    mkdirSync(dirname(final), { recursive: true });
    renameSync(tmp, final);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") throw new OperationError(`disk full while downloading ${sha.slice(0, 12)}… into ${dirname(tmpDir)}: the partial file was removed, nothing half-written is left`);
    if (isUserError(error)) throw error;
    // A connection reset mid-stream, a missing blob, a permission error: one line, nothing left behind.
    throw new OperationError(`downloading ${sha.slice(0, 12)}… from ${store.url}: ${(error as Error).message.split("\n")[0]}; the partial file was removed`);
  }
}

/** Puts a hard link to `object` at `target` (a copy across filesystems), replacing atomically. */
function placeLink(object: string, target: string): void {
  try {
    const a = lstatSync(target);
    const b = statSync(object);
    if (a.ino === b.ino && a.dev === b.dev) return; // already the right file
  } catch {
    /* not there yet */
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${randomBytes(6).toString("hex")}.shipfit-tmp`);
  try {
    try {
      linkSync(object, tmp);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK", "ENOSYS"].includes(code ?? "")) throw error;
      copyFileSync(object, tmp);
      chmodSync(tmp, 0o444);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOSPC") throw new OperationError(`disk full while placing ${target}: nothing half-written is left`);
    throw error;
  }
}

/** Points `dir/current` at `version` with a symlink swapped in by rename (readers never see it missing). */
function switchCurrent(dir: string, version: string): void {
  try {
    if (readlinkSync(join(dir, "current")) === version) return; // already there: a warm start writes nothing
  } catch {
    /* missing, or not a symlink */
  }
  const tmp = join(dir, `.current.${randomBytes(6).toString("hex")}`);
  symlinkSync(version, tmp);
  try {
    renameSync(tmp, join(dir, "current"));
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Rehashes every cached blob; removes those that do not match their name. */
export async function verifyCache(cacheDir: string): Promise<{ checked: number; bad: string[] }> {
  const base = join(resolve(cacheDir), "objects", "sha256");
  const bad: string[] = [];
  let checked = 0;
  if (!existsSync(base)) return { checked, bad };
  for (const shard of readdirSync(base)) {
    for (const rest of readdirSync(join(base, shard))) {
      const p = join(base, shard, rest);
      checked++;
      const h = await hashFile(p);
      if (h.sha256 !== shard + rest) {
        bad.push(shard + rest);
        rmSync(p, { force: true });
      }
    }
  }
  return { checked, bad };
}
