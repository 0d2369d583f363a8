// The tests that run the compiled services (`node dist/...`, as the Dockerfile does) need a build
// of the current sources. `scripts/build.mjs --if-stale` builds only when a source is newer than the
// last finished build: the first such test of a run builds, the others (and CI, which built just
// before the tests) reuse it. Test files run one at a time (vitest.config.ts), so two never build
// at once.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Builds dist/ unless it is up to date; throws with the build's output when it fails. */
export function ensureBuilt(): void {
  const build = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
}
