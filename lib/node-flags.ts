// Node runtime flags for each service, in one place: the demo launcher (scripts/start.ts),
// docker-compose.yml (checked against this by tests/unit/docker-compose.test.ts) and the
// benchmarks start each service with these, so what is measured is what runs.
import type { Kind } from "../schema/kinds.ts";

export type Service = Kind | "gateway";

export const NODE_FLAGS: Record<Service, readonly string[]> = {
  resources: [],
  networks: [],
  // Analysis requests build and drop hundreds of thousands of short-lived objects (a page of 250
  // measures is 25,000 points and their per-point results), several requests at a time: with the
  // default 16 MB young generation most survive a scavenge, get promoted and cost full collections.
  // 64 MB cut an analysis request's time by about a third (scripts/bench/analysis.ts).
  projects: ["--max-semi-space-size=64"],
  catalogue: [],
  // The gateway keeps little between requests (plans, sockets): an old-space cap makes V8 collect
  // early instead of growing the heap under load (peak RSS 275-316 MB without, about 200-215 with).
  // A smaller young generation (8 MB) saved a little more memory but, after bursts of concurrent
  // requests, promoted their short-lived data and cost a single read 0.3-0.4 ms more (scenario a:
  // 1.26-1.28x the owner instead of 1.17x). Measured by `npm run bench -- --only gateway`.
  gateway: ["--max-old-space-size=160"],
};

/**
 * How a service's code runs: `compiled` is what `npm run build` writes to dist/ (production: the
 * Dockerfile and docker-compose.yml run it, so the running artefact is the type-checked one and
 * start-up compiles nothing); `tsx` runs the TypeScript sources directly (development and tests,
 * no build step).
 */
export type Runner = "compiled" | "tsx";

/** The compiled file of a TypeScript entry point: gateway/index.ts -> dist/gateway/index.js. */
export function compiledEntry(entry: string): string {
  return `dist/${entry.replace(/\.ts$/, ".js")}`;
}

/** The command that runs a service's entry point (its TypeScript source path, from the project root). */
export function nodeCommand(service: Service, entry: string, runner: Runner = "compiled"): string[] {
  return runner === "compiled"
    ? ["node", ...NODE_FLAGS[service], compiledEntry(entry)]
    : ["node", ...NODE_FLAGS[service], "--import", "tsx", entry];
}
