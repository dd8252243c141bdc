/**
 * What-if variants: the same app changed the way the seeds' teams changed theirs, re-estimated and
 * re-planned, so the effect on fit and cost is computed rather than guessed.
 */
import type { AppModel, Service } from "../core/app-model.js";
import { facts } from "../facts/load.js";

/** Packages that only run models locally; remote inference drops them (seed 000's requirements-prod). */
const LOCAL_INFERENCE = ["torch", "torchvision", "torchaudio", "transformers", "sentence-transformers", "accelerate", "diffusers", "tensorflow", "keras", "onnxruntime", "tokenizers", "safetensors", "openai-whisper", "faster-whisper", "ctranslate2", "kokoro", "misaki", "spacy", "ultralytics"];

const clone = (m: AppModel): AppModel => structuredClone(m);

function touched(model: AppModel, change: (s: Service) => boolean): boolean {
  let any = false;
  for (const s of model.services) any = change(s) || any;
  return any;
}

/** Inference through a hosted API (HF Inference, OpenAI) instead of torch in the process. */
export function remoteInference(model: AppModel): AppModel | undefined {
  const m = clone(model);
  const dropModules = new Set(LOCAL_INFERENCE.flatMap((p) => facts().packages.get(p)?.modules ?? [p]));
  const any = touched(m, (s) => {
    const had = s.imports.some((i) => dropModules.has(i)) || s.modelLoads.some((l) => l.remote) || s.subprocesses.some((p) => p.python);
    if (!had) return false;
    s.imports = s.imports.filter((i) => !dropModules.has(i));
    s.modelLoads = s.modelLoads.filter((l) => !l.remote);
    s.subprocesses = s.subprocesses.filter((p) => !p.python);
    delete s.torch;
    return true;
  });
  if (!any) return undefined;
  for (const man of m.manifests) man.dependencies = man.dependencies.filter((d) => !LOCAL_INFERENCE.includes(d.name));
  return m;
}

/** torch from the CPU wheel index. */
export function cpuTorch(model: AppModel): AppModel | undefined {
  const m = clone(model);
  const any = touched(m, (s) => {
    if (!s.torch?.present || s.torch.cpuOnly) return false;
    s.torch.cpuOnly = true;
    return true;
  });
  return any ? m : undefined;
}

/** Model files moved to object storage and pulled at start (`shipfit models`): out of the image, off the disk. */
export function modelsToStorage(model: AppModel): { model: AppModel; storedMB: number } | undefined {
  const m = clone(model);
  let storedBytes = 0;
  const any = touched(m, (s) => {
    if (s.files.models.length === 0 && !m.diskWrites.some((w) => w.service === s.id && w.kind === "models")) return false;
    storedBytes += m.models.files.filter((f) => s.files.models.includes(f.path)).reduce((a, f) => a + f.bytes, 0);
    s.files.models = [];
    return true;
  });
  if (!any) return undefined;
  m.diskWrites = m.diskWrites.filter((w) => w.kind !== "models");
  return { model: m, storedMB: storedBytes / 1024 / 1024 };
}

/** Every web-facing service run as one (seed 001: one process instead of three). */
export function mergeServices(model: AppModel): AppModel | undefined {
  const web = model.services.filter((s) => s.kind !== "worker");
  if (web.length < 2) return undefined;
  const m = clone(model);
  const [first, ...rest] = m.services.filter((s) => s.kind !== "worker");
  if (!first) return undefined;
  first.id = "merged";
  first.imports = [...new Set([...first.imports, ...rest.flatMap((s) => s.imports)])];
  first.modelLoads = [...first.modelLoads, ...rest.flatMap((s) => s.modelLoads)];
  first.manifests = [...new Set([...first.manifests, ...rest.flatMap((s) => (s.language === first.language ? s.manifests : []))])];
  first.files = { count: first.files.count + rest.reduce((a, s) => a + s.files.count, 0), bytes: first.files.bytes + rest.reduce((a, s) => a + s.files.bytes, 0), models: [...first.files.models, ...rest.flatMap((s) => s.files.models)] };
  m.services = m.services.filter((s) => !rest.includes(s));
  for (const w of m.diskWrites) if (rest.some((s) => s.id === w.service) || w.service === web[0]?.id) w.service = "merged";
  return m;
}
