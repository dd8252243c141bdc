/**
 * The Python model loader that `shipfit generate` writes (src/generate/assets/shipfit_models.py), run
 * with Debian's /usr/bin/python3 against real stores: files pushed with the TypeScript library to a
 * filesystem store and to s3rver, pulled through boto3 and through the loader's own SigV4 requests,
 * sharing one cache with the TypeScript pull.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { buildManifest } from "../../src/cli/commands/models.js";
import { objectPath, pull as tsPull } from "../../src/models/cache.js";
import { openRegistry, openStore } from "../../src/models/config.js";
import { modelFromPaths } from "../../src/models/discover.js";
import type { Manifest } from "../../src/models/manifest.js";
import { push } from "../../src/models/push.js";
import { S3_ENV } from "../helpers/servers.js";

Object.assign(process.env, S3_ENV);

const PYTHON = "/usr/bin/python3";
const ASSETS = path.resolve(new URL("../../src/generate/assets", import.meta.url).pathname);
const LOADER = path.join(ASSETS, "shipfit_models.py");
const work = mkdtempSync(path.join(os.tmpdir(), "shipfit-loader-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the loader runs in: S3RVER credentials, nothing inherited that points elsewhere. */
function pyEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", ...S3_ENV, ...extra };
  return env;
}

/** `python3 shipfit_models.py ARGS` (or `python3 -c CODE` with the loader importable), to completion. */
function py(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const child = spawn(PYTHON, args[0] === "-c" ? args : [LOADER, ...args], { env: { ...pyEnv(extra), PYTHONPATH: ASSETS }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

let n = 0;
const fresh = (label: string) => mkdtempSync(path.join(work, `${label}-${++n}-`));

/**
 * A project with two models: m1 a folder with a nested file and an empty one, m2 a 1.5 MiB file (more
 * than one read chunk) and a file with the same bytes as one of m1's (one blob, linked twice).
 */
function project(): { dir: string; files: Map<string, Buffer> } {
  const dir = fresh("project");
  const shared = randomBytes(4096);
  const files = new Map<string, Buffer>([
    ["data/models/m1/weights.bin", randomBytes(200_000)],
    ["data/models/m1/config.json", Buffer.from(JSON.stringify({ layers: 3 }))],
    ["data/models/m1/tokenizer/vocab.txt", shared],
    ["data/models/m1/empty.txt", Buffer.alloc(0)],
    ["data/models/m2/model.joblib", randomBytes(1_500_000)],
    ["data/models/m2/vocab-copy.txt", shared],
  ]);
  for (const [rel, bytes] of files) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), bytes);
  }
  return { dir, files };
}

const s3Url = (prefix: string) => `s3://${inject("s3Bucket")}/${prefix}?endpoint=${encodeURIComponent(inject("s3Endpoint"))}&region=us-east-1&path_style=true&checksums=when_required`;

interface Pushed {
  dir: string;
  files: Map<string, Buffer>;
  manifest: Manifest;
  manifestFile: string;
  /** Where the store keeps a blob's bytes on disk (the fs store's file, or s3rver's object file). */
  blobFile(sha: string): string;
}

/** Pushes a fresh project with the TypeScript library and writes the manifest `shipfit models manifest` would. */
async function pushed(kind: "fs" | "s3"): Promise<Pushed> {
  const { dir, files } = project();
  const prefix = `loader-${randomBytes(4).toString("hex")}`;
  const fsRoot = path.join(fresh("store"), "blobs");
  const store = openStore(kind === "fs" ? `file:${fsRoot}` : s3Url(prefix));
  const registry = await openRegistry(`sqlite:${path.join(dir, "registry.db")}`);
  try {
    await push([modelFromPaths(dir, "m1", ["data/models/m1"]), modelFromPaths(dir, "m2", ["data/models/m2"])], store, registry);
    const manifest = await buildManifest(registry, store.url, []);
    const manifestFile = path.join(dir, "shipfit.models.json");
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const blobFile = (sha: string) =>
      kind === "fs" ? path.join(fsRoot, "sha256", sha.slice(0, 2), sha.slice(2)) : path.join(inject("s3Dir"), inject("s3Bucket"), prefix, "sha256", sha.slice(0, 2), `${sha.slice(2)}._S3rver_object`);
    return { dir, files, manifest, manifestFile, blobFile };
  } finally {
    await registry.close();
    store.close?.();
  }
}

