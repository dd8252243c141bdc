/**
 * What must hold when things go wrong: kill -9 of push and of pull at 20 random points each, a
 * damaged blob, four pulls racing on one cache, stale and live locks, hostile manifest paths, a full
 * disk. Real processes against the suite's s3rver and PostgreSQL; the kill points come from a seeded
 * generator and are printed, so a failure can be replayed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readyVersions, verifyStore } from "../../src/models/admin.js";
import { openRegistry, openStore } from "../../src/models/config.js";
import { objectKey } from "../../src/models/manifest.js";
import { S3_ENV } from "../helpers/servers.js";
import { pgDatabase, prng, randomProject, s3Store, shipfit, shipfitAsync, tmpDir, tree } from "./helpers.js";

Object.assign(process.env, S3_ENV);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const KILLS = 20;

/** Starts `args`, kills it with SIGKILL after `ms`, returns how it ended. */
async function killAfter(args: string[], ms: number) {
  const run = shipfitAsync(args);
  const timer = setTimeout(() => run.child.kill("SIGKILL"), ms);
  const r = await run.done;
  clearTimeout(timer);
  return r;
}

async function timed(args: string[]): Promise<number> {
  const t = Date.now();
  const r = await shipfitAsync(args).done;
  expect(r.code, r.stderr).toBe(0);
  return Date.now() - t;
}

/** Every READY version's blobs are in the store with the right size and recorded sha256. */
async function readyImpliesBlobs(store: string, registry: string): Promise<{ ready: number }> {
  const reg = await openRegistry(registry);
  const s = openStore(store);
  try {
    const versions = await readyVersions(reg);
    const r = await verifyStore(versions, s);
    expect(r.problems, JSON.stringify(r.problems)).toEqual([]);
    return { ready: versions.length };
  } finally {
    await reg.close();
    s.close?.();
  }
}

/** Nothing in the cache or the app folder sits under a final name with the wrong bytes. */
function cacheIsSound(cache: string, app: string, expected: Map<string, Buffer>): void {
  const objects = path.join(cache, "objects");
  if (existsSync(objects))
    for (const [rel, bytes] of tree(objects)) expect(sha(bytes), `object ${rel}`).toBe(rel.split(path.sep).slice(1).join(""));
  const models = path.join(cache, "models");
  if (existsSync(models))
    for (const [rel, bytes] of tree(models)) {
      if (path.basename(rel).endsWith(".shipfit-tmp")) continue; // a link being placed: a whole object, not a final name
      const parts = rel.split(path.sep); // NAME/VERSION/data/models/NAME/FILE
      const want = expected.get(parts.slice(2).join("/"));
      expect(want && bytes.equals(want), `cache file ${rel}`).toBe(true);
    }
  if (existsSync(app))
    for (const [rel, bytes] of tree(app)) {
      if (path.basename(rel).endsWith(".shipfit-tmp")) continue;
      expect(expected.get(rel.split(path.sep).join("/"))?.equals(bytes), `app file ${rel}`).toBe(true);
    }
}

