/**
 * Loads the catalog: every platform file shipped in src/catalog/platforms/, validated, then the
 * user's `--catalog FILE` on top (a platform with an id already there replaces it; a new one is added).
 */
import { readdirSync, readFileSync } from "node:fs";
import { InputError } from "../core/errors.js";
import { readJsonInput } from "../core/input.js";
import { Platform } from "./schema.js";

const DIR = new URL("./platforms/", import.meta.url);

let shipped: Platform[] | undefined;

function parsePlatform(data: unknown, where: string): Platform {
  const r = Platform.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`${where}: invalid platform at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return r.data;
}

/** The platforms shipped with shipfit, validated once. */
export function shippedPlatforms(): Platform[] {
  if (shipped) return shipped;
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
  shipped = files.map((f) => parsePlatform(JSON.parse(readFileSync(new URL(f, DIR), "utf8")), `catalog ${f}`));
  return shipped;
}

/** The catalog with a user's override file applied. */
export function loadCatalog(overrideFile?: string): Platform[] {
  const platforms = new Map(shippedPlatforms().map((p) => [p.id, p]));
  if (overrideFile) {
    const data = readJsonInput(overrideFile);
    for (const [i, p] of (Array.isArray(data) ? data : [data]).entries()) {
      const platform = parsePlatform(p, `${overrideFile}${Array.isArray(data) ? ` entry ${i + 1}` : ""}`);
      platforms.set(platform.id, platform);
    }
  }
  return [...platforms.values()];
}
