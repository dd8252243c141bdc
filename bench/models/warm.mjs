// Where a warm pull's time goes, in one fresh process: module imports, then the library calls the
// CLI makes (registry → manifest → pull → recordUse, or manifest file → pull), each timed, first call
// and median of the next N. Run by run.mjs; prints one JSON object on stdout.
//   node bench/models/warm.mjs '{"cacheDir":…,"store":…,"registry":…,"manifestFile":…,"runs":10}'
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const o = JSON.parse(process.argv[2]);
const dist = new URL("../../dist/", import.meta.url);
const ms = (t0) => performance.now() - t0;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const imports = {};
let t = performance.now();
const { pull } = await import(new URL("models/cache.js", dist));
imports["models/cache.js"] = ms(t);
t = performance.now();
const { openRegistry, openStore } = await import(new URL("models/config.js", dist));
imports["models/config.js"] = ms(t);
t = performance.now();
const { parseManifest } = await import(new URL("models/manifest.js", dist));
imports["models/manifest.js (zod)"] = ms(t);
t = performance.now();
// buildManifest lives in the CLI module: importing it loads everything that module imports.
const { buildManifest } = await import(new URL("cli/commands/models.js", dist));
imports["cli/commands/models.js"] = ms(t);

async function viaRegistry() {
  const p = {};
  let t0 = performance.now();
  const registry = await openRegistry(o.registry);
  p.openRegistry = ms(t0);
  t0 = performance.now();
  const manifest = await buildManifest(registry, o.store, []);
  p.buildManifest = ms(t0);
  const store = openStore(o.store);
  t0 = performance.now();
  const r = await pull(manifest.models, store, { cacheDir: o.cacheDir });
  p.pull = ms(t0);
  if (r.downloadedFiles !== 0) throw new Error(`warm pull downloaded ${r.downloadedFiles} file(s)`);
  t0 = performance.now();
  for (const m of r.models) await registry.recordUse(m.name);
  p.recordUse = ms(t0);
  t0 = performance.now();
  await registry.close();
  store.close?.();
  p.close = ms(t0);
  return p;
}

async function viaManifest() {
  const p = {};
  let t0 = performance.now();
  const manifest = parseManifest(readFileSync(o.manifestFile, "utf8"), o.manifestFile);
  p.parseManifest = ms(t0);
  const store = openStore(manifest.store);
  t0 = performance.now();
  const r = await pull(manifest.models, store, { cacheDir: o.cacheDir });
  p.pull = ms(t0);
  if (r.downloadedFiles !== 0) throw new Error(`warm pull downloaded ${r.downloadedFiles} file(s)`);
  store.close?.();
  return p;
}

function summarise(samples) {
  const first = samples[0];
  const rest = samples.slice(1);
  const out = {};
  for (const k of Object.keys(first)) out[k] = { first: first[k], median: median(rest.map((s) => s[k])) };
  out.total = { first: Object.values(first).reduce((a, b) => a + b, 0), median: median(rest.map((s) => Object.values(s).reduce((a, b) => a + b, 0))) };
  return out;
}

const reg = [];
const man = [];
for (let i = 0; i <= o.runs; i++) {
  reg.push(await viaRegistry());
  man.push(await viaManifest());
}
process.stdout.write(`${JSON.stringify({ imports, registry: summarise(reg), manifest: summarise(man) })}\n`);
