import { defineConfig } from "vitest/config";

// Integration tests start a whole federation (ten PGlite databases, ~2.5 GB) in their process:
// on a 2-core machine files run one at a time, which is also what keeps their timings honest.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    fileParallelism: false,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
