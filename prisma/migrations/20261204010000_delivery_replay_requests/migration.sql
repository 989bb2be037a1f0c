-- A manual retry or DLQ replay is a request recorded on its delivery: a replay task is sent only while it is set.

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "replay_requested_at" TIMESTAMP(3);
