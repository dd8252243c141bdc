import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePyproject } from "../../src/scan/python/pyproject.js";
import { manifestProblems } from "./manifest-facts.js";
import { mutations } from "./mutate.js";
import { pyprojectText } from "./toml-shapes.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../fixtures/python-manifests/${p}`, import.meta.url)), "utf8");

const SEEDS = [
  fixture("pyproject-uv.toml"),
  fixture("pyproject-poetry.toml"),
  `[project]\nname = "chat"\ndependencies = ["gradio>=4.44", "openai>=1.40"]\n[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n[[tool.pdm.source]]\nname = "x"\nurl = "https://pypi.acme.dev/simple"\n[build-system]\nbuild-backend = "pdm.backend"\n`,
  `[project]\nname = "legacy"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {{ file = ["requirements/base.txt"] }}\n`,
];

describe("fuzz: parsePyproject", () => {
  it("never throws and stays well-formed on 2,000 mutated inputs", () => {
    let n = 0;
    let deps = 0;
    for (const input of mutations(SEEDS, 2000, 621)) {
      n++;
      let problems: string[];
      try {
        const facts = parsePyproject(input, "pyproject.toml");
        deps += facts.dependencies.length;
        problems = manifestProblems(facts, "pyproject", "pyproject.toml");
      } catch (e) {
        problems = [`threw: ${(e as Error).stack ?? String(e)}`];
      }
      if (problems.length > 0) expect.fail(`${problems.join("; ")}\nreplay input: ${JSON.stringify(input)}`);
    }
    expect(n).toBe(2000);
    // Most mutations leave most of a seed readable: the parser must still be finding dependencies.
    expect(deps).toBeGreaterThan(200);
  });
});

describe("fuzz: parsePyproject on valid TOML with wrongly typed values", () => {
  it("never throws and stays well-formed on 1,000 generated documents", () => {
    let deps = 0;
    fc.assert(
      fc.property(pyprojectText, (text) => {
        const facts = parsePyproject(text, "pyproject.toml");
        deps += facts.dependencies.length;
        const problems = manifestProblems(facts, "pyproject", "pyproject.toml");
        if (problems.length > 0) throw new Error(`${problems.join("; ")}\nreplay input: ${JSON.stringify(text)}`);
      }),
      { numRuns: 1000, seed: 621 },
    );
    // The generator must still reach real dependencies, not only type errors.
    expect(deps).toBeGreaterThan(50);
  });
});
