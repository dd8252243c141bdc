import { describe, expect, it } from "vitest";
import { Dependency } from "../../../src/core/app-model.js";
import { parsePipfile } from "../../../src/scan/python/pipfile.js";

const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.pytorch.org/whl/cpu"
verify_ssl = true
name = "pytorch"

[packages]
flask = "*"
gunicorn = "==22.0.0"
torch = {version = "==2.6.0+cpu", index = "pytorch"}
transformers = ">=4.40,<5"
celery = {extras = ["redis"], version = "~=5.4"}
psycopg2-binary = "*"
xgboost = {version = "*", sys_platform = "== 'linux'", platform_machine = "== 'x86_64'"}
pywin32 = {version = "*", markers = "sys_platform == 'win32'"}
ml-core = {path = "./libs/ml_core", editable = true}
vision-utils = {git = "https://github.com/acme/vision-utils.git", ref = "v0.3.1"}
Flask_Cors = "*"

[dev-packages]
pytest = "*"
black = "==24.4.2"

[requires]
python_version = "3.11"
`;

const byName = (deps: Dependency[], name: string) => {
  const d = deps.find((x) => x.name === name);
  expect(d, name).toBeDefined();
  return d!;
};

describe("parsePipfile", () => {
  const f = parsePipfile(PIPFILE, "Pipfile");

  it("collects [[source]] URLs and the Python version", () => {
    expect(f.kind).toBe("pipfile");
    expect(f.indexUrls).toEqual(["https://pypi.org/simple", "https://download.pytorch.org/whl/cpu"]);
    expect(f.pythonRequires).toBe("3.11");
    expect(f.diagnostics).toEqual([]);
  });

  it('reads "*" as no specifier and == as a pin', () => {
    expect(byName(f.dependencies, "flask")).toEqual({
      name: "flask",
      ecosystem: "pypi",
      source: "registry",
      group: "main",
      evidence: { file: "Pipfile", line: 12 },
    });
    expect(byName(f.dependencies, "gunicorn")).toMatchObject({ specifier: "==22.0.0", pinned: "22.0.0", evidence: { line: 13 } });
    expect(byName(f.dependencies, "transformers")).toMatchObject({ specifier: ">=4.40,<5" });
  });

  it("reads the table form: version, index, extras, markers, path, git", () => {
    expect(byName(f.dependencies, "torch")).toMatchObject({
      pinned: "2.6.0+cpu",
      localVersion: "cpu",
      evidence: { line: 14, note: "index pytorch" },
    });
    expect(byName(f.dependencies, "celery")).toMatchObject({ extras: ["redis"], specifier: "~=5.4" });
    expect(byName(f.dependencies, "xgboost")).toMatchObject({ marker: "(sys_platform == 'linux') and (platform_machine == 'x86_64')" });
    expect(byName(f.dependencies, "xgboost").specifier).toBeUndefined();
    expect(byName(f.dependencies, "pywin32")).toMatchObject({ marker: "sys_platform == 'win32'" });
    expect(byName(f.dependencies, "ml-core")).toMatchObject({ source: "path", url: "./libs/ml_core" });
    expect(byName(f.dependencies, "vision-utils")).toMatchObject({ source: "vcs", url: "git+https://github.com/acme/vision-utils.git@v0.3.1" });
    expect(byName(f.dependencies, "flask-cors")).toMatchObject({ evidence: { line: 22 } });
  });

  it("puts [dev-packages] in the dev group", () => {
    expect(f.dependencies.filter((d) => d.group === "dev").map((d) => d.name)).toEqual(["pytest", "black"]);
    expect(byName(f.dependencies, "black")).toMatchObject({ pinned: "24.4.2", evidence: { line: 26 } });
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of f.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });

  it("prefers python_full_version", () => {
    expect(parsePipfile(`[requires]\npython_version = "3.11"\npython_full_version = "3.11.9"\n`, "Pipfile").pythonRequires).toBe("3.11.9");
  });

  it("redacts credentials in source URLs", () => {
    const out = parsePipfile(`[[source]]\nurl = "https://deploy:t0ken@pypi.acme.dev/simple"\nname = "acme"\n`, "Pipfile");
    expect(out.indexUrls).toEqual(["https://***@pypi.acme.dev/simple"]);
  });

  it("reports bad TOML, bad entries and unknown indexes without throwing", () => {
    expect(parsePipfile(`[packages]\nflask = "*\n`, "Pipfile").diagnostics[0]).toMatchObject({
      level: "error",
      code: "manifest-parse-error",
      evidence: [{ file: "Pipfile", line: 2 }],
    });
    const f2 = parsePipfile(`packages = 3\n[dev-packages]\npytest = 8\ntorch = {version = "*", index = "gpu"}\n`, "Pipfile");
    expect(f2.diagnostics.map((d) => [d.code, d.evidence[0]?.line])).toEqual([
      ["pipfile-invalid-field", 1],
      ["manifest-unparsed-dependency", 3],
      ["pipfile-unknown-index", 4],
    ]);
    expect(f2.dependencies.map((d) => d.name)).toEqual(["torch"]);
  });
});
