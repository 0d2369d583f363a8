// The national index: one row per partner item. Writes are one statement per harvested page (the
// weighted full-text vector is computed in the same statement); reads go through loaders.
import type { PrismaClient, Item } from "../generated/prisma/client.ts";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import { groupLoader, rowLoader } from "../../shared/loaders.ts";

export type ItemRow = Item;

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
}

// Title weighs most, then summary, then everything else the partner says about the item.
export const DOCUMENT_SQL = `setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', coalesce(x.summary, '')), 'B') || setweight(to_tsvector('english', x.body), 'C')`;

export async function upsertItems(sql: SqlRunner, items: IndexedItem[], seenAt: Date): Promise<void> {
  if (items.length === 0) return;
  await sql.query(
    `INSERT INTO "Item" (id, typename, "partnerId", "organisationId", title, summary, body, topics, settings, drivers, "regionId", facets, "networkId", "resourceIds", "linkedIds", "updatedAt", "lastSeen", document)
     SELECT x.id, x.typename, x."partnerId", x."organisationId", x.title, x.summary, x.body, x.topics, x.settings, x.drivers, x."regionId", x.facets, x."networkId", x."resourceIds", x."linkedIds", x."updatedAt", $2::timestamp, ${DOCUMENT_SQL}
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, typename text, "partnerId" text, "organisationId" text, title text, summary text, body text, topics text[], settings text[], drivers text[], "regionId" text, facets text[], "networkId" text, "resourceIds" text[], "linkedIds" text[], "updatedAt" timestamp)
     ON CONFLICT (id) DO UPDATE SET typename = EXCLUDED.typename, "partnerId" = EXCLUDED."partnerId", "organisationId" = EXCLUDED."organisationId",
       title = EXCLUDED.title, summary = EXCLUDED.summary, body = EXCLUDED.body, topics = EXCLUDED.topics, settings = EXCLUDED.settings,
       drivers = EXCLUDED.drivers, "regionId" = EXCLUDED."regionId", facets = EXCLUDED.facets, "networkId" = EXCLUDED."networkId",
       "resourceIds" = EXCLUDED."resourceIds", "linkedIds" = EXCLUDED."linkedIds", "updatedAt" = EXCLUDED."updatedAt", "lastSeen" = EXCLUDED."lastSeen", document = EXCLUDED.document`,
    [JSON.stringify(items), seenAt.toISOString()],
  );
}

export function itemLoaders(prisma: PrismaClient) {
  return {
    byId: rowLoader((ids: readonly string[]) => prisma.item.findMany({ where: { id: { in: [...ids] } } }), (r) => r.id),
    projectsOfNetwork: groupLoader(
      (ids: readonly string[]) => prisma.item.findMany({ where: { typename: "Project", networkId: { in: [...ids] } }, orderBy: { title: "asc" } }),
      (r) => r.networkId!,
    ),
    projectsOfResource: new (class {
      // A project lists many resources: one query finds every project that lists any of the keys,
      // then each key takes the projects that list it.
      private loader = groupLoader(
        async (ids: readonly string[]) => {
          const rows = await prisma.item.findMany({ where: { typename: "Project", resourceIds: { hasSome: [...ids] } }, orderBy: { title: "asc" } });
          const wanted = new Set(ids);
          return rows.flatMap((row) => row.resourceIds.filter((r) => wanted.has(r)).map((key) => ({ key, row })));
        },
        (x) => x.key,
      );
      load = async (id: string) => (await this.loader.load(id)).map((x) => x.row);
    })(),
  };
}
