import { describe, expect, it } from "vitest";
import { nextOutputMode } from "../../src/scan/node/package-json.js";
import { analyzeNodeSource, tokenizeJs } from "../../src/scan/node/source.js";
import { mutations } from "./mutate.js";

const SEEDS = [
  `#!/usr/bin/env node
// Start the API and the front end together.
import { spawn, exec as run } from "node:child_process";
import path from "node:path";

const api = spawn("python", ["-m", "uvicorn", "main:app", "--port", process.env.API_PORT ?? "8000"], {
  cwd: "backend",
  stdio: "inherit",
});
run(\`npm run dev -- --port \${process.env.PORT || 3000}\`, { cwd: path.join(__dirname, "frontend") });
/* process.env.NOT_READ */ const re = /["'\`]/g;
`,
  `const express = require("express");
const { DATABASE_URL, SECRET_KEY = "dev", LOG_LEVEL: level = "info" } = process.env;
const app = express();
const PORT = Number(process.env.PORT) || 5000;
app.get("/health", (req, res) => res.json({ ok: true, msg: 'it\\'s fine // not a comment' }));
app.listen(PORT, () => console.log(\`listening on \${PORT}\`));
http.createServer(app).listen(8080);
`,
  `/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  env: { API_URL: process.env.NEXT_PUBLIC_API_URL },
};
export default nextConfig;
`,
  `export default function Page() {
  const api = import.meta.env.VITE_API_URL;
  return <div className="x">Don't {api} </div>;
}
!function(e){var t=e/2/3,n=/[/]\\//.test(e);return process.env["MIN"]||"x"}(1);
`,
];

describe("analyzeNodeSource fuzz", () => {
  it("never throws and returns well-formed facts on 1,500 mutated inputs", () => {
    for (const input of mutations(SEEDS, 1500, 7)) {
      try {
        const lineCount = input.split("\n").length;
        const facts = analyzeNodeSource(input, "src/index.ts");
        for (const r of facts.envReads) {
          expect(Number.isInteger(r.line) && r.line >= 1 && r.line <= lineCount).toBe(true);
          expect(typeof r.name).toBe("string");
          expect(r.name.length).toBeGreaterThan(0);
          expect(typeof r.hasDefault).toBe("boolean");
          if (r.defaultValue !== undefined) expect(["string", "number"]).toContain(typeof r.defaultValue);
        }
        for (const s of facts.subprocesses) {
          expect(typeof s.command).toBe("string");
          expect(s.line >= 1 && s.line <= lineCount).toBe(true);
          if (s.cwd !== undefined) expect(typeof s.cwd).toBe("string");
        }
        for (const p of facts.listenPorts) {
          expect(p.line >= 1 && p.line <= lineCount).toBe(true);
          if (p.port !== undefined) expect(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535).toBe(true);
        }
        const t = tokenizeJs(input);
        let prev = 1;
        for (let i = 0; i < t.n; i++) {
          const l = t.ln(i);
          expect(l >= prev && l <= lineCount).toBe(true);
          prev = l;
          expect((t.start[i] ?? -1) >= 0 && (t.end[i] ?? -1) <= input.length).toBe(true);
        }
        expect([undefined, "export", "standalone"]).toContain(nextOutputMode(input));
      } catch (e) {
        console.error("failing input:", JSON.stringify(input));
        throw e;
      }
    }
  });
});
