// What the probe's sampler costs: CPU of one core spent reading /proc, per sampling interval, on a
// program that allocates in steps and on a Flask app importing torch (Debian's python3). Run after
// `npm run build`: node bench/probe.mjs
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { probe } from "../dist/probe/probe.js";

const apps = path.resolve(new URL("../test/probe/apps", import.meta.url).pathname);
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-bench-probe-"));
const runs = [
  { script: "steps.py", url: undefined },
  { script: "forking.py", url: undefined },
  { script: "flask_torch.py", url: "/health" },
  // With a limit the sampler also reads the largest process's memory map (every 10th sample).
  { script: "flask_torch.py", url: "/health", limitMB: 150 },
];
console.log("program          interval  samples  peak MB  sampler % of a core");
for (const { script, url, limitMB } of runs) {
  for (const intervalMs of [10, 20, 50]) {
    const r = await probe({ command: ["/usr/bin/python3", path.join(apps, script)], url, limitMB, intervalMs, timeoutSeconds: 120, output: "ignore", env: { REPORT: path.join(tmp, "r") } });
    console.log(`${(limitMB ? `${script} ${limitMB}M` : script).padEnd(16)} ${String(intervalMs).padStart(5)} ms ${String(r.samples.length).padStart(8)} ${String(r.peakMB).padStart(8)} ${String(r.samplerCpuPercent).padStart(8)}`);
  }
}
rmSync(tmp, { recursive: true, force: true });
