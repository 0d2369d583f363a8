// The projects contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the project as it now is.
//
// Who may write: creating a project, deleting it and changing its team are for editors (and
// admins) of the partner's organisation; every other change to a project is also open to its team
// members that have a userId (addTeamMember), whatever their organisation or role, since the team
// is who runs the project and records its data. Team membership is read inside the write's
// transaction, so a member removed a moment ago cannot write.
import type DataLoader from "dataloader";
import type { z } from "zod";
import { globalIdOf, parseId } from "../../schema/ids.ts";
import { badInput } from "../../lib/errors.ts";
import { canWriteFor, type UserIdentity } from "../../lib/auth/identity.ts";
import { notFound, parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { requireWriter, runWrite, type WriteOutcome } from "../shared/writes.ts";
import type { ProjectsContext } from "./context.ts";
import {
  createProjectInput,
  learningInput,
  measureInput,
  partId,
  pdsaCycleInput,
  pointsInput,
  progressScoreInput,
  resourceLinkInput,
  teamMemberInput,
  updatePdsaCycleInput,
  updateProjectInput,
} from "./inputs.ts";
import * as writes from "./data/project-writes.ts";
import type { ProjectResult } from "./data/project-writes.ts";
import type { Prisma } from "./generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;
type Args = Record<string, unknown> & { idempotencyKey: string };
type Work = (tx: Tx, identity: UserIdentity) => Promise<WriteOutcome<ProjectResult>>;

/** Organisation editors only (the default of runWrite). */
function asEditor(ctx: ProjectsContext, mutation: string, args: Args, work: Work) {
  return runWrite(ctx.prisma, { caller: ctx.caller, partner: ctx.partner, mutation, idempotencyKey: args.idempotencyKey, args }, work);
}

/** Organisation editors and the project's team (read only when the caller is not an editor). */
function asTeam(ctx: ProjectsContext, mutation: string, args: Args, local: string, work: Work) {
  const { caller, partner } = ctx;
  return runWrite(ctx.prisma, { caller, partner, mutation, idempotencyKey: args.idempotencyKey, args }, work, async (tx) =>
    caller.signed && canWriteFor(caller.identity, partner.organisation)
      ? requireWriter(caller, partner)
      : requireWriter(caller, partner, await writes.teamUsers(tx, local)),
  );
}

/** Forgets everything this request's loaders read: an earlier field may have loaded the project before the write. */
function forget(ctx: ProjectsContext) {
  for (const group of [ctx.projects, ctx.measures, ctx.cycles] as Record<string, unknown>[]) {
    for (const loader of Object.values(group)) (loader as DataLoader<unknown, unknown>)?.clearAll?.();
  }
}

/**
 * The project row as it is after the write (drafts included: the writer may see what they wrote). A
 * retry answered from its receipt after the project was deleted finds none: NOT_FOUND, not a null
 * where the contract promises a project.
 */
async function project(ctx: ProjectsContext, result: ProjectResult) {
  forget(ctx);
  const row = await ctx.projects.byLocal.load(parseId(result.id)!.local);
  if (!row) throw notFound("project", result.id);
  return row;
}

/** Validates several top-level arguments at once; the error names the argument itself. */
function parseArgs<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  throw badInput(`Invalid ${path.join(".")}: ${issue.message}`, path);
}

const projectId = (ctx: ProjectsContext, args: Args) => ownLocalId(args.projectId, "projects", ctx.partner, "projectId");
const projectOf = (ctx: ProjectsContext) => (result: ProjectResult) => project(ctx, result);

