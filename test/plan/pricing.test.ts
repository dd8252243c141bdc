/**
 * Each pricing model and fit rule, checked by hand on a small test catalog whose numbers are chosen
 * to make the arithmetic visible (the shipped catalog's figures change with the market; the
 * arithmetic must not). Memory needs come from a fixed Footprint, not from the estimate.
 */
import { describe, expect, it } from "vitest";
import type { AppModel } from "../../src/core/app-model.js";
import type { Platform } from "../../src/catalog/schema.js";
import type { Figure, ServiceFootprint } from "../../src/estimate/footprint.js";
import planParams from "../../src/data/plan-params.json" with { type: "json" };
import { evaluatePlan, ramNeed, traffic } from "../../src/plan/evaluate.js";
import { scan } from "../../src/scan/scan.js";
import { seed } from "../helpers/tmp.js";

const f = (value: number) => ({ value, source: "test", date: "2026-11-28", confidence: "vendor" as const });
const fig = (n: number): Figure => ({ low: n, expected: n, high: n, parts: [], origin: "estimate" });

function footprint(service: string, ramMB: number, imageMB = 500, coldStart = 5): ServiceFootprint {
  return { service, kind: "web", imageMB: fig(imageMB), buildSeconds: fig(60), ram: { startMB: fig(ramMB), steadyMB: fig(ramMB), peakMB: fig(ramMB), processes: 1 }, coldStartSeconds: fig(coldStart), unknownPackages: [] };
}

const base = {
  websockets: true,
  backgroundWorkers: true,
  persistentDisk: false as const,
  sleeps: false as const,
  alwaysOn: true,
};

function platform(id: string, plans: Platform["plans"], extra: Partial<Platform> = {}): Platform {
  return { id, name: id, url: "https://example.test", sources: [{ url: "https://example.test", date: "2026-11-28" }], plans, datastores: [], storage: [], notes: [], ...extra };
}

let app: AppModel;
async function flaskApp(files: Record<string, string> = {}): Promise<AppModel> {
  return scan(seed({ "requirements.txt": "flask\ngunicorn\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n", Procfile: "web: gunicorn app:app\n", ...files }));
}

const headroom = 1 + planParams.ramHeadroom.value;

describe("usage pricing (Railway-like)", () => {
  it("bills steady RAM and average vCPU by the month, then takes included usage off", async () => {
    app = await flaskApp();
    const p = platform("rw", [
      { id: "rw:hobby", name: "Hobby", monthlyFeeUSD: f(5), pricing: { model: "usage", ramGBMonthUSD: f(10), vcpuMonthUSD: f(20), includedUSD: f(5) }, limits: { ramMB: f(8192) }, features: base, confidence: "vendor", notes: [] },
    ]);
    const o = evaluatePlan(app, [footprint("web", 512)], p, p.plans[0]!, {}, traffic({}));
    // 0.5 GB × $10 = $5; 0.1 vCPU × $20 = $2; usage $7, of which $5 is included; + $5 fee = $7.
    const vcpu = planParams.averageVcpu.expected * 20;
    expect(o.cost.compute).toBeCloseTo(5 + vcpu, 2);
    expect(o.cost.lines.find((l) => l.kind === "credit")?.usd).toBe(-5);
    expect(o.cost.total).toBeCloseTo(5 + vcpu + 5 - 5, 2);
    expect(o.fits).toBe(true);
  });
});

describe("fixed instance prices (Render/Heroku-like)", () => {
  const sizes = platform("rd", [
    {
      id: "rd:paid",
      name: "Paid",
      monthlyFeeUSD: f(0),
      pricing: { model: "instances", instances: [
        { id: "starter", ramMB: f(512), vcpu: f(0.5), monthlyUSD: f(7) },
        { id: "standard", ramMB: f(2048), vcpu: f(1), monthlyUSD: f(25) },
        { id: "pro", ramMB: f(4096), vcpu: f(2), monthlyUSD: f(85) },
      ] },
      limits: { ramMB: f(4096) },
      features: base,
      confidence: "vendor",
      notes: [],
    },
  ]);

  it("picks the smallest size whose RAM covers the peak plus headroom", async () => {
    app = await flaskApp();
    // 400 MB × 1.2 = 480 MB → starter ($7); 500 MB × 1.2 = 600 MB → standard ($25).
    const small = evaluatePlan(app, [footprint("web", 400)], sizes, sizes.plans[0]!, {}, traffic({}));
    expect(small.services[0]).toMatchObject({ size: "starter", ramNeedMB: Math.ceil(400 * headroom), fits: true });
    expect(small.cost.total).toBe(7);
    const bigger = evaluatePlan(app, [footprint("web", 500)], sizes, sizes.plans[0]!, {}, traffic({}));
    expect(bigger.services[0]?.size).toBe("standard");
    expect(bigger.cost.total).toBe(25);
  });

  it("does not fit when even the largest size is too small, and says by how much", async () => {
    app = await flaskApp();
    const o = evaluatePlan(app, [footprint("web", 4000)], sizes, sizes.plans[0]!, {}, traffic({}));
    expect(o.fits).toBe(false);
    expect(o.services[0]?.checks.find((c) => c.rule === "ram")?.message).toMatch(/needs 4800 MB .* at most 4096 MB/);
  });
});

