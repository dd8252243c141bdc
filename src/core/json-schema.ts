/** The published JSON Schema of the AppModel, derived from the zod schema (one source of truth). */
import { z } from "zod";
import { AppModel } from "./app-model.js";

export const APP_MODEL_SCHEMA_ID = "https://shipfit.dev/schema/app-model.schema.json";

/** The AppModel's JSON Schema (draft 2020-12), with its published $id. */
export function appModelJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AppModel, { target: "draft-2020-12" }) as Record<string, unknown>;
  return { $id: APP_MODEL_SCHEMA_ID, title: "shipfit AppModel", ...schema };
}
