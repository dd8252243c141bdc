/** SHA-256 of files, streamed: the content's hash is a model file's identity everywhere in shipfit. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Read size for hashing and copying: large reads keep the hash, not the syscalls, the cost. */
export const CHUNK = 1 << 20;

export interface Hashed {
  sha256: string;
  size: number;
}

/** Hashes a file by streaming it; `onBytes` sees each chunk's length (for progress). */
export async function hashFile(path: string, onBytes?: (n: number) => void): Promise<Hashed> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    onBytes?.((chunk as Buffer).length);
  }
  return { sha256: hash.digest("hex"), size };
}

/** Whether `s` has the shape of a hex SHA-256 (64 lowercase hex digits). */
export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  async function worker(): Promise<void> {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (error) {
        failed ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return out;
}
