/**
 * `estimate(model)`: per service, image size, build time, memory (start, peak, steady) and cold
 * start, each an interval with the parts it is made of. Pure: the AppModel in, a Footprint out.
 * A probe's measurements can replace the memory and cold-start figures (`measured`).
 */
import type { AppModel, Service } from "../core/app-model.js";
import { facts } from "../facts/load.js";
import type { Figure, Footprint, Part, ServiceFootprint } from "./footprint.js";
import { buildParts, coldStartParts, imageParts } from "./image.js";
import { treeMemory } from "./memory.js";
import { figure, part } from "./parts.js";

/** Figures measured by `shipfit probe` for a service, replacing the estimate's. */
export interface MeasuredFigures {
  service: string;
  /** Peak memory of the process tree, MB. */
  ramPeakMB?: number;
  /** Memory once started and idle, MB. */
  ramStartMB?: number;
  /** Seconds until the app answered. */
  coldStartSeconds?: number;
  /** Where the measurement comes from (a probe file, its date). */
  source: string;
}

export interface EstimateOptions {
  measured?: MeasuredFigures[];
}

function measuredFigure(value: number, source: string): Figure {
  return {
    low: value,
    expected: value,
    high: value,
    parts: [{ label: "measured by shipfit probe", kind: "overhead", low: value, expected: value, high: value, source }],
    origin: "measured",
  };
}

function serviceFootprint(svc: Service, model: AppModel, measured: MeasuredFigures | undefined): ServiceFootprint {
  const f = facts();
  const image = imageParts(svc, model, svc.torch?.cpuOnly ?? false);
  const imageMB = figure(image.parts);
  const fp: ServiceFootprint = {
    service: svc.id,
    kind: svc.kind,
    imageMB,
    buildSeconds: figure(buildParts(imageMB, image.installed, image.parts)),
    ram: { startMB: figure([]), steadyMB: figure([]), peakMB: figure([]), processes: 1 },
    coldStartSeconds: figure(coldStartParts(svc, model), 1),
    unknownPackages: image.installed.filter((p) => p.unknown).map((p) => p.name),
  };
  if (svc.torch?.present && !svc.torch.cpuOnly) {
    const cpu = imageParts(svc, model, true);
    fp.imageMBCpuTorch = figure(cpu.parts);
  }
  if (svc.language === "node") {
    const start = [part(`${svc.id}: Node.js server`, "interpreter", f.params.node.nextRssMB)];
    fp.ram = { startMB: figure(start), steadyMB: figure(start), peakMB: figure(start), processes: 1 };
  } else {
    const tree = treeMemory(svc, model);
    const start = tree.start;
    const peak: Part[] = [...start, ...tree.peakExtra];
    const steady: Part[] = [...start, ...tree.steadyExtra];
    fp.ram = { startMB: figure(start), steadyMB: figure(steady), peakMB: figure(peak), processes: tree.processes };
    fp.unknownPackages = [...new Set([...fp.unknownPackages, ...tree.unknown])].sort();
  }
  if (measured) {
    if (measured.ramPeakMB !== undefined) fp.ram.peakMB = measuredFigure(measured.ramPeakMB, measured.source);
    if (measured.ramStartMB !== undefined) fp.ram.startMB = measuredFigure(measured.ramStartMB, measured.source);
    if (measured.coldStartSeconds !== undefined) fp.coldStartSeconds = measuredFigure(measured.coldStartSeconds, measured.source);
  }
  return fp;
}

/** Estimate every service of a scanned repository. */
export function estimate(model: AppModel, options: EstimateOptions = {}): Footprint {
  const services = model.services.map((s) => serviceFootprint(s, model, options.measured?.find((m) => m.service === s.id)));
  const notes: string[] = [];
  const unknown = [...new Set(services.flatMap((s) => s.unknownPackages))];
  if (unknown.length > 0) notes.push(`no facts for ${unknown.join(", ")}: counted with conservative defaults (src/data/packages.json "unknown")`);
  if (services.some((s) => s.imageMBCpuTorch)) notes.push("torch installs its default CUDA wheels on Linux; imageMBCpuTorch shows the size with the CPU-only index (https://download.pytorch.org/whl/cpu)");
  return { services, notes };
}