describe("kill -9", () => {
  it(`of push at ${KILLS} random points never leaves a READY version with a missing blob; a rerun completes`, async () => {
    const project = randomProject(tmpDir("kill-push"), 6, 2, 3 << 20);
    const full = await timed(["models", "push", project, "--store", s3Store("calibrate"), "--registry", await pgDatabase()]);
    const rand = prng(6001);
    const points: number[] = [];
    let interrupted = 0;
    for (let i = 0; i < KILLS; i++) {
      const at = Math.round(rand() * full);
      points.push(at);
      const store = s3Store(`kill-push-${i}`);
      const registry = await pgDatabase();
      const loc = ["--store", store, "--registry", registry];
      const killed = await killAfter(["models", "push", project, ...loc], at);
      if (killed.code !== 0) interrupted++;
      await readyImpliesBlobs(store, registry);
      const rerun = shipfit(["models", "push", project, ...loc, "--json"]);
      expect(rerun.code, `kill at ${at} ms, rerun: ${rerun.stderr}`).toBe(0);
      const after = await readyImpliesBlobs(store, registry);
      expect(after.ready).toBe(6);
      const deep = shipfit(["models", "verify", "--deep", ...loc, "--dir", project]);
      expect(deep.code, deep.stdout).toBe(0);
    }
    console.log(`push: full run ${full} ms; killed at ${points.join(", ")} ms; ${interrupted}/${KILLS} interrupted before the end`);
    expect(interrupted).toBeGreaterThan(KILLS / 2);
  }, 600_000);

  it(`of pull at ${KILLS} random points never leaves a partial file under a final name; a rerun completes`, async () => {
    const project = randomProject(tmpDir("kill-pull"), 6, 2, 3 << 20);
    const loc = ["--store", s3Store("kill-pull"), "--registry", `sqlite:${path.join(project, "registry.db")}`];
    expect(shipfit(["models", "push", project, ...loc]).code).toBe(0);
    const expected = new Map([...tree(project)].filter(([rel]) => rel.startsWith("data")).map(([rel, b]) => [rel.split(path.sep).join("/"), b]));
    const pullArgs = (cache: string, app: string) => ["models", "pull", "--dir", project, ...loc, "--to", cache, "--into", app];
    const full = await timed(pullArgs(tmpDir("cal-cache"), tmpDir("cal-app")));
    const rand = prng(7001);
    const points: number[] = [];
    let interrupted = 0;
    for (let i = 0; i < KILLS; i++) {
      const at = Math.round(rand() * full);
      points.push(at);
      const cache = tmpDir(`kp-cache-${i}`);
      const app = tmpDir(`kp-app-${i}`);
      const killed = await killAfter(pullArgs(cache, app), at);
      if (killed.code !== 0) interrupted++;
      cacheIsSound(cache, app, expected);
      const rerun = shipfit(pullArgs(cache, app));
      expect(rerun.code, `kill at ${at} ms, rerun: ${rerun.stderr}`).toBe(0);
      cacheIsSound(cache, app, expected);
      for (const [rel, bytes] of expected) expect(readFileSync(path.join(app, rel)).equals(bytes), rel).toBe(true);
      rmSync(cache, { recursive: true, force: true });
      rmSync(app, { recursive: true, force: true });
    }
    console.log(`pull: full run ${full} ms; killed at ${points.join(", ")} ms; ${interrupted}/${KILLS} interrupted before the end`);
    expect(interrupted).toBeGreaterThan(KILLS / 2);
  }, 600_000);
});

