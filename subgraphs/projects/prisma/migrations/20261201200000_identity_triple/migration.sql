-- Audit rows keep the writer whole: issuer and subject beside the organisation (subgraphs/shared/writes.ts).
-- Rows written before stay as they were (actor "<sub>@<organisation>", issuer and subject null):
-- the log is append-only, and a trigger refuses the UPDATE a backfill would need.
ALTER TABLE "AuditEntry" ADD COLUMN "issuer" TEXT, ADD COLUMN "subject" TEXT;

-- Idempotency receipts need no change of table: new receipts are keyed by (issuer, organisation,
-- subject, key). Receipts made before were keyed by subject alone and stay; runWrite refuses a key
-- that one of them holds (IDEMPOTENCY_KEY_REUSED) rather than matching it to anybody, so a retry
-- across the upgrade never writes twice and nobody can replay another user's key.

-- A team member with a userId is the user (issuer, organisation, subject). Existing members were
-- recorded by subject alone, which any organisation's user with that `sub` matched: they keep their
-- row and userId (still listed) with a null issuer and organisation, so they match nobody and can no
-- longer write, until an editor adds them again (addTeamMember with userId and userOrganisation).
-- Failing closed is the point: guessing their organisation would hand the project to whoever has it.
ALTER TABLE "TeamMember" ADD COLUMN "userIssuer" TEXT, ADD COLUMN "userOrganisation" TEXT;
DROP INDEX "TeamMember_projectLocal_userId_key";
CREATE UNIQUE INDEX "TeamMember_projectLocal_userIssuer_userOrganisation_userId_key" ON "TeamMember"("projectLocal", "userIssuer", "userOrganisation", "userId");
