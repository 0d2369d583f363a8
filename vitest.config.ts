import { defineConfig } from "vitest/config";
import { createRequire } from "node:module";

// Node (and so every service) loads graphql's CommonJS build, which Apollo's packages require too.
// Vite would pick its ESM build for our own imports: two copies of graphql whose types refuse each
// other. Pointing tests at the same file Node uses keeps one copy, as in production.
const graphqlEntry = createRequire(import.meta.url).resolve("graphql");

// `npm test` runs every suite on the embedded store (no server needed). `npm run test:postgres`
// sets TEST_DATABASE_URL and runs the integration suite again, plus the server-only tests in
// tests/postgres, against a real PostgreSQL server (CI does both).
const suites = ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts"];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: process.env.TEST_DATABASE_URL ? [...suites, "tests/postgres/**/*.test.ts"] : suites,
    // Integration tests start a whole federation (ten databases, ~2.5 GB) in their process: on a
    // 2-core machine files run one at a time, which also keeps their timing assertions honest.
    fileParallelism: false,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
