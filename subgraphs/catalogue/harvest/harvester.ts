// Harvests every enabled partner: reads its change feed from the stored cursor, applies each page to
// the index in at most two statements (upsert the items that are there, delete the ones removed) and
// then moves the stored cursor past it, so a crash or a failure resumes after the last written page
// and an unchanged partner costs one empty page. A partner that fails keeps its items in the index,
// marked stale. Partners are harvested in parallel, a few at a time. One log line per page (items/s,
// remaining) and one summary line per partner.
//
// Reconciliation (reconcile.ts) runs inside a harvest, for each partner right after its feed was read,
// so it never interleaves with a harvest of that partner. Stopping (`stop()`, the service's shutdown)
// lets each partner's current page finish and be recorded with its cursor, then starts nothing more.
import type { Logger } from "pino";
import type { SchemaChecker } from "../../../lib/contract/checker.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { OpenedDatabase } from "../../../lib/db/open.ts";
import { callPartner, PartnerCallError } from "../../../lib/partner-client.ts";
import { ErrorCode } from "../../../lib/errors.ts";
import type { IdentitySigner } from "../../../lib/auth/internal-tokens.ts";
import { parseId } from "../../../schema/ids.ts";
import { PARTNER_KINDS, type PartnerKind } from "../../../schema/kinds.ts";
import type { Partner, Registry } from "../../../lib/registry/registry.ts";
import { deleteItems, deleteUnseen, upsertItems } from "../data/items.ts";
import { getState, recordCursor, recordFailure, recordSuccess } from "../data/harvest-state.ts";
import { FEED_QUERY, toIndexedItem, type FeedEntry, type FeedPage } from "./feeds.ts";
import { reconcilePartner, type ReconcileReport } from "./reconcile.ts";

const PAGE_SIZE = 200;
/** A partner's refusals of a page for its size (its cost limits), which a smaller page avoids. */
const TOO_COSTLY = new Set<string>([ErrorCode.QUERY_TOO_COMPLEX, ErrorCode.ACTUAL_COST_TOO_HIGH]);
const PARALLEL_PARTNERS = 4;

export interface HarvestReport {
  partner: string;
  ok: boolean;
  /** Feed entries applied: items written plus items removed. */
  items: number;
  upserted: number;
  removed: number;
  pages: number;
  ms: number;
  reason?: string;
  /** When this harvest also reconciled the partner (reconcileAll). */
  reconciled?: ReconcileReport;
}

/** What one page does to the index: the last entry per id wins (the feed is in change order). */
export function planPage(kind: PartnerKind, partner: Partner, entries: readonly FeedEntry[]) {
  const latest = new Map<string, FeedEntry>();
  let foreign = 0;
  let missing = 0;
  for (const e of entries) {
    const id = parseId(e.id);
    // A partner only speaks for its own items of its own kind.
    if (!id || id.partner !== partner.id || id.kind !== kind) {
      foreign++;
      continue;
    }
    // An upsert without its node (the partner failed to resolve it) is neither written nor removed.
    if (!e.removed && !e.node) {
      missing++;
      continue;
    }
    latest.delete(e.id);
    latest.set(e.id, e);
  }
  const kept = [...latest.values()];
  return {
    upserts: kept.flatMap((e) =>
      e.removed || !e.node ? [] : [toIndexedItem(kind, partner, e.node, e.version ?? null)],
    ),
    removals: kept.filter((e) => e.removed).map((e) => e.id),
    skipped: foreign + missing,
  };
}

/** The partner refused the `after` cursor it was given. */
class CursorRefused extends PartnerCallError {
  constructor(message: string) {
    super(message, "bad_response");
  }
}

/** What a harvest says as it goes: one event per page, one per partner at the end. */
export type HarvestProgress =
  | {
      type: "page";
      partner: string;
      page: number;
      upserted: number;
      removed: number;
      remaining: number;
      remainingPages: number;
      itemsPerSecond: number;
    }
  | ({ type: "partner" } & HarvestReport);

/** Who waits for one partner's report from one particular harvest (Harvester.harvested). */
class PartnerWaiters {
  private readonly waiting = new Map<string, Array<(report: HarvestReport | undefined) => void>>();

