import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/doctor/diagnose.js";
import { DOCTOR_RULES } from "../../src/doctor/rules.js";
import { mutations } from "./mutate.js";

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "..", "doctor", "corpus");
const SEEDS = readdirSync(corpusDir)
  .filter((f) => f.endsWith(".log"))
  .sort()
  .map((f) => readFileSync(join(corpusDir, f), "utf8"));
const IDS = new Set(DOCTOR_RULES.map((r) => r.id));

describe("diagnose fuzz", () => {
  it("never throws and stays well formed on 2,000 mutated logs", () => {
    let count = 0;
    for (const input of mutations(SEEDS, 2000, 7)) {
      let result;
      try {
        result = diagnose(input);
      } catch (e) {
        throw new Error(`diagnose threw on ${JSON.stringify(input)}: ${String(e)}`);
      }
      const where = JSON.stringify(input);
      const ids = result.map((d) => d.id);
      expect(new Set(ids).size, where).toBe(ids.length);
      let previous = 0;
      for (const d of result) {
        expect(IDS.has(d.id), where).toBe(true);
        expect(d.lines.length, where).toBeGreaterThan(0);
        expect(d.lines.length, where).toBeLessThanOrEqual(20);
        expect(d.occurrences, where).toBeGreaterThanOrEqual(d.lines.length);
        for (const l of d.lines) {
          expect(Number.isInteger(l.line) && l.line >= 1, where).toBe(true);
          expect(l.text.length, where).toBeLessThanOrEqual(501);
        }
        const first = d.lines[0]?.line ?? 0;
        expect(first, where).toBeGreaterThanOrEqual(previous);
        previous = first;
      }
      count++;
    }
    expect(count).toBe(2000);
  });
});
