/**
 * Seeded mutation fuzzing: take real-looking seed inputs and derive N mutated variants (byte flips,
 * insertions of tricky tokens, deletions, duplication, truncation, splicing two seeds). Deterministic
 * for a given seed so a failure can be replayed; the failing input is printed by the caller.
 */

const TRICKY = [
  "\0", "\n", "\r\n", "\t", "\\", "\"", "'", "`", "#", "=", "==", "[", "]", "{", "}", "(", ")", ":", ";",
  "$", "${", "$(", "-r ", "-c ", "-e ", "@", "+cpu", "\u00e9", "\ud83d\ude80", "\ufeff", "\udc00", "é", "'''", "\"\"\"",
  "\\\n", "    ", "FROM ", "CMD [", "import ", "def ", "class ", "lambda", "os.environ[", "getenv(", "**", "null",
  "true", "1e309", "-1", "99999999999999999999", "[[", "]]", "<<", "&&", "||", "|", ">", "<", ",", ".", "..", "/",
];

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutateOnce(input: string, seeds: string[], r: () => number): string {
  const pos = Math.floor(r() * (input.length + 1));
  switch (Math.floor(r() * 8)) {
    case 0: // flip a character to a random code unit
      return input.slice(0, pos) + String.fromCharCode(Math.floor(r() * 0x10000)) + input.slice(pos + 1);
    case 1: // insert a tricky token
      return input.slice(0, pos) + TRICKY[Math.floor(r() * TRICKY.length)] + input.slice(pos);
    case 2: { // delete a span
      const len = Math.floor(r() * 40);
      return input.slice(0, pos) + input.slice(pos + len);
    }
    case 3: { // duplicate a span
      const len = Math.floor(r() * 80);
      return input.slice(0, pos) + input.slice(pos, pos + len) + input.slice(pos);
    }
    case 4: // truncate
      return input.slice(0, pos);
    case 5: { // splice with another seed
      const other = seeds[Math.floor(r() * seeds.length)] ?? "";
      const at = Math.floor(r() * (other.length + 1));
      return input.slice(0, pos) + other.slice(at);
    }
    case 6: { // swap two lines
      const lines = input.split("\n");
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      return lines.join("\n");
    }
    default: { // repeat a tricky token many times (deep nesting, long lines)
      const tok = TRICKY[Math.floor(r() * TRICKY.length)] ?? "(";
      return input.slice(0, pos) + tok.repeat(1 + Math.floor(r() * 300)) + input.slice(pos);
    }
  }
}

/** `count` mutated inputs derived from `seeds`, each with 1–8 stacked mutations. */
export function* mutations(seeds: string[], count: number, seed = 1): Generator<string> {
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    let s = seeds[i % seeds.length] ?? "";
    const n = 1 + Math.floor(r() * 8);
    for (let k = 0; k < n; k++) s = mutateOnce(s, seeds, r);
    yield s;
  }
}
