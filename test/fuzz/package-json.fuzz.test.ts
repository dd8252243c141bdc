import { describe, expect, it } from "vitest";
import { Dependency, Diagnostic } from "../../src/core/app-model.js";
import { detectNodeFrameworks, nodePackageManager, parsePackageJson } from "../../src/scan/node/package-json.js";
import { mutations } from "./mutate.js";

const SEEDS = [
  `{
  "name": "frontend",
  "version": "0.1.0",
  "private": true,
  "packageManager": "pnpm@9.1.0",
  "scripts": { "dev": "next dev", "build": "next build", "start": "next start -p \${PORT:-3000}" },
  "engines": { "node": ">=20" },
  "dependencies": { "next": "14.2.3", "react": "^18", "react-dom": "^18", "@acme/ui": "workspace:*" },
  "devDependencies": { "typescript": "^5", "eslint": "8.57.0" }
}
`,
  `{"name":"api","type":"module","main":"server.js","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.2","cors":"git+https://github.com/expressjs/cors.git#v2.8.5","dotenv":"file:../vendor/dotenv"},"optionalDependencies":{"fsevents":"*"}}`,
  `{
  "name": "vite-app",
  "scripts": {
    "dev": "vite",
    "build": "tsc && vite build",
    "preview": "vite preview --port 4173"
  },
  "dependencies": { "react": "18.3.1", "tarball": "https://example.org/x-1.0.0.tgz", "gh": "acme/repo#main" },
  "devDependencies": { "@vitejs/plugin-react": "^4.3.0", "vite": "^5.2.0" },
  "peerDependencies": { "react": ">=18" }
}`,
  `{ "dependencies": { "a": 1, "b": null, "c": ["x"] }, "devDependencies": "nope", "scripts": [], "engines": "node" }`,
];

describe("parsePackageJson fuzz", () => {
  it("never throws and returns well-formed facts on 1,500 mutated inputs", () => {
    for (const input of mutations(SEEDS, 1500, 20240611)) {
      try {
        const facts = parsePackageJson(input, "web/package.json");
        expect(facts.kind).toBe("package.json");
        expect(Array.isArray(facts.dependencies)).toBe(true);
        expect(facts.includes).toEqual([]);
        expect(facts.indexUrls).toEqual([]);
        for (const d of facts.dependencies) {
          Dependency.parse(d);
          expect(d.evidence.line).toBeGreaterThanOrEqual(1);
          expect(d.name).toBe(d.name.toLowerCase());
          expect(["main", "dev"]).toContain(d.group);
        }
        for (const d of facts.diagnostics) Diagnostic.parse(d);
        for (const v of Object.values(facts.scripts ?? {})) expect(typeof v).toBe("string");
        let valid = true;
        try {
          JSON.parse(input.replace(/^\ufeff/, ""));
        } catch {
          valid = false;
        }
        if (!valid) {
          expect(facts.diagnostics.map((d) => d.code)).toContain("manifest-parse-error");
          const line = facts.diagnostics[0]?.evidence[0]?.line;
          if (line !== undefined) expect(line).toBeLessThanOrEqual(input.split("\n").length);
        }
        const deps = new Set(facts.dependencies.map((d) => d.name));
        for (const f of detectNodeFrameworks(deps, new Set(["next.config.js", "vite.config.ts"]))) {
          expect(["nextjs", "react-vite", "vite", "express"]).toContain(f.framework);
        }
        expect(["npm", "yarn", "pnpm", "bun"]).toContain(nodePackageManager(new Set(["yarn.lock"]), facts.tool).manager);
      } catch (e) {
        console.error("failing input:", JSON.stringify(input));
        throw e;
      }
    }
  });
});
