-- A measure may reference a national measure library code (schema/measure-library.ts); existing
-- measures have none. Validated on write, not by the database: the library lives in code.
ALTER TABLE "Measure" ADD COLUMN "code" TEXT;
