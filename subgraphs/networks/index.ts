// Starts one networks partner: PARTNER_ID=<id> node --import tsx subgraphs/networks/index.ts
import { main } from "../shared/main.ts";
import { networksService } from "./server.ts";

await main(networksService, "networks");
