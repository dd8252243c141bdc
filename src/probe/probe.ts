/**
 * Runs a command here and measures what a platform's memory limit would see: the resident memory of
 * the whole process tree (parent, forked workers, spawned subprocesses), sampled at a fine interval,
 * with each process's kernel high-water mark as a cross-check. Optionally waits for the app to answer
 * on a URL, and with `enforce` kills the tree when it crosses the limit, as an OOM killer would.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { makeCgroup } from "./cgroup.js";
import { mappedPackages, sampleTree, type ProcessMemory } from "./proc-tree.js";

export interface ProbeOptions {
  command: string[];
  /** Memory limit in MB the verdicts and `enforce` use. */
  limitMB?: number;
  /** Kill the tree (SIGKILL) the moment it crosses limitMB. */
  enforce?: boolean;
  /** Path to poll on 127.0.0.1:$PORT until it answers below 500; the probe then stops the app. */
  url?: string;
  /** Warm-up requests sent in order once the app answers, before it is stopped (loads lazy models). */
  requests?: WarmupRequest[];
  /** Give up (and stop the tree) after this many seconds. */
  timeoutSeconds: number;
  intervalMs: number;
  env?: Record<string, string>;
  /** Where COMMAND's output goes: the terminal, standard error (so --json stays clean), or nowhere. */
  output?: "inherit" | "stderr" | "ignore";
  /** Also run COMMAND in a memory cgroup of its own when the OS allows, for the kernel's tree peak (default true). */
  cgroup?: boolean;
  /** Called on every sample, for progress. */
  onSample?: (s: Sample) => void;
}

export interface WarmupRequest {
  method: string;
  path: string;
  body?: string;
}

export interface Sample {
  /** Seconds since start. */
  t: number;
  totalMB: number;
  processes: number;
}

