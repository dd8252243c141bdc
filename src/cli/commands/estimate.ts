/** `shipfit estimate [DIR] [--json]`: image size, build time, RAM and cold start per service. */
import { UsageError } from "../../core/errors.js";
import { estimate } from "../../estimate/estimate.js";
import type { Figure, Footprint, ServiceFootprint } from "../../estimate/footprint.js";
import { parse, str } from "../args.js";
import { readMeasured } from "../measured.js";
import { paint, table } from "../output.js";
import type { Command } from "../command.js";
import { scanWithProgress } from "../scan-dir.js";

export const estimateCommand: Command = {
  name: "estimate",
  help: `Usage: shipfit estimate [DIR] [--json] [--measured FILE]

Scans DIR (default: the current folder) and estimates, for each service, before any deploy:
  image      uncompressed image size: base image + installed packages + system libraries
             + app files + model files baked in (and the size with CPU-only torch wheels)
  build      rough build time: download and install packages, apt, export the image
  ram        memory of the whole process tree at start, at its peak (model loading, per-request
             subprocesses) and settled (copy-on-write pages copied by forked workers over time):
             interpreter + imports + models loaded, times the worker model of its server
             (gunicorn -w N, --preload, uvicorn --workers, Celery prefork)
  cold start imports, model loads and first-start downloads before the app answers

Each figure is an interval (low / expected / high) with the parts it adds up from and their
sources (src/data/*.json: measured here, published, or a documented rule). Packages shipfit has no
facts for are counted with conservative defaults and listed.

Options:
  --json           print the Footprint as JSON
  --measured FILE  replace estimated RAM and cold-start figures with a probe result
                   (JSON: [{"service", "ramPeakMB", "ramStartMB", "coldStartSeconds", "source"}])
  --no-cache       parse every file again (see shipfit scan --help)
  -h, --help       show this help

Exit codes: 0 estimated; 2 DIR missing or unreadable, a bad --measured file, or bad arguments.`,
  async run(argv) {
    const args = parse(argv, { json: { type: "boolean" }, measured: { type: "string" }, "no-cache": { type: "boolean" } }, "estimate");
    if (args.positionals.length > 1) throw new UsageError("expected at most one DIR (see shipfit estimate --help)");
    const measuredFile = str(args, "measured");
    const measured = measuredFile ? readMeasured(measuredFile) : undefined;
    const model = await scanWithProgress(args.positionals[0] ?? ".", { cache: !args.values["no-cache"] });
    const footprint = estimate(model, measured ? { measured } : {});
    process.stdout.write(args.values.json ? `${JSON.stringify(footprint, null, 2)}\n` : renderEstimate(model.name, footprint));
    return 0;
  },
};

const mb = (n: number) => (n >= 1024 ? `${(n / 1024).toFixed(n >= 10240 ? 0 : 1)} GB` : `${Math.round(n)} MB`);
const secs = (n: number) => (n >= 90 ? `${(n / 60).toFixed(1)} min` : `${n.toFixed(n < 10 ? 1 : 0)} s`);

function range(f: Figure, fmt: (n: number) => string): string {
  const measured = f.origin === "measured" ? " (measured)" : "";
  return f.low === f.high ? `${fmt(f.expected)}${measured}` : `${fmt(f.expected)} (${fmt(f.low)}–${fmt(f.high)})${measured}`;
}

/** The largest parts first (models always shown: they are what users move out), the rest summed. */
function topParts(f: Figure, fmt: (n: number) => string, n = 5, service = ""): string {
  const sorted = [...f.parts].filter((p) => p.expected >= 0.5 || p.kind === "model").sort((a, b) => b.expected - a.expected);
  const shown = sorted.filter((p, i) => i < n || p.kind === "model" || p.kind === "subprocess");
  const rest = sorted.filter((p) => !shown.includes(p));
  const text = shown.map((p) => `${p.label.replace(`${service}: `, "")} ${fmt(p.expected)}${p.unknown ? " (unknown)" : ""}`);
  const restMB = rest.reduce((a, p) => a + p.expected, 0);
  return text.join(" + ") + (rest.length > 0 ? ` + ${rest.length} more ${fmt(restMB)}` : "");
}

function serviceBlock(s: ServiceFootprint): string {
  const rows: string[][] = [
    ["image", range(s.imageMB, mb), topParts(s.imageMB, mb)],
    ...(s.imageMBCpuTorch ? [["  CPU torch", range(s.imageMBCpuTorch, mb), `saves ${mb(s.imageMB.expected - s.imageMBCpuTorch.expected)} with the CPU wheel index`]] : []),
    ["build", range(s.buildSeconds, secs), topParts(s.buildSeconds, secs, 3)],
    ["ram start", range(s.ram.startMB, mb), topParts(s.ram.startMB, mb, 5, s.service)],
    ["ram peak", range(s.ram.peakMB, mb), `${s.ram.processes} process(es); ${topParts({ ...s.ram.peakMB, parts: s.ram.peakMB.parts.filter((p) => !s.ram.startMB.parts.some((q) => q.label === p.label)) }, mb, 2, s.service) || "as at start"}`],
    ["ram steady", range(s.ram.steadyMB, mb), ""],
    ["cold start", range(s.coldStartSeconds, secs), topParts(s.coldStartSeconds, secs, 3)],
  ];
  const unknown = s.unknownPackages.length ? `\n  ${paint("yellow", "no facts for")} ${s.unknownPackages.join(", ")} (conservative defaults used)` : "";
  return `${paint("bold", s.service)} (${s.kind})\n${table(rows.map((r) => ["  " + r[0], r[1] ?? "", paint("dim", r[2] ?? "")]))}${unknown}`;
}

/** The human summary of an estimate. */
export function renderEstimate(name: string, fp: Footprint): string {
  const out = [`${paint("bold", name)}: ${fp.services.length} service(s)`, ...fp.services.map(serviceBlock)];
  if (fp.notes.length) out.push(fp.notes.map((n) => paint("dim", `note: ${n}`)).join("\n"));
  return `${out.join("\n\n")}\n`;
}
