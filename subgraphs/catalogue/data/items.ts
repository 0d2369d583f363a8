// The national index: one row per partner item. A harvested page is written in at most two statements
// (its upserts, with the weighted full-text vector computed in the same statement, and its removals);
// reads go through loaders.
import type { PrismaClient, Item } from "../generated/prisma/client.ts";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";

export type ItemRow = Item;

/** What the catalogue's Resource, Network and Project resolvers need of an item: a search or similar hit carries this much. */
export type ItemSummary = Pick<
  ItemRow,
  "id" | "typename" | "partnerId" | "organisationId" | "title" | "summary" | "stale" | "lastSeen" | "linkedIds"
>;

/** What the harvester writes for one item. */
export interface IndexedItem {
  id: string;
  typename: "Resource" | "Network" | "Project";
  partnerId: string;
  organisationId: string;
  title: string;
  summary: string | null;
  body: string;
  topics: string[];
  settings: string[];
  drivers: string[];
  regionId: string | null;
  facets: string[];
  networkId: string | null;
  resourceIds: string[];
  linkedIds: string[];
  updatedAt: string;
  /** The partner's version of the item (feed entry or version listing); none for items of other sources. */
  version?: string | null;
  /** Resources: the licence the owner states (null for other kinds, and from a partner that states none). */
  licence?: string | null;
  /** Projects: summaries of the measures that reference the national measure library (replaced on every upsert). */
  measures?: MeasureSummaryInput[];
}

// Title weighs most, then summary, then everything else the partner says about the item.
export const DOCUMENT_SQL = `setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', coalesce(x.summary, '')), 'B') || setweight(to_tsvector('english', x.body), 'C')`;

/** What the index keeps of one coded measure of a project (MeasureSummary; harvest/feeds.ts reads it). */
export interface MeasureSummaryInput {
  measureId: string;
  position: number;
  code: string;
  name: string;
  unit: string;
  improvement: string;
  target: number | null;
  illustrative: boolean;
  pointCount: number;
  latestDate: string | null;
  latestValue: number | null;
  status: string;
  variation: string | null;
  assurance: string | null;
  iconReason: string | null;
  mean: number | null;
  upperLimit: number | null;
  lowerLimit: number | null;
  /** The measure's rate over its latest points with a numerator and denominator (null without). */
  rateNumerator: number | null;
  rateDenominator: number | null;
  ratePoints: number | null;
  rateFrom: string | null;
  rateTo: string | null;
}

const ITEM_COLUMNS = `id text, typename text, "partnerId" text, "organisationId" text, title text, summary text, body text, topics text[], settings text[], drivers text[], "regionId" text, facets text[], "networkId" text, "resourceIds" text[], "linkedIds" text[], "updatedAt" timestamp, version text, licence text, measures jsonb`;
const SUMMARY_COLUMNS = `"measureId" text, position int, code text, name text, unit text, improvement text, target double precision, illustrative boolean, "pointCount" int, "latestDate" date, "latestValue" double precision, status text, variation text, assurance text, "iconReason" text, mean double precision, "upperLimit" double precision, "lowerLimit" double precision, "rateNumerator" double precision, "rateDenominator" double precision, "ratePoints" int, "rateFrom" date, "rateTo" date`;
const SUMMARY_FIELDS = [
  "measureId",
  "position",
  "code",
  "name",
  "unit",
  "improvement",
  "target",
  "illustrative",
  "pointCount",
  "latestDate",
  "latestValue",
  "status",
  "variation",
  "assurance",
  "iconReason",
  "mean",
  "upperLimit",
  "lowerLimit",
  "rateNumerator",
  "rateDenominator",
  "ratePoints",
  "rateFrom",
  "rateTo",
].map((c) => `"${c}"`);

/**
 * Writes items and replaces their measure summaries, in ONE statement: an item and its summaries
 * can never disagree, even after a crash, so a version that matches (reconcile.ts) means the
 * summaries match too. The summaries' delete and upsert touch disjoint rows (the delete takes only
 * measures the item no longer has), as one statement must.
 */
