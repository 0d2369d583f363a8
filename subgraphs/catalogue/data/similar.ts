// Similar work: for an indexed item, other items of the same typename from any partner, scored by
// what they share with it: topics, drivers and settings, and words of its title found in their
// text (ts_rank of their weighted document against an OR-query of the title's lexemes). Best
// first, ties by id; an item that shares nothing is not similar. One statement for a whole batch
// of items (a LATERAL join over the batch), so a page of N projects costs one statement.
import DataLoader from "dataloader";
import { z } from "zod";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import { fromZod } from "../../../lib/errors.ts";
import { MAX_BATCH } from "../../shared/loaders.ts";
import type { SearchHit } from "./search.ts";

export const SIMILAR_DEFAULT = 5;
export const SIMILAR_MAX = 20;

/** How much one shared value of each kind adds to the score, and how much title words weigh. */
export const SIMILARITY_WEIGHTS = { topic: 3, driver: 2, setting: 1, words: 5 } as const;

const firstArg = z
  .number()
  .int("must be between 1 and 20")
  .min(1, `must be between 1 and ${SIMILAR_MAX}`)
  .max(SIMILAR_MAX, `must be between 1 and ${SIMILAR_MAX}`)
  .nullable()
  .optional()
  .transform((n) => n ?? SIMILAR_DEFAULT);

/** Validates `first` of similarProjects / related; a violation is BAD_USER_INPUT on ["first"]. */
export function parseSimilarFirst(raw: unknown): number {
  const parsed = firstArg.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, "first");
  return parsed.data;
}

export type SimilarHit = Omit<SearchHit, "score"> & { score: number };

export interface SimilarKey {
  id: string;
  first: number;
}

const shared = (column: string) =>
  `cardinality(ARRAY(SELECT unnest(o.${column}) INTERSECT SELECT unnest(src.${column})))`;

// The title's lexemes joined with OR: plainto_tsquery joins them with & (and phrase operators for
// compound words); operators are always surrounded by spaces and lexemes never contain one.
const TITLE_WORDS = `regexp_replace(plainto_tsquery('english', src.title)::text, ' (&|<->|<[0-9]+>) ', ' | ', 'g')::tsquery`;

export const SIMILAR_SQL = `
SELECT b.n::int AS "batchIndex", s.id, s.typename, s."partnerId", s."organisationId", s.title, s.summary, s.stale, s."lastSeen", s."linkedIds", s.score
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS b(key, lim, n)
JOIN "Item" src ON src.id = b.key
CROSS JOIN LATERAL (SELECT ${TITLE_WORDS} AS words) q
CROSS JOIN LATERAL (
  SELECT c.* FROM (
    SELECT o.id, o.typename, o."partnerId", o."organisationId", o.title, o.summary, o.stale, o."lastSeen", o."linkedIds",
      ${SIMILARITY_WEIGHTS.topic} * ${shared("topics")}
      + ${SIMILARITY_WEIGHTS.driver} * ${shared("drivers")}
      + ${SIMILARITY_WEIGHTS.setting} * ${shared("settings")}
      + ${SIMILARITY_WEIGHTS.words} * CASE WHEN o.document @@ q.words THEN ts_rank(o.document, q.words) ELSE 0 END AS score
    FROM "Item" o
    WHERE o.typename = src.typename AND o.id <> src.id
  ) c
  WHERE c.score > 0
  ORDER BY c.score DESC, c.id COLLATE "C" ASC
  LIMIT b.lim
) s
ORDER BY b.n, s.score DESC, s.id COLLATE "C" ASC`;

/** Per request: similar items of each (id, first), batched into one statement. */
export function similarLoader(sql: SqlRunner): DataLoader<SimilarKey, SimilarHit[], string> {
  return new DataLoader<SimilarKey, SimilarHit[], string>(
    async (keys) => {
      const rows = await sql.query<SimilarHit & { batchIndex: number | string; score: number | string }>(SIMILAR_SQL, [
        keys.map((k) => k.id),
        keys.map((k) => k.first),
      ]);
      // WITH ORDINALITY numbers the batch from 1: each key gets the rows of its own position.
      const byKey: SimilarHit[][] = keys.map(() => []);
      for (const { batchIndex, ...row } of rows)
        byKey[Number(batchIndex) - 1]?.push({ ...row, score: Number(row.score) });
      return byKey;
    },
    { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => `${k.id}\n${k.first}` },
  );
}