/** Every entry under `dir` with its type, mode, size and link count, or its symlink target. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r));
      const mode = (st.mode & 0o777).toString(8);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(path.join(dir, r))}`);
      else if (st.isDirectory()) {
        out.push(`${r}/ ${mode}`);
        walk(r);
      } else out.push(`${r} ${mode} ${st.size} links=${st.nlink}`);
    }
  };
  walk("");
  return out.sort();
}

const blobCount = (p: Pushed) => new Set(p.manifest.models.flatMap((m) => m.files.map((f) => f.sha256))).size;
const summary = (r: Run) => /(\d+) downloaded and verified .*, (\d+) already cached/.exec(r.stdout);

/** The same store, unreachable: a warm pull that still succeeds has downloaded nothing. */
function offlineManifest(p: Pushed): string {
  const file = path.join(fresh("offline"), "shipfit.models.json");
  const dead = p.manifest.store.startsWith("s3://") ? p.manifest.store.replace(/endpoint=[^&]+/, `endpoint=${encodeURIComponent("http://127.0.0.1:9")}`) : `file:${path.join(work, "no-such-store")}`;
  writeFileSync(file, JSON.stringify({ ...p.manifest, store: dead }));
  return file;
}

const VARIANTS: { name: string; kind: "fs" | "s3"; env: Record<string, string> }[] = [
  { name: "fs store", kind: "fs", env: {} },
  { name: "s3rver through boto3", kind: "s3", env: {} },
  { name: "s3rver through the loader's own SigV4 requests", kind: "s3", env: { SHIPFIT_LOADER_NO_BOTO3: "1" } },
];

describe.each(VARIANTS)("python loader: $name", ({ kind, env }) => {
  it("pulls identical bytes into CACHE/models/NAME/VERSION/PATH and DIR/PATH, objects 0444, current -> VERSION; a warm run downloads nothing", async () => {
    const p = await pushed(kind);
    const cache = path.join(fresh("cache"), "c");
    const into = fresh("into");
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache, "--into", into], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(summary(r)?.slice(1)).toEqual([String(blobCount(p)), "0"]);
    for (const m of p.manifest.models) {
      expect(readlinkSync(path.join(cache, "models", m.name, "current"))).toBe(String(m.version));
      for (const f of m.files) {
        const bytes = p.files.get(f.path);
        expect(bytes, f.path).toBeDefined();
        expect(readFileSync(path.join(cache, "models", m.name, String(m.version), f.path)).equals(bytes as Buffer), f.path).toBe(true);
        expect(readFileSync(path.join(into, f.path)).equals(bytes as Buffer), f.path).toBe(true);
        const obj = statSync(objectPath(cache, f.sha256));
        expect(obj.mode & 0o777).toBe(0o444);
        // Hard links, not copies: one inode for the object, the cache's path and the app's.
        expect(statSync(path.join(into, f.path)).ino).toBe(obj.ino);
      }
    }
    expect(readFileSync(path.join(cache, "CACHEDIR.TAG"), "utf8")).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55\n/);
    expect(readdirSync(path.join(cache, "tmp"))).toEqual([]);
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);

    const before = tree(cache);
    const warm = await py(["pull", "--manifest", offlineManifest(p), "--to", cache, "--into", into], env);
    expect(warm.stderr).toBe("");
    expect(warm.code).toBe(0);
    expect(summary(warm)?.slice(1)).toEqual(["0", String(blobCount(p))]);
    expect(tree(cache)).toEqual(before);
  });

  it("refuses a tampered blob with exit 1 and one line: nothing under a final name, no temp file", async () => {
    const p = await pushed(kind);
    const target = p.manifest.models.find((m) => m.name === "m2")?.files.find((f) => f.path.endsWith("model.joblib"));
    if (!target) throw new Error("no m2/model.joblib in the manifest");
    // Same size, other bytes: only the hash can tell.
    const file = p.blobFile(target.sha256);
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(target.size);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);

    const cache = path.join(fresh("cache"), "c");
    const into = fresh("into");
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache, "--into", into], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`blob ${target.sha256.slice(0, 12)}\\.\\.\\. from .* does not match: got ${target.size} bytes with sha256 [0-9a-f]{12}\\.\\.\\., expected ${target.size} bytes; refused`));
    expect(r.stdout).toBe("");
    expect(existsSync(objectPath(cache, target.sha256))).toBe(false);
    expect(readdirSync(path.join(cache, "tmp"))).toEqual([]);
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);
    // Files are linked only once every blob is verified: neither the cache's model folders nor DIR got any.
    expect(readdirSync(path.join(cache, "models"))).toEqual([]);
    expect(readdirSync(into)).toEqual([]);
  });

  it("names a blob missing from the store (exit 1)", async () => {
    const p = await pushed(kind);
    const target = p.manifest.models[0]?.files.find((f) => f.size > 0);
    if (!target) throw new Error("no file");
    rmSync(p.blobFile(target.sha256));
    const cache = path.join(fresh("cache"), "c");
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`shipfit_models.py: blob ${target.sha256.slice(0, 12)}... is missing from ${kind === "fs" ? `file:${path.dirname(path.dirname(path.dirname(p.blobFile(target.sha256))))}` : p.manifest.store}`);
    expect(existsSync(objectPath(cache, target.sha256))).toBe(false);
    expect(readdirSync(path.join(cache, "tmp"))).toEqual([]);
  });
});

