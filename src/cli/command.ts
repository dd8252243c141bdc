/** A CLI command: data (name, help) plus a handler that returns the exit code. */
export interface Command {
  name: string;
  help: string;
  run(argv: string[]): Promise<number>;
}
