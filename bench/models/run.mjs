// `shipfit models push/pull` beside rclone and the AWS CLI, on the same local S3 server (s3rver in a
// child process), over 40 model folders shaped like seed 003 (≥ 1 GB of random bytes); then a warm
// pull (everything cached) and hashing throughput beside sha256sum. Prints figures, asserts nothing.
// Run after `npm run build`: node bench/models/run.mjs [--runs 3] [--files-per-model 1|3] …
// (see bench/models/README.md).
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values: opt } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "warm-runs": { type: "string", default: "10" },
    models: { type: "string", default: "40" },
    "model-mb": { type: "string", default: "27" },
    "files-per-model": { type: "string", default: "1" },
    tools: { type: "string", default: "shipfit,rclone,aws" },
    jobs: { type: "string" },
    skip: { type: "string", default: "" },
    keep: { type: "boolean", default: false },
    alt: { type: "string" },
  },
});
const RUNS = Number(opt.runs);
const WARM_RUNS = Number(opt["warm-runs"]);
const MODELS = Number(opt.models);
const MODEL_BYTES = Math.round(Number(opt["model-mb"]) * 1e6);
const FILES_PER_MODEL = Number(opt["files-per-model"]);
const TOOLS = opt.tools.split(",").filter(Boolean);
// --alt CHECKOUT: a second shipfit (another build of this repo, e.g. a git worktree with a change) in
// the same runs, as the tool "shipfit-alt".
if (opt.alt) TOOLS.push("shipfit-alt");
const SKIP = new Set(opt.skip.split(",").filter(Boolean)); // transfer, warm, hash

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const SHIPFIT = path.join(ROOT, "bin", "shipfit.js");
const RCLONE = "/usr/bin/rclone";
const AWS = "/usr/bin/aws"; // Debian's; the `aws` on PATH may be another install
const TIME = "/usr/bin/time";
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

const log = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : "-");
function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ")).join("\n");
}

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadAtStart = loadavg();
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-bench-models-"));
const proj = path.join(tmp, "proj");
const s3dir = path.join(tmp, "s3");
let server;
const cleanup = () => {
  if (server && server.exitCode === null) server.kill("SIGTERM");
  if (!opt.keep) rmSync(tmp, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

// ---------------------------------------------------------------------------------------------- data
// models/dataset1..N/model.joblib (seed 003's layout); with --files-per-model 3, beside it a
// feature_engineer.pkl and a metadata.json, as in seed 003.
let t0 = performance.now();
const files = [];
const buf = Buffer.allocUnsafe(MODEL_BYTES);
for (let i = 1; i <= MODELS; i++) {
  const dir = path.join(proj, "models", `dataset${i}`);
  mkdirSync(dir, { recursive: true });
  const meta = `${JSON.stringify({ framework: "xgboost", feature_columns: ["amount", "merchant", "hour", `f${i}`], metrics: { auc: 0.9 } })}\n`;
  const parts = FILES_PER_MODEL >= 3 ? [["model.joblib", MODEL_BYTES - 2_000_000 - meta.length], ["feature_engineer.pkl", 2_000_000], ["metadata.json", meta]] : FILES_PER_MODEL === 2 ? [["model.joblib", MODEL_BYTES - 2_000_000], ["feature_engineer.pkl", 2_000_000]] : [["model.joblib", MODEL_BYTES]];
  for (const [name, what] of parts) {
    const file = path.join(dir, name);
    writeFileSync(file, typeof what === "string" ? what : randomFillSync(buf, 0, what).subarray(0, what));
    files.push(file);
  }
}
const TOTAL = files.reduce((s, f) => s + statSync(f).size, 0);
const MB = TOTAL / 1e6;
log(`data: ${files.length} files in ${MODELS} model folders, ${(TOTAL / 1e9).toFixed(3)} GB, written in ${f1((performance.now() - t0) / 1000)} s (${tmp})`);

// ---------------------------------------------------------------------------------------- processes
/** Runs a command under /usr/bin/time; wall time from spawn to exit, the child's peak RSS and CPU. */
function timed(cmd, args, env) {
  const tf = path.join(tmp, "time.txt");
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const serverBefore = serverCpu();
    const child = spawn(TIME, ["-f", "%M %U %S", "-o", tf, cmd, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = (performance.now() - t) / 1000;
      const serverSec = serverCpu() - serverBefore;
      if (code !== 0) return reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${code}: ${err.trim().split("\n").slice(-5).join("\n")}`));
      const [rssKB, user, sys] = readFileSync(tf, "utf8").trim().split("\n").pop().split(" ").map(Number);
      resolve({ wall, rssMB: rssKB / 1024, cpu: user + sys, serverCpu: serverSec });
    });
  });
}

/** Wall time of a command spawned directly (no /usr/bin/time), in ms. */
function wallMs(cmd, args, env) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join("\n")}`);
  return ms;
}

function serverCpu() {
  if (!server?.pid) return 0;
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime
  } catch {
    return NaN;
  }
}

function sync() {
  spawnSync("sync");
}

function bytesUnder(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isFile()) n += statSync(path.join(d, e.name)).size;
    }
  };
  walk(dir);
  return n;
}

