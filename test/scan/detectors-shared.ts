/**
 * Shared by the detectors-*.test.ts suites: scan a fixture project (test/fixtures/projects/<name>)
 * or a temp copy of one, check the model against the published JSON Schema, and read facts back
 * in a form that states file and line exactly.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { AppModel, Diagnostic, Evidence, Service } from "../../src/core/app-model.js";
import { scan } from "../../src/scan/scan.js";
import { appModelErrors } from "../helpers/schema.js";
import { seed } from "../helpers/tmp.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/projects/", import.meta.url));

/** Absolute path of a committed fixture project. */
export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** Scan a folder and fail unless the model validates against schema/app-model.schema.json. */
export async function scanValid(dir: string): Promise<AppModel> {
  const model = await scan(dir);
  expect(appModelErrors(model)).toEqual([]);
  return model;
}

/** Scan a committed fixture project. */
export function scanFixture(name: string): Promise<AppModel> {
  return scanValid(fixture(name));
}

/**
 * A temp copy of a fixture (same folder name, so the model's name stays the fixture's), with
 * `extra` files written over it (text or bytes) and `remove` paths left out. Removed after the test.
 */
export function copyFixture(name: string, extra: Record<string, string | Uint8Array> = {}, remove: string[] = []): string {
  const dir = path.join(seed({}), name);
  const src = fixture(name);
  const skip = new Set(remove.map((r) => path.join(src, r)));
  cpSync(src, dir, { recursive: true, filter: (from) => !skip.has(from) });
  for (const [rel, content] of Object.entries(extra)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

/** Evidence as "file:line" (or "file" when it has no line): exact, and independent of the notes' wording. */
export function where(evidence: Evidence[] | Evidence | undefined): string[] {
  const list = evidence === undefined ? [] : Array.isArray(evidence) ? evidence : [evidence];
  return list.map((e) => (e.line === undefined ? e.file : `${e.file}:${e.line}`));
}

/** A fact as { value, confidence, at }: one object to compare with toEqual. */
export function fact<T>(f: { value: T; confidence: string; evidence: Evidence[] } | undefined): { value: T; confidence: string; at: string[] } | undefined {
  return f === undefined ? undefined : { value: f.value, confidence: f.confidence, at: where(f.evidence) };
}

/** The service with this id; fails the test (listing the ids) when there is none. */
export function service(model: AppModel, id: string): Service {
  const s = model.services.find((x) => x.id === id);
  if (!s) throw new Error(`no service "${id}" in ${JSON.stringify(model.services.map((x) => x.id))}`);
  return s;
}

/** Diagnostics with this code, as { level, service, at } (messages are prose: checked separately where it matters). */
export function diags(model: AppModel, code: string): { level: Diagnostic["level"]; service?: string; at: string[] }[] {
  return model.diagnostics
    .filter((d) => d.code === code)
    .map((d) => (d.service === undefined ? { level: d.level, at: where(d.evidence) } : { level: d.level, service: d.service, at: where(d.evidence) }));
}

/** Every diagnostic code, sorted, with repeats (so an extra or a missing one shows). */
export function codes(model: AppModel): string[] {
  return model.diagnostics.map((d) => d.code).sort();
}

/** The start command as { command, source, confidence, at }. */
export function start(s: Service): { command: string; source: string; confidence: string; at: string[] } | undefined {
  return s.start && { command: s.start.command, source: s.start.source, confidence: s.start.confidence, at: where(s.start.evidence) };
}

/** Server settings without evidence, plus where they were read. */
export function server(s: Service): Record<string, unknown> | undefined {
  if (!s.server) return undefined;
  const { evidence, ...rest } = s.server;
  return { ...rest, at: where(evidence) };
}