describe("python loader and the TypeScript pull share one cache", () => {
  it("lay the cache out identically, entry for entry", async () => {
    const p = await pushed("s3");
    const tsCache = path.join(fresh("cache"), "c");
    const pyCache = path.join(fresh("cache"), "c");
    const store = openStore(p.manifest.store);
    try {
      await tsPull(p.manifest.models, store, { cacheDir: tsCache });
    } finally {
      store.close?.();
    }
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", pyCache]);
    expect(r.code).toBe(0);
    expect(tree(pyCache)).toEqual(tree(tsCache));
    expect(tree(pyCache)).toContain("models/m2/current -> 1");
  });

  it("the TypeScript pull fills it, the loader finds it warm (even with the store unreachable)", async () => {
    const p = await pushed("fs");
    const cache = path.join(fresh("cache"), "c");
    const store = openStore(p.manifest.store);
    const first = await tsPull(p.manifest.models, store, { cacheDir: cache });
    expect(first.downloadedFiles).toBe(blobCount(p));
    const r = await py(["pull", "--manifest", offlineManifest(p), "--to", cache]);
    expect(r.stderr).toBe("");
    expect(summary(r)?.slice(1)).toEqual(["0", String(blobCount(p))]);
  });

  it("the loader fills it, the TypeScript pull finds it warm", async () => {
    const p = await pushed("s3");
    const cache = path.join(fresh("cache"), "c");
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache], { SHIPFIT_LOADER_NO_BOTO3: "1" });
    expect(r.code).toBe(0);
    const store = openStore(p.manifest.store);
    try {
      const again = await tsPull(p.manifest.models, store, { cacheDir: cache });
      expect(again.downloadedFiles).toBe(0);
      expect(again.cachedFiles).toBe(blobCount(p));
    } finally {
      store.close?.();
    }
  });

  it("two loaders and the TypeScript pull started together download each blob once (the locks are shared)", async () => {
    const p = await pushed("s3");
    const cache = path.join(fresh("cache"), "c");
    const store = openStore(p.manifest.store);
    try {
      const [a, b, ts] = await Promise.all([
        py(["pull", "--manifest", p.manifestFile, "--to", cache]),
        py(["pull", "--manifest", p.manifestFile, "--to", cache], { SHIPFIT_LOADER_NO_BOTO3: "1" }),
        tsPull(p.manifest.models, store, { cacheDir: cache }),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const downloaded = Number(summary(a)?.[1]) + Number(summary(b)?.[1]) + ts.downloadedFiles;
      expect(downloaded).toBe(blobCount(p));
    } finally {
      store.close?.();
    }
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);
  });
});

