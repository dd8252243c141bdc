/**
 * Validates generated deployment files against the platforms' official JSON Schemas kept in
 * ../shared/schemas (see its SOURCES.md for each file's draft and the Ajv caveats handled here).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AjvDraft7 from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";

export type SchemaName =
  | "railway"
  | "render"
  | "fly"
  | "github-workflow"
  | "compose"
  | "k8s-deployment-apps-v1"
  | "k8s-service-v1"
  | "k8s-horizontalpodautoscaler-autoscaling-v2"
  | "k8s-configmap-v1"
  | "k8s-secret-v1";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The schema folder sits next to the repository (path.resolve(root, "../shared/schemas")). */
export const schemaDir = path.resolve(root, "../shared/schemas");

type Flavour = "draft-07" | "2020-12" | "k8s";
const FLAVOUR: Record<SchemaName, Flavour> = {
  railway: "draft-07",
  fly: "draft-07",
  "github-workflow": "draft-07",
  render: "2020-12",
  compose: "2020-12",
  "k8s-deployment-apps-v1": "k8s",
  "k8s-service-v1": "k8s",
  "k8s-horizontalpodautoscaler-autoscaling-v2": "k8s",
  "k8s-configmap-v1": "k8s",
  "k8s-secret-v1": "k8s",
};

const INT32 = { type: "number" as const, validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 };
const INT64 = { type: "number" as const, validate: (n: number) => Number.isInteger(n) };
const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// RFC 3339 timestamp (k8s metadata); registered so Ajv checks it instead of warning "unknown format".
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

// One Ajv instance per flavour: schemas compile once and are shared by every test file that imports this.
let draft7: InstanceType<typeof AjvDraft7.default> | undefined;
let draft2020: InstanceType<typeof Ajv2020.default> | undefined;
let k8s: InstanceType<typeof AjvDraft7.default> | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function ajvFor(flavour: Flavour) {
  if (flavour === "2020-12") return (draft2020 ??= new Ajv2020.default({ allErrors: true, strict: false }));
  if (flavour === "draft-07") return (draft7 ??= new AjvDraft7.default({ allErrors: true, strict: false }));
  if (!k8s) {
    // yannh's k8s files declare "http://json-schema.org/schema#" (unknown to Ajv) and use int32/int64/byte formats.
    k8s = new AjvDraft7.default({ allErrors: true, strict: false, validateSchema: false });
    k8s.addFormat("int32", INT32).addFormat("int64", INT64).addFormat("byte", BYTE).addFormat("date-time", DATE_TIME);
  }
  return k8s;
}

function load(name: SchemaName): ValidateFunction {
  const hit = compiled.get(name);
  if (hit) return hit;
  if (!existsSync(schemaDir)) {
    throw new Error(`JSON Schema folder not found: ${schemaDir} (expected the official schemas next to the repository, see ../shared/schemas/SOURCES.md)`);
  }
  const file = path.join(schemaDir, `${name}.schema.json`);
  if (!existsSync(file)) throw new Error(`JSON Schema not found: ${file}`);
  const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  // compose's $id is relative ("compose_spec.json"); drop ids so several schemas can share an instance.
  const { $id: _id, ...rest } = schema;
  const fn = ajvFor(FLAVOUR[name]).compile(rest);
  compiled.set(name, fn);
  return fn;
}

/** Errors of `data` against the named official schema, one readable line each; empty when valid. */
export function validate(name: SchemaName, data: unknown): string[] {
  const fn = load(name);
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => `${name}: ${e.instancePath || "/"} ${e.message ?? ""} ${e.params ? JSON.stringify(e.params) : ""}`.trim());
}