  wait(partner: string): Promise<HarvestReport | undefined> {
    return new Promise((resolve) => this.waiting.set(partner, [...(this.waiting.get(partner) ?? []), resolve]));
  }

  settle(partner: string, report: HarvestReport | undefined): void {
    for (const resolve of this.waiting.get(partner) ?? []) resolve(report);
    this.waiting.delete(partner);
  }

  /** The harvest ended: whoever waits for a partner it did not read learns so. */
  settleAll(): void {
    for (const partner of [...this.waiting.keys()]) this.settle(partner, undefined);
  }
}

export class Harvester {
  private running: Promise<HarvestReport[]> | undefined;
  private queued: Promise<HarvestReport[]> | undefined;
  /** Waiters for the next harvest to start: start() hands them to that harvest. */
  private nextWaiters = new PartnerWaiters();
  private readonly listeners = new Set<(event: HarvestProgress) => void>();
  /** The next harvest to start also reconciles every partner. */
  private reconcileNext = false;
  private stopping = false;

  /** Follows harvest progress (the `npm run harvest` stream); returns how to stop following. */
  onProgress(listener: (event: HarvestProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: HarvestProgress): void {
    for (const l of this.listeners) l(event);
  }
  /** Feed requests made to each partner by this harvester (tools and tests read it). */
  readonly feedRequests = new Map<string, number>();
  /** Entries asked for per feed request. */
  pageSize = PAGE_SIZE;

  constructor(
    private readonly db: OpenedDatabase<PrismaClient>,
    private readonly registry: () => Registry,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** When given, a partner is harvested only once its schema honours its kind's contract. */
    private readonly checker?: SchemaChecker,
    /** Signs feed requests as the catalogue's own, for partners that refuse unsigned requests. */
    private readonly signer?: IdentitySigner,
  ) {}

  /**
   * Harvests every enabled partner once, in a harvest that starts after this call: a caller who
   * has just written must see that write indexed, and a harvest already running may have read the
   * partner before the write. So a call during a harvest waits for one more, shared by every call
   * made meanwhile: a burst of calls costs at most two harvests.
   */
  harvestAll(): Promise<HarvestReport[]> {
    if (this.stopping) return Promise.resolve([]);
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /**
   * One partner's report from a harvest that starts after this call (as harvestAll), as soon as that
   * partner is done, without waiting for the others: the gateway holds a write's answer until the
   * writer's partner is indexed, so nobody reads the index's copy from before the write (a deleted
   * resource's title through a project, say). Undefined when that harvest did not read the partner
   * (unknown, disabled, or the service is stopping).
   */
  harvested(partnerId: string): Promise<HarvestReport | undefined> {
    const waiters = this.nextWaiters;
    const report = waiters.wait(partnerId);
    // The harvest's end settles anyone it did not read (harvestAll resolves after run's settleAll).
    const missed = () => waiters.settle(partnerId, undefined);
    this.harvestAll().then(missed, missed);
    return report;
  }

  /**
   * A harvest (as harvestAll) that also reconciles each partner with its version listing right after
   * reading its feed: serialised with every harvest, so never interleaved with one of the same partner.
   */
  reconcileAll(): Promise<HarvestReport[]> {
    this.reconcileNext = true;
    return this.harvestAll();
  }

  /**
   * Stops harvesting for a service stop: a harvest running finishes the page it is on (written with
   * its cursor, never half), reads no further page and starts no further partner; one waiting does not
   * start. Resolves when nothing runs any more, so the database can then be closed.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  /** Resolves once no harvest is running or waiting (start-up waits for the first harvest this way). */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running)!.catch(() => undefined);
  }

