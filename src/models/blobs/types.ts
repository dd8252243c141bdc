/** Where model blobs live. Two drivers share this contract and one conformance suite: fs and S3. */
import type { Readable } from "node:stream";

export interface BlobInfo {
  size: number;
  /** The sha256 the store recorded for the blob (S3 `x-amz-meta-sha256`; the fs store's file name). */
  sha256?: string;
}

export interface PutOptions {
  /** Bytes sent so far, for progress. */
  onBytes?: (n: number) => void;
}

export interface BlobStore {
  /** The store's address for people and manifests: never carries a credential. */
  readonly url: string;
  /** Size and recorded hash of a blob, or null when it is not there. */
  head(sha256: string): Promise<BlobInfo | null>;
  /** Uploads `file` (whose sha256 and size the caller has computed) as the blob `sha256`. */
  put(sha256: string, file: string, size: number, options?: PutOptions): Promise<void>;
  /** The blob's bytes; a missing blob is an error naming it. */
  get(sha256: string): Promise<Readable>;
  /** Deletes blobs; deleting a missing blob is not an error. */
  delete(sha256s: readonly string[]): Promise<void>;
  /** Every blob the store holds under shipfit's key layout (other keys are ignored). */
  list(): AsyncIterable<{ sha256: string; size: number }>;
  close?(): void;
}

/** A blob the manifest names but the store does not have. */
export class BlobMissingError extends Error {
  constructor(readonly sha256: string, where: string) {
    super(`blob ${sha256.slice(0, 12)}… is missing from ${where}`);
  }
}
