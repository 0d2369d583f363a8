// Writes to one networks partner (pic-networks, run by partners-in-care), called over HTTP as the
// gateway calls it: with an x-catalogue-identity header signed by the gateway's key. For every
// mutation: it succeeds and a following read shows it; bad input is a BAD_USER_INPUT naming its path
// and writes nothing; a retry with the same key answers the same and writes nothing; the same key
// with other arguments is refused; callers who may not write are refused and write nothing.
// joinNetwork and leaveNetwork are open to any signed-in user, for themselves only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { storeFor } from "../support/system.ts";
import { codeOf, signedCalls, startOnePartner, tableSnapshot } from "../support/one-partner.ts";
import { networksService } from "../../subgraphs/networks/server.ts";
import type { PrismaClient } from "../../subgraphs/networks/generated/prisma/client.ts";
import type { NetworksContext } from "../../subgraphs/networks/context.ts";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import type { Identity } from "../../lib/auth/identity.ts";

const PARTNER = "pic-networks";
const ORG = "partners-in-care";
const ISSUER = "test-idp";
const keys = generateDevKeys();

const WHO = {
  editor: { kind: "user", issuer: ISSUER, user: "pat", organisation: ORG, roles: ["admin"] },
  viewer: { kind: "user", issuer: ISSUER, user: "val", organisation: ORG, roles: ["viewer"] },
  otherOrganisation: { kind: "user", issuer: ISSUER, user: "otto", organisation: "essex-cc", roles: ["editor"] },
  // Someone from another organisation with no writer role anywhere: may still join.
  joiner: { kind: "user", issuer: ISSUER, user: "jo", organisation: "bridgewater", roles: ["viewer"] },
  // The joiner's `sub` for another organisation, and at another issuer: neither is the joiner.
  joOfOtherOrganisation: { kind: "user", issuer: ISSUER, user: "jo", organisation: "essex-cc", roles: ["editor"] },
  joOfOtherIssuer: { kind: "user", issuer: "other-idp", user: "jo", organisation: "bridgewater", roles: ["viewer"] },
  anonymous: { kind: "anonymous" },
  service: { kind: "service", service: "national-catalogue" },
} satisfies Record<string, Identity>;
type Caller = keyof typeof WHO | "unsigned" | "forged";

let partner: Awaited<ReturnType<typeof startOnePartner<PrismaClient, NetworksContext>>>;
const cleanups: (() => Promise<void>)[] = [];
let prisma: PrismaClient;

beforeAll(async () => {
  // Embedded, or a fresh database on TEST_DATABASE_URL's PostgreSQL server.
  partner = await startOnePartner(networksService, {
    partner: PARTNER,
    keys,
    store: await storeFor(PARTNER, cleanups),
    maxBodyBytes: 262_144,
  });
  prisma = partner.db.prisma;
}, 60_000);
afterAll(async () => {
  await partner?.close();
  for (const c of cleanups) await c();
});

const key = () => `test-${randomUUID()}`;
const { gql, ok } = signedCalls(PARTNER, keys, WHO, () => partner.url);

const TABLES = ["Network", "Member", "Event", "NetworkLink", "Tombstone", "WriteReceipt", "AuditEntry"];
const snapshot = () => tableSnapshot(prisma, TABLES);

const NETWORK_FIELDS = `id title summary type region { id } website meets memberCount
  members(first: 200) { name role organisation { id } expertise offersCoaching offersDataAnalysis }
  events { id title startsAt endsAt format attendance }`;

/** The network as `as` reads it: through the entity resolver, and through networkFromOwner (they must agree). */
async function read(id: string, as: Caller = "anonymous"): Promise<any> {
  const data = await ok(
    as,
    `query($r: [_Any!]!, $id: ID!) { _entities(representations: $r) { ... on Network { ${NETWORK_FIELDS} } } networkFromOwner(id: $id) { ${NETWORK_FIELDS} } }`,
    {
      r: [{ __typename: "Network", id }],
      id,
    },
  );
  expect(data.networkFromOwner).toEqual(data._entities[0]);
  return data._entities[0];
}

