// Reconciliation, the index's safety net: the change feed is exact for every change made through a
// partner's database as its code writes it, but a row can change another way (a restore, a hand-made
// UPDATE with triggers off, a lost tombstone). So on a schedule the catalogue reads each partner's
// version listing (every published id with its version), compares it with what the index holds for
// that partner, and repairs the difference: an item missing from the index or stale (another version)
// is read from its owner and written; an item the partner no longer lists is removed. One log line per
// repair, one summary line per partner.
//
// It never fights the feed: the harvester runs it for a partner only between that partner's harvests
// (harvester.ts), it writes only states read from the partner after the last harvest wrote (never an
// older one), and it changes nothing unless the whole listing was read. An item that vanished between
// the listing and the read is left to the feed, which reports its removal.
import type { Logger } from "pino";
import type { OpenedDatabase } from "../../../lib/db/open.ts";
import { ErrorCode } from "../../../lib/errors.ts";
import { callPartner, PartnerCallError } from "../../../lib/partner-client.ts";
import { parseId } from "../../../schema/ids.ts";
import type { PartnerKind } from "../../../schema/kinds.ts";
import type { Partner } from "../../../lib/registry/registry.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { deleteItems, indexedVersions, upsertItems, type IndexedItem } from "../data/items.ts";
import { entitiesQuery, NODE_FIELDS, toIndexedItem, VERSIONS_QUERY, type Node, type VersionPage } from "./feeds.ts";

/** Ids per version page and per `_entities` request. */
const LIST_PAGE = 500;
const READ_BATCH = 100;

/** What was wrong with an item; "unversioned": indexed before versions existed (refreshed, not logged one by one). */
export type Repair = "missing" | "stale" | "wrongly-present" | "unversioned";

export interface ReconcileReport {
  partner: string;
  ok: boolean;
  /** Items the partner lists. */
  listed: number;
  missing: number;
  stale: number;
  wronglyPresent: number;
  /** Items indexed before versions existed, refreshed once. */
  unversioned: number;
  ms: number;
  reason?: string;
}

export interface ReconcileDeps {
  db: OpenedDatabase<PrismaClient>;
  timeoutMs: number;
  logger: Logger;
  /** Headers that sign a call to this partner as the catalogue's. */
  headers: (partner: Partner) => Promise<Record<string, string>>;
  /** True once the service is stopping: reconciliation gives up before writing anything more. */
  stopping: () => boolean;
}

class Stopped extends Error {}

async function listVersions(deps: ReconcileDeps, kind: PartnerKind, partner: Partner): Promise<Map<string, string>> {
  const { field, query } = VERSIONS_QUERY[kind];
  const versions = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    if (deps.stopping()) throw new Stopped();
    const response = await callPartner(
      partner.url,
      { query, variables: { after, first: LIST_PAGE } },
      deps.timeoutMs,
      await deps.headers(partner),
    );
    const page = (response.data as Record<string, VersionPage> | null)?.[field];
    if (!page)
      throw new PartnerCallError(response.errors?.[0]?.message ?? "answered without a version page", "bad_response");
    for (const e of page.entries) {
      const id = parseId(e.id);
      // A partner only speaks for its own items of its own kind.
      if (id && id.partner === partner.id && id.kind === kind) versions.set(e.id, e.version);
    }
    if (!page.hasNextPage) return versions;
    if (!page.endCursor || page.endCursor === after)
      throw new PartnerCallError("version listing did not advance past its cursor", "bad_response");
    after = page.endCursor;
  }
}

