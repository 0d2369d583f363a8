-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "publication" TEXT NOT NULL DEFAULT 'PUBLISHED';

-- AlterTable
ALTER TABLE "ProgressScore" ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "TeamMember" ADD COLUMN     "userId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "TeamMember_projectLocal_userId_key" ON "TeamMember"("projectLocal", "userId");
