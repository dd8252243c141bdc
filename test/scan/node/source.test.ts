import { describe, expect, it } from "vitest";
import { analyzeNodeSource, stringPropertyValues, tokenizeJs } from "../../../src/scan/node/source.js";

const reads = (src: string) => analyzeNodeSource(src, "src/x.ts").envReads;
const names = (src: string) => reads(src).map((r) => r.name);

describe("env reads", () => {
  it("finds dotted and bracketed process.env reads with their defaults", () => {
    const r = reads(`const a = process.env.API_URL || "http://localhost:8000";
const b = process.env["DB_NAME"] ?? 'app';
const c = process.env.NODE_ENV;
const d = process.env?.OPTIONAL;
`);
    expect(r).toEqual([
      { name: "API_URL", hasDefault: true, line: 1, defaultValue: "http://localhost:8000" },
      { name: "DB_NAME", hasDefault: true, line: 2, defaultValue: "app" },
      { name: "NODE_ENV", hasDefault: false, line: 3 },
      { name: "OPTIONAL", hasDefault: false, line: 4 },
    ]);
  });

  it("ignores process.env inside comments, strings, templates text and regex literals", () => {
    const src = `// process.env.IN_LINE_COMMENT
/* process.env.IN_BLOCK
   process.env.STILL_BLOCK */
const s = "process.env.IN_DOUBLE" + 'process.env.IN_SINGLE';
const t = \`process.env.IN_TEMPLATE \${"}"} process.env.AFTER_BRACE_STRING\`;
const re = /process.env.IN_REGEX/g, q = /"/;
const real = process.env.REAL;
`;
    expect(names(src)).toEqual(["REAL"]);
    expect(reads(src)[0]?.line).toBe(7);
  });

  it("reads inside template substitutions, with the default when literal", () => {
    const r = reads("const url = `http://${process.env.HOST ?? 'localhost'}:${process.env.PORT}/api`;");
    expect(r).toEqual([
      { name: "HOST", hasDefault: true, line: 1, defaultValue: "localhost" },
      { name: "PORT", hasDefault: false, line: 1 },
    ]);
  });

  it("keeps a default only when it is a whole literal", () => {
    const r = reads(`const a = process.env.A || "x" + suffix;\nconst b = process.env.B || computeB();\nconst n = Number(process.env.N) || 25;\nconst p = parseInt(process.env.P, 10) || 4000;`);
    expect(r).toEqual([
      { name: "A", hasDefault: true, line: 1 },
      { name: "B", hasDefault: true, line: 2 },
      { name: "N", hasDefault: true, line: 3, defaultValue: 25 },
      { name: "P", hasDefault: true, line: 4, defaultValue: 4000 },
    ]);
  });

  it("never records the default of a secret-looking name", () => {
    const r = reads(`const k = process.env.OPENAI_API_KEY || "dev-fallback-value";\nconst { DB_PASSWORD = "local-pass" } = process.env;`);
    expect(r).toEqual([
      { name: "OPENAI_API_KEY", hasDefault: true, line: 1 },
      { name: "DB_PASSWORD", hasDefault: true, line: 2 },
    ]);
    expect(JSON.stringify(r)).not.toContain("dev-fallback-value");
    expect(JSON.stringify(r)).not.toContain("local-pass");
  });

  it("reads destructuring from process.env, aliases and defaults included", () => {
    const r = reads(`const {
  A,
  B = "x",
  C: renamed = 5,
  D: other,
  ...rest
} = process.env;`);
    expect(r).toEqual([
      { name: "A", hasDefault: false, line: 2 },
      { name: "B", hasDefault: true, line: 3, defaultValue: "x" },
      { name: "C", hasDefault: true, line: 4, defaultValue: 5 },
      { name: "D", hasDefault: false, line: 5 },
    ]);
  });

  it("reads import.meta.env but not Vite's built-in keys", () => {
    expect(names(`const api = import.meta.env.VITE_API_URL;\nif (import.meta.env.DEV) {}\nconst { VITE_KEY, MODE } = import.meta.env;`))
      .toEqual(["VITE_API_URL", "VITE_KEY"]);
  });

  it("skips writes, methods and dynamic keys", () => {
    expect(names(`process.env.SET_ME = "1";\nif (process.env.hasOwnProperty("X")) {}\nconst v = process.env[key];\nfoo.process.env.NOPE;`)).toEqual([]);
  });
});

