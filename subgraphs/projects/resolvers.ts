// Thin resolvers: shape rows from data/ into the contract (schema/projects.graphql).
import { isOwner } from "../shared/owned-entity.ts";
import { itemResolvers, resolverMap } from "../shared/item-resolvers.ts";
import { isoDay, ref, refs } from "../shared/values.ts";
import { projects } from "./data/projects.ts";
import { mutations } from "./mutations.ts";
import type { ProjectsContext } from "./context.ts";
import { measureAnalysis } from "./analysis-resolvers.ts";
import { chartResolvers } from "./chart-resolvers.ts";
import { PROGRESS_SCALE } from "../../schema/vocabulary.ts";
import type { Resolvers } from "./generated/graphql.ts";

const item = itemResolvers("projects", projects, (ctx: ProjectsContext) => ctx.projects.byLocal, mutations);

export const resolvers: Resolvers = resolverMap("projects", item, {
  Project: {
    region: (p) => ref(p.regionId),
    startedOn: (p) => isoDay(p.startedOn),
    endedOn: (p) => isoDay(p.endedOn),
    network: (p) => ref(p.networkId),
    team: (p, _, ctx) => ctx.projects.team.load(p.local),
    funding: (p, _, ctx) => ctx.projects.funding.load(p.local),
    resources: async (p, _, ctx) => refs((await ctx.projects.resourceLinks.load(p.local)).map((l) => l.resourceId)),
    resourceLinks: (p, _, ctx) => ctx.projects.resourceLinks.load(p.local),
    measures: (p, _, ctx) => ctx.measures.byProject.load(p.local),
    pdsaCycles: (p, _, ctx) => ctx.cycles.pdsa.load(p.local),
    learning: (p, _, ctx) => ctx.cycles.learning.load(p.local),
    progress: async (p, _, ctx) => (await ctx.cycles.progress.load(p.local)).at(-1) ?? null,
    progressHistory: (p, _, ctx) => ctx.cycles.progress.load(p.local),
    evaluation: (p) =>
      p.evaluationSummary
        ? { evaluator: ref(p.evaluatorId), summary: p.evaluationSummary, quote: p.evaluationQuote }
        : null,
    ...chartResolvers.Project,
  },
  TeamMember: { userId: (t, _, ctx) => (isOwner(ctx) ? t.userId : null) },
  Funding: { funder: (f) => ({ id: f.funderId }) },
  ResourceLink: { resource: (l) => ({ id: l.resourceId }) },
  Measure: {
    points: (m, _, ctx) => ctx.measures.points.load(m.id),
    // From the same loaded series as points and the analysis (one row per measure): no extra query.
    pointCount: async (m, _, ctx) => (await ctx.measures.points.load(m.id)).length,
    latestPoint: async (m, _, ctx) => (await ctx.measures.points.load(m.id)).at(-1) ?? null,
    ...measureAnalysis,
    ...chartResolvers.Measure,
  },
  ProgressScore: {
    recordedOn: (p) => isoDay(p.recordedOn),
    label: (p) => PROGRESS_SCALE.find((s) => s.score === p.score)?.label ?? "Unknown score",
  },
  PdsaCycle: { startedOn: (c) => isoDay(c.startedOn), endedOn: (c) => isoDay(c.endedOn) },
});
