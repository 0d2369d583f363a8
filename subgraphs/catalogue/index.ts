// Starts the national catalogue: PARTNER_ID=national-catalogue node --import tsx subgraphs/catalogue/index.ts
import { main } from "../shared/main.ts";
import { catalogueService } from "./server.ts";

await main(catalogueService, "catalogue");
