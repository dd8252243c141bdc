/**
 * Which model weights a service loads, how big they are and what they cost in memory: hub models
 * by id (src/data/model-weights.json), local files by the sizes the scan stat'ed, each turned into
 * resident memory by its format's factor, with the transient second copy some loaders make.
 */
import type { AppModel, ModelFile, ModelFormat, ModelLoad, Service } from "../core/app-model.js";
import { facts, type Range } from "../facts/load.js";
import type { Interval, Part } from "./footprint.js";
import { rangePart, spreadOf } from "./parts.js";

const MB = 1024 * 1024;

export interface LoadedModel {
  /** What it weighs on disk (and in a download), MB. */
  weightsMB: Interval;
  /** Resident memory once loaded. */
  ram: Part;
  /** Extra memory for a moment while loading. */
  transientMB: number;
  /** Downloaded at run time rather than read from the image. */
  downloaded: boolean;
  unknown: boolean;
  label: string;
  /** A pickle (joblib, .pkl): loading it imports the libraries its objects come from. */
  pickled: boolean;
}

/** Loaders that hold a second copy while loading: a fresh model plus the state dict read into it. */
const DOUBLE_COPY = new Set<ModelLoad["loader"]>(["from_pretrained", "pipeline", "SentenceTransformer", "torch.load", "torch.hub.load", "whisper.load_model", "torchvision"]);

/** A glob from the scan (`*` = one unknown path part) as a test on model file paths. */
function globTest(pattern: string): (path: string) => boolean {
  const body = pattern.replace(/^\.\//, "").split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*");
  const re = new RegExp(`(^|/)${body}$`);
  return (p) => re.test(p);
}

function ramFactor(format: ModelFormat | string): Range {
  const table = facts().params.modelRamFactor;
  const f = table[format] ?? table.unknown;
  return (typeof f === "string" || f === undefined ? table.unknown : f) as Range;
}

/** Weights of a hub model by id, or the conservative unknown size. */
function hubWeights(id: string): { mb: Interval; source: string; format: string; unknown: boolean } {
  const f = facts();
  const key = id.toLowerCase().replace(/^models\//, "");
  const known = f.models.get(key) ?? f.models.get(key.split("/").pop() ?? key);
  const s = known?.weightsMB ?? f.unknownModelMB;
  const spread = known ? spreadOf(s.source) : f.params.uncertainty.rule.value;
  return { mb: { low: s.value * (1 - spread), expected: s.value, high: s.value * (1 + spread) * (known ? 1 : 2) }, source: s.source, format: known?.format ?? "unknown", unknown: !known };
}

/** The distinct models a service's process loads at run time (build-stage downloads excluded). */
export function loadedModels(svc: Service, model: AppModel): LoadedModel[] {
  const out: LoadedModel[] = [];
  const seen = new Set<string>();
  for (const load of svc.modelLoads) {
    if (load.stage === "build") continue;
    const key = load.modelId ?? load.path ?? `${load.fromEnv ?? "?"}:${load.loader}`;
    if (seen.has(key)) continue; // a tokenizer and its model from one id are one download
    seen.add(key);
    const m = modelOf(load, model.models.files);
    if (m) out.push(m);
  }
  return out;
}

function modelOf(load: ModelLoad, files: ModelFile[]): LoadedModel | undefined {
  const params = facts().params;
  const peak = params.fromPretrainedPeak.value;
  if (load.path) {
    const test = globTest(load.path);
    const matched = files.filter((f) => test(f.path));
    if (matched.length === 0) return undefined; // written at run time or outside the repository: nothing to size
    const bytes = matched.reduce((a, f) => a + f.bytes, 0) / MB;
    const format = matched[0]?.format ?? "unknown";
    const label = matched.length > 1 ? `${matched.length} ${format} files matching ${load.path} (${round(bytes)} MB, all loaded at worst)` : `${load.path} (${round(bytes)} MB ${format})`;
    const ram = rangePart(`model ${label}`, "model", ramFactor(format), bytes);
    const pickled = format === "joblib" || format === "pickle" || load.loader === "joblib.load" || load.loader === "pickle.load";
    return { weightsMB: { low: bytes, expected: bytes, high: bytes }, ram, transientMB: DOUBLE_COPY.has(load.loader) ? bytes * (peak - 1) : 0, downloaded: false, unknown: false, label, pickled };
  }
  const id = load.modelId ?? (load.fromEnv ? `$${load.fromEnv}` : undefined);
  if (!id && load.loader !== "pipeline") return undefined;
  const w = hubWeights(id ?? "unknown");
  const factor = ramFactor(w.format);
  const ram: Part = {
    label: `model ${id ?? "(pipeline default)"} (${round(w.mb.expected)} MB${w.unknown ? ", size unknown" : ""})`,
    kind: "model",
    low: w.mb.low * factor.low,
    expected: w.mb.expected * factor.expected,
    high: w.mb.high * factor.high,
    source: w.source,
  };
  if (w.unknown) ram.unknown = true;
  return { weightsMB: w.mb, ram, transientMB: DOUBLE_COPY.has(load.loader) ? w.mb.expected * (peak - 1) : 0, downloaded: load.remote, unknown: w.unknown, label: id ?? "pipeline default", pickled: false };
}

/** Models an image contains: model files under the service's folder and build-stage downloads. */
export function bakedModels(svc: Service, model: AppModel): Part[] {
  const parts: Part[] = [];
  const files = model.models.files.filter((f) => svc.files.models.includes(f.path) && !f.lfsPointer);
  if (files.length > 0) {
    const mb = files.reduce((a, f) => a + f.bytes, 0) / MB;
    parts.push({ label: `${files.length} model file(s) copied from the repository`, kind: "model", low: mb, expected: mb, high: mb, source: "scan: file sizes" });
  }
  const lfs = model.models.files.filter((f) => svc.files.models.includes(f.path) && f.lfsPointer);
  if (lfs.length > 0) {
    const mb = lfs.reduce((a, f) => a + f.bytes, 0) / MB;
    parts.push({ label: `${lfs.length} Git LFS model file(s), if LFS is fetched before building`, kind: "model", low: 0, expected: mb, high: mb, source: "scan: LFS pointer sizes" });
  }
  const seen = new Set<string>();
  for (const load of svc.modelLoads) {
    if (load.stage !== "build" || !load.modelId || seen.has(load.modelId)) continue;
    seen.add(load.modelId);
    const w = hubWeights(load.modelId);
    parts.push({ label: `${load.modelId} downloaded at image build`, kind: "model", ...w.mb, source: w.source, ...(w.unknown ? { unknown: true } : {}) });
  }
  return parts;
}

function round(n: number): number {
  return n >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
}
