/** `shipfit report [DIR]`: the whole answer as one self-contained web page (or Markdown for a PR comment). */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileAtomic } from "../../core/atomic.js";
import { InputError, UsageError } from "../../core/errors.js";
import type { ProbeResult } from "../../probe/probe.js";
import { reportData } from "../../report/data.js";
import { renderHtml } from "../../report/html.js";
import { renderMarkdown } from "../../report/markdown.js";
import { parse, str } from "../args.js";
import type { Command } from "../command.js";
import { readMeasured } from "../measured.js";
import { scanWithProgress } from "../scan-dir.js";

const VERSION = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export const reportCommand: Command = {
  name: "report",
  help: `Usage: shipfit report [DIR] [--out FILE] [--format html|md] [--probe FILE] [--open] [--json]

Scans DIR (default: the current folder), estimates and plans it, and writes the whole answer as one
self-contained HTML page (no network when viewed, charts drawn inline, printable, a table behind
every chart): the services and how they connect; the fit matrix (plans × services, with the reason
in each cell); monthly cost per plan that fits, split into compute / databases / storage; RAM and
image size per service by what takes them (torch, the models, the workers…); the probe timeline
with --probe; the model files and what storing them costs; risks with their remedies; the what-if
variants side by side; the files shipfit generate would write.

--format md gives a compact Markdown version for a pull-request comment (to standard output unless
--out is given).

Options:
  --out FILE       where to write (default shipfit-report.html; md: standard output)
  --format F       html (default) or md
  --probe FILE     a probe result (shipfit probe --json): its timeline, and its measured figures
                   replace the estimate for its service
  --catalog FILE   platforms that replace or add to the catalog
  --always-on      plans that sleep when idle do not fit
  --open           open the page in the default browser once written
  --json           print the report's data as JSON instead
  -h, --help       show this help

Exit codes: 0 written; 2 bad DIR, probe file or arguments.`,
  async run(argv) {
    const args = parse(
      argv,
      { out: { type: "string" }, format: { type: "string" }, probe: { type: "string" }, catalog: { type: "string" }, "always-on": { type: "boolean" }, open: { type: "boolean" }, json: { type: "boolean" } },
      "report",
    );
    if (args.positionals.length > 1) throw new UsageError("expected at most one DIR (see shipfit report --help)");
    const format = str(args, "format") ?? "html";
    if (format !== "html" && format !== "md") throw new UsageError(`--format must be html or md, got "${format}"`);
    const probeFile = str(args, "probe");
    const probe = probeFile ? readProbe(probeFile) : undefined;
    const model = await scanWithProgress(args.positionals[0] ?? ".", { cache: true });
    const data = reportData(model, {
      version: VERSION,
      ...(str(args, "catalog") ? { catalogFile: str(args, "catalog") as string } : {}),
      ...(probeFile ? { measured: readMeasured(probeFile) } : {}),
      ...(probe ? { probe } : {}),
      planOptions: { ...(args.values["always-on"] ? { alwaysOn: true } : {}) },
    });
    if (args.values.json) {
      process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return 0;
    }
    const text = format === "md" ? renderMarkdown(data) : renderHtml(data);
    const out = str(args, "out") ?? (format === "md" ? undefined : "shipfit-report.html");
    if (!out) {
      process.stdout.write(text);
      return 0;
    }
    try {
      writeFileAtomic(out, text);
    } catch (error) {
      throw new InputError(`${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? "error"}); nothing was written`);
    }
    process.stdout.write(`wrote ${out} (${Math.round(text.length / 1024)} kB)\n`);
    if (args.values.open) openInBrowser(resolve(out));
    return 0;
  },
};

function readProbe(file: string): ProbeResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not JSON"}`);
  }
  const r = data as Partial<ProbeResult>;
  if (!r || typeof r !== "object" || typeof r.peakMB !== "number" || !Array.isArray(r.samples)) throw new InputError(`${file}: not a probe result (shipfit probe --json writes one)`);
  return r as ProbeResult;
}

/** Best effort: the report is written either way, a missing opener is only a note. */
function openInBrowser(file: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(cmd, [file], { detached: true, stdio: "ignore" });
    child.on("error", () => process.stderr.write(`could not open a browser (${cmd}): open ${file} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`could not open a browser: open ${file} yourself\n`);
  }
}
