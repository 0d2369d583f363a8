// The partner registry (schema/partners.json) and the organisation directory it points into.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  DEFAULT_REGISTRY_FILE,
  loadRegistry,
  parseRegistry,
  Registry,
  type PartnerEntry,
} from "../../lib/registry/registry.ts";
import { PARTNER_KINDS } from "../../schema/kinds.ts";
import { contractEnum } from "../../schema/contracts.ts";
import { REGION_IDS } from "../../schema/vocabulary.ts";
import organisations from "../../schema/organisations.json" with { type: "json" };

const TEMPLATE = "http://127.0.0.1:{port}/graphql";
const committed = JSON.parse(readFileSync(DEFAULT_REGISTRY_FILE, "utf8")) as { partners: Record<string, unknown>[] };

const entry = (over: Partial<PartnerEntry> & { id: string; port: number }): PartnerEntry => ({
  name: `Partner ${over.id}`,
  organisation: "nhs-england",
  kind: "resources",
  region: "national",
  enabled: true,
  ...over,
});

/** A small valid registry file to break one way at a time. */
function validFile(): { partners: Record<string, unknown>[] } {
  return {
    partners: [
      { id: "cat", name: "Catalogue", organisation: "nhs-england", kind: "catalogue", port: 5000, region: "national" },
      { id: "hub", name: "Hub", organisation: "nhs-england", kind: "resources", port: 5001, region: "national" },
      { id: "net", name: "Net", organisation: "slpsc", kind: "networks", port: 5002, region: "london" },
    ],
  };
}

