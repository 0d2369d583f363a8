// npm run harvest [-- --token <jwt>]: asks the running national catalogue to harvest every partner
// now, and shows its progress (items per second, pages left) as it goes. Exits 1 if a partner could
// not be harvested. The catalogue only harvests for a national admin (an admin of the organisation
// that runs it): pass such a token, or in development let this script make one (lib/auth/dev-tokens.ts).
import { parseArgs } from "node:util";
import { loadConfigOrExit } from "../lib/config.ts";
import { devToken, NoDevTokens } from "../lib/auth/dev-tokens.ts";
import { NATIONAL_ADMIN_ROLE } from "../schema/roles.ts";
import { loadRegistry } from "../lib/registry/registry.ts";
import type { HarvestProgress } from "../subgraphs/catalogue/harvest/harvester.ts";

const { values } = parseArgs({ options: { token: { type: "string" } } });
const config = loadConfigOrExit();
const catalogue = loadRegistry(config.REGISTRY_FILE, config.PARTNER_URL_TEMPLATE).catalogue();
const url = new URL("/admin/harvest", catalogue.url);

let token = values.token;
if (!token) {
  try {
    token = await devToken(config, {
      user: "npm-run-harvest",
      organisation: catalogue.organisation,
      roles: [NATIONAL_ADMIN_ROLE],
    });
  } catch (e) {
    if (!(e instanceof NoDevTokens)) throw e;
    console.error(`harvest: pass --token <a token of an admin of ${catalogue.organisation}>: ${e.message}`);
    process.exit(2);
  }
}

let response: Response;
try {
  response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` } });
} catch (e) {
  console.error(
    `harvest: the catalogue is not reachable at ${url} (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}); is it running (npm start)?`,
  );
  process.exit(1);
}
if (!response.ok || !response.body) {
  const reason = await response
    .text()
    .then(
      (t) => (JSON.parse(t) as { errors?: { message: string }[] }).errors?.[0]?.message,
      () => undefined,
    )
    .catch(() => undefined);
  console.error(`harvest: the catalogue answered HTTP ${response.status}${reason ? `: ${reason}` : ""}`);
  process.exit(1);
}
let failed = 0;
let buffer = "";
const decoder = new TextDecoder();
for await (const chunk of response.body) {
  buffer += decoder.decode(chunk as Uint8Array, { stream: true });
  for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
    const event = JSON.parse(buffer.slice(0, nl)) as
      HarvestProgress | { type: "summary"; partners: number; failed: string[]; items: number };
    buffer = buffer.slice(nl + 1);
    if (event.type === "page") {
      console.log(
        `${event.partner.padEnd(20)} page ${String(event.page).padStart(4)}  +${event.upserted} -${event.removed}  ${event.itemsPerSecond} items/s  ${event.remainingPages} pages left`,
      );
    } else if (event.type === "partner") {
      console.log(
        `${event.partner.padEnd(20)} ${event.ok ? "done" : `FAILED: ${event.reason}`}  ${event.items} items in ${event.pages} pages, ${(event.ms / 1000).toFixed(1)} s`,
      );
    } else {
      failed = event.failed.length;
      console.log(
        `harvested ${event.partners} partners, ${event.items} changes${failed ? `; failed: ${event.failed.join(", ")}` : ""}`,
      );
    }
  }
}
process.exit(failed ? 1 : 0);