describe("region-dependent prices (Fly-like)", () => {
  it("uses the region's price when the platform prices by region", async () => {
    app = await flaskApp();
    const fly = platform("fl", [
      { id: "fl:payg", name: "PAYG", monthlyFeeUSD: f(0), pricing: { model: "instances", instances: [{ id: "shared-1x-512", ramMB: f(512), vcpu: f(1), monthlyUSD: f(3.19), regionalMonthlyUSD: { sjc: f(3.81) } }] }, limits: { ramMB: f(512) }, features: base, confidence: "vendor", notes: [] },
    ]);
    expect(evaluatePlan(app, [footprint("web", 300)], fly, fly.plans[0]!, {}, traffic({})).cost.total).toBe(3.19);
    expect(evaluatePlan(app, [footprint("web", 300)], fly, fly.plans[0]!, { region: "sjc" }, traffic({})).cost.total).toBe(3.81);
    expect(evaluatePlan(app, [footprint("web", 300)], fly, fly.plans[0]!, { region: "ams" }, traffic({})).cost.total).toBe(3.19);
  });
});

describe("serverless pricing (Cloud Run-like)", () => {
  const run = platform("cr", [
    {
      id: "cr:requests",
      name: "Request-based",
      monthlyFeeUSD: f(0),
      pricing: { model: "serverless", vcpuSecondUSD: f(0.000024), gibSecondUSD: f(0.0000025), perMillionRequestsUSD: f(0.4), freeVcpuSeconds: f(180000), freeGibSeconds: f(360000), freeRequests: f(2000000), memoryStepsMB: [512, 1024, 2048] },
      limits: { ramMB: f(32768) },
      features: { ...base, backgroundWorkers: false, sleeps: { afterMinutes: f(15) } },
      confidence: "vendor",
      notes: [],
    },
  ]);

  it("is free while the month's requests stay within the free tier", async () => {
    app = await flaskApp();
    const o = evaluatePlan(app, [footprint("web", 400)], run, run.plans[0]!, { users: 50 }, traffic({ users: 50 }));
    // 50 users × 30 × 30 = 45,000 requests × 0.5 s = 22,500 s: far inside 180k vCPU-s and 360k GiB-s.
    expect(o.services[0]?.size).toBe("512 MB");
    expect(o.cost.total).toBe(0);
  });

  it("bills the seconds beyond the free tier, and a whole month when always on", async () => {
    app = await flaskApp();
    const on = evaluatePlan(app, [footprint("web", 700)], run, run.plans[0]!, { alwaysOn: true }, traffic({}));
    // 1 GiB × 730 h × 3600 s = 2,628,000 s; minus 360,000 free GiB-s → × $0.0000025; vCPU: 2,628,000 − 180,000 → × $0.000024.
    const seconds = planParams.hoursPerMonth.value * 3600;
    const expected = (seconds - 360000) * 0.0000025 + (seconds - 180000) * 0.000024;
    expect(on.cost.compute).toBeCloseTo(expected, 1);
    expect(on.services[0]?.size).toBe("1024 MB");
  });

  it("cannot run a background worker", async () => {
    const model = await scan(seed({ "requirements.txt": "celery\n", "tasks.py": "from celery import Celery\napp = Celery('t')\n", Procfile: "worker: celery -A tasks worker\n" }));
    const o = evaluatePlan(model, [{ ...footprint("worker", 200), kind: "worker" }], run, run.plans[0]!, {}, traffic({}));
    expect(o.services[0]?.checks.find((c) => c.rule === "worker")).toMatchObject({ verdict: "blocker" });
  });
});

