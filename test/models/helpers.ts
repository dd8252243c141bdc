/** Shared by the models tests: the CLI in a child process, projects with real model files, real servers' addresses. */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { S3_ENV } from "../helpers/servers.js";

export const root = path.resolve(new URL("../..", import.meta.url).pathname);
export const bin = path.join(root, "bin", "shipfit.js");

export function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...S3_ENV, NO_COLOR: "1", ...extra };
  delete e.SHIPFIT_MODELS_STORE;
  delete e.SHIPFIT_MODELS_REGISTRY;
  delete e.SHIPFIT_MODELS_CACHE;
  return e;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `shipfit ARGS` to completion. */
export function shipfit(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, encoding: "utf8", env: env(options.env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `shipfit ARGS` without waiting, for concurrent runs and kill -9. */
export function shipfitAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env: env(options.env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr })));
  return { child, done };
}

export function tmpDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `shipfit-${label}-`));
}

/** A project whose model folders hold random bytes: `models` folders × `files` × `size` bytes, plus metadata.json. */
export function randomProject(dir: string, models: number, files: number, size: number): string {
  for (let m = 1; m <= models; m++) {
    const d = path.join(dir, "data", "models", `model${m}`);
    mkdirSync(d, { recursive: true });
    for (let f = 1; f <= files; f++) writeFileSync(path.join(d, `part${f}.joblib`), randomBytes(size));
    writeFileSync(path.join(d, "metadata.json"), JSON.stringify({ feature_columns: [`a${m}`, "b"], framework: "xgboost" }));
  }
  writeFileSync(path.join(dir, "app.py"), "import joblib\nfrom flask import Flask\napp = Flask(__name__)\n");
  writeFileSync(path.join(dir, "requirements.txt"), "flask\njoblib\n");
  return dir;
}

/** A copy of examples/fraud-automl (seed 003's app, 40 XGBoost models) to push from. */
export function fraudCopy(): string {
  const dir = tmpDir("fraud");
  cpSync(path.join(root, "examples", "fraud-automl"), dir, { recursive: true });
  return dir;
}

/** A store URL on the suite's s3rver under a fresh prefix. */
export function s3Store(label: string): string {
  const prefix = `${label}-${randomBytes(4).toString("hex")}`;
  return `s3://${inject("s3Bucket")}/${prefix}?endpoint=${encodeURIComponent(inject("s3Endpoint"))}&region=us-east-1&path_style=true&checksums=when_required`;
}

/** A fresh database on the suite's PostgreSQL server. */
export async function pgDatabase(): Promise<string> {
  const { default: pg } = await import("pg");
  const name = `t_${randomBytes(5).toString("hex")}`;
  const c = new pg.Client({ connectionString: inject("pgUrl") });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return inject("pgUrl").replace(/\/postgres$/, `/${name}`);
}

/** Every regular file under `dir`, relative path → bytes. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(path.relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export function isReadOnly(p: string): boolean {
  return (statSync(p).mode & 0o222) === 0;
}

/** The seeded PRNG of the fuzz tests, so the random kill points are reproducible. */
export { rng as prng } from "../fuzz/mutate.js";
