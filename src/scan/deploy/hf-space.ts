/**
 * Hugging Face Space `README.md`: the YAML front matter (`sdk`, `app_file`, `app_port`,
 * `python_version`, `sdk_version`…). A README without front matter, or whose front matter has no
 * `sdk`, is not a Space: the parser returns null and the caller ignores the file.
 */
import type { DeployFile } from "../../core/app-model.js";
import { at } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import { emptyFacts, isRecord, looksBinary, parseError, parseYaml, processFrom, str, stripBom, yamlLine, yamlSource } from "./common.js";

/**
 * What each SDK runs and on which port (Spaces config reference; Docker Spaces default to 7860,
 * shared/research/platforms.md). Gradio and Streamlit Spaces run `app_file` themselves.
 */
const SDKS: Record<string, { port: number; command?: (appFile: string) => string }> = {
  gradio: { port: 7860, command: (f) => `python ${f}` },
  streamlit: { port: 8501, command: (f) => `streamlit run ${f}` },
  docker: { port: 7860 },
};

const NOTE_KEYS = ["sdk_version", "suggested_hardware", "startup_duration_timeout"] as const;

/** Parse a Space README's front matter; null when the README is not a Space. */
export function parseHfSpaceReadme(text: string, file: string): DeployFacts | null {
  try {
    return readSpace(text, file);
  } catch (e) {
    const what = e instanceof Error ? e.name : "error";
    return emptyFacts(file, "hf-space", [parseError(file, `Could not read the front matter of ${file} (${what})`)]);
  }
}

function readSpace(text: string, file: string): DeployFacts | null {
  if (looksBinary(text)) return null;
  const lines = stripBom(text).split(/\r\n|\n|\r/);
  if (lines[0]?.trimEnd() !== "---") return null;
  let end = -1;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!.trimEnd();
    if (l === "---" || l === "...") {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const front = lines.slice(1, end).join("\n");
  // Front matter starts on line 2 of the README.
  const lineOf = (l: number | undefined): number | undefined => (l === undefined ? undefined : l + 1);
  const { yaml: y, diagnostics } = parseYaml(front, file);
  if (y === undefined) {
    if (!/^sdk\s*:/m.test(front)) return null;
    const d = diagnostics.map((x) => ({ ...x, evidence: x.evidence.map((e) => at(e.file, lineOf(e.line))) }));
    return emptyFacts(file, "hf-space", d);
  }
  if (!isRecord(y.value)) return null;
  const meta = y.value;
  const sdk = str(meta.sdk);
  if (sdk === undefined) return null;

  const deployFile: DeployFile = { file, kind: "hf-space", processes: [] };
  const python = yamlSource(y, ["python_version"]);
  if (python !== undefined && /^\d+(\.\d+){0,2}$/.test(python.trim())) {
    deployFile.pythonVersion = python.trim();
    const line = lineOf(yamlLine(y, ["python_version"]));
    if (line !== undefined) deployFile.pythonVersionLine = line;
  }

  const known = Object.hasOwn(SDKS, sdk) ? SDKS[sdk] : undefined;
  if (known !== undefined) {
    const appFile = str(meta.app_file) ?? "app.py";
    const appPort = Number(str(meta.app_port));
    const port = Number.isInteger(appPort) && appPort >= 1 && appPort <= 65535 ? appPort : known.port;
    const notes = [`Hugging Face Space, sdk ${sdk}`];
    for (const k of NOTE_KEYS) {
      const v = yamlSource(y, [k]);
      if (v !== undefined && v.length <= 100) notes.push(`${k} ${v}`);
    }
    const opts: { command?: string; port: number } = { port };
    if (known.command !== undefined) opts.command = known.command(appFile);
    deployFile.processes.push(processFrom("web", at(file, lineOf(yamlLine(y, ["sdk"])), notes.join(", ")), opts));
  }
  return { deployFile, diagnostics: [] };
}
