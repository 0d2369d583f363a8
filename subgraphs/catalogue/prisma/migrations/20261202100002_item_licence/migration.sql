-- A resource's licence is indexed with it, so that the open export (gateway/export) states the
-- licence of every resource even while its partner is down, as it states its title.
ALTER TABLE "Item" ADD COLUMN "licence" TEXT;

-- Rows indexed before this release have no licence, and their summaries no rate
-- (*_measure_summary_rate): the next harvest of every partner reads its whole feed again (a feed
-- from no cursor lists everything), filling both. Nothing is lost meanwhile: the index keeps serving
-- what it holds.
UPDATE "HarvestState" SET "cursor" = NULL;
