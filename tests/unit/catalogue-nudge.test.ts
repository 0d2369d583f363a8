// The gateway's wait for the national index after a write (gateway/catalogue-nudge.ts), against a
// real HTTP server standing in for the catalogue's POST /admin/harvest: a write's answer waits for
// the written partner's harvest, never longer than its bound, never fails when the catalogue is down,
// and a burst of writes costs a few harvest requests, not one each.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { CatalogueNudge } from "../../gateway/catalogue-nudge.ts";
import { Registry } from "../../lib/registry/registry.ts";

/** How the stand-in catalogue answers: after `delayMs`, or never when `hang`. */
let behaviour: { delayMs: number; hang?: boolean } = { delayMs: 0 };
let requests: string[] = [];
const pending: ServerResponse[] = [];

const server = createServer((req, res) => {
  requests.push(req.url ?? "");
  req.resume();
  if (behaviour.hang) return void pending.push(res);
  setTimeout(() => res.end('{"type":"summary"}\n'), behaviour.delayMs);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;

const registryAt = (catalogueUrl: string) =>
  new Registry(
    [
      {
        id: "national-catalogue",
        name: "Catalogue",
        organisation: "nhs-england",
        kind: "catalogue",
        port,
        region: "national",
        enabled: true,
        url: catalogueUrl,
      },
    ],
    "http://unused:{port}/graphql",
  );
const live = registryAt(`http://127.0.0.1:${port}/graphql`);
const nudge = (waitMs: number, registry = live) =>
  new CatalogueNudge({ registry: () => registry, logger: pino({ level: "silent" }), waitMs });

beforeEach(() => {
  behaviour = { delayMs: 0 };
  requests = [];
});
afterAll(async () => {
  for (const res of pending) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("the wait for the national index after a write", () => {
  it("asks the catalogue to harvest the written partner, and waits until it has", async () => {
    behaviour = { delayMs: 150 };
    const started = performance.now();
    await nudge(5000).indexed("essex-cc");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(requests).toEqual(["/admin/harvest?partner=essex-cc"]);
  });

  it("answers at its bound when the catalogue does not answer", async () => {
    behaviour = { delayMs: 0, hang: true };
    const started = performance.now();
    await nudge(200).indexed("essex-cc");
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(2000);
  });

  it("does not fail or wait when the catalogue is down", async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const closed = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const started = performance.now();
    await expect(
      nudge(5000, registryAt(`http://127.0.0.1:${closed}/graphql`)).indexed("essex-cc"),
    ).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("turns a burst of writes to one partner into at most two requests at a time, each write waiting for a harvest asked after it", async () => {
    behaviour = { delayMs: 100 };
    const n = nudge(5000);
    // 50 writes at once: one request goes now, the other 49 share the one after it (the harvest
    // answering the first may have read the partner before their writes).
    await Promise.all(Array.from({ length: 50 }, () => n.indexed("essex-cc")));
    expect(requests).toHaveLength(2);
    // Another partner's writes are asked for on their own.
    await Promise.all([n.indexed("essex-cc"), n.indexed("improvement-hub")]);
    expect(requests.slice(2).sort()).toEqual([
      "/admin/harvest?partner=essex-cc",
      "/admin/harvest?partner=improvement-hub",
    ]);
    await n.settled();
  });

  it("with a bound of 0 asks for the harvest without waiting for it", async () => {
    behaviour = { delayMs: 300 };
    const n = nudge(0);
    const started = performance.now();
    await n.indexed("essex-cc");
    expect(performance.now() - started).toBeLessThan(100);
    await n.settled();
    expect(requests).toEqual(["/admin/harvest?partner=essex-cc"]);
  });
});