export interface ProbeResult {
  command: string[];
  port: number;
  /** Highest sampled sum of RSS over the tree, MB. */
  peakMB: number;
  peakAtSeconds: number;
  /** The process holding the most memory at the peak. */
  peakHolder?: { pid: number; name: string; rssMB: number };
  /**
   * The kernel's own peak for the whole tree from a memory cgroup made for the run (counts page cache
   * too, as a platform's limit does); absent when no cgroup could be made here.
   */
  cgroupPeakMB?: number;
  /** Largest kernel high-water mark of any single process seen (a lower bound on the tree's peak). */
  maxProcessHwmMB: number;
  processesSeen: number;
  timeToHealthySeconds?: number;
  /** The warm-up requests: HTTP status (0 when no answer) and seconds each took. */
  requests: { method: string; path: string; status: number; seconds: number }[];
  limitMB?: number;
  /** When the tree first went over limitMB, seconds since start. */
  crossedLimitAtSeconds?: number;
  /** Python packages whose native libraries the largest process mapped shortly before the crossing (e.g. torch). */
  crossedWhileLoading?: string[];
  killedByEnforce: boolean;
  /** How the command ended: its exit code, or 137 when killed with SIGKILL. */
  exitCode: number | null;
  signal: string | null;
  endedBy: "exit" | "healthy" | "timeout" | "enforce";
  durationSeconds: number;
  /** CPU the sampling itself used (reading /proc), percent of one core over the run. */
  samplerCpuPercent: number;
  samples: Sample[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function probe(opts: ProbeOptions): Promise<ProbeResult> {
  const port = await freePort();
  // No shell runs COMMAND: a quoted '$PORT' (as in a Procfile) is filled in here.
  const [cmd, ...args] = opts.command.map((a) => a.replace(/\$\{PORT\}|\$PORT\b/g, String(port)));
  if (!cmd) throw new Error("probe: empty command");
  const out = opts.output ?? "inherit";
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  if (!findCommand(cmd)) throw Object.assign(new Error(`${cmd}: command not found`), { code: "ENOENT" });
  const group = opts.cgroup === false ? undefined : makeCgroup();
  // The shell joins the group before exec'ing COMMAND, so not one fork escapes it; same pid after exec.
  // Should joining fail, COMMAND still runs: the /proc sampling does not depend on the group.
  const [file, argv] = group ? ["/bin/sh", ["-c", 'echo $$ 2>/dev/null > "$0"; exec "$@"', group.procsFile, cmd, ...args]] : [cmd, args];
  // detached: the child leads its own process group, so the whole tree can be signalled at once.
  const child = spawn(file, argv, { env: { ...process.env, PORT: String(port), ...opts.env }, stdio: ["ignore", out === "stderr" ? 2 : out, out === "stderr" ? 2 : out], detached: true });
  const rootPid = child.pid;

  let exitCode: number | null = null;
  let signal: string | null = null;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, sig) => {
      exitCode = code;
      signal = sig;
      resolve();
    });
    child.on("error", (e) => {
      spawnError = e;
      resolve();
    });
  });
  let running = true;
  void exited.then(() => (running = false));

  const samples: Sample[] = [];
  let peakMB = 0;
  let peakAt = 0;
  let peakHolder: ProbeResult["peakHolder"];
  let maxHwm = 0;
  const pidsSeen = new Set<number>();
  let crossedAt: number | undefined;
  // An object, not a let: the timers and the health loop change it, and TypeScript must not narrow it.
  const end: { by: ProbeResult["endedBy"] } = { by: "exit" };
  let lastTree: number[] = [];
  // What the largest process was loading: packages first seen in its memory map, with when.
  const firstMapped = new Map<string, number>();
  let crossedWhile: string[] | undefined;
  let sampleNo = 0;
  let healthyAt: number | undefined;
  const warmups: ProbeResult["requests"] = [];

  const killTree = (sig: NodeJS.Signals) => {
    if (rootPid === undefined) return;
    try {
      process.kill(-rootPid, sig);
    } catch {
      /* group already gone */
    }
    // Processes that left the group (setsid) are still in the last sampled tree.
    for (const pid of lastTree) {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };

  let samplerMicros = 0;
  const sampleOnce = () => {
    if (rootPid === undefined || !running) return;
    const before = process.cpuUsage();
    try {
      takeSample();
    } finally {
      const d = process.cpuUsage(before);
      samplerMicros += d.user + d.system;
    }
  };
  const takeSample = () => {
    if (rootPid === undefined) return;
    const procs: ProcessMemory[] = sampleTree(rootPid);
    if (procs.length === 0) return;
    lastTree = procs.map((p) => p.pid);
    const t = elapsed();
    let total = 0;
    let top: ProcessMemory | undefined;
    for (const p of procs) {
      total += p.rssMB;
      pidsSeen.add(p.pid);
      if (p.hwmMB > maxHwm) maxHwm = p.hwmMB;
      if (!top || p.rssMB > top.rssMB) top = p;
    }
    const s = { t: round2(t), totalMB: round(total), processes: procs.length };
    samples.push(s);
    opts.onSample?.(s);
    if (total > peakMB) {
      peakMB = total;
      peakAt = t;
      peakHolder = top && { pid: top.pid, name: top.name, rssMB: round(top.rssMB) };
    }
    // Reading a torch process's map costs about as much as a whole sample: every 10th sample only.
    if (opts.limitMB !== undefined && crossedAt === undefined && top && sampleNo++ % 10 === 0) {
      for (const pkg of mappedPackages(top.pid)) if (!firstMapped.has(pkg)) firstMapped.set(pkg, t);
    }
    if (opts.limitMB !== undefined && crossedAt === undefined && total > opts.limitMB) {
      crossedAt = t;
      if (top) for (const pkg of mappedPackages(top.pid)) if (!firstMapped.has(pkg)) firstMapped.set(pkg, t);
      const recent = [...firstMapped].filter(([, at]) => at >= t - 2).sort((a, b) => b[1] - a[1]).map(([pkg]) => pkg);
      if (recent.length > 0) crossedWhile = recent;
      if (opts.enforce) {
        end.by = "enforce";
        killTree("SIGKILL");
      }
    }
  };

  const timer = setInterval(sampleOnce, opts.intervalMs);
  sampleOnce();

  const deadline = setTimeout(() => {
    if (!running) return;
    end.by = "timeout";
    void stop();
  }, opts.timeoutSeconds * 1000);

  async function stop(): Promise<void> {
    killTree("SIGTERM");
    const grace = new Promise<void>((r) => setTimeout(r, 5000).unref());
    await Promise.race([exited, grace]);
    if (running) killTree("SIGKILL");
  }

  if (opts.url && rootPid !== undefined) {
    const target = `http://127.0.0.1:${port}${opts.url.startsWith("/") ? opts.url : `/${opts.url}`}`;
    while (running && end.by !== "timeout") {
      try {
        const res = await fetch(target, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status < 500) {
          healthyAt = elapsed();
          break;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = `http://127.0.0.1:${port}`;
    for (const req of opts.requests ?? []) {
      if (healthyAt === undefined || !running) break;
      const t0 = elapsed();
      let status = 0;
      try {
        const res = await fetch(`${base}${req.path.startsWith("/") ? req.path : `/${req.path}`}`, {
          method: req.method,
          ...(req.body !== undefined ? { body: req.body, headers: { "content-type": req.body.trimStart().startsWith("{") ? "application/json" : "text/plain" } } : {}),
          signal: AbortSignal.timeout(Math.round(Math.max(1, opts.timeoutSeconds - t0) * 1000)),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        /* killed, timed out or refused: status 0 */
      }
      warmups.push({ method: req.method, path: req.path, status, seconds: round2(elapsed() - t0) });
    }
    if (healthyAt !== undefined && running) {
      // A few more samples after the first answer: memory often keeps growing as lazy models load.
      await new Promise((r) => setTimeout(r, 500));
      end.by = "healthy";
      await stop();
    }
  }

  await exited;
  clearInterval(timer);
  clearTimeout(deadline);
  const cgroupPeak = group?.peakMB();
  group?.remove();
  if (spawnError) throw spawnError;
  const duration = elapsed();
  const code = exitCode ?? (signal === "SIGKILL" ? 137 : signal ? 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0) : null);
  return {
    command: opts.command,
    port,
    peakMB: round(peakMB),
    peakAtSeconds: round2(peakAt),
    peakHolder,
    ...(cgroupPeak !== undefined && cgroupPeak > 0 ? { cgroupPeakMB: round(cgroupPeak) } : {}),
    maxProcessHwmMB: round(maxHwm),
    processesSeen: pidsSeen.size,
    timeToHealthySeconds: healthyAt === undefined ? undefined : round2(healthyAt),
    requests: warmups,
    limitMB: opts.limitMB,
    crossedLimitAtSeconds: crossedAt === undefined ? undefined : round2(crossedAt),
    ...(crossedWhile ? { crossedWhileLoading: crossedWhile } : {}),
    killedByEnforce: end.by === "enforce",
    exitCode: code,
    signal,
    endedBy: end.by,
    durationSeconds: round2(duration),
    samplerCpuPercent: Math.round((samplerMicros / 1e6 / Math.max(duration, 1e-3)) * 10000) / 100,
    samples,
  };
}

/** Whether COMMAND can be run: a path that exists, or a name found executable on PATH. */
function findCommand(cmd: string): boolean {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (cmd.includes("/")) return executable(cmd);
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && executable(path.join(dir, cmd)));
}
