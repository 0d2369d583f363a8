-- CreateTable
CREATE TABLE "ProgressScore" (
    "id" TEXT NOT NULL,
    "projectLocal" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "recordedOn" DATE NOT NULL,
    "note" TEXT,

    CONSTRAINT "ProgressScore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProgressScore_projectLocal_recordedOn_idx" ON "ProgressScore"("projectLocal", "recordedOn");

-- AddForeignKey
ALTER TABLE "ProgressScore" ADD CONSTRAINT "ProgressScore_projectLocal_fkey" FOREIGN KEY ("projectLocal") REFERENCES "Project"("local") ON DELETE CASCADE ON UPDATE CASCADE;
