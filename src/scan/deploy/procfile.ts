/**
 * Heroku-style Procfile: one `type: command` per line. `web` is the only type that gets HTTP
 * traffic; `release` runs before each deploy and is kept as a process named "release".
 */
import type { DeclaredProcess, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import { emptyFacts, guarded, looksBinary, parseError, processFrom, stripBom } from "./common.js";

const LINE = /^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*)$/;

/** Junk lines and duplicates reported one by one up to this many, so garbage input stays small. */
const MAX_LINE_WARNINGS = 5;

/** Parse a Procfile into one DeclaredProcess per process type. */
export function parseProcfile(text: string, file: string): DeployFacts {
  return guarded(file, "procfile", () => {
    if (looksBinary(text)) return emptyFacts(file, "procfile", [parseError(file, `${file} is not a text file`)]);
    const diagnostics: Diagnostic[] = [];
    const byType = new Map<string, DeclaredProcess>();
    let junk = 0;
    let duplicates = 0;
    const lines = stripBom(text).split(/\r?\n|\r/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const n = i + 1;
      if (line === "" || line.startsWith("#")) return;
      const m = LINE.exec(line);
      if (!m || m[2]!.trim() === "") {
        junk++;
        if (junk <= MAX_LINE_WARNINGS) {
          diagnostics.push(
            diagnostic("warning", "procfile-invalid-line", `Line ${n} of ${file} is not "type: command"`, [at(file, n)]),
          );
        }
        return;
      }
      const type = m[1]!;
      if (byType.has(type)) {
        const first = byType.get(type)!.evidence.line;
        if (++duplicates <= MAX_LINE_WARNINGS) {
          diagnostics.push(
            diagnostic(
              "warning",
              "procfile-duplicate-type",
              `Process type "${type}" is declared twice in ${file}${first ? ` (lines ${first} and ${n})` : ""}; the last one wins`,
              [at(file, first), at(file, n)],
            ),
          );
        }
        byType.delete(type);
      }
      byType.set(type, processFrom(type, at(file, n, `Procfile ${type} process`), { command: m[2]! }));
    });
    if (junk > MAX_LINE_WARNINGS) {
      diagnostics.push(
        diagnostic("warning", "procfile-invalid-line", `${junk - MAX_LINE_WARNINGS} more lines of ${file} are not "type: command"`, [at(file)]),
      );
    }
    if (byType.size === 0) {
      diagnostics.push(diagnostic("warning", "procfile-empty", `${file} declares no process`, [at(file)]));
    }
    return { deployFile: { file, kind: "procfile", processes: [...byType.values()] }, diagnostics };
  });
}
