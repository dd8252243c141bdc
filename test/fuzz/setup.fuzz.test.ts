import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSetupCfg, parseSetupPy } from "../../src/scan/python/setup.js";
import { manifestProblems } from "./manifest-facts.js";
import { mutations } from "./mutate.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../fixtures/python-manifests/${p}`, import.meta.url)), "utf8");

const SEEDS = [
  fixture("setup-ml.py"),
  `import setuptools\nargs = dict(name="x", install_requires=("gradio" ">=4", r"openai>=1.0"))\nif __name__ == "__main__":\n    setuptools.setup(**args, extras_require={{"a": ["redis"], **X}})\n`,
  `setup(\n    name="svc",\n    install_requires=open("requirements.txt").read().splitlines() + ["torch==2.6.0+cpu"],\n    python_requires=">=3.10",\n)\n`,
  `REQ = """\nstreamlit>=1.30\npandas\n"""\nsetup(install_requires=REQ)\n`,
];

describe("fuzz: parseSetupPy", () => {
  it("never throws and stays well-formed on 1,500 mutated inputs", () => {
    let n = 0;
    let deps = 0;
    for (const input of mutations(SEEDS, 1500, 440)) {
      n++;
      let problems: string[];
      try {
        const facts = parseSetupPy(input, "setup.py");
        deps += facts.dependencies.length;
        problems = manifestProblems(facts, "setup.py", "setup.py");
      } catch (e) {
        problems = [`threw: ${(e as Error).stack ?? String(e)}`];
      }
      if (problems.length > 0) expect.fail(`${problems.join("; ")}\nreplay input: ${JSON.stringify(input)}`);
    }
    expect(n).toBe(1500);
    // Most mutations leave most of a seed readable: the parser must still be finding dependencies.
    expect(deps).toBeGreaterThan(500);
  });
});

const CFG_SEEDS = [
  fixture("setup-ml.cfg"),
  `[metadata]\nname = churn\n[options]\ninstall_requires = flask>=3.0; gunicorn\npython_requires = >=3.10  # comment\n[options.extras_require]\ngpu = torch==2.6.0+cpu\n`,
  `[options]\ninstall-requires = file: requirements/base.txt\n`,
];

describe("fuzz: parseSetupCfg", () => {
  it("never throws and stays well-formed on 1,500 mutated inputs", () => {
    let n = 0;
    let deps = 0;
    for (const input of mutations(CFG_SEEDS, 1500, 441)) {
      n++;
      let problems: string[];
      try {
        const facts = parseSetupCfg(input, "setup.cfg");
        deps += facts.dependencies.length;
        problems = manifestProblems(facts, "setup.cfg", "setup.cfg");
      } catch (e) {
        problems = [`threw: ${(e as Error).stack ?? String(e)}`];
      }
      if (problems.length > 0) expect.fail(`${problems.join("; ")}\nreplay input: ${JSON.stringify(input)}`);
    }
    expect(n).toBe(1500);
    expect(deps).toBeGreaterThan(1000);
  });
});
