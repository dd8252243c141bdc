/**
 * The manifest: which files make up a model version, by path, sha256, size and object key. `pull`
 * (and the generated Python loader) read only this, so a container start needs one registry read, or
 * none with a manifest file baked into the image.
 */
import { createHash } from "node:crypto";
import { InputError } from "../core/errors.js";

export const MANIFEST_FORMAT = "shipfit-models-manifest/1";

// Checked by hand, not with zod: `pull` runs at every container start and loading a schema library
// costs more than the whole warm pull.

export interface ManifestFile {
  /** Path relative to the project root, always with forward slashes. */
  path: string;
  sha256: string;
  size: number;
  /** Object key inside the store (below its prefix): content-addressed. */
  key: string;
}

export interface ManifestModel {
  /** Also a folder name in the cache: letters, digits, `.`, `_`, `-`, never `.` or `..`. */
  name: string;
  version: number;
  /** The alias this entry was resolved from, when it was. */
  alias?: string;
  digest: string;
  files: ManifestFile[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** The store the keys live in, without credentials (they come from the environment). */
  store: string;
  models: ManifestModel[];
}

const NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;
const SHA = /^[0-9a-f]{64}$/;

/** The first thing wrong with `raw` as a manifest, or undefined. */
function manifestProblem(raw: unknown): string | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (!isObj(raw)) return "not an object";
  if (raw.format !== MANIFEST_FORMAT) return `format: expected "${MANIFEST_FORMAT}"`;
  if (typeof raw.store !== "string") return "store: expected a string";
  if (!Array.isArray(raw.models)) return "models: expected a list";
  for (const [i, m] of raw.models.entries()) {
    if (!isObj(m)) return `models.${i}: not an object`;
    if (typeof m.name !== "string" || !NAME.test(m.name)) return `models.${i}.name: letters, digits, . _ - only`;
    if (!Number.isInteger(m.version) || (m.version as number) < 1) return `models.${i}.version: a whole number ≥ 1`;
    if (m.alias !== undefined && typeof m.alias !== "string") return `models.${i}.alias: expected a string`;
    if (typeof m.digest !== "string") return `models.${i}.digest: expected a string`;
    if (!Array.isArray(m.files)) return `models.${i}.files: expected a list`;
    for (const [j, f] of m.files.entries()) {
      const at = `models.${i}.files.${j}`;
      if (!isObj(f)) return `${at}: not an object`;
      if (typeof f.path !== "string") return `${at}.path: expected a string`;
      if (typeof f.sha256 !== "string" || !SHA.test(f.sha256)) return `${at}.sha256: 64 hex digits`;
      if (!Number.isInteger(f.size) || (f.size as number) < 0) return `${at}.size: a whole number ≥ 0`;
      if (typeof f.key !== "string") return `${at}.key: expected a string`;
    }
  }
  return undefined;
}

/** The object key of a blob: sharded by the first two hex digits, as DVC and git do. */
export function objectKey(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2)}`;
}

/** The sha256 an object key names, or undefined for a key shipfit did not write. */
export function shaOfKey(key: string): string | undefined {
  const m = /(?:^|\/)sha256\/([0-9a-f]{2})\/([0-9a-f]{62})$/.exec(key);
  return m ? `${m[1]}${m[2]}` : undefined;
}

/**
 * A manifest path, checked: relative, forward slashes, no `..`, no empty or `.` segment, no NUL or
 * backslash. A manifest comes from a registry someone else can write: a path must never leave the
 * folder it is materialised in.
 */
export function safeRelPath(path: string): string {
  const bad = (why: string) => new InputError(`manifest path ${JSON.stringify(path)} rejected: ${why}`);
  if (path.length === 0) throw bad("empty");
  if (path.includes("\0")) throw bad("contains NUL");
  if (path.includes("\\")) throw bad("contains a backslash");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) throw bad("absolute");
  for (const seg of path.split("/")) {
    if (seg === "..") throw bad("contains ..");
    if (seg === "" || seg === ".") throw bad("empty or . segment");
  }
  return path;
}

/** Identity of a version's content: same files with the same bytes give the same digest. */
export function versionDigest(files: readonly { path: string; sha256: string; size: number }[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${f.path}\0${f.sha256}\0${f.size}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}

/** Parses and checks a manifest (format, shapes, every path safe, no duplicate path in a model). */
export function parseManifest(text: string, origin: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`${origin}: not JSON`);
  }
  const problem = manifestProblem(raw);
  if (problem) throw new InputError(`${origin}: not a shipfit models manifest (${problem})`);
  const manifest = raw as Manifest;
  for (const m of manifest.models) {
    const seen = new Set<string>();
    for (const f of m.files) {
      safeRelPath(f.path);
      if (seen.has(f.path)) throw new InputError(`${origin}: ${m.name} lists ${f.path} twice`);
      seen.add(f.path);
      if (f.key !== objectKey(f.sha256)) throw new InputError(`${origin}: ${m.name}/${f.path}: key ${f.key} does not match its sha256`);
    }
  }
  return manifest;
}