const M = {
  createNetwork: `mutation($input: CreateNetworkInput!, $key: String!) { createNetwork(input: $input, idempotencyKey: $key) { id title type } }`,
  updateNetwork: `mutation($id: ID!, $input: UpdateNetworkInput!, $key: String!) { updateNetwork(id: $id, input: $input, idempotencyKey: $key) { id meets website } }`,
  deleteNetwork: `mutation($id: ID!, $key: String!) { deleteNetwork(id: $id, idempotencyKey: $key) { id } }`,
  addEvent: `mutation($networkId: ID!, $input: EventInput!, $key: String!) { addEvent(networkId: $networkId, input: $input, idempotencyKey: $key) { network { id } event { id title format } } }`,
  joinNetwork: `mutation($networkId: ID!, $input: JoinNetworkInput!, $key: String!) { joinNetwork(networkId: $networkId, input: $input, idempotencyKey: $key) { id memberCount } }`,
  leaveNetwork: `mutation($networkId: ID!, $key: String!) { leaveNetwork(networkId: $networkId, idempotencyKey: $key) { id memberCount } }`,
};
type MutationName = keyof typeof M;

async function fresh(title = "Dorset deputy managers"): Promise<string> {
  const data = await ok("editor", M.createNetwork, {
    input: { title, type: "REGISTERED_MANAGER_NETWORK", region: "south-west", settings: ["care-homes"] },
    key: key(),
  });
  return data.createNetwork.id;
}

const JOIN = { name: "Jo Adeyemi", role: "Deputy manager", expertise: ["falls prevention"], offersDataAnalysis: true };

interface Case {
  /** Any signed-in user may make it (for themselves); otherwise editors of the organisation only. */
  selfService?: boolean;
  vars(networkId: string): Promise<Record<string, unknown>>;
  other(v: Record<string, unknown>): Record<string, unknown>;
  bad(v: Record<string, unknown>): { vars: Record<string, unknown>; path: string[] };
  seen(data: any, v: Record<string, unknown>, as: Caller): Promise<void>;
}

const networkOf = (v: Record<string, unknown>) => (v.networkId ?? v.id) as string;

const CASES: Record<MutationName, Case> = {
  createNetwork: {
    vars: async () => ({
      input: {
        title: "Poole activity coordinators",
        type: "PRACTITIONER_NETWORK",
        topics: ["peer-learning"],
        website: "https://example.org/poole",
        meets: "Quarterly",
      },
    }),
    other: (v) => ({ input: { ...(v.input as object), meets: "Monthly" } }),
    bad: (v) => ({
      vars: { input: { ...(v.input as object), website: "javascript:alert(1)" } },
      path: ["input", "website"],
    }),
    seen: async (data) => {
      expect(data.createNetwork).toMatchObject({ title: "Poole activity coordinators", type: "PRACTITIONER_NETWORK" });
      expect(await read(data.createNetwork.id)).toMatchObject({
        website: "https://example.org/poole",
        meets: "Quarterly",
        memberCount: 0,
      });
    },
  },
  updateNetwork: {
    vars: async (id) => ({ id, input: { meets: "Every other month, online", website: "https://example.org/dorset" } }),
    other: (v) => ({ ...v, input: { meets: "Weekly" } }),
    bad: (v) => ({ vars: { ...v, input: { region: "atlantis" } }, path: ["input", "region"] }),
    seen: async (data, v) => {
      expect(data.updateNetwork).toMatchObject({
        meets: "Every other month, online",
        website: "https://example.org/dorset",
      });
      expect(await read(networkOf(v))).toMatchObject({
        title: "Dorset deputy managers",
        meets: "Every other month, online",
        region: { id: "south-west" },
      });
    },
  },
  deleteNetwork: {
    vars: async (id) => ({ id }),
    other: () => ({ id: `${PARTNER}:network:new-managers` }),
    bad: () => ({ vars: { id: "slpsc:network:maternity-cop" }, path: ["id"] }),
    seen: async (data, v) => {
      expect(data.deleteNetwork.id).toBe(v.id);
      expect(await read(networkOf(v))).toBeNull();
    },
  },
  addEvent: {
    vars: async (networkId) => ({
      networkId,
      input: {
        title: "Managing a CQC inspection",
        startsAt: "2026-12-08T10:00:00Z",
        endsAt: "2026-12-08T12:00:00Z",
        format: "ONLINE",
      },
    }),
    other: (v) => ({ ...v, input: { ...(v.input as object), format: "HYBRID" } }),
    bad: (v) => ({
      vars: { ...v, input: { ...(v.input as object), endsAt: "2026-12-08T09:00:00Z" } },
      path: ["input", "endsAt"],
    }),
    seen: async (data, v) => {
      expect(data.addEvent.event).toMatchObject({ title: "Managing a CQC inspection", format: "ONLINE" });
      expect((await read(networkOf(v))).events).toEqual([
        {
          id: data.addEvent.event.id,
          title: "Managing a CQC inspection",
          startsAt: "2026-12-08T10:00:00.000Z",
          endsAt: "2026-12-08T12:00:00.000Z",
          format: "ONLINE",
          attendance: null,
        },
      ]);
    },
  },
  joinNetwork: {
    selfService: true,
    vars: async (networkId) => ({ networkId, input: JOIN }),
    other: (v) => ({ ...v, input: { ...JOIN, role: "Registered manager" } }),
    bad: (v) => ({
      vars: { ...v, input: { ...JOIN, expertise: ["x".repeat(101)] } },
      path: ["input", "expertise", "0"],
    }),
    seen: async (data, v, as) => {
      expect(data.joinNetwork.memberCount).toBe(1);
      const organisation = as === "editor" ? ORG : WHO[as as "joiner"].organisation;
      expect((await read(networkOf(v))).members).toEqual([
        {
          name: "Jo Adeyemi",
          role: "Deputy manager",
          organisation: { id: organisation },
          expertise: ["falls prevention"],
          offersCoaching: false,
          offersDataAnalysis: true,
        },
      ]);
    },
  },
  leaveNetwork: {
    selfService: true,
    vars: async (networkId) => {
      for (const as of ["editor", "viewer", "otherOrganisation", "joiner"] as const)
        await ok(as, M.joinNetwork, { networkId, input: { name: as }, key: key() });
      return { networkId };
    },
    other: () => ({ networkId: `${PARTNER}:network:new-managers` }),
    bad: () => ({ vars: { networkId: "new-managers" }, path: ["networkId"] }),
    seen: async (data, v, as) => {
      expect(data.leaveNetwork.memberCount).toBe(3);
      expect((await read(networkOf(v))).members.map((m: any) => m.name).sort()).toEqual(
        ["editor", "joiner", "otherOrganisation", "viewer"].filter((n) => n !== as),
      );
    },
  },
};

