-- A data point of a rate may carry the numerator and denominator it was computed from (falls and
-- occupied bed days): the catalogue's funnel plot compares organisations by them, which a rate
-- alone cannot do (its precision depends on the denominator). Both or neither; a denominator is
-- positive. Whether they agree with the value is checked on write (subgraphs/projects/inputs.ts),
-- as the rate's multiplier lives in the measure library, in code.
ALTER TABLE "DataPoint" ADD COLUMN "numerator" DOUBLE PRECISION;
ALTER TABLE "DataPoint" ADD COLUMN "denominator" DOUBLE PRECISION;
ALTER TABLE "DataPoint" ADD CONSTRAINT "DataPoint_ratio_check"
  CHECK (("numerator" IS NULL) = ("denominator" IS NULL) AND ("denominator" IS NULL OR ("denominator" > 0 AND "numerator" >= 0)));

-- The series JSON gains two columns, each null when no point of the measure has one:
--   {"d": [...], "v": [...], "n": [...] | null, "u": [numerator, ...] | null, "w": [denominator, ...] | null}
CREATE FUNCTION "measure_series_json"(dates date[], vals double precision[], notes text[], nums double precision[], dens double precision[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT json_build_object(
    'd', (SELECT json_agg(to_char(d, 'YYYY-MM-DD') ORDER BY i) FROM unnest(dates) WITH ORDINALITY AS t(d, i)),
    'v', to_json(vals),
    'n', CASE WHEN array_remove(notes, NULL) = '{}' THEN NULL ELSE to_json(notes) END,
    'u', CASE WHEN array_remove(nums, NULL) = '{}' THEN NULL ELSE to_json(nums) END,
    'w', CASE WHEN array_remove(dens, NULL) = '{}' THEN NULL ELSE to_json(dens) END
  )::text
$$;

CREATE OR REPLACE FUNCTION "measure_series_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT "measureId") INTO ids FROM new_points;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT "measureId") INTO ids FROM old_points;
  ELSE
    SELECT array_agg(DISTINCT "measureId") INTO ids FROM (SELECT "measureId" FROM new_points UNION SELECT "measureId" FROM old_points) AS t;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM "Measure" WHERE "id" = ANY(ids) ORDER BY "id" FOR UPDATE;
  INSERT INTO "MeasureSeries" ("measureId", "points")
    SELECT "measureId", "measure_series_json"(array_agg("date" ORDER BY "date"), array_agg("value" ORDER BY "date"), array_agg("note" ORDER BY "date"),
                                              array_agg("numerator" ORDER BY "date"), array_agg("denominator" ORDER BY "date"))
    FROM "DataPoint" WHERE "measureId" = ANY(ids) GROUP BY "measureId"
    ON CONFLICT ("measureId") DO UPDATE SET "points" = EXCLUDED."points";
  DELETE FROM "MeasureSeries" s WHERE s."measureId" = ANY(ids) AND NOT EXISTS (SELECT 1 FROM "DataPoint" d WHERE d."measureId" = s."measureId");
  RETURN NULL;
END $$;

DROP FUNCTION "measure_series_json"(date[], double precision[], text[]);
