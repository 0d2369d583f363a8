// The project's root folder, whether this file runs from its source (lib/project-root.ts) or from
// the build (dist/lib/project-root.js): state and configuration edited in place (the partner
// registry, DATA_DIR) must be the same files for both, not a copy under dist/ that a build replaces.
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL(import.meta.url.endsWith(".js") ? "../../" : "../", import.meta.url));
