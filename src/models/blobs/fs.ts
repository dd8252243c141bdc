/**
 * Filesystem blob store, the embedded default: `<root>/sha256/ab/cdef…`, written as a unique temp
 * file in the same folder and renamed into place, so a blob is either whole or absent.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { CHUNK } from "../hash.js";
import { objectKey } from "../manifest.js";
import { BlobMissingError, type BlobInfo, type BlobStore, type PutOptions } from "./types.js";

export class FsBlobStore implements BlobStore {
  readonly url: string;
  constructor(readonly root: string) {
    this.root = resolve(root);
    this.url = `file:${this.root}`;
  }

  pathOf(sha256: string): string {
    return join(this.root, objectKey(sha256));
  }

  async head(sha256: string): Promise<BlobInfo | null> {
    try {
      const st = await fsp.stat(this.pathOf(sha256));
      return { size: st.size, sha256 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async put(sha256: string, file: string, _size: number, options: PutOptions = {}): Promise<void> {
    const final = this.pathOf(sha256);
    await fsp.mkdir(dirname(final), { recursive: true });
    const tmp = `${final}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          options.onBytes?.(chunk.length);
          cb(null, chunk);
        },
      });
      await pipeline(createReadStream(file, { highWaterMark: CHUNK }), count, createWriteStream(tmp, { flags: "wx" }));
      const fh = await fsp.open(tmp, "r");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, final);
    } catch (error) {
      await fsp.rm(tmp, { force: true });
      throw error;
    }
  }

  async get(sha256: string) {
    const path = this.pathOf(sha256);
    try {
      await fsp.access(path);
    } catch {
      throw new BlobMissingError(sha256, this.url);
    }
    return createReadStream(path, { highWaterMark: CHUNK });
  }

  async delete(sha256s: readonly string[]): Promise<void> {
    for (const sha of sha256s) await fsp.rm(this.pathOf(sha), { force: true });
  }

  async *list(): AsyncIterable<{ sha256: string; size: number }> {
    const base = join(this.root, "sha256");
    let shards: string[];
    try {
      shards = await fsp.readdir(base);
    } catch {
      return;
    }
    for (const shard of shards.sort()) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of (await fsp.readdir(join(base, shard))).sort()) {
        if (!/^[0-9a-f]{62}$/.test(name)) continue; // temp files of a put in progress
        const st = await fsp.stat(join(base, shard, name));
        yield { sha256: shard + name, size: st.size };
      }
    }
  }
}
