import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Dependency } from "../../../src/core/app-model.js";
import { parseRequirements } from "../../../src/scan/python/requirements.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/python-manifests/${p}`, import.meta.url)), "utf8");
const byName = (deps: Dependency[], name: string) => deps.find((d) => d.name === name);

describe("parseRequirements: a realistic production file", () => {
  const facts = parseRequirements(fixture("requirements/prod.txt"), "requirements/prod.txt");

  it("records -r / -c includes as written, with their lines", () => {
    expect(facts.kind).toBe("requirements");
    expect(facts.includes).toEqual([
      { kind: "requirement", path: "base.txt", line: 2 },
      { kind: "constraint", path: "../constraints/pins.txt", line: 3 },
    ]);
  });

  it("collects the CPU wheel index and the +cpu local version", () => {
    expect(facts.indexUrls).toEqual(["https://download.pytorch.org/whl/cpu"]);
    expect(byName(facts.dependencies, "torch")).toEqual({
      name: "torch",
      ecosystem: "pypi",
      specifier: "==2.6.0+cpu",
      pinned: "2.6.0+cpu",
      localVersion: "cpu",
      source: "registry",
      group: "main",
      evidence: { file: "requirements/prod.txt", line: 6 },
    });
  });

  it("strips trailing comments and per-requirement --hash options across continuations", () => {
    expect(byName(facts.dependencies, "transformers")).toMatchObject({ specifier: ">=4.40,<5", evidence: { line: 7 } });
    expect(byName(facts.dependencies, "gunicorn")).toMatchObject({ pinned: "22.0.0", evidence: { line: 8 } });
    expect(facts.dependencies.map((d) => d.name)).toEqual(["torch", "transformers", "gunicorn"]);
    expect(facts.diagnostics).toEqual([]);
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of facts.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });
});

describe("parseRequirements: the included base file", () => {
  const facts = parseRequirements(fixture("requirements/base.txt"), "requirements/base.txt");
  it("reads extras, pins and markers", () => {
    expect(byName(facts.dependencies, "fastapi")).toMatchObject({ extras: ["standard"], pinned: "0.115.6", evidence: { line: 1 } });
    expect(byName(facts.dependencies, "psycopg2-binary")).toMatchObject({ pinned: "2.9.10" });
    expect(byName(facts.dependencies, "xgboost")).toMatchObject({ pinned: "2.1.3", marker: 'platform_machine == "x86_64"', evidence: { line: 3 } });
    expect(byName(facts.dependencies, "python-dotenv")).toMatchObject({ source: "registry", group: "main" });
    expect(byName(facts.dependencies, "python-dotenv")?.specifier).toBeUndefined();
  });
});

