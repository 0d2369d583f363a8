-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Item" (
    "id" TEXT NOT NULL,
    "typename" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "body" TEXT NOT NULL DEFAULT '',
    "topics" TEXT[],
    "settings" TEXT[],
    "drivers" TEXT[],
    "regionId" TEXT,
    "facets" TEXT[],
    "networkId" TEXT,
    "resourceIds" TEXT[],
    "linkedIds" TEXT[],
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "stale" BOOLEAN NOT NULL DEFAULT false,
    "document" tsvector,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HarvestState" (
    "partnerId" TEXT NOT NULL,
    "cursor" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "lastHarvest" TIMESTAMP(3),
    "lastAttempt" TIMESTAMP(3),
    "itemCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "HarvestState_pkey" PRIMARY KEY ("partnerId")
);

-- CreateIndex
CREATE INDEX "Item_partnerId_idx" ON "Item"("partnerId");

-- CreateIndex
CREATE INDEX "Item_networkId_idx" ON "Item"("networkId");

-- CreateIndex
CREATE INDEX "Item_updatedAt_id_idx" ON "Item"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Item_document_idx" ON "Item" USING GIN ("document");

-- CreateIndex
CREATE INDEX "Item_resourceIds_idx" ON "Item" USING GIN ("resourceIds");
