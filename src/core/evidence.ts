/** Small constructors for evidence and diagnostics, so every parser writes them the same way. */
import type { Diagnostic, Evidence, Fact } from "./app-model.js";

/** Evidence at a repo-relative file, with a line (kept only when ≥ 1) and a short note. */
export function at(file: string, line?: number, note?: string): Evidence {
  const e: Evidence = { file };
  if (line !== undefined && line >= 1) e.line = line;
  if (note !== undefined) e.note = note;
  return e;
}

/** A diagnostic with a stable kebab-case code. */
export function diagnostic(
  level: Diagnostic["level"],
  code: string,
  message: string,
  evidence: Evidence[] = [],
  service?: string,
): Diagnostic {
  const d: Diagnostic = { level, code, message, evidence };
  if (service !== undefined) d.service = service;
  return d;
}

/** 1-based line number of a character offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * 1-based line lookup for many offsets of one text: line starts are indexed once, each lookup is a
 * binary search (no rescan per offset on long files).
 */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** A value with its confidence and evidence. */
export function factOf<T>(value: T, confidence: Fact<T>["confidence"], evidence: Evidence[]): Fact<T> {
  return { value, confidence, evidence };
}

/**
 * Code-point order for sorting names and paths: stable across machines and locales, and it
 * avoids String#localeCompare, whose first call loads ICU collation data (~8 ms of a scan).
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
