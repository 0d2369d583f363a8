-- The partner's version of each indexed item, which the scheduled reconciliation compares with the
-- partner's version listing (subgraphs/catalogue/harvest/reconcile.ts). Items indexed before have none:
-- the first reconciliation refreshes them once.

-- AlterTable
ALTER TABLE "Item" ADD COLUMN "version" TEXT;