// ------------------------------------------------------------------------------------------- hashing
const hashRows = [];
if (!SKIP.has("hash")) {
  const { hashFile, mapLimit } = await import(path.join(ROOT, "dist/models/hash.js"));
  const variants = [
    ["shipfit hashFile, 1 file at a time", async () => { for (const f of files) await hashFile(f); }],
    ["shipfit hashFile, 4 at a time (push)", async () => { await mapLimit(files, 4, (f) => hashFile(f)); }],
    ["sha256sum, 1 process", async () => { wallMs("sha256sum", files); }],
    ["sha256sum, 2 processes (xargs -P2)", async () => {
      const half = Math.ceil(files.length / 2);
      await Promise.all([files.slice(0, half), files.slice(half)].map((part) => new Promise((res, rej) => spawn("sha256sum", part, { stdio: "ignore" }).on("close", (c) => (c === 0 ? res() : rej(new Error("sha256sum failed")))))));
    }],
  ];
  for (const f of files) readFileSync(f); // in the page cache for everyone
  for (const [name, fn] of variants) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await fn();
      times.push((performance.now() - t) / 1000);
    }
    const s = median(times);
    hashRows.push([name, f2(s), Math.round(MB / s)]);
    log(`hash: ${name}: ${f2(s)} s`);
  }
}

// --------------------------------------------------------------------------------------- S3 server
const BUCKET = (tool) => `bench-${tool}`;
mkdirSync(s3dir);
server = spawn(process.execPath, [path.join(ROOT, "bench/models/s3-server.mjs"), s3dir, ...TOOLS.map(BUCKET)], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
const { port } = JSON.parse(await new Promise((res, rej) => {
  createInterface({ input: server.stdout }).once("line", res);
  server.once("exit", (c) => rej(new Error(`s3rver exited ${c}`)));
}));
const endpoint = `http://127.0.0.1:${port}`;
const storeUrl = (prefix, tool = "shipfit") => `s3://${BUCKET(tool)}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&path_style=true&checksums=when_required`;

const baseEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
  // Defaults only: no profile of this machine changes a tool's settings.
  AWS_CONFIG_FILE: path.join(tmp, "no-aws-config"),
  AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, "no-aws-credentials"),
  SHIPFIT_CACHE_DIR: path.join(tmp, "scan-cache"),
};
writeFileSync(path.join(tmp, "rclone.conf"), "");
const rcloneEnv = {
  ...baseEnv,
  RCLONE_CONFIG: path.join(tmp, "rclone.conf"),
  RCLONE_CONFIG_BENCH_TYPE: "s3",
  RCLONE_CONFIG_BENCH_PROVIDER: "Other",
  RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: "S3RVER",
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: "S3RVER",
  RCLONE_CONFIG_BENCH_REGION: "us-east-1",
  RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
};
delete rcloneEnv.AWS_CA_BUNDLE; // rclone 1.60 refuses to start with it set
const jobs = opt.jobs ? ["--jobs", opt.jobs] : [];

