// The projects contract's Mutation resolvers: validate at the edge, write through runWrite (one
// transaction with idempotency and audit), answer the project as it now is.
//
// Who may write: creating a project, deleting it and changing its team are for editors (and
// admins) of the partner's organisation; every other change to a project is also open to its team
// members that have a userId (addTeamMember), whatever their organisation or role, since the team
// is who runs the project and records its data. Team membership is read inside the write's
// transaction, so a member removed a moment ago cannot write.
import type { z } from "zod";
import { globalIdOf } from "../../schema/ids.ts";
import { badInput } from "../../lib/errors.ts";
import { canWriteFor, type UserIdentity } from "../../lib/auth/identity.ts";
import { parseArg, ownLocalId } from "../shared/mutation-args.ts";
import { requireWriter, type WriteOutcome } from "../shared/writes.ts";
import { partOf, reread, writeFor } from "../shared/item-writes.ts";
import { createMutation, updateMutation } from "../shared/item-mutations.ts";
import type { ProjectsContext } from "./context.ts";
import type { MutationResolvers } from "./generated/graphql.ts";
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
type Args = { idempotencyKey: string };
type Work<R extends ProjectResult> = (tx: Tx, identity: UserIdentity) => Promise<WriteOutcome<R>>;

/** Organisation editors only (the default of runWrite). */
function asEditor<R extends ProjectResult>(ctx: ProjectsContext, mutation: string, args: Args, work: Work<R>) {
  return writeFor(ctx, mutation, args, work);
}

/** Organisation editors and the project's team (read only when the caller is not an editor). */
const team =
  ({ caller, partner }: ProjectsContext, local: string) =>
  async (tx: Tx): Promise<UserIdentity> =>
    caller.signed && canWriteFor(caller.identity, partner.organisation)
      ? requireWriter(caller, partner)
      : requireWriter(caller, partner, await writes.teamUsers(tx, local));

function asTeam<R extends ProjectResult>(
  ctx: ProjectsContext,
  mutation: string,
  args: Args,
  local: string,
  work: Work<R>,
) {
  return writeFor(ctx, mutation, args, work, team(ctx, local));
}

/** The project row as it is after the write (drafts included: the writer may see what they wrote). */
const project = (ctx: ProjectsContext, result: ProjectResult) =>
  reread([ctx.projects, ctx.measures, ctx.cycles], ctx.projects.byLocal, "project", result.id);

/** Validates several top-level arguments at once; the error names the argument itself. */
function parseArgs<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  throw badInput(`Invalid ${path.join(".")}: ${issue.message}`, path);
}

const projectId = (ctx: ProjectsContext, args: { projectId: string }) =>
  ownLocalId(args.projectId, "projects", ctx.partner, "projectId");
const projectOf = (ctx: ProjectsContext) => (result: ProjectResult) => project(ctx, result);

