/*
  Warnings:

  - Added the required column `priority` to the `dead_letter_entries` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "dead_letter_entries" ADD COLUMN     "archived_at" TIMESTAMP(3),
ADD COLUMN     "priority" "Priority" NOT NULL;

-- CreateIndex
CREATE INDEX "dead_letter_entries_moved_at_id_idx" ON "dead_letter_entries"("moved_at", "id");
