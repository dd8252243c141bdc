/** verify, gc and rollback: what keeps a store and its registry honest over time. */
import { createHash } from "node:crypto";
import { OperationError } from "../core/errors.js";
import type { BlobStore } from "./blobs/types.js";
import { mapLimit } from "./hash.js";
import type { Registry, VersionRow, VersionWithFiles } from "./registry/types.js";

export interface BlobProblem {
  sha256: string;
  /** Model versions and paths that name this blob. */
  usedBy: string[];
  problem: "missing" | "wrong-size" | "wrong-recorded-hash" | "content-mismatch";
  detail: string;
}

/** READY versions of the named models (all when empty), with their files. */
export async function readyVersions(registry: Registry, names?: readonly string[]): Promise<VersionWithFiles[]> {
  const all = names && names.length > 0 ? names : (await registry.models()).map((m) => m.name);
  const out: VersionWithFiles[] = [];
  for (const name of all) {
    const versions = await registry.versions(name);
    if (versions.length === 0 && names?.includes(name)) throw new OperationError(`no model named ${name} in the registry`);
    for (const v of versions.filter((x) => x.status === "READY")) {
      const full = await registry.resolve(name, v.version);
      if (full) out.push(full);
    }
  }
  return out;
}

/** Checks every blob the given versions name: HEAD size and recorded hash, or with `deep` the bytes. */
export async function verifyStore(versions: readonly VersionWithFiles[], store: BlobStore, options: { deep?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<{ checked: number; problems: BlobProblem[] }> {
  const blobs = new Map<string, { size: number; usedBy: string[] }>();
  for (const v of versions)
    for (const f of v.files) {
      const b = blobs.get(f.sha256) ?? { size: f.size, usedBy: [] };
      b.usedBy.push(`${v.model}@${v.version}:${f.path}`);
      blobs.set(f.sha256, b);
    }
  let done = 0;
  const results = await mapLimit([...blobs], options.deep ? 4 : 16, async ([sha, b]): Promise<BlobProblem | null> => {
    try {
      const head = await store.head(sha);
      if (!head) return { sha256: sha, usedBy: b.usedBy, problem: "missing", detail: "not in the store" };
      if (head.size !== b.size) return { sha256: sha, usedBy: b.usedBy, problem: "wrong-size", detail: `${head.size} bytes, expected ${b.size}` };
      if (head.sha256 !== undefined && head.sha256 !== sha) return { sha256: sha, usedBy: b.usedBy, problem: "wrong-recorded-hash", detail: `recorded sha256 ${head.sha256.slice(0, 12)}…` };
      if (options.deep) {
        const hash = createHash("sha256");
        let size = 0;
        for await (const chunk of await store.get(sha)) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        const actual = hash.digest("hex");
        if (actual !== sha || size !== b.size) return { sha256: sha, usedBy: b.usedBy, problem: "content-mismatch", detail: `content hashes to ${actual.slice(0, 12)}… (${size} bytes)` };
      }
      return null;
    } finally {
      options.onProgress?.(++done, blobs.size);
    }
  });
  return { checked: blobs.size, problems: results.filter((r): r is BlobProblem => r !== null) };
}

export interface GcPlan {
  keep: number;
  deleteVersions: VersionRow[];
  deleteBlobs: { sha256: string; size: number }[];
  keptVersions: number;
}

/**
 * Keep-set: the last `keep` READY versions of each model, every alias target, and PENDING versions
 * younger than `pendingGraceMs` (a push may be running). Registry rows go first, blobs last, so a
 * reader never follows a row to a deleted blob; blobs are found by listing the store and diffing it
 * with what the registry still names (objects orphaned by anyone, not only by this gc).
 */
export async function gc(registry: Registry, store: BlobStore, options: { keep: number; dryRun?: boolean; pendingGraceMs?: number; now?: number }): Promise<GcPlan> {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new OperationError("--keep must be a whole number ≥ 1");
  const now = options.now ?? Date.now();
  const grace = options.pendingGraceMs ?? 24 * 3600_000;
  const doomed: VersionRow[] = [];
  let kept = 0;
  for (const m of await registry.models()) {
    const versions = await registry.versions(m.name);
    const aliased = new Set(Object.values(m.aliases));
    const lastReady = new Set(versions.filter((v) => v.status === "READY").map((v) => v.version).sort((a, b) => b - a).slice(0, options.keep));
    for (const v of versions) {
      const young = v.status === "PENDING" && now - Date.parse(v.createdAt) < grace;
      if (lastReady.has(v.version) || aliased.has(v.version) || young) kept++;
      else doomed.push(v);
    }
  }
  // Listing before reading references: a blob uploaded after the list is never a candidate.
  const listed: { sha256: string; size: number }[] = [];
  for await (const b of store.list()) listed.push(b);
  if (!options.dryRun) await registry.deleteVersions(doomed.map((v) => v.id));
  let referenced = await registry.referencedShas();
  if (options.dryRun) {
    // What would still be referenced once the doomed versions are gone.
    const stillNamed = new Set<string>();
    const doomedIds = new Set(doomed.map((v) => v.id));
    for (const m of await registry.models())
      for (const v of await registry.versions(m.name)) {
        if (doomedIds.has(v.id)) continue;
        const full = await registry.resolve(m.name, v.version, { anyStatus: true });
        for (const f of full?.files ?? []) stillNamed.add(f.sha256);
      }
    referenced = stillNamed;
  }
  const orphans = listed.filter((b) => !referenced.has(b.sha256));
  if (!options.dryRun) await store.delete(orphans.map((b) => b.sha256));
  return { keep: options.keep, deleteVersions: doomed, deleteBlobs: orphans, keptVersions: kept };
}

/** Moves `alias` to `to`, or to the READY version just below its current target; returns from/to. */
export async function rollback(registry: Registry, name: string, alias: string, to?: number): Promise<{ from?: number; to: number }> {
  const versions = await registry.versions(name);
  if (versions.length === 0) throw new OperationError(`no model named ${name} in the registry`);
  const current = (await registry.aliases(name)).find((a) => a.alias === alias)?.version;
  let target = to;
  if (target === undefined) {
    if (current === undefined) throw new OperationError(`${name} has no alias "${alias}": give the version with --to`);
    target = versions.filter((v) => v.status === "READY" && v.version < current).map((v) => v.version).sort((a, b) => b - a)[0];
    if (target === undefined) throw new OperationError(`${name}: no READY version before v${current} to roll back to`);
  }
  const v = versions.find((x) => x.version === target);
  if (!v) throw new OperationError(`${name} has no version ${target}`);
  if (v.status !== "READY") throw new OperationError(`${name} v${target} is ${v.status}: only a READY version can take an alias`);
  const from = await registry.setAlias(name, alias, target);
  return { ...(from !== undefined ? { from } : {}), to: target };
}
