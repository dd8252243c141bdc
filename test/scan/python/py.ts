/** Test helpers for the Python source analyzer: dedented snippets in, facts out. */
import { analyzePython } from "../../../src/scan/python/source.js";
import type { PythonFacts } from "../../../src/scan/facts.js";

/** Template tag that strips the common indentation of a snippet (and its first blank line). */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = raw.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** Analyzes a snippet as if it were app/main.py. */
export function scan(code: string, file = "app/main.py"): PythonFacts {
  return analyzePython(code, file);
}
