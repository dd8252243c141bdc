import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BaseImagesFile, ModelWeightsFile, PackageFactsFile } from "../../src/facts/schema.js";
import type { PackageFacts, Sourced } from "../../src/facts/schema.js";

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../src/data/${name}`, import.meta.url), "utf8"));
}

const packages = PackageFactsFile.parse(load("packages.json"));
const models = ModelWeightsFile.parse(load("model-weights.json"));
const images = BaseImagesFile.parse(load("base-images.json"));

// Distributions that ship the same import name on purpose; any other shared module is a typo.
const ALTERNATIVES: string[][] = [
  ["opencv-python", "opencv-python-headless"],
  ["psycopg2", "psycopg2-binary"],
  ["xgboost", "xgboost-cpu"],
];

/** Every Sourced figure of a package, its variants included, with a label for messages. */
function figures(p: PackageFacts): [string, Sourced][] {
  const out: [string, Sourced][] = [];
  const builds: [string, Partial<PackageFacts>][] = [[p.name, p], ...Object.entries(p.variants ?? {}).map(([k, v]) => [`${p.name}[${k}]`, v] as [string, Partial<PackageFacts>])];
  for (const [label, b] of builds) {
    for (const key of ["wheelMB", "installedMB", "importRssMB", "importSeconds"] as const) {
      const s = b[key];
      if (s) out.push([`${label}.${key}`, s]);
    }
  }
  return out;
}

describe("packages.json", () => {
  const names = packages.packages.map((p) => p.name);
  const byName = new Set(names);

  it("covers at least 60 packages, each name once", () => {
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("has the packages AI web apps use most, under their PEP 503 names", () => {
    for (const n of ["torch", "transformers", "sentence-transformers", "xgboost", "scikit-learn", "opencv-python", "kokoro", "flask", "fastapi", "gunicorn", "psycopg2", "nvidia-cudnn-cu12", "triton", "python-dotenv"]) {
      expect(byName.has(n), n).toBe(true);
    }
  });

  it("only refers to packages it describes (requires, imports, variants)", () => {
    const dangling: string[] = [];
    for (const p of packages.packages) {
      const refs = [...p.requires, ...p.imports, ...Object.values(p.variants ?? {}).flatMap((v) => v.requires ?? [])];
      for (const r of refs) if (!byName.has(r)) dangling.push(`${p.name} -> ${r}`);
      if (p.imports.includes(p.name) || p.requires.includes(p.name)) dangling.push(`${p.name} -> itself`);
    }
    expect(dangling).toEqual([]);
  });

  it("maps each import name to one distribution, except declared alternatives", () => {
    const owners = new Map<string, string[]>();
    for (const p of packages.packages) for (const m of p.modules) owners.set(m, [...(owners.get(m) ?? []), p.name]);
    const shared = [...owners.entries()].filter(([, o]) => o.length > 1);
    for (const [module, o] of shared) {
      const group = ALTERNATIVES.find((g) => o.every((n) => g.includes(n)));
      expect(group, `${module} is claimed by ${o.join(", ")}`).toBeDefined();
    }
    expect(owners.get("sklearn")).toEqual(["scikit-learn"]);
    expect(owners.get("PIL")).toEqual(["pillow"]);
    expect(owners.get("dotenv")).toEqual(["python-dotenv"]);
    expect(owners.get("cv2")?.sort()).toEqual(["opencv-python", "opencv-python-headless"]);
  });

  it("gives every figure a source and keeps sizes above zero", () => {
    const bad: string[] = [];
    for (const p of packages.packages) {
      if (!(p.installedMB.value > 0)) bad.push(`${p.name}.installedMB`);
      if (p.wheelMB && !(p.wheelMB.value > 0)) bad.push(`${p.name}.wheelMB`);
      for (const [label, s] of figures(p)) {
        if (!/^(https?:\/\/|measured: |rule: |research\/)/.test(s.source)) bad.push(`${label}: source "${s.source}"`);
        if (s.source.startsWith("rule: ") && !s.note && s.source.length < 40) bad.push(`${label}: rule without explanation`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("records torch as the CUDA build with a smaller CPU variant", () => {
    const torch = packages.packages.find((p) => p.name === "torch");
    const cpu = torch?.variants?.cpu;
    expect(torch?.requires.filter((r) => r.startsWith("nvidia-")).length).toBeGreaterThanOrEqual(10);
    expect(cpu?.requires?.some((r) => r.startsWith("nvidia-") || r === "triton")).toBe(false);
    expect(cpu?.wheelMB?.value).toBeLessThan(torch?.wheelMB?.value ?? 0);
    const cuda = torch?.requires.map((r) => packages.packages.find((p) => p.name === r)?.installedMB.value ?? 0).reduce((a, b) => a + b, 0) ?? 0;
    expect(cuda).toBeGreaterThan(2000); // research: 2.6-3.3 GB of nvidia libraries
  });

  it("keeps the unknown defaults and the interpreter above zero", () => {
    expect(packages.unknown.installedMB.value).toBeGreaterThan(0);
    expect(packages.unknown.importRssMB.value).toBeGreaterThan(0);
    expect(packages.unknown.importSeconds.value).toBeGreaterThan(0);
    expect(packages.interpreter.rssMB.value).toBeGreaterThan(0);
    expect(packages.interpreter.startSeconds.value).toBeGreaterThan(0);
  });

  it("names the system libraries the wheels need at run time", () => {
    const sys = (n: string) => packages.packages.find((p) => p.name === n)?.systemPackages ?? [];
    expect(sys("opencv-python")).toContain("libgl1");
    expect(sys("opencv-python-headless")).not.toContain("libgl1");
    expect(sys("openai-whisper")).toContain("ffmpeg");
    expect(sys("psycopg2")).toContain("libpq5");
    expect(sys("psycopg2-binary")).toEqual([]);
    expect(sys("kokoro")).toContain("espeak-ng");
  });
});

describe("model-weights.json", () => {
  const ids = models.models.map((m) => m.id);

  it("covers at least 30 models, each id once, none weighing nothing", () => {
    expect(ids.length).toBeGreaterThanOrEqual(30);
    expect(ids.filter((n, i) => ids.indexOf(n) !== i)).toEqual([]);
    expect(models.models.filter((m) => !(m.weightsMB.value > 0)).map((m) => m.id)).toEqual([]);
    expect(models.unknownMB.value).toBeGreaterThan(0);
  });

  it("marks computed sizes as such", () => {
    const unmarked = models.models.filter((m) => !/^https?:\/\/|^research\//.test(m.weightsMB.source) && !/rule/.test(m.weightsMB.note ?? "")).map((m) => m.id);
    expect(unmarked).toEqual([]);
  });

  it("has the model kokoro downloads", () => {
    const kokoro = packages.packages.find((p) => p.name === "kokoro");
    expect(kokoro?.downloadsModel).toBeDefined();
    expect(ids).toContain(kokoro?.downloadsModel);
  });
});

describe("base-images.json", () => {
  it("covers python slim and full, node slim and alpine, and a CUDA runtime", () => {
    const tags = images.images.map((i) => i.image);
    for (const v of ["3.9", "3.10", "3.11", "3.12", "3.13"]) {
      expect(tags).toContain(`python:${v}-slim`);
      expect(tags).toContain(`python:${v}`);
    }
    for (const v of ["18", "20", "22"]) {
      expect(tags).toContain(`node:${v}-slim`);
      expect(tags).toContain(`node:${v}-alpine`);
    }
    expect(tags.some((t) => t.startsWith("nvidia/cuda:") && t.includes("runtime"))).toBe(true);
    expect(tags.filter((n, i) => tags.indexOf(n) !== i)).toEqual([]);
  });

  it("has slim images smaller than the full ones", () => {
    const size = (t: string) => images.images.find((i) => i.image === t)?.sizeMB.value ?? Number.NaN;
    for (const v of ["3.10", "3.11", "3.12", "3.13"]) expect(size(`python:${v}-slim`)).toBeLessThan(size(`python:${v}`));
    expect(images.images.every((i) => i.sizeMB.value > 0)).toBe(true);
  });
});
