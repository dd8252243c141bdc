/**
 * Python version pins: Heroku-style `runtime.txt` (`python-3.11.9`) and pyenv's `.python-version`
 * (first non-comment line, e.g. `3.12` or `3.11.9`).
 */
import { at, diagnostic } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import { emptyFacts, looksBinary, parseError, stripBom } from "./common.js";

/** First line that is neither blank nor a comment, with its 1-based number. */
function firstLine(text: string): { value: string; line: number } | undefined {
  const lines = stripBom(text).split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i]!.trim();
    if (v !== "" && !v.startsWith("#")) return { value: v, line: i + 1 };
  }
  return undefined;
}

const VERSION = /^(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?t?)$/;

/** Parse runtime.txt (`python-3.11.9`). */
export function parseRuntimeTxt(text: string, file: string): DeployFacts {
  if (looksBinary(text)) return emptyFacts(file, "runtime.txt", [parseError(file, `${file} is not a text file`)]);
  const first = firstLine(text);
  const m = first ? /^python-(.+)$/i.exec(first.value) : null;
  const version = m ? VERSION.exec(m[1]!.trim())?.[1] : undefined;
  if (first === undefined || version === undefined) {
    return emptyFacts(file, "runtime.txt", [
      parseError(file, `${file} should read like python-3.11.9`, first?.line ?? 1),
    ]);
  }
  return { deployFile: { file, kind: "runtime.txt", processes: [], pythonVersion: version, pythonVersionLine: first.line }, diagnostics: [] };
}

/** Parse .python-version (pyenv, uv): `3.12`, `3.11.9`, `cpython-3.12.1`. */
export function parsePythonVersionFile(text: string, file: string): DeployFacts {
  if (looksBinary(text)) return emptyFacts(file, "python-version", [parseError(file, `${file} is not a text file`)]);
  const first = firstLine(text);
  if (first === undefined) {
    return emptyFacts(file, "python-version", [diagnostic("warning", "python-version-empty", `${file} names no version`, [at(file)])]);
  }
  const version = VERSION.exec(first.value.replace(/^(?:cpython|python)-?/i, "").replace(/-.*$/, ""))?.[1];
  if (version === undefined) {
    // A pyenv virtualenv name or `system` is valid for pyenv but tells nothing about the version.
    return emptyFacts(file, "python-version", [
      diagnostic("warning", "python-version-unrecognized", `${file} does not name a Python version`, [at(file, first.line)]),
    ]);
  }
  return { deployFile: { file, kind: "python-version", processes: [], pythonVersion: version, pythonVersionLine: first.line }, diagnostics: [] };
}
