/**
 * Warm-up requests for `probe --requests FILE`, one per line: `METHOD /path [body]`, e.g.
 *   POST /predict {"text": "bonjour"}
 * Blank lines and lines starting with # are skipped. The body is the rest of the line, sent as JSON
 * when it starts with `{`.
 */
import type { WarmupRequest } from "./probe.js";

const LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\/\S*)(?:\s+(.+))?$/;

/** The requests of a file's text, or the first bad line's number and text. */
export function parseRequests(text: string): { requests: WarmupRequest[] } | { badLine: number; text: string } {
  const requests: WarmupRequest[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) return { badLine: i + 1, text: line.slice(0, 80) };
    requests.push({ method: m[1] as string, path: m[2] as string, ...(m[3] !== undefined ? { body: m[3] } : {}) });
  }
  return { requests };
}