const registry = (run, tool = "shipfit") => `sqlite:${path.join(tmp, `registry-${tool}-run${run}.db`)}`;
const shipfitCommands = (tool, bin) => ({
  push: (run) => [process.execPath, [bin, "models", "push", proj, "--store", storeUrl(`run${run}`, tool), "--registry", registry(run, tool), ...jobs], baseEnv],
  pull: (run, to) => [process.execPath, [bin, "models", "pull", "--dir", proj, "--to", to, "--store", storeUrl(`run${run}`, tool), "--registry", registry(run, tool), ...jobs], baseEnv],
});
const commands = {
  shipfit: shipfitCommands("shipfit", SHIPFIT),
  ...(opt.alt ? { "shipfit-alt": shipfitCommands("shipfit-alt", path.resolve(opt.alt, "bin", "shipfit.js")) } : {}),
  rclone: {
    push: (run) => [RCLONE, ["copy", path.join(proj, "models"), `bench:${BUCKET("rclone")}/run${run}`], rcloneEnv],
    pull: (run, to) => [RCLONE, ["copy", `bench:${BUCKET("rclone")}/run${run}`, to], rcloneEnv],
  },
  aws: {
    push: (run) => [AWS, ["--endpoint-url", endpoint, "s3", "cp", "--recursive", "--only-show-errors", path.join(proj, "models"), `s3://${BUCKET("aws")}/run${run}`], baseEnv],
    pull: (run, to) => [AWS, ["--endpoint-url", endpoint, "s3", "cp", "--recursive", "--only-show-errors", `s3://${BUCKET("aws")}/run${run}`, to], baseEnv],
  },
};

const results = Object.fromEntries(TOOLS.map((t) => [t, { push: [], pull: [] }]));
const order = (run) => TOOLS.map((_, i) => TOOLS[(i + run - 1) % TOOLS.length]); // who goes first rotates

if (!SKIP.has("transfer")) {
  for (let run = 1; run <= RUNS; run++) {
    for (const tool of order(run)) {
      sync();
      const [cmd, args, env] = commands[tool].push(run);
      const r = await timed(cmd, args, env);
      results[tool].push.push(r);
      log(`push ${tool} run ${run}: ${f2(r.wall)} s, ${Math.round(MB / r.wall)} MB/s, RSS ${Math.round(r.rssMB)} MB, CPU ${f2(r.cpu)} s, server CPU ${f2(r.serverCpu)} s`);
      // Earlier runs' objects are never read again: off the disk (s3rver keeps objects as files).
      if (run > 1) rmSync(path.join(s3dir, BUCKET(tool), `run${run - 1}`), { recursive: true, force: true });
    }
  }
  for (let run = 1; run <= RUNS; run++) {
    for (const tool of order(run)) {
      const to = path.join(tmp, `pull-${tool}-${run}`);
      sync();
      const [cmd, args, env] = commands[tool].pull(RUNS, to);
      const r = await timed(cmd, args, env);
      const got = tool.startsWith("shipfit") ? bytesUnder(path.join(to, "objects")) : bytesUnder(to);
      if (got !== TOTAL) throw new Error(`${tool} pull run ${run}: ${got} bytes arrived, ${TOTAL} expected`);
      results[tool].pull.push(r);
      log(`pull ${tool} run ${run}: ${f2(r.wall)} s, ${Math.round(MB / r.wall)} MB/s, RSS ${Math.round(r.rssMB)} MB, CPU ${f2(r.cpu)} s, server CPU ${f2(r.serverCpu)} s`);
      // The last shipfit pull stays: it is the warm cache below.
      if (!(tool === "shipfit" && run === RUNS)) rmSync(to, { recursive: true, force: true });
    }
  }
}

