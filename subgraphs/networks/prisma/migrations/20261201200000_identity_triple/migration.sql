-- Audit rows keep the writer whole: issuer and subject beside the organisation (subgraphs/shared/writes.ts).
-- Rows written before stay as they were (actor "<sub>@<organisation>", issuer and subject null):
-- the log is append-only, and a trigger refuses the UPDATE a backfill would need.
ALTER TABLE "AuditEntry" ADD COLUMN "issuer" TEXT, ADD COLUMN "subject" TEXT;

-- Idempotency receipts need no change of table: new receipts are keyed by (issuer, organisation,
-- subject, key). Receipts made before were keyed by subject alone and stay; runWrite refuses a key
-- that one of them holds (IDEMPOTENCY_KEY_REUSED) rather than matching it to anybody, so a retry
-- across the upgrade never writes twice and nobody can replay another user's key.

-- A network member who joined is the user (issuer, organisation, subject), not a subject alone: a
-- user of another organisation whose token says the same `sub` is somebody else. Existing joined
-- members were recorded by subject only; their issuer is unknown, so they keep their row (they are
-- still listed) with a null userIssuer, which matches nobody: leaveNetwork cannot remove them for
-- anyone and joinNetwork adds the user afresh. Their organisation is the one they joined for.
ALTER TABLE "Member" ADD COLUMN "userIssuer" TEXT, ADD COLUMN "userOrganisation" TEXT;
UPDATE "Member" SET "userOrganisation" = "organisationId" WHERE "userId" IS NOT NULL;
DROP INDEX "Member_networkLocal_userId_key";
CREATE UNIQUE INDEX "Member_networkLocal_userIssuer_userOrganisation_userId_key" ON "Member"("networkLocal", "userIssuer", "userOrganisation", "userId");