export const mutations: MutationResolvers = {
  createProject: createMutation("createProject", createProjectInput, writes.createProject, project),
  updateProject: updateMutation("projects", "updateProject", updateProjectInput, writes.updateProject, project, team),
  publishProject: (_, args, ctx) => {
    const local = ownLocalId(args.id, "projects", ctx.partner);
    return asTeam(ctx, "publishProject", args, local, (tx) => writes.publishProject(tx, ctx.partner.id, local)).then(
      projectOf(ctx),
    );
  },
  deleteProject: (_, args, ctx) => {
    const local = ownLocalId(args.id, "projects", ctx.partner);
    return asEditor(ctx, "deleteProject", args, (tx) => writes.deleteProjectWrite(tx, ctx.partner.id, local));
  },
  addTeamMember: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArgs(teamMemberInput, {
      name: args.name,
      role: args.role,
      userId: args.userId,
      userOrganisation: args.userOrganisation,
    });
    const result = await asEditor(ctx, "addTeamMember", args, (tx, editor) =>
      writes.addTeamMember(tx, ctx.partner.id, local, input, editor),
    );
    const row = await project(ctx, result);
    return {
      project: row,
      member: partOf(await ctx.projects.team.load(local), result.memberId, "team member", result.id),
    };
  },
  removeTeamMember: (_, args, ctx) => {
    const local = projectId(ctx, args);
    const memberId = parseArg(partId, args.memberId, "memberId");
    return asEditor(ctx, "removeTeamMember", args, (tx) =>
      writes.removeTeamMember(tx, ctx.partner.id, local, memberId),
    ).then(projectOf(ctx));
  },
  addMeasure: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArg(measureInput, args.input, "input");
    const result = await asTeam(ctx, "addMeasure", args, local, (tx) =>
      writes.addMeasure(tx, ctx.partner.id, local, input),
    );
    return { project: await project(ctx, result), measure: await measureOf(ctx, local, result.measureId, result.id) };
  },
  recordMeasurements: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const measureId = parseArg(partId, args.measureId, "measureId");
    const points = parseArg(pointsInput, args.points, "points");
    const result = await asTeam(ctx, "recordMeasurements", args, local, (tx) =>
      writes.recordMeasurements(tx, ctx.partner.id, local, measureId, points),
    );
    return {
      project: await project(ctx, result),
      measure: await measureOf(ctx, local, measureId, result.id),
      written: result.written,
      inserted: result.inserted,
    };
  },
  addPdsaCycle: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArg(pdsaCycleInput, args.input, "input");
    const result = await asTeam(ctx, "addPdsaCycle", args, local, (tx) =>
      writes.addPdsaCycle(tx, ctx.partner.id, local, input),
    );
    return cyclePayload(ctx, local, result);
  },
  updatePdsaCycle: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const cycleId = parseArg(partId, args.cycleId, "cycleId");
    const input = parseArg(updatePdsaCycleInput, args.input, "input");
    const result = await asTeam(ctx, "updatePdsaCycle", args, local, (tx) =>
      writes.updatePdsaCycle(tx, ctx.partner.id, local, cycleId, input),
    );
    return cyclePayload(ctx, local, result);
  },
  addLearning: async (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArgs(learningInput, { kind: args.kind, text: args.text });
    const result = await asTeam(ctx, "addLearning", args, local, (tx) =>
      writes.addLearning(tx, ctx.partner.id, local, input),
    );
    const row = await project(ctx, result);
    return {
      project: row,
      learning: partOf(await ctx.cycles.learning.load(local), result.learningId, "learning", result.id),
    };
  },
  linkResource: (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArgs(resourceLinkInput, {
      resourceId: args.resourceId,
      relation: args.relation,
      note: args.note,
    });
    return asTeam(ctx, "linkResource", args, local, (tx) => writes.linkResource(tx, ctx.partner.id, local, input)).then(
      projectOf(ctx),
    );
  },
  unlinkResource: (_, args, ctx) => {
    const local = projectId(ctx, args);
    const resourceId = parseArg(globalIdOf("resources"), args.resourceId, "resourceId");
    return asTeam(ctx, "unlinkResource", args, local, (tx) =>
      writes.unlinkResource(tx, ctx.partner.id, local, resourceId),
    ).then(projectOf(ctx));
  },
  setProgressScore: (_, args, ctx) => {
    const local = projectId(ctx, args);
    const input = parseArgs(progressScoreInput, { score: args.score, note: args.note, recordedOn: args.recordedOn });
    return asTeam(ctx, "setProgressScore", args, local, (tx) =>
      writes.setProgressScore(tx, ctx.partner.id, local, input),
    ).then(projectOf(ctx));
  },
};

async function measureOf(ctx: ProjectsContext, local: string, measureId: string | undefined, projectId: string) {
  return partOf(await ctx.measures.byProject.load(local), measureId, "measure", projectId);
}

async function cyclePayload(ctx: ProjectsContext, local: string, result: ProjectResult) {
  const row = await project(ctx, result);
  return { project: row, cycle: partOf(await ctx.cycles.pdsa.load(local), result.cycleId, "PDSA cycle", result.id) };
}