function parseError(json: unknown): string {
  try {
    parseRegistry(json, TEMPLATE);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("parseRegistry accepted an invalid registry");
}

describe("the committed registry (schema/partners.json)", () => {
  const registry = loadRegistry(DEFAULT_REGISTRY_FILE, TEMPLATE);

  it("parses", () => {
    expect(() => parseRegistry(committed, TEMPLATE)).not.toThrow();
    expect(registry.partners.length).toBe(committed.partners.length);
  });

  it.each(PARTNER_KINDS.map((k) => [k]))("has at least two enabled %s partners", (kind) => {
    expect(registry.ofKind(kind).length).toBeGreaterThanOrEqual(2);
  });

  it("has exactly one catalogue", () => {
    expect(registry.partners.filter((p) => p.kind === "catalogue")).toHaveLength(1);
    expect(registry.catalogue().kind).toBe("catalogue");
  });

  it("names only organisations of schema/organisations.json", () => {
    const known = new Set(organisations.organisations.map((o) => o.id));
    expect(
      registry.partners.filter((p) => !known.has(p.organisation)).map((p) => `${p.id} → ${p.organisation}`),
    ).toEqual([]);
  });

  it("builds each partner's URL from the template and its port", () => {
    for (const p of registry.partners) expect(p.url).toBe(`http://127.0.0.1:${p.port}/graphql`);
  });
});

describe("parseRegistry", () => {
  it("accepts a valid file and defaults enabled to true", () => {
    const registry = parseRegistry(validFile(), TEMPLATE);
    expect(registry.partners.map((p) => p.id)).toEqual(["cat", "hub", "net"]);
    expect(registry.partners.every((p) => p.enabled)).toBe(true);
  });

  it("rejects a duplicate partner id, naming the second entry", () => {
    const file = validFile();
    file.partners[2] = { ...file.partners[2], id: "hub" };
    const message = parseError(file);
    expect(message).toMatch(/invalid partner registry/);
    expect(message).toContain("partners.2.id: duplicate partner id hub");
  });

  it("rejects a duplicate port, naming the second entry", () => {
    const file = validFile();
    file.partners[2] = { ...file.partners[2], port: 5001 };
    expect(parseError(file)).toContain("partners.2.port: duplicate port 5001");
  });

  it("takes a partner's default licence from the licence list, and refuses one outside it", () => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], defaultLicence: "CC-BY-4.0" };
    expect(parseRegistry(file, TEMPLATE).get("hub")?.defaultLicence).toBe("CC-BY-4.0");
    file.partners[1] = { ...file.partners[1], defaultLicence: "GPL-3.0-or-later" };
    const message = parseError(file);
    expect(message).toContain("partners.1.defaultLicence");
    expect(message).toContain("OGL-UK-3.0");
  });

  it("rejects an organisation missing from schema/organisations.json", () => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], organisation: "acme-health" };
    const message = parseError(file);
    expect(message).toContain("partners.1.organisation");
    expect(message).toContain("unknown organisation");
  });

  it("rejects an unknown kind", () => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], kind: "widgets" };
    expect(parseError(file)).toContain("partners.1.kind");
  });

  it("rejects two enabled catalogues", () => {
    const file = validFile();
    file.partners.push({
      id: "cat2",
      name: "Second",
      organisation: "nhs-england",
      kind: "catalogue",
      port: 5003,
      region: "national",
    });
    const message = parseError(file);
    expect(message).toContain("partners: exactly one enabled catalogue partner is required");
  });

  it("rejects a registry without a catalogue", () => {
    const file = validFile();
    file.partners.shift();
    expect(parseError(file)).toContain("exactly one enabled catalogue partner is required");
  });

  it("accepts a second catalogue that is disabled", () => {
    const file = validFile();
    file.partners.push({
      id: "cat2",
      name: "Old",
      organisation: "nhs-england",
      kind: "catalogue",
      port: 5003,
      region: "national",
      enabled: false,
    });
    expect(parseRegistry(file, TEMPLATE).catalogue().id).toBe("cat");
  });

  it.each([
    ["an uppercase id", { id: "Hub" }, "partners.1.id"],
    ["a port out of range", { port: 70000 }, "partners.1.port"],
    ["an unknown region", { region: "atlantis" }, "partners.1.region"],
    ["an unexpected field", { colour: "blue" }, "partners.1"],
    ["a url that is not a URL", { url: "not a url" }, "partners.1.url"],
    // Each of these parsed as a URL and took its partner offline.
    [
      "a url with a misspelt scheme",
      { url: "htp:/not a url" },
      "partners.1.url: must be an http:// or https:// URL with a host",
    ],
    ["a url of another scheme", { url: "ftp://hub.example.org/graphql" }, "partners.1.url: must be an http"],
    ["a file url", { url: "file:///etc/passwd" }, "partners.1.url: must be an http"],
    ["a url without a host", { url: "http:///graphql" }, "partners.1.url: must be an http"],
    ["a url whose host the parser would invent", { url: "http:/hub/graphql" }, "partners.1.url: must be an http"],
  ])("rejects %s", (_what, change, path) => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], ...change };
    expect(parseError(file)).toContain(path);
  });

  it.each([
    ["https://hub.example.org/graphql"],
    ["http://resources-a:4111/graphql"],
    ["http://127.0.0.1:5001/graphql"],
  ])("accepts the url %s", (url) => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], url };
    expect(parseRegistry(file, TEMPLATE).get("hub")?.url).toBe(url);
  });

  it("reports every problem, not only the first", () => {
    const file = validFile();
    file.partners[1] = { ...file.partners[1], organisation: "acme-health" };
    file.partners[2] = { ...file.partners[2], kind: "widgets" };
    const message = parseError(file);
    expect(message).toContain("partners.1.organisation");
    expect(message).toContain("partners.2.kind");
  });
});