describe.each(Object.entries(CASES))("%s", { timeout: 60_000 }, (name, c) => {
  const doc = M[name as MutationName];

  it("succeeds, and a following read shows it", async () => {
    const v = await c.vars(await fresh());
    await c.seen(await ok("editor", doc, { ...v, key: key() }), v, "editor");
  });

  it("refuses bad input with BAD_USER_INPUT naming the path, and writes nothing", async () => {
    const v = await c.vars(await fresh());
    const bad = c.bad(v);
    const before = await snapshot();
    const body = await gql("editor", doc, { ...bad.vars, key: key() });
    expect(codeOf(body)).toBe("BAD_USER_INPUT");
    expect(body.errors[0].extensions.argumentPath).toEqual(bad.path);
    expect(await snapshot()).toEqual(before);
  });

  it("answers a retry with the same key as the first time and writes nothing; the key with other arguments is refused", async () => {
    const v = await c.vars(await fresh());
    const k = key();
    const first = await ok("editor", doc, { ...v, key: k });
    const before = await snapshot();
    expect(await ok("editor", doc, { ...v, key: k })).toEqual(first);
    expect(await snapshot()).toEqual(before);
    const reused = await gql("editor", doc, { ...c.other(v), key: k });
    expect(codeOf(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await snapshot()).toEqual(before);
  });

  it(`refuses callers who may not write, writing nothing${c.selfService ? "; any signed-in user may, for themselves" : ""}`, async () => {
    const v = await c.vars(await fresh());
    const before = await snapshot();
    const refused: [Caller, string][] = [
      ["unsigned", "UNAUTHENTICATED"],
      ["forged", "UNAUTHENTICATED"],
      ["anonymous", "UNAUTHENTICATED"],
      ["service", "UNAUTHENTICATED"],
      ...(c.selfService
        ? []
        : ([
            ["viewer", "FORBIDDEN"],
            ["otherOrganisation", "FORBIDDEN"],
            ["joiner", "FORBIDDEN"],
          ] as [Caller, string][])),
    ];
    for (const [caller, code] of refused) {
      const body = await gql(caller, doc, { ...v, key: key() });
      expect(codeOf(body), `${caller}: ${JSON.stringify(body.errors)}`).toBe(code);
      expect(body.data?.[name] ?? null).toBeNull();
    }
    expect(await snapshot()).toEqual(before);
    if (c.selfService) await c.seen(await ok("joiner", doc, { ...v, key: key() }), v, "joiner");
  });
});

describe("joinNetwork", () => {
  it("records the user's own organisation and user id; joining again is a no-op that answers the network", async () => {
    const id = await fresh();
    const first = await ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() });
    const rows = await prisma.member.findMany({ where: { networkLocal: id.split(":")[2] } });
    expect(rows).toMatchObject([{ userId: "jo", organisationId: "bridgewater", name: "Jo Adeyemi" }]);
    const again = await ok("joiner", M.joinNetwork, { networkId: id, input: { ...JOIN, name: "Jo A." }, key: key() });
    expect(again).toEqual(first);
    expect(await prisma.member.findMany({ where: { networkLocal: id.split(":")[2] } })).toEqual(rows);
  });

  it("lets each user add only themselves: concurrent joins by two users give two rows, by one user one row", async () => {
    const id = await fresh();
    await Promise.all([
      ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() }),
      ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() }),
      ok("otherOrganisation", M.joinNetwork, { networkId: id, input: { name: "Otto" }, key: key() }),
    ]);
    const rows = await prisma.member.findMany({
      where: { networkLocal: id.split(":")[2] },
      orderBy: { userId: "asc" },
    });
    expect(rows.map((r) => [r.userId, r.organisationId])).toEqual([
      ["jo", "bridgewater"],
      ["otto", "essex-cc"],
    ]);
  });

  it("does not open anything else: a joiner may not change the network", async () => {
    const id = await fresh();
    await ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() });
    expect(codeOf(await gql("joiner", M.updateNetwork, { id, input: { title: "Mine now" }, key: key() }))).toBe(
      "FORBIDDEN",
    );
    expect(
      codeOf(
        await gql("joiner", M.addEvent, {
          networkId: id,
          input: { title: "My event", startsAt: "2026-12-01T10:00:00Z", format: "ONLINE" },
          key: key(),
        }),
      ),
    ).toBe("FORBIDDEN");
    expect((await read(id)).title).toBe("Dorset deputy managers");
  });

  it("answers NOT_FOUND for a network that does not exist, writing nothing", async () => {
    const before = await snapshot();
    const body = await gql("joiner", M.joinNetwork, {
      networkId: `${PARTNER}:network:no-such-network`,
      input: JOIN,
      key: key(),
    });
    expect(codeOf(body)).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });

  it("leaving removes only the caller's own row, and leaving when not a member changes nothing", async () => {
    const id = await fresh();
    await ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() });
    await ok("viewer", M.joinNetwork, { networkId: id, input: { name: "Val" }, key: key() });
    expect(
      (await ok("otherOrganisation", M.leaveNetwork, { networkId: id, key: key() })).leaveNetwork.memberCount,
    ).toBe(2);
    expect((await ok("joiner", M.leaveNetwork, { networkId: id, key: key() })).leaveNetwork.memberCount).toBe(1);
    expect((await read(id)).members.map((m: any) => m.name)).toEqual(["Val"]);
  });
});

