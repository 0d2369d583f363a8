// Onboarding is data: a partner added to the registry file of a running system is routed to and
// becomes searchable without a restart; one whose schema breaks its contract is quarantined with a
// reason while everyone else carries on; a disabled partner stops being routed to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "graphql";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { pino } from "pino";
import { startSystem, type TestSystem, type RunningPartner } from "../support/system.ts";
import { addPartner, setEnabled } from "../../lib/registry/edit.ts";
import { listen, type RunningServer } from "../../lib/http-server.ts";
import { contractSdl } from "../../schema/contracts.ts";
import { buildService, startService } from "../../subgraphs/shared/service.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import { writeProjects } from "../../subgraphs/projects/seed.ts";
import { projectSeed } from "../../subgraphs/projects/seed-schema.ts";
import type { Partner } from "../../lib/registry/registry.ts";

const POLL_MS = 100;
const settle = () => new Promise((r) => setTimeout(r, POLL_MS * 4));
let sys: TestSystem;
let leeds: RunningPartner;
let rogue: RunningServer;

const LEEDS: Partner = {
  id: "leeds-th",
  name: "Leeds QI",
  organisation: "nhs-england",
  kind: "projects",
  port: 4125,
  region: "north-east-and-yorkshire",
  enabled: true,
  url: "",
};

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["improvement-hub", "slpsc", "essex-cc", "bridgewater", "national-catalogue"].includes(p.id),
    liveRegistry: { pollMs: POLL_MS },
    schemaChecks: true,
  });
  // A new projects partner, not yet registered: its own service and database.
  const built = await buildService(projectsService, {
    partner: LEEDS,
    store: { kind: "embedded" },
    logger: pino({ level: "silent" }),
    seed: false,
    registry: sys.registry,
    partnerTimeoutMs: 2000,
    harvestIntervalMs: 3_600_000,
  });
  await writeProjects(built.db.prisma as never, [
    projectSeed.parse({
      local: "sepsis-screening",
      title: "Sepsis screening in the emergency department",
      summary: "Screening every adult with a suspected infection within an hour of arrival.",
      aim: "Screen 95% of eligible adults for sepsis within one hour by March",
      status: "ACTIVE",
      region: "north-east-and-yorkshire",
      topics: ["sepsis"],
      network: "slpsc:network:maternity-cop",
    }),
  ]);
  leeds = await startService(built, { port: 0, host: "127.0.0.1", maxBodyBytes: 262_144 });
  // A resources "partner" whose schema breaks the contract: title is an Int.
  const broken = contractSdl("resources").replace("title: String! @shareable", "title: Int @shareable");
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(broken),
      resolvers: {
        Query: { resourceFeed: () => ({ entries: [], nodes: [], hasNextPage: false, remaining: 0 }) },
      } as never,
    }),
  });
  await apollo.start();
  rogue = await listen(apollo, { port: 0, host: "127.0.0.1", maxBodyBytes: 262_144, context: async () => ({}) });
});

afterAll(async () => {
  await leeds?.close();
  await rogue?.close();
  await sys?.close();
});

describe("a partner joins a running system", () => {
  it("is routed to and becomes searchable after one registry entry and a harvest", async () => {
    const before = await sys.query(`{ search(query: "sepsis screening") { edges { node { id } } } }`);
    expect(before.body.data.search.edges.map((e: any) => e.node.id)).not.toContain("leeds-th:project:sepsis-screening");

    addPartner(sys.registryFile!, { ...LEEDS, url: leeds.url });
    await settle();
    await sys.harvester.harvestAll();

    const { body } = await sys.query(`{
      search(query: "sepsis screening") { edges { node { id title ... on Project { aim network { title } } } } }
      partners { id status itemCount }
    }`);
    expect(body.errors).toBeUndefined();
    const hit = body.data.search.edges
      .map((e: any) => e.node)
      .find((n: any) => n.id === "leeds-th:project:sepsis-screening");
    expect(hit).toMatchObject({ aim: expect.stringMatching(/95%/), network: { title: expect.any(String) } });
    expect(body.data.partners.find((p: any) => p.id === "leeds-th")).toMatchObject({ status: "UP", itemCount: 1 });
  });
});

describe("a partner whose schema breaks its contract", () => {
  it("is quarantined with a reason, and the others keep working", async () => {
    addPartner(sys.registryFile!, {
      id: "rogue",
      name: "Rogue resources",
      organisation: "nhs-england",
      kind: "resources",
      port: 4199,
      region: "national",
      enabled: true,
      url: rogue.url,
    });
    await settle();
    await sys.harvester.harvestAll();
    const { body } = await sys.query(
      `{ partners { id status reason } search(filter: { kinds: [RESOURCE] }, first: 5) { totalCount edges { node { id ... on Resource { kind } } } } }`,
    );
    const r = body.data.partners.find((p: any) => p.id === "rogue");
    expect(r).toMatchObject({
      status: "QUARANTINED",
      reason: expect.stringMatching(/Resource\.title changed type from String! to Int/),
    });
    for (const id of ["improvement-hub", "essex-cc", "leeds-th"])
      expect(body.data.partners.find((p: any) => p.id === id).status).toBe("UP");
    expect(body.errors).toBeUndefined();
    for (const e of body.data.search.edges) expect(e.node.kind).toEqual(expect.any(String));
  });

  it("is not routed to: its ids answer PARTNER_QUARANTINED with the reason", async () => {
    // A project that uses one of the rogue partner's resources.
    await writeProjects(sys.partners.get("essex-cc")!.db.prisma as never, [
      projectSeed.parse({
        local: "uses-rogue",
        title: "Project using a quarantined partner's resource",
        summary: "s",
        aim: "a",
        status: "ACTIVE",
        region: "east-of-england",
        resources: [
          { resource: "rogue:resource:r1", relation: "USED" },
          { resource: "improvement-hub:resource:improvement-hub", relation: "USED" },
        ],
      }),
    ]);
    await sys.harvester.harvestAll();
    const { body } = await sys.query(
      `{ project(id: "essex-cc:project:uses-rogue") { title aim resourceLinks { relation resource { id ... on Resource { kind } } } } }`,
    );
    expect(body.data.project).toMatchObject({ title: expect.any(String), aim: "a" });
    const quarantined = body.errors.filter((e: any) => e.extensions.partner === "rogue");
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].extensions.code).toBe("PARTNER_QUARANTINED");
    expect(quarantined[0].message).toMatch(/does not serve the resources contract/);
    const hub = body.data.project.resourceLinks.find((l: any) => l.resource.id.startsWith("improvement-hub:"));
    expect(hub.resource.kind).toEqual(expect.any(String));
  });
});

describe("a partner disabled in the registry", () => {
  it("stops being routed to and harvested, and is listed as DISABLED", async () => {
    setEnabled(sys.registryFile!, "bridgewater", false);
    await settle();
    const { body } = await sys.query(
      `{ partners { id status } project(id: "bridgewater:project:expert-in-me") { title aim } }`,
    );
    expect(body.data.partners.find((p: any) => p.id === "bridgewater").status).toBe("DISABLED");
    const err = body.errors.find((e: any) => e.extensions.partner === "bridgewater");
    expect(err.extensions.code).toBe("UNKNOWN_PARTNER");
    setEnabled(sys.registryFile!, "bridgewater", true);
    await settle();
    const back = await sys.query(`{ project(id: "bridgewater:project:expert-in-me") { aim } }`);
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data.project.aim).toEqual(expect.any(String));
  });
});
