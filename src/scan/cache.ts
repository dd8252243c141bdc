/**
 * A cache of per-file facts between scans, so scanning an unchanged repository again (plan,
 * generate and report all scan first) parses only what changed. Keyed by path, size and mtime, like
 * git's index; kept outside the repository (~/.cache/shipfit by default) and written atomically.
 * A file modified in the last two seconds is never cached: its mtime could hide a same-size edit.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FactsCache, FileFacts } from "./collect.js";
import type { WalkedFile } from "./walk.js";

interface Entry {
  size: number;
  mtimeMs: number;
  facts: FileFacts;
}

interface CacheFileShape {
  fingerprint: string;
  entries: Record<string, Entry>;
}

/** The folder scan caches live in: $SHIPFIT_CACHE_DIR, else $XDG_CACHE_HOME/shipfit, else ~/.cache/shipfit. */
export function cacheDir(): string {
  if (process.env.SHIPFIT_CACHE_DIR) return process.env.SHIPFIT_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "shipfit");
}

/**
 * Changes whenever the analyzers may have changed: the build rewrites this module, so its mtime
 * moves with every build (and stays put in an installed package).
 */
function codeFingerprint(): string {
  let built = "0";
  try {
    built = String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    // Bundled or virtual: fall back to the schema version alone.
  }
  return `facts-v1:${built}`;
}

const RACY_MS = 2000;

/** Opens the cache for `root`; a missing, corrupt or foreign cache file is an empty cache. */
export function openCache(root: string, dir = cacheDir()): FactsCache {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // Scan will report the missing folder.
  }
  const file = path.join(dir, `scan-${createHash("sha256").update(real).digest("hex").slice(0, 24)}.json`);
  const fingerprint = codeFingerprint();
  let old: Record<string, Entry> = {};
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as CacheFileShape;
    if (data.fingerprint === fingerprint && data.entries && typeof data.entries === "object") old = data.entries;
  } catch {
    // No cache yet, or unreadable: start empty.
  }
  const next: Record<string, Entry> = {};
  const now = Date.now();
  let changed = false;
  return {
    get(f: WalkedFile) {
      const e = old[f.path];
      if (!e || f.mtimeMs === undefined || e.size !== f.size || e.mtimeMs !== f.mtimeMs) return undefined;
      next[f.path] = e;
      return e.facts;
    },
    set(f: WalkedFile, facts: FileFacts) {
      changed = true;
      if (f.mtimeMs === undefined || now - f.mtimeMs < RACY_MS) return;
      next[f.path] = { size: f.size, mtimeMs: f.mtimeMs, facts };
    },
    save() {
      // Files that vanished also change the cache.
      if (!changed && Object.keys(next).length === Object.keys(old).length) return;
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, JSON.stringify({ fingerprint, entries: next } satisfies CacheFileShape));
        renameSync(tmp, file);
      } catch {
        // A cache that cannot be written only makes the next scan slower.
        try {
          unlinkSync(tmp);
        } catch {
          // Nothing was written.
        }
      }
    },
  };
}
