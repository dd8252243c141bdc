/**
 * The shipfit command line: dispatches to one command per verb. Known errors (UserError) print one
 * line and exit with their code; anything else is a bug and keeps its stack.
 */
import { createRequire } from "node:module";
import { isUserError } from "../core/errors.js";
import { COMMANDS } from "./commands/index.js";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: shipfit <command> [options]

Deploy small AI/ML web apps on cheap hosting, knowing first what they need.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run shipfit <command> --help for a command's options.`;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(`${usage()}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (verb === "--version" || verb === "-v") {
    const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === verb);
  if (!entry) {
    process.stderr.write(`shipfit: unknown command "${verb}" (see shipfit --help)\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`shipfit ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