const FEED = `query($after: String) { networkFeed(after: $after, first: 500) { entries { id removed node { id } } endCursor } }`;

describe("membership is the whole user", () => {
  it("the joiner's subject for another organisation or issuer cannot leave for them, and joins as someone else", async () => {
    const id = await fresh();
    const local = id.split(":")[2];
    await ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() });
    for (const as of ["joOfOtherOrganisation", "joOfOtherIssuer"] as const) {
      expect((await ok(as, M.leaveNetwork, { networkId: id, key: key() })).leaveNetwork.memberCount, as).toBe(1);
    }
    const rows = await prisma.member.findMany({ where: { networkLocal: local } });
    expect(rows.map((r) => [r.userIssuer, r.userOrganisation, r.userId])).toEqual([[ISSUER, "bridgewater", "jo"]]);
    // Joining, they are a member of their own: three rows, one per user.
    await ok("joOfOtherIssuer", M.joinNetwork, { networkId: id, input: { name: "Another Jo" }, key: key() });
    await ok("joOfOtherOrganisation", M.joinNetwork, { networkId: id, input: { name: "Jo of Essex" }, key: key() });
    expect(await prisma.member.count({ where: { networkLocal: local, userId: "jo" } })).toBe(3);
    // The joiner leaving removes their row only.
    expect((await ok("joiner", M.leaveNetwork, { networkId: id, key: key() })).leaveNetwork.memberCount).toBe(2);
  });
});

