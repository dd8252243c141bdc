/** `shipfit probe` as a user runs it: --plan from the catalog, --enforce exits 137, --json, --svg, bad input. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
const spawner = path.join(root, "test", "probe", "apps", "spawner.py");
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-cli-probe-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function shipfit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", REPORT: path.join(tmp, "report") } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("shipfit probe", () => {
  it("reproduces seed 004 locally: a 200 MB subprocess under --limit 150M --enforce is killed and exits 137", () => {
    const r = shipfit("probe", "--limit", "150M", "--enforce", "--", "/usr/bin/python3", spawner);
    expect(r.code).toBe(137);
    expect(r.stdout).toMatch(/exceeds the 150 MB limit at t = [\d.]+ s: killed there/);
  });

  it("prints clean JSON with per-plan verdicts and writes the SVG timeline", () => {
    const svg = path.join(tmp, "t.svg");
    const r = shipfit("probe", "--plan", "railway:free", "--json", "--svg", svg, "--", "/usr/bin/python3", spawner);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { peakMB: number; limitMB: number; verdicts: { plan: string; fits: boolean }[] };
    expect(json.peakMB).toBeGreaterThan(200);
    expect(json.limitMB).toBe(512);
    expect(json.verdicts.find((v) => v.plan === "railway:free")?.fits).toBe(true);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<polyline[\s\S]*limit 512 MB/);
  });

  it("hands its measured figures to estimate and plan with --measured", () => {
    const r = shipfit("probe", "--service", "web", "--json", "--", "/usr/bin/python3", spawner);
    expect(r.code).toBe(0);
    const file = path.join(tmp, "probe.json");
    writeFileSync(file, r.stdout);
    const peak = (JSON.parse(r.stdout) as { peakMB: number }).peakMB;
    const est = shipfit("estimate", "examples/fraud-automl", "--measured", file, "--json");
    expect(est.code).toBe(0);
    const web = (JSON.parse(est.stdout) as { services: { service: string; ram: { peakMB: { expected: number; origin?: string } } }[] }).services.find((s) => s.service === "web");
    expect(web?.ram.peakMB).toMatchObject({ expected: peak, origin: "measured" });
    const planned = shipfit("plan", "examples/fraud-automl", "--measured", file, "--json");
    expect(planned.code).toBe(0);
    const options = (JSON.parse(planned.stdout) as { options: { services: { checks: { rule: string; message: string }[] }[] }[] }).options;
    const ramMessages = options.flatMap((o) => o.services.flatMap((s) => s.checks.filter((c) => c.rule === "ram").map((c) => c.message)));
    expect(ramMessages.length).toBeGreaterThan(0);
    expect(ramMessages.every((m) => m.includes(`peak ${Math.round(peak)} MB`))).toBe(true);
  });

  it("fails in one line with exit 2 on bad input", () => {
    for (const args of [["probe"], ["probe", "--plan", "nowhere:free", "--", "true"], ["probe", "--limit", "lots", "--", "true"], ["probe", "--enforce", "--", "true"], ["probe", "--", "no-such-command-here"], ["plan", "examples/fraud-automl", "--measured", "no-such.json"], ["probe", "--svg", "/no-such-dir/t.svg", "--", "true"]]) {
      const r = shipfit(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});
