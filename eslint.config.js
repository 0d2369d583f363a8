// Lint rules (npm run lint; CI runs it). typescript-eslint's recommended rules without type
// information (the compiler already checks types, over project references, in `npm run typecheck`),
// and import boundaries that mirror the layers: schema → lib → gateway | subgraphs, scripts and tests
// on top. The same boundaries are enforced by the compiler (a layer's tsconfig references only the
// layers below it) and by tests/unit/layer-imports.test.ts; here they show in an editor as you type.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Imports a layer may not make: the layers above it (and, for the two top layers, each other). */
const forbidden = {
  schema: ["lib", "gateway", "subgraphs", "scripts", "tests"],
  lib: ["gateway", "subgraphs", "scripts", "tests"],
  gateway: ["subgraphs", "scripts", "tests"],
  subgraphs: ["gateway", "scripts", "tests"],
};

const boundaries = Object.entries(forbidden).map(([layer, above]) => ({
  files: [`${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: above.map((name) => ({
          regex: `^(\\.\\./)+(${name})(/|$)`,
          message: `${layer}/ may not import ${name}/: layers point one way (schema → lib → gateway | subgraphs).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".tsbuild/", "**/generated/", "coverage/", ".data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly" },
    },
    rules: {
      // `_` marks an argument a resolver or callback must take but does not use.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // Node's globals are the compiler's business (lib and @types/node); eslint cannot see them without types.
      "no-undef": "off",
    },
  },
  {
    // Tests and the benchmark read JSON answers of a GraphQL API whose shapes the assertions spell
    // out: typing every response would restate the contract in each, so `any` is allowed there and
    // only there (not in what runs in production).
    files: ["tests/**/*.ts", "scripts/bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  ...boundaries,
);
