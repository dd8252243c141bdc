/**
 * Schemas of the outside-world facts the estimate reads: Python packages (sizes, import memory and
 * time, system libraries), well-known models (weights size), base images, and the estimate's own
 * parameters. Every number carries its source and the date it was read or measured; the files are
 * validated when loaded, so a bad edit fails loudly instead of estimating nonsense.
 */
import { z } from "zod";

const date = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, "YYYY-MM or YYYY-MM-DD");

/** A number with where it comes from. `source` is a URL, an issue/PR reference, or "measured: …". */
export const Sourced = z.object({
  value: z.number().nonnegative(),
  source: z.string().min(3),
  date,
  note: z.string().optional(),
});
export type Sourced = z.infer<typeof Sourced>;

/** A package's figures for one build of it (torch ships CPU-only and CUDA wheels). */
export const PackageBuild = z.object({
  /** Download size of the Linux x86_64 wheel, MB. */
  wheelMB: Sourced.optional(),
  /** Size in site-packages after install, MB (its own files only). */
  installedMB: Sourced,
  /** Resident memory that `import` adds over the packages it imports itself, MB. */
  importRssMB: Sourced.optional(),
  /** Seconds `import` takes (warm disk cache), over its own imports. */
  importSeconds: Sourced.optional(),
  /** Distributions installed with it (PEP 503 names), for the image size. */
  requires: z.array(z.string()).default([]),
});
export type PackageBuild = z.infer<typeof PackageBuild>;

export const PackageFacts = PackageBuild.extend({
  /** PEP 503 name. */
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  /** Top-level import names (scikit-learn → sklearn, opencv-python → cv2). */
  modules: z.array(z.string()).min(1),
  /** Packages whose modules its import loads too (pandas imports numpy): their memory counts once. */
  imports: z.array(z.string()).default([]),
  /** Debian packages the wheels need at run time (libgl1 for opencv, ffmpeg for whisper…). */
  systemPackages: z.array(z.string()).default([]),
  /** Other builds: `cpu` for torch's CPU-only wheels (the default build is the CUDA one on Linux). */
  variants: z.record(z.string(), PackageBuild.partial({ installedMB: true })).optional(),
  /** Models it downloads by itself at first use (kokoro's weights). */
  downloadsModel: z.string().optional(),
  note: z.string().optional(),
});
export type PackageFacts = z.infer<typeof PackageFacts>;

export const PackageFactsFile = z.object({
  $comment: z.string().optional(),
  /** What an unknown package is assumed to weigh: conservative, never zero. */
  unknown: z.object({ installedMB: Sourced, importRssMB: Sourced, importSeconds: Sourced }),
  /** The interpreter itself (`python3 -c pass`). */
  interpreter: z.object({ rssMB: Sourced, startSeconds: Sourced }),
  packages: z.array(PackageFacts),
});
export type PackageFactsFile = z.infer<typeof PackageFactsFile>;

/** A model's weights, by hub id (or a loader's name like whisper-base). */
export const ModelWeights = z.object({
  id: z.string(),
  /** Size of the weight files a load downloads, MB. */
  weightsMB: Sourced,
  /** Parameters, millions (for the fp32 rule of thumb when no size is known). */
  paramsM: z.number().positive().optional(),
  format: z.enum(["safetensors", "pytorch", "onnx", "gguf", "joblib", "other"]).default("safetensors"),
});
export type ModelWeights = z.infer<typeof ModelWeights>;

export const ModelWeightsFile = z.object({
  $comment: z.string().optional(),
  /** A model whose size is unknown: a conservative guess, marked unknown. */
  unknownMB: Sourced,
  models: z.array(ModelWeights),
});

/** A base image and its uncompressed size. */
export const BaseImage = z.object({
  image: z.string(),
  sizeMB: Sourced,
  /** Python or Node version it carries. */
  runtime: z.string(),
});
export const BaseImagesFile = z.object({
  $comment: z.string().optional(),
  images: z.array(BaseImage),
});
export type BaseImage = z.infer<typeof BaseImage>;
