/** `shipfit plan` and `shipfit catalog` as a user runs them. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seed } from "../helpers/tmp.js";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "shipfit-cli-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function shipfit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", SHIPFIT_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(r: ReturnType<typeof shipfit>, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("shipfit plan", () => {
  it("prints the fit matrix, free tiers, a recommendation per budget and the what-ifs", () => {
    const r = shipfit("plan", "examples/ai-ko-backend");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plan\s+web\s+worker\s+per month/m);
    expect(r.stdout).toMatch(/does not fit\s+railway:free — web: needs \d+ MB/);
    expect(r.stdout).toMatch(/does not fit\s+render:free/);
    expect(r.stdout).toMatch(/^\s+\$0: /m);
    expect(r.stdout).toMatch(/Run inference remotely: peak RAM .* → .*newly fits: .*railway:trial/);
  });

  it("--json gives the whole plan; --budget keeps only plans within it", () => {
    const all = JSON.parse(shipfit("plan", "examples/fraud-automl", "--json").stdout);
    const cheap = JSON.parse(shipfit("plan", "examples/fraud-automl", "--json", "--budget", "5").stdout);
    expect(cheap.options.length).toBeLessThan(all.options.length);
    expect(cheap.options.every((o: { cost: { total: number } }) => o.cost.total <= 5)).toBe(true);
  });

  it("--always-on rules out plans that sleep", () => {
    const r = JSON.parse(shipfit("plan", "examples/fraud-automl", "--json", "--always-on").stdout);
    const free = r.options.find((o: { planId: string }) => o.planId === "render:free");
    expect(free.fits).toBe(false);
  });

  it("--catalog replaces a platform with the user's figures", () => {
    const dir = seed({
      "railway.json": JSON.stringify({
        id: "railway",
        name: "Railway (negotiated)",
        url: "https://railway.com",
        sources: [{ url: "contract", date: "2026-11-01" }],
        plans: [{ id: "railway:deal", name: "Deal", monthlyFeeUSD: { value: 1, source: "contract", date: "2026-11-01", confidence: "vendor" }, pricing: { model: "free" }, limits: { ramMB: { value: 65536, source: "contract", date: "2026-11-01", confidence: "vendor" } }, features: { websockets: true, backgroundWorkers: true, persistentDisk: false, sleeps: false, alwaysOn: true }, confidence: "vendor" }],
      }),
    });
    const r = JSON.parse(shipfit("plan", "examples/kokoro-tts", "--json", "--catalog", path.join(dir, "railway.json")).stdout);
    const railway = r.options.filter((o: { platform: string }) => o.platform === "railway");
    expect(railway.map((o: { planId: string }) => o.planId)).toEqual(["railway:deal"]);
  });

  it("rejects bad numbers and bad catalog files in one line", () => {
    expectOneLineError(shipfit("plan", "examples/kokoro-tts", "--users", "many"), /--users must be a number/);
    expectOneLineError(shipfit("plan", "examples/kokoro-tts", "--budget=-3"), /--budget must be a number/);
    const dir = seed({ "bad.json": JSON.stringify({ id: "x" }) });
    expectOneLineError(shipfit("plan", "examples/kokoro-tts", "--catalog", path.join(dir, "bad.json")), /bad\.json: invalid platform at name/);
  });
});

describe("shipfit catalog", () => {
  it("lists every plan with its pricing model and trust, and one platform on request", () => {
    const r = shipfit("catalog");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^railway:hobby\s+usage\s+/m);
    expect(r.stdout).toMatch(/^cloud-run:request\s+serverless/m);
    const one = shipfit("catalog", "fly", "--json");
    expect(JSON.parse(one.stdout).map((p: { id: string }) => p.id)).toEqual(["fly"]);
    expectOneLineError(shipfit("catalog", "nowhere"), /no platform "nowhere"/);
  });
});
