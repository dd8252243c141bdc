/** `shipfit probe [--limit SIZE | --plan ID] [--url PATH] [--enforce] -- COMMAND...`: the real memory, measured here. */
import { readFileSync } from "node:fs";
import { loadCatalog } from "../../catalog/load.js";
import { writeFileAtomic } from "../../core/atomic.js";
import { InputError, UsageError } from "../../core/errors.js";
import { timelineSvg } from "../../probe/chart.js";
import { probe, type ProbeResult, type WarmupRequest } from "../../probe/probe.js";
import { parseRequests } from "../../probe/requests.js";
import { procAvailable } from "../../probe/proc-tree.js";
import { parseSizeMB, planLimitMB, planVerdicts, type PlanVerdict } from "../../probe/verdict.js";
import { parse, str } from "../args.js";
import type { Command } from "../command.js";
import { paint, progress } from "../output.js";

export const probeCommand: Command = {
  name: "probe",
  help: `Usage: shipfit probe [--limit SIZE | --plan ID] [--url PATH] [--enforce] [--timeout S] [--json] -- COMMAND...

Starts COMMAND here with PORT set to a free port ('$PORT' in quotes in COMMAND is replaced by it, as
in a Procfile line) and samples the resident memory (RSS) of its whole
process tree — the parent, forked workers, spawned subprocesses — every --interval milliseconds from
/proc, with each process's kernel high-water mark (VmHWM) as a cross-check. Then says which plans of
the catalog the measured peak fits, and with --limit or --plan whether and when it crossed that limit.

The run ends when COMMAND exits, when --url answers (below HTTP 500) and the --requests are done
(the tree is then stopped with SIGTERM, SIGKILL after 5 s), or after --timeout seconds.

Options:
  --limit SIZE      a memory limit: 512M, 1G, 2GiB, 768 (MB)
  --plan ID         the RAM limit of a catalog plan, e.g. railway:free, render:free (shipfit catalog)
  --enforce         kill the tree with SIGKILL when it crosses the limit, as the platform's OOM killer
                    would, and exit 137
  --url PATH        wait until http://127.0.0.1:$PORT/PATH answers; report the time to healthy
  --requests FILE   once --url answers, send these warm-up requests in order (one per line:
                    METHOD /path [body]; a body starting with { is sent as JSON), so lazily loaded
                    models and per-request subprocesses are measured too
  --timeout S       stop after S seconds (default 120)
  --interval MS     sampling interval (default 20)
  --env K=V         extra environment for COMMAND, repeatable (e.g. --env OMP_NUM_THREADS=1)
  --svg FILE        write the memory timeline as an SVG chart
  --catalog FILE    platforms that replace or add to the catalog, for --plan and the verdicts
  --service NAME    the service this command runs (default web): the JSON's "measured" block names it,
                    for shipfit estimate / plan --measured FILE
  --json            print the result (with the timeline) as JSON
  -h, --help        show this help

Linux only (it reads /proc). Where the OS lets shipfit make a memory cgroup, COMMAND runs in one and
the kernel's own peak for the whole tree is shown beside the sampled one: it counts shared pages once
and page cache too. The sampled RSS counts pages shared between forked workers once per worker, so
it is an upper bound for preloaded workers.

Exit codes: 0 measured, within the limit; 1 the limit was crossed, or COMMAND failed on its own;
137 killed by --enforce;
2 bad arguments, unknown plan, or no /proc.`,
  async run(argv) {
    const dash = argv.indexOf("--");
    const own = dash === -1 ? argv : argv.slice(0, dash);
    const command = dash === -1 ? [] : argv.slice(dash + 1);
    const args = parse(
      own,
      {
        limit: { type: "string" }, plan: { type: "string" }, enforce: { type: "boolean" }, url: { type: "string" },
        timeout: { type: "string" }, interval: { type: "string" }, env: { type: "string", multiple: true },
        svg: { type: "string" }, json: { type: "boolean" }, catalog: { type: "string" }, service: { type: "string" }, requests: { type: "string" },
      },
      "probe",
    );
    if (args.positionals.length > 0 || command.length === 0) throw new UsageError("give the command after --, e.g. shipfit probe --plan railway:free -- python app.py");
    if (!procAvailable()) throw new UsageError("probe reads /proc, which this OS does not have (Linux only)");
    const catalog = loadCatalog(str(args, "catalog"));
    const limitText = str(args, "limit");
    const planId = str(args, "plan");
    if (limitText && planId) throw new UsageError("give --limit or --plan, not both");
    let limitMB: number | undefined;
    if (limitText) {
      limitMB = parseSizeMB(limitText);
      if (limitMB === undefined) throw new UsageError(`--limit ${limitText}: not a size (try 512M or 1G)`);
    }
    if (planId) {
      limitMB = planLimitMB(planId, catalog);
      if (limitMB === undefined) throw new UsageError(`--plan ${planId}: no such plan in the catalog (see shipfit catalog)`);
    }
    if (args.values.enforce && limitMB === undefined) throw new UsageError("--enforce needs --limit or --plan");
    const timeoutSeconds = positive(str(args, "timeout") ?? "120", "--timeout");
    const intervalMs = positive(str(args, "interval") ?? "20", "--interval");
    const env: Record<string, string> = {};
    for (const kv of (args.values.env as string[] | undefined) ?? []) {
      const i = kv.indexOf("=");
      if (i <= 0) throw new UsageError(`--env ${kv}: expected NAME=VALUE`);
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }

    const requestsFile = str(args, "requests");
    let requests: WarmupRequest[] = [];
    if (requestsFile) {
      if (!str(args, "url")) throw new UsageError("--requests needs --url: they are sent once the app answers");
      let text: string;
      try {
        text = readFileSync(requestsFile, "utf8");
      } catch {
        throw new InputError(`${requestsFile}: cannot read`);
      }
      const parsed = parseRequests(text);
      if ("badLine" in parsed) throw new InputError(`${requestsFile}:${parsed.badLine}: expected METHOD /path [body], got "${parsed.text}"`);
      requests = parsed.requests;
    }

    const bar = progress("probe");
    let result: ProbeResult;
    try {
      result = await probe({
        command, output: args.values.json ? "stderr" : "inherit", limitMB, enforce: !!args.values.enforce, url: str(args, "url"), requests, timeoutSeconds, intervalMs, env,
        onSample: (s) => bar.update(`${s.t.toFixed(1)} s  ${Math.round(s.totalMB)} MB  ${s.processes} process(es)`),
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === "ENOENT") throw new UsageError(`${command[0]}: command not found`);
      throw error;
    } finally {
      bar.done();
    }
    const verdicts = planVerdicts(result.peakMB, catalog);
    const svg = str(args, "svg");
    if (svg) {
      try {
        writeFileAtomic(svg, timelineSvg(result));
      } catch (error) {
        throw new InputError(`--svg ${svg}: cannot write (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
    }
    // The block estimate/plan --measured read: the probe's figures replace the estimate's for this service.
    const measured = {
      service: str(args, "service") ?? "web",
      ramPeakMB: result.peakMB,
      ...(result.timeToHealthySeconds !== undefined ? { coldStartSeconds: result.timeToHealthySeconds } : {}),
      source: `shipfit probe ${new Date().toISOString().slice(0, 10)}: ${command.join(" ")}`,
    };
    if (args.values.json) process.stdout.write(`${JSON.stringify({ ...result, plan: planId, verdicts, measured }, null, 2)}\n`);
    else process.stdout.write(render(result, verdicts, planId));
    if (result.killedByEnforce) return 137;
    const failed = result.endedBy === "exit" && result.exitCode !== 0;
    return result.crossedLimitAtSeconds !== undefined || failed ? 1 : 0;
  },
};

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${text}: expected a positive number`);
  return n;
}

function render(r: ProbeResult, verdicts: PlanVerdict[], planId: string | undefined): string {
  const out: string[] = [];
  const holder = r.peakHolder ? ` (largest process: ${r.peakHolder.name} pid ${r.peakHolder.pid}, ${Math.round(r.peakHolder.rssMB)} MB)` : "";
  out.push(`${paint("bold", "peak memory")}  ${Math.round(r.peakMB)} MB at ${r.peakAtSeconds} s${holder}`);
  out.push(`processes     ${r.processesSeen} seen; largest single high-water mark ${Math.round(r.maxProcessHwmMB)} MB`);
  if (r.cgroupPeakMB !== undefined) out.push(`kernel        the tree's cgroup peaked at ${Math.round(r.cgroupPeakMB)} MB (shared pages once, page cache included)`);
  if (r.timeToHealthySeconds !== undefined) out.push(`healthy after ${r.timeToHealthySeconds} s`);
  for (const q of r.requests) out.push(`warm-up       ${q.method} ${q.path} → ${q.status || "no answer"} in ${q.seconds} s`);
  const ended = r.endedBy === "exit" ? `exited with ${r.exitCode}${r.signal ? ` (${r.signal})` : ""}` : r.endedBy === "healthy" ? "stopped once healthy" : r.endedBy === "timeout" ? "stopped at the timeout" : "killed at the limit (SIGKILL, 137)";
  out.push(`ended         ${ended} after ${r.durationSeconds} s; sampler used ${r.samplerCpuPercent}% of a core`);
  if (r.limitMB !== undefined) {
    const name = planId ? `${planId}'s` : "the";
    out.push(
      r.crossedLimitAtSeconds !== undefined
        ? paint("red", `exceeds ${name} ${Math.round(r.limitMB)} MB limit at t = ${r.crossedLimitAtSeconds} s${r.crossedWhileLoading ? `, while loading ${r.crossedWhileLoading.join(", ")}` : ""}${r.killedByEnforce ? ": killed there, as the platform would" : ""}`)
        : paint("green", `stays under ${name} ${Math.round(r.limitMB)} MB limit (${Math.round(r.limitMB - r.peakMB)} MB to spare)`),
    );
  }
  const fitting = verdicts.filter((v) => v.fits).slice(0, 6).map((v) => `${v.plan} (${v.ramMB} MB)`);
  const over = verdicts.filter((v) => !v.fits).map((v) => v.plan);
  if (over.length) out.push(`too small     ${over.length} plan(s): ${over.slice(0, 8).join(", ")}${over.length > 8 ? ", …" : ""}`);
  if (fitting.length) out.push(`smallest that hold the peak  ${fitting.join(", ")}`);
  out.push(paint("dim", "no headroom included: shipfit plan adds it to the estimate; a platform kills at its limit"));
  return `${out.join("\n")}\n`;
}
