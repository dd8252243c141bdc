import { describe, expect, it } from "vitest";
import { Dependency } from "../../../src/core/app-model.js";
import { parseSetupCfg, parseSetupPy } from "../../../src/scan/python/setup.js";

const byName = (deps: Dependency[], name: string) => {
  const d = deps.find((x) => x.name === name);
  expect(d, name).toBeDefined();
  return d!;
};

const SETUP_CFG = `[metadata]
name = churn-predictor
version = 1.2.0

[options]
packages = find:
python_requires = >=3.10
install_requires =
    flask>=3.0
    gunicorn==22.0.0  # prod server
    xgboost>=2.0,<3
    # commented-out line
    psycopg2-binary; sys_platform == "linux"

    joblib
setup_requires = setuptools_scm

[options.extras_require]
dev =
    pytest>=8
    black
gpu = torch==2.6.0; nvidia-ml-py

[flake8]
max-line-length = 100
`;

describe("parseSetupCfg", () => {
  const f = parseSetupCfg(SETUP_CFG, "setup.cfg");

  it("reads metadata name, python_requires and the tool", () => {
    expect(f.kind).toBe("setup.cfg");
    expect(f.projectName).toBe("churn-predictor");
    expect(f.pythonRequires).toBe(">=3.10");
    expect(f.tool).toBe("setuptools");
  });

  it("reads a multi-line install_requires with comments and blank lines, each on its own line", () => {
    expect(f.dependencies.filter((d) => d.group === "main").map((d) => [d.name, d.evidence.line])).toEqual([
      ["flask", 9],
      ["gunicorn", 10],
      ["xgboost", 11],
      ["psycopg2-binary", 13],
      ["joblib", 15],
    ]);
    expect(byName(f.dependencies, "gunicorn").pinned).toBe("22.0.0");
    expect(byName(f.dependencies, "psycopg2-binary").marker).toBe('sys_platform == "linux"');
    expect(f.dependencies.some((d) => d.name === "setuptools-scm")).toBe(false);
  });

  it("reads extras_require, multi-line and ;-separated single-line values", () => {
    expect(f.dependencies.filter((d) => d.group === "optional:dev").map((d) => d.name)).toEqual(["pytest", "black"]);
    expect(f.dependencies.filter((d) => d.group === "optional:gpu").map((d) => [d.name, d.pinned, d.evidence.line])).toEqual([
      ["torch", "2.6.0", 22],
      ["nvidia-ml-py", undefined, 22],
    ]);
    expect(f.diagnostics).toEqual([]);
  });

  it("records install_requires = file: as an include", () => {
    const g = parseSetupCfg(`[options]\ninstall-requires = file: requirements/base.txt, requirements/extra.txt\n`, "setup.cfg");
    expect(g.includes).toEqual([
      { kind: "requirement", path: "requirements/base.txt", line: 2 },
      { kind: "requirement", path: "requirements/extra.txt", line: 2 },
    ]);
  });

  it("warns on an unreadable requirement and tolerates junk", () => {
    const g = parseSetupCfg(`junk before any section\n[options]\ninstall_requires =\n    torch ==\n    fastapi\n[broken\n= no key\n`, "setup.cfg");
    expect(g.dependencies.map((d) => d.name)).toEqual(["fastapi"]);
    expect(g.diagnostics).toEqual([expect.objectContaining({ level: "warning", code: "manifest-unparsed-dependency", evidence: [{ file: "setup.cfg", line: 4 }] })]);
  });
});

const SETUP_PY = `#!/usr/bin/env python
import os
from setuptools import setup, find_packages

REQUIRED = [
    "torch>=2.2",
    "transformers==4.46.3",
    'fastapi[standard]>=0.110',
]

EXTRAS = {
    "gpu": ["nvidia-ml-py"],
    "dev": ["pytest", "ruff"],
}

setup(
    name="sentiment-service",
    version="0.1.0",
    packages=find_packages(),
    python_requires=">=3.10",
    install_requires=REQUIRED + ["gunicorn==22.0.0"],
    extras_require=EXTRAS,
)
`;

