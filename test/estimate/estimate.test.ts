/**
 * The estimate's arithmetic on small seeded apps: worker multiplication, --preload sharing, CPU vs
 * CUDA torch, unknown packages, subprocesses, measured overrides. Expected values are derived from
 * the facts files (never restated here), so a data update does not break the arithmetic tests.
 */
import { describe, expect, it } from "vitest";
import type { AppModel } from "../../src/core/app-model.js";
import { estimate } from "../../src/estimate/estimate.js";
import type { Part, ServiceFootprint } from "../../src/estimate/footprint.js";
import { facts } from "../../src/facts/load.js";
import { scan } from "../../src/scan/scan.js";
import { seed } from "../helpers/tmp.js";

const FLASK_TORCH = 'import torch\nfrom flask import Flask\napp = Flask(__name__)\nnet = torch.nn.Linear(8, 2)\n\n@app.get("/health")\ndef health():\n    return "ok"\n';

async function footprint(files: Record<string, string>): Promise<{ fp: ServiceFootprint; model: AppModel }> {
  const model = await scan(seed(files));
  const fp = estimate(model).services[0];
  if (!fp) throw new Error("no service");
  return { fp, model };
}

const find = (parts: Part[], re: RegExp) => parts.filter((p) => re.test(p.label));
const sum = (parts: Part[]) => parts.reduce((a, p) => a + p.expected, 0);
const app = (procfile: string, reqs = "flask==3.0.0\ngunicorn==21.2.0\ntorch==2.6.0+cpu\n--extra-index-url https://download.pytorch.org/whl/cpu\n") => ({
  "requirements.txt": reqs,
  "app.py": FLASK_TORCH,
  Procfile: procfile,
});

describe("worker multiplication", () => {
  it("each extra gunicorn worker without --preload adds the app's private memory", async () => {
    const one = await footprint(app("web: gunicorn -w 1 -b 0.0.0.0:$PORT app:app\n"));
    const three = await footprint(app("web: gunicorn -w 3 -b 0.0.0.0:$PORT app:app\n"));
    expect(one.fp.ram.processes).toBe(2);
    expect(three.fp.ram.processes).toBe(4);
    const [extra] = find(three.fp.ram.startMB.parts, /^2 more worker/);
    expect(extra).toBeDefined();
    expect(find(one.fp.ram.startMB.parts, /more worker/)).toEqual([]);
    // Start memory grows by exactly that part; the rest of the tree is the same.
    expect(Math.abs(three.fp.ram.startMB.expected - one.fp.ram.startMB.expected - extra!.expected)).toBeLessThanOrEqual(1); // whole MB
    // The private part is less than the whole process: library pages are shared.
    const appMB = sum(find(one.fp.ram.startMB.parts, /^web: /));
    expect(extra!.expected / 2).toBeLessThan(appMB);
    expect(extra!.expected / 2).toBeGreaterThan(appMB * 0.3);
  });

  it("with --preload workers share the app: each costs the measured per-worker figure, and copy-on-write erosion shows in steady state", async () => {
    const { fp } = await footprint(app("web: gunicorn -w 3 --preload -b 0.0.0.0:$PORT app:app\n"));
    const perWorker = facts().params.workers.preloadPerWorkerMB.value;
    const [forked] = find(fp.ram.startMB.parts, /3 gunicorn --preload workers/);
    expect(forked?.expected).toBeCloseTo(3 * perWorker, 5);
    const [erosion] = find(fp.ram.steadyMB.parts, /pages copied over time/);
    expect(erosion).toBeDefined();
    expect(Math.abs(fp.ram.steadyMB.expected - (fp.ram.startMB.expected + erosion!.expected))).toBeLessThanOrEqual(1); // figures round to whole MB
    const noPreload = await footprint(app("web: gunicorn -w 3 -b 0.0.0.0:$PORT app:app\n"));
    expect(fp.ram.startMB.expected).toBeLessThan(noPreload.fp.ram.startMB.expected);
  });

  it("a Celery worker forks its default concurrency when none is given", async () => {
    const model = await scan(
      seed({
        "requirements.txt": "celery[redis]==5.4.0\n",
        "tasks.py": 'import os\nfrom celery import Celery\napp = Celery("t", broker=os.environ["REDIS_URL"])\n\n@app.task\ndef add(a, b):\n    return a + b\n',
        Procfile: "worker: celery -A tasks worker\n",
      }),
    );
    const [fp] = estimate(model).services;
    expect(fp?.ram.processes).toBe(1 + facts().params.workers.celeryDefaultConcurrency.value);
  });
});

describe("torch wheels", () => {
  it("default torch brings the CUDA libraries into the image; the CPU-only size is shown beside it", async () => {
    const { fp } = await footprint(app("web: gunicorn app:app\n", "flask\ngunicorn\ntorch==2.6.0\n"));
    expect(find(fp.imageMB.parts, /^nvidia-cudnn/)).toHaveLength(1);
    expect(fp.imageMBCpuTorch).toBeDefined();
    expect(find(fp.imageMBCpuTorch!.parts, /^nvidia-/)).toEqual([]);
    const torch = facts().packages.get("torch")!;
    expect(find(fp.imageMB.parts, /^torch$/)[0]?.expected).toBe(torch.installedMB.value);
    expect(find(fp.imageMBCpuTorch!.parts, /^torch \(CPU wheels\)$/)[0]?.expected).toBe(torch.variants?.cpu?.installedMB?.value);
    // The largest part of this image is torch or its CUDA libraries, not the app.
    const largest = [...fp.imageMB.parts].sort((a, b) => b.expected - a.expected)[0];
    expect(largest?.label).toBe("torch");
  });

  it("CPU-pinned torch (+cpu or the CPU index) uses the CPU build for size and import memory", async () => {
    const { fp, model } = await footprint(app("web: gunicorn app:app\n"));
    expect(model.services[0]?.torch?.cpuOnly).toBe(true);
    expect(fp.imageMBCpuTorch).toBeUndefined();
    expect(find(fp.imageMB.parts, /^nvidia-/)).toEqual([]);
    const [imp] = find(fp.ram.startMB.parts, /import torch \(CPU build\)/);
    expect(imp?.expected).toBe(facts().packages.get("torch")?.variants?.cpu?.importRssMB?.value);
  });
});

