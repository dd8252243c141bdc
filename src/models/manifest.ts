/**
 * The manifest: which files make up a model version, by path, sha256, size and object key. `pull`
 * (and the generated Python loader) read only this, so a container start needs one registry read, or
 * none with a manifest file baked into the image.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { InputError } from "../core/errors.js";

export const MANIFEST_FORMAT = "shipfit-models-manifest/1";

export const ManifestFile = z.object({
  /** Path relative to the project root, always with forward slashes. */
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  /** Object key inside the store (below its prefix): content-addressed. */
  key: z.string(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const ManifestModel = z.object({
  /** Also a folder name in the cache: letters, digits, `.`, `_`, `-`, never `.` or `..`. */
  name: z.string().regex(/^(?!\.{1,2}$)[A-Za-z0-9._-]+$/),
  version: z.number().int().min(1),
  /** The alias this entry was resolved from, when it was. */
  alias: z.string().optional(),
  digest: z.string(),
  files: z.array(ManifestFile),
});
export type ManifestModel = z.infer<typeof ManifestModel>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  /** The store the keys live in, without credentials (they come from the environment). */
  store: z.string(),
  models: z.array(ManifestModel),
});
export type Manifest = z.infer<typeof Manifest>;

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
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${origin}: not a shipfit models manifest (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})`);
  }
  for (const m of parsed.data.models) {
    const seen = new Set<string>();
    for (const f of m.files) {
      safeRelPath(f.path);
      if (seen.has(f.path)) throw new InputError(`${origin}: ${m.name} lists ${f.path} twice`);
      seen.add(f.path);
      if (f.key !== objectKey(f.sha256)) throw new InputError(`${origin}: ${m.name}/${f.path}: key ${f.key} does not match its sha256`);
    }
  }
  return parsed.data;
}
