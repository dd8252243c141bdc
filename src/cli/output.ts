/** Terminal output helpers: colour only on a TTY and without NO_COLOR; progress on stderr only. */
import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

/** Colour only on a terminal, and not when NO_COLOR is set or TERM is dumb. */
function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
}

/** `text` in `style` when the stream takes colour, else as is. */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return useColor(stream) ? styleText(style, text) : text;
}

/** Left-aligned columns; cells never contain newlines. */
export function table(rows: string[][], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell).length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visible(cell).length + gap))).join("").trimEnd())
    .join("\n");
}

function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

/** A one-line progress indicator on stderr, drawn only on a TTY. */
export function progress(label: string): { update(text: string): void; done(): void } {
  const tty = !!process.stderr.isTTY;
  let last = 0;
  return {
    update(text: string) {
      const now = Date.now();
      if (!tty || now - last < 80) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${label} ${text}`);
    },
    done() {
      if (tty) process.stderr.write("\r\x1b[2K");
    },
  };
}
