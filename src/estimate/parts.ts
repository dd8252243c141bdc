/** Building intervals from sourced figures, and adding parts up into figures. */
import type { Sourced } from "../facts/schema.js";
import type { Range } from "../facts/load.js";
import { facts } from "../facts/load.js";
import type { Figure, Interval, Part, PartKind } from "./footprint.js";

/** How sure a sourced figure is, from how it was obtained. */
export function spreadOf(source: string): number {
  const u = facts().params.uncertainty;
  if (/^measured/i.test(source)) return u.measured.value;
  if (/^(rule|assumption)/i.test(source)) return u.rule.value;
  return u.published.value;
}

/** `n` rounded to `digits` decimals. */
export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A part from a sourced number times a multiplier, its interval from the source's uncertainty. */
export function part(label: string, kind: PartKind, s: Sourced, times = 1, unknown = false): Part {
  const spread = spreadOf(s.source);
  const v = s.value * times;
  const p: Part = { label, kind, low: v * (1 - spread), expected: v, high: v * (1 + spread), source: s.source };
  if (unknown) {
    p.unknown = true;
    p.high = v * 2; // nothing known: allow twice the conservative default
  }
  return p;
}

/** A part from an explicit low/expected/high range times a quantity (e.g. MB × factor). */
export function rangePart(label: string, kind: PartKind, r: Range | Interval, quantity: number, source?: string): Part {
  return { label, kind, low: r.low * quantity, expected: r.expected * quantity, high: r.high * quantity, source: source ?? ("source" in r ? r.source : "derived") };
}

/** quantity ÷ throughput: slow throughput gives the high duration. */
export function durationPart(label: string, kind: PartKind, mb: Interval, rate: Range): Part {
  return { label, kind, low: mb.low / rate.high, expected: mb.expected / rate.expected, high: mb.high / rate.low, source: rate.source };
}

/** The figure the parts add up to, rounded for display. */
export function figure(parts: Part[], digits = 0): Figure {
  const sum = (k: keyof Interval) => round(parts.reduce((a, p) => a + p[k], 0), digits);
  return {
    low: sum("low"),
    expected: sum("expected"),
    high: sum("high"),
    parts: parts.map((p) => ({ ...p, low: round(p.low, 1), expected: round(p.expected, 1), high: round(p.high, 1) })),
    origin: "estimate",
  };
}
