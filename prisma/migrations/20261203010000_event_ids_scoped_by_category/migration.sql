-- Event ids are unique within their category (the part of the type before the dot), no longer globally.

-- AlterTable
ALTER TABLE "events" ADD COLUMN "category" TEXT;
UPDATE "events" SET "category" = split_part("type", '.', 1);
ALTER TABLE "events" ALTER COLUMN "category" SET NOT NULL;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "event_category" TEXT;
UPDATE "deliveries" SET "event_category" = split_part("event_type", '.', 1);
ALTER TABLE "deliveries" ALTER COLUMN "event_category" SET NOT NULL;

-- DropForeignKey
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_id_fkey";

-- DropIndex
DROP INDEX "deliveries_event_id_subscription_id_key";

-- AlterTable
ALTER TABLE "events" DROP CONSTRAINT "events_pkey",
ADD CONSTRAINT "events_pkey" PRIMARY KEY ("category", "id");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_event_category_event_id_subscription_id_key" ON "deliveries"("event_category", "event_id", "subscription_id");

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_category_event_id_fkey" FOREIGN KEY ("event_category", "event_id") REFERENCES "events"("category", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
