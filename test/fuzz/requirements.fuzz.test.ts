import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRequirements } from "../../src/scan/python/requirements.js";
import { manifestProblems } from "./manifest-facts.js";
import { mutations } from "./mutate.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../fixtures/python-manifests/${p}`, import.meta.url)), "utf8");

const SEEDS = [
  fixture("requirements/prod.txt"),
  fixture("requirements/base.txt"),
  fixture("requirements-kitchen-sink.txt"),
  `# Gradio demo on HF Spaces
gradio==4.44.1
torch==2.6.0+cpu --extra-index-url https://download.pytorch.org/whl/cpu
transformers[torch]>=4.40
accelerate>=0.30 ; python_version >= "3.9"
-e git+https://github.com/huggingface/peft.git@main#egg=peft
https://github.com/acme/wheels/releases/download/v1/custom_ops-0.1-py3-none-any.whl
`,
  `-r requirements/base.txt\n-c constraints.txt\ncelery[redis]==5.4.0 \\\n  --hash=sha256:abc\nredis>=5\n`,
];

describe("fuzz: parseRequirements", () => {
  it("never throws and stays well-formed on 2,000 mutated requirement files", () => {
    let n = 0;
    let deps = 0;
    for (const input of mutations(SEEDS, 2000, 508)) {
      n++;
      let problems: string[];
      try {
        const facts = parseRequirements(input, "requirements.txt");
        deps += facts.dependencies.length;
        problems = manifestProblems(facts, "requirements", "requirements.txt");
      } catch (e) {
        problems = [`threw: ${(e as Error).stack ?? String(e)}`];
      }
      if (problems.length > 0) {
        expect.fail(`${problems.join("; ")}\nreplay input: ${JSON.stringify(input)}`);
      }
    }
    expect(n).toBe(2000);
    // Most mutations leave most of a seed readable: the parser must still be finding dependencies.
    expect(deps).toBeGreaterThan(1000);
  });
});
