/**
 * Image size, build time and cold start of a service, from the packages its manifests install,
 * the system libraries they need, its own files and the models baked in or downloaded at start.
 */
import type { AppModel, Service } from "../core/app-model.js";
import { facts } from "../facts/load.js";
import type { Sourced } from "../facts/schema.js";
import type { Interval, Part } from "./footprint.js";
import { bakedModels, loadedModels } from "./models.js";
import { importedPackages, installedPackages, serviceDependencies, type Resolved } from "./packages.js";
import { durationPart, part, round } from "./parts.js";

const MB = 1024 * 1024;

/** The base image a generated Dockerfile would start from: python:X.Y-slim of the detected version. */
export function baseImage(svc: Service): { image: string; size: Sourced } {
  const f = facts();
  const want =
    svc.language === "node"
      ? `node:${/(\d+)/.exec(svc.nodeVersion?.value ?? "")?.[1] ?? "20"}-slim`
      : `python:${/(\d+\.\d+)/.exec(svc.pythonVersion?.value ?? "")?.[1] ?? "3.11"}-slim`;
  const found = f.images.find((i) => i.image === want) ?? f.images.find((i) => i.image === (svc.language === "node" ? "node:20-slim" : "python:3.11-slim")) ?? f.images[0];
  if (!found) throw new Error("src/data/base-images.json holds no image");
  return { image: found.image, size: found.sizeMB };
}

/** Image parts: base, packages (largest first, the small ones grouped), system libraries, app files, models. */
export function imageParts(svc: Service, model: AppModel, cpuTorch: boolean): { parts: Part[]; installed: Resolved[] } {
  const f = facts();
  const base = baseImage(svc);
  const parts: Part[] = [part(`base image ${base.image}`, "base-image", base.size)];
  const installed = svc.language === "python" ? installedPackages(serviceDependencies(svc, model), cpuTorch) : [];
  const pkgParts = installed.map((p) => part(`${p.cpu ? `${p.name} (CPU wheels)` : p.name}`, "package", p.build.installedMB, 1, p.unknown)).sort((a, b) => b.expected - a.expected);
  const big = pkgParts.filter((p) => p.expected >= 20);
  const small = pkgParts.filter((p) => p.expected < 20);
  parts.push(...big);
  if (small.length > 0) {
    parts.push({
      label: `${small.length} smaller packages`,
      kind: "package",
      low: small.reduce((a, p) => a + p.low, 0),
      expected: small.reduce((a, p) => a + p.expected, 0),
      high: small.reduce((a, p) => a + p.high, 0),
      source: "src/data/packages.json (each package's own source)",
    });
  }
  const systems = new Set(installed.flatMap((p) => p.facts?.systemPackages ?? []));
  for (const name of [...systems].sort()) {
    const s = f.params.systemPackages[name] ?? f.params.systemPackages.unknown;
    if (s && typeof s !== "string") parts.push(part(`apt ${name} (system library)`, "system-packages", s));
  }
  if (svc.language === "node") parts.push(part("node_modules", "package", f.params.node.nodeModulesMB));
  const appMB = svc.files.bytes / MB;
  parts.push({ label: `app files (${svc.files.count})`, kind: "app-files", low: appMB, expected: appMB, high: appMB, source: "scan: file sizes" });
  parts.push(...bakedModels(svc, model));
  return { parts, installed };
}

/** Build time: fixed overhead, downloading and installing packages, apt, build-stage downloads, exporting the image. */
export function buildParts(imageMB: Interval, installed: Resolved[], image: Part[]): Part[] {
  const f = facts();
  const t = f.params.throughput;
  const installedMB = installed.reduce((a, p) => a + p.build.installedMB.value, 0);
  const wheelMB = installed.reduce((a, p) => a + (p.build.wheelMB?.value ?? p.build.installedMB.value * f.params.build.wheelShareOfInstalled.value), 0);
  const aptMB = image.filter((p) => p.kind === "system-packages").reduce((a, p) => a + p.expected, 0);
  const buildDownloads = image.filter((p) => p.kind === "model" && /downloaded at image build/.test(p.label));
  const parts: Part[] = [{ label: "builder start, base image, context", kind: "overhead", ...f.params.build.fixedSeconds }];
  if (wheelMB > 0) parts.push(durationPart(`download ${round(wheelMB, 0)} MB of wheels`, "download", { low: wheelMB, expected: wheelMB, high: wheelMB }, t.packageDownload));
  if (installedMB > 0) parts.push(durationPart(`install ${round(installedMB, 0)} MB of packages`, "install", { low: installedMB, expected: installedMB, high: installedMB }, t.packageInstall));
  if (aptMB > 0) parts.push(durationPart(`apt-get install ${round(aptMB, 0)} MB`, "install", { low: aptMB, expected: aptMB, high: aptMB }, t.aptInstall));
  for (const d of buildDownloads) parts.push(durationPart(`download ${d.label.replace(/ downloaded at image build$/, "")}`, "download", d, t.modelDownload));
  parts.push(durationPart(`export and push ${round(imageMB.expected, 0)} MB`, "push", imageMB, t.imageExport));
  return parts;
}

/** Cold start: interpreter, imports, model loads and the downloads a process makes before answering. */
export function coldStartParts(svc: Service, model: AppModel): Part[] {
  const f = facts();
  const t = f.params.throughput;
  if (svc.language === "node") return [part("Node.js server start", "overhead", f.params.node.startSeconds)];
  const parts: Part[] = [part("Python start", "interpreter", f.interpreter.startSeconds)];
  const cpu = svc.torch?.cpuOnly ?? false;
  const imported = importedPackages(svc.imports, serviceDependencies(svc, model), cpu);
  const seconds = imported.map((p) => ({ p, s: p.build.importSeconds ?? f.unknown.importSeconds })).filter((x) => x.s.value >= 0.05);
  for (const { p, s } of seconds.sort((a, b) => b.s.value - a.s.value)) parts.push(part(`import ${p.name}`, "package", s, 1, p.unknown || p.build.importSeconds === undefined));
  for (const m of loadedModels(svc, model)) {
    if (m.downloaded) parts.push(durationPart(`download ${m.label} (${round(m.weightsMB.expected, 0)} MB) on first start`, "download", m.weightsMB, t.modelDownload));
    parts.push(durationPart(`load ${m.label}`, "model", m.weightsMB, t.modelLoad));
  }
  return parts;
}
