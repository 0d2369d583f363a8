// Starts one projects partner: PARTNER_ID=<id> node --import tsx subgraphs/projects/index.ts
import { main } from "../shared/main.ts";
import { projectsService } from "./server.ts";

await main(projectsService, "projects");
