/**
 * requirements-prod.txt: a service's requirements without the local-inference packages, for a
 * variant that calls a hosted model (the Hugging Face Inference API, OpenAI…) instead of loading one.
 */
import path from "node:path";
import type { Dependency } from "../../core/app-model.js";
import type { Part } from "../../estimate/footprint.js";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";

/** Packages that only serve local inference: dropped when inference runs remotely. */
export const HEAVY_INFERENCE_PACKAGES: readonly string[] = [
  "torch",
  "torchvision",
  "torchaudio",
  "transformers",
  "sentence-transformers",
  "accelerate",
  "diffusers",
  "tensorflow",
  "keras",
  "onnxruntime",
  "tokenizers",
  "safetensors",
  "openai-whisper",
  "faster-whisper",
  "ctranslate2",
  "kokoro",
  "misaki",
  "spacy",
  "ultralytics",
];

const HEAVY = new Set(HEAVY_INFERENCE_PACKAGES);

/** Hosted inference APIs whose presence says the app can run without local models. */
const INFERENCE_APIS = ["huggingface-inference", "openai"] as const;

/** Requirement files of a service, repo-relative, in the order the plan lists them. */
function requirementFiles(plan: ServicePlan): string[] {
  return plan.requirements.map((r) => (plan.root === "." ? r : path.posix.join(plan.root, r)));
}

/** The service's declared requirements, first occurrence of each name wins. */
export function serviceRequirements(ctx: GenerateContext, plan: ServicePlan): Dependency[] {
  const seen = new Set<string>();
  const out: Dependency[] = [];
  for (const file of requirementFiles(plan)) {
    const m = ctx.model.manifests.find((x) => x.file === file);
    for (const d of m?.dependencies ?? []) {
      if (d.group !== undefined && d.group !== "main") continue;
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      out.push(d);
    }
  }
  return out;
}

/** One requirement line as written: name, extras, specifier, marker (or the URL for a direct reference). */
export function requirementLine(d: Dependency): string {
  const extras = d.extras && d.extras.length > 0 ? `[${d.extras.join(",")}]` : "";
  const marker = d.marker ? `; ${d.marker}` : "";
  if (d.url && d.source !== "registry") return d.source === "path" ? `${d.url}${marker}` : `${d.name}${extras} @ ${d.url}${marker}`;
  return `${d.name}${extras}${d.specifier ?? ""}${marker}`;
}

export interface ProdRequirements {
  /** Lines of the trimmed file, in the order of the original requirements. */
  lines: string[];
  /** Normalized names of the packages kept. */
  kept: string[];
  dropped: string[];
  addedGunicorn: boolean;
}

/** The trimmed requirements of a service, or undefined when it installs no heavy inference package. */
export function prodRequirements(ctx: GenerateContext, plan: ServicePlan): ProdRequirements | undefined {
  if (plan.service.language !== "python") return undefined;
  const deps = serviceRequirements(ctx, plan);
  const dropped = deps.filter((d) => HEAVY.has(d.name)).map((d) => d.name);
  if (dropped.length === 0) return undefined;
  const keptDeps = deps.filter((d) => !HEAVY.has(d.name));
  const lines = keptDeps.map(requirementLine);
  const addedGunicorn = /(^|\s)gunicorn\s/.test(plan.command) && !deps.some((d) => d.name === "gunicorn");
  if (addedGunicorn) lines.push("gunicorn");
  return { lines, kept: keptDeps.map((d) => d.name), dropped, addedGunicorn };
}

/** Why a trimmed file is wanted, or undefined when the app runs inference locally. */
function reason(ctx: GenerateContext): string | undefined {
  if (ctx.remoteInference) return "the chosen variant runs inference remotely";
  const apis = ctx.model.externalApis.filter((a) => (INFERENCE_APIS as readonly string[]).includes(a.kind)).map((a) => a.kind);
  if (apis.length > 0) return `the app already calls a hosted inference API (${[...new Set(apis)].join(", ")}), so production can skip the local models`;
  return undefined;
}

