/** One contract, two registries: SQLite (embedded) and a real PostgreSQL server. */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { objectKey, versionDigest, type ManifestFile } from "../../src/models/manifest.js";
import { openPostgresRegistry } from "../../src/models/registry/postgres.js";
import { openSqliteRegistry } from "../../src/models/registry/sqlite.js";
import type { Registry } from "../../src/models/registry/types.js";
import { pgDatabase } from "./helpers.js";

const work = mkdtempSync(path.join(os.tmpdir(), "shipfit-registry-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function files(n: number, seed = randomBytes(4).toString("hex")): ManifestFile[] {
  return Array.from({ length: n }, (_, i) => {
    const sha = (seed + i.toString(16)).padEnd(64, "a").slice(0, 64);
    return { path: `models/${seed}/file${i}.bin`, sha256: sha, size: 100 + i, key: objectKey(sha) };
  });
}

async function pgRegistry(): Promise<Registry> {
  return openPostgresRegistry(await pgDatabase());
}

const backends: [string, () => Promise<Registry>][] = [
  ["sqlite", () => openSqliteRegistry(path.join(work, `${randomBytes(4).toString("hex")}.db`))],
  ["postgres", pgRegistry],
];

describe.each(backends)("registry conformance: %s", (_name, open) => {
  it("a new version is PENDING and invisible to resolve until it is marked READY", async () => {
    const r = await open();
    try {
      const f = files(3);
      const begun = await r.beginVersion("fraud", { digest: versionDigest(f), files: f, store: "file:/s" });
      expect(begun.kind).toBe("new");
      expect(begun.version).toMatchObject({ model: "fraud", version: 1, status: "PENDING", fileCount: 3, totalSize: 303 });
      expect(await r.resolve("fraud")).toBeNull();
      expect((await r.resolve("fraud", 1, { anyStatus: true }))?.files).toEqual([...f].sort((a, b) => (a.path < b.path ? -1 : 1)));
      await r.markReady(begun.version.id);
      const v = await r.resolve("fraud");
      expect(v).toMatchObject({ version: 1, status: "READY" });
      expect(v?.readyAt).toBeTruthy();
      expect(v?.files.map((x) => x.sha256).sort()).toEqual(f.map((x) => x.sha256).sort());
    } finally {
      await r.close();
    }
  });

  it("same bytes → unchanged; a PENDING version with the same digest is resumed; new bytes → next number", async () => {
    const r = await open();
    try {
      const a = files(2);
      const v1 = await r.beginVersion("m", { digest: versionDigest(a), files: a, store: "file:/s" });
      await r.markReady(v1.version.id);
      expect((await r.beginVersion("m", { digest: versionDigest(a), files: a, store: "file:/s" })).kind).toBe("unchanged");
      const b = files(2);
      const v2 = await r.beginVersion("m", { digest: versionDigest(b), files: b, store: "file:/s" });
      expect(v2).toMatchObject({ kind: "new", version: { version: 2, status: "PENDING" } });
      const again = await r.beginVersion("m", { digest: versionDigest(b), files: b, store: "file:/s" });
      expect(again).toMatchObject({ kind: "resumed", version: { id: v2.version.id, version: 2 } });
      expect((await r.resolve("m"))?.version).toBe(1);
      expect((await r.versions("m")).map((v) => [v.version, v.status])).toEqual([
        [1, "READY"],
        [2, "PENDING"],
      ]);
    } finally {
      await r.close();
    }
  });

  it("aliases point at READY versions, remember the previous target, and resolve", async () => {
    const r = await open();
    try {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const f = files(1);
        const v = await r.beginVersion("a", { digest: versionDigest(f), files: f, store: "file:/s" });
        if (i < 2) await r.markReady(v.version.id);
        ids.push(v.version.id);
      }
      expect(await r.setAlias("a", "production", 1)).toBeUndefined();
      expect(await r.setAlias("a", "production", 2)).toBe(1);
      expect(await r.aliases("a")).toMatchObject([{ alias: "production", version: 2, previous: 1 }]);
      expect((await r.resolve("a", "production"))?.version).toBe(2);
      expect(await r.resolve("a", "staging")).toBeNull();
      await expect(r.setAlias("a", "production", 3)).rejects.toThrow(/PENDING/);
      await expect(r.setAlias("a", "production", 9)).rejects.toThrow(/no version 9/);
      expect((await r.model("a"))?.aliases).toEqual({ production: 2 });
    } finally {
      await r.close();
    }
  });

  it("keeps metadata (feature columns, metrics, framework), usage counts and last use", async () => {
    const r = await open();
    try {
      await r.upsertModel("dataset1", { framework: "xgboost", featureColumns: ["tx_amount", "merchant"], metrics: { auc: 0.91 }, extra: { target: "is_fraud" } });
      await r.upsertModel("dataset1", { description: "first" }); // fills in, keeps the rest
      const f = files(2);
      const v = await r.beginVersion("dataset1", { digest: versionDigest(f), files: f, store: "s3://b/p" });
      await r.markReady(v.version.id);
      await r.recordUse("dataset1");
      await r.recordUse("dataset1", 2);
      const m = await r.model("dataset1");
      expect(m).toMatchObject({ name: "dataset1", framework: "xgboost", description: "first", featureColumns: ["tx_amount", "merchant"], metrics: { auc: 0.91 }, extra: { target: "is_fraud" }, usageCount: 3, latestVersion: 1, versions: 1, latestSize: 201 });
      expect(m?.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await r.close();
    }
  });

  it("deleting versions removes their files from the referenced set, and clears aliases' memory of them", async () => {
    const r = await open();
    try {
      const a = files(2);
      const b = files(2);
      const v1 = await r.beginVersion("d", { digest: versionDigest(a), files: a, store: "file:/s" });
      await r.markReady(v1.version.id);
      const v2 = await r.beginVersion("d", { digest: versionDigest(b), files: b, store: "file:/s" });
      await r.markReady(v2.version.id);
      await r.setAlias("d", "production", 1);
      await r.setAlias("d", "production", 2);
      const before = await r.referencedShas();
      for (const f of [...a, ...b]) expect(before.has(f.sha256)).toBe(true);
      await r.deleteVersions([v1.version.id]);
      const after = await r.referencedShas();
      for (const f of a) expect(after.has(f.sha256)).toBe(false);
      for (const f of b) expect(after.has(f.sha256)).toBe(true);
      expect(await r.aliases("d")).toMatchObject([{ alias: "production", version: 2 }]);
      expect((await r.aliases("d"))[0]?.previous).toBeUndefined();
      expect((await r.versions("d")).map((v) => v.version)).toEqual([2]);
    } finally {
      await r.close();
    }
  });

  it("two connections beginning versions of one model at once get distinct numbers", async () => {
    const r1 = await open();
    const url = r1.url;
    // A second connection to the same registry.
    const r2 = url.startsWith("sqlite:") ? await openSqliteRegistry(url.slice(7)) : await openPostgresRegistry(url.replace(":***@", "@"));
    try {
      const batches = Array.from({ length: 8 }, () => files(1));
      const results = await Promise.all(batches.map((f, i) => (i % 2 ? r1 : r2).beginVersion("race", { digest: versionDigest(f), files: f, store: "file:/s" })));
      expect(new Set(results.map((x) => x.version.version)).size).toBe(8);
      expect((await r1.versions("race")).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await r1.close();
      await r2.close();
    }
  });

  it("exposes seed 003's reference_models as the shipfit_reference_models view", async () => {
    const r = await open();
    try {
      await r.upsertModel("dataset16", { framework: "xgboost", featureColumns: ["a", "b"], metrics: { auc: 0.8 } });
      const f = files(4);
      const v = await r.beginVersion("dataset16", { digest: versionDigest(f), files: f, store: "s3://fraud-detection-models/automl_models/" });
      await r.markReady(v.version.id);
      if (r.url.startsWith("sqlite:")) {
        // What the Python app reads, with nothing but its standard library.
        const py = `import sqlite3, json, sys\nc = sqlite3.connect(sys.argv[1])\nrow = c.execute("select name, framework, feature_columns, metrics, storage_type, storage_path, latest_version, file_count, usage_count from shipfit_reference_models").fetchone()\nprint(json.dumps(row))`;
        const out = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py, r.url.slice(7)]).toString()) as unknown[];
        expect(out).toEqual(["dataset16", "xgboost", '["a","b"]', '{"auc":0.8}', "s3", "s3://fraud-detection-models/automl_models/", 1, 4, 0]);
      } else {
        const { default: pg } = await import("pg");
        const c = new pg.Client({ connectionString: r.url.replace(":***@", "@") });
        await c.connect();
        const { rows } = await c.query("select name, storage_type, latest_version, file_count from shipfit_reference_models");
        await c.end();
        expect(rows).toEqual([{ name: "dataset16", storage_type: "s3", latest_version: 1, file_count: 4 }]);
      }
    } finally {
      await r.close();
    }
  });

  it("opening twice is harmless (tables exist already)", async () => {
    const r = await open();
    const url = r.url;
    await r.close();
    const again = url.startsWith("sqlite:") ? await openSqliteRegistry(url.slice(7)) : await openPostgresRegistry(url.replace(":***@", "@"));
    expect(await again.models()).toEqual([]);
    await again.close();
  });
});
