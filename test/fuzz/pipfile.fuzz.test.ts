import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePipfile } from "../../src/scan/python/pipfile.js";
import { manifestProblems } from "./manifest-facts.js";
import { mutations } from "./mutate.js";
import { pipfileText } from "./toml-shapes.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../fixtures/python-manifests/${p}`, import.meta.url)), "utf8");

const SEEDS = [
  fixture("Pipfile"),
  `[packages]\nflask = "*"\ngunicorn = "==22.0.0"\nxgboost = {{version = "*", sys_platform = "== 'linux'"}}\nvision = {{git = "https://github.com/acme/vision.git", ref = "v1"}}\n[dev-packages]\nblack = "*"\n[requires]\npython_full_version = "3.11.9"\n`,
];

describe("fuzz: parsePipfile", () => {
  it("never throws and stays well-formed on 2,000 mutated inputs", () => {
    let n = 0;
    let deps = 0;
    for (const input of mutations(SEEDS, 2000, 735)) {
      n++;
      let problems: string[];
      try {
        const facts = parsePipfile(input, "Pipfile");
        deps += facts.dependencies.length;
        problems = manifestProblems(facts, "pipfile", "Pipfile");
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

describe("fuzz: parsePipfile on valid TOML with wrongly typed values", () => {
  it("never throws and stays well-formed on 1,000 generated documents", () => {
    let deps = 0;
    fc.assert(
      fc.property(pipfileText, (text) => {
        const facts = parsePipfile(text, "Pipfile");
        deps += facts.dependencies.length;
        const problems = manifestProblems(facts, "pipfile", "Pipfile");
        if (problems.length > 0) throw new Error(`${problems.join("; ")}\nreplay input: ${JSON.stringify(text)}`);
      }),
      { numRuns: 1000, seed: 735 },
    );
    // The generator must still reach real dependencies, not only type errors.
    expect(deps).toBeGreaterThan(30);
  });
});
