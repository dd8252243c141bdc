/**
 * Shared well-formedness check for the Python manifest parsers' fuzz tests: what every ManifestFacts
 * must satisfy whatever the input was. Returns the problems found (empty when well-formed).
 */
import { Dependency, Diagnostic } from "../../src/core/app-model.js";
import type { ManifestFacts } from "../../src/scan/facts.js";
import { normalizeName } from "../../src/scan/python/pep508.js";

export function manifestProblems(facts: ManifestFacts, kind: ManifestFacts["kind"], file: string): string[] {
  const problems: string[] = [];
  if (facts.kind !== kind) problems.push(`kind ${facts.kind}`);
  for (const key of ["dependencies", "includes", "indexUrls", "diagnostics"] as const) {
    if (!Array.isArray(facts[key])) problems.push(`${key} is not an array`);
  }
  for (const d of facts.dependencies) {
    if (d.name === "" || d.name !== normalizeName(d.name)) problems.push(`bad name ${JSON.stringify(d.name)}`);
    if (!Number.isInteger(d.evidence.line) || (d.evidence.line ?? 0) < 1) problems.push(`bad line ${d.evidence.line} for ${d.name}`);
    if (d.evidence.file !== file) problems.push(`bad file ${d.evidence.file}`);
    const parsed = Dependency.safeParse(d);
    if (!parsed.success) problems.push(`schema: ${parsed.error.message}`);
  }
  for (const inc of facts.includes) {
    if (!Number.isInteger(inc.line) || inc.line < 1) problems.push(`bad include line ${inc.line}`);
    if (inc.path.trim() === "") problems.push("empty include path");
  }
  for (const u of facts.indexUrls) if (typeof u !== "string" || u === "") problems.push("empty index URL");
  for (const diag of facts.diagnostics) {
    const parsed = Diagnostic.safeParse(diag);
    if (!parsed.success) problems.push(`diagnostic schema: ${parsed.error.message}`);
  }
  if (facts.pythonRequires !== undefined && facts.pythonRequires.trim() === "") problems.push("empty pythonRequires");
  return problems;
}
