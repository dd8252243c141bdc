/** One contract, two drivers: the filesystem store and the S3 store against a real s3rver. */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FsBlobStore } from "../../src/models/blobs/fs.js";
import { S3BlobStore } from "../../src/models/blobs/s3.js";
import { BlobMissingError, type BlobStore } from "../../src/models/blobs/types.js";
import { parseS3Url } from "../../src/models/config.js";
import { S3_ENV } from "../helpers/servers.js";

Object.assign(process.env, S3_ENV);

const work = mkdtempSync(path.join(os.tmpdir(), "shipfit-blobs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(bytes: Buffer): { path: string; sha: string; size: number } {
  const p = path.join(work, randomBytes(6).toString("hex"));
  writeFileSync(p, bytes);
  return { path: p, sha: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

async function readAll(s: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const drivers: [string, () => BlobStore][] = [
  ["fs", () => new FsBlobStore(mkdtempSync(path.join(work, "fs-")))],
  [
    "s3 (s3rver)",
    () => {
      const prefix = `conf-${randomBytes(4).toString("hex")}`;
      const url = `s3://${inject("s3Bucket")}/${prefix}?endpoint=${encodeURIComponent(inject("s3Endpoint"))}&region=us-east-1&path_style=true&checksums=when_required`;
      // Small multipart settings so a 12 MiB file goes multipart in 3 parts (5 MiB is S3's minimum part).
      return new S3BlobStore({ ...parseS3Url(url), multipartThreshold: 5 << 20, partSize: 5 << 20 });
    },
  ],
];

describe.each(drivers)("blob store conformance: %s", (_name, make) => {
  let store: BlobStore;
  beforeAll(() => {
    store = make();
  });
  afterAll(() => store.close?.());

  it("head of a blob it does not hold is null; get is a BlobMissingError naming it", async () => {
    const sha = "0".repeat(64);
    expect(await store.head(sha)).toBeNull();
    await expect(store.get(sha)).rejects.toBeInstanceOf(BlobMissingError);
  });

  it("puts a small blob and gives back its size, its recorded sha256 and the same bytes", async () => {
    const f = file(randomBytes(1000));
    let sent = 0;
    await store.put(f.sha, f.path, f.size, { onBytes: (n) => (sent += n) });
    expect(sent).toBe(f.size);
    expect(await store.head(f.sha)).toEqual({ size: f.size, sha256: f.sha });
    expect(createHash("sha256").update(await readAll(await store.get(f.sha))).digest("hex")).toBe(f.sha);
  });

  it("puts a 12 MiB blob (multipart on S3) intact", async () => {
    const f = file(randomBytes(12 << 20));
    let sent = 0;
    await store.put(f.sha, f.path, f.size, { onBytes: (n) => (sent += n) });
    expect(sent).toBe(f.size);
    expect((await store.head(f.sha))?.size).toBe(f.size);
    const back = await readAll(await store.get(f.sha));
    expect(back.length).toBe(f.size);
    expect(createHash("sha256").update(back).digest("hex")).toBe(f.sha);
  });

  it("puts an empty blob", async () => {
    const f = file(Buffer.alloc(0));
    await store.put(f.sha, f.path, 0);
    expect((await store.head(f.sha))?.size).toBe(0);
    expect((await readAll(await store.get(f.sha))).length).toBe(0);
  });

  it("putting the same blob twice leaves one blob", async () => {
    const f = file(randomBytes(2048));
    await store.put(f.sha, f.path, f.size);
    await store.put(f.sha, f.path, f.size);
    const listed = [];
    for await (const b of store.list()) if (b.sha256 === f.sha) listed.push(b);
    expect(listed).toEqual([{ sha256: f.sha, size: f.size }]);
  });

  it("lists what it holds and deletes; deleting a missing blob is not an error", async () => {
    const a = file(randomBytes(300));
    const b = file(randomBytes(400));
    await store.put(a.sha, a.path, a.size);
    await store.put(b.sha, b.path, b.size);
    const before = new Map<string, number>();
    for await (const x of store.list()) before.set(x.sha256, x.size);
    expect(before.get(a.sha)).toBe(300);
    expect(before.get(b.sha)).toBe(400);
    await store.delete([a.sha, "f".repeat(64)]);
    expect(await store.head(a.sha)).toBeNull();
    expect((await store.head(b.sha))?.size).toBe(400);
    const after = new Set<string>();
    for await (const x of store.list()) after.add(x.sha256);
    expect(after.has(a.sha)).toBe(false);
    expect(after.has(b.sha)).toBe(true);
  });

  it("url carries no credential", () => {
    expect(store.url).not.toMatch(/S3RVER|secret|@/i);
  });
});
