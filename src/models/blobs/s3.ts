/**
 * S3-compatible blob store (AWS S3, Cloudflare R2, Backblaze B2, MinIO…) over the AWS SDK v3, loaded
 * only when an S3 store is used. Objects are content-addressed and carry their sha256 as
 * `x-amz-meta-sha256`: an ETag is not a content hash (a multipart ETag is not even an MD5 of the file).
 */
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { OperationError } from "../../core/errors.js";
import { mapLimit } from "../hash.js";
import { objectKey, shaOfKey } from "../manifest.js";
import { BlobMissingError, type BlobInfo, type BlobStore, type PutOptions } from "./types.js";

export interface S3Config {
  bucket: string;
  /** Key prefix, empty or ending with "/". */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /**
   * "when_supported" is the SDK default (CRC32 on every upload, aws-chunked streaming); many
   * S3-compatible servers (older Ceph, R2 at times, s3rver) reject that framing: "when_required".
   */
  checksums: "when_supported" | "when_required";
  /** Files above this size go multipart. */
  multipartThreshold?: number;
  partSize?: number;
  /** Parts of one file in flight at once. */
  partConcurrency?: number;
}

const MiB = 1 << 20;
const MAX_PARTS = 10_000;

export class S3BlobStore implements BlobStore {
  readonly url: string;
  private client?: Promise<{ client: S3Client; sdk: typeof import("@aws-sdk/client-s3") }>;

  constructor(readonly config: S3Config) {
    const q = new URLSearchParams();
    if (config.endpoint) q.set("endpoint", config.endpoint);
    q.set("region", config.region);
    if (config.forcePathStyle) q.set("path_style", "true");
    if (config.checksums !== "when_supported") q.set("checksums", config.checksums);
    this.url = `s3://${config.bucket}/${config.prefix}?${q.toString()}`;
  }

  private sdk() {
    // The SDK warns on every run under Node 20 that its releases after January 2027 will need
    // Node 22: a notice for us (the pinned version works), not for someone pulling models.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    this.client ??= import("@aws-sdk/client-s3").then((sdk) => {
      const when = this.config.checksums === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
      const client = new sdk.S3Client({
        region: this.config.region,
        ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
        forcePathStyle: this.config.forcePathStyle,
        requestChecksumCalculation: when,
        responseChecksumValidation: when,
        maxAttempts: 5,
      });
      return { client, sdk };
    });
    return this.client;
  }

  key(sha256: string): string {
    return `${this.config.prefix}${objectKey(sha256)}`;
  }

  async head(sha256: string): Promise<BlobInfo | null> {
    const { client, sdk } = await this.sdk();
    try {
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }));
      const recorded = r.Metadata?.sha256;
      return { size: r.ContentLength ?? 0, ...(recorded ? { sha256: recorded } : {}) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw describe(error, `HEAD ${this.key(sha256)}`);
    }
  }

  async put(sha256: string, file: string, size: number, options: PutOptions = {}): Promise<void> {
    const { client, sdk } = await this.sdk();
    const Bucket = this.config.bucket;
    const Key = this.key(sha256);
    const Metadata = { sha256 };
    // Up to 64 MiB in one PUT (rclone's cutoff is 200 MiB): with several files in flight multipart adds
    // requests, not speed, and servers that assemble parts on Complete (s3rver) pay for every byte twice.
    const threshold = this.config.multipartThreshold ?? 64 * MiB;
    const fh = await open(file, "r");
    try {
      if (size <= threshold) {
        // A Buffer body (not a stream) is what every S3-compatible server accepts, signed or not.
        const body = Buffer.alloc(size);
        await readFully(fh, body, 0);
        await client.send(
          new sdk.PutObjectCommand({
            Bucket,
            Key,
            Body: body,
            ContentLength: size,
            Metadata,
            // Real S3 then checks the whole body against our own hash before it stores it.
            ...(this.config.checksums === "when_supported" ? { ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64") } : {}),
          }),
        );
        options.onBytes?.(size);
        return;
      }
      const partSize = Math.max(this.config.partSize ?? 16 * MiB, Math.ceil(size / MAX_PARTS));
      const count = Math.ceil(size / partSize);
      const created = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key, Metadata }));
      const UploadId = created.UploadId;
      if (!UploadId) throw new Error(`no upload id for ${Key}`);
      try {
        const parts = await mapLimit(
          Array.from({ length: count }, (_, i) => i),
          this.config.partConcurrency ?? 4,
          async (i) => {
            const start = i * partSize;
            const body = Buffer.alloc(Math.min(partSize, size - start));
            await readFully(fh, body, start);
            const r = await client.send(new sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body: body, ContentLength: body.length }));
            options.onBytes?.(body.length);
            return { PartNumber: i + 1, ETag: r.ETag };
          },
        );
        await client.send(new sdk.CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
      } catch (error) {
        // Leaves no billed parts behind where the server supports abort (s3rver does not: ignored).
        await client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw describe(error, `PUT ${Key}`);
    } finally {
      await fh.close();
    }
  }

  async get(sha256: string): Promise<Readable> {
    const { client, sdk } = await this.sdk();
    try {
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }));
      return r.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BlobMissingError(sha256, this.url);
      throw describe(error, `GET ${this.key(sha256)}`);
    }
  }

  async delete(sha256s: readonly string[]): Promise<void> {
    const { client, sdk } = await this.sdk();
    // One DeleteObject per key: DeleteObjects needs a body checksum that some compatible servers reject.
    await mapLimit(sha256s, 8, async (sha) => {
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha) }));
      } catch (error) {
        if (!isNotFound(error)) throw describe(error, `DELETE ${this.key(sha)}`);
      }
    });
  }

  async *list(): AsyncIterable<{ sha256: string; size: number }> {
    const { client, sdk } = await this.sdk();
    let ContinuationToken: string | undefined;
    do {
      const r = await client
        .send(new sdk.ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: `${this.config.prefix}sha256/`, ContinuationToken }))
        .catch((error: unknown) => {
          throw describe(error, `LIST ${this.config.bucket}/${this.config.prefix}`);
        });
      for (const o of r.Contents ?? []) {
        const sha = o.Key ? shaOfKey(o.Key.slice(this.config.prefix.length)) : undefined;
        if (sha) yield { sha256: sha, size: o.Size ?? 0 };
      }
      ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  close(): void {
    void this.client?.then(({ client }) => client.destroy());
  }
}

async function readFully(fh: import("node:fs/promises").FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) throw new Error("file shrank while uploading");
    off += bytesRead;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

/** One line that says which request failed and how (the SDK's errors can be an unnamed XML blob). */
function describe(error: unknown, what: string): Error {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.code === "ECONNREFUSED" || e?.code === "ENOTFOUND") return new OperationError(`${what}: cannot reach the S3 endpoint (${e.code})`);
  const status = e?.$metadata?.httpStatusCode;
  const out = new OperationError(`${what}: ${e?.name ?? "error"}${status ? ` (HTTP ${status})` : ""}${e?.message && e.message !== e.name ? `: ${e.message.split("\n")[0]}` : ""}`);
  (out as { cause?: unknown }).cause = error;
  return out;
}
