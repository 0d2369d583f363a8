-- CreateTable
CREATE TABLE "MeasureSeries" (
    "measureId" TEXT NOT NULL,
    "points" TEXT NOT NULL,

    CONSTRAINT "MeasureSeries_pkey" PRIMARY KEY ("measureId")
);

-- AddForeignKey
ALTER TABLE "MeasureSeries" ADD CONSTRAINT "MeasureSeries_measureId_fkey" FOREIGN KEY ("measureId") REFERENCES "Measure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- MeasureSeries is derived from DataPoint: after every statement that inserts, updates or deletes
-- points, the series of each measure it touched is rebuilt from that measure's rows. The measure
-- rows are locked first (in id order, so two writers cannot deadlock), and the rebuild is a later
-- statement: under READ COMMITTED it then sees every point committed by a writer it waited for, so
-- concurrent writes to one measure cannot leave a series missing the other's points.
CREATE FUNCTION "measure_series_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    SELECT "measureId", json_agg(json_build_object('date', to_char("date", 'YYYY-MM-DD'), 'value', "value", 'note', "note") ORDER BY "date")::text
    FROM "DataPoint" WHERE "measureId" = ANY(ids) GROUP BY "measureId"
    ON CONFLICT ("measureId") DO UPDATE SET "points" = EXCLUDED."points";
  DELETE FROM "MeasureSeries" s WHERE s."measureId" = ANY(ids) AND NOT EXISTS (SELECT 1 FROM "DataPoint" d WHERE d."measureId" = s."measureId");
  RETURN NULL;
END $$;

CREATE TRIGGER "measure_series_after_insert" AFTER INSERT ON "DataPoint" REFERENCING NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION "measure_series_refresh"();
CREATE TRIGGER "measure_series_after_update" AFTER UPDATE ON "DataPoint" REFERENCING OLD TABLE AS old_points NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION "measure_series_refresh"();
CREATE TRIGGER "measure_series_after_delete" AFTER DELETE ON "DataPoint" REFERENCING OLD TABLE AS old_points FOR EACH STATEMENT EXECUTE FUNCTION "measure_series_refresh"();

-- Series for the points already stored.
INSERT INTO "MeasureSeries" ("measureId", "points")
  SELECT "measureId", json_agg(json_build_object('date', to_char("date", 'YYYY-MM-DD'), 'value', "value", 'note', "note") ORDER BY "date")::text
  FROM "DataPoint" GROUP BY "measureId";
