-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Network" (
    "local" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "type" TEXT NOT NULL,
    "regionId" TEXT,
    "topics" TEXT[],
    "settings" TEXT[],
    "drivers" TEXT[],
    "website" TEXT,
    "howToJoin" TEXT,
    "meets" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Network_pkey" PRIMARY KEY ("local")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "networkLocal" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,
    "role" TEXT,
    "organisationId" TEXT,
    "expertise" TEXT[],
    "offersCoaching" BOOLEAN NOT NULL DEFAULT false,
    "offersDataAnalysis" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "networkLocal" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "format" TEXT NOT NULL,
    "location" TEXT,
    "attendance" INTEGER,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NetworkLink" (
    "networkLocal" TEXT NOT NULL,
    "linkedId" TEXT NOT NULL,

    CONSTRAINT "NetworkLink_pkey" PRIMARY KEY ("networkLocal","linkedId")
);

-- CreateIndex
CREATE INDEX "Network_updatedAt_local_idx" ON "Network"("updatedAt", "local");

-- CreateIndex
CREATE INDEX "Member_networkLocal_position_idx" ON "Member"("networkLocal", "position");

-- CreateIndex
CREATE INDEX "Event_networkLocal_startsAt_idx" ON "Event"("networkLocal", "startsAt");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_networkLocal_fkey" FOREIGN KEY ("networkLocal") REFERENCES "Network"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_networkLocal_fkey" FOREIGN KEY ("networkLocal") REFERENCES "Network"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NetworkLink" ADD CONSTRAINT "NetworkLink_networkLocal_fkey" FOREIGN KEY ("networkLocal") REFERENCES "Network"("local") ON DELETE CASCADE ON UPDATE CASCADE;