describe("python loader: locks", () => {
  async function lockedCache(p: Pushed, holder: object, ageSeconds: number): Promise<{ cache: string; lock: string; sha: string }> {
    const cache = path.join(fresh("cache"), "c");
    const sha = p.manifest.models[1]?.files[0]?.sha256 ?? "";
    mkdirSync(path.join(cache, "locks"), { recursive: true });
    const lock = path.join(cache, "locks", `${sha}.lock`);
    writeFileSync(lock, JSON.stringify(holder));
    const t = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(lock, t, t);
    return { cache, lock, sha };
  }

  it("takes over a stale lock (mtime older than 30 s) and removes it", async () => {
    const p = await pushed("fs");
    const { cache, lock, sha } = await lockedCache(p, { pid: 4242, host: "another-host", at: "2020-01-01T00:00:00.000Z" }, 120);
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache, "--lock-timeout", "5"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(statSync(objectPath(cache, sha)).mode & 0o777).toBe(0o444);
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);
  });

  it("takes over a fresh lock whose process on this host is gone", async () => {
    const p = await pushed("fs");
    const dead = spawn(PYTHON, ["-c", "pass"]);
    await new Promise((r) => dead.on("close", r));
    const { cache, sha } = await lockedCache(p, { pid: dead.pid, host: os.hostname(), at: new Date().toISOString() }, 0);
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache, "--lock-timeout", "5"]);
    expect(r.code).toBe(0);
    expect(existsSync(objectPath(cache, sha))).toBe(true);
  });

  it("waits for a live holder, then fails with one line naming it (exit 1)", async () => {
    const p = await pushed("fs");
    const { cache, lock, sha } = await lockedCache(p, { pid: 4242, host: "another-host", at: "2026-01-01T00:00:00.000Z" }, 0);
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", cache, "--lock-timeout", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`shipfit_models.py: waited 1 s for ${lock} (held by pid 4242 on another-host since 2026-01-01T00:00:00.000Z); if that process is gone, delete the lock file`);
    expect(existsSync(objectPath(cache, sha))).toBe(false);
    expect(existsSync(lock)).toBe(true);
  });
});

