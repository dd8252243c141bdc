import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // s3rver and a PostgreSQL cluster, started once for the models tests (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    // Real processes and servers start in some suites: give them room, never assert on time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
