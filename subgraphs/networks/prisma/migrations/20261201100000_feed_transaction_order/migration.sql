-- The change feed is ordered by the transaction that made each change, not by the time a change
-- stamped (subgraphs/shared/feed.ts). A time is stamped when a row is written but becomes visible when
-- its transaction commits, so on a server with concurrent transactions a harvest could read past a
-- later stamp while an earlier-stamped change was still in flight, and never see that change. Each
-- row now records the id of the transaction that last wrote it (set by a trigger, so no writer can
-- forget it); the feed lists only transactions older than every one still running.
-- Rows already stored keep 0: they are all listed once, before anything written from now on.

-- AlterTable
ALTER TABLE "Network" ADD COLUMN "changeXid" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Tombstone" ADD COLUMN "changeXid" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Network_changeXid_local_idx" ON "Network"("changeXid", "local");

-- CreateIndex
CREATE INDEX "Tombstone_changeXid_local_idx" ON "Tombstone"("changeXid", "local");

-- Every insert or update, whatever its columns, takes the writing transaction's id (64-bit, never
-- wraps). A write to a child row (measure, member, event...) updates its parent row in the same
-- transaction (data/*-writes.ts), so the parent moves in the feed too.
CREATE FUNCTION "feed_change_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END $$;

CREATE TRIGGER "Network_change_xid" BEFORE INSERT OR UPDATE ON "Network" FOR EACH ROW EXECUTE FUNCTION "feed_change_xid"();
CREATE TRIGGER "Tombstone_change_xid" BEFORE INSERT OR UPDATE ON "Tombstone" FOR EACH ROW EXECUTE FUNCTION "feed_change_xid"();