export const mutations = {
  createProject: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const input = parseArg(createProjectInput, args.input, "input");
    return asEditor(ctx, "createProject", args, (tx) => writes.createProject(tx, ctx.partner.id, input)).then(projectOf(ctx));
  },
  updateProject: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = ownLocalId(args.id, "projects", ctx.partner);
    const input = parseArg(updateProjectInput, args.input, "input");
    return asTeam(ctx, "updateProject", args, local, (tx) => writes.updateProject(tx, ctx.partner.id, local, input)).then(projectOf(ctx));
  },
  publishProject: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = ownLocalId(args.id, "projects", ctx.partner);
    return asTeam(ctx, "publishProject", args, local, (tx) => writes.publishProject(tx, ctx.partner.id, local)).then(projectOf(ctx));
  },
  deleteProject: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = ownLocalId(args.id, "projects", ctx.partner);
    return asEditor(ctx, "deleteProject", args, (tx) => writes.deleteProjectWrite(tx, ctx.partner.id, local));
  },
  addTeamMember: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArgs(teamMemberInput, { name: args.name, role: args.role, userId: args.userId, userOrganisation: args.userOrganisation });
    const result = await asEditor(ctx, "addTeamMember", args, (tx, editor) => writes.addTeamMember(tx, ctx.partner.id, local, input, editor));
    const row = await project(ctx, result);
    return { project: row, member: (await ctx.projects.team.load(local)).find((m) => m.id === result.memberId) };
  },
  removeTeamMember: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const memberId = parseArg(partId, args.memberId, "memberId");
    return asEditor(ctx, "removeTeamMember", args, (tx) => writes.removeTeamMember(tx, ctx.partner.id, local, memberId)).then(projectOf(ctx));
  },
  addMeasure: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArg(measureInput, args.input, "input");
    const result = await asTeam(ctx, "addMeasure", args, local, (tx) => writes.addMeasure(tx, ctx.partner.id, local, input));
    return { project: await project(ctx, result), measure: await measureOf(ctx, local, result.measureId!) };
  },
  recordMeasurements: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const measureId = parseArg(partId, args.measureId, "measureId");
    const points = parseArg(pointsInput, args.points, "points");
    const result = await asTeam(ctx, "recordMeasurements", args, local, (tx) => writes.recordMeasurements(tx, ctx.partner.id, local, measureId, points));
    return {
      project: await project(ctx, result),
      measure: await measureOf(ctx, local, measureId),
      written: result.written,
      inserted: result.inserted,
    };
  },
  addPdsaCycle: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArg(pdsaCycleInput, args.input, "input");
    const result = await asTeam(ctx, "addPdsaCycle", args, local, (tx) => writes.addPdsaCycle(tx, ctx.partner.id, local, input));
    return cyclePayload(ctx, local, result);
  },
  updatePdsaCycle: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const cycleId = parseArg(partId, args.cycleId, "cycleId");
    const input = parseArg(updatePdsaCycleInput, args.input, "input");
    const result = await asTeam(ctx, "updatePdsaCycle", args, local, (tx) => writes.updatePdsaCycle(tx, ctx.partner.id, local, cycleId, input));
    return cyclePayload(ctx, local, result);
  },
  addLearning: async (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArgs(learningInput, { kind: args.kind, text: args.text });
    const result = await asTeam(ctx, "addLearning", args, local, (tx) => writes.addLearning(tx, ctx.partner.id, local, input));
    const row = await project(ctx, result);
    return { project: row, learning: (await ctx.cycles.learning.load(local)).find((l) => l.id === result.learningId) };
  },
  linkResource: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArgs(resourceLinkInput, { resourceId: args.resourceId, relation: args.relation, note: args.note });
    return asTeam(ctx, "linkResource", args, local, (tx) => writes.linkResource(tx, ctx.partner.id, local, input)).then(projectOf(ctx));
  },
  unlinkResource: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const resourceId = parseArg(globalIdOf("resources"), args.resourceId, "resourceId");
    return asTeam(ctx, "unlinkResource", args, local, (tx) => writes.unlinkResource(tx, ctx.partner.id, local, resourceId)).then(projectOf(ctx));
  },
  setProgressScore: (_: unknown, args: Args, ctx: ProjectsContext) => {
    const local = projectId(ctx, args);
    const input = parseArgs(progressScoreInput, { score: args.score, note: args.note, recordedOn: args.recordedOn });
    return asTeam(ctx, "setProgressScore", args, local, (tx) => writes.setProgressScore(tx, ctx.partner.id, local, input)).then(projectOf(ctx));
  },
};

async function measureOf(ctx: ProjectsContext, local: string, measureId: string) {
  return (await ctx.measures.byProject.load(local)).find((m) => m.id === measureId) ?? null;
}

async function cyclePayload(ctx: ProjectsContext, local: string, result: ProjectResult) {
  const row = await project(ctx, result);
  return { project: row, cycle: (await ctx.cycles.pdsa.load(local)).find((c) => c.id === result.cycleId) };
}
