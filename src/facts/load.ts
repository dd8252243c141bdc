/**
 * Loads the facts files once, validated: a malformed file is a bug in shipfit's data and fails
 * loudly with the path of the bad field. Indexes packages by name and by import name.
 */
import { z } from "zod";
import baseImagesData from "../data/base-images.json" with { type: "json" };
import modelWeightsData from "../data/model-weights.json" with { type: "json" };
import packagesData from "../data/packages.json" with { type: "json" };
import paramsData from "../data/estimate-params.json" with { type: "json" };
import { BaseImagesFile, ModelWeightsFile, PackageFactsFile, Sourced, type BaseImage, type ModelWeights, type PackageFacts } from "./schema.js";

const Range = z.object({ low: z.number().nonnegative(), expected: z.number().nonnegative(), high: z.number().nonnegative(), source: z.string(), date: z.string() });
export type Range = z.infer<typeof Range>;

/** The estimate's own parameters (src/data/estimate-params.json). */
export const EstimateParams = z.object({
  uncertainty: z.object({ measured: Sourced, published: Sourced, rule: Sourced }),
  modelRamFactor: z.record(z.string(), z.union([Range, z.string()])),
  fromPretrainedPeak: Sourced,
  anonymousShare: z.object({ default: Sourced, torch: Sourced }),
  workers: z.object({ gunicornMasterExtraMB: Sourced, preloadPerWorkerMB: Sourced, copyOnWriteErosion: Range, celeryDefaultConcurrency: Sourced }),
  throughput: z.object({ packageDownload: Range, packageInstall: Range, imageExport: Range, modelDownload: Range, modelLoad: Range, aptInstall: Range }),
  build: z.object({ fixedSeconds: Range, wheelShareOfInstalled: Sourced }),
  systemPackages: z.record(z.string(), z.union([Sourced, z.string()])),
  node: z.object({ nextRssMB: Sourced, nodeModulesMB: Sourced, startSeconds: Sourced }),
});
export type EstimateParams = z.infer<typeof EstimateParams>;

export interface Facts {
  packages: Map<string, PackageFacts>;
  /** Import name → packages providing it (opencv-python and -headless both provide cv2). */
  byModule: Map<string, PackageFacts[]>;
  unknown: z.infer<typeof PackageFactsFile>["unknown"];
  interpreter: z.infer<typeof PackageFactsFile>["interpreter"];
  models: Map<string, ModelWeights>;
  unknownModelMB: Sourced;
  images: BaseImage[];
  params: EstimateParams;
}

let loaded: Facts | undefined;

function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const r = schema.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`src/data/${file} is invalid at ${first?.path.join(".") ?? "?"}: ${first?.message ?? r.error.message}`);
  }
  return r.data;
}

/** The facts, validated on first use. */
export function facts(): Facts {
  if (loaded) return loaded;
  const pk = parseOrThrow(PackageFactsFile, packagesData, "packages.json");
  const mw = parseOrThrow(ModelWeightsFile, modelWeightsData, "model-weights.json");
  const bi = parseOrThrow(BaseImagesFile, baseImagesData, "base-images.json");
  const params = parseOrThrow(EstimateParams, paramsData, "estimate-params.json");
  const packages = new Map(pk.packages.map((p) => [p.name, p]));
  const byModule = new Map<string, PackageFacts[]>();
  for (const p of pk.packages) for (const m of p.modules) byModule.set(m, [...(byModule.get(m) ?? []), p]);
  loaded = {
    packages,
    byModule,
    unknown: pk.unknown,
    interpreter: pk.interpreter,
    models: new Map(mw.models.map((m) => [m.id.toLowerCase(), m])),
    unknownModelMB: mw.unknownMB,
    images: bi.images,
    params,
  };
  return loaded;
}