describe("the change feed", () => {
  it("carries a new network at once (networks have no drafts) and a deleted one as a removal", async () => {
    const { endCursor } = (await ok("anonymous", FEED)).networkFeed;
    const id = await fresh("A network for the feed");
    expect((await ok("anonymous", FEED, { after: endCursor })).networkFeed.entries).toEqual([
      { id, removed: false, node: { id } },
    ]);
    await ok("editor", M.deleteNetwork, { id, key: key() });
    const entries = (await ok("anonymous", FEED, { after: endCursor })).networkFeed.entries;
    expect(entries.at(-1)).toEqual({ id, removed: true, node: null });
  });
});

const AUDIT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Network { id auditTrail { at actor mutation item changes } } } }`;

describe("the audit trail", () => {
  it("lists every write, joins by other organisations included, newest first, for members of the owning organisation only", async () => {
    const id = await fresh();
    await ok("joiner", M.joinNetwork, { networkId: id, input: JOIN, key: key() });
    await ok("editor", M.updateNetwork, { id, input: { meets: "Monthly" }, key: key() });
    const trail = (await ok("viewer", AUDIT, { r: [{ __typename: "Network", id }] }))._entities[0].auditTrail;
    expect(trail.map((e: any) => [e.mutation, e.actor, e.item])).toEqual([
      ["updateNetwork", "pat@partners-in-care", id],
      ["joinNetwork", "jo@bridgewater", id],
      ["createNetwork", "pat@partners-in-care", id],
    ]);
    expect(JSON.parse(trail[0].changes)).toEqual({ meets: "Monthly" });
    expect(JSON.parse(trail[1].changes)).toMatchObject({
      members: { joined: { userId: "jo", organisation: "bridgewater", name: "Jo Adeyemi" } },
    });
    for (const caller of ["anonymous", "joiner", "otherOrganisation"] as const) {
      const body = await gql(caller, AUDIT, { r: [{ __typename: "Network", id }] });
      expect(codeOf(body), caller).toBe("FORBIDDEN");
      expect(body.data._entities[0].auditTrail).toBeNull();
    }
  });

  it("is append-only: the database refuses UPDATE and DELETE on it", async () => {
    await fresh();
    const count = await prisma.auditEntry.count();
    await expect(prisma.$executeRawUnsafe(`UPDATE "AuditEntry" SET "changes" = '{}'::jsonb`)).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE true`)).rejects.toThrow(/append-only/);
    expect(await prisma.auditEntry.count()).toBe(count);
  });
});

// PostgreSQL cannot store a NUL character, and a lone surrogate is not Unicode at all: both used to
// reach the database and come back as INTERNAL_SERVER_ERROR. They are refused at the edge.
describe("text a database cannot store", () => {
  it.each([
    ["a NUL character", "Poole\u0000network"],
    ["a lone surrogate", "Poole \uD83D network"],
  ])("%s in a title or any text field is BAD_USER_INPUT naming the path, and writes nothing", async (_what, bad) => {
    const before = await snapshot();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: bad, type: "PRACTITIONER_NETWORK" }, ["input", "title"]],
      [{ title: "Poole", type: "PRACTITIONER_NETWORK", meets: bad }, ["input", "meets"]],
    ];
    for (const [input, path] of cases) {
      const body = await gql("editor", M.createNetwork, { input, key: key() });
      expect(codeOf(body), JSON.stringify(body.errors)).toBe("BAD_USER_INPUT");
      expect(body.errors[0].extensions.argumentPath).toEqual(path);
      expect(body.errors[0].message).toMatch(/NUL characters or unpaired surrogates/);
    }
    expect(await snapshot()).toEqual(before);
  });
});
