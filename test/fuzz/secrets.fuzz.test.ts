import { describe, expect, it } from "vitest";
import { SecretFinding } from "../../src/core/app-model.js";
import { containsSecret, envFileAssignments, findSecrets, redactSecrets } from "../../src/scan/secrets.js";
import { mutations } from "./mutate.js";

// Built at run time: the repository holds no key-shaped literal.
const VALUES = [
  "sk-" + "proj-" + "Ab3De5Gh7Jk9Mn1Pq2Rs4Tu6Vw8Xy0Z".repeat(2),
  "AK" + "IA" + "QX7RZ2M4N6P8K3J5",
  "hf" + "_" + "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC12",
  "gh" + "p_" + "aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0zC1234",
  "Pw" + "9xk2Lm77Qz",
];

const SEEDS = [
  `# production settings\nOPENAI_API_KEY=${VALUES[0]}\nAWS_ACCESS_KEY_ID=${VALUES[1]}\nexport HF_TOKEN="${VALUES[2]}"\nDATABASE_URL=postgres://app:${VALUES[4]}@db:5432/app\nEMPTY=\nREF=\${OTHER}\n`,
  `import os\n\nSECRET_KEY = "${VALUES[4]}"\nGITHUB_TOKEN = '${VALUES[3]}'\napi_key = os.environ["API_KEY"]\npassword = "changeme"\n`,
  `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${VALUES[4]}\n      POSTGRES_USER: app\n`,
  `{\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo".repeat(3)}\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "svc@proj.iam.gserviceaccount.com"\n}\n`,
];

describe("findSecrets fuzz", () => {
  it("never throws, returns valid findings and never echoes a value on 1,500 mutated inputs", () => {
    for (const input of mutations(SEEDS, 1500, 99)) {
      try {
        const lineCount = input.split("\n").length;
        for (const file of [".env", "app/settings.py", "docker-compose.yml"]) {
          const found = findSecrets(input, file);
          for (const f of found) {
            SecretFinding.parse(f);
            expect(f.line).toBeLessThanOrEqual(lineCount);
            expect(f.file).toBe(file);
          }
          const json = JSON.stringify(found);
          for (const v of VALUES) expect(json).not.toContain(v);
        }
        for (const a of envFileAssignments(input)) {
          expect(a.line >= 1 && a.line <= lineCount).toBe(true);
          expect(a.name.length).toBeGreaterThan(0);
          for (const v of VALUES.slice(0, 4)) expect(a.name).not.toContain(v);
        }
        // After redaction no rule matches any more (a URL keeps its shape with *** as the password).
        const red = redactSecrets(input);
        expect(containsSecret(red.replace(/:\*\*\*@/g, "@"))).toBe(false);
      } catch (e) {
        console.error("failing input:", JSON.stringify(input));
        throw e;
      }
    }
  });
});
