/**
 * Reads `--measured FILE` for estimate and plan: the JSON `shipfit probe --json` prints (its `measured`
 * block), or hand-written entries `{ service, ramPeakMB?, ramStartMB?, coldStartSeconds?, source? }`,
 * alone or in a list.
 */
import { InputError } from "../core/errors.js";
import { readJsonInput } from "../core/input.js";
import type { MeasuredFigures } from "../estimate/estimate.js";

const NUMBERS = ["ramPeakMB", "ramStartMB", "coldStartSeconds"] as const;

export function readMeasured(file: string): MeasuredFigures[] {
  const data = readJsonInput(file);
  const list = (Array.isArray(data) ? data : [data]).map((m) => {
    // A whole probe result carries its figures in `measured`.
    const r = m as Record<string, unknown> | null;
    return r && typeof r === "object" && r.measured && typeof r.measured === "object" ? r.measured : m;
  });
  for (const [i, m] of list.entries()) {
    const r = m as Record<string, unknown>;
    const ok = m && typeof m === "object" && typeof r.service === "string" && (r.source === undefined || typeof r.source === "string") &&
      NUMBERS.every((k) => r[k] === undefined || (typeof r[k] === "number" && Number.isFinite(r[k]) && (r[k] as number) >= 0));
    if (!ok) throw new InputError(`${file}: entry ${i + 1} needs a "service" name, non-negative numeric ramPeakMB / ramStartMB / coldStartSeconds and a text "source"`);
  }
  return (list as MeasuredFigures[]).map((m) => ({ ...m, source: m.source ?? file }));
}
