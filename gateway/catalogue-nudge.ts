// After a write, the gateway asks the national catalogue to harvest now, so a published item is
// found by national search within a second or two instead of at the next scheduled harvest. The
// catalogue's harvest is incremental (an unchanged partner costs one empty page) and requests made
// during a harvest share one follow-up harvest; on top of that, here at most one nudge is in flight and any
// number of writes during it make exactly one more: a burst of a thousand writes costs two
// harvests, not a thousand.
import type { Logger } from "pino";
import type { Registry } from "../lib/registry/registry.ts";
import { HARVEST_NUDGE, type IdentitySigner } from "../lib/auth/internal-tokens.ts";

export class CatalogueNudge {
  private running = false;
  private again = false;

  constructor(
    private readonly registry: () => Registry,
    private readonly logger: Logger,
    /** Signs the request as the gateway's own; without it the catalogue refuses it (and the scheduled harvest indexes the write). */
    private readonly signer?: IdentitySigner,
  ) {}

  /** Fire and forget: a failed nudge only delays indexing until the scheduled harvest. */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        const catalogue = this.registry().catalogue();
        const headers = this.signer ? await this.signer.headers(HARVEST_NUDGE, catalogue.id) : {};
        const res = await fetch(new URL("/admin/harvest", catalogue.url), { method: "POST", headers, signal: AbortSignal.timeout(60_000) });
        await res.text();
        if (!res.ok) this.logger.warn({ status: res.status }, "the catalogue refused to harvest after a write");
      } catch (e) {
        this.logger.warn({ reason: (e as Error).message }, "could not ask the catalogue to harvest after a write");
      }
    } while (this.again);
    this.running = false;
  }

  /** Resolves once no nudge is in flight (tests). */
  async settled(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }
}
