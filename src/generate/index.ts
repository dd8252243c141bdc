/** Every generation target, in the order `all` writes them, and the library entry `generate`. */
import type { AppModel } from "../core/app-model.js";
import { generateContext, type ContextOptions } from "./context.js";
import { cloudRun } from "./targets/cloud-run.js";
import { compose } from "./targets/compose.js";
import { docker } from "./targets/docker.js";
import { env } from "./targets/env.js";
import { fly } from "./targets/fly.js";
import { githubActions } from "./targets/github-actions.js";
import { kubernetes } from "./targets/kubernetes.js";
import { modelsLoader } from "./targets/models-loader.js";
import { procfile } from "./targets/procfile.js";
import { railway } from "./targets/railway.js";
import { render } from "./targets/render.js";
import { requirementsProd } from "./targets/requirements-prod.js";
import type { GenerateContext, GeneratedFile, Generator, TargetId } from "./types.js";

export const GENERATORS: Generator[] = [docker, procfile, railway, render, fly, cloudRun, compose, kubernetes, githubActions, env, requirementsProd, modelsLoader];

export const TARGETS: TargetId[] = GENERATORS.map((g) => g.target);

/** The files of `targets` for a context; a file two targets make (shipfit_models.py: docker and models-loader) once. */
export function generateFiles(ctx: GenerateContext, targets: TargetId[]): GeneratedFile[] {
  const files = [...new Set(targets)].flatMap((t) => GENERATORS.find((g) => g.target === t)?.generate(ctx) ?? []);
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.path) && !!seen.add(f.path));
}

/** The files of `targets` for a scanned app (pure: nothing is written; see write.ts). */
export function generate(model: AppModel, targets: TargetId[], options: ContextOptions = {}): GeneratedFile[] {
  return generateFiles(generateContext(model, options), targets);
}
