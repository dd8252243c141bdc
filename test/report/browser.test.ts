/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report in real Chromium: for each example app the page opens with no console error, its fit
 * matrix and cost bars agree with `shipfit plan --json`, every chart is there with a table behind it,
 * and a screenshot is saved (test-results/report/). A repository with hostile names proves nothing
 * from the scan is executed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanResult } from "../../src/plan/types.js";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
const shots = path.join(root, "test-results", "report");
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-report-"));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function shipfit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let browser: Browser;
beforeAll(async () => {
  expect(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`).toBe(true);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Opens a file, collecting console errors, page errors and dialogs (an executed payload would open one). */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) problems.push(`network: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  return { page, problems };
}

const EXAMPLES = ["ai-ko-backend", "feat-005", "fraud-automl", "kokoro-tts", "maintenance-procedures"];

describe.each(EXAMPLES)("report of examples/%s in Chromium", (example) => {
  it("matches plan --json, draws every chart with its table, logs no error, and is saved as a screenshot", async () => {
    const file = path.join(tmp, `${example}.html`);
    const r = shipfit("report", path.join("examples", example), "--out", file);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(shipfit("plan", path.join("examples", example), "--json").stdout) as PlanResult;
    const { page, problems } = await open(file);

    // Fit matrix: one row per plan, verdicts and totals as plan --json has them.
    const rows = await page.$$eval("#fit-matrix tbody tr", (trs) =>
      trs.map((tr) => ({
        plan: tr.getAttribute("data-plan"),
        fits: tr.getAttribute("data-fits"),
        total: tr.getAttribute("data-total"),
        cells: [...tr.querySelectorAll("td.cell")].map((td) => ({ service: td.getAttribute("data-service"), verdict: td.getAttribute("data-verdict"), reason: td.querySelector(".reason")?.textContent ?? "" })),
      })),
    );
    expect(rows.map((x) => x.plan).sort()).toEqual(plan.options.map((o) => o.planId).sort());
    for (const o of plan.options) {
      const row = rows.find((x) => x.plan === o.planId);
      expect(row?.fits, o.planId).toBe(String(o.fits));
      expect(row?.total, o.planId).toBe(o.cost.total.toFixed(2));
      for (const s of o.services) {
        const c = row?.cells.find((x) => x.service === s.service);
        expect(c?.verdict, `${o.planId}/${s.service}`).toBe(!s.fits || s.checks.some((k) => k.verdict === "blocker") ? "no" : s.checks.some((k) => k.verdict === "risk") ? "risk" : "fits");
        expect(c?.reason.length, `${o.planId}/${s.service} has a reason`).toBeGreaterThan(5);
      }
    }
    // Cost bars: one per fitting plan, each total and its compute/database/storage split as planned.
    const fitting = plan.options.filter((o) => o.fits);
    const bars = await page.$$eval("#cost-chart .bar", (gs) =>
      gs.map((g) => ({ id: g.getAttribute("data-id"), total: Number(g.getAttribute("data-total")), segs: Object.fromEntries([...g.querySelectorAll(".seg")].map((s) => [s.getAttribute("data-key"), Number(s.getAttribute("data-value"))])) })),
    );
    expect(bars.map((b) => b.id).sort()).toEqual(fitting.map((o) => o.planId).sort());
    for (const o of fitting) {
      const b = bars.find((x) => x.id === o.planId);
      expect(b?.total, o.planId).toBeCloseTo(o.cost.total, 3);
      expect(b?.segs.compute ?? 0, `${o.planId} compute`).toBeCloseTo(o.cost.compute, 3);
      expect(b?.segs.database ?? 0, `${o.planId} database`).toBeCloseTo(o.cost.database, 3);
      expect(b?.segs.storage ?? 0, `${o.planId} storage`).toBeCloseTo(o.cost.storage, 3);
    }
    const tableTotals = await page.$$eval("#cost-table tbody tr", (trs) => trs.map((tr) => [tr.getAttribute("data-plan"), tr.querySelector("td:last-child")?.textContent]));
    expect(tableTotals.length).toBe(fitting.length);

    // Every chart is drawn (has shapes) and has a table in its section: readable without the picture.
    const charts = await page.$$eval("svg.chart", (svgs) => svgs.map((s) => ({ id: s.id, shapes: s.querySelectorAll("rect,path,polyline").length, title: s.querySelector("title")?.textContent ?? "", table: !!s.closest("section")?.querySelector("table") })));
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(["services-diagram", "ram-chart", "image-chart", ...(fitting.length ? ["cost-chart"] : [])]));
    for (const c of charts) {
      expect(c.shapes, c.id).toBeGreaterThan(0);
      expect(c.title, c.id).not.toBe("");
      expect(c.table, `${c.id} has a table`).toBe(true);
    }
    const ramBars = await page.$$eval("#ram-chart .bar", (gs) => gs.length);
    expect(ramBars).toBe((JSON.parse(shipfit("estimate", path.join("examples", example), "--json").stdout) as { services: unknown[] }).services.length);

    const png = path.join(shots, `${example}.png`);
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("report with a probe result, and as Markdown", () => {
  it("draws the probe's timeline and uses its measured peak for the service", async () => {
    const probeJson = path.join(tmp, "probe.json");
    const p = spawnSync(process.execPath, [bin, "probe", "--service", "web", "--json", "--", "/usr/bin/python3", path.join(root, "test", "probe", "apps", "steps.py")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, REPORT: path.join(tmp, "steps.out") },
    });
    expect(p.status, p.stderr).toBe(0);
    writeFileSync(probeJson, p.stdout);
    const probe = JSON.parse(p.stdout) as { peakMB: number; samples: unknown[] };
    const file = path.join(tmp, "probed.html");
    const r = shipfit("report", path.join("examples", "fraud-automl"), "--probe", probeJson, "--out", file);
    expect(r.code, r.stderr).toBe(0);
    const { page, problems } = await open(file);
    const timeline = await page.$eval("#probe-timeline", (el) => ({ points: el.querySelector("polyline")?.getAttribute("points")?.trim().split(/\s+/).length ?? 0, label: el.getAttribute("aria-label") }));
    expect(timeline.points).toBe(probe.samples.length);
    expect(timeline.label).toContain(`${Math.round(probe.peakMB)} MB`);
    const data = await page.evaluate(() => JSON.parse(document.getElementById("shipfit-data")?.textContent ?? "null") as { footprint: { services: { service: string; ram: { peakMB: { origin: string; expected: number } } }[] } });
    const web = data.footprint.services.find((s) => s.service === "web");
    expect(web?.ram.peakMB.origin).toBe("measured");
    expect(web?.ram.peakMB.expected).toBeCloseTo(probe.peakMB, 0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("gives a compact Markdown table whose verdicts and totals are plan --json's", () => {
    const md = shipfit("report", path.join("examples", "ai-ko-backend"), "--format", "md");
    expect(md.code, md.stderr).toBe(0);
    const plan = JSON.parse(shipfit("plan", path.join("examples", "ai-ko-backend"), "--json").stdout) as PlanResult;
    const rows = md.stdout.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Plan") && !l.startsWith("| Service") && !l.startsWith("| What-if") && / — /.test(l) && /(✅|⚠️|❌)/.test(l));
    expect(rows.length).toBe(12);
    for (const row of rows) {
      const md = (t: string) => t.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
      const o = plan.options.find((x) => row.startsWith(`| ${md(x.platformName)} — ${md(x.planName)} | `));
      expect(o, row).toBeDefined();
      expect(row.endsWith(`| ${o?.fits ? (o.cost.total < 0.01 && o.cost.total > 0 ? `$${o.cost.total.toFixed(4)}` : o.cost.total === 0 ? "$0" : `$${o.cost.total.toFixed(2)}`) : "–"} |`), row).toBe(true);
    }
    expect(md.stdout).toMatch(/\| What-if \| Largest peak RAM/);
  });
});

describe("a repository with hostile names", () => {
  const repo = path.join(tmp, "hostile");
  const payloads = {
    file: `<img src=x onerror="window.__pwned='file'">.py`,
    env: `"><img src=x onerror="window.__pwned='env'">`,
    start: `python "<script>window.__pwned='start'</script>.py" '</style><b>'`,
  };

  it("shows them as text and executes nothing", async () => {
    mkdirSync(repo, { recursive: true });
    writeFileSync(path.join(repo, "requirements.txt"), "flask\ngunicorn\n");
    writeFileSync(path.join(repo, "app.py"), `import os\nfrom flask import Flask\napp = Flask(__name__)\nTOKEN = os.environ[${JSON.stringify(payloads.env)}]\n\n@app.route("/health")\ndef health():\n    return "ok"\n`);
    writeFileSync(path.join(repo, payloads.file), "import os\nos.makedirs('uploads', exist_ok=True)\nopen('uploads/x', 'w')\n");
    writeFileSync(path.join(repo, "Procfile"), `web: ${payloads.start}\n`);
    writeFileSync(path.join(repo, ".env"), `SECRET_KEY=hunter2-not-a-real-one\n`);
    const file = path.join(tmp, "hostile.html");
    const r = shipfit("report", repo, "--out", file);
    expect(r.code, r.stderr).toBe(0);
    const { page, problems } = await open(file);
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: string }).__pwned,
      scripts: [...document.querySelectorAll("script")].map((s) => s.type),
      handlers: document.querySelectorAll("[onerror],[onload],img,iframe,object,embed").length,
      text: document.body.innerText,
      data: JSON.parse(document.getElementById("shipfit-data")?.textContent ?? "null") as { services: { start?: string }[] },
    }));
    expect(state.pwned).toBeUndefined();
    expect(state.scripts).toEqual(["application/json"]);
    expect(state.handlers).toBe(0);
    expect(state.text).toContain(payloads.start); // shown, as text
    expect(state.data.services[0]?.start).toBe(payloads.start); // and carried intact in the embedded data
    expect(problems).toEqual([]);
    await page.screenshot({ path: path.join(shots, "hostile.png"), fullPage: true });
    await page.close();
    const md = shipfit("report", repo, "--format", "md");
    expect(md.code).toBe(0);
    expect(md.stdout).not.toMatch(/<script|<img/);
    expect(readFileSync(file, "utf8")).not.toContain("hunter2");
  });
});
