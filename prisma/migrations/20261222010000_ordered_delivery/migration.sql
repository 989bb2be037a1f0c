-- Ordered delivery per key (docs/protocol.md#ordered-delivery): a subscription may ask for it; its deliveries
-- then carry their event's Kafka key and position, and wait for the earlier ones of the same key.

-- CreateEnum
CREATE TYPE "SubscriptionOrdering" AS ENUM ('none', 'per_key');

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "ordering" "SubscriptionOrdering" NOT NULL DEFAULT 'none';

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "order_key" TEXT,
ADD COLUMN "order_partition" INTEGER,
ADD COLUMN "order_offset" BIGINT,
ADD COLUMN "order_released_at" TIMESTAMP(3),
ADD COLUMN "waiting_for" TEXT;

-- AlterTable
ALTER TABLE "dead_letter_entries" ADD COLUMN "ordering_key" TEXT;

-- CreateIndex
CREATE INDEX "deliveries_order_turns_idx" ON "deliveries"("subscription_id", "event_category", "order_partition", "order_key", "order_offset") WHERE (order_key IS NOT NULL) AND (order_released_at IS NULL);

-- CreateIndex
CREATE INDEX "deliveries_waiting_for_idx" ON "deliveries"("waiting_for") WHERE (waiting_for IS NOT NULL);
