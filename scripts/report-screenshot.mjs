// Regenerates docs/report-*.png, the README's pictures of `shipfit report` on examples/ai-ko-backend:
//   npm run build && node scripts/report-screenshot.mjs
// Needs Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) and playwright-core (a dev dependency).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipfit-shot-"));
const html = path.join(tmp, "report.html");
execFileSync(process.execPath, [path.join(root, "bin", "shipfit.js"), "report", path.join(root, "examples", "ai-ko-backend"), "--out", html], { stdio: "inherit" });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
await page.goto(`file://${html}`);
// The parts people screenshot for their team: the top of the fit matrix, and the cost bars.
async function shot(selector, file, maxHeight) {
  const box = await (await page.$(selector)).boundingBox();
  await page.screenshot({ path: path.join(root, "docs", file), fullPage: true, clip: { x: 0, y: box.y - 8, width: 1100, height: Math.min(maxHeight, box.height + 16) } });
  console.log(`wrote docs/${file}`);
}
await shot("#fit", "report-fit-matrix.png", 900);
await shot("#costs", "report-costs.png", 1200);
await browser.close();
rmSync(tmp, { recursive: true, force: true });
