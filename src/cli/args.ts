/** Argument parsing over node:util parseArgs, turning its errors into one-line usage errors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/errors.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses a command's flags (strict; -h/--help always allowed); a bad flag is a UsageError. */
export function parse(argv: string[], options: Options, command: string): Parsed {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]?.replace(/\. To specify a positional argument.*$/, "") ?? "bad arguments";
    throw new UsageError(`${message} (see shipfit ${command} --help)`);
  }
}

/** A string option's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}
