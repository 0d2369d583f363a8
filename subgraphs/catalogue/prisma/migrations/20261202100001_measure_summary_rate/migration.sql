-- A summary keeps its measure's rate over the latest points that carry a numerator and denominator
-- (Measure.rate in the projects contract): the funnel plot of measureComparison places each
-- organisation by it. Null when the partner recorded no numerators and denominators.
ALTER TABLE "MeasureSummary" ADD COLUMN "rateNumerator" DOUBLE PRECISION;
ALTER TABLE "MeasureSummary" ADD COLUMN "rateDenominator" DOUBLE PRECISION;
ALTER TABLE "MeasureSummary" ADD COLUMN "ratePoints" INTEGER;
ALTER TABLE "MeasureSummary" ADD COLUMN "rateFrom" DATE;
ALTER TABLE "MeasureSummary" ADD COLUMN "rateTo" DATE;
