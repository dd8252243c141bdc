/** Reading a user-given JSON file: a missing, unreadable or malformed file is a one-line InputError. */
import { readFileSync } from "node:fs";
import { InputError } from "./errors.js";

export function readJsonInput(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === "ENOENT" ? "no such file" : code ? `cannot read (${code})` : "not valid JSON"}`);
  }
}
