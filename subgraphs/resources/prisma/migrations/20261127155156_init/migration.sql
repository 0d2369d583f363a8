-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Resource" (
    "local" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "publisherId" TEXT,
    "body" TEXT,
    "topics" TEXT[],
    "drivers" TEXT[],
    "settings" TEXT[],
    "audience" TEXT[],
    "publishedOn" DATE,
    "status" TEXT NOT NULL DEFAULT 'PUBLISHED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Resource_pkey" PRIMARY KEY ("local")
);

-- CreateIndex
CREATE INDEX "Resource_updatedAt_local_idx" ON "Resource"("updatedAt", "local");
