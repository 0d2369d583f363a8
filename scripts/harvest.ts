// npm run harvest: asks the running national catalogue to harvest every partner now, and shows its
// progress (items per second, pages left) as it goes. Exits 1 if a partner could not be harvested.
import { loadConfigOrExit } from "../lib/config.ts";
import { loadRegistry } from "../schema/registry.ts";
import type { HarvestProgress } from "../subgraphs/catalogue/harvest/harvester.ts";

const config = loadConfigOrExit();
const catalogue = loadRegistry(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE).catalogue();
const url = new URL("/admin/harvest", catalogue.url);

let response: Response;
try {
  response = await fetch(url, { method: "POST" });
} catch (e) {
  console.error(`harvest: the catalogue is not reachable at ${url} (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}); is it running (npm start)?`);
  process.exit(1);
}
if (!response.ok || !response.body) {
  console.error(`harvest: the catalogue answered HTTP ${response.status}`);
  process.exit(1);
}
let failed = 0;
let buffer = "";
const decoder = new TextDecoder();
for await (const chunk of response.body) {
  buffer += decoder.decode(chunk as Uint8Array, { stream: true });
  for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
    const event = JSON.parse(buffer.slice(0, nl)) as HarvestProgress | { type: "summary"; partners: number; failed: string[]; items: number };
    buffer = buffer.slice(nl + 1);
    if (event.type === "page") {
      console.log(`${event.partner.padEnd(20)} page ${String(event.page).padStart(4)}  +${event.upserted} -${event.removed}  ${event.itemsPerSecond} items/s  ${event.remainingPages} pages left`);
    } else if (event.type === "partner") {
      console.log(`${event.partner.padEnd(20)} ${event.ok ? "done" : `FAILED: ${event.reason}`}  ${event.items} items in ${event.pages} pages, ${(event.ms / 1000).toFixed(1)} s`);
    } else {
      failed = event.failed.length;
      console.log(`harvested ${event.partners} partners, ${event.items} changes${failed ? `; failed: ${event.failed.join(", ")}` : ""}`);
    }
  }
}
process.exit(failed ? 1 : 0);