async function readItems(
  deps: ReconcileDeps,
  kind: PartnerKind,
  partner: Partner,
  wanted: Map<string, string>,
): Promise<IndexedItem[]> {
  const ids = [...wanted.keys()];
  const items: IndexedItem[] = [];
  const { typename } = NODE_FIELDS[kind];
  const read = async (batch: string[]): Promise<void> => {
    if (deps.stopping()) throw new Stopped();
    const response = await callPartner(
      partner.url,
      { query: entitiesQuery(kind), variables: { representations: batch.map((id) => ({ __typename: typename, id })) } },
      deps.timeoutMs,
      await deps.headers(partner),
    );
    const nodes = (response.data as { _entities?: (Node | null)[] } | null)?._entities;
    if (!Array.isArray(nodes)) {
      // Too heavy for the partner's cost limits as one batch (as the harvester's pages): in halves.
      const code = response.errors?.[0]?.extensions?.code;
      if (batch.length > 1 && (code === ErrorCode.QUERY_TOO_COMPLEX || code === ErrorCode.ACTUAL_COST_TOO_HIGH)) {
        const half = Math.ceil(batch.length / 2);
        await read(batch.slice(0, half));
        await read(batch.slice(half));
        return;
      }
      throw new PartnerCallError(response.errors?.[0]?.message ?? "answered without entities", "bad_response");
    }
    nodes.forEach((node, k) => {
      // Gone since the listing (or not published any more): the feed reports it.
      if (node && node.id === batch[k]) items.push(toIndexedItem(kind, partner, node, wanted.get(node.id)!));
    });
  };
  for (let i = 0; i < ids.length; i += READ_BATCH) await read(ids.slice(i, i + READ_BATCH));
  return items;
}

/** Compares one partner with the index and repairs what differs. */
export async function reconcilePartner(deps: ReconcileDeps, partner: Partner): Promise<ReconcileReport> {
  const kind = partner.kind as PartnerKind;
  const started = performance.now();
  const report = (fields: Partial<ReconcileReport>): ReconcileReport => ({
    partner: partner.id,
    ok: true,
    listed: 0,
    missing: 0,
    stale: 0,
    wronglyPresent: 0,
    unversioned: 0,
    ms: Math.round(performance.now() - started),
    ...fields,
  });
  try {
    const listed = await listVersions(deps, kind, partner);
    const indexed = await indexedVersions(deps.db.sql, partner.id);
    const repairs = new Map<string, Repair>();
    const toRead = new Map<string, string>();
    for (const [id, version] of listed) {
      const held = indexed.get(id);
      if (held === undefined || held !== version) {
        repairs.set(id, held === undefined ? "missing" : held === null ? "unversioned" : "stale");
        toRead.set(id, version);
      }
    }
    const gone = [...indexed.keys()].filter((id) => !listed.has(id));
    for (const id of gone) repairs.set(id, "wrongly-present");
    const items = await readItems(deps, kind, partner, toRead);
    if (deps.stopping()) throw new Stopped();
    await upsertItems(deps.db.sql, items, new Date());
    await deleteItems(deps.db.sql, partner.id, gone);
    const written = new Set(items.map((i) => i.id));
    const counts = { missing: 0, stale: 0, wronglyPresent: 0, unversioned: 0 };
    for (const [id, repair] of repairs) {
      if (repair !== "wrongly-present" && !written.has(id)) continue;
      if (repair === "unversioned") {
        counts.unversioned++;
        continue;
      }
      if (repair === "missing") counts.missing++;
      else if (repair === "stale") counts.stale++;
      else counts.wronglyPresent++;
      deps.logger.warn(
        { reconciled: partner.id, id, repair, version: toRead.get(id) ?? null, was: indexed.get(id) ?? null },
        "index repaired",
      );
    }
    const done = report({ listed: listed.size, ...counts });
    deps.logger.info({ reconciled: partner.id, listed: done.listed, ...counts, ms: done.ms }, "reconciliation done");
    return done;
  } catch (e) {
    const reason = e instanceof Stopped ? "stopped by shutdown" : (e as Error).message;
    deps.logger.warn({ reconciled: partner.id, reason }, "reconciliation failed; index unchanged");
    return report({ ok: false, reason });
  }
}