describe("fit rules", () => {
  const plan = (features: Partial<typeof base> & Record<string, unknown>, limits: Record<string, unknown> = {}) =>
    platform("t", [{ id: "t:p", name: "P", monthlyFeeUSD: f(0), pricing: { model: "free" }, limits: { ramMB: f(512), ...limits }, features: { ...base, ...features }, confidence: "vendor", notes: [] } as Platform["plans"][number]]);

  it("image size against the limit", async () => {
    app = await flaskApp();
    const p = plan({}, { imageMB: f(4096) });
    expect(evaluatePlan(app, [footprint("web", 100, 5000)], p, p.plans[0]!, {}, traffic({})).services[0]?.checks.find((c) => c.rule === "image")?.verdict).toBe("blocker");
    expect(evaluatePlan(app, [footprint("web", 100, 3000)], p, p.plans[0]!, {}, traffic({})).services[0]?.checks.find((c) => c.rule === "image")?.verdict).toBe("ok");
  });

  it("websockets: Flask-SocketIO on a plan without them", async () => {
    const model = await scan(seed({ "requirements.txt": "flask\nflask-socketio\n", "app.py": "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\n" }));
    const p = plan({ websockets: false });
    expect(evaluatePlan(model, [footprint("web", 100)], p, p.plans[0]!, {}, traffic({})).services[0]?.checks.find((c) => c.rule === "websockets")?.verdict).toBe("blocker");
  });

  it("durable writes on an ephemeral disk are a risk; with a volume they are priced", async () => {
    const model = await flaskApp({ "app.py": "import sqlite3\nfrom flask import Flask\napp = Flask(__name__)\ndb = sqlite3.connect('data/app.db')\n" });
    const eph = plan({});
    const o = evaluatePlan(model, [footprint("web", 100)], eph, eph.plans[0]!, {}, traffic({}));
    expect(o.fits).toBe(true);
    expect(o.risks.join("\n")).toMatch(/ephemeral disk/);
    const vol = plan({ persistentDisk: { gbMonthUSD: f(0.25) } } as never);
    const v = evaluatePlan(model, [footprint("web", 100)], vol, vol.plans[0]!, {}, traffic({}));
    expect(v.cost.storage).toBeCloseTo(planParams.volumeGB.value * 0.25, 5);
  });

  it("sleep is a risk with the wake-up time, and a blocker with --always-on", async () => {
    app = await flaskApp();
    const p = plan({ sleeps: { afterMinutes: f(15), wakeSeconds: f(40) }, alwaysOn: false } as never);
    const relaxed = evaluatePlan(app, [footprint("web", 100, 500, 6)], p, p.plans[0]!, {}, traffic({}));
    expect(relaxed.services[0]?.checks.find((c) => c.rule === "sleep")).toMatchObject({ verdict: "risk", message: expect.stringMatching(/15 min idle; the next request waits ~46 s/) });
    const strict = evaluatePlan(app, [footprint("web", 100)], p, p.plans[0]!, { alwaysOn: true }, traffic({}));
    expect(strict.fits).toBe(false);
  });

  it("RAM need is the peak plus headroom", () => {
    expect(ramNeed(footprint("web", 1000))).toBe(Math.ceil(1000 * headroom));
  });
});

describe("request timeout", () => {
  it("a server timeout longer than the platform's request limit is a risk", async () => {
    const model = await scan(seed({ "requirements.txt": "flask\ngunicorn\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n", Procfile: "web: gunicorn --timeout 120 -b 0.0.0.0:$PORT app:app\n" }));
    const p = platform("h", [{ id: "h:basic", name: "Basic", monthlyFeeUSD: f(0), pricing: { model: "free" }, limits: { ramMB: f(512), requestTimeoutSeconds: f(30) }, features: base, confidence: "vendor", notes: [] }]);
    const o = evaluatePlan(model, [footprint("web", 100)], p, p.plans[0]!, {}, traffic({}));
    expect(o.services[0]?.checks.find((c) => c.rule === "timeout")).toMatchObject({ verdict: "risk", message: expect.stringMatching(/120 s .* after 30 s/) });
    expect(o.fits).toBe(true);
  });
});
