/**
 * The plan on the example apps against the shipped catalog: the acceptance of the plan issue.
 * (The arithmetic of each pricing model is checked by hand in pricing.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { plan } from "../../src/plan/plan.js";
import type { PlanResult } from "../../src/plan/types.js";
import { scan } from "../../src/scan/scan.js";

const results = new Map<string, PlanResult>();
async function planOf(name: string): Promise<PlanResult> {
  let r = results.get(name);
  if (!r) {
    r = plan(await scan(new URL(`../../examples/${name}`, import.meta.url).pathname), loadCatalog());
    results.set(name, r);
  }
  return r;
}

describe("ai-ko-backend (seed 000)", () => {
  it("Railway Free and Render Free do not fit with local torch, for lack of RAM", async () => {
    const r = await planOf("ai-ko-backend");
    for (const id of ["railway:free", "render:free"]) {
      const o = r.options.find((x) => x.planId === id);
      expect(o?.fits, id).toBe(false);
      const web = o?.services.find((s) => s.service === "web");
      expect(web?.checks.find((c) => c.rule === "ram")?.verdict, id).toBe("blocker");
    }
  });

  it("remote inference brings each process under 512 MB: Railway Free's RAM limit is met (not its $1 credit), the Trial fits", async () => {
    const r = await planOf("ai-ko-backend");
    const v = r.variants.find((x) => x.id === "remote-inference");
    expect(v).toBeDefined();
    expect(v!.ramMB.after).toBeLessThan(v!.ramMB.before / 4);
    expect(v!.imageMB.after).toBeLessThan(v!.imageMB.before / 4);
    const free = v!.options.find((o) => o.planId === "railway:free")!;
    expect(free.services.every((s) => s.checks.find((c) => c.rule === "ram")?.verdict === "ok")).toBe(true);
    expect(free.services[0]?.checks.find((c) => c.rule === "credit")?.verdict).toBe("blocker");
    expect(v!.newlyFits).toContain("railway:trial");
    expect(r.variants.map((x) => x.id)).toContain("cpu-torch");
  });

  it("ranks fitting plans first and cheapest first, with a recommendation per budget", async () => {
    const r = await planOf("ai-ko-backend");
    const fitting = r.options.filter((o) => o.fits);
    expect(fitting.length).toBeGreaterThan(0);
    expect(r.options.slice(0, fitting.length).every((o) => o.fits)).toBe(true);
    const totals = fitting.map((o) => o.cost.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(r.scenarios.map((s) => s.id)).toEqual(["free", "budget", "production"]);
    for (const o of r.options) expect(o.cost.total).toBeCloseTo(o.cost.lines.reduce((a, l) => a + l.usd, 0), 1);
  });
});

describe("fraud-automl (seed 003)", () => {
  it("warns that uploads and the SQLite file vanish on an ephemeral disk, and offers object storage for the models", async () => {
    const r = await planOf("fraud-automl");
    const ephemeral = r.options.filter((o) => o.risks.some((x) => /ephemeral disk/.test(x)));
    expect(ephemeral.map((o) => o.planId)).toContain("render:free");
    const v = r.variants.find((x) => x.id === "models-to-storage");
    expect(v?.change).toMatch(/object storage/);
    expect(v!.imageMB.after).toBeLessThanOrEqual(v!.imageMB.before);
  });
});

describe("maintenance-procedures (seed 001)", () => {
  it("offers to merge the backend and the front end into one service", async () => {
    const r = await planOf("maintenance-procedures");
    const v = r.variants.find((x) => x.id === "merge-services");
    expect(v).toBeDefined();
    const before = r.options.find((o) => o.planId === "render:paid");
    const after = v!.options.find((o) => o.planId === "render:paid");
    expect(after!.cost.compute).toBeLessThan(before!.cost.compute);
  });
});
