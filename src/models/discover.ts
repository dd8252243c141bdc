/**
 * Which files make up which model. By default from the scan: every folder holding a model file is
 * one model, named after the folder, with all the files beside it (a Hugging Face folder needs its
 * config.json and tokenizer files; seed 003's dataset folders need their feature engineer and
 * metadata). Or explicitly: `--name NAME PATH...`.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AppModel } from "../core/app-model.js";
import { InputError } from "../core/errors.js";
import type { ModelMeta } from "./registry/types.js";

export interface LocalFile {
  abs: string;
  /** Relative to the project root, forward slashes: the path the app reads it at. */
  path: string;
  size: number;
}

export interface LocalModel {
  name: string;
  /** Folder the model was found in, relative to the project root. */
  source: string;
  files: LocalFile[];
  meta: ModelMeta;
}

const SIDECAR_METADATA = ["metadata.json", "model_metadata.json", "model_info.json", "meta.json"];

/** Files that make a folder a code folder: a model beside app code is pushed alone, not with the code. */
const CODE_FILE = /\.(py|pyi|ipynb|js|mjs|cjs|ts|tsx|jsx|sh)$|^(Dockerfile|Procfile|package\.json|pyproject\.toml|setup\.py|requirements.*\.txt|Pipfile)$/;

/** Model names are path-safe and readable: the folder name, lowercased punctuation kept simple. */
export function modelName(raw: string): string {
  const name = raw.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return name || "model";
}

/** Models from a scan: one per folder holding model files (LFS pointers are refused, not pushed). */
export function modelsFromScan(root: string, app: AppModel): { models: LocalModel[]; skipped: { path: string; why: string }[] } {
  const skipped: { path: string; why: string }[] = [];
  const folders = new Map<string, string[]>();
  for (const f of app.models.files) {
    if (f.lfsPointer) {
      skipped.push({ path: f.path, why: "a Git LFS pointer: run `git lfs pull` first, the real bytes are not in the checkout" });
      continue;
    }
    const dir = dirname(f.path);
    folders.set(dir, [...(folders.get(dir) ?? []), f.path]);
  }
  const byBase = new Map<string, number>();
  for (const dir of folders.keys()) byBase.set(basename(dir), (byBase.get(basename(dir)) ?? 0) + 1);
  const models: LocalModel[] = [];
  for (const dir of [...folders.keys()].sort()) {
    const abs = join(root, dir);
    // Two folders with one name (a/model, b/model) keep their whole path in the name.
    const name = modelName(dir === "." ? basename(resolve(root)) : (byBase.get(basename(dir)) ?? 0) > 1 ? dir.replaceAll("/", "-") : basename(dir));
    const entries = readdirSync(abs, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith("."));
    // A model folder travels whole (tokenizer and config files belong to the model); a code folder
    // with a model in it gives only the model files and their metadata, or a pull --into the app
    // folder would put back old copies of the code.
    const codeFolder = entries.some((e) => CODE_FILE.test(e.name));
    const modelPaths = new Set(folders.get(dir));
    const files = entries
      .filter((e) => !codeFolder || modelPaths.has(dir === "." ? e.name : `${dir}/${e.name}`) || SIDECAR_METADATA.includes(e.name))
      .map((e) => localFile(root, join(abs, e.name)))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    models.push({ name, source: dir, files, meta: readSidecar(abs) });
  }
  return { models, skipped };
}

/** One model from explicit paths (files, or folders taken whole), all inside the project root. */
export function modelFromPaths(root: string, name: string, paths: string[]): LocalModel {
  const files: LocalFile[] = [];
  const walk = (abs: string) => {
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new InputError(`${relative(process.cwd(), abs) || abs}: no such file or folder`);
    if (st.isDirectory()) {
      for (const e of readdirSync(abs).sort()) if (!e.startsWith(".")) walk(join(abs, e));
    } else if (st.isFile()) files.push(localFile(root, abs));
  };
  for (const p of paths) walk(isAbsolute(p) ? p : resolve(root, p));
  if (files.length === 0) throw new InputError(`${name}: no files in ${paths.join(", ")}`);
  const first = paths[0] ?? ".";
  const firstAbs = isAbsolute(first) ? first : resolve(root, first);
  const metaDir = statSync(firstAbs).isDirectory() ? firstAbs : dirname(firstAbs);
  return { name: modelName(name), source: relative(root, metaDir).split(sep).join("/") || ".", files, meta: readSidecar(metaDir) };
}

function localFile(root: string, abs: string): LocalFile {
  const rel = relative(root, abs);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new InputError(`${abs}: outside the project folder ${root}`);
  return { abs, path: rel.split(sep).join("/"), size: statSync(abs).size };
}

/** Feature columns, metrics and framework from a metadata file beside the model, when there is one. */
export function readSidecar(dir: string): ModelMeta {
  for (const name of SIDECAR_METADATA) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, name), "utf8"));
    } catch {
      continue;
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) continue;
    const o = raw as Record<string, unknown>;
    const cols = [o.feature_columns, o.features, o.feature_names, o.columns].find((c) => Array.isArray(c) && c.every((x) => typeof x === "string")) as string[] | undefined;
    const metrics =
      o.metrics && typeof o.metrics === "object" && !Array.isArray(o.metrics)
        ? Object.fromEntries(Object.entries(o.metrics as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === "number"))
        : undefined;
    const framework = typeof o.framework === "string" ? o.framework : undefined;
    const description = typeof o.description === "string" ? o.description : undefined;
    const known = new Set(["feature_columns", "features", "feature_names", "columns", "metrics", "framework", "description"]);
    const extra = Object.fromEntries(Object.entries(o).filter(([k]) => !known.has(k)));
    return {
      ...(description ? { description } : {}),
      ...(framework ? { framework } : {}),
      ...(cols ? { featureColumns: cols } : {}),
      ...(metrics && Object.keys(metrics).length > 0 ? { metrics } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
  }
  return {};
}