describe("a shared cache", () => {
  const project = randomProject(tmpDir("shared"), 2, 3, 2 << 20);
  const loc = () => ["--store", `file:${path.join(project, "store")}`, "--registry", `sqlite:${path.join(project, "registry.db")}`];
  beforeAll(() => {
    expect(shipfit(["models", "push", project, ...loc()]).code).toBe(0);
  });

  it("4 concurrent pulls of the same models give identical files and download each blob once", async () => {
    const cache = tmpDir("race-cache");
    const apps = [0, 1, 2, 3].map((i) => tmpDir(`race-app-${i}`));
    const runs = await Promise.all(apps.map((app) => shipfitAsync(["models", "pull", "--dir", project, ...loc(), "--to", cache, "--into", app, "--json"]).done));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const downloads = runs.map((r) => (JSON.parse(r.stdout) as { downloadedFiles: number }).downloadedFiles);
    expect(downloads.reduce((a, b) => a + b, 0)).toBe(8); // 2 × (3 parts + metadata.json)
    // Compared by hash: a deep equality over megabytes of Buffer bytes takes minutes.
    const digest = (dir: string) => new Map([...tree(dir)].map(([rel, b]) => [rel, sha(b)]));
    const first = digest(apps[0] ?? "");
    expect(first.size).toBe(8);
    for (const app of apps.slice(1)) expect(digest(app)).toEqual(first);
    for (const [rel, h] of first) expect(h).toBe(sha(readFileSync(path.join(project, rel))));
  });

  it("a stale lock (dead process, or not refreshed for a long time) is taken over; a live one makes pull wait, then fail clearly", async () => {
    const bytes = readFileSync(path.join(project, "data", "models", "model1", "part1.joblib"));
    const blob = sha(bytes);
    for (const kind of ["dead pid", "old mtime"] as const) {
      const cache = tmpDir("stale");
      mkdirSync(path.join(cache, "locks"), { recursive: true });
      const lock = path.join(cache, "locks", `${blob}.lock`);
      writeFileSync(lock, JSON.stringify({ pid: kind === "dead pid" ? 2 ** 22 + 17 : process.pid, host: hostname(), at: new Date().toISOString() }));
      if (kind === "old mtime") utimesSync(lock, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
      const t = Date.now();
      const r = shipfit(["models", "pull", "model1", "--dir", project, ...loc(), "--to", cache, "--lock-timeout", "20"]);
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      expect(Date.now() - t, kind).toBeLessThan(15_000); // recovered, not timed out
      expect(existsSync(lock)).toBe(false);
      expect(readFileSync(path.join(cache, "objects", objectKey(blob))).equals(bytes)).toBe(true);
    }
    const cache = tmpDir("live");
    mkdirSync(path.join(cache, "locks"), { recursive: true });
    writeFileSync(path.join(cache, "locks", `${blob}.lock`), JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    const held = shipfit(["models", "pull", "model1", "--dir", project, ...loc(), "--to", cache, "--lock-timeout", "1"]);
    expect(held.code).toBe(1);
    expect(held.stderr.trim()).toMatch(new RegExp(`^shipfit models: waited 1 s for .*${blob}\\.lock \\(held by pid ${process.pid} on `));
    expect(existsSync(path.join(cache, "objects", objectKey(blob)))).toBe(false);
  });

  it("rejects a manifest path with .. or an absolute path (exit 2) and writes nothing", async () => {
    const good = JSON.parse(shipfit(["models", "manifest", "model1", "--dir", project, ...loc()]).stdout) as { models: { files: { path: string }[] }[] };
    for (const evil of ["../../etc/cron.d/x", "/etc/cron.d/x", "data/../../x", "data//x"]) {
      const m = structuredClone(good);
      const file = m.models[0]?.files[0];
      if (file) file.path = evil;
      const f = path.join(tmpDir("evil"), "m.json");
      writeFileSync(f, JSON.stringify(m));
      const cache = path.join(tmpDir("evil-cache"), "cache");
      const app = path.join(tmpDir("evil-app"), "app");
      const r = shipfit(["models", "pull", "--manifest", f, "--to", cache, "--into", app]);
      expect(r.code, evil).toBe(2);
      expect(r.stderr).toMatch(/manifest path .* rejected/);
      expect(existsSync(cache) || existsSync(app)).toBe(false);
    }
    // The same path written straight into the registry (someone else can write it) is refused at pull.
    const reg = await openRegistry(`sqlite:${path.join(project, "registry.db")}`);
    const f = { path: "../outside.bin", sha256: "a".repeat(64), size: 1, key: objectKey("a".repeat(64)) };
    const v = await reg.beginVersion("evil", { digest: "x", files: [f], store: "file:/x" });
    await reg.markReady(v.version.id);
    await reg.close();
    const cache = path.join(tmpDir("evil-reg"), "cache");
    const r = shipfit(["models", "pull", "evil", "--dir", project, ...loc(), "--to", cache]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest path "..\/outside.bin" rejected: contains \.\./);
    expect(existsSync(path.join(path.dirname(cache), "outside.bin"))).toBe(false);
  });
});

describe("a full disk", () => {
  const mnt = tmpDir("tmpfs");
  let mounted = false;
  beforeAll(() => {
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt], { stdio: "ignore" });
      mounted = true;
    } catch {
      /* not root: the test says so below */
    }
  });
  afterAll(() => {
    if (mounted) execFileSync("umount", [mnt]);
  });

  it("is refused before downloading, and a disk that fills up mid-download leaves nothing half-written", () => {
    expect(mounted, "mounting an 8 MB tmpfs needs root (CI runs as root)").toBe(true);
    const project = randomProject(tmpDir("full"), 1, 1, 12 << 20);
    const loc = ["--store", `file:${path.join(project, "store")}`, "--registry", `sqlite:${path.join(project, "registry.db")}`];
    expect(shipfit(["models", "push", project, ...loc]).code).toBe(0);
    const cache = path.join(mnt, "cache");
    const pre = shipfit(["models", "pull", "--dir", project, ...loc, "--to", cache]);
    expect(pre.code).toBe(1);
    expect(pre.stderr.trim()).toMatch(/^shipfit models: not enough free disk for .*cache: [\d.]+ MB needed for 2 file\(s\), [\d.]+ MB free; nothing was downloaded$/);
    expect(readdirSync(path.join(cache, "objects"))).toEqual([]);
    // Past the check (as when something else fills the disk meanwhile): ENOSPC mid-stream.
    const mid = shipfit(["models", "pull", "--dir", project, ...loc, "--to", cache], { env: { SHIPFIT_TEST_SKIP_SPACE_CHECK: "1" } });
    expect(mid.code).toBe(1);
    expect(mid.stderr.trim()).toMatch(/^shipfit models: disk full while downloading [0-9a-f]{12}… into .*: the partial file was removed, nothing half-written is left$/);
    expect(readdirSync(path.join(cache, "tmp"))).toEqual([]);
    const objects = tree(path.join(cache, "objects"));
    for (const [rel, bytes] of objects) expect(sha(bytes)).toBe(rel.split(path.sep).slice(1).join(""));
    expect([...objects.values()].some((b) => b.length === 12 << 20)).toBe(false);
    expect(existsSync(path.join(cache, "models", "model1", "current")) && lstatSync(path.join(cache, "models", "model1", "current")).isSymbolicLink()).toBe(false);
  });
});
