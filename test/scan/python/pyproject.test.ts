import { describe, expect, it } from "vitest";
import { Dependency } from "../../../src/core/app-model.js";
import { parsePyproject, TomlLines } from "../../../src/scan/python/pyproject.js";

const UV_PROJECT = `[project]
name = "sentiment-api"
version = "0.1.0"
requires-python = ">=3.11,<3.13"
dependencies = [
    "fastapi[standard]>=0.115",
    "torch>=2.6.0",
    "transformers==4.46.3",
    "psycopg2-binary>=2.9",
    'gunicorn>=22; sys_platform != "win32"',
    "shared-utils",
    "vision",
]

[project.optional-dependencies]
gpu = ["nvidia-ml-py>=12"]
train = [
    "xgboost>=2.1",
    "scikit-learn",
]

[dependency-groups]
dev = ["pytest>=8", "ruff", { include-group = "lint" }]
lint = ["mypy"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.uv.sources]
torch = { index = "pytorch-cpu" }
shared-utils = { path = "../shared-utils", editable = true }
vision = { git = "https://github.com/acme/vision", tag = "v0.2" }

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true
`;

const POETRY_PROJECT = `[tool.poetry]
name = "doc-qa"
version = "0.3.0"
description = "RAG over PDFs"
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
fastapi = {extras = ["standard"], version = "^0.115.0"}
torch = {version = "^2.2", source = "pytorch-cpu"}
transformers = "4.46.3"
sentence-transformers = "*"
psycopg2-binary = "~2.9.9"
gunicorn = { version = ">=22.0", markers = "sys_platform == 'linux'" }
my-lib = { path = "../my-lib", develop = true }
whisper = { git = "https://github.com/openai/whisper.git", rev = "v20231117" }
xgboost = [
    { version = "2.1.3", markers = "platform_machine == 'x86_64'" },
    { version = "2.0.3", markers = "platform_machine == 'aarch64'" },
]
numpy = { url = "https://example.com/numpy-1.26.4-cp311-cp311-linux_x86_64.whl" }

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
black = "^24.1"

[tool.poetry.dev-dependencies]
ipython = "^8"

[[tool.poetry.source]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
priority = "explicit"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
`;

const byName = (deps: Dependency[], name: string) => {
  const d = deps.find((x) => x.name === name);
  expect(d, name).toBeDefined();
  return d!;
};

describe("parsePyproject: PEP 621 + PEP 735 + uv", () => {
  const f = parsePyproject(UV_PROJECT, "pyproject.toml");

  it("reads name, requires-python and the build backend", () => {
    expect(f.kind).toBe("pyproject");
    expect(f.projectName).toBe("sentiment-api");
    expect(f.pythonRequires).toBe(">=3.11,<3.13");
    expect(f.tool).toBe("hatchling");
    expect(f.diagnostics).toEqual([]);
  });

  it("reads [project].dependencies with their lines", () => {
    expect(byName(f.dependencies, "fastapi")).toMatchObject({ extras: ["standard"], specifier: ">=0.115", group: "main", evidence: { line: 6 } });
    expect(byName(f.dependencies, "transformers")).toMatchObject({ pinned: "4.46.3", evidence: { line: 8 } });
    expect(byName(f.dependencies, "gunicorn")).toMatchObject({ marker: 'sys_platform != "win32"', evidence: { line: 10 } });
  });

  it("puts optional dependencies in optional:<extra> and dependency groups in <group>", () => {
    expect(byName(f.dependencies, "nvidia-ml-py")).toMatchObject({ group: "optional:gpu", evidence: { line: 16 } });
    expect(byName(f.dependencies, "xgboost")).toMatchObject({ group: "optional:train", evidence: { line: 18 } });
    expect(byName(f.dependencies, "scikit-learn")).toMatchObject({ group: "optional:train", evidence: { line: 19 } });
    expect(byName(f.dependencies, "pytest")).toMatchObject({ group: "dev", evidence: { line: 23 } });
    expect(byName(f.dependencies, "mypy")).toMatchObject({ group: "lint", evidence: { line: 24 } });
    // The include-group table is a reference to "lint", not a dependency of its own.
    expect(f.dependencies.filter((d) => d.group === "dev").map((d) => d.name)).toEqual(["pytest", "ruff"]);
  });

  it("makes the uv CPU index visible and applies [tool.uv.sources]", () => {
    expect(f.indexUrls).toEqual(["https://download.pytorch.org/whl/cpu"]);
    expect(byName(f.dependencies, "torch")).toMatchObject({ source: "registry", evidence: { line: 7, note: "index pytorch-cpu" } });
    expect(byName(f.dependencies, "shared-utils")).toMatchObject({ source: "path", url: "../shared-utils" });
    expect(byName(f.dependencies, "vision")).toMatchObject({ source: "vcs", url: "git+https://github.com/acme/vision@v0.2" });
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of f.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });
});

