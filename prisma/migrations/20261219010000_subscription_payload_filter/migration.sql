-- A subscription may filter events on their type and data (libs/payload-filter); NULL: no filter.

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "filter" JSONB;
