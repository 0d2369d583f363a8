-- Summaries of projects' measures that reference the national measure library, for
-- measureComparison: harvested with their project and removed with it.
CREATE TABLE "MeasureSummary" (
    "itemId" TEXT NOT NULL,
    "measureId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "improvement" TEXT NOT NULL,
    "target" DOUBLE PRECISION,
    "illustrative" BOOLEAN NOT NULL,
    "pointCount" INTEGER NOT NULL,
    "latestDate" DATE,
    "latestValue" DOUBLE PRECISION,
    "status" TEXT NOT NULL,
    "variation" TEXT,
    "assurance" TEXT,
    "iconReason" TEXT,
    "mean" DOUBLE PRECISION,
    "upperLimit" DOUBLE PRECISION,
    "lowerLimit" DOUBLE PRECISION,

    CONSTRAINT "MeasureSummary_pkey" PRIMARY KEY ("itemId","measureId")
);

CREATE INDEX "MeasureSummary_code_idx" ON "MeasureSummary"("code");

ALTER TABLE "MeasureSummary" ADD CONSTRAINT "MeasureSummary_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;
