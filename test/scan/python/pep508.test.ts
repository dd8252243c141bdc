import { describe, expect, it } from "vitest";
import { lineIndex } from "../../../src/core/evidence.js";
import {
  classifyUrl,
  nameFromUrl,
  normalizeName,
  parseRequirementSpec,
  pinnedOf,
  redactUrl,
  toDependency,
} from "../../../src/scan/python/pep508.js";

describe("normalizeName", () => {
  it("lowercases and collapses runs of - _ . (PEP 503)", () => {
    expect(normalizeName("Flask")).toBe("flask");
    expect(normalizeName("psycopg2_binary")).toBe("psycopg2-binary");
    expect(normalizeName("zope.interface")).toBe("zope-interface");
    expect(normalizeName("Foo__-._Bar")).toBe("foo-bar");
    expect(normalizeName("scikit-learn")).toBe("scikit-learn");
  });
});

describe("parseRequirementSpec", () => {
  it("reads a plain name", () => {
    expect(parseRequirementSpec("gunicorn")).toEqual({ name: "gunicorn", rawName: "gunicorn", extras: [] });
  });

  it("reads an exact pin with a local version label", () => {
    const r = parseRequirementSpec("torch==2.6.0+cpu");
    expect(r).toMatchObject({ name: "torch", specifier: "==2.6.0+cpu", pinned: "2.6.0+cpu", localVersion: "cpu" });
  });

  it("does not pin a wildcard or a range", () => {
    expect(parseRequirementSpec("numpy==1.26.*")?.pinned).toBeUndefined();
    const r = parseRequirementSpec("transformers >= 4.40, < 5");
    expect(r?.specifier).toBe(">=4.40,<5");
    expect(r?.pinned).toBeUndefined();
    expect(r?.localVersion).toBeUndefined();
  });

  it("pins with === and with == inside a clause list", () => {
    expect(parseRequirementSpec("xgboost===2.0.3")?.pinned).toBe("2.0.3");
    expect(parseRequirementSpec("xgboost>=2,==2.0.3")?.pinned).toBe("2.0.3");
  });

  it("reads extras, normalized", () => {
    const r = parseRequirementSpec("fastapi[standard]>=0.110");
    expect(r).toMatchObject({ name: "fastapi", extras: ["standard"], specifier: ">=0.110" });
    expect(parseRequirementSpec("uvicorn[ Standard , socks_proxy ]")?.extras).toEqual(["standard", "socks-proxy"]);
  });

  it("reads an environment marker", () => {
    const r = parseRequirementSpec('tomli>=2.0; python_version < "3.11"');
    expect(r).toMatchObject({ name: "tomli", specifier: ">=2.0", marker: 'python_version < "3.11"' });
  });

  it("reads the legacy parenthesised form Poetry 2 writes", () => {
    expect(parseRequirementSpec("torch (>=2.2.0,<3.0.0)")?.specifier).toBe(">=2.2.0,<3.0.0");
  });

  it("reads a direct URL reference and its marker", () => {
    const r = parseRequirementSpec(
      'torch @ https://download.pytorch.org/whl/cpu/torch-2.6.0%2Bcpu-cp311-cp311-linux_x86_64.whl ; sys_platform == "linux"',
    );
    expect(r?.name).toBe("torch");
    expect(r?.url).toBe("https://download.pytorch.org/whl/cpu/torch-2.6.0%2Bcpu-cp311-cp311-linux_x86_64.whl");
    expect(r?.marker).toBe('sys_platform == "linux"');
    expect(r?.specifier).toBeUndefined();
  });

  it("reads a VCS reference with extras", () => {
    const r = parseRequirementSpec("mylib[gpu] @ git+https://github.com/acme/mylib.git@v1.2");
    expect(r).toMatchObject({ name: "mylib", extras: ["gpu"], url: "git+https://github.com/acme/mylib.git@v1.2" });
  });

  it("returns null on garbage instead of throwing", () => {
    for (const bad of ["", "   ", "==1.0", "-e .", "torch==", "torch >=> 2", "foo[bar", "foo[b@r]", "foo @", "foo @ url trailing", "@@@", "\u0000\ud83d"]) {
      expect(parseRequirementSpec(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  // Sized so that quadratic backtracking would blow the test timeout (no timing assertion).
  it("handles a pathological line", () => {
    const long = "a" + ".".repeat(50_000) + "[" + ",".repeat(50_000);
    expect(parseRequirementSpec(long)).toBeNull();
  });
});

describe("pinnedOf", () => {
  it("reads == pins and, when asked, bare versions", () => {
    expect(pinnedOf("==2.6.0+cpu", false)).toEqual({ pinned: "2.6.0+cpu", localVersion: "cpu" });
    expect(pinnedOf("2.0.1", true)).toEqual({ pinned: "2.0.1" });
    expect(pinnedOf("2.0.1", false)).toEqual({});
    expect(pinnedOf("^2.2", true)).toEqual({});
    expect(pinnedOf("2.*", true)).toEqual({});
    expect(pinnedOf(">=1,<2", true)).toEqual({});
  });
});

describe("URL helpers", () => {
  it("classifies references", () => {
    expect(classifyUrl("git+https://github.com/a/b")).toBe("vcs");
    expect(classifyUrl("hg+https://hg.example.com/x")).toBe("vcs");
    expect(classifyUrl("file:///srv/wheels/x.whl")).toBe("path");
    expect(classifyUrl("./libs/x")).toBe("path");
    expect(classifyUrl("https://example.com/x.whl")).toBe("url");
  });

  it("takes the name from #egg=, a wheel, an sdist, or guesses from the path", () => {
    expect(nameFromUrl("git+https://github.com/acme/repo.git@main#egg=My_Lib")).toEqual({ name: "my-lib", guessed: false });
    expect(nameFromUrl("git+https://github.com/acme/repo.git#subdirectory=py&egg=mylib[gpu]")).toEqual({
      name: "mylib",
      extras: ["gpu"],
      guessed: false,
    });
    expect(nameFromUrl("https://download.pytorch.org/whl/cpu/torch-2.6.0%2Bcpu-cp311-cp311-linux_x86_64.whl")).toEqual({
      name: "torch",
      version: "2.6.0+cpu",
      guessed: false,
    });
    expect(nameFromUrl("https://files.example.com/sentence_transformers-2.7.0.tar.gz")).toEqual({
      name: "sentence-transformers",
      version: "2.7.0",
      guessed: false,
    });
    expect(nameFromUrl("git+https://github.com/openai/whisper.git@v20231117")).toEqual({ name: "whisper", guessed: true });
    expect(nameFromUrl("./packages/ml_core/")).toEqual({ name: "ml-core", guessed: true });
    expect(nameFromUrl(".")).toBeNull();
    expect(nameFromUrl("https://example.com/%E0%A4%A")).toBeNull();
  });

  it("redacts credentials but keeps env references and git@", () => {
    expect(redactUrl("https://user:s3cret@pypi.acme.dev/simple")).toBe("https://***@pypi.acme.dev/simple");
    expect(redactUrl("git+https://ghp_abcdef123@github.com/acme/x.git")).toBe("git+https://***@github.com/acme/x.git");
    expect(redactUrl("https://${PYPI_USER}:${PYPI_TOKEN}@pypi.acme.dev/simple")).toBe("https://${PYPI_USER}:${PYPI_TOKEN}@pypi.acme.dev/simple");
    expect(redactUrl("git+ssh://git@github.com/acme/x.git")).toBe("git+ssh://git@github.com/acme/x.git");
    expect(redactUrl("https://download.pytorch.org/whl/cpu")).toBe("https://download.pytorch.org/whl/cpu");
    expect(redactUrl("https://example.com/a@b")).toBe("https://example.com/a@b");
  });

  it("builds a Dependency with a redacted URL", () => {
    const req = parseRequirementSpec("x @ https://tok:en@h.example/x-1.0-py3-none-any.whl");
    expect(req).not.toBeNull();
    const dep = toDependency(req!, "requirements.txt", 3, "main");
    expect(dep).toEqual({
      name: "x",
      ecosystem: "pypi",
      source: "url",
      url: "https://***@h.example/x-1.0-py3-none-any.whl",
      group: "main",
      evidence: { file: "requirements.txt", line: 3 },
    });
  });

  it("maps offsets to 1-based lines", () => {
    const lineOf = lineIndex("a\nbb\n\nc");
    expect([0, 1, 2, 4, 5, 6].map(lineOf)).toEqual([1, 1, 2, 2, 3, 4]);
  });
});