describe("python loader: bad input exits 2 and writes nothing", () => {
  const good = () => ({
    format: "shipfit-models-manifest/1",
    store: `file:${path.join(work, "unused-store")}`,
    models: [{ name: "m", version: 1, digest: "d", files: [{ path: "a/b.bin", sha256: "ab".repeat(32), size: 3, key: `sha256/ab/${"ab".repeat(31)}` }] }],
  });
  const withPath = (p: string) => {
    const m = good();
    (m.models[0]?.files[0] as { path: string }).path = p;
    return m;
  };
  const cases: [string, unknown, RegExp][] = [
    ["a path with ..", withPath("a/../../etc/passwd"), /manifest path "a\/..\/..\/etc\/passwd" rejected: contains \.\./],
    ["a leading ..", withPath("../outside.bin"), /rejected: contains \.\./],
    ["an absolute path", withPath("/etc/passwd"), /manifest path "\/etc\/passwd" rejected: absolute/],
    ["a drive letter", withPath("C:/x.bin"), /rejected: absolute/],
    ["a backslash", withPath("a\\..\\b"), /rejected: contains a backslash/],
    ["a NUL", withPath("a\u0000b"), /rejected: contains NUL/],
    ["an empty segment", withPath("a//b"), /rejected: empty or \. segment/],
    ["a model named ..", { ...good(), models: [{ ...good().models[0], name: ".." }] }, /not a shipfit models manifest \(models\.0\.name\)/],
    ["a key that is not the sha's", { ...good(), models: [{ ...good().models[0], files: [{ ...good().models[0]?.files[0], key: "sha256/ab/x" }] }] }, /key sha256\/ab\/x does not match its sha256/],
    ["another format", { ...good(), format: "other/1" }, /not a shipfit models manifest \(format/],
    ["an unknown store scheme", { ...good(), store: "gs://bucket/x" }, /store gs:\/\/bucket\/x: unsupported scheme/],
    ["credentials in the store URL", { ...good(), store: "s3://AK:SK@bucket/x" }, /credentials do not belong in the URL/],
  ];
  it.each(cases)("%s", async (_name, manifest, message) => {
    const dir = fresh("bad");
    const file = path.join(dir, "m.json");
    writeFileSync(file, JSON.stringify(manifest));
    const cache = path.join(dir, "cache");
    const into = path.join(dir, "into");
    mkdirSync(into);
    const r = await py(["pull", "--manifest", file, "--to", cache, "--into", into]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(cache)).toBe(false);
    expect(readdirSync(into)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["into", "m.json"]);
  });

  it("not JSON, or no manifest at all", async () => {
    const dir = fresh("bad");
    writeFileSync(path.join(dir, "m.json"), "{");
    const notJson = await py(["pull", "--manifest", path.join(dir, "m.json"), "--to", path.join(dir, "cache")]);
    expect([notJson.code, notJson.stderr.trim()]).toEqual([2, `shipfit_models.py: ${path.join(dir, "m.json")}: not JSON`]);
    const none = await py(["check", "--manifest", path.join(dir, "none.json")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/none\.json: cannot read the manifest/);
    expect(existsSync(path.join(dir, "cache"))).toBe(false);
  });
});

describe("python loader: the rest of its contract", () => {
  it("check reads the manifest and the store URL without touching the network or the disk", async () => {
    const p = await pushed("s3");
    const r = await py(["check", "--manifest", p.manifestFile], { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${p.manifestFile}: 2 model(s), 6 file(s), 1.7 MB from ${p.manifest.store}\n`);
  });

  it("is importable: pull() returns what it did", async () => {
    const p = await pushed("fs");
    const cache = path.join(fresh("cache"), "c");
    const code = `import json, shipfit_models as s; print(json.dumps(s.pull(${JSON.stringify(p.manifestFile)}, to=${JSON.stringify(cache)})))`;
    const r = await py(["-c", code]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { cache: string; downloaded_files: number; cached_files: number; models: { name: string; version: number; dir: string; files: number }[] };
    expect(out.cache).toBe(cache);
    expect(out.downloaded_files).toBe(blobCount(p));
    expect(out.models.map((m) => [m.name, m.version, m.files])).toEqual([
      ["m1", 1, 4],
      ["m2", 1, 2],
    ]);
    expect(out.models[0]?.dir).toBe(path.join(cache, "models", "m1", "1"));
  });

  it("uses boto3 when it is importable and SHIPFIT_LOADER_NO_BOTO3 is unset", async () => {
    const code = `import shipfit_models as s; print(s.open_store(${JSON.stringify(s3Url("x"))}).client is not None)`;
    expect((await py(["-c", code])).stdout.trim()).toBe("True");
    expect((await py(["-c", code], { SHIPFIT_LOADER_NO_BOTO3: "1" })).stdout.trim()).toBe("False");
  });

  it("signs requests as botocore does (SigV4, path-style and virtual-hosted, with a session token)", async () => {
    const code = `
import datetime, shipfit_models as s
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import os
for url, token in [("s3://my-bucket/pre fix/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=us-east-1&path_style=true", None),
                   ("s3://my-bucket/models?region=eu-west-3", "TOKEN"),
                   ("s3://my-bucket/?endpoint=https%3A%2F%2Facc.r2.cloudflarestorage.com", None)]:
    store = s.open_store(url)
    full, host, path = store.address(store.prefix + s.object_key("ab" * 32))
    req = AWSRequest(method="GET", url=full, headers={"X-Amz-Content-SHA256": s.EMPTY_SHA})
    S3SigV4Auth(Credentials("AKID", "SECRET", token), "s3", store.region).add_auth(req)
    when = datetime.datetime.strptime(req.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", **({"AWS_SESSION_TOKEN": token} if token else {})}
    mine = s.sigv4_headers("GET", host, path, store.region, env, now=when)
    print(full, mine["authorization"] == req.headers["Authorization"])
`;
    const r = await py(["-c", code], { SHIPFIT_LOADER_NO_BOTO3: "1", AWS_REGION: "", AWS_DEFAULT_REGION: "" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual([
      `http://127.0.0.1:9000/my-bucket/pre%20fix/sha256/ab/${"ab".repeat(31)} True`,
      `https://my-bucket.s3.eu-west-3.amazonaws.com/models/sha256/ab/${"ab".repeat(31)} True`,
      `https://acc.r2.cloudflarestorage.com/my-bucket/sha256/ab/${"ab".repeat(31)} True`,
    ]);
  });

  it("fails in one line when s3rver refuses the credentials (exit 1)", async () => {
    const p = await pushed("s3");
    const r = await py(["pull", "--manifest", p.manifestFile, "--to", path.join(fresh("cache"), "c")], { SHIPFIT_LOADER_NO_BOTO3: "1", AWS_ACCESS_KEY_ID: "NOT-A-KEY" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^shipfit_models\.py: GET loader-[0-9a-f]+\/sha256\/[0-9a-f]{2}\/[0-9a-f]{62}: HTTP 403 InvalidAccessKeyId$/);
  });

  it("checks free space before downloading (exit 1, nothing downloaded)", async () => {
    const p = await pushed("fs");
    const huge = { ...p.manifest, models: p.manifest.models.map((m) => ({ ...m, files: m.files.map((f, i) => (i === 0 ? { ...f, size: 2 ** 53 - 1 } : f)) })) };
    const file = path.join(fresh("huge"), "m.json");
    writeFileSync(file, JSON.stringify(huge));
    const cache = path.join(fresh("cache"), "c");
    const r = await py(["pull", "--manifest", file, "--to", cache]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^shipfit_models\.py: not enough free disk for .*: [\d.]+ GB needed for \d+ file\(s\), [\d.]+ [GM]B free; nothing was downloaded\n$/);
    expect(readdirSync(path.join(cache, "objects"))).toEqual([]);
  });
});
