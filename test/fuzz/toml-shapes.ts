/**
 * fast-check arbitraries for TOML documents shaped like Python manifests but with values of every
 * type at every known key: mutation fuzzing mostly produces invalid TOML, so this reaches the code
 * that walks parsed tables with wrong types (a string where a table is expected, numbers in lists…).
 */
import fc from "fast-check";
import { stringify } from "smol-toml";

const WORDS = [
  "torch==2.6.0+cpu", "fastapi[standard]>=0.115", "^2.2", "*", "==1.0", "~=5.4", "https://download.pytorch.org/whl/cpu",
  "git+https://github.com/acme/x.git", "pytorch-cpu", "./libs/x", "sys_platform == 'linux'", "python", "", "not a req!!",
];
const KEYS = [
  "version", "extras", "markers", "git", "path", "url", "file", "source", "index", "name", "include-group", "rev", "tag",
  "branch", "ref", "workspace", "editable", "torch", "Flask_Cors", "dev", "python", "sys_platform", "python_version",
];

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...WORDS),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.boolean(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("value"), { maxKeys: 4 }),
  ),
}));

/** A value, or (half the time) nothing at all at that key. */
const maybe = fc.option(value, { nil: undefined, freq: 2 });

function prune(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = typeof v === "object" && v !== null && !Array.isArray(v) ? prune(v as Record<string, unknown>) : v;
  }
  return out;
}

/** TOML text for a pyproject.toml-shaped document with arbitrary values. */
export const pyprojectText = fc
  .record({
    project: fc.record({ name: maybe, "requires-python": maybe, dependencies: maybe, "optional-dependencies": maybe }),
    "dependency-groups": maybe,
    "build-system": fc.record({ "build-backend": maybe }),
    tool: fc.record({
      poetry: fc.record({ name: maybe, dependencies: maybe, "dev-dependencies": maybe, group: maybe, source: maybe }),
      uv: fc.record({ sources: maybe, index: maybe, "extra-index-url": maybe, "index-url": maybe }),
      pdm: fc.record({ "dev-dependencies": maybe, source: maybe }),
      setuptools: fc.record({ dynamic: maybe }),
    }),
  })
  .map((doc) => stringify(prune(doc)));

/** TOML text for a Pipfile-shaped document with arbitrary values. */
export const pipfileText = fc
  .record({ source: maybe, packages: maybe, "dev-packages": maybe, requires: maybe })
  .map((doc) => stringify(prune(doc)));
