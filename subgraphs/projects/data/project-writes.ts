// The projects partner's writes, each inside runWrite's transaction (subgraphs/shared/writes.ts):
// the row changes, tombstone bookkeeping, and the changes the audit log records. A write to a part
// of a project (measure, cycle, team...) first bumps the project's updatedAt: that checks the
// project exists, locks its row until the transaction ends (so "the next cycle number" and "already
// in the team" cannot race on PostgreSQL), and tells the change feed the project changed.
import { GraphQLError } from "graphql";
import type { Prisma } from "../generated/prisma/client.ts";
import { formatId } from "../../../schema/ids.ts";
import { ErrorCode } from "../../../lib/errors.ts";
import { day } from "../../shared/values.ts";
import { notFound } from "../../shared/mutation-args.ts";
import type { WriteOutcome } from "../../shared/writes.ts";
import { creation, deletion, rowUpdate, rowWrite } from "../../shared/item-writes.ts";
import type { UserIdentity, UserRef } from "../../../lib/auth/identity.ts";
import type {
  CreateProjectInput,
  DataPointInput,
  LearningInput,
  MeasureInput,
  PdsaCycleInput,
  ProgressScoreInput,
  ResourceLinkInput,
  TeamMemberInput,
  UpdatePdsaCycleInput,
  UpdateProjectInput,
} from "../inputs.ts";
import { ratioIssue } from "../inputs.ts";
import { badInput } from "../../../lib/errors.ts";
import { removeProject } from "./projects.ts";
import { PUBLISHED } from "../../shared/item-table.ts";

type Tx = Prisma.TransactionClient;

/** What a projects mutation stores as its result (plain JSON: ids and counts) and answers again to a retry. */
export interface ProjectResult {
  /** Global id of the project. */
  id: string;
  measureId?: string;
  cycleId?: string;
  learningId?: string;
  memberId?: string;
  written?: number;
  inserted?: number;
}

const DRAFT = "DRAFT";
const gid = (partnerId: string, local: string) => formatId(partnerId, "projects", local);
const dateOrNull = (s: string | null) => (s === null ? null : day(s)!);

/**
 * The users of the project's team: they may write to it (requireWriter's team). Each is the whole
 * (issuer, organisation, subject); rows from before identities had all three (issuer null) name
 * nobody and are skipped, see the 20261201200000 migration.
 */
export async function teamUsers(tx: Tx, local: string): Promise<UserRef[]> {
  const rows = await tx.teamMember.findMany({
    where: { projectLocal: local, userId: { not: null }, userIssuer: { not: null }, userOrganisation: { not: null } },
    select: { userId: true, userIssuer: true, userOrganisation: true },
  });
  return rows.map((r) => ({ issuer: r.userIssuer!, organisation: r.userOrganisation!, user: r.userId! }));
}

/** Bumps the project's updatedAt (locking its row) or fails with NOT_FOUND. */
async function touch(tx: Tx, partnerId: string, local: string): Promise<void> {
  const { count } = await tx.project.updateMany({ where: { local }, data: { updatedAt: new Date() } });
  if (count === 0) throw notFound("project", gid(partnerId, local));
}

function columns(
  input: Partial<CreateProjectInput> & Pick<UpdateProjectInput, "evaluation">,
): Prisma.ProjectUncheckedUpdateManyInput {
  const { region, network, startedOn, endedOn, evaluation, ...rest } = input;
  return {
    ...rest,
    ...(region !== undefined ? { regionId: region } : {}),
    ...(network !== undefined ? { networkId: network } : {}),
    ...(startedOn !== undefined ? { startedOn: dateOrNull(startedOn) } : {}),
    ...(endedOn !== undefined ? { endedOn: dateOrNull(endedOn) } : {}),
    ...(evaluation !== undefined
      ? {
          evaluatorId: evaluation?.evaluator ?? null,
          evaluationSummary: evaluation?.summary ?? null,
          evaluationQuote: evaluation?.quote ?? null,
        }
      : {}),
  };
}

export function createProject(
  tx: Tx,
  partnerId: string,
  input: CreateProjectInput,
): Promise<WriteOutcome<ProjectResult>> {
  const data = { ...(columns(input) as Prisma.ProjectUncheckedCreateInput), publication: DRAFT };
  const insert = (local: string) => tx.project.create({ data: { ...data, local } });
  return creation("projects", partnerId, input.title, insert, { ...input, publication: DRAFT });
}

export const updateProject = rowUpdate("projects", (tx: Tx) => tx.project, columns);

export function publishProject(tx: Tx, partnerId: string, local: string): Promise<WriteOutcome<ProjectResult>> {
  const publish = () => tx.project.updateMany({ where: { local }, data: { publication: PUBLISHED } });
  return rowWrite("projects", "project", partnerId, local, publish, { publication: PUBLISHED });
}

