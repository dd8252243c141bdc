#!/usr/bin/env node
/**
 * bench/scan: builds a synthetic monorepo of >= 100,000 files (most under node_modules, .venv, .git
 * and .gitignored folders, plus a multi-GB sparse model file), then prints the scan's wall time and
 * peak RSS beside `find DIR -type f | wc -l` on the same tree. Targets (issue 2): scan <= 1.5x the
 * find time, <= 150 MB peak RSS. Prints figures; asserts nothing.
 *
 *   npm run build && node bench/scan.mjs [--files N] [--runs R] [--keep]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { files: { type: "string", default: "110000" }, runs: { type: "string", default: "5" }, keep: { type: "boolean" } },
});
const TARGET = Number(values.files);
const RUNS = Number(values.runs);
const root = mkdtempSync(path.join(os.tmpdir(), "shipfit-bench-scan-"));
const repo = path.join(root, "monorepo");
let count = 0;

function file(rel, text = "") {
  const abs = path.join(repo, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  count++;
}

/** Many small files under `dir`, spread over `perDir`-file folders like real package trees. */
function bulk(dir, n, ext, perDir = 40) {
  for (let i = 0; i < n; i++) {
    const d = `${dir}/pkg${Math.floor(i / perDir / 25)}/sub${Math.floor(i / perDir) % 25}`;
    if (i % perDir === 0) mkdirSync(path.join(repo, d), { recursive: true });
    writeFileSync(path.join(repo, d, `f${i}${ext}`), "x");
    count++;
  }
}

console.log(`building synthetic monorepo in ${repo} …`);
const t0 = Date.now();
// The app: a FastAPI backend, a Celery worker, a Next.js front end, shared Python packages.
file(".gitignore", "data/cache/\n*.log\nartifacts/\n");
file("Procfile", "web: cd backend && gunicorn -w 2 -k uvicorn.workers.UvicornWorker app.main:app --bind 0.0.0.0:$PORT\nworker: cd backend && celery -A app.worker worker --concurrency=2\n");
file("backend/requirements.txt", "fastapi==0.115.0\nuvicorn[standard]\ngunicorn\ncelery[redis]==5.4.0\ntorch==2.6.0+cpu\n--extra-index-url https://download.pytorch.org/whl/cpu\ntransformers==4.47.1\npsycopg2-binary\n");
file("backend/app/main.py", 'import os\nfrom fastapi import FastAPI\nfrom transformers import pipeline\napp = FastAPI()\nclf = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")\n@app.get("/health")\ndef health():\n    return {"ok": True, "db": os.environ["DATABASE_URL"] != ""}\n');
file("backend/app/worker.py", 'import os\nfrom celery import Celery\ncelery_app = Celery("w", broker=os.environ.get("REDIS_URL", "redis://localhost:6379/0"))\n');
for (let i = 0; i < 400; i++) file(`backend/app/modules/m${i}.py`, `import os\nimport numpy as np\nVALUE_${i} = os.getenv("SETTING_${i % 20}", "x")\n\ndef f(x):\n    return np.asarray(x) * ${i}\n`);
file("frontend/package.json", JSON.stringify({ name: "web", private: true, scripts: { dev: "next dev", build: "next build", start: "next start -p $PORT" }, dependencies: { next: "14.2.5", react: "18.3.1", "react-dom": "18.3.1" } }, null, 2));
for (let i = 0; i < 400; i++) file(`frontend/app/page${i}/page.tsx`, `export default function P() { return <div>{process.env.NEXT_PUBLIC_API_URL} ${i}</div>; }\n`);
for (let i = 0; i < 300; i++) file(`docs/page${i}.md`, `# Page ${i}\n`);
for (let i = 0; i < 500; i++) file(`data/samples/s${i}.csv`, "a,b\n1,2\n");
// A multi-GB sparse model file: stat'ed and sniffed, never read.
mkdirSync(path.join(repo, "models"), { recursive: true });
const fd = openSync(path.join(repo, "models/model.safetensors"), "w");
ftruncateSync(fd, 6 * 1024 ** 3);
closeSync(fd);
count++;

const appFiles = count;
const rest = TARGET - appFiles;
bulk("frontend/node_modules", Math.floor(rest * 0.5), ".js");
bulk("backend/.venv/lib/python3.11/site-packages", Math.floor(rest * 0.22), ".py");
file("backend/.venv/pyvenv.cfg", "home = /usr/bin\n");
bulk(".git/objects", Math.floor(rest * 0.12), "");
bulk("data/cache", Math.floor(rest * 0.1), ".bin");
bulk("artifacts", rest - Math.floor(rest * 0.5) - Math.floor(rest * 0.22) - Math.floor(rest * 0.12) - Math.floor(rest * 0.1), ".log");
console.log(`built ${count} files (${appFiles} outside ignored folders) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timeIt(fn) {
  const start = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, out };
}

const here = path.dirname(new URL(import.meta.url).pathname);
const bin = path.join(here, "..", "bin", "shipfit.js");
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "shipfit-bench-cache-"));
const env = { ...process.env, SHIPFIT_CACHE_DIR: cacheDir };
// Age the tree past the cache's 2-second racy window, as any checkout older than a moment is.
execFileSync("sh", ["-c", `find ${JSON.stringify(repo)} -path '*/node_modules' -prune -o -path '*/.venv' -prune -o -path '*/.git' -prune -o -exec touch -d '1 minute ago' {} +`]);

/** One scan as a user runs it: the CLI process, JSON to a pipe; wall time and the process's peak RSS. */
function runScan(extra) {
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, bin, "scan", repo, "--json", ...extra], { encoding: "utf8", env, maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const model = JSON.parse(r.stdout);
  const rssMB = Number(r.stderr.trim().split("\n").pop()) / 1024;
  return { ms, rssMB, model };
}

// Warm the page cache once for both, so neither pays for cold disk reads.
execFileSync("sh", ["-c", `find ${JSON.stringify(repo)} -type f | wc -l`]);
runScan(["--no-cache"]);
runScan([]); // fills the facts cache

const findTimes = [];
const cold = [];
const warm = [];
let found = 0;
let last;
for (let r = 0; r < RUNS; r++) {
  const f = timeIt(() => execFileSync("sh", ["-c", `find ${JSON.stringify(repo)} -type f | wc -l`]).toString().trim());
  findTimes.push(f.ms);
  found = Number(f.out);
  cold.push(runScan(["--no-cache"]));
  last = runScan([]);
  warm.push(last);
}

const findMs = median(findTimes);
const row = (label, runs) => {
  const ms = median(runs.map((x) => x.ms));
  const rss = median(runs.map((x) => x.rssMB));
  console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / findMs).toFixed(2).padStart(5)}x find  peak RSS ${rss.toFixed(0)} MB (max ${Math.max(...runs.map((x) => x.rssMB)).toFixed(0)} MB)`);
};
const m = last.model;
console.log(`\nfiles in tree (find): ${found}`);
console.log(`files the scan kept:  ${m.stats.filesSeen} (${m.stats.filesRead} parsed; services ${m.services.length}; model files ${m.models.files.length})`);
console.log(`${"find -type f | wc -l".padEnd(34)} ${findMs.toFixed(0).padStart(5)} ms  (median of ${RUNS})`);
row("shipfit scan --no-cache (cold)", cold);
row("shipfit scan (facts cache warm)", warm);
console.log("targets: <= 1.5x the find time, <= 150 MB peak RSS");
rmSync(cacheDir, { recursive: true, force: true });
if (!values.keep) rmSync(root, { recursive: true, force: true });
else console.log(`kept ${repo}`);
