/** Small constructors for evidence and diagnostics, so every parser writes them the same way. */
import type { Diagnostic, Evidence, Fact } from "./app-model.js";

export function at(file: string, line?: number, note?: string): Evidence {
  const e: Evidence = { file };
  if (line !== undefined && line >= 1) e.line = line;
  if (note !== undefined) e.note = note;
  return e;
}

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
