import ignore from "ignore";
import { describe, expect, it } from "vitest";
import { compileIgnore } from "../../src/scan/gitignore.js";
import { rng } from "../fuzz/mutate.js";

/** The reference: the `ignore` package, case-sensitive like git on Linux. */
function reference(text: string) {
  const ig = ignore({ ignorecase: false }).add(text);
  return (rel: string, isDir: boolean) => ig.ignores(isDir ? `${rel}/` : rel);
}

const NAMES = ["node_modules", "build", "dist", "cache", "data", "models", "app.log", "x.log", "log", ".env", "Build", "a.pt", "b.ckpt", "weights"];

describe("compileIgnore", () => {
  it("matches simple rules as git does", () => {
    const test = compileIgnore("# comment\n\n*.log\nbuild/\n/dist\ndata/cache/\nnode_modules\n.env  \n");
    expect(test("app.log", false)).toBe(true);
    expect(test("src/deep/x.log", false)).toBe(true);
    expect(test("build", true)).toBe(true);
    expect(test("build", false)).toBe(false); // build/ only matches folders
    expect(test("src/build", true)).toBe(true);
    expect(test("dist", true)).toBe(true);
    expect(test("src/dist", true)).toBe(false); // /dist is anchored
    expect(test("data/cache", true)).toBe(true);
    expect(test("other/data/cache", true)).toBe(false);
    expect(test("pkg/node_modules", true)).toBe(true);
    expect(test(".env", false)).toBe(true);
    expect(test("Build", true)).toBe(false); // case-sensitive
  });

  it("hands negations and complex globs to the full matcher", () => {
    const test = compileIgnore("*.pt\n!keep.pt\nmodels/**/tmp\n");
    expect(test("a.pt", false)).toBe(true);
    expect(test("keep.pt", false)).toBe(false);
    expect(test("models/x/y/tmp", true)).toBe(true);
  });

  it("agrees with the ignore package on 3,000 random simple rule sets and paths", () => {
    const r = rng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
    const disagreements: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const rules = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
        const name = pick(NAMES);
        const form = Math.floor(r() * 6);
        return form === 0 ? name : form === 1 ? `${name}/` : form === 2 ? `/${name}` : form === 3 ? `src/${name}` : form === 4 ? `*.${pick(["log", "pt", "ckpt"])}` : `${pick(NAMES)}/${name}/`;
      });
      const text = rules.join("\n");
      const depth = Math.floor(r() * 3);
      const rel = [...Array.from({ length: depth }, () => pick(["src", ...NAMES])), pick(NAMES)].join("/");
      const isDir = r() < 0.5;
      const ours = compileIgnore(text)(rel, isDir);
      // The walk never asks about a path under an ignored folder, so compare only those whose parents are kept.
      const parts = rel.split("/");
      const parentIgnored = parts.slice(0, -1).some((_, k) => reference(text)(parts.slice(0, k + 1).join("/"), true));
      if (parentIgnored) continue;
      const theirs = reference(text)(rel, isDir);
      if (ours !== theirs) disagreements.push(`${JSON.stringify(text)} ${rel}${isDir ? "/" : ""}: ours ${ours}, ignore ${theirs}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
