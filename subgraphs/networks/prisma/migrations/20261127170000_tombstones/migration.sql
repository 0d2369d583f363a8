-- CreateTable
CREATE TABLE "Tombstone" (
    "local" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tombstone_pkey" PRIMARY KEY ("local")
);

-- CreateIndex
CREATE INDEX "Tombstone_deletedAt_local_idx" ON "Tombstone"("deletedAt", "local");
