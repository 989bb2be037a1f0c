-- Deliveries of a disabled subscription wait (no task) until it is enabled; a discarded backlog ends
-- them as discarded. The new values are not used in this transaction, as Postgres requires.

-- AlterEnum
ALTER TYPE "DeliveryStatus" ADD VALUE 'waiting';
ALTER TYPE "DeliveryStatus" ADD VALUE 'discarded';

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "backlog_due_at" TIMESTAMP(3);