export function deleteProjectWrite(tx: Tx, partnerId: string, local: string): Promise<WriteOutcome<ProjectResult>> {
  return deletion("projects", "project", partnerId, local, () => removeProject(tx, local));
}

async function nextPosition(rows: Promise<{ _max: { position: number | null } }>): Promise<number> {
  return ((await rows)._max.position ?? -1) + 1;
}

/**
 * Adds a member; one with a userId is the user (caller's issuer, userOrganisation or the caller's
 * organisation, userId), and may then write to the project.
 */
export async function addTeamMember(
  tx: Tx,
  partnerId: string,
  local: string,
  input: TeamMemberInput,
  editor: UserIdentity,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const id = gid(partnerId, local);
  const user = input.userId
    ? {
        userId: input.userId,
        userIssuer: editor.issuer,
        userOrganisation: input.userOrganisation ?? editor.organisation,
      }
    : undefined;
  if (user && (await tx.teamMember.findFirst({ where: { projectLocal: local, ...user }, select: { id: true } }))) {
    throw new GraphQLError(`User ${user.userId} of ${user.userOrganisation} is already in the team of ${id}`, {
      extensions: { code: ErrorCode.CONFLICT, argumentPath: ["userId"] },
    });
  }
  const position = await nextPosition(
    tx.teamMember.aggregate({ where: { projectLocal: local }, _max: { position: true } }),
  );
  const member = await tx.teamMember.create({
    data: {
      projectLocal: local,
      position,
      name: input.name,
      role: input.role ?? null,
      userId: null,
      userIssuer: null,
      userOrganisation: null,
      ...user,
    },
  });
  return {
    result: { id, memberId: member.id },
    item: id,
    changes: { team: { added: { id: member.id, name: input.name, role: input.role ?? null, ...user } } },
  };
}

export async function removeTeamMember(
  tx: Tx,
  partnerId: string,
  local: string,
  memberId: string,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const id = gid(partnerId, local);
  const member = await tx.teamMember.findFirst({ where: { id: memberId, projectLocal: local } });
  if (!member) throw notFound("team member", `${memberId} in ${id}`);
  await tx.teamMember.delete({ where: { id: memberId } });
  return {
    result: { id },
    item: id,
    changes: {
      team: {
        removed: {
          id: member.id,
          name: member.name,
          userId: member.userId,
          userIssuer: member.userIssuer,
          userOrganisation: member.userOrganisation,
        },
      },
    },
  };
}

export async function addMeasure(
  tx: Tx,
  partnerId: string,
  local: string,
  input: MeasureInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const position = await nextPosition(
    tx.measure.aggregate({ where: { projectLocal: local }, _max: { position: true } }),
  );
  const measure = await tx.measure.create({
    data: {
      projectLocal: local,
      position,
      name: input.name,
      description: input.description ?? null,
      code: input.code ?? null,
      unit: input.unit,
      improvement: input.improvement,
      target: input.target ?? null,
      illustrative: input.illustrative ?? false,
    },
  });
  const id = gid(partnerId, local);
  return {
    result: { id, measureId: measure.id },
    item: id,
    changes: { measures: { added: { id: measure.id, ...input } } },
  };
}

// One statement for the whole batch, so it is all or nothing even outside the transaction: `old`
// reads the values being replaced (a CTE sees the table as it was before the statement), `up`
// writes every point, keyed by DataPoint's primary key (measureId, date).
const UPSERT_POINTS = `WITH input AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS t("date" date, "value" double precision, "note" text, "numerator" double precision, "denominator" double precision)
  ), old AS (
    SELECT d."date", d."value", d."note", d."numerator", d."denominator" FROM "DataPoint" d JOIN input i ON i."date" = d."date" WHERE d."measureId" = $1
  ), up AS (
    INSERT INTO "DataPoint" ("measureId", "date", "value", "note", "numerator", "denominator")
    SELECT $1, "date", "value", "note", "numerator", "denominator" FROM input
    ON CONFLICT ("measureId", "date") DO UPDATE SET "value" = EXCLUDED."value", "note" = EXCLUDED."note", "numerator" = EXCLUDED."numerator", "denominator" = EXCLUDED."denominator"
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM up)::int AS written,
    COALESCE((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('date', to_char("date", 'YYYY-MM-DD'), 'value', "value", 'note', "note", 'numerator', "numerator", 'denominator', "denominator")) ORDER BY "date") FROM old), '[]'::jsonb) AS replaced`;

