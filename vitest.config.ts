import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real processes and servers start in some suites: give them room, never assert on time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
