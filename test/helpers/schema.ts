/** Validates data against the published AppModel JSON Schema (the file users get, not the zod source). */
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const schema = JSON.parse(readFileSync(new URL("../../schema/app-model.schema.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Schema errors as readable lines; empty when valid. */
export function appModelErrors(data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}