describe("parsePyproject: Poetry", () => {
  const f = parsePyproject(POETRY_PROJECT, "pyproject.toml");

  it("takes python as pythonRequires, not as a dependency, and names the tool", () => {
    expect(f.pythonRequires).toBe("^3.11");
    expect(f.dependencies.some((d) => d.name === "python")).toBe(false);
    expect(f.tool).toBe("poetry");
    expect(f.projectName).toBe("doc-qa");
  });

  it("reads string and table forms, caret/tilde kept as written, bare versions pinned", () => {
    expect(byName(f.dependencies, "fastapi")).toMatchObject({ specifier: "^0.115.0", extras: ["standard"], group: "main", evidence: { line: 9 } });
    expect(byName(f.dependencies, "transformers")).toMatchObject({ specifier: "4.46.3", pinned: "4.46.3", evidence: { line: 11 } });
    expect(byName(f.dependencies, "sentence-transformers").specifier).toBeUndefined();
    expect(byName(f.dependencies, "psycopg2-binary")).toMatchObject({ specifier: "~2.9.9" });
    expect(byName(f.dependencies, "psycopg2-binary").pinned).toBeUndefined();
    expect(byName(f.dependencies, "gunicorn")).toMatchObject({ marker: "sys_platform == 'linux'" });
  });

  it("records torch's named source and the source URL", () => {
    expect(byName(f.dependencies, "torch")).toMatchObject({ specifier: "^2.2", evidence: { line: 10, note: "index pytorch-cpu" } });
    expect(f.indexUrls).toEqual(["https://download.pytorch.org/whl/cpu"]);
  });

  it("reads path, git and url references", () => {
    expect(byName(f.dependencies, "my-lib")).toMatchObject({ source: "path", url: "../my-lib" });
    expect(byName(f.dependencies, "whisper")).toMatchObject({ source: "vcs", url: "git+https://github.com/openai/whisper.git@v20231117" });
    expect(byName(f.dependencies, "numpy")).toMatchObject({ source: "url" });
  });

  it("reads a list of constraint tables as one dependency per entry", () => {
    const xgb = f.dependencies.filter((d) => d.name === "xgboost");
    expect(xgb.map((d) => [d.pinned, d.marker, d.evidence.line])).toEqual([
      ["2.1.3", "platform_machine == 'x86_64'", 17],
      ["2.0.3", "platform_machine == 'aarch64'", 17],
    ]);
  });

  it("reads groups and legacy dev-dependencies", () => {
    expect(byName(f.dependencies, "pytest")).toMatchObject({ group: "dev", specifier: "^8.0", evidence: { line: 24 } });
    expect(byName(f.dependencies, "black")).toMatchObject({ group: "dev", evidence: { line: 25 } });
    expect(byName(f.dependencies, "ipython")).toMatchObject({ group: "dev", evidence: { line: 28 } });
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of f.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });
});

describe("parsePyproject: PDM, dynamic dependencies, tools", () => {
  it("reads PDM dev-dependencies and sources, keeping ${VAR} credentials as names", () => {
    const f = parsePyproject(
      `[project]
name = "chatbot"
requires-python = ">=3.10"
dependencies = ["gradio>=4.44", "openai>=1.40"]

[tool.pdm.dev-dependencies]
test = ["pytest>=8"]

[[tool.pdm.source]]
name = "private"
url = "https://\${PDM_USER}:\${PDM_PASS}@pypi.acme.dev/simple"

[build-system]
requires = ["pdm-backend"]
build-backend = "pdm.backend"
`,
      "pyproject.toml",
    );
    expect(f.tool).toBe("pdm");
    expect(f.dependencies.map((d) => [d.name, d.group, d.evidence.line])).toEqual([
      ["gradio", "main", 4],
      ["openai", "main", 4],
      ["pytest", "test", 7],
    ]);
    expect(f.indexUrls).toEqual(["https://${PDM_USER}:${PDM_PASS}@pypi.acme.dev/simple"]);
  });

  it("redacts literal credentials in index URLs", () => {
    const f = parsePyproject(`[[tool.uv.index]]\nname = "corp"\nurl = "https://bob:pa55word@pypi.corp.example/simple"\n`, "pyproject.toml");
    expect(f.indexUrls).toEqual(["https://***@pypi.corp.example/simple"]);
    expect(JSON.stringify(f)).not.toContain("pa55word");
  });

  it("records setuptools dynamic dependency files as includes", () => {
    const f = parsePyproject(
      `[project]
name = "legacy"
dynamic = ["dependencies", "optional-dependencies"]

[tool.setuptools.dynamic]
dependencies = { file = ["requirements/base.txt"] }
optional-dependencies.gpu = { file = ["requirements/gpu.txt"] }

[build-system]
build-backend = "setuptools.build_meta:__legacy__"
`,
      "pyproject.toml",
    );
    expect(f.tool).toBe("setuptools");
    expect(f.includes).toEqual([
      { kind: "requirement", path: "requirements/base.txt", line: 6 },
      { kind: "requirement", path: "requirements/gpu.txt", line: 7 },
    ]);
  });

  it("names the tool from the backend, else poetry when [tool.poetry] exists", () => {
    const tool = (t: string) => parsePyproject(t, "pyproject.toml").tool;
    expect(tool(`[build-system]\nbuild-backend = "flit_core.buildapi"`)).toBe("flit");
    expect(tool(`[build-system]\nbuild-backend = "uv_build"`)).toBe("uv");
    expect(tool(`[tool.poetry]\nname = "x"`)).toBe("poetry");
    expect(tool(`[project]\nname = "x"`)).toBeUndefined();
  });

  it("prefers requires-python over Poetry's python dependency", () => {
    const f = parsePyproject(`[project]\nrequires-python = ">=3.12"\n[tool.poetry.dependencies]\npython = "^3.10"\n`, "p.toml");
    expect(f.pythonRequires).toBe(">=3.12");
  });
});

