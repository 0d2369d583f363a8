// A locked-down deployment: partners refuse every request the gateway (or the catalogue) did not
// sign. The catalogue still harvests, schema checks still pass and the gateway still answers,
// because each of them signs; a client calling a partner directly gets 401.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["improvement-hub", "national-catalogue"].includes(p.id),
    unsigned: "reject",
    schemaChecks: true,
  });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

describe("partners that reject unsigned requests", () => {
  it("refuse a direct read with 401 UNAUTHENTICATED", async () => {
    const res = await fetch(sys.partners.get("improvement-hub")!.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ resourceFromOwner(id: "improvement-hub:resource:nhsi-improvement-hub") { title } }`,
      }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(body.errors[0].message).toContain("national gateway");
  });

  it("are still harvested, checked and served through the gateway", async () => {
    const report = await sys.harvester.harvestAll();
    expect(JSON.stringify(report)).not.toMatch(/unavailable|quarantined/i);
    const { body } = await sys.query(`{
      search(query: "improvement", first: 5) { totalCount edges { node { ... on Resource { id title kind } } } }
      resourceFromOwner(id: "improvement-hub:resource:nhsi-improvement-hub") { title }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.search.totalCount).toBeGreaterThan(0);
    expect(body.data.search.edges[0].node.kind).toBeTruthy(); // a live field, from the partner
    expect(body.data.resourceFromOwner.title).toBeTruthy();
  });
});
