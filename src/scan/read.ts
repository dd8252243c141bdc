/**
 * Reading repository files safely: text files up to a size cap, decoded as strict UTF-8, binary and
 * oversize files reported instead of read; model files only stat'ed and sniffed (first bytes).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import type { Diagnostic, ModelFile, ModelFormat } from "../core/app-model.js";
import { at, diagnostic } from "../core/evidence.js";
import type { WalkedFile } from "./walk.js";

/** Text files above this are never read whole (the 1 MB rule). */
export const MAX_TEXT_BYTES = 1024 * 1024;

export type TextRead = { text: string } | { diagnostic: Diagnostic };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Read a text file for parsing, or say why it was not read. Synchronous: see walk.ts for why. */
export function readText(root: string, file: WalkedFile): TextRead {
  if (file.size > MAX_TEXT_BYTES) {
    return {
      diagnostic: diagnostic("info", "file-too-large", `${formatBytes(file.size)} is over the 1 MB read limit; not parsed`, [at(file.path)]),
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(root, file.path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { diagnostic: diagnostic("warning", "unreadable-file", `cannot read (${code}); skipped`, [at(file.path)]) };
  }
  return decodeText(bytes, file.path);
}

/** Strict UTF-8 decode; NUL bytes mean binary. */
export function decodeText(bytes: Uint8Array, rel: string): TextRead {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) {
    return { diagnostic: diagnostic("info", "binary-file", "binary content where text was expected; not parsed", [at(rel)]) };
  }
  try {
    let text = utf8.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return { diagnostic: diagnostic("warning", "non-utf8-file", "not valid UTF-8; not parsed", [at(rel)]) };
  }
}

/** Model weight extensions and their formats. `.bin` only counts inside a model-looking folder. */
const MODEL_EXTENSIONS: Record<string, ModelFormat> = {
  ".joblib": "joblib",
  ".pkl": "pickle",
  ".pickle": "pickle",
  ".pt": "pytorch",
  ".pth": "pytorch",
  ".safetensors": "safetensors",
  ".onnx": "onnx",
  ".h5": "h5",
  ".hdf5": "h5",
  ".keras": "keras",
  ".ckpt": "checkpoint",
  ".gguf": "gguf",
  ".ggml": "gguf",
  ".tflite": "tflite",
  ".bin": "bin",
  ".model": "unknown",
  ".ubj": "unknown",
};

/** The format of a model file by name, or undefined when the name is not a model's. */
export function modelFormat(rel: string): ModelFormat | undefined {
  const ext = path.posix.extname(rel).toLowerCase();
  const format = MODEL_EXTENSIONS[ext];
  if (format === undefined) return undefined;
  // .bin and .model are too generic on their own: count them only where models live.
  if ((ext === ".bin" || ext === ".model" || ext === ".ubj") && !/(model|weight|checkpoint|ckpt|voices?|hf|pytorch)/i.test(rel)) {
    return undefined;
  }
  return format;
}

const LFS_HEADER = "version https://git-lfs.github.com/spec/v1";

/**
 * Stat'ed model file, sniffed for a Git LFS pointer (a tiny text file standing in for the weights).
 * Reads at most 512 bytes, so a multi-GB (or sparse) file costs one small read.
 */
export function sniffModelFile(root: string, file: WalkedFile, format: ModelFormat): ModelFile {
  const model: ModelFile = { path: file.path, format, bytes: file.size, lfsPointer: false };
  if (file.size > 0 && file.allocated < file.size / 2 && file.size > 1024 * 1024) model.sparse = true;
  if (file.size > 1024) return model;
  let fd: number | undefined;
  try {
    fd = openSync(path.join(root, file.path), "r");
    const buffer = Buffer.alloc(512);
    const bytesRead = readSync(fd, buffer, 0, 512, 0);
    const head = buffer.subarray(0, bytesRead).toString("latin1");
    if (head.startsWith(LFS_HEADER)) {
      model.lfsPointer = true;
      const size = /\nsize (\d+)/.exec(head);
      if (size?.[1]) model.bytes = Number(size[1]);
    }
  } catch {
    // Unreadable: keep the stat'ed size.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return model;
}

/** A byte count for people: 512 B, 3.4 MB, 12 GB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