describe("parseSetupPy", () => {
  const f = parseSetupPy(SETUP_PY, "setup.py");

  it("reads name and python_requires", () => {
    expect(f.kind).toBe("setup.py");
    expect(f.projectName).toBe("sentiment-service");
    expect(f.pythonRequires).toBe(">=3.10");
    expect(f.diagnostics).toEqual([]);
  });

  it("follows install_requires through a module-level variable and a + concatenation", () => {
    expect(f.dependencies.filter((d) => d.group === "main").map((d) => [d.name, d.evidence.line])).toEqual([
      ["torch", 6],
      ["transformers", 7],
      ["fastapi", 8],
      ["gunicorn", 21],
    ]);
    expect(byName(f.dependencies, "fastapi").extras).toEqual(["standard"]);
  });

  it("reads extras_require through a variable", () => {
    expect(f.dependencies.filter((d) => d.group?.startsWith("optional:")).map((d) => [d.name, d.group, d.evidence.line])).toEqual([
      ["nvidia-ml-py", "optional:gpu", 12],
      ["pytest", "optional:dev", 13],
      ["ruff", "optional:dev", 13],
    ]);
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of f.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });

  it("reads setuptools.setup under a __main__ guard, tuples, implicit concatenation and raw strings", () => {
    const g = parseSetupPy(
      `import setuptools\nif __name__ == "__main__":\n    setuptools.setup(name="x", install_requires=("gradio" ">=4", r"openai>=1.0", u'redis'))\n`,
      "setup.py",
    );
    expect(g.dependencies.map((d) => [d.name, d.specifier])).toEqual([
      ["gradio", ">=4"],
      ["openai", ">=1.0"],
      ["redis", undefined],
    ]);
  });

  it("follows **kwargs into a module-level dict(...)", () => {
    const g = parseSetupPy(`args = dict(\n    name="x",\n    install_requires=["celery[redis]>=5.3"],\n)\nsetup(**args)\n`, "setup.py");
    expect(g.dependencies.map((d) => [d.name, d.extras, d.evidence.line])).toEqual([["celery", ["redis"], 3]]);
    expect(g.projectName).toBe("x");
  });

  it("reads a newline-separated string", () => {
    const g = parseSetupPy(`setup(install_requires="""\nstreamlit>=1.30\npandas\n""")\n`, "setup.py");
    expect(g.dependencies.map((d) => [d.name, d.evidence.line])).toEqual([
      ["streamlit", 2],
      ["pandas", 3],
    ]);
  });

  it("reports computed values as setup-py-dynamic and records the requirements file they read", () => {
    const g = parseSetupPy(
      `def reqs(p):\n    return open(p).read().splitlines()\n\nsetup(\n    name=NAME,\n    install_requires=reqs("requirements/prod.txt"),\n    extras_require={"dev": [f"pytest=={V}"], **MORE},\n)\n`,
      "setup.py",
    );
    expect(g.dependencies).toEqual([]);
    expect(g.projectName).toBeUndefined();
    expect(g.includes).toEqual([{ kind: "requirement", path: "requirements/prod.txt", line: 6 }]);
    const dyn = g.diagnostics.filter((d) => d.code === "setup-py-dynamic");
    expect(dyn.map((d) => [d.level, d.evidence[0]?.line])).toEqual([
      ["info", 6],
      ["info", 7],
      ["info", 7],
    ]);
  });

  it("reports a list comprehension and a non-literal element as dynamic", () => {
    const g = parseSetupPy(`setup(install_requires=[l.strip() for l in open("requirements.txt")])\nsetup(install_requires=["ok", OTHER])\n`, "setup.py");
    expect(g.diagnostics.map((d) => d.code)).toEqual(["setup-py-dynamic"]);
    expect(g.includes).toEqual([{ kind: "requirement", path: "requirements.txt", line: 1 }]);
  });

  it("says so when there is no setup() call, and survives syntax errors", () => {
    expect(parseSetupPy(`print("hello")\n`, "setup.py").diagnostics.map((d) => d.code)).toEqual(["setup-py-no-setup-call"]);
    const g = parseSetupPy(`setup(install_requires=["flask",, "torch" ))]]\n  def (:\n`, "setup.py");
    expect(g.dependencies.map((d) => d.name)).toContain("flask");
  });

  it("bounds work on self-referencing and exponentially doubling bindings", () => {
    const chain = Array.from({ length: 60 }, (_, i) => `V${i} = V${i + 1} + V${i + 1}`).join("\n");
    const g = parseSetupPy(`A = A\n${chain}\nV60 = ["x"]\nsetup(install_requires=V0, extras_require={"a": A})\n`, "setup.py");
    expect(g.diagnostics.some((d) => d.code === "setup-py-dynamic")).toBe(true);
  });
});
