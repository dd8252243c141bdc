/**
 * An advisory lock file with a timeout and stale-lock recovery, so two pulls do not download the same
 * blob twice. Correctness never depends on it: every download goes to a unique temp file and is
 * hashed before its rename, so a broken lock costs a duplicate download, never a bad file (the lesson
 * of huggingface_hub#4306). A holder refreshes the lock's mtime; a lock whose mtime is older than
 * `staleMs`, or whose process is gone on this host, is taken over.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { OperationError } from "../core/errors.js";

export interface LockOptions {
  timeoutMs: number;
  staleMs: number;
  /** Checked while waiting: when it turns true the lock is no longer needed (the blob arrived). */
  satisfied?: () => boolean;
  onWait?: (holder: LockHolder) => void;
}

export interface LockHolder {
  pid: number;
  host: string;
  at: string;
}

export type Release = () => void;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return undefined; // being written, or gone
  }
}

/** Whether the lock at `path` is stale: too old, or held by a dead process of this host. */
export function isStale(path: string, staleMs: number, now = Date.now()): boolean {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false;
  }
  if (now - mtime > staleMs) return true;
  const holder = readHolder(path);
  return !!holder && holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid);
}

/** Takes the lock (or returns null when `satisfied` turned true while waiting). */
export async function acquire(path: string, options: LockOptions): Promise<Release | null> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 20;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() } satisfies LockHolder));
      } finally {
        closeSync(fd);
      }
      const beat = setInterval(() => {
        try {
          const t = new Date();
          utimesSync(path, t, t);
        } catch {
          /* taken over as stale: our download still ends in a hashed rename */
        }
      }, Math.max(100, Math.floor(options.staleMs / 4)));
      beat.unref();
      return () => {
        clearInterval(beat);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (options.satisfied?.()) return null;
    if (isStale(path, options.staleMs)) {
      // Rename first: of several waiters that judged it stale, one moves it, the others get ENOENT.
      const aside = `${path}.stale.${randomBytes(4).toString("hex")}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch {
        /* someone else recovered it */
      }
      continue;
    }
    if (Date.now() > deadline) {
      const h = readHolder(path);
      throw new OperationError(
        `waited ${Math.round(options.timeoutMs / 1000)} s for ${path}${h ? ` (held by pid ${h.pid} on ${h.host} since ${h.at})` : ""}; if that process is gone, delete the lock file`,
      );
    }
    const holder = readHolder(path);
    if (holder) options.onWait?.(holder);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 250);
  }
}