describe("parsePyproject: bad input", () => {
  it("reports invalid TOML with smol-toml's line", () => {
    const f = parsePyproject(`[project]\nname = "x"\ndependencies = [\n  "torch",\n  "fastapi"\n[tool.x]\n`, "pyproject.toml");
    expect(f.dependencies).toEqual([]);
    expect(f.diagnostics).toHaveLength(1);
    expect(f.diagnostics[0]).toMatchObject({ level: "error", code: "manifest-parse-error" });
    expect(f.diagnostics[0]?.evidence[0]?.line).toBeGreaterThanOrEqual(5);
  });

  it("warns about a field of the wrong type and an unreadable requirement", () => {
    const f = parsePyproject(`[project]\ndependencies = "torch"\noptional-dependencies = { x = ["ok", "torch ==", 42] }\n`, "p.toml");
    expect(f.diagnostics.map((d) => [d.code, d.evidence[0]?.line])).toEqual([
      ["pyproject-invalid-field", 2],
      ["manifest-unparsed-dependency", 3],
    ]);
    expect(f.dependencies.map((d) => d.name)).toEqual(["ok"]);
  });

  it("reports a source name no table declares, and non-string poetry constraints", () => {
    const f = parsePyproject(`[tool.poetry.dependencies]\ntorch = { version = "^2", source = "nowhere" }\nbad = 3\n"not a name!" = "1"\n`, "p.toml");
    expect(f.diagnostics.map((d) => [d.code, d.evidence[0]?.line])).toEqual([
      ["pyproject-unknown-index", 2],
      ["manifest-unparsed-dependency", 3],
      ["manifest-unparsed-dependency", 4],
    ]);
  });
});

describe("TomlLines", () => {
  it("falls back from needle to key to header to the nearest ancestor, never below 1", () => {
    const lines = new TomlLines(`# c\n[project]\nname = "x"\ndependencies = [\n  "a",\n]\n[tool.poetry.dependencies]\ntorch = "^2"\n`);
    expect(lines.locate("project", { key: "dependencies", needle: "a" })).toBe(5);
    expect(lines.locate("project", { key: "dependencies", needle: "zzz" })).toBe(4);
    expect(lines.locate("project", { key: "nope" })).toBe(2);
    expect(lines.locate("project.optional-dependencies")).toBe(2);
    expect(lines.locate("tool.poetry.dependencies", { key: "torch" })).toBe(8);
    expect(lines.locate("nothing.here")).toBe(1);
    expect(new TomlLines("").locate("x", { key: "y", needle: "z" })).toBe(1);
  });
});

describe("parsePyproject: wrongly typed tables", () => {
  it("points at the key line of a table that is a scalar", () => {
    const f = parsePyproject(`[project]\nname = "x"\noptional-dependencies = 3\n[tool.poetry]\ndependencies = "torch"\n`, "p.toml");
    expect(f.diagnostics.map((d) => [d.code, d.evidence[0]?.line])).toEqual([
      ["pyproject-invalid-field", 3],
      ["pyproject-invalid-field", 5],
    ]);
  });
});

describe("parsePyproject: large manifests", () => {
  it("locates every entry of a 20,000-entry list (indexed lookups, no rescans)", () => {
    const deps = Array.from({ length: 20_000 }, (_, i) => `    "pkg${i}>=1.${i}",`).join("\n");
    const f = parsePyproject(`[project]\ndependencies = [\n${deps}\n]\n`, "pyproject.toml");
    expect(f.dependencies).toHaveLength(20_000);
    expect(f.dependencies[19_999]).toMatchObject({ name: "pkg19999", evidence: { line: 20_002 } });
  });
});