export async function upsertItems(sql: SqlRunner, items: IndexedItem[], seenAt: Date): Promise<void> {
  if (items.length === 0) return;
  await sql.query(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${ITEM_COLUMNS})),
     up AS (
       INSERT INTO "Item" (id, typename, "partnerId", "organisationId", title, summary, body, topics, settings, drivers, "regionId", facets, "networkId", "resourceIds", "linkedIds", "updatedAt", version, licence, "lastSeen", document)
       SELECT x.id, x.typename, x."partnerId", x."organisationId", x.title, x.summary, x.body, x.topics, x.settings, x.drivers, x."regionId", x.facets, x."networkId", x."resourceIds", x."linkedIds", x."updatedAt", x.version, x.licence, $2::timestamp, ${DOCUMENT_SQL}
       FROM x
       ON CONFLICT (id) DO UPDATE SET typename = EXCLUDED.typename, "partnerId" = EXCLUDED."partnerId", "organisationId" = EXCLUDED."organisationId",
         title = EXCLUDED.title, summary = EXCLUDED.summary, body = EXCLUDED.body, topics = EXCLUDED.topics, settings = EXCLUDED.settings,
         drivers = EXCLUDED.drivers, "regionId" = EXCLUDED."regionId", facets = EXCLUDED.facets, "networkId" = EXCLUDED."networkId",
         "resourceIds" = EXCLUDED."resourceIds", "linkedIds" = EXCLUDED."linkedIds", "updatedAt" = EXCLUDED."updatedAt", version = EXCLUDED.version, licence = EXCLUDED.licence, "lastSeen" = EXCLUDED."lastSeen", document = EXCLUDED.document
       RETURNING id
     ),
     m AS (SELECT x.id AS "itemId", e.* FROM x CROSS JOIN LATERAL jsonb_to_recordset(coalesce(x.measures, '[]'::jsonb)) AS e(${SUMMARY_COLUMNS})),
     gone AS (
       DELETE FROM "MeasureSummary" s USING x
       WHERE s."itemId" = x.id AND NOT EXISTS (SELECT 1 FROM m WHERE m."itemId" = s."itemId" AND m."measureId" = s."measureId")
     )
     INSERT INTO "MeasureSummary" ("itemId", ${SUMMARY_FIELDS.join(", ")})
     SELECT m."itemId", ${SUMMARY_FIELDS.map((c) => `m.${c}`).join(", ")} FROM m JOIN up ON up.id = m."itemId"
     ON CONFLICT ("itemId", "measureId") DO UPDATE SET ${SUMMARY_FIELDS.filter((c) => c !== '"measureId"')
       .map((c) => `${c} = EXCLUDED.${c}`)
       .join(", ")}`,
    [JSON.stringify(items), seenAt.toISOString()],
  );
}

/** Removes a partner's items by id, in one statement; ids of other partners' items are left alone. */
export async function deleteItems(sql: SqlRunner, partnerId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await sql.query<{ id: string }>(
    `DELETE FROM "Item" WHERE "partnerId" = $1 AND id = ANY($2::text[]) RETURNING id`,
    [partnerId, ids],
  );
  return rows.length;
}

/**
 * After a full harvest (from no cursor), removes the partner's items that it no longer serves: those
 * not written since `before`. Covers what tombstones cannot: a partner database replaced or restored.
 */
export async function deleteUnseen(sql: SqlRunner, partnerId: string, before: Date): Promise<number> {
  const rows = await sql.query<{ id: string }>(
    `DELETE FROM "Item" WHERE "partnerId" = $1 AND "lastSeen" < $2::timestamp RETURNING id`,
    [partnerId, before.toISOString()],
  );
  return rows.length;
}

/** Every item of a partner with its version, for reconciliation: one statement. */
export async function indexedVersions(sql: SqlRunner, partnerId: string): Promise<Map<string, string | null>> {
  const rows = await sql.query<{ id: string; version: string | null }>(
    `SELECT id, version FROM "Item" WHERE "partnerId" = $1`,
    [partnerId],
  );
  return new Map(rows.map((r) => [r.id, r.version]));
}

export function itemLoaders(prisma: PrismaClient) {
  return {
    byId: rowLoader(
      (ids: readonly string[]) => prisma.item.findMany({ where: { id: { in: [...ids] } } }),
      (r) => r.id,
    ),
    projectsOfNetwork: groupLoader(
      (ids: readonly string[]) =>
        prisma.item.findMany({
          where: { typename: "Project", networkId: { in: [...ids] } },
          orderBy: { title: "asc" },
        }),
      (r) => r.networkId!,
    ),
    projectsOfResource: projectsOfResourceLoader(prisma),
  };
}

// A project lists many resources: one query finds every project that lists any of the keys, then
// each key takes the projects that list it.
function projectsOfResourceLoader(prisma: PrismaClient) {
  const loader = groupLoader(
    async (ids: readonly string[]) => {
      const rows = await prisma.item.findMany({
        where: { typename: "Project", resourceIds: { hasSome: [...ids] } },
        orderBy: { title: "asc" },
      });
      const wanted = new Set(ids);
      return rows.flatMap((row) => row.resourceIds.filter((r) => wanted.has(r)).map((key) => ({ key, row })));
    },
    (x) => x.key,
  );
  return { load: async (id: string) => (await loader.load(id)).map((x) => x.row) };
}
