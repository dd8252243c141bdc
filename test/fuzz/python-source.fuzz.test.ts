import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PythonFacts } from "../../src/scan/facts.js";
import { collectPythonFacts } from "../../src/scan/python/source/analyze.js";
import { mutations } from "./mutate.js";

const dir = new URL("../fixtures/python-source/", import.meta.url);
const seeds = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((f) => readFileSync(new URL(f, dir), "utf8")),
  'import os\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    port: int = 8000\nsettings = S()\nuvicorn.run("m:app", port=settings.port)\n',
  "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'x', *args], check=True)\nos.system(f'cmd {a}')\n",
  "from flask import Blueprint\nbp = Blueprint('a', __name__, url_prefix='/v1')\n@bp.route('/x', methods=['GET'])\ndef x(): pass\napp.register_blueprint(bp)\n",
];

const LISTS = ["imports", "appObjects", "routes", "runCalls", "envReads", "modelLoads", "subprocesses", "diskWrites", "cuda", "datastores", "externalApis"] as const;

/** Every list present, every line an integer within the input, flags of the right type. */
function checkShape(f: PythonFacts, input: string): void {
  const lineCount = input.split("\n").length;
  for (const name of LISTS) {
    const list = f[name] as { line: number }[];
    expect(Array.isArray(list)).toBe(true);
    for (const item of list) {
      expect(Number.isInteger(item.line)).toBe(true);
      expect(item.line).toBeGreaterThanOrEqual(1);
      expect(item.line).toBeLessThanOrEqual(lineCount);
    }
  }
  for (const r of f.runCalls) if (r.port !== undefined) expect(Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535).toBe(true);
  for (const s of f.subprocesses) expect(s.command.length).toBeGreaterThan(0);
  for (const w of f.diskWrites) expect(w.path.length).toBeGreaterThan(0);
  expect(typeof f.hasMainGuard).toBe("boolean");
  expect(typeof f.usesStreamlit).toBe("boolean");
  expect(Number.isInteger(f.syntaxErrors) && f.syntaxErrors >= 0).toBe(true);
}

describe("python source analyzer fuzz", () => {
  it("survives 1,200 mutated real-looking inputs", () => {
    let count = 0;
    for (const input of mutations(seeds, 1200, 20241128)) {
      try {
        checkShape(collectPythonFacts(input, "app/main.py"), input);
      } catch (e) {
        console.error(`failing input: ${JSON.stringify(input)}`);
        throw e;
      }
      count++;
    }
    expect(count).toBe(1200);
  });
});
