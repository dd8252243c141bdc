/**
 * Python source analyzer: what one .py file tells about how the app runs (imports, app objects,
 * routes, in-code server starts, env reads, model loads, subprocesses, disk writes, datastores,
 * external APIs, CUDA use), read from a real syntax tree (@lezer/python), not line patterns.
 */
import type { PythonFacts } from "../facts.js";
import { collectPythonFacts, emptyPythonFacts } from "./source/analyze.js";

/** Analyzes one Python file. Pure, never throws: on an internal failure it returns empty facts. */
export function analyzePython(text: string, file: string): PythonFacts {
  try {
    return collectPythonFacts(typeof text === "string" ? text : "", file);
  } catch {
    return emptyPythonFacts();
  }
}
