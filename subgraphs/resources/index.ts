// Starts one resources partner: PARTNER_ID=<id> node --import tsx subgraphs/resources/index.ts
import { main } from "../shared/main.ts";
import { resourcesService } from "./server.ts";

await main(resourcesService, "resources");
