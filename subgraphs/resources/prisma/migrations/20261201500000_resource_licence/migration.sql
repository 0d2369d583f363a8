-- A resource's own licence (an SPDX id from schema/licences.ts, validated on write); NULL means
-- the partner's default, so existing rows keep meaning what they meant.
ALTER TABLE "Resource" ADD COLUMN "licence" TEXT;