describe("child processes", () => {
  const subs = (src: string) => analyzeNodeSource(src, "dev.js").subprocesses;

  it("renders spawn with its literal arguments and cwd", () => {
    expect(subs(`const { spawn } = require("child_process");
const api = spawn("python", ["-m", "uvicorn", "main:app", "--port", String(port), ...extra], { cwd: "backend", stdio: "inherit" });`))
      .toEqual([{ command: "python -m uvicorn main:app --port … …", line: 2, cwd: "backend" }]);
  });

  it("reads exec / execSync commands, template parts and path.join(__dirname) cwd", () => {
    expect(subs(`import { exec as run, execSync } from "node:child_process";
run("npm run dev", { cwd: path.join(__dirname, "frontend") });
execSync(\`cd \${dir} && make build\`);
`)).toEqual([
      { command: "npm run dev", line: 2, cwd: "frontend" },
      { command: "cd … && make build", line: 3 },
    ]);
  });

  it("prefixes fork with node and follows namespace imports", () => {
    expect(subs(`import * as cp from "child_process";\ncp.fork("worker.js", ["--queue", q]);\nchildProcess.spawn(cmd);`)).toEqual([
      { command: "node worker.js --queue …", line: 2 },
      { command: "…", line: 3 },
    ]);
  });

  it("does not mistake RegExp#exec, db.exec or method definitions for spawns", () => {
    expect(subs(`/abc/.exec("x");\nre.exec(line);\ndb.exec("CREATE TABLE t (id int)");\nclass Runner { exec(cmd) { return cmd } }\nexec(userInput);`)).toEqual([]);
  });

  it("masks a key carried in a command line or a default", () => {
    const key = "gh" + "p_" + "Zq8".repeat(12);
    const facts = analyzeNodeSource(`execSync("git clone https://${key}@github.com/acme/x.git");\nconst u = process.env.DB_URL || "postgres://app:Pw9x2kLm@db/app";`, "s.js");
    expect(facts.subprocesses[0]?.command).toBe("git clone https://***@github.com/acme/x.git");
    expect(facts.envReads[0]?.defaultValue).toBe("postgres://app:***@db/app");
    expect(JSON.stringify(facts)).not.toContain(key);
  });

  it("accepts a bare call with a literal command even without a visible import", () => {
    expect(subs(`const exec = util.promisify(cpExec);\nawait exec("python worker.py", { cwd: "jobs" });`))
      .toEqual([{ command: "python worker.py", line: 2, cwd: "jobs" }]);
  });
});

describe("listen ports", () => {
  const ports = (src: string) => analyzeNodeSource(src, "server.js").listenPorts;

  it("reads literal ports, env ports with defaults and chained createServer", () => {
    expect(ports(`app.listen(3000);\nserver.listen(process.env.PORT || 8080);\nhttp.createServer(handler).listen(8081, "0.0.0.0");\nlisten(process.env.ALT_PORT ?? "9000");`)).toEqual([
      { port: 3000, line: 1 },
      { portFromEnv: "PORT", port: 8080, line: 2 },
      { port: 8081, line: 3 },
      { portFromEnv: "ALT_PORT", port: 9000, line: 4 },
    ]);
  });

  it("follows a variable holding the port", () => {
    expect(ports(`const PORT: number = Number(process.env.PORT) || 5000;\nconst app = express();\napp.listen(PORT, () => console.log(\`up on \${PORT}\`));`))
      .toEqual([{ portFromEnv: "PORT", port: 5000, line: 3 }]);
    expect(ports(`const port = 4000\napp.listen(port)`)).toEqual([{ port: 4000, line: 2 }]);
    expect(ports(`function start(port) { server.listen(port); }`)).toEqual([{ line: 1 }]);
  });

  it("reads listen({ port })", () => {
    expect(ports(`await fastify.listen({ port: 3001, host: "0.0.0.0" });`)).toEqual([{ port: 3001, line: 1 }]);
  });

  it("ignores socket paths, non-port arguments and method definitions", () => {
    expect(ports(`server.listen("/tmp/app.sock");\nio.listen(server);\nclass S { listen(port) { this.port = port } }\nfunction listen(p) {}\n// app.listen(1234)`)).toEqual([]);
  });
});

describe("tokenizer robustness", () => {
  it("stays linear and correct on a huge minified line", () => {
    const chunk = 'var a=b/c/d,e="x\\"y",f=`t${g}`,h=/[/]"/g;function q(){return process.env.MIN_VAR||1}';
    const big = chunk.repeat(50_000); // ~4.5 MB on one line
    const facts = analyzeNodeSource(big, "bundle.js");
    expect(facts.envReads).toHaveLength(50_000);
    expect(facts.envReads[0]).toEqual({ name: "MIN_VAR", hasDefault: true, line: 1, defaultValue: 1 });
  });

  it("survives pathological regex guesses and unterminated constructs", () => {
    const inputs = ["=/[".repeat(200_000), "`${".repeat(50_000), "/*", "'\\", "`", "{".repeat(100_000), "}".repeat(1000) + "process.env.X"];
    for (const src of inputs) {
      const facts = analyzeNodeSource(src, "x.js");
      expect(Array.isArray(facts.envReads)).toBe(true);
    }
    expect(analyzeNodeSource("}".repeat(1000) + "process.env.X", "x.js").envReads.map((r) => r.name)).toEqual(["X"]);
  });

  it("counts lines through multi-line comments, strings and templates", () => {
    const t = tokenizeJs("/*\n\n*/ a `\n\n${b}\n` 'x\\\ny' c");
    const lines: number[] = [];
    for (let i = 0; i < t.n; i++) if (t.id(i)) lines.push(t.ln(i));
    expect(lines).toEqual([3, 5, 7]);
  });

  it("finds literal object properties outside comments", () => {
    expect(stringPropertyValues(`// output: 'a'\nx = { output: 'b', "output": "c", output: d }`, "output")).toEqual(["b", "c"]);
  });
});
