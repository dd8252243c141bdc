import { describe, expect, it } from "vitest";
import { Diagnostic, Dependency } from "../../../src/core/app-model.js";
import {
  detectNodeFrameworks,
  jsonErrorOffset,
  nextOutputMode,
  nodePackageManager,
  parsePackageJson,
} from "../../../src/scan/node/package-json.js";

const PKG = `{
  "name": "web-front",
  "private": true,
  "packageManager": "pnpm@9.1.0+sha512.abcdef",
  "scripts": {
    "dev": "next dev",
    "build": "next build",
    "start": "next start -p $PORT",
    "lint": 42
  },
  "engines": { "node": ">=18.17" },
  "dependencies": {
    "next": "14.2.3",
    "React": "^18.2.0",
    "@acme/ui": "workspace:*",
    "local-lib": "file:../lib",
    "linked": "link:../linked",
    "forked": "git+https://github.com/acme/forked.git#v1",
    "gh-short": "github:acme/short",
    "owner-repo": "acme/thing#main",
    "tarball": "https://registry.example.org/tar/pkg-1.0.0.tgz",
    "aliased": "npm:other-pkg@^2.0.0",
    "typescript": "~5.4.0"
  },
  "devDependencies": {
    "typescript": "5.4.5",
    "vite": "^5.0.0"
  },
  "optionalDependencies": { "fsevents": "^2.3.0" },
  "peerDependencies": { "react-dom": ">=18" }
}
`;

function dep(deps: Dependency[], name: string, group = "main"): Dependency {
  const d = deps.find((x) => x.name === name && x.group === group);
  if (!d) throw new Error(`no ${group} dependency ${name}`);
  return d;
}

