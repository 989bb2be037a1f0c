-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "retry_budget_base" INTEGER NOT NULL DEFAULT 0;
