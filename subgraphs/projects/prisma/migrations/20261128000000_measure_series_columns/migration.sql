-- MeasureSeries.points becomes columns instead of point objects:
--   {"d": ["YYYY-MM-DD", ...], "v": [value, ...], "n": [note, ...] or null when no point has a note}
-- Why: analysis reads whole series, 250 measures (25,000 points) per request. The object form was
-- 1.4 MB per such request and its transfer out of the database and JSON parsing were most of the
-- request's time; the column form is a third of the size, arrays of strings and numbers parse
-- several times faster, and the point objects are built in one loop (subgraphs/projects/data/measures.ts).
-- Same trigger, same locking (see *_measure_series); only the JSON it writes changes.

-- One measure's points (already in date order) as the column JSON. json_build_object and to_json
-- write float8 with the shortest exact digits, and strings with JSON escaping.
CREATE FUNCTION "measure_series_json"(dates date[], vals double precision[], notes text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT json_build_object(
    'd', (SELECT json_agg(to_char(d, 'YYYY-MM-DD') ORDER BY i) FROM unnest(dates) WITH ORDINALITY AS t(d, i)),
    'v', to_json(vals),
    'n', CASE WHEN array_remove(notes, NULL) = '{}' THEN NULL ELSE to_json(notes) END
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
    SELECT "measureId", "measure_series_json"(array_agg("date" ORDER BY "date"), array_agg("value" ORDER BY "date"), array_agg("note" ORDER BY "date"))
    FROM "DataPoint" WHERE "measureId" = ANY(ids) GROUP BY "measureId"
    ON CONFLICT ("measureId") DO UPDATE SET "points" = EXCLUDED."points";
  DELETE FROM "MeasureSeries" s WHERE s."measureId" = ANY(ids) AND NOT EXISTS (SELECT 1 FROM "DataPoint" d WHERE d."measureId" = s."measureId");
  RETURN NULL;
END $$;

-- Every stored series in the new form.
UPDATE "MeasureSeries" s SET "points" = t.points
  FROM (SELECT "measureId", "measure_series_json"(array_agg("date" ORDER BY "date"), array_agg("value" ORDER BY "date"), array_agg("note" ORDER BY "date")) AS points
        FROM "DataPoint" GROUP BY "measureId") AS t
  WHERE s."measureId" = t."measureId";
