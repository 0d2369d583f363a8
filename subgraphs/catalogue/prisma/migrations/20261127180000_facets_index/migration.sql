-- CreateIndex
CREATE INDEX "Item_facets_idx" ON "Item" USING GIN ("facets");
