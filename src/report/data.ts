/**
 * Everything the report shows, gathered once from scan → estimate → plan (and a probe result, the
 * model files and what `generate` would write). The HTML and Markdown renderers only read this.
 */
import { loadCatalog } from "../catalog/load.js";
import type { AppModel } from "../core/app-model.js";
import { estimate, type MeasuredFigures } from "../estimate/estimate.js";
import type { Footprint } from "../estimate/footprint.js";
import { generate, TARGETS } from "../generate/index.js";
import { storageOptions, type StorageOption } from "../models/storage-cost.js";
import { plan } from "../plan/plan.js";
import type { PlanOptions, PlanResult } from "../plan/types.js";
import type { ProbeResult } from "../probe/probe.js";

export interface Edge {
  from: string;
  to: string;
  label: string;
}

export interface ReportData {
  app: string;
  generatedAt: string;
  version: string;
  services: { id: string; kind: string; framework?: string; start?: string; port?: number }[];
  datastores: string[];
  edges: Edge[];
  footprint: Footprint;
  plan: PlanResult;
  probe?: ProbeResult;
  models?: { files: number; bytes: number; storage: StorageOption[] };
  files: { path: string; target: string; fixes: string[] }[];
  diagnostics: { level: string; code: string; message: string; where?: string }[];
}

export interface ReportInput {
  catalogFile?: string;
  measured?: MeasuredFigures[];
  probe?: ProbeResult;
  planOptions?: PlanOptions;
  version: string;
  now?: Date;
}

export function reportData(model: AppModel, input: ReportInput): ReportData {
  const catalog = loadCatalog(input.catalogFile);
  const footprint = estimate(model, input.measured ? { measured: input.measured } : {});
  const result = plan(model, catalog, input.planOptions ?? {}, footprint);
  const datastores = [...new Set(model.datastores.map((d) => d.kind))];
  const edges: Edge[] = [];
  for (const s of model.services) {
    for (const d of model.datastores) {
      const inService = d.evidence.some((e) => s.root === "." || e.file.startsWith(`${s.root}/`));
      if (inService && !edges.some((x) => x.from === s.id && x.to === d.kind)) edges.push({ from: s.id, to: d.kind, label: d.envVar ?? "" });
    }
  }
  const web = model.services.find((s) => s.kind === "web");
  for (const f of model.services.filter((s) => s.kind === "frontend")) if (web) edges.push({ from: f.id, to: web.id, label: "HTTP" });
  let files: ReportData["files"] = [];
  try {
    files = generate(model, TARGETS).map((f) => ({ path: f.path, target: f.target, fixes: f.fixes }));
  } catch {
    files = []; // an app generate cannot handle still gets its report
  }
  const modelFiles = model.models.files.filter((f) => !f.lfsPointer);
  const bytes = modelFiles.reduce((s, f) => s + f.bytes, 0);
  return {
    app: model.name,
    generatedAt: (input.now ?? new Date()).toISOString(),
    version: input.version,
    services: model.services.map((s) => ({
      id: s.id,
      kind: s.kind,
      ...(s.frameworks[0] ? { framework: s.frameworks[0].value } : {}),
      ...(s.start ? { start: s.start.command } : {}),
      ...(s.port ? { port: s.port.value } : {}),
    })),
    datastores,
    edges,
    footprint,
    plan: result,
    ...(input.probe ? { probe: input.probe } : {}),
    ...(modelFiles.length > 0
      ? { models: { files: modelFiles.length, bytes, storage: storageOptions(catalog, { bytes, files: modelFiles.length, largestFile: Math.max(...modelFiles.map((f) => f.bytes)), startsPerMonth: 30, appGetsPerMonth: 0 }, modelFiles.map((f) => f.bytes)) } }
      : {}),
    files,
    diagnostics: model.diagnostics.map((d) => {
      const e = d.evidence[0];
      return { level: d.level, code: d.code, message: d.message, ...(e ? { where: `${e.file}${e.line ? `:${e.line}` : ""}` } : {}) };
    }),
  };
}
