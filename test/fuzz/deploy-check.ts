/** Shape checks shared by the deploy-file fuzz tests: the output must satisfy the AppModel schemas. */
import { expect } from "vitest";
import { DeployFile, Diagnostic } from "../../src/core/app-model.js";
import type { DeployFacts } from "../../src/scan/facts.js";

/** Throws (with the input, for replay) unless `facts` is well formed. */
export function expectWellFormedDeploy(facts: DeployFacts | null, input: string, file: string): void {
  const where = `input for ${file}: ${JSON.stringify(input)}`;
  if (facts === null) return;
  expect(DeployFile.safeParse(facts.deployFile).success, where).toBe(true);
  expect(facts.deployFile.file, where).toBe(file);
  expect(Array.isArray(facts.diagnostics), where).toBe(true);
  for (const d of facts.diagnostics) {
    expect(Diagnostic.safeParse(d).success, where).toBe(true);
    for (const e of d.evidence) if (e.line !== undefined) expect(e.line, where).toBeGreaterThanOrEqual(1);
  }
  for (const p of facts.deployFile.processes) {
    if (p.evidence.line !== undefined) expect(p.evidence.line, where).toBeGreaterThanOrEqual(1);
    if (p.port !== undefined) expect(p.port >= 1 && p.port <= 65535, where).toBe(true);
  }
  // A parse error means nothing else was trusted from the file.
  if (facts.diagnostics.some((d) => d.code === "deploy-parse-error")) expect(facts.deployFile.processes, where).toEqual([]);
}