  private start(): Promise<HarvestReport[]> {
    if (this.stopping) return Promise.resolve([]);
    const reconcile = this.reconcileNext;
    this.reconcileNext = false;
    const waiters = this.nextWaiters;
    this.nextWaiters = new PartnerWaiters();
    const run: Promise<HarvestReport[]> = this.run(reconcile, waiters).finally(() => {
      waiters.settleAll();
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(reconcile: boolean, waiters: PartnerWaiters): Promise<HarvestReport[]> {
    const partners = this.registry().partners.filter(
      (p) => p.enabled && (PARTNER_KINDS as readonly string[]).includes(p.kind),
    );
    const reports: HarvestReport[] = [];
    const queue = [...partners];
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_PARTNERS, queue.length) }, async () => {
        for (let p = queue.shift(); p && !this.stopping; p = queue.shift()) {
          const verdict = await this.checker?.check(p);
          if (verdict?.status === "quarantined") {
            // Not read at all: its items already in the index stay, as for a partner that is down.
            this.logger.warn({ harvested: p.id, reason: verdict.reason }, "harvest skipped: partner quarantined");
            const skipped = {
              partner: p.id,
              ok: false,
              items: 0,
              upserted: 0,
              removed: 0,
              pages: 0,
              ms: 0,
              reason: verdict.reason,
            };
            reports.push(skipped);
            waiters.settle(p.id, skipped);
            continue;
          }
          const report = await this.harvestPartner(p);
          // Only after a harvest that read the whole feed: reconciliation compares with a current index.
          if (reconcile && report.ok && !this.stopping) report.reconciled = await this.reconcilePartner(p);
          reports.push(report);
          waiters.settle(p.id, report);
        }
      }),
    );
    return reports;
  }

  private headers(partner: Partner): Promise<Record<string, string>> {
    return this.signer ? this.signer.headers({ kind: "service", service: "harvest" }, partner.id) : Promise.resolve({});
  }

  /** Reconciles one partner now; callers must hold the harvest (reconcileAll does). */
  private reconcilePartner(partner: Partner): Promise<ReconcileReport> {
    return reconcilePartner(
      {
        db: this.db,
        timeoutMs: this.timeoutMs,
        logger: this.logger,
        headers: (p) => this.headers(p),
        stopping: () => this.stopping,
      },
      partner,
    );
  }

  private async fetchPage(partner: Partner, cursor: string | null): Promise<FeedPage> {
    const { field, query } = FEED_QUERY[partner.kind as PartnerKind];
    const headers = await this.headers(partner);
    // A page of items heavy enough to pass the partner's cost limit (lib/limits/partner.ts: items
    // with many measures, say) is asked for again in halves: the harvest never sticks on a page.
    for (let first = this.pageSize; ; first = Math.max(1, Math.floor(first / 2))) {
      this.feedRequests.set(partner.id, (this.feedRequests.get(partner.id) ?? 0) + 1);
      const response = await callPartner(
        partner.url,
        { query, variables: { after: cursor, first } },
        this.timeoutMs,
        headers,
      );
      const page = (response.data as Record<string, FeedPage> | null)?.[field];
      if (!page) {
        const error = response.errors?.[0];
        const code = error?.extensions?.code;
        if (first > 1 && typeof code === "string" && TOO_COSTLY.has(code)) {
          this.logger.warn(
            { harvested: partner.id, first, code },
            "feed page over the partner's limits; asking for fewer entries",
          );
          continue;
        }
        const refused =
          code === ErrorCode.BAD_USER_INPUT &&
          (error!.extensions!.argumentPath as unknown[] | undefined)?.[0] === "after";
        const message = error?.message ?? "answered without a feed page";
        throw refused ? new CursorRefused(message) : new PartnerCallError(message, "bad_response");
      }
      if (response.errors?.length)
        this.logger.warn(
          { harvested: partner.id, errors: response.errors.slice(0, 3).map((e) => e.message) },
          "feed page with errors",
        );
      return page;
    }
  }

  async harvestPartner(partner: Partner): Promise<HarvestReport> {
    const kind = partner.kind as PartnerKind;
    const started = performance.now();
    const since = new Date();
    const state = await getState(this.db.prisma, partner.id);
    let cursor = state?.cursor ?? null;
    // From no cursor the feed lists everything the partner has: afterwards, whatever of the
    // partner's the index holds that this harvest did not write is gone.
    let full = cursor === null;
    let upserted = 0;
    let removed = 0;
    let pages = 0;
    let stopped = false;
    const rate = () => Math.round((upserted + removed) / Math.max((performance.now() - started) / 1000, 0.001));
    try {
      for (;;) {
        let page: FeedPage;
        try {
          page = await this.fetchPage(partner, cursor);
        } catch (e) {
          // The partner no longer understands the stored cursor (its feed changed): start again.
          if (e instanceof CursorRefused && cursor !== null && pages === 0) {
            this.logger.warn(
              { harvested: partner.id, reason: e.message },
              "stored cursor refused; harvesting from the start",
            );
            cursor = null;
            full = true;
            continue;
          }
          throw e;
        }
        pages++;
        const plan = planPage(kind, partner, page.entries);
        await upsertItems(this.db.sql, plan.upserts, new Date());
        const gone = await deleteItems(this.db.sql, partner.id, plan.removals);
        upserted += plan.upserts.length;
        removed += plan.removals.length;
        if (page.endCursor && page.endCursor !== cursor) {
          cursor = page.endCursor;
          await recordCursor(this.db.prisma, partner.id, cursor, new Date());
        } else if (page.hasNextPage) {
          throw new PartnerCallError("feed did not advance past its cursor", "bad_response");
        }
        this.logger.info(
          {
            harvested: partner.id,
            page: pages,
            upserted: plan.upserts.length,
            removed: plan.removals.length,
            dropped: gone,
            skipped: plan.skipped,
            remaining: page.remaining,
            itemsPerSecond: rate(),
          },
          "harvest page",
        );
        this.emit({
          type: "page",
          partner: partner.id,
          page: pages,
          upserted: plan.upserts.length,
          removed: plan.removals.length,
          remaining: page.remaining,
          remainingPages: Math.ceil(page.remaining / this.pageSize),
          itemsPerSecond: rate(),
        });
        if (!page.hasNextPage) break;
        // A stop between pages: what was read is written and its cursor recorded; the rest waits.
        if (this.stopping) {
          stopped = true;
          break;
        }
      }
      if (stopped) {
        const ms = Math.round(performance.now() - started);
        this.logger.info(
          { harvested: partner.id, upserted, removed, pages, cursor },
          "harvest stopped between pages by shutdown",
        );
        const report = {
          partner: partner.id,
          ok: false,
          items: upserted + removed,
          upserted,
          removed,
          pages,
          ms,
          reason: "stopped by shutdown",
        };
        this.emit({ type: "partner", ...report });
        return report;
      }
      const swept = full ? await deleteUnseen(this.db.sql, partner.id, since) : 0;
      await recordSuccess(this.db.prisma, partner.id, cursor, new Date());
      const ms = Math.round(performance.now() - started);
      const items = upserted + removed;
      this.logger.info(
        { harvested: partner.id, items, upserted, removed, swept, pages, ms, itemsPerSecond: rate() },
        "harvest done",
      );
      const report = { partner: partner.id, ok: true, items, upserted, removed, pages, ms };
      this.emit({ type: "partner", ...report });
      return report;
    } catch (e) {
      const reason = e instanceof PartnerCallError ? e.message : (e as Error).message;
      // Keep what was read before the failure: the cursor only moves past pages already written.
      await recordFailure(this.db.prisma, partner.id, cursor, reason, new Date());
      const items = upserted + removed;
      this.logger.warn({ harvested: partner.id, items, upserted, removed, pages, reason }, "harvest failed");
      const report = {
        partner: partner.id,
        ok: false,
        items,
        upserted,
        removed,
        pages,
        ms: Math.round(performance.now() - started),
        reason,
      };
      this.emit({ type: "partner", ...report });
      return report;
    }
  }
}

/**
 * Harvests at start (in the background, unless `atStart` is false) and then every `intervalMs`, and
 * reconciles every `reconcileIntervalMs` (0: never); returns how to stop, which stops the harvester
 * cleanly (Harvester.stop) and resolves once nothing runs.
 */
export function scheduleHarvests(
  harvester: Harvester,
  intervalMs: number,
  atStart = true,
  reconcileIntervalMs = 0,
): () => Promise<void> {
  let stopped = false;
  const first = atStart ? harvester.harvestAll() : Promise.resolve();
  const timers = [
    setInterval(() => {
      if (!stopped) void harvester.harvestAll();
    }, intervalMs),
  ];
  if (reconcileIntervalMs > 0) {
    timers.push(
      setInterval(() => {
        if (!stopped) void harvester.reconcileAll();
      }, reconcileIntervalMs),
    );
  }
  for (const t of timers) t.unref();
  return async () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
    await harvester.stop();
    await first.catch(() => undefined);
  };
}
