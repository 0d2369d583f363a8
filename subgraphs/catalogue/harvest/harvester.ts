// Harvests every enabled partner: pages through its feed from the stored cursor, writes each page
// to the index in one statement, and records the new cursor, so a restart resumes where it stopped
// and an unchanged partner costs one empty page. A partner that fails keeps its items in the index,
// marked stale. Partners are harvested in parallel, a few at a time.
import type { Logger } from "pino";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { OpenedDatabase } from "../../../lib/db/open.ts";
import { callPartner, PartnerCallError } from "../../../lib/partner-client.ts";
import { PARTNER_KINDS, type PartnerKind } from "../../../schema/kinds.ts";
import type { Partner, Registry } from "../../../schema/registry.ts";
import { upsertItems } from "../data/items.ts";
import { getState, recordFailure, recordSuccess } from "../data/harvest-state.ts";
import { FEED_QUERY, toIndexedItem } from "./feeds.ts";

const PAGE_SIZE = 200;
const PARALLEL_PARTNERS = 4;

export interface HarvestReport {
  partner: string;
  ok: boolean;
  items: number;
  pages: number;
  ms: number;
  reason?: string;
}

export class Harvester {
  private running: Promise<HarvestReport[]> | undefined;

  constructor(
    private readonly db: OpenedDatabase<PrismaClient>,
    private readonly registry: () => Registry,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Harvests every enabled partner once. Concurrent calls share the harvest already running. */
  harvestAll(): Promise<HarvestReport[]> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<HarvestReport[]> {
    const partners = this.registry().partners.filter((p) => p.enabled && (PARTNER_KINDS as readonly string[]).includes(p.kind));
    const reports: HarvestReport[] = [];
    const queue = [...partners];
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_PARTNERS, queue.length) }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) reports.push(await this.harvestPartner(p));
      }),
    );
    return reports;
  }

  async harvestPartner(partner: Partner): Promise<HarvestReport> {
    const kind = partner.kind as PartnerKind;
    const { field, query } = FEED_QUERY[kind];
    const started = performance.now();
    const state = await getState(this.db.prisma, partner.id);
    let cursor = state?.cursor ?? null;
    let items = 0;
    let pages = 0;
    try {
      for (;;) {
        const response = await callPartner(partner.url, { query, variables: { after: cursor, first: PAGE_SIZE } }, this.timeoutMs);
        const page = (response.data as Record<string, { nodes: never[]; endCursor: string | null; hasNextPage: boolean }> | null)?.[field];
        if (!page) throw new PartnerCallError(response.errors?.[0]?.message ?? "answered without a feed page", "bad_response");
        pages++;
        await upsertItems(this.db.sql, page.nodes.map((n) => toIndexedItem(kind, partner, n)), new Date());
        items += page.nodes.length;
        if (page.endCursor) cursor = page.endCursor;
        if (!page.hasNextPage) break;
      }
      await recordSuccess(this.db.prisma, partner.id, cursor, new Date());
      const ms = Math.round(performance.now() - started);
      this.logger.info({ harvested: partner.id, items, pages, ms }, "harvest done");
      return { partner: partner.id, ok: true, items, pages, ms };
    } catch (e) {
      const reason = e instanceof PartnerCallError ? e.message : (e as Error).message;
      // Keep what was read before the failure: the cursor only moves past pages already written.
      await recordFailure(this.db.prisma, partner.id, cursor, reason, new Date());
      this.logger.warn({ harvested: partner.id, items, pages, reason }, "harvest failed");
      return { partner: partner.id, ok: false, items, pages, ms: Math.round(performance.now() - started), reason };
    }
  }
}

/** Harvests at start (in the background) and then every `intervalMs`; returns how to stop. */
export function scheduleHarvests(harvester: Harvester, intervalMs: number): () => Promise<void> {
  let stopped = false;
  const first = harvester.harvestAll();
  const timer = setInterval(() => {
    if (!stopped) void harvester.harvestAll();
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await first.catch(() => undefined);
  };
}
