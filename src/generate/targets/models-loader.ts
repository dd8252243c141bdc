/**
 * shipfit_models.py: the model puller a Python image runs at start. A single-file, stdlib-only
 * Python script (boto3 when installed) with the cache layout of `shipfit models pull`, kept as a real
 * .py file in src/generate/assets/ (linted and tested directly) and copied to dist/ by the build.
 */
import { readFileSync } from "node:fs";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";

export const LOADER_FILE = "shipfit_models.py";
export const MANIFEST_FILE = "shipfit.models.json";

let source: string | undefined;

/** The loader's source, read once from the assets folder beside this module (src/ or dist/). */
export function loaderSource(): string {
  source ??= readFileSync(new URL(`../assets/${LOADER_FILE}`, import.meta.url), "utf8");
  return source;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The loader in the folder a service's image is built from. */
export function loaderFile(root: string, plans: readonly ServicePlan[], target: GeneratedFile["target"]): GeneratedFile {
  const pulling = plans.filter((p) => p.modelPull);
  const fixes = [`pulls the models ${MANIFEST_FILE} lists into a verified cache at start (python ${LOADER_FILE} pull --manifest ${MANIFEST_FILE} --into .): standard library only, boto3 when installed`];
  const pull = pulling[0]?.modelPull;
  if (pull) fixes.push(`lets the ${pull.files.length} model file(s) (${mb(pull.bytes)}) in ${pull.folders.length} folder(s) leave the image and survive an ephemeral disk`);
  return { path: root === "." ? LOADER_FILE : `${root}/${LOADER_FILE}`, content: loaderSource(), format: "python", target, fixes };
}

/** One loader per folder holding a Python service. */
export const modelsLoader: Generator = {
  target: "models-loader",
  summary: `${LOADER_FILE}: pulls model files pushed with shipfit models, verified, into a local cache at container start`,
  generate(ctx: GenerateContext) {
    const byRoot = new Map<string, ServicePlan[]>();
    for (const p of ctx.services) if (p.service.language === "python") byRoot.set(p.root, [...(byRoot.get(p.root) ?? []), p]);
    return [...byRoot].map(([root, plans]) => loaderFile(root, plans, "models-loader")).sort((a, b) => a.path.localeCompare(b.path));
  },
};
