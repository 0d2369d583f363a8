-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Project" (
    "local" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "aim" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "settings" TEXT[],
    "topics" TEXT[],
    "drivers" TEXT[],
    "regionId" TEXT,
    "startedOn" DATE,
    "endedOn" DATE,
    "networkId" TEXT,
    "outcomes" TEXT[],
    "evaluatorId" TEXT,
    "evaluationSummary" TEXT,
    "evaluationQuote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("local")
);

-- CreateTable
CREATE TABLE "TeamMember" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,
    "role" TEXT,

    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Funding" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "funderId" TEXT NOT NULL,
    "programme" TEXT,

    CONSTRAINT "Funding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResourceLink" (
    "projectLocal" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "relation" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "ResourceLink_pkey" PRIMARY KEY ("projectLocal","resourceId")
);

-- CreateTable
CREATE TABLE "Measure" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "unit" TEXT NOT NULL,
    "improvement" TEXT NOT NULL,
    "target" DOUBLE PRECISION,
    "illustrative" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Measure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataPoint" (
    "measureId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "note" TEXT,

    CONSTRAINT "DataPoint_pkey" PRIMARY KEY ("measureId","date")
);

-- CreateTable
CREATE TABLE "PdsaCycle" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "do" TEXT,
    "study" TEXT,
    "act" TEXT,
    "startedOn" DATE,
    "endedOn" DATE,

    CONSTRAINT "PdsaCycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Learning" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "Learning_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Project_updatedAt_local_idx" ON "Project"("updatedAt", "local");

-- CreateIndex
CREATE INDEX "TeamMember_projectLocal_position_idx" ON "TeamMember"("projectLocal", "position");

-- CreateIndex
CREATE INDEX "Funding_projectLocal_idx" ON "Funding"("projectLocal");

-- CreateIndex
CREATE INDEX "Measure_projectLocal_position_idx" ON "Measure"("projectLocal", "position");

-- CreateIndex
CREATE UNIQUE INDEX "PdsaCycle_projectLocal_number_key" ON "PdsaCycle"("projectLocal", "number");

-- CreateIndex
CREATE INDEX "Learning_projectLocal_position_idx" ON "Learning"("projectLocal", "position");

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Funding" ADD CONSTRAINT "Funding_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResourceLink" ADD CONSTRAINT "ResourceLink_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Measure" ADD CONSTRAINT "Measure_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataPoint" ADD CONSTRAINT "DataPoint_measureId_fkey" FOREIGN KEY ("measureId") REFERENCES "Measure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PdsaCycle" ADD CONSTRAINT "PdsaCycle_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Learning" ADD CONSTRAINT "Learning_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;
