// The demo data: every partner's seed file is valid for its kind, belongs to a registry partner,
// links only to items that exist, tells the seed text's four case studies, and says its numbers are
// made up.
import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { DEFAULT_REGISTRY_FILE, loadRegistry } from "../../lib/registry/registry.ts";
import { formatId, parseId } from "../../schema/ids.ts";
import { PARTNER_KINDS, type PartnerKind } from "../../schema/kinds.ts";
import { resourcesSeedFile, type ResourcesSeed } from "../../subgraphs/resources/seed-schema.ts";
import { networksSeedFile, type NetworksSeed } from "../../subgraphs/networks/seed-schema.ts";
import { projectsSeedFile, type ProjectsSeed } from "../../subgraphs/projects/seed-schema.ts";

const registry = loadRegistry(DEFAULT_REGISTRY_FILE, "http://127.0.0.1:{port}/graphql");

const SCHEMAS: Record<PartnerKind, z.ZodType> = {
  resources: resourcesSeedFile,
  networks: networksSeedFile,
  projects: projectsSeedFile,
};

const seedDir = (kind: PartnerKind) => fileURLToPath(new URL(`../../subgraphs/${kind}/seed/`, import.meta.url));

function seedFiles(kind: PartnerKind): { partner: string; file: string }[] {
  const dir = seedDir(kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ partner: basename(f, ".json"), file: join(dir, f) }));
}

function parsed<T>(kind: PartnerKind, file: string): T {
  const result = SCHEMAS[kind].safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!result.success) {
    throw new Error(`${file}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data as T;
}

/** The files of a kind that parse; one that does not fails its own "parses" test below. */
function loaded<T>(kind: PartnerKind): { partner: string; seed: T }[] {
  return seedFiles(kind).flatMap(({ partner, file }) => {
    try {
      return [{ partner, seed: parsed<T>(kind, file) }];
    } catch {
      return [];
    }
  });
}

const resources = loaded<ResourcesSeed>("resources");
const networks = loaded<NetworksSeed>("networks");
const projects = loaded<ProjectsSeed>("projects");

/** Every global id the seed files define, by kind. */
const existing: Record<PartnerKind, Set<string>> = {
  resources: new Set(
    resources.flatMap(({ partner, seed }) => seed.resources.map((r) => formatId(partner, "resources", r.local))),
  ),
  networks: new Set(
    networks.flatMap(({ partner, seed }) => seed.networks.map((n) => formatId(partner, "networks", n.local))),
  ),
  projects: new Set(
    projects.flatMap(({ partner, seed }) => seed.projects.map((p) => formatId(partner, "projects", p.local))),
  ),
};

const allFiles = PARTNER_KINDS.flatMap((kind) =>
  seedFiles(kind).map(({ partner, file }) => [kind, partner, file] as const),
);

describe("seed files", () => {
  it("exist for every partner kind", () => {
    for (const kind of PARTNER_KINDS) expect(seedFiles(kind).length, kind).toBeGreaterThan(0);
  });

  it.each(allFiles)("%s/seed/%s.json parses with its kind's schema", (kind, _partner, file) => {
    expect(() => parsed(kind, file)).not.toThrow();
  });

  it.each(allFiles)("%s/seed/%s.json is named after a registry partner of that kind", (kind, partner) => {
    const entry = registry.get(partner);
    expect(entry, `no partner ${partner} in schema/partners.json`).toBeDefined();
    expect(entry?.kind).toBe(kind);
  });

  it("uses each local id once per partner", () => {
    const dupes: string[] = [];
    const check = (partner: string, locals: string[]) =>
      locals.forEach((l, i) => {
        if (locals.indexOf(l) !== i) dupes.push(`${partner}:${l}`);
      });
    for (const { partner, seed } of resources)
      check(
        partner,
        seed.resources.map((r) => r.local),
      );
    for (const { partner, seed } of networks)
      check(
        partner,
        seed.networks.map((n) => n.local),
      );
    for (const { partner, seed } of projects)
      check(
        partner,
        seed.projects.map((p) => p.local),
      );
    expect(dupes).toEqual([]);
  });
});

describe("cross-references between partners", () => {
  /** [from, to, expected kind] for every reference a seed file makes. */
  const references: [string, string, PartnerKind][] = [
    ...projects.flatMap(({ partner, seed }) =>
      seed.projects.flatMap((p) => {
        const from = formatId(partner, "projects", p.local);
        return [
          ...(p.network ? [[from, p.network, "networks"] as [string, string, PartnerKind]] : []),
          ...p.resources.map((r) => [from, r.resource, "resources"] as [string, string, PartnerKind]),
        ];
      }),
    ),
    ...networks.flatMap(({ partner, seed }) =>
      seed.networks.flatMap((n) =>
        n.linkedNetworks.map(
          (l) => [formatId(partner, "networks", n.local), l, "networks"] as [string, string, PartnerKind],
        ),
      ),
    ),
  ];

  it("exist (the demo links projects to networks and resources)", () => {
    expect(references.length).toBeGreaterThan(0);
  });

  it("name an item of the right kind that exists in the owning partner's seed file", () => {
    const dangling = references
      .filter(([, to, kind]) => parseId(to)?.kind !== kind || !existing[kind].has(to))
      .map(([from, to]) => `${from} → ${to}`);
    expect(dangling).toEqual([]);
  });

  it("name partners of the registry", () => {
    const unknown = references.map(([, to]) => parseId(to)?.partner).filter((p) => !p || !registry.get(p));
    expect(unknown).toEqual([]);
  });

  it("never link a network to itself", () => {
    const self = references.filter(([from, to]) => from === to);
    expect(self).toEqual([]);
  });
});

describe("the seed text's four case studies", () => {
  const textOf = (p: ProjectsSeed["projects"][number]) =>
    [p.title, p.summary, p.aim, ...p.learning.map((l) => l.text)].join("\n");

  it.each([
    ["essex-cc", "falls"],
    ["maternity-cop", "postpartum haemorrhage"],
    ["bridgewater", "Expert in Me"],
    ["pic-projects", "Registered Manager"],
  ])("%s has a project about %s", (partner, phrase) => {
    const own = projects.find((p) => p.partner === partner);
    expect(own, `no seed file subgraphs/projects/seed/${partner}.json`).toBeDefined();
    const matching = own!.seed.projects.filter((p) => textOf(p).includes(phrase));
    expect(matching.length, `no ${partner} project mentions "${phrase}"`).toBeGreaterThan(0);
  });
});

describe("measures", () => {
  const measures = projects.flatMap(({ partner, seed }) =>
    seed.projects.flatMap((p) =>
      p.measures.map((m) => ({ id: `${formatId(partner, "projects", p.local)} / ${m.name}`, measure: m })),
    ),
  );

  it("exist in the demo data", () => {
    expect(measures.length).toBeGreaterThan(0);
  });

  it("are all marked illustrative (the demo's numbers are made up)", () => {
    expect(measures.filter(({ measure }) => measure.illustrative !== true).map(({ id }) => id)).toEqual([]);
  });

  it("have data points in date order", () => {
    const unordered = measures
      .filter(({ measure }) => measure.points.some((pt, i) => i > 0 && pt.date < measure.points[i - 1]!.date))
      .map(({ id }) => id);
    expect(unordered).toEqual([]);
  });
});