export async function recordMeasurements(
  tx: Tx,
  partnerId: string,
  local: string,
  measureId: string,
  points: DataPointInput[],
): Promise<WriteOutcome<ProjectResult & { written: number; inserted: number }>> {
  await touch(tx, partnerId, local);
  const id = gid(partnerId, local);
  const measure = await tx.measure.findFirst({
    where: { id: measureId, projectLocal: local },
    select: { id: true, code: true },
  });
  if (!measure) throw notFound("measure", `${measureId} in ${id}`);
  const disagreement = ratioIssue(measure.code, points);
  if (disagreement)
    throw badInput(`Invalid points.${disagreement.path.join(".")}: ${disagreement.message}`, [
      "points",
      ...disagreement.path,
    ]);
  const payload = JSON.stringify(
    points.map((p) => ({
      date: p.date,
      value: p.value,
      note: p.note ?? null,
      numerator: p.numerator ?? null,
      denominator: p.denominator ?? null,
    })),
  );
  const [row] = await tx.$queryRawUnsafe<{ written: number; replaced: unknown }[]>(UPSERT_POINTS, measureId, payload);
  const replaced = (typeof row!.replaced === "string" ? JSON.parse(row!.replaced) : row!.replaced) as unknown[];
  const written = Number(row!.written);
  const inserted = written - replaced.length;
  return {
    result: { id, measureId, written, inserted },
    item: id,
    // Every value written and every value it replaced: the audit log can say what the data was.
    changes: { measureId, written, inserted, points, replaced },
  };
}

export async function addPdsaCycle(
  tx: Tx,
  partnerId: string,
  local: string,
  input: PdsaCycleInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const last = await tx.pdsaCycle.aggregate({ where: { projectLocal: local }, _max: { number: true } });
  const number = (last._max.number ?? 0) + 1;
  const { startedOn, endedOn, ...rest } = input;
  const cycle = await tx.pdsaCycle.create({
    data: {
      ...rest,
      projectLocal: local,
      number,
      startedOn: startedOn ? day(startedOn) : null,
      endedOn: endedOn ? day(endedOn) : null,
    },
  });
  const id = gid(partnerId, local);
  return {
    result: { id, cycleId: cycle.id },
    item: id,
    changes: { pdsaCycles: { added: { id: cycle.id, number, ...input } } },
  };
}

export async function updatePdsaCycle(
  tx: Tx,
  partnerId: string,
  local: string,
  cycleId: string,
  input: UpdatePdsaCycleInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const id = gid(partnerId, local);
  const { startedOn, endedOn, ...rest } = input;
  const { count } = await tx.pdsaCycle.updateMany({
    where: { id: cycleId, projectLocal: local },
    data: {
      ...rest,
      ...(startedOn !== undefined ? { startedOn: dateOrNull(startedOn) } : {}),
      ...(endedOn !== undefined ? { endedOn: dateOrNull(endedOn) } : {}),
    },
  });
  if (count === 0) throw notFound("PDSA cycle", `${cycleId} in ${id}`);
  return { result: { id, cycleId }, item: id, changes: { pdsaCycles: { changed: { id: cycleId, ...input } } } };
}

export async function addLearning(
  tx: Tx,
  partnerId: string,
  local: string,
  input: LearningInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const position = await nextPosition(
    tx.learning.aggregate({ where: { projectLocal: local }, _max: { position: true } }),
  );
  const learning = await tx.learning.create({
    data: { projectLocal: local, position, kind: input.kind, text: input.text },
  });
  const id = gid(partnerId, local);
  return {
    result: { id, learningId: learning.id },
    item: id,
    changes: { learning: { added: { id: learning.id, ...input } } },
  };
}

export async function linkResource(
  tx: Tx,
  partnerId: string,
  local: string,
  input: ResourceLinkInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const data = { relation: input.relation, note: input.note ?? null };
  await tx.resourceLink.upsert({
    where: { projectLocal_resourceId: { projectLocal: local, resourceId: input.resourceId } },
    create: { projectLocal: local, resourceId: input.resourceId, ...data },
    update: data,
  });
  const id = gid(partnerId, local);
  return { result: { id }, item: id, changes: { resourceLinks: { linked: input } } };
}

export async function unlinkResource(
  tx: Tx,
  partnerId: string,
  local: string,
  resourceId: string,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const id = gid(partnerId, local);
  const { count } = await tx.resourceLink.deleteMany({ where: { projectLocal: local, resourceId } });
  if (count === 0) throw notFound("resource link", `${resourceId} in ${id}`);
  return { result: { id }, item: id, changes: { resourceLinks: { unlinked: resourceId } } };
}

export async function setProgressScore(
  tx: Tx,
  partnerId: string,
  local: string,
  input: ProgressScoreInput,
): Promise<WriteOutcome<ProjectResult>> {
  await touch(tx, partnerId, local);
  const recordedOn = input.recordedOn ?? new Date().toISOString().slice(0, 10);
  await tx.progressScore.create({
    data: { projectLocal: local, score: input.score, note: input.note ?? null, recordedOn: day(recordedOn)! },
  });
  const id = gid(partnerId, local);
  return {
    result: { id },
    item: id,
    changes: { progress: { score: input.score, recordedOn, note: input.note ?? null } },
  };
}
