/**
 * Real servers for the models tests, started by the test command itself: an S3-compatible server
 * (s3rver, an npm package, storing objects as files so tests can damage them) and a PostgreSQL 15
 * cluster in a temp folder on a free port (run as the `postgres` user when we are root: initdb and
 * postgres refuse to run as root).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** Folder where s3rver keeps the objects. */
  dir: string;
  /** A store URL for shipfit with this server's settings under `prefix`. */
  storeUrl(prefix: string): string;
  stop(): Promise<void>;
}

/** Starts s3rver on a free port with one bucket; its default credentials are S3RVER/S3RVER. */
export async function startS3(bucket = "shipfit-test"): Promise<S3Server> {
  const { default: S3rver } = (await import("s3rver")) as unknown as { default: new (o: object) => { run(): Promise<unknown>; close(): Promise<void> } };
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipfit-s3rver-"));
  const port = await freePort();
  const server = new S3rver({ port, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    storeUrl: (prefix) => `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&path_style=true&checksums=when_required`,
    async stop() {
      // A client that kept a keep-alive socket open would hold close() forever: drop them all.
      const http = (server as unknown as { httpServer?: { closeAllConnections?: () => void } }).httpServer;
      const closing = server.close();
      http?.closeAllConnections?.();
      await Promise.race([closing, new Promise((r) => setTimeout(r, 3000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The S3 credentials s3rver accepts, for child processes and the SDK. */
export const S3_ENV = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" };

export interface PgServer {
  url: string;
  /** A fresh database on this server for one test file. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function pgBin(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    try {
      execFileSync("test", ["-x", path.join(dir, name)]);
      return path.join(dir, name);
    } catch {
      /* next */
    }
  }
  for (const v of ["17", "16", "15", "14", "13"]) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    try {
      execFileSync("test", ["-x", p]);
      return p;
    } catch {
      /* next */
    }
  }
  throw new Error(`${name} not found: install PostgreSQL (Debian: apt-get install postgresql)`);
}

/** initdb + postgres on a free port, trust auth on 127.0.0.1 only. */
export async function startPostgres(): Promise<PgServer> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipfit-pg-"));
  const data = path.join(dir, "data");
  // As root, the server processes themselves run as `postgres` (spawn's uid/gid, not runuser: a
  // signal must reach postgres itself for the teardown to stop it).
  const user: { uid?: number; gid?: number } = root ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()) } : {};
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  execFileSync(pgBin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], { stdio: "ignore", cwd: dir, ...user });
  const port = await freePort();
  const child: ChildProcess = spawn(pgBin("postgres"), ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=100"], {
    stdio: ["ignore", "ignore", "pipe"],
    cwd: dir,
    ...user,
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import("pg");
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      await c.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async createDatabase(name: string) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
      await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
      return url.replace(/\/postgres$/, `/${name}`);
    },
    async stop() {
      // SIGQUIT: immediate shutdown, without waiting for clients a failed test left connected.
      child.kill("SIGQUIT");
      await Promise.race([new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r))), new Promise((r) => setTimeout(r, 10_000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
