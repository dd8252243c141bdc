import { describe, expect, it } from "vitest";
import { PYPROJECT_LOCKFILES, pythonPackageManager } from "../../../src/scan/python/lockfiles.js";

const pm = (files: string[], tool?: string) => pythonPackageManager(new Set(files), tool);

describe("pythonPackageManager", () => {
  it("requirements.txt wins over pyproject.toml and any lockfile (Nixpacks/Railpack)", () => {
    expect(pm(["requirements.txt", "pyproject.toml", "poetry.lock"], "poetry")).toEqual({ manager: "pip" });
    expect(pm(["requirements.txt", "pyproject.toml", "uv.lock"])).toEqual({ manager: "pip" });
    expect(pm(["requirements.txt", "Pipfile", "Pipfile.lock"])).toEqual({ manager: "pip" });
  });

  it("pyproject.toml + a lockfile picks that tool", () => {
    expect(pm(["pyproject.toml", "uv.lock"])).toEqual({ manager: "uv", lockfile: "uv.lock" });
    expect(pm(["pyproject.toml", "poetry.lock"], "poetry")).toEqual({ manager: "poetry", lockfile: "poetry.lock" });
    expect(pm(["pyproject.toml", "pdm.lock"], "pdm")).toEqual({ manager: "pdm", lockfile: "pdm.lock" });
  });

  it("with two lockfiles, follows Railpack's order uv → poetry → pdm", () => {
    expect(pm(["pyproject.toml", "poetry.lock", "uv.lock"], "poetry")).toEqual({ manager: "uv", lockfile: "uv.lock" });
    expect(pm(["pyproject.toml", "pdm.lock", "poetry.lock"])).toEqual({ manager: "poetry", lockfile: "poetry.lock" });
    expect(PYPROJECT_LOCKFILES.map((l) => l.manager)).toEqual(["uv", "poetry", "pdm"]);
  });

  it("a lockfile without pyproject.toml does not select its tool", () => {
    expect(pm(["uv.lock"])).toEqual({ manager: "pip" });
    expect(pm(["poetry.lock", "setup.py"])).toEqual({ manager: "setuptools" });
  });

  it("pyproject.toml alone: poetry for a Poetry project, else setuptools", () => {
    expect(pm(["pyproject.toml"], "poetry")).toEqual({ manager: "poetry" });
    expect(pm(["pyproject.toml"], "hatchling")).toEqual({ manager: "setuptools" });
    expect(pm(["pyproject.toml"])).toEqual({ manager: "setuptools" });
  });

  it("Pipfile → pipenv, with Pipfile.lock when present, ahead of a lockless pyproject.toml", () => {
    expect(pm(["Pipfile", "Pipfile.lock"])).toEqual({ manager: "pipenv", lockfile: "Pipfile.lock" });
    expect(pm(["Pipfile"])).toEqual({ manager: "pipenv" });
    expect(pm(["Pipfile", "Pipfile.lock", "pyproject.toml"])).toEqual({ manager: "pipenv", lockfile: "Pipfile.lock" });
    expect(pm(["Pipfile", "pyproject.toml", "uv.lock"])).toEqual({ manager: "uv", lockfile: "uv.lock" });
  });

  it("other requirements*.txt only decide when nothing else does", () => {
    expect(pm(["requirements-prod.txt"])).toEqual({ manager: "pip" });
    expect(pm(["requirements-dev.txt", "pyproject.toml", "uv.lock"])).toEqual({ manager: "uv", lockfile: "uv.lock" });
    expect(pm(["requirements-dev.txt", "setup.py"])).toEqual({ manager: "pip" });
  });

  it("setup.py / setup.cfg → setuptools; nothing → pip", () => {
    expect(pm(["setup.cfg"])).toEqual({ manager: "setuptools" });
    expect(pm(["setup.py", "app.py"])).toEqual({ manager: "setuptools" });
    expect(pm([])).toEqual({ manager: "pip" });
  });
});
