// The project's root folder, whether this file runs from its source (lib/) or from the build
// (dist/lib/): state and configuration that is edited in place (the partner registry, DATA_DIR)
// must be the same files for both, not a copy under dist/ that a build would overwrite.
import { fileURLToPath } from "node:url";

const up = new URL("../", import.meta.url);
export const PROJECT_ROOT = fileURLToPath(up.pathname.endsWith("/dist/") ? new URL("../", up) : up);
