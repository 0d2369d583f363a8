// The gateway's transport for a partner kind, against real HTTP partners on ephemeral ports: one
// `_entities` batch is split by owner, each owner is called once, answers come back in the batch's
// order, and a partner that is unknown, slow or down costs only its own items (plus one error).
import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { OwnerRoutingDataSource } from "../../gateway/owner-routing-data-source.ts";
import { GraphQLError } from "graphql";
import { ErrorCode, maskError } from "../../lib/errors.ts";
import { Registry, type PartnerEntry } from "../../lib/registry/registry.ts";

const QUERY = "query($representations:[_Any!]!){_entities(representations:$representations){... on Resource{id}}}";
const TIMEOUT_MS = 300;

type Rep = { __typename: string; id: string };
type Received = { partner: string; representations: Rep[]; variables: Record<string, unknown> };

/** Every request any partner server received, in arrival order. */
let received: Received[] = [];
const servers: Server[] = [];

function readJson(req: IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
}

/**
 * A partner that answers every representation with `{ __typename, id, from }`, except ids whose
 * local part starts with "missing": those are null with a NOT_FOUND error at their batch index.
 */
function partnerHandler(name: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const representations = (body.variables?.representations ?? []) as Rep[];
    received.push({ partner: name, representations, variables: body.variables ?? {} });
    const errors: unknown[] = [];
    const entities = representations.map((r, i) => {
      if (r.id.split(":")[2]?.startsWith("missing")) {
        errors.push({ message: `No resource ${r.id}`, path: ["_entities", i], extensions: { code: "NOT_FOUND" } });
        return null;
      }
      return { __typename: r.__typename, id: r.id, from: name };
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify(errors.length ? { data: { _entities: entities }, errors } : { data: { _entities: entities } }),
    );
  };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let registry: Registry;

beforeAll(async () => {
  const alpha = await listen(partnerHandler("alpha"));
  const beta = await listen(partnerHandler("beta"));
  const gamma = await listen(partnerHandler("gamma"));
  // Accepts the request, reads it, and never answers.
  const hang = await listen((req) => {
    received.push({ partner: "hang", representations: [], variables: {} });
    req.resume();
  });
  const closed = await closedPort();
  const url = (port: number) => `http://127.0.0.1:${port}/graphql`;
  const entry = (
    id: string,
    kind: PartnerEntry["kind"],
    port: number,
    extra: Partial<PartnerEntry> = {},
  ): PartnerEntry => ({
    id,
    name: id,
    organisation: "nhs-england",
    kind,
    port,
    region: "national",
    enabled: true,
    url: url(port),
    ...extra,
  });
  registry = new Registry(
    [
      entry("national-catalogue", "catalogue", alpha),
      entry("alpha", "resources", alpha),
      entry("beta", "resources", beta),
      entry("gamma", "resources", gamma),
      entry("hang", "resources", hang),
      entry("closed", "resources", closed),
      // Disabled, and pointed at a live server: it must still never be called.
      entry("retired", "resources", alpha, { enabled: false }),
      // A partner of another kind, also pointed at a live server.
      entry("netp", "networks", beta),
    ],
    "http://unused:{port}/graphql",
  );
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

beforeEach(() => {
  received = [];
});

const rep = (id: string): Rep => ({ __typename: "Resource", id });

function processOptions(
  representations: unknown[],
  extraVariables: Record<string, unknown> = {},
): GraphQLDataSourceProcessOptions {
  return {
    kind: "incoming operation" as GraphQLDataSourceProcessOptions["kind"],
    request: { query: QUERY, variables: { ...extraVariables, representations } },
    incomingRequestContext: {},
    context: {},
  } as unknown as GraphQLDataSourceProcessOptions;
}

function dataSource(kind: "resources" | "networks" | "projects" = "resources") {
  return new OwnerRoutingDataSource({
    kind,
    registry: () => registry,
    timeoutMs: TIMEOUT_MS,
    logger: pino({ level: "silent" }),
  });
}

async function fetchEntities(ids: string[], extraVariables?: Record<string, unknown>) {
  const response = await dataSource().process(processOptions(ids.map(rep), extraVariables));
  const entities = (response.data as { _entities: ({ id: string; from: string } | null)[] } | undefined)?._entities;
  if (!entities) throw new Error(`no _entities in ${JSON.stringify(response)}`);
  return { entities, errors: [...(response.errors ?? [])] };
}

describe("OwnerRoutingDataSource", () => {
  it("answers interleaved ids from several partners in the original order", async () => {
    const ids = [
      "alpha:resource:a1",
      "beta:resource:b1",
      "alpha:resource:a2",
      "gamma:resource:g1",
      "beta:resource:b2",
      "alpha:resource:a3",
    ];
    const { entities, errors } = await fetchEntities(ids);
    expect(errors).toEqual([]);
    expect(entities.map((e) => e?.id)).toEqual(ids);
    expect(entities.map((e) => e?.from)).toEqual(["alpha", "beta", "alpha", "gamma", "beta", "alpha"]);
  });

  it("sends each partner only its own representations, in one request, in batch order", async () => {
    await fetchEntities([
      "alpha:resource:a1",
      "beta:resource:b1",
      "alpha:resource:a2",
      "beta:resource:b2",
      "alpha:resource:a3",
    ]);
    const byPartner = (name: string) => received.filter((r) => r.partner === name);
    expect(byPartner("alpha")).toHaveLength(1);
    expect(byPartner("beta")).toHaveLength(1);
    expect(byPartner("gamma")).toHaveLength(0);
    expect(byPartner("alpha")[0]!.representations).toEqual([
      rep("alpha:resource:a1"),
      rep("alpha:resource:a2"),
      rep("alpha:resource:a3"),
    ]);
    expect(byPartner("beta")[0]!.representations).toEqual([rep("beta:resource:b1"), rep("beta:resource:b2")]);
  });

  it("passes the operation's other variables through to each partner", async () => {
    await fetchEntities(["alpha:resource:a1"], { upcomingOnly: true });
    expect(received[0]?.variables).toMatchObject({ upcomingOnly: true });
  });

  it.each([
    ["an unknown partner", "nobody:resource:x1", "nobody"],
    ["a disabled partner", "retired:resource:x2", "retired"],
    ["a partner of another kind", "netp:resource:x3", "netp"],
    ["an id of another kind", "alpha:network:x4", "alpha"],
  ])("answers null and UNKNOWN_PARTNER at the position of %s", async (_what, badId, partner) => {
    const ids = ["alpha:resource:a1", badId, "beta:resource:b1"];
    const { entities, errors } = await fetchEntities(ids);
    expect(entities.map((e) => e?.id ?? null)).toEqual(["alpha:resource:a1", null, "beta:resource:b1"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: ["_entities", 1], extensions: { code: "UNKNOWN_PARTNER", partner } });
    // Nothing was sent anywhere for the bad id.
    expect(received.flatMap((r) => r.representations.map((x) => x.id))).not.toContain(badId);
  });

  it("answers null and UNKNOWN_PARTNER for a value that is not an id", async () => {
    const { entities, errors } = await fetchEntities(["not an id", "alpha:resource:a1"]);
    expect(entities.map((e) => e?.id ?? null)).toEqual([null, "alpha:resource:a1"]);
    expect(errors).toEqual([
      expect.objectContaining({ path: ["_entities", 0], extensions: { code: "UNKNOWN_PARTNER" } }),
    ]);
  });

  it("gives one UNKNOWN_PARTNER error per bad id, each at its own index", async () => {
    const { errors } = await fetchEntities(["nobody:resource:x", "alpha:resource:a1", "retired:resource:y"]);
    expect(errors.map((e) => e.path)).toEqual([
      ["_entities", 0],
      ["_entities", 2],
    ]);
  });

  it("answers without a partner that never responds: its items null, ONE PARTNER_UNAVAILABLE error, within the deadline", async () => {
    const ids = ["hang:resource:h1", "alpha:resource:a1", "hang:resource:h2", "beta:resource:b1", "hang:resource:h3"];
    const started = performance.now();
    const { entities, errors } = await fetchEntities(ids);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 500);
    expect(entities.map((e) => e?.id ?? null)).toEqual([null, "alpha:resource:a1", null, "beta:resource:b1", null]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ extensions: { code: "PARTNER_UNAVAILABLE", partner: "hang" } });
    expect(errors[0]!.message).toContain("hang");
    expect(received.filter((r) => r.partner === "hang")).toHaveLength(1);
  });

  it("answers without a partner whose port is closed: PARTNER_UNAVAILABLE naming it", async () => {
    const { entities, errors } = await fetchEntities(["closed:resource:c1", "gamma:resource:g1", "closed:resource:c2"]);
    expect(entities.map((e) => e?.id ?? null)).toEqual([null, "gamma:resource:g1", null]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ extensions: { code: "PARTNER_UNAVAILABLE", partner: "closed" } });
  });

  it("reports two failed partners with one error each", async () => {
    const { errors } = await fetchEntities([
      "closed:resource:c1",
      "hang:resource:h1",
      "closed:resource:c2",
      "hang:resource:h2",
    ]);
    const unavailable = errors
      .filter((e) => e.extensions?.code === "PARTNER_UNAVAILABLE")
      .map((e) => e.extensions?.partner);
    expect(unavailable.sort()).toEqual(["closed", "hang"]);
  });

  it("moves a partner's own error back to the original index and tags it with the partner", async () => {
    // gamma receives [g1, missing-1] and reports its error at its own _entities index 1.
    const ids = ["alpha:resource:a1", "gamma:resource:g1", "beta:resource:b1", "gamma:resource:missing-1"];
    const { entities, errors } = await fetchEntities(ids);
    expect(entities.map((e) => e?.id ?? null)).toEqual([
      "alpha:resource:a1",
      "gamma:resource:g1",
      "beta:resource:b1",
      null,
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: ["_entities", 3], extensions: { code: "NOT_FOUND", partner: "gamma" } });
  });

  it("moves a partner error reported at its index 0", async () => {
    const ids = ["alpha:resource:a1", "beta:resource:b1", "gamma:resource:missing-0", "gamma:resource:g2"];
    const { errors } = await fetchEntities(ids);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: ["_entities", 2], extensions: { code: "NOT_FOUND", partner: "gamma" } });
  });

  it("refuses a request that is not an entity fetch", async () => {
    const response = await dataSource().process({
      kind: "incoming operation",
      request: { query: "{ resourceFeed { endCursor } }", variables: {} },
      incomingRequestContext: {},
      context: {},
    } as unknown as GraphQLDataSourceProcessOptions);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe("NOT_ROUTABLE");
    expect(received).toEqual([]);
  });

  it("shows the client NOT_ROUTABLE with its message, not a masked internal error, once through the gateway's formatError", async () => {
    const response = await dataSource().process({
      kind: "incoming operation",
      request: { variables: {} },
      incomingRequestContext: {},
      context: {},
    } as unknown as GraphQLDataSourceProcessOptions);
    const [error] = response.errors ?? [];
    const formatted = maskError(
      { message: error!.message, extensions: error!.extensions },
      new GraphQLError(error!.message, { extensions: error!.extensions }),
    );
    expect(formatted).toEqual({
      message: "Empty fetch for the resources kind",
      extensions: { code: ErrorCode.NOT_ROUTABLE },
    });
  });

  it("reads the registry on every request", async () => {
    let current = registry;
    const source = new OwnerRoutingDataSource({
      kind: "resources",
      registry: () => current,
      timeoutMs: TIMEOUT_MS,
      logger: pino({ level: "silent" }),
    });
    const first = await source.process(processOptions([rep("alpha:resource:a1")]));
    expect((first.data as any)._entities[0]).toMatchObject({ from: "alpha" });
    // alpha moves to beta's server: the same data source now calls the new address.
    current = registry.withUrls({ alpha: registry.get("beta")!.url });
    const second = await source.process(processOptions([rep("alpha:resource:a1")]));
    expect((second.data as any)._entities[0]).toMatchObject({ from: "beta" });
  });
});

describe("batches bigger than a partner accepts", () => {
  it("are sent to that partner as several calls of at most its cap, answered in the batch's order", async () => {
    const source = new OwnerRoutingDataSource({
      kind: "resources",
      registry: () => registry,
      timeoutMs: 2000,
      logger: pino({ level: "silent" }),
      maxEntitiesPerCall: 1000,
    });
    const reps = Array.from({ length: 2500 }, (_, i) =>
      rep(i % 5 === 0 ? `beta:resource:r${i}` : `alpha:resource:r${i}`),
    );
    const result = await source.process(processOptions(reps));
    expect(result.errors).toBeUndefined();
    expect((result.data as any)._entities.map((e: any) => e.id)).toEqual(reps.map((r) => r.id));
    const calls = received.map((r) => [r.partner, r.representations.length]);
    // alpha: 2,000 in two calls of 1,000; beta: 500 in one.
    expect(calls.sort()).toEqual([
      ["alpha", 1000],
      ["alpha", 1000],
      ["beta", 500],
    ]);
  });
});
