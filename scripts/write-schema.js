/**
 * Writes schema/app-model.schema.json from the zod AppModel (run `npm run schema` after changing
 * src/core/app-model.ts); a test fails when the published file is stale.
 */
import { writeFileSync } from "node:fs";
import { appModelJsonSchema } from "../dist/core/json-schema.js";

const target = new URL("../schema/app-model.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(appModelJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
