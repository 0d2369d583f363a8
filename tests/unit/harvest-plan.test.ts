// How the harvester turns one change-feed page into index writes (subgraphs/catalogue/harvest/
// harvester.ts planPage): the last entry for an id wins, removals are deletes by id, and a partner
// only speaks for its own items of its own kind.
import { describe, expect, it } from "vitest";
import { planPage } from "../../subgraphs/catalogue/harvest/harvester.ts";
import type { FeedEntry } from "../../subgraphs/catalogue/harvest/feeds.ts";
import type { Partner } from "../../lib/registry/registry.ts";

const hub: Partner = {
  id: "hub",
  name: "Hub",
  organisation: "nhs-england",
  kind: "resources",
  port: 1,
  region: "national",
  enabled: true,
  url: "http://unused",
};

const node = (id: string, title = `Title of ${id}`) =>
  ({
    id,
    title,
    summary: null,
    organisation: { id: "nhs-england" },
    topics: [],
    settings: [],
    drivers: [],
    updatedAt: "2026-01-01T00:00:00.000Z",
    kind: "GUIDE",
    body: "b",
    audience: [],
    publisher: null,
    licence: null,
  }) as FeedEntry["node"];
const upsert = (id: string, title?: string): FeedEntry => ({
  id,
  changedAt: "2026-01-01T00:00:00.000Z",
  removed: false,
  version: null,
  node: node(id, title),
});
const removal = (id: string): FeedEntry => ({
  id,
  changedAt: "2026-01-01T00:00:00.000Z",
  removed: true,
  version: null,
  node: null,
});

describe("planPage", () => {
  it("writes upserts and deletes removals", () => {
    const plan = planPage("resources", hub, [
      upsert("hub:resource:a"),
      removal("hub:resource:b"),
      upsert("hub:resource:c"),
    ]);
    expect(plan.upserts.map((i) => i.id)).toEqual(["hub:resource:a", "hub:resource:c"]);
    expect(plan.upserts[0]).toMatchObject({ partnerId: "hub", typename: "Resource", title: "Title of hub:resource:a" });
    expect(plan.removals).toEqual(["hub:resource:b"]);
    expect(plan.skipped).toBe(0);
  });

  it("keeps only the last entry for an id, as the feed is in change order", () => {
    const plan = planPage("resources", hub, [
      upsert("hub:resource:a", "old"),
      removal("hub:resource:a"),
      removal("hub:resource:b"),
      upsert("hub:resource:b", "new"),
    ]);
    expect(plan.removals).toEqual(["hub:resource:a"]);
    expect(plan.upserts.map((i) => [i.id, i.title])).toEqual([["hub:resource:b", "new"]]);
  });

  it("ignores ids of other partners or kinds, and upserts whose node the partner could not resolve", () => {
    const plan = planPage("resources", hub, [
      upsert("other:resource:a"),
      removal("other:resource:b"),
      removal("hub:project:c"),
      removal("not an id"),
      { ...upsert("hub:resource:d"), node: null },
      upsert("hub:resource:e"),
    ]);
    expect(plan.upserts.map((i) => i.id)).toEqual(["hub:resource:e"]);
    expect(plan.removals).toEqual([]);
    expect(plan.skipped).toBe(5);
  });
});