/** The part names a dropped package: "torch", "torch (CPU wheels)", "web: import torch". */
function namesPackage(label: string, names: Set<string>): boolean {
  const bare = label.replace(/^[^:]+: import /, "").replace(/ \(.*\)$/, "");
  return names.has(bare);
}

function sum(parts: Part[]): number {
  return Math.round(parts.reduce((a, p) => a + p.expected, 0));
}

/** Image and RAM the dropped packages account for in the estimate. */
export function savings(plan: ServicePlan, dropped: string[]): { imageMB: number; imageMBVsCpu?: number; ramMB: number } {
  const names = new Set(dropped);
  const fp = plan.footprint;
  let imageMB: number;
  let imageMBVsCpu: number | undefined;
  if (names.has("torch") && fp.imageMBCpuTorch) {
    // From the CUDA image down to the CPU one, then the dropped packages' share of the CPU image.
    imageMBVsCpu = sum(fp.imageMBCpuTorch.parts.filter((p) => p.kind === "package" && namesPackage(p.label, names)));
    imageMB = Math.round(fp.imageMB.expected - fp.imageMBCpuTorch.expected) + imageMBVsCpu;
  } else {
    imageMB = sum(fp.imageMB.parts.filter((p) => p.kind === "package" && namesPackage(p.label, names)));
  }
  const ramParts = fp.ram.peakMB.parts.filter(
    (p) => (p.kind === "package" && namesPackage(p.label, names)) || (p.kind === "subprocess" && dropped.some((d) => p.label.includes(`-m ${d.replace(/-/g, "_")} `) || p.label.includes(`-m ${d} `))),
  );
  return imageMBVsCpu === undefined ? { imageMB, ramMB: sum(ramParts) } : { imageMB, imageMBVsCpu, ramMB: sum(ramParts) };
}

function fileFor(ctx: GenerateContext, plan: ServicePlan, why: string): GeneratedFile | undefined {
  const prod = prodRequirements(ctx, plan);
  if (!prod) return undefined;
  const out = plan.root === "." ? "requirements-prod.txt" : `${plan.root}/requirements-prod.txt`;
  const from = plan.requirements.join(", ");
  const content = [
    `# Generated by shipfit generate requirements-prod from ${from} (service ${plan.service.id}).`,
    `# Without the local-inference packages: ${prod.dropped.join(", ")}.`,
    ...prod.lines,
    "",
  ].join("\n");
  const s = savings(plan, prod.dropped);
  const fixes = [`drops ${prod.dropped.join(", ")} because ${why}`];
  if (s.imageMB > 0 || s.ramMB > 0) {
    const vsCpu = s.imageMBVsCpu !== undefined ? ` (~${s.imageMBVsCpu} MB against CPU-only torch)` : "";
    fixes.push(`saves at least ~${s.imageMB} MB of image${vsCpu} and ~${s.ramMB} MB of RAM per process, by the estimate's parts naming them`);
  }
  if (prod.addedGunicorn) fixes.push("adds gunicorn, which the start command runs but no requirement file declares");
  const existing = ctx.model.manifests.find((m) => m.file === out);
  if (existing) {
    const missing = prod.kept.filter((n) => !existing.dependencies.some((d) => d.name === n));
    if (missing.length > 0) fixes.push(`the existing ${out} also leaves out ${missing.join(", ")}, which ${plan.requirements.join(", ")} declares (the app would fail to import them)`);
  }
  return { path: out, content, format: "text", target: "requirements-prod", fixes };
}

/** requirements-prod.txt per Python service that installs local-inference packages. */
export const requirementsProd: Generator = {
  target: "requirements-prod",
  summary: "requirements-prod.txt without torch/transformers… when inference runs remotely",
  generate(ctx) {
    const why = reason(ctx);
    if (!why) return [];
    const byPath = new Map<string, GeneratedFile>();
    for (const plan of ctx.services) {
      const f = fileFor(ctx, plan, why);
      if (f && !byPath.has(f.path)) byPath.set(f.path, f);
    }
    return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  },
};
