-- Audit rows keep the writer whole: issuer and subject beside the organisation (subgraphs/shared/writes.ts).
-- Rows written before stay as they were (actor "<sub>@<organisation>", issuer and subject null):
-- the log is append-only, and a trigger refuses the UPDATE a backfill would need.
ALTER TABLE "AuditEntry" ADD COLUMN "issuer" TEXT, ADD COLUMN "subject" TEXT;

-- Idempotency receipts need no change of table: new receipts are keyed by (issuer, organisation,
-- subject, key). Receipts made before were keyed by subject alone and stay; runWrite refuses a key
-- that one of them holds (IDEMPOTENCY_KEY_REUSED) rather than matching it to anybody, so a retry
-- across the upgrade never writes twice and nobody can replay another user's key.