describe("unknown packages", () => {
  it("count with the conservative default, are flagged and listed, never zero", async () => {
    const { fp } = await footprint({
      "requirements.txt": "flask\nshipfit-test-unknown-pkg==1.0\n",
      "app.py": "import shipfit_test_unknown_pkg\nfrom flask import Flask\napp = Flask(__name__)\n",
    });
    expect(fp.unknownPackages).toContain("shipfit-test-unknown-pkg");
    const [img] = find(fp.imageMB.parts, /shipfit-test-unknown-pkg/);
    const u = facts().unknown;
    // Small packages are grouped in the image; the RAM part is its own.
    expect(img ?? find(fp.imageMB.parts, /smaller packages/)[0]).toBeDefined();
    const [ram] = find(fp.ram.startMB.parts, /import shipfit-test-unknown-pkg/);
    expect(ram).toMatchObject({ expected: u.importRssMB.value, unknown: true });
    expect(ram!.high).toBeGreaterThan(ram!.expected);
  });
});

describe("models and subprocesses", () => {
  it("a hub model counts its weights times its format factor, with a second copy while loading", async () => {
    const { fp } = await footprint({
      "requirements.txt": "transformers\ntorch==2.6.0+cpu\nflask\n",
      "app.py": 'from flask import Flask\nfrom transformers import pipeline\napp = Flask(__name__)\nclf = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")\n',
    });
    const weights = facts().models.get("distilbert-base-uncased-finetuned-sst-2-english")!.weightsMB.value;
    const [ram] = find(fp.ram.startMB.parts, /model distilbert/);
    expect(ram!.expected).toBeGreaterThanOrEqual(weights * 0.9);
    const [transient] = find(fp.ram.peakMB.parts, /model loading/);
    expect(transient!.expected).toBeCloseTo(weights * (facts().params.fromPretrainedPeak.value - 1), 0);
    expect(find(fp.coldStartSeconds.parts, /download distilbert/)).toHaveLength(1);
  });

  it("a per-request `python -m pkg` subprocess is alive at the peak with what that package loads", async () => {
    const model = await scan(new URL("../../examples/kokoro-tts", import.meta.url).pathname);
    const [fp] = estimate(model).services;
    const [child] = find(fp!.ram.peakMB.parts, /^subprocess python -m kokoro/);
    expect(child).toBeDefined();
    expect(child!.label).toMatch(/Kokoro-82M/);
    expect(find(fp!.ram.startMB.parts, /^subprocess/)).toEqual([]);
    expect(fp!.ram.peakMB.expected).toBeGreaterThan(fp!.ram.startMB.expected + child!.expected - 1);
  });

  it("fraud-automl bakes its 80 model files into the image and loads the 40 XGBoost models", async () => {
    const model = await scan(new URL("../../examples/fraud-automl", import.meta.url).pathname);
    const [fp] = estimate(model).services;
    const [baked] = find(fp!.imageMB.parts, /80 model file\(s\) copied/);
    const bytes = model.models.files.filter((f) => f.format === "joblib").reduce((a, f) => a + f.bytes, 0);
    expect(baked?.expected).toBeCloseTo(bytes / 1024 / 1024, 1);
    expect(find(fp!.ram.startMB.parts, /40 joblib files matching \*\/\*\/xgboost_model\.joblib/)).toHaveLength(1);
    // Unpickling the XGBoost models imports xgboost although no file imports it.
    expect(find(fp!.ram.startMB.parts, /import xgboost/)).toHaveLength(1);
  });
});

describe("measured figures", () => {
  it("replace the estimate's RAM and cold start, marked as measured", async () => {
    const model = await scan(seed(app("web: gunicorn app:app\n")));
    const [fp] = estimate(model, { measured: [{ service: "web", ramPeakMB: 321.5, coldStartSeconds: 4.2, source: "probe.json" }] }).services;
    expect(fp?.ram.peakMB).toMatchObject({ expected: 321.5, low: 321.5, high: 321.5, origin: "measured" });
    expect(fp?.coldStartSeconds).toMatchObject({ expected: 4.2, origin: "measured" });
    expect(fp?.ram.startMB.origin).toBe("estimate");
  });
});

describe("examples", () => {
  it.each(["ai-ko-backend", "kokoro-tts"])("%s: torch is the largest part of the image", async (name) => {
    const model = await scan(new URL(`../../examples/${name}`, import.meta.url).pathname);
    for (const fp of estimate(model).services) {
      const largest = [...fp.imageMB.parts].sort((a, b) => b.expected - a.expected)[0];
      expect(largest?.label).toBe("torch");
    }
  });
});
