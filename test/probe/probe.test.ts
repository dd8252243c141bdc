/**
 * The probe against real Python processes (Debian's python3 and its packages), each compared with the
 * kernel's own peak figures the program reports for itself (ru_maxrss, VmHWM) into $REPORT.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probe } from "../../src/probe/probe.js";
import { parseRequests } from "../../src/probe/requests.js";
import { parseSizeMB } from "../../src/probe/verdict.js";

const PY = "/usr/bin/python3";
const apps = path.resolve(new URL("./apps", import.meta.url).pathname);
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-probe-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
async function run(script: string, extra: Partial<Parameters<typeof probe>[0]> = {}) {
  const report = path.join(tmp, `report-${n++}`);
  const result = await probe({ command: [PY, path.join(apps, script)], timeoutSeconds: 120, intervalMs: 20, env: { REPORT: report }, output: "ignore", ...extra });
  const kernelKB = (() => {
    try {
      return readFileSync(report, "utf8").trim().split(/\s+/).map(Number);
    } catch {
      return [];
    }
  })();
  const kernelMB = kernelKB.map((kb) => kb / 1024);
  // The figures for the issue note and the reader of a failure: measured tree peak against the kernel's.
  console.log(`${script}: probe ${result.peakMB} MB (cgroup ${result.cgroupPeakMB ?? "none"}), kernel ${kernelMB.map((x) => x.toFixed(1)).join(" + ")} MB, sampler ${result.samplerCpuPercent}% of a core`);
  return { result, kernelMB };
}

const within = (measured: number, kernel: number, pct: number) => Math.abs(measured - kernel) / kernel <= pct / 100;

describe("probe", () => {
  it("measures a program that allocates in steps within 5 % of the kernel's peak", async () => {
    const { result, kernelMB } = await run("steps.py");
    expect(result.exitCode).toBe(0);
    expect(kernelMB).toHaveLength(1);
    expect(kernelMB[0]).toBeGreaterThan(300);
    expect(within(result.peakMB, kernelMB[0] as number, 5)).toBe(true);
    // Where a memory cgroup can be made (here: yes), the kernel's own tree peak agrees too.
    if (result.cgroupPeakMB !== undefined) expect(within(result.cgroupPeakMB, kernelMB[0] as number, 5)).toBe(true);
    // The timeline climbs in steps: an early sample well below the peak.
    expect(result.samples.some((s) => s.totalMB < result.peakMB / 2)).toBe(true);
  });

  it("sums a forking server's parent and workers", async () => {
    const { result, kernelMB } = await run("forking.py");
    const [self, child] = kernelMB as [number, number];
    // Parent plus two workers, each worker's peak as the kernel counts it (RSS includes the pages it shares).
    const kernelTree = self + 2 * child;
    expect(result.processesSeen).toBe(3);
    expect(within(result.peakMB, kernelTree, 5)).toBe(true);
  });

  it("counts a spawned subprocess (seed 004's python -m kokoro) and names it as the holder", async () => {
    const { result, kernelMB } = await run("spawner.py");
    const [self, child] = kernelMB as [number, number];
    expect(result.processesSeen).toBe(2);
    expect(within(result.peakMB, self + child, 5)).toBe(true);
    expect(result.peakHolder?.rssMB).toBeGreaterThan(200);
  });

  it("measures a Flask app importing torch until it answers, names torch at the crossing, then stops it", async () => {
    const { result, kernelMB } = await run("flask_torch.py", { url: "/health", limitMB: 150 });
    expect(result.endedBy).toBe("healthy");
    // It goes over 150 MB while torch's libraries come in, and the probe says so.
    expect(result.crossedWhileLoading).toContain("torch");
    expect(result.timeToHealthySeconds).toBeGreaterThan(0);
    expect(kernelMB).toHaveLength(1);
    expect(kernelMB[0]).toBeGreaterThan(100);
    expect(within(result.peakMB, kernelMB[0] as number, 5)).toBe(true);
  }, 120_000);

  it("sends warm-up requests once healthy, so a per-request subprocess is measured", async () => {
    const idle = await run("lazy_tts.py", { url: "/health" });
    const warmed = await run("lazy_tts.py", { url: "/health", requests: [{ method: "POST", path: "/speak", body: "{}" }] });
    expect(warmed.result.requests).toEqual([{ method: "POST", path: "/speak", status: 200, seconds: expect.any(Number) }]);
    expect(warmed.result.processesSeen).toBeGreaterThan(idle.result.processesSeen);
    expect(warmed.result.peakMB - idle.result.peakMB).toBeGreaterThan(140);
  }, 60_000);

  it("kills the tree at the limit with --enforce and reports 137", async () => {
    const { result, kernelMB } = await run("spawner.py", { limitMB: 150, enforce: true });
    expect(result.killedByEnforce).toBe(true);
    expect(result.exitCode).toBe(137);
    expect(result.crossedLimitAtSeconds).toBeGreaterThan(0);
    // Killed before the program could report: the subprocess never finished.
    expect(kernelMB).toEqual([]);
    // Stopped near the limit, not after the whole 200 MB block plus a second of sleep.
    expect(result.durationSeconds).toBeLessThan(1.5);
  });

  it("only records a crossing without --enforce", async () => {
    const { result } = await run("steps.py", { limitMB: 120 });
    expect(result.killedByEnforce).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.crossedLimitAtSeconds).toBeDefined();
    expect(result.crossedLimitAtSeconds as number).toBeLessThan(result.peakAtSeconds);
  });

  it("reads a warm-up requests file and points at its first bad line", () => {
    expect(parseRequests("# warm up\nGET /\n\nPOST /predict {\"text\": \"bonjour\"}\n")).toEqual({
      requests: [{ method: "GET", path: "/" }, { method: "POST", path: "/predict", body: '{"text": "bonjour"}' }],
    });
    expect(parseRequests("GET /\nfetch the model\n")).toEqual({ badLine: 2, text: "fetch the model" });
  });

  it("reads memory sizes the way users write them", () => {
    expect(parseSizeMB("512M")).toBe(512);
    expect(parseSizeMB("1G")).toBe(1024);
    expect(parseSizeMB("2GiB")).toBe(2048);
    expect(parseSizeMB("768")).toBe(768);
    expect(parseSizeMB("lots")).toBeUndefined();
    expect(parseSizeMB("0")).toBeUndefined();
  });
});
