// npm run compose: writes schema/supergraph.graphql from the kind contracts, or prints every
// composition error and exits 1.
import { writeFileSync } from "node:fs";
import { composeSupergraph, SUPERGRAPH_PATH } from "../schema/compose.ts";

const result = composeSupergraph();
if ("errors" in result) {
  console.error(`Composition failed:\n- ${result.errors.join("\n- ")}`);
  process.exit(1);
}
writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
console.log(`wrote ${SUPERGRAPH_PATH}`);
