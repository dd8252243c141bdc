/**
 * Where the blobs and the registry live, from `--store` / `--registry`, else the environment
 * (SHIPFIT_MODELS_STORE, SHIPFIT_MODELS_REGISTRY), else embedded defaults under the project's
 * `.shipfit/models/` — no server needed.
 *
 *   store:    file:PATH | PATH | s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path_style=true&checksums=when_required]
 *   registry: sqlite:PATH | PATH.db | postgres://USER:PASS@HOST:PORT/DB
 *
 * S3 credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID…, profiles), never from a URL.
 */
import { join, resolve } from "node:path";
import { OperationError, UsageError } from "../core/errors.js";
import { FsBlobStore } from "./blobs/fs.js";
import { S3BlobStore, type S3Config } from "./blobs/s3.js";
import type { BlobStore } from "./blobs/types.js";
import type { Registry } from "./registry/types.js";

export interface Locations {
  store?: string;
  registry?: string;
}

export function defaultStore(projectDir: string): string {
  return `file:${join(resolve(projectDir), ".shipfit", "models", "store")}`;
}

export function defaultRegistry(projectDir: string): string {
  return `sqlite:${join(resolve(projectDir), ".shipfit", "models", "registry.db")}`;
}

/** The store URL in effect: flag, then environment, then the embedded default. */
export function storeUrl(projectDir: string, flag?: string): string {
  return flag ?? process.env.SHIPFIT_MODELS_STORE ?? defaultStore(projectDir);
}

export function registryUrl(projectDir: string, flag?: string): string {
  return flag ?? process.env.SHIPFIT_MODELS_REGISTRY ?? defaultRegistry(projectDir);
}

/** Parses an s3:// URL into the driver's settings. */
export function parseS3Url(url: string): S3Config {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`store ${url}: not a URL`);
  }
  if (u.username || u.password) throw new UsageError(`store ${url.replace(/\/\/[^@]*@/, "//***@")}: credentials do not belong in the URL; set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`);
  const bucket = u.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`store ${url}: "${bucket}" is not a valid bucket name`);
  let prefix = decodeURIComponent(u.pathname.replace(/^\/+/, ""));
  if (prefix && !prefix.endsWith("/")) prefix += "/";
  const q = u.searchParams;
  for (const key of q.keys()) if (!["endpoint", "region", "path_style", "checksums"].includes(key)) throw new UsageError(`store ${url}: unknown setting "${key}" (endpoint, region, path_style, checksums)`);
  const checksums = (q.get("checksums") ?? process.env.SHIPFIT_S3_CHECKSUMS ?? "when_supported").toLowerCase();
  if (checksums !== "when_supported" && checksums !== "when_required") throw new UsageError(`store ${url}: checksums must be when_supported or when_required`);
  const endpoint = q.get("endpoint") ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? undefined;
  const pathStyle = q.get("path_style");
  return {
    bucket,
    prefix,
    ...(endpoint ? { endpoint } : {}),
    region: q.get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (endpoint ? "auto" : "us-east-1"),
    // Custom endpoints (MinIO, R2, local servers) rarely resolve bucket subdomains.
    forcePathStyle: pathStyle ? pathStyle === "true" || pathStyle === "1" : !!endpoint,
    checksums,
  };
}

export function openStore(url: string): BlobStore {
  if (url.startsWith("s3://")) return new S3BlobStore(parseS3Url(url));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UsageError(`store ${url}: unsupported scheme (use a folder path, file:PATH or s3://BUCKET/PREFIX)`);
  return new FsBlobStore(url.startsWith("file:") ? url.slice(5) : url);
}

export async function openRegistry(url: string): Promise<Registry> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresRegistry, redactUrl } = await import("./registry/postgres.js");
    try {
      return await openPostgresRegistry(url);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new OperationError(`registry ${redactUrl(url)}: ${e.code === "ECONNREFUSED" ? "cannot connect (connection refused)" : (e.message ?? String(e)).split("\n")[0]}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UsageError(`registry ${url}: unsupported scheme (use sqlite:PATH or postgres://…)`);
  const { openSqliteRegistry } = await import("./registry/sqlite.js");
  const path = url.startsWith("sqlite:") ? url.slice(7) : url;
  try {
    return await openSqliteRegistry(path);
  } catch (error) {
    throw new OperationError(`registry ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}