describe("parsePackageJson", () => {
  const facts = parsePackageJson(PKG, "web/package.json");

  it("reads name, scripts, engines and the packageManager tool", () => {
    expect(facts.kind).toBe("package.json");
    expect(facts.projectName).toBe("web-front");
    expect(facts.nodeEngine).toBe(">=18.17");
    expect(facts.tool).toBe("pnpm@9.1.0");
    // Non-string script values are dropped, not stringified.
    expect(facts.scripts).toEqual({ dev: "next dev", build: "next build", start: "next start -p $PORT" });
    expect(facts.diagnostics).toEqual([]);
  });

  it("keeps dependencies and devDependencies, skips optional and peer ones", () => {
    const names = facts.dependencies.map((d) => `${d.group}:${d.name}`);
    expect(names).toContain("main:next");
    expect(names).toContain("dev:vite");
    expect(names).toContain("dev:typescript");
    expect(names).toContain("main:typescript");
    expect(names).not.toContain("main:fsevents");
    expect(names.some((n) => n.endsWith(":react-dom"))).toBe(false);
    for (const d of facts.dependencies) expect(() => Dependency.parse(d)).not.toThrow();
  });

  it("lowercases names and keeps specifiers as written", () => {
    const react = dep(facts.dependencies, "react");
    expect(react.specifier).toBe("^18.2.0");
    expect(react.ecosystem).toBe("npm");
    expect(react.source).toBe("registry");
    expect(react.pinned).toBeUndefined();
    expect(dep(facts.dependencies, "next").pinned).toBe("14.2.3");
    expect(dep(facts.dependencies, "aliased")).toMatchObject({ source: "registry", specifier: "npm:other-pkg@^2.0.0" });
  });

  it("classifies path, vcs and url sources", () => {
    const source = (n: string) => dep(facts.dependencies, n).source;
    expect(source("@acme/ui")).toBe("path");
    expect(source("local-lib")).toBe("path");
    expect(source("linked")).toBe("path");
    expect(source("forked")).toBe("vcs");
    expect(source("gh-short")).toBe("vcs");
    expect(source("owner-repo")).toBe("vcs");
    expect(source("tarball")).toBe("url");
    expect(dep(facts.dependencies, "tarball").url).toBe("https://registry.example.org/tar/pkg-1.0.0.tgz");
    expect(dep(facts.dependencies, "forked").url).toBe("git+https://github.com/acme/forked.git#v1");
  });

  it("points evidence at the key's line inside its own section", () => {
    const lines = PKG.split("\n");
    const lineOf = (needle: string, after = 0) => lines.findIndex((l, i) => i >= after && l.includes(needle)) + 1;
    const devStart = lineOf('"devDependencies"');
    expect(dep(facts.dependencies, "next").evidence).toEqual({ file: "web/package.json", line: lineOf('"next":') });
    expect(dep(facts.dependencies, "typescript", "main").evidence.line).toBe(lineOf('"typescript": "~5.4.0"'));
    expect(dep(facts.dependencies, "typescript", "dev").evidence.line).toBe(lineOf('"typescript"', devStart));
    expect(dep(facts.dependencies, "typescript", "dev").evidence.line).toBeGreaterThan(devStart);
  });

  it("falls back to line 1 when the key cannot be found as written", () => {
    const f = parsePackageJson('{"dependencies": {"\\u0072eact": "18.0.0"}}', "package.json");
    expect(f.dependencies).toHaveLength(1);
    expect(f.dependencies[0]?.name).toBe("react");
    expect(f.dependencies[0]?.evidence.line).toBe(1);
  });

  it("redacts credentials in dependency URLs", () => {
    const token = "tok" + "en123456789";
    const text = JSON.stringify({
      dependencies: {
        priv: `git+https://${token}@github.com/acme/priv.git`,
        priv2: `https://user:${token}@npm.example.org/priv2.tgz`,
        ssh: "git+ssh://git@github.com/acme/ssh.git",
      },
    });
    const f = parsePackageJson(text, "package.json");
    expect(JSON.stringify(f)).not.toContain(token);
    expect(dep(f.dependencies, "priv").specifier).toBe("git+https://***@github.com/acme/priv.git");
    expect(dep(f.dependencies, "ssh").specifier).toBe("git+ssh://git@github.com/acme/ssh.git");
  });

  it("masks keys written into scripts", () => {
    const key = "hf" + "_" + "Ab1".repeat(12);
    const f = parsePackageJson(JSON.stringify({ scripts: { fetch: `HF_TOKEN=${key} node fetch.js` } }), "package.json");
    expect(f.scripts).toEqual({ fetch: "HF_TOKEN=*** node fetch.js" });
  });

  it("reports a trailing comma with its line and column, without throwing", () => {
    const bad = '{\n  "name": "x",\n  "dependencies": {\n    "a": "1.0.0",\n  }\n}\n';
    const f = parsePackageJson(bad, "pkg/package.json");
    expect(f.dependencies).toEqual([]);
    expect(f.diagnostics).toHaveLength(1);
    const d = f.diagnostics[0];
    expect(() => Diagnostic.parse(d)).not.toThrow();
    expect(d).toMatchObject({ level: "error", code: "manifest-parse-error" });
    expect(d?.evidence[0]).toMatchObject({ file: "pkg/package.json", line: 5, note: "column 3" });
    expect(d?.message).toContain("line 5, column 3");
  });

  it("locates errors V8 reports without a position", () => {
    const bad = '{\n  "files": [\n    "dist",\n  ]\n}';
    const f = parsePackageJson(bad, "package.json");
    expect(f.diagnostics[0]?.evidence[0]?.line).toBe(4);
    expect(f.diagnostics[0]?.message).not.toContain('"dist"'); // no excerpt of the text
  });

  it("reports truncated input at its last line", () => {
    const f = parsePackageJson('{\n  "name": "x",\n  "dependencies": {', "package.json");
    expect(f.diagnostics[0]).toMatchObject({ code: "manifest-parse-error" });
    expect(f.diagnostics[0]?.evidence[0]?.line).toBe(3);
  });

  it("rejects JSON that is not an object", () => {
    for (const text of ["[]", "null", "42", '"x"']) {
      const f = parsePackageJson(text, "package.json");
      expect(f.diagnostics.map((d) => d.code)).toEqual(["manifest-parse-error"]);
    }
  });

  it("warns about dependency entries that are not strings and a non-object section", () => {
    const f = parsePackageJson('{"dependencies": {"ok": "1.0.0", "bad": {"version": "1"}}, "devDependencies": []}', "package.json");
    expect(f.dependencies.map((d) => d.name)).toEqual(["ok"]);
    expect(f.diagnostics.map((d) => d.code).sort()).toEqual(["manifest-invalid-dependency", "manifest-invalid-field"]);
  });

  it("accepts a byte-order mark", () => {
    const f = parsePackageJson('\ufeff{"name": "bom"}', "package.json");
    expect(f.projectName).toBe("bom");
    expect(f.diagnostics).toEqual([]);
  });
});

