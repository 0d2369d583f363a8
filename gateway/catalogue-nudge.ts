// After a write, the gateway asks the national catalogue to harvest the written partner now and
// holds the write's answer until it has (up to WRITE_INDEX_WAIT_MS). Several fields of an item are
// answered from the national index, not its owner (a project's linked resources show their titles
// from the catalogue: the query planner picks it), so without the wait a deleted resource kept its
// title in every project for a moment after its deletion had been confirmed, and a writer who read
// straight after writing could see the old copy. With it, the write's answer means "done
// nationally", for everyone. If the catalogue is slow or down the answer goes out at the bound and
// the index catches up at its next harvest: a write is never failed or lost for the index's sake.
//
// The catalogue's harvest is incremental (an unchanged partner costs one empty page), requests made
// during a harvest share one follow-up, and here each partner has at most one request in flight and
// one waiting: writes during a request join the waiting one, since the harvest that answers the
// request in flight may have read the partner before their write. A burst of a thousand writes
// costs a few harvests, not a thousand.
import type { Logger } from "pino";
import type { Registry } from "../lib/registry/registry.ts";
import { HARVEST_NUDGE, type IdentitySigner } from "../lib/auth/internal-tokens.ts";

export interface CatalogueNudgeOptions {
  registry: () => Registry;
  logger: Logger;
  /** Signs the request as the gateway's own; without it the catalogue refuses it (and the scheduled harvest indexes the write). */
  signer?: IdentitySigner;
  /**
   * Longest a write's answer waits for the catalogue to index it (WRITE_INDEX_WAIT_MS). 0: do not
   * wait (the harvest is still asked for).
   * @default 5000
   */
  waitMs?: number;
}

interface PartnerCalls {
  running?: Promise<void>;
  queued?: Promise<void>;
}

export class CatalogueNudge {
  private readonly calls = new Map<string, PartnerCalls>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly options: CatalogueNudgeOptions) {}

  /**
   * Resolves once the catalogue has harvested `partner` in a harvest that started after this call,
   * or when the wait's bound passes, or at once when the catalogue cannot be asked. Never rejects.
   */
  async indexed(partner: string): Promise<void> {
    const asked = this.ask(partner);
    const waitMs = this.options.waitMs ?? 5000;
    if (waitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn({ partner, waitMs }, "write answered before the catalogue indexed it");
        resolve();
      }, waitMs);
    });
    await Promise.race([asked, bound]);
    clearTimeout(timer);
  }

  private ask(partner: string): Promise<void> {
    let calls = this.calls.get(partner);
    if (!calls) this.calls.set(partner, (calls = {}));
    if (!calls.running) {
      const running: Promise<void> = this.post(partner).finally(() => {
        if (calls.running === running) calls.running = undefined;
      });
      calls.running = running;
      this.track(running);
      return running;
    }
    calls.queued ??= calls.running.then(() => {
      calls.queued = undefined;
      return this.ask(partner);
    });
    return calls.queued;
  }

  private track(call: Promise<void>): void {
    this.inflight.add(call);
    void call.finally(() => this.inflight.delete(call));
  }

  /** One request; failures are logged, never thrown: a failed nudge only delays indexing until the scheduled harvest. */
  private async post(partner: string): Promise<void> {
    const { registry, signer, logger } = this.options;
    try {
      const catalogue = registry().catalogue();
      const headers = signer ? await signer.headers(HARVEST_NUDGE, catalogue.id) : {};
      const url = new URL("/admin/harvest", catalogue.url);
      url.searchParams.set("partner", partner);
      const res = await fetch(url, { method: "POST", headers, signal: AbortSignal.timeout(60_000) });
      await res.text();
      if (!res.ok) logger.warn({ status: res.status, partner }, "the catalogue refused to harvest after a write");
    } catch (e) {
      logger.warn({ reason: (e as Error).message, partner }, "could not ask the catalogue to harvest after a write");
    }
  }

  /** Resolves once no request to the catalogue is in flight or waiting (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0 || [...this.calls.values()].some((c) => c.queued)) {
      await Promise.allSettled([...this.inflight, ...[...this.calls.values()].map((c) => c.queued)]);
    }
  }
}
