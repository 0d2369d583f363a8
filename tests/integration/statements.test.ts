// No N+1: a page of N projects with their measures and data points (projects partner), their
// network (networks partner) and their resources (resources partner) costs the same number of SQL
// statements in each subgraph whether N is 5 or 50. Counted at the driver adapter of each
// partner's database (lib/db/open.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system.ts";
import { writeProjects } from "../../subgraphs/projects/seed.ts";
import { projectSeed } from "../../subgraphs/projects/seed-schema.ts";

const PARTNERS = ["improvement-hub", "leadership-academy", "slpsc", "pic-networks", "essex-cc", "national-catalogue"];
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => PARTNERS.includes(p.id) });
  // Sixty more Essex projects, each linked to networks and resources of four other partners.
  const projects = Array.from({ length: 60 }, (_, i) =>
    projectSeed.parse({
      local: `generated-${String(i).padStart(2, "0")}`,
      title: `Generated care home project ${i}`,
      summary: "A generated project for counting statements.",
      aim: `Reduce falls by ${10 + (i % 20)}% in twelve months`,
      status: "ACTIVE",
      region: "east-of-england",
      network: i % 2 ? "slpsc:network:maternity-cop" : "pic-networks:network:new-managers",
      resources: [
        { resource: "improvement-hub:resource:improvement-hub", relation: "USED" },
        { resource: "leadership-academy:resource:resources", relation: "USED" },
      ],
      measures: [0, 1].map((m) => ({
        name: `Measure ${m}`,
        unit: "count",
        improvement: "DECREASE",
        illustrative: true,
        points: Array.from({ length: 12 }, (_, k) => ({
          date: `2026-${String(k + 1).padStart(2, "0")}-01`,
          value: k + m + i,
        })),
      })),
    }),
  );
  await writeProjects(sys.partners.get("essex-cc")!.db.prisma as never, projects);
  await sys.harvester.harvestAll();
});
afterAll(async () => {
  await sys?.close();
});

const PAGE = `query($first: Int) {
  search(filter: { partners: ["essex-cc"], kinds: [PROJECT] }, first: $first) {
    edges { node { id title ... on Project {
      aim
      measures { name points { date value } }
      network { title type members { name } }
      resources { title url kind }
    } } }
  }
}`;

async function statementsFor(first: number) {
  const before = new Map([...sys.partners].map(([id, p]) => [id, p.db.statements.count]));
  const { body } = await sys.query(PAGE, { first });
  expect(body.errors).toBeUndefined();
  const nodes = body.data.search.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(first);
  for (const n of nodes) {
    expect(n.measures.length).toBeGreaterThan(0);
    expect(n.network.title).toEqual(expect.any(String));
    expect(n.resources.length).toBeGreaterThan(0);
    for (const r of n.resources) expect(r.url === null || typeof r.url === "string").toBe(true);
  }
  return Object.fromEntries([...sys.partners].map(([id, p]) => [id, p.db.statements.count - before.get(id)!]));
}

describe("statements per request", () => {
  it("are the same for a page of 5 and a page of 50, in every subgraph", async () => {
    await statementsFor(3); // warm-up: first-use queries of each client are not part of the claim
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large).toEqual(small);
    // And they are few: the numbers a reader can check against the resolvers.
    expect(small["essex-cc"]).toBeLessThanOrEqual(4); // projects, measures, points, resource links
    expect(small["national-catalogue"]).toBeLessThanOrEqual(4); // search page + count (+ entity lookups)
    expect(small["slpsc"]! + small["pic-networks"]!).toBeLessThanOrEqual(4);
    console.log(
      "statements per request by partner (page of 5 / page of 50):",
      JSON.stringify(small),
      JSON.stringify(large),
    );
  });
});