describe("Registry", () => {
  it("substitutes {port} and {id} into the URL template, everywhere they occur", () => {
    const registry = new Registry(
      [entry({ id: "hub", port: 4101 })],
      "http://{id}.partners.nhs.test:{port}/{id}/graphql?p={port}",
    );
    expect(registry.get("hub")?.url).toBe("http://hub.partners.nhs.test:4101/hub/graphql?p=4101");
  });

  it("keeps an entry's own url instead of the template", () => {
    const registry = new Registry([entry({ id: "hub", port: 4101, url: "https://hub.example.org/graphql" })], TEMPLATE);
    expect(registry.get("hub")?.url).toBe("https://hub.example.org/graphql");
  });

  it("lists only enabled partners of a kind", () => {
    const registry = new Registry(
      [
        entry({ id: "a", port: 1 }),
        entry({ id: "b", port: 2, enabled: false }),
        entry({ id: "n", port: 3, kind: "networks" }),
      ],
      TEMPLATE,
    );
    expect(registry.ofKind("resources").map((p) => p.id)).toEqual(["a"]);
    expect(registry.get("b")?.enabled).toBe(false);
    expect(registry.get("missing")).toBeUndefined();
  });

  it("throws when there is no enabled catalogue", () => {
    expect(() => new Registry([entry({ id: "a", port: 1 })], TEMPLATE).catalogue()).toThrow(/no enabled catalogue/);
  });

  it("withUrls replaces only the named partners and leaves the original untouched", () => {
    const registry = new Registry(
      [entry({ id: "cat", port: 1, kind: "catalogue" }), entry({ id: "a", port: 2 }), entry({ id: "b", port: 3 })],
      TEMPLATE,
    );
    const moved = registry.withUrls({ a: "http://127.0.0.1:61001/graphql" });
    expect(moved.get("a")?.url).toBe("http://127.0.0.1:61001/graphql");
    expect(moved.get("b")?.url).toBe("http://127.0.0.1:3/graphql");
    expect(moved.get("cat")?.url).toBe("http://127.0.0.1:1/graphql");
    expect(registry.get("a")?.url).toBe("http://127.0.0.1:2/graphql");
    expect(moved.partners.map((p) => [p.id, p.kind, p.enabled, p.port])).toEqual(
      registry.partners.map((p) => [p.id, p.kind, p.enabled, p.port]),
    );
  });

  it("withUrls ignores ids that are not partners", () => {
    const registry = new Registry([entry({ id: "a", port: 2 })], TEMPLATE);
    const moved = registry.withUrls({ ghost: "http://127.0.0.1:9/graphql" });
    expect(moved.partners.map((p) => p.id)).toEqual(["a"]);
    expect(moved.get("ghost")).toBeUndefined();
  });
});

describe("schema/organisations.json", () => {
  const all = organisations.organisations;

  it("lists the thirteen organisations of the National Improvement and Leadership Development Board", () => {
    const board = all.filter((o) => o.boardMember).map((o) => o.id);
    expect(board).toHaveLength(13);
    expect([...board].sort()).toEqual(
      [
        "cqc",
        "dhsc",
        "hee",
        "lga",
        "nice",
        "nhs-clinical-commissioners",
        "nhs-confederation",
        "nhs-england",
        "nhs-improvement",
        "nhs-leadership-academy",
        "nhs-providers",
        "phe",
        "skills-for-care",
      ].sort(),
    );
  });

  it("names the board organisations as the seed's resource list does", () => {
    const names = new Map(all.map((o) => [o.id, o.name]));
    expect(names.get("cqc")).toBe("Care Quality Commission");
    expect(names.get("hee")).toBe("Health Education England");
    expect(names.get("lga")).toBe("Local Government Association");
    expect(names.get("nhs-clinical-commissioners")).toBe("NHS Clinical Commissioners");
    expect(names.get("phe")).toBe("Public Health England");
    expect(names.get("skills-for-care")).toBe("Skills for Care");
  });

  it("uses only OrganisationType values declared in schema/catalogue.graphql", () => {
    const types = new Set(contractEnum("catalogue", "OrganisationType"));
    expect(all.filter((o) => !types.has(o.type)).map((o) => `${o.id}: ${o.type}`)).toEqual([]);
  });

  it("uses only known regions", () => {
    const regions = new Set<string>(REGION_IDS);
    expect(all.filter((o) => o.region !== null && !regions.has(o.region)).map((o) => o.id)).toEqual([]);
  });

  it("has unique ids", () => {
    const ids = all.map((o) => o.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});