describe("parseRequirements: every line form", () => {
  const file = "requirements-kitchen-sink.txt";
  const facts = parseRequirements(fixture(file), file);
  const dep = (n: string) => {
    const d = byName(facts.dependencies, n);
    expect(d, n).toBeDefined();
    return d!;
  };

  it("collects index URLs (redacted) and remote find-links, not local ones", () => {
    expect(facts.indexUrls).toEqual([
      "https://pypi.org/simple",
      "https://***@pypi.internal.example/simple",
      "https://download.pytorch.org/whl/torch_stable.html",
    ]);
    expect(JSON.stringify(facts)).not.toContain("hunter2");
  });

  it("reads --requirement= and --constraint forms", () => {
    expect(facts.includes).toEqual([
      { kind: "requirement", path: "requirements/common.txt", line: 7 },
      { kind: "constraint", path: "constraints.txt", line: 8 },
    ]);
  });

  it("reads editable installs: local path with extras, VCS with #egg=", () => {
    expect(dep("ml-core")).toMatchObject({ source: "path", url: "./libs/ml_core", extras: ["gpu"], evidence: { line: 10 } });
    expect(dep("vision-utils")).toMatchObject({
      source: "vcs",
      url: "git+https://github.com/acme/vision-utils.git@v0.3.1#egg=vision_utils",
      evidence: { line: 11 },
    });
  });

  it("turns `-e .` into an info diagnostic, not a nameless dependency", () => {
    expect(facts.diagnostics).toContainEqual(expect.objectContaining({ level: "info", code: "requirements-local-project", evidence: [{ file, line: 9 }] }));
  });

  it("reads VCS requirements, keeping ${VAR} references and guessing a missing name", () => {
    expect(dep("private-models")).toMatchObject({
      source: "vcs",
      url: "git+https://${GITHUB_TOKEN}@github.com/acme/private-models.git@main#egg=private-models",
      evidence: { line: 12 },
    });
    expect(dep("whisper")).toMatchObject({ source: "vcs", evidence: { line: 13, note: "name guessed from the URL or path" } });
  });

  it("reads wheel URLs and local wheels, with the version from the file name", () => {
    expect(dep("torchvision")).toMatchObject({ source: "url", pinned: "0.21.0+cpu", localVersion: "cpu", evidence: { line: 14 } });
    expect(dep("tokenizers-patched")).toMatchObject({ source: "path", pinned: "0.19.1", evidence: { line: 15 } });
    expect(dep("feature-store")).toMatchObject({ source: "path", url: "file:../shared/feature-store", evidence: { line: 16 } });
  });

  it("reads name @ url, markers, normalized names, wildcards and spaced specifiers", () => {
    expect(dep("sentence-transformers")).toMatchObject({ source: "vcs", evidence: { line: 17 } });
    expect(dep("tomli")).toMatchObject({ specifier: ">=2.0.1", marker: 'python_version < "3.11"', evidence: { line: 18 } });
    expect(dep("flask-socketio")).toMatchObject({ specifier: ">=5.3", evidence: { line: 19 } });
    expect(dep("numpy")).toMatchObject({ specifier: "==1.26.*" });
    expect(dep("numpy").pinned).toBeUndefined();
    expect(dep("celery")).toMatchObject({ extras: ["redis"], specifier: ">=5.3,<6", evidence: { line: 21 } });
  });

  it("joins a continuation onto the first line's number", () => {
    expect(dep("redis")).toMatchObject({ pinned: "5.0.8", evidence: { line: 23 } });
    expect(dep("uvicorn")).toMatchObject({ pinned: "0.30.6", extras: ["standard"], evidence: { line: 25 } });
  });

  it("reports unknown options and unparseable lines without throwing", () => {
    expect(facts.diagnostics).toContainEqual(expect.objectContaining({ level: "info", code: "requirements-unknown-option", evidence: [{ file, line: 26 }] }));
    expect(facts.diagnostics).toContainEqual(expect.objectContaining({ level: "warning", code: "requirements-unparsed-line", evidence: [{ file, line: 27 }] }));
    expect(facts.dependencies.some((d) => d.name === "this")).toBe(false);
  });

  it("every dependency validates against the AppModel schema", () => {
    for (const d of facts.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });
});

describe("parseRequirements: pip's comment and continuation rules", () => {
  it("keeps a # that does not follow whitespace (URL fragments)", () => {
    const f = parseRequirements("https://example.com/pkgs/mylib-1.0.tar.gz#sha256=abc\n", "r.txt");
    expect(f.dependencies[0]).toMatchObject({ name: "mylib", pinned: "1.0", url: "https://example.com/pkgs/mylib-1.0.tar.gz#sha256=abc" });
  });

  it("a comment line ends a continuation, and CRLF files work", () => {
    const f = parseRequirements("flask==3.0.3 \\\r\n# trailing\r\ngradio\r\n", "r.txt");
    expect(f.dependencies.map((d) => [d.name, d.evidence.line])).toEqual([
      ["flask", 1],
      ["gradio", 3],
    ]);
  });

  it("a continuation at end of file still yields its line", () => {
    const f = parseRequirements("streamlit>=1.30 \\", "r.txt");
    expect(f.dependencies.map((d) => d.name)).toEqual(["streamlit"]);
  });

  it("an option without a value is a warning", () => {
    const f = parseRequirements("-r\n--index-url=\n", "r.txt");
    expect(f.includes).toEqual([]);
    expect(f.diagnostics.map((d) => d.code)).toEqual(["requirements-unparsed-line", "requirements-unparsed-line"]);
  });

  it("a URL without any usable name is a warning", () => {
    const f = parseRequirements("https://example.com/\n", "r.txt");
    expect(f.dependencies).toEqual([]);
    expect(f.diagnostics[0]).toMatchObject({ code: "requirements-unparsed-line", evidence: [{ file: "r.txt", line: 1 }] });
  });

  it("handles an empty file and a quoted include path", () => {
    expect(parseRequirements("", "r.txt")).toEqual({ kind: "requirements", dependencies: [], includes: [], indexUrls: [], diagnostics: [] });
    expect(parseRequirements('-r "my reqs/base.txt"\n', "r.txt").includes).toEqual([{ kind: "requirement", path: "my reqs/base.txt", line: 1 }]);
  });

  // Sized so that quadratic scanning would blow the test timeout (no timing assertion).
  it("handles long runs of spaces, backslashes and brackets", () => {
    const nasty = "a" + " ".repeat(100_000) + "#x\n" + "\\".repeat(100_000) + "b\n" + "./x" + "[".repeat(100_000) + "]\n" + "c\\".repeat(50_000);
    const f = parseRequirements(nasty, "r.txt");
    expect(f.dependencies.map((d) => [d.name, d.evidence.line])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 4],
    ]);
    expect(f.diagnostics.map((d) => [d.code, d.evidence[0]?.line])).toEqual([["requirements-local-project", 3]]);
  });
});

describe("parseRequirements: global options after a requirement", () => {
  it("warns that pip drops them (pypa/pip#7050) and does not count the index as used", () => {
    const f = parseRequirements("torch==2.6.0+cpu --extra-index-url https://download.pytorch.org/whl/cpu\n", "requirements.txt");
    expect(f.dependencies[0]).toMatchObject({ name: "torch", localVersion: "cpu" });
    expect(f.indexUrls).toEqual([]);
    expect(f.diagnostics).toEqual([
      expect.objectContaining({ level: "warning", code: "requirements-option-ignored", evidence: [{ file: "requirements.txt", line: 1 }] }),
    ]);
  });

  it("accepts per-requirement options silently", () => {
    const f = parseRequirements("gunicorn==22.0.0 --hash sha256:abc --config-settings=x=y\n", "requirements.txt");
    expect(f.dependencies.map((d) => d.name)).toEqual(["gunicorn"]);
    expect(f.diagnostics).toEqual([]);
  });
});