describe("jsonErrorOffset", () => {
  it("agrees with JSON.parse on valid input and finds the first fault", () => {
    expect(jsonErrorOffset('{"a": [1, 2.5e3, true, null, {"b": "\\u00e9"}]}')).toBeUndefined();
    expect(jsonErrorOffset("[1,]")).toBe(3);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset("")).toBe(0);
    expect(jsonErrorOffset("[".repeat(100_000))).toBe(100_000);
  });
});

describe("nodePackageManager", () => {
  const files = (...names: string[]) => new Set(names);

  it("lets the packageManager field win over lockfiles", () => {
    expect(nodePackageManager(files("package-lock.json", "yarn.lock"), "yarn@4.1.0")).toEqual({ manager: "yarn", lockfile: "yarn.lock" });
    expect(nodePackageManager(files("package-lock.json"), "pnpm@9.0.0+sha512.abc")).toEqual({ manager: "pnpm" });
    expect(nodePackageManager(files(), "bun")).toEqual({ manager: "bun" });
  });

  it("falls back to lockfiles in order, then npm", () => {
    expect(nodePackageManager(files("pnpm-lock.yaml", "package-lock.json"))).toEqual({ manager: "pnpm", lockfile: "pnpm-lock.yaml" });
    expect(nodePackageManager(files("yarn.lock", "package-lock.json"))).toEqual({ manager: "yarn", lockfile: "yarn.lock" });
    expect(nodePackageManager(files("bun.lock"))).toEqual({ manager: "bun", lockfile: "bun.lock" });
    expect(nodePackageManager(files("bun.lockb"))).toEqual({ manager: "bun", lockfile: "bun.lockb" });
    expect(nodePackageManager(files("npm-shrinkwrap.json"))).toEqual({ manager: "npm", lockfile: "npm-shrinkwrap.json" });
    expect(nodePackageManager(files("package.json", "README.md"))).toEqual({ manager: "npm" });
  });

  it("ignores an unknown packageManager value", () => {
    expect(nodePackageManager(files("yarn.lock"), "deno@1.0.0")).toEqual({ manager: "yarn", lockfile: "yarn.lock" });
  });
});

describe("detectNodeFrameworks", () => {
  const set = (...x: string[]) => new Set(x);

  it("detects Next.js with its config file as evidence", () => {
    expect(detectNodeFrameworks(set("next", "react"), set("next.config.mjs", "package.json"))).toEqual([
      { framework: "nextjs", evidence: "dependency next, next.config.mjs" },
    ]);
  });

  it("tells a React Vite app from a plain Vite one", () => {
    expect(detectNodeFrameworks(set("vite", "@vitejs/plugin-react"), set("vite.config.ts"))).toEqual([
      { framework: "react-vite", evidence: "dependency vite, dependency @vitejs/plugin-react, vite.config.ts" },
    ]);
    expect(detectNodeFrameworks(set("vite", "vue"), set())).toEqual([{ framework: "vite", evidence: "dependency vite" }]);
  });

  it("detects express beside Next.js, and ignores a vitest-only vite in a Next app", () => {
    const found = detectNodeFrameworks(set("next", "react", "vite", "express"), set()).map((f) => f.framework);
    expect(found).toEqual(["nextjs", "express"]);
  });

  it("needs the dependency, not just a config file", () => {
    expect(detectNodeFrameworks(set("react"), set("next.config.js", "vite.config.js"))).toEqual([]);
  });
});

describe("nextOutputMode", () => {
  it("reads output: 'export' and 'standalone'", () => {
    expect(nextOutputMode(`/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  output: 'export',\n  images: { unoptimized: true },\n};\nexport default nextConfig;\n`)).toBe("export");
    expect(nextOutputMode(`module.exports = { reactStrictMode: true, output: "standalone" }`)).toBe("standalone");
    expect(nextOutputMode(`const config: NextConfig = { "output": \`export\` };`)).toBe("export");
  });

  it("ignores commented-out settings, strings and other values", () => {
    expect(nextOutputMode(`module.exports = {\n  // output: 'export',\n  /* output: "standalone" */\n}`)).toBeUndefined();
    expect(nextOutputMode(`const doc = "output: 'export'"; module.exports = {}`)).toBeUndefined();
    expect(nextOutputMode(`module.exports = { output: isStatic ? 'export' : undefined }`)).toBeUndefined();
    expect(nextOutputMode(`module.exports = { output: 'server' }`)).toBeUndefined();
  });
});
