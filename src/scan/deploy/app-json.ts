/**
 * Heroku `app.json`: `formation` process types (commands live in the Procfile), `env` names,
 * `addons` (datastores, as info diagnostics) and `scripts`. Many tools use the name app.json
 * (Expo, for one), so a file without Heroku keys is not an app manifest: the parser returns null.
 */
import type { DatastoreKind, DeployFile, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import {
  datastoreDeclared,
  emptyFacts,
  isRecord,
  lineOfKey,
  looksBinary,
  parseError,
  parseJson,
  processFrom,
  str,
  stripBom,
  unique,
} from "./common.js";

const HEROKU_KEYS = ["formation", "scripts", "env", "buildpacks", "addons", "stack", "environments", "success_url"];

/** Add-on plan prefixes that are datastores (`heroku-postgresql:essential-0`, `heroku-redis`). */
const ADDON_DATASTORES: { pattern: RegExp; kind: DatastoreKind }[] = [
  { pattern: /^heroku-postgresql\b/, kind: "postgresql" },
  { pattern: /^(heroku-redis|rediscloud|redistogo|redis-enterprise)\b/, kind: "redis" },
  { pattern: /^(jawsdb|cleardb)\b/, kind: "mysql" },
  { pattern: /^(mongolab|ormongo|objectrocket)\b/, kind: "mongodb" },
  { pattern: /^bucketeer\b/, kind: "s3" },
];

/** Parse a Heroku app.json; null when the file is not a Heroku app manifest. */
export function parseAppJson(text: string, file: string): DeployFacts | null {
  try {
    return readAppJson(text, file);
  } catch (e) {
    const what = e instanceof Error ? e.name : "error";
    return emptyFacts(file, "app.json", [parseError(file, `Could not read ${file} (${what})`)]);
  }
}

function readAppJson(text: string, file: string): DeployFacts | null {
  if (looksBinary(text)) return null;
  const body = stripBom(text);
  const { value, diagnostics } = parseJson(body, file);
  if (value === undefined) {
    // Only a file that reads like a Heroku manifest earns an error; other broken app.json files are not ours.
    return /"(formation|buildpacks|addons)"\s*:/.test(body) ? emptyFacts(file, "app.json", diagnostics) : null;
  }
  if (!isRecord(value) || value.expo !== undefined || !HEROKU_KEYS.some((k) => value[k] !== undefined)) return null;
  const out: Diagnostic[] = [];
  const deployFile: DeployFile = { file, kind: "app.json", processes: [] };

  const formation = isRecord(value.formation) ? value.formation : {};
  const formationLine = lineOfKey(body, "formation") ?? 1;
  for (const [type, spec] of Object.entries(formation)) {
    const notes = [`app.json formation ${type}`];
    if (isRecord(spec)) {
      const q = str(spec.quantity);
      if (q !== undefined) notes.push(`quantity ${q}`);
      const size = str(spec.size);
      if (size !== undefined) notes.push(`size ${size}`);
    }
    const line = lineOfKey(body, type, formationLine) ?? formationLine;
    deployFile.processes.push(processFrom(type, at(file, line, notes.join(", "))));
  }

  const env = isRecord(value.env) ? Object.keys(value.env) : [];
  if (env.length > 0) deployFile.env = unique(env);

  for (const addon of Array.isArray(value.addons) ? value.addons : []) {
    const plan = str(addon) ?? (isRecord(addon) ? str(addon.plan) : undefined);
    if (plan === undefined) continue;
    const kind = ADDON_DATASTORES.find((d) => d.pattern.test(plan))?.kind;
    if (kind !== undefined) {
      out.push(datastoreDeclared(kind, `app.json add-on ${plan}`, at(file, lineOfKey(body, "addons"), `add-on ${plan}`)));
    }
  }

  const scripts = isRecord(value.scripts) ? Object.keys(value.scripts) : [];
  if (scripts.length > 0) {
    // Names only: script commands can carry tokens.
    out.push(diagnostic("info", "app-json-scripts", `${file} runs scripts: ${scripts.join(", ")}`, [at(file, lineOfKey(body, "scripts"))]));
  }
  return { deployFile, diagnostics: out };
}
