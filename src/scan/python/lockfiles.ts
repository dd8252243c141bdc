/**
 * Which Python package manager installs a folder, decided the way the build platforms decide it, so
 * shipfit predicts what Railway (Railpack/Nixpacks) will actually run rather than what looks tidiest.
 *
 * Precedence, and why:
 * 1. `requirements.txt` → pip. Nixpacks and Railpack both check it first, before pyproject.toml and
 *    any lockfile: a repo with requirements.txt *and* a poetry.lock is built with pip, and the lock
 *    is ignored. Only the exact name counts there, as on those platforms.
 * 2. pyproject.toml + a lockfile → that tool, in Railpack's order uv → poetry → pdm (a repo that
 *    somehow holds two lockfiles is built by the first).
 * 3. Pipfile → pipenv (lockfile Pipfile.lock when present). It beats a lockless pyproject.toml: such
 *    a pyproject.toml next to a Pipfile usually only configures tools (ruff, black, pytest), and
 *    Railpack checks Pipfile right after the pyproject lockfiles.
 * 4. pyproject.toml alone → poetry when it is a Poetry project (poetry can install without a lock),
 *    otherwise setuptools (`pip install .`), as Nixpacks does. (Railpack has no install step for a
 *    lockless pyproject.toml at all.)
 * 5. Any other `requirements*.txt` (requirements-prod.txt…) → pip; setup.py / setup.cfg → setuptools.
 * 6. Nothing recognisable → pip, the platforms' default.
 */

export type PythonPackageManager = "pip" | "poetry" | "uv" | "pdm" | "pipenv" | "setuptools";

/** Lockfiles that select a tool when they sit next to pyproject.toml, in precedence order. */
export const PYPROJECT_LOCKFILES: readonly { lockfile: string; manager: PythonPackageManager }[] = [
  { lockfile: "uv.lock", manager: "uv" },
  { lockfile: "poetry.lock", manager: "poetry" },
  { lockfile: "pdm.lock", manager: "pdm" },
];

/** Picks the package manager for one folder from the base names of the files in it. */
export function pythonPackageManager(
  filesInDir: Set<string>,
  pyprojectTool?: string,
): { manager: PythonPackageManager; lockfile?: string } {
  if (filesInDir.has("requirements.txt")) return { manager: "pip" };
  const hasPyproject = filesInDir.has("pyproject.toml");
  if (hasPyproject) {
    const locked = PYPROJECT_LOCKFILES.find((l) => filesInDir.has(l.lockfile));
    if (locked) return { manager: locked.manager, lockfile: locked.lockfile };
  }
  if (filesInDir.has("Pipfile")) {
    return filesInDir.has("Pipfile.lock") ? { manager: "pipenv", lockfile: "Pipfile.lock" } : { manager: "pipenv" };
  }
  if (hasPyproject) return { manager: pyprojectTool === "poetry" ? "poetry" : "setuptools" };
  for (const f of filesInDir) if (/^requirements.*\.txt$/.test(f)) return { manager: "pip" };
  if (filesInDir.has("setup.py") || filesInDir.has("setup.cfg")) return { manager: "setuptools" };
  return { manager: "pip" };
}
