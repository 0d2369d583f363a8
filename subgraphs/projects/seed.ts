// Fills an empty projects database from subgraphs/projects/seed/<partner>.json, in one transaction.
// A database whose projects were all deleted (it holds tombstones) is not empty: it is not reseeded.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "./generated/prisma/client.ts";
import type { OpenedDatabase } from "../../lib/db/open.ts";
import type { Partner } from "../../lib/registry/registry.ts";
import { readSeedFile } from "../shared/seed-file.ts";
import { day } from "../shared/values.ts";
import { projectsSeedFile, type ProjectsSeed } from "./seed-schema.ts";

export async function seedProjects(db: OpenedDatabase<PrismaClient>, partner: Partner): Promise<number> {
  if ((await db.prisma.project.count()) > 0 || (await db.prisma.tombstone.count()) > 0) return 0;
  const seed = readSeedFile("projects", partner.id, projectsSeedFile);
  if (!seed) return 0;
  await writeProjects(db.prisma, seed.projects);
  return seed.projects.length;
}

/** Writes whole projects (with their children) in one transaction: all of them or none. A re-created local id loses its tombstone. */
export async function writeProjects(prisma: PrismaClient, projects: ProjectsSeed["projects"]): Promise<void> {
  const measures = projects.flatMap((p) =>
    p.measures.map((m, position) => ({ ...m, id: randomUUID(), position, projectLocal: p.local })),
  );
  await prisma.$transaction(async (tx) => {
    await tx.project.createMany({
      data: projects.map((p) => ({
        local: p.local,
        title: p.title,
        summary: p.summary,
        aim: p.aim,
        status: p.status,
        settings: p.settings,
        topics: p.topics,
        drivers: p.drivers,
        regionId: p.region,
        startedOn: day(p.startedOn),
        endedOn: day(p.endedOn),
        networkId: p.network,
        outcomes: p.outcomes,
        evaluatorId: p.evaluation?.evaluator,
        evaluationSummary: p.evaluation?.summary,
        evaluationQuote: p.evaluation?.quote,
      })),
    });
    await tx.teamMember.createMany({
      data: projects.flatMap((p) => p.team.map((t, position) => ({ ...t, position, projectLocal: p.local }))),
    });
    await tx.funding.createMany({
      data: projects.flatMap((p) =>
        p.funding.map((f) => ({ funderId: f.funder, programme: f.programme, projectLocal: p.local })),
      ),
    });
    await tx.resourceLink.createMany({
      data: projects.flatMap((p) =>
        p.resources.map((r) => ({ resourceId: r.resource, relation: r.relation, note: r.note, projectLocal: p.local })),
      ),
    });
    await tx.measure.createMany({ data: measures.map(({ points: _p, ...m }) => m) });
    await tx.dataPoint.createMany({
      data: measures.flatMap((m) =>
        m.points.map((pt) => ({
          measureId: m.id,
          date: day(pt.date)!,
          value: pt.value,
          note: pt.note,
          numerator: pt.numerator ?? null,
          denominator: pt.denominator ?? null,
        })),
      ),
    });
    await tx.pdsaCycle.createMany({
      data: projects.flatMap((p) =>
        p.pdsaCycles.map(({ startedOn, endedOn, ...c }) => ({
          ...c,
          startedOn: day(startedOn),
          endedOn: day(endedOn),
          projectLocal: p.local,
        })),
      ),
    });
    await tx.progressScore.createMany({
      data: projects.flatMap((p) =>
        p.progress.map((x) => ({
          projectLocal: p.local,
          score: x.score,
          recordedOn: day(x.recordedOn)!,
          note: x.note,
        })),
      ),
    });
    await tx.learning.createMany({
      data: projects.flatMap((p) => p.learning.map((l, position) => ({ ...l, position, projectLocal: p.local }))),
    });
    await tx.tombstone.deleteMany({ where: { local: { in: projects.map((p) => p.local) } } });
  });
}
