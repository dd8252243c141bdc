import { describe, expect, it } from "vitest";
import { parsePythonVersionFile, parseRuntimeTxt } from "../../../src/scan/deploy/runtime.js";

describe("parseRuntimeTxt", () => {
  it("reads python-X.Y.Z", () => {
    expect(parseRuntimeTxt("python-3.11.9\n", "runtime.txt")).toEqual({
      deployFile: { file: "runtime.txt", kind: "runtime.txt", processes: [], pythonVersion: "3.11.9", pythonVersionLine: 1 },
      diagnostics: [],
    });
    expect(parseRuntimeTxt("\n  python-3.12  \r\n", "api/runtime.txt").deployFile.pythonVersion).toBe("3.12");
  });

  it("reports anything else as a parse error with its line", () => {
    const r = parseRuntimeTxt("\n3.11\n", "runtime.txt");
    expect(r.deployFile.pythonVersion).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: "deploy-parse-error", evidence: [{ file: "runtime.txt", line: 2 }] })]);
    expect(parseRuntimeTxt("", "runtime.txt").diagnostics[0]!.code).toBe("deploy-parse-error");
  });
});

describe("parsePythonVersionFile", () => {
  it("reads the first version line, skipping comments", () => {
    expect(parsePythonVersionFile("# pinned for torch\n3.11.9\n3.10\n", ".python-version").deployFile).toEqual({
      file: ".python-version",
      kind: "python-version",
      processes: [],
      pythonVersion: "3.11.9",
      pythonVersionLine: 2,
    });
    expect(parsePythonVersionFile("3.12\n", ".python-version").deployFile.pythonVersion).toBe("3.12");
    expect(parsePythonVersionFile("cpython-3.12.1-linux-x86_64-gnu\n", ".python-version").deployFile.pythonVersion).toBe("3.12.1");
  });

  it("warns about names that are not versions and empty files", () => {
    expect(parsePythonVersionFile("my-venv\n", ".python-version").diagnostics.map((d) => d.code)).toEqual(["python-version-unrecognized"]);
    expect(parsePythonVersionFile("\n# nothing\n", ".python-version").diagnostics.map((d) => d.code)).toEqual(["python-version-empty"]);
    expect(parsePythonVersionFile("\0", ".python-version").diagnostics.map((d) => d.code)).toEqual(["deploy-parse-error"]);
  });
});
