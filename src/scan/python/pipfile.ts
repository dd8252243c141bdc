/**
 * Pipfile (pipenv): `[packages]` and `[dev-packages]`, `[[source]]` indexes and `[requires]` Python.
 * Values are `"*"`, a specifier string, or a table (`version`, `extras`, `git`, `path`, `index`,
 * `markers`, and marker shorthands such as `sys_platform = "== 'linux'"`).
 */
import { at, diagnostic } from "../../core/evidence.js";
import type { Dependency } from "../../core/app-model.js";
import type { ManifestFacts } from "../facts.js";
import { normalizeName, redactUrl } from "./pep508.js";
import { asString, getPath, isTable, parseTomlSafely, setReference, setVersion, TomlLines } from "./pyproject.js";

/** Pipfile sections and the group their packages land in. */
const SECTIONS: { section: string; group: string }[] = [
  { section: "packages", group: "main" },
  { section: "dev-packages", group: "dev" },
];

/** Table keys pipenv turns into PEP 508 markers (`sys_platform = "== 'linux'"` → `sys_platform == 'linux'`). */
const MARKER_KEYS = [
  "os_name",
  "sys_platform",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_version",
  "python_full_version",
  "implementation_name",
  "implementation_version",
];

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Parses a Pipfile (never throws; invalid TOML becomes a `manifest-parse-error`). */
export function parsePipfile(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "pipfile", dependencies: [], includes: [], indexUrls: [], diagnostics: [] };
  const doc = parseTomlSafely(text, file, facts.diagnostics);
  if (!doc) return facts;
  const lines = new TomlLines(text);

  const sources = getPath(doc, ["source"]);
  const indexNames = new Set<string>();
  for (const src of Array.isArray(sources) ? sources : []) {
    const url = asString(getPath(src, ["url"]))?.trim();
    if (url) {
      const redacted = redactUrl(url);
      if (!facts.indexUrls.includes(redacted)) facts.indexUrls.push(redacted);
    }
    const name = asString(getPath(src, ["name"]));
    if (name !== undefined) indexNames.add(name);
  }

  const python = asString(getPath(doc, ["requires", "python_full_version"])) ?? asString(getPath(doc, ["requires", "python_version"]));
  if (python !== undefined && python.trim() !== "") facts.pythonRequires = python.trim();

  for (const { section, group } of SECTIONS) {
    const table = getPath(doc, [section]);
    if (table === undefined) continue;
    if (!isTable(table)) {
      facts.diagnostics.push(diagnostic("warning", "pipfile-invalid-field", `[${section}] is not a table; skipped`, [at(file, lines.locate("", { key: section }))]));
      continue;
    }
    for (const [rawName, value] of Object.entries(table)) {
      const line = lines.locate(section, { key: rawName });
      const dep = NAME_RE.test(rawName) ? entryToDependency(rawName, value, group, file, line) : null;
      if (!dep) {
        facts.diagnostics.push(
          diagnostic("warning", "manifest-unparsed-dependency", `An entry in [${section}] is not a package with a version string or table`, [
            at(file, line),
          ]),
        );
        continue;
      }
      const index = isTable(value) ? asString(value.index) : undefined;
      if (index !== undefined) {
        dep.evidence = at(file, line, `index ${index}`);
        if (!indexNames.has(index)) {
          facts.diagnostics.push(
            diagnostic("info", "pipfile-unknown-index", `A package names index "${index}", which no [[source]] declares`, [at(file, line)]),
          );
        }
      }
      facts.dependencies.push(dep);
    }
  }
  return facts;
}

function entryToDependency(rawName: string, value: unknown, group: string, file: string, line: number): Dependency | null {
  const dep: Dependency = { name: normalizeName(rawName), ecosystem: "pypi", source: "registry", group, evidence: at(file, line) };
  if (typeof value === "string") {
    setVersion(dep, value, false);
    return dep;
  }
  if (!isTable(value)) return null;
  const version = asString(value.version);
  if (version !== undefined) setVersion(dep, version, false);
  const extras = Array.isArray(value.extras) ? value.extras.filter((e): e is string => typeof e === "string" && e.trim() !== "") : [];
  if (extras.length > 0) dep.extras = extras.map((e) => normalizeName(e.trim()));
  const markers: string[] = [];
  const explicit = asString(value.markers)?.trim();
  if (explicit) markers.push(explicit);
  for (const key of MARKER_KEYS) {
    const v = asString(value[key])?.trim();
    if (v) markers.push(`${key} ${v}`);
  }
  if (markers.length === 1) dep.marker = markers[0];
  else if (markers.length > 1) dep.marker = markers.map((m) => `(${m})`).join(" and ");
  setReference(dep, value);
  return dep;
}
