import { describe, expect, it } from "vitest";
import { SecretFinding } from "../../src/core/app-model.js";
import {
  containsSecret,
  envFileAssignments,
  findSecrets,
  isEnvFileWithValues,
  isSecretName,
  redactCommand,
  redactSecrets,
} from "../../src/scan/secrets.js";

// Key-shaped values are assembled at run time so this file holds no literal that looks like a key.
const rnd = (len: number, alphabet = "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC") => {
  let s = "";
  for (let i = 0; s.length < len; i++) s += alphabet[(i * 7 + 3) % alphabet.length];
  return s;
};
const KEYS = {
  openaiProj: "sk-" + "proj-" + rnd(60),
  openaiLegacy: "sk-" + rnd(48),
  openaiBriefStyle: "sk-" + "proj" + "A".repeat(40),
  anthropic: "sk-" + "ant-" + "api03-" + rnd(90),
  awsId: "AK" + "IA" + "QX7RZ2M4N6P8K3J5",
  awsSts: "AS" + "IA" + "QX7RZ2M4N6P8K3J5",
  awsSecret: rnd(20) + "/" + rnd(19, "Kj8+Lm2Np4Qr6St8Uv0"),
  hf: "hf" + "_" + rnd(34),
  github: "gh" + "p_" + rnd(36),
  githubPat: "github" + "_pat_" + rnd(22) + "_" + rnd(59),
  slack: "xo" + "xb-" + "1234567890-" + rnd(24),
  stripe: "sk" + "_live_" + rnd(24),
  google: "AI" + "za" + rnd(35),
  jwt: "ey" + "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".ey" + "JzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ" + "." + rnd(43),
  pemBody: rnd(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
  dbPassword: "S3cr" + "etPassw0rd!",
};

function expectNoValues(findings: SecretFinding[], ...values: string[]): void {
  const json = JSON.stringify(findings);
  for (const v of values) expect(json).not.toContain(v);
}

function kinds(text: string, file = "config.py"): string[] {
  return findSecrets(text, file).map((f) => f.kind);
}

describe("findSecrets: provider formats", () => {
  const cases: [string, string, string][] = [
    ["openai-key", KEYS.openaiProj, "openai project key"],
    ["openai-key", KEYS.openaiLegacy, "openai legacy key"],
    ["openai-key", KEYS.openaiBriefStyle, "openai key of one repeated letter"],
    ["anthropic-key", KEYS.anthropic, "anthropic key"],
    ["aws-access-key", KEYS.awsId, "aws access key id"],
    ["aws-access-key", KEYS.awsSts, "aws temporary key id"],
    ["huggingface-token", KEYS.hf, "hugging face token"],
    ["github-token", KEYS.github, "github classic token"],
    ["github-token", KEYS.githubPat, "github fine-grained token"],
    ["slack-token", KEYS.slack, "slack bot token"],
    ["stripe-key", KEYS.stripe, "stripe live key"],
    ["google-api-key", KEYS.google, "google api key"],
    ["jwt", KEYS.jwt, "jwt"],
  ];
  for (const [kind, value, label] of cases) {
    it(`finds a ${label} on its line, without the value`, () => {
      const text = `import os\n\nclient = Client(\n    "${value}",\n)\n`;
      const found = findSecrets(text, "app/client.py");
      expect(found).toEqual([{ file: "app/client.py", line: 4, kind }]);
      expectNoValues(found, value, value.slice(4, 20));
      for (const f of found) expect(() => SecretFinding.parse(f)).not.toThrow();
    });
  }

  it("names the variable a key is assigned to", () => {
    const found = findSecrets(`OPENAI_API_KEY=${KEYS.openaiProj}\nexport HF_TOKEN="${KEYS.hf}"\n`, ".env.production");
    expect(found).toEqual([
      { file: ".env.production", line: 1, kind: "openai-key", name: "OPENAI_API_KEY" },
      { file: ".env.production", line: 2, kind: "huggingface-token", name: "HF_TOKEN" },
    ]);
    const js = findSecrets(`const config = {\n  apiKey: "${KEYS.google}",\n};`, "src/firebase.ts");
    expect(js).toEqual([{ file: "src/firebase.ts", line: 2, kind: "google-api-key", name: "apiKey" }]);
  });

  it("tells an Anthropic key from an OpenAI one", () => {
    expect(kinds(`key = "${KEYS.anthropic}"`)).toEqual(["anthropic-key"]);
  });

  it("finds an AWS secret key only when assigned to an AWS secret name", () => {
    const found = findSecrets(`aws_secret_access_key = ${KEYS.awsSecret}\n`, "deploy/credentials.ini");
    expect(found).toEqual([{ file: "deploy/credentials.ini", line: 1, kind: "aws-secret-key", name: "aws_secret_access_key" }]);
    expectNoValues(found, KEYS.awsSecret);
    expect(kinds(`checksum = "${KEYS.awsSecret}"`)).toEqual([]);
  });

  it("finds a private key block when key material follows the header", () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${KEYS.pemBody}\n${KEYS.pemBody}\n-----END RSA PRIVATE KEY-----\n`;
    expect(findSecrets(pem, "certs/server.pem")).toEqual([{ file: "certs/server.pem", line: 1, kind: "private-key" }]);
    const inJson = `{\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${KEYS.pemBody}\\n-----END PRIVATE KEY-----\\n"\n}`;
    expect(findSecrets(inJson, "sa.json")).toEqual([{ file: "sa.json", line: 2, kind: "private-key", name: "private_key" }]);
    expectNoValues(findSecrets(inJson, "sa.json"), KEYS.pemBody.slice(0, 20));
  });

  it("ignores a PEM header used as a string in code", () => {
    expect(kinds(`if pem.startswith("-----BEGIN PRIVATE KEY-----"):\n    load(pem)\n`)).toEqual([]);
    expect(kinds(`-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----`, "docs/ssh.md")).toEqual([]);
  });

  it("finds passwords in connection URLs but not placeholders or references", () => {
    const found = findSecrets(
      `DATABASE_URL = "postgresql://app:${KEYS.dbPassword}@db.internal:5432/app"\n` +
        `REDIS_URL = "redis://:\${REDIS_PASSWORD}@redis:6379/0"\n` +
        `LOCAL = "postgres://postgres:postgres@localhost:5432/dev"\n` +
        `DOC = "mysql://user:password@host/db"\n` +
        `TPL = "amqp://guest:<password>@rabbit/"\n` +
        `PLAIN = "https://example.org/path?a=b:c@d"\n`,
      "settings.py",
    );
    expect(found).toEqual([{ file: "settings.py", line: 1, kind: "password-in-url", name: "DATABASE_URL" }]);
    expectNoValues(found, KEYS.dbPassword);
  });

  it("ignores documented examples and stand-ins", () => {
    const text = [
      `AWS_ACCESS_KEY_ID=${"AKIA" + "IOSFODNN7EXAMPLE"}`,
      `OPENAI_API_KEY=sk-your-key-here`,
      `OPENAI_API_KEY=sk-...`,
      `OPENAI_API_KEY=sk-${"x".repeat(48)}`,
      `HF_TOKEN=hf_${"x".repeat(34)}`,
      `STRIPE_SECRET_KEY=sk_test_${rnd(24)}`,
      `GITHUB_TOKEN=<your-github-token>`,
    ].join("\n");
    expect(findSecrets(text, ".env")).toEqual([]);
  });

  it("does not fire on look-alike identifiers", () => {
    expect(kinds(`task-runner-disk-usage = 1\nconst skill = "sk-learn-tutorial-part-one-two"\nmodel_hf_${rnd(40)} = 1\nAKIAPOLICYDOCUMENT_NAME = 2`)).toEqual([]);
  });
});

describe("findSecrets: generic assignments", () => {
  it("finds secret-looking names with real-looking literal values", () => {
    const text = [
      `SECRET_KEY = "django-insecure-8#k2!x9zq"`,
      `app.config["JWT_SECRET"] = 'a9F3kL0pQ7'`,
      `db = connect(password="Hunter2Hunter2")`,
    ].join("\n");
    expect(findSecrets(text, "app/settings.py")).toEqual([
      { file: "app/settings.py", line: 1, kind: "generic-secret", name: "SECRET_KEY" },
      { file: "app/settings.py", line: 2, kind: "generic-secret", name: "JWT_SECRET" },
      { file: "app/settings.py", line: 3, kind: "generic-secret", name: "password" },
    ]);
  });

  it("reads YAML, JSON and dotenv forms", () => {
    expect(findSecrets(`services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Xk29fj3Lq0\n`, "docker-compose.yml"))
      .toEqual([{ file: "docker-compose.yml", line: 4, kind: "generic-secret", name: "POSTGRES_PASSWORD" }]);
    expect(findSecrets(`{\n  "api_token": "9fK2mQ7xLp0Z"\n}`, "config/app.json"))
      .toEqual([{ file: "config/app.json", line: 2, kind: "generic-secret", name: "api_token" }]);
    expect(findSecrets(`# comment\nexport DB_PASS=p4ssW0rd99\n`, ".env.local"))
      .toEqual([{ file: ".env.local", line: 2, kind: "generic-secret", name: "DB_PASS" }]);
  });

  it("ignores placeholders, references, short values and non-secret names", () => {
    const text = [
      `SECRET_KEY = os.environ["SECRET_KEY"]`,
      `API_KEY = os.getenv("API_KEY", "")`,
      `PASSWORD = ""`,
      `PASSWORD = "changeme"`,
      `API_KEY = "your-api-key"`,
      `TOKEN = "xxxxxxxxxxxx"`,
      `SECRET = "test-secret-value"`,
      `SECRET = "dummy_secret_1"`,
      `API_KEY = "<API_KEY>"`,
      `API_KEY = "\${API_KEY}"`,
      `API_KEY = "$API_KEY"`,
      `PASSWORD = "abc12"`,
      `API_KEY = "..."`,
      `TOKEN_HEADER = "X-Auth-Token-9"`,
      `API_KEY_NAME = "OPENAI_API_KEY"`,
      `SECRET_KEY_FILE = "/run/secrets/key_2"`,
      `token_storage_key = "auth_token"`,
      `password: string = "Abc123456"`,
      `USERNAME = "Adm1nistrator"`,
      `const apiKey = process.env.API_KEY;`,
      `key = "settings_v2"`,
      `cache_key = "user:42:profile"`,
      `S3_OBJECT_KEY = "uploads/2024/a.png"`,
    ].join("\n");
    expect(findSecrets(text, "app/config.py")).toEqual([]);
  });

  it("needs quotes in code files, not in config files", () => {
    expect(kinds(`password = request.form.get_Pw9x`, "app.py")).toEqual([]);
    expect(kinds(`password = Pw9xk2Lm`, "app.ini")).toEqual(["generic-secret"]);
  });
});

describe("findSecrets: robustness", () => {
  it("never includes values in findings", () => {
    const text = Object.entries(KEYS).map(([k, v]) => `${k.toUpperCase()}_TOKEN="${v}"`).join("\n");
    const found = findSecrets(text, ".env");
    expect(found.length).toBeGreaterThanOrEqual(12);
    expectNoValues(found, ...Object.values(KEYS));
  });

  it("handles huge lines and binary input", () => {
    const long = "x=" + "a/".repeat(3_000_000) + `"${KEYS.github}"`;
    expect(findSecrets(long, "bundle.js")).toEqual([{ file: "bundle.js", line: 1, kind: "github-token" }]);
    expect(findSecrets(`\0\0\0${KEYS.github}`, "blob.bin")).toEqual([]);
    const backtrack = "eyJ" + "a".repeat(500_000) + " " + "postgres://" + "u".repeat(200_000) + ":" + "p".repeat(200_000);
    expect(findSecrets(backtrack, "x.txt")).toEqual([]);
  });

  it("reports each secret once per line and kind", () => {
    expect(findSecrets(`k = ["${KEYS.hf}", "${KEYS.hf}"]`, "a.py")).toEqual([{ file: "a.py", line: 1, kind: "huggingface-token" }]);
  });
});

describe("isSecretName", () => {
  it("recognises credential words by segment", () => {
    for (const n of ["OPENAI_API_KEY", "apiKey", "SECRET_KEY_BASE", "DB_PASS", "db-password", "GITHUB_TOKEN", "gcpCredentials", "PRIVATE_PEM", "AUTHTOKEN", "dbpassword"]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ["KEYCLOAK_URL", "PORT", "DATABASE_URL", "PASSPORT_ID", "COMPASS", "monkey", "PWD", "NODE_ENV"]) {
      expect(isSecretName(n), n).toBe(false);
    }
  });
});

describe("env files", () => {
  it("recognises committed env files, not templates", () => {
    for (const n of [".env", ".env.local", ".env.production", "prod.env", ".env.development.local"]) expect(isEnvFileWithValues(n), n).toBe(true);
    for (const n of [".env.example", ".env.sample", ".env.template", ".env.dist", "example.env", ".envrc", "env", ".environment"]) {
      expect(isEnvFileWithValues(n), n).toBe(false);
    }
  });

  it("lists assignments and whether each has a value, never the value", () => {
    const text = `# app\nexport OPENAI_API_KEY=${KEYS.openaiProj}\nEMPTY=\nQUOTED_EMPTY=""\nREF=\${OTHER}\nSTAND_IN=your-key-here\nDEBUG=true # verbose\nPORT = 8000\n  not an assignment\n`;
    const out = envFileAssignments(text);
    expect(out).toEqual([
      { name: "OPENAI_API_KEY", line: 2, hasValue: true },
      { name: "EMPTY", line: 3, hasValue: false },
      { name: "QUOTED_EMPTY", line: 4, hasValue: false },
      { name: "REF", line: 5, hasValue: false },
      { name: "STAND_IN", line: 6, hasValue: false },
      { name: "DEBUG", line: 7, hasValue: true },
      { name: "PORT", line: 8, hasValue: true },
    ]);
    expect(JSON.stringify(out)).not.toContain(KEYS.openaiProj);
  });
});

describe("redactCommand", () => {
  it("masks credential-named assignments and --options, keeps references and other settings", () => {
    expect(redactCommand(`OPENAI_API_KEY=${KEYS.openaiLegacy} DB_PASSWORD=Hunter2Secret99 gunicorn app:app`)).toBe("OPENAI_API_KEY=*** DB_PASSWORD=*** gunicorn app:app");
    expect(redactCommand("export SECRET_KEY='a b c' && python app.py --api-key=xyz123 --workers=4 --port=$PORT")).toBe(
      "export SECRET_KEY=*** && python app.py --api-key=*** --workers=4 --port=$PORT",
    );
    expect(redactCommand('TOKEN=$HF_TOKEN AUTH_TOKEN="${T}" python x.py --key-file=/etc/k.pem')).toBe('TOKEN=$HF_TOKEN AUTH_TOKEN="${T}" python x.py --key-file=/etc/k.pem');
    expect(redactCommand("curl https://x.example/api?token=abc123&page=2")).toBe("curl https://x.example/api?token=***&page=2");
    expect(redactCommand("gunicorn -b 0.0.0.0:$PORT -w 2 app:app")).toBe("gunicorn -b 0.0.0.0:$PORT -w 2 app:app");
  });
});

describe("redactSecrets / containsSecret", () => {
  it("masks keys and URL passwords, leaving the rest readable", () => {
    const cmd = `curl -H "Authorization: Bearer ${KEYS.github}" postgres://app:${KEYS.dbPassword}@db:5432/x`;
    const out = redactSecrets(cmd);
    expect(out).toBe('curl -H "Authorization: Bearer ***" postgres://app:***@db:5432/x');
    expect(containsSecret(cmd)).toBe(true);
    expect(containsSecret(redactSecrets(KEYS.github))).toBe(false);
    expect(redactSecrets("npm run dev -- --port 3000")).toBe("npm run dev -- --port 3000");
    const long = "gh" + "p_" + rnd(400);
    expect(redactSecrets(`token=${long} next`)).toBe("token=*** next");
  });

  it("never lets a key that stands where a name goes come back as a name", () => {
    const found = findSecrets(`${KEYS.openaiProj}: Xk29fj3Lq0secret\n`, "conf.yml");
    expectNoValues(found, KEYS.openaiProj);
    expect(found.map((f) => f.kind)).toEqual(["openai-key"]);
    expect(envFileAssignments(`${KEYS.openaiLegacy}=1\nOK=1\n`).map((a) => a.name)).toEqual(["OK"]);
  });
});
