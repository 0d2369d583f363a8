-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "userId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Member_networkLocal_userId_key" ON "Member"("networkLocal", "userId");
