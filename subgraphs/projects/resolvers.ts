// Thin resolvers: shape rows from data/ into the contract (schema/projects.graphql).
import { isOwner, ownedEntity, ownedLookup } from "../shared/owned-entity.ts";
import { changeEntry, feedReaderOf, versionEntry } from "../shared/change-resolvers.ts";
import { isoDay, isoTime, ref, refs } from "../shared/values.ts";
import { isPublished, projectFeed, projectVersions, type ProjectRow } from "./data/projects.ts";
import { mutations } from "./mutations.ts";
import type { ProjectsContext } from "./context.ts";
import { measureAnalysis } from "./analysis-resolvers.ts";
import { chartResolvers } from "./chart-resolvers.ts";
import { PROGRESS_SCALE } from "../../schema/vocabulary.ts";
import type { Funding, Measure, PdsaCycle, ResourceLink, TeamMember } from "./generated/prisma/client.ts";

const projectFromOwner = ownedLookup("projects", (ctx: ProjectsContext) => ctx.projects.byLocal, isPublished);

export const resolvers = {
  Query: {
    projectFromOwner: (_: unknown, args: { id: string }, ctx: ProjectsContext) => projectFromOwner(args.id, ctx),
    projectFeed: (_: unknown, args: { after?: string; first?: number }, ctx: ProjectsContext) => projectFeed(ctx.prisma, args.after, args.first, feedReaderOf(ctx.caller)),
    projectVersions: (_: unknown, args: { after?: string; first?: number }, ctx: ProjectsContext) => projectVersions(ctx.prisma, args.after, args.first),
  },
  Mutation: mutations,
  ProjectChange: changeEntry("projects"),
  ProjectVersion: versionEntry("projects"),
  Project: {
    ...ownedEntity("projects", (ctx: ProjectsContext) => ctx.projects.byLocal, isPublished),
    settings: (p: ProjectRow) => refs(p.settings),
    topics: (p: ProjectRow) => refs(p.topics),
    drivers: (p: ProjectRow) => refs(p.drivers),
    region: (p: ProjectRow) => ref(p.regionId),
    startedOn: (p: ProjectRow) => isoDay(p.startedOn),
    endedOn: (p: ProjectRow) => isoDay(p.endedOn),
    network: (p: ProjectRow) => ref(p.networkId),
    team: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.projects.team.load(p.local),
    funding: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.projects.funding.load(p.local),
    resources: async (p: ProjectRow, _: unknown, ctx: ProjectsContext) => refs((await ctx.projects.resourceLinks.load(p.local)).map((l) => l.resourceId)),
    resourceLinks: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.projects.resourceLinks.load(p.local),
    measures: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.measures.byProject.load(p.local),
    pdsaCycles: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.cycles.pdsa.load(p.local),
    learning: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.cycles.learning.load(p.local),
    progress: async (p: ProjectRow, _: unknown, ctx: ProjectsContext) => (await ctx.cycles.progress.load(p.local)).at(-1) ?? null,
    progressHistory: (p: ProjectRow, _: unknown, ctx: ProjectsContext) => ctx.cycles.progress.load(p.local),
    evaluation: (p: ProjectRow) =>
      p.evaluationSummary ? { evaluator: ref(p.evaluatorId), summary: p.evaluationSummary, quote: p.evaluationQuote } : null,
    updatedAt: (p: ProjectRow) => isoTime(p.updatedAt),
    ...chartResolvers.Project,
  },
  TeamMember: { userId: (t: TeamMember, _: unknown, ctx: ProjectsContext) => (isOwner(ctx) ? t.userId : null) },
  Funding: { funder: (f: Funding) => ({ id: f.funderId }) },
  ResourceLink: { resource: (l: ResourceLink) => ({ id: l.resourceId }) },
  Measure: {
    points: (m: Measure, _: unknown, ctx: ProjectsContext) => ctx.measures.points.load(m.id),
    // From the same loaded series as points and the analysis (one row per measure): no extra query.
    pointCount: async (m: Measure, _: unknown, ctx: ProjectsContext) => (await ctx.measures.points.load(m.id)).length,
    latestPoint: async (m: Measure, _: unknown, ctx: ProjectsContext) => (await ctx.measures.points.load(m.id)).at(-1) ?? null,
    ...measureAnalysis, ...chartResolvers.Measure },
  ProgressScore: {
    recordedOn: (p: { recordedOn: Date }) => isoDay(p.recordedOn),
    label: (p: { score: number }) => PROGRESS_SCALE.find((s) => s.score === p.score)?.label ?? "Unknown score",
  },
  PdsaCycle: { startedOn: (c: PdsaCycle) => isoDay(c.startedOn), endedOn: (c: PdsaCycle) => isoDay(c.endedOn) },
};