// ----------------------------------------------------------------------------------------- warm pull
const warm = {};
if (!SKIP.has("warm") && TOOLS.includes("shipfit")) {
  const run = SKIP.has("transfer") ? 1 : RUNS;
  const cache = path.join(tmp, `pull-shipfit-${run}`);
  if (SKIP.has("transfer")) {
    await timed(...commands.shipfit.push(run));
    await timed(...commands.shipfit.pull(run, cache));
  }
  const manifestFile = path.join(tmp, "models.manifest.json");
  wallMs(process.execPath, [SHIPFIT, "models", "manifest", "--dir", proj, "--store", storeUrl(`run${run}`), "--registry", registry(run), "--out", manifestFile], baseEnv);
  const cli = {
    "node -e 0 (Node's own start)": [process.execPath, ["-e", "0"]],
    "shipfit --version": [process.execPath, [SHIPFIT, "--version"]],
    "shipfit models pull --help (CLI module loaded)": [process.execPath, [SHIPFIT, "models", "pull", "--help"]],
    "shipfit models pull, SQLite registry": commands.shipfit.pull(run, cache),
    "shipfit models pull --manifest FILE": [process.execPath, [SHIPFIT, "models", "pull", "--dir", proj, "--to", cache, "--manifest", manifestFile], baseEnv],
  };
  for (const [name, [cmd, args]] of Object.entries(cli)) {
    wallMs(cmd, args, baseEnv); // warm-up: page cache, scan cache
    const times = Array.from({ length: WARM_RUNS }, () => wallMs(cmd, args, baseEnv));
    warm[name] = { median: median(times), min: Math.min(...times), max: Math.max(...times) };
    log(`warm: ${name}: median ${f1(warm[name].median)} ms`);
  }
  const r = spawnSync(process.execPath, [path.join(ROOT, "bench/models/warm.mjs"), JSON.stringify({ cacheDir: cache, store: storeUrl(`run${run}`), registry: registry(run), manifestFile, runs: WARM_RUNS })], { env: baseEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`warm.mjs failed: ${r.stderr}`);
  warm.inProcess = JSON.parse(r.stdout);
}

server.kill("SIGTERM");
await new Promise((res) => (server.exitCode !== null ? res() : server.once("exit", res)));

// ---------------------------------------------------------------------------------------------- report
const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
const versions = {
  node: process.version,
  rclone: spawnSync(RCLONE, ["version"], { env: rcloneEnv, encoding: "utf8" }).stdout.split("\n")[0],
  aws: spawnSync(AWS, ["--version"], { encoding: "utf8" }).stdout.trim().split(" ")[0],
  s3rver: JSON.parse(readFileSync(path.join(ROOT, "node_modules/s3rver/package.json"), "utf8")).version,
};
console.log(`shipfit models bench — ${files.length} files in ${MODELS} model folders, ${(TOTAL / 1e9).toFixed(3)} GB (${MB.toFixed(0)} MB), random bytes`);
console.log(`${os.cpus().length} cores (${(/model name\s*:\s*(.*)/.exec(cpuinfo) ?? [])[1] ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; every tool shares them with s3rver ${versions.s3rver} (a child Node process, objects as files on the same disk)`);
console.log(`load average at start ${loadAtStart}, at end ${loadavg()} (anything else running on the 2 cores shows up in every figure)`);
console.log(`Node ${versions.node}, ${versions.rclone}, ${versions.aws}; defaults for every tool${opt.jobs ? ` except shipfit --jobs ${opt.jobs}` : ""}; median of ${RUNS} runs, fresh prefix / target each run${opt.alt ? `; shipfit-alt = ${path.resolve(opt.alt)} (${spawnSync("git", ["-C", opt.alt, "describe", "--always", "--dirty"], { encoding: "utf8" }).stdout.trim() || "?"})` : ""}`);

if (!SKIP.has("transfer")) {
  for (const op of ["push", "pull"]) {
    const rows = [["tool", "median s", "MB/s", "min s", "max s", "peak RSS MB", "tool CPU s", "s3rver CPU s"]];
    for (const tool of TOOLS) {
      const rs = results[tool][op];
      const w = median(rs.map((r) => r.wall));
      rows.push([tool, f2(w), Math.round(MB / w), f2(Math.min(...rs.map((r) => r.wall))), f2(Math.max(...rs.map((r) => r.wall))), Math.round(Math.max(...rs.map((r) => r.rssMB))), f2(median(rs.map((r) => r.cpu))), f2(median(rs.map((r) => r.serverCpu)))]);
    }
    console.log(`\n${op} (${op === "push" ? "local folder → S3" : "S3 → empty local folder; shipfit: into an empty cache, hashed and fsynced"})\n${table(rows)}`);
  }
}

if (warm.inProcess) {
  const rows = [["warm pull (all cached), CLI", "median ms", "min ms", "max ms"]];
  for (const [name, w] of Object.entries(warm)) if (name !== "inProcess") rows.push([name, f1(w.median), f1(w.min), f1(w.max)]);
  console.log(`\n${table(rows)}`);
  const ip = warm.inProcess;
  const rows2 = [["in-process (one fresh node)", "first ms", `median ms (next ${WARM_RUNS})`]];
  for (const [k, v] of Object.entries(ip.imports)) rows2.push([`import ${k}`, f1(v), "-"]);
  for (const [k, v] of Object.entries(ip.registry)) rows2.push([`registry: ${k}`, f1(v.first), f1(v.median)]);
  for (const [k, v] of Object.entries(ip.manifest)) rows2.push([`manifest file: ${k}`, f1(v.first), f1(v.median)]);
  console.log(`\n${table(rows2)}`);
}

if (hashRows.length) console.log(`\nhashing ${MB.toFixed(0)} MB (page cache warm)\n${table([["sha256", "median s", "MB/s"], ...hashRows])}`);
