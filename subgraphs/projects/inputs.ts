// The edge of a projects partner's writes: mutation arguments validated with zod against the
// shared vocabulary (schema/), so a bad value is a BAD_USER_INPUT naming its path, never a row.
import { z } from "zod";
import { globalIdOf } from "../../schema/ids.ts";
import { PROGRESS_SCALE } from "../../schema/vocabulary.ts";
import { libraryMeasure, MEASURE_CODES } from "../../schema/measure-library.ts";
import { contractEnumOf, isoDate, organisationId, regionId } from "../../lib/vocabulary-zod.ts";
import { optionalText, text } from "../../lib/text-zod.ts";
import { itemCreateFields, itemFields, list, updateInput } from "../shared/inputs.ts";

/** The last calendar day that has begun somewhere on Earth (UTC+14): a date after it is in the future. */
function latestToday(now = Date.now()): string {
  return new Date(now + 14 * 3_600_000).toISOString().slice(0, 10);
}
export const pastDate = isoDate.refine((d) => d <= latestToday(), "must not be in the future");

/** The most points one recordMeasurements call may write: one transaction, one statement. */
export const MAX_POINTS = 1000;

const projectFields = {
  ...itemFields,
  aim: text(1000),
  status: contractEnumOf("projects", "ProjectStatus"),
  region: regionId.nullable(),
  startedOn: isoDate.nullable(),
  endedOn: isoDate.nullable(),
  network: globalIdOf("networks").nullable(),
  outcomes: list(text(1000)),
};

const datesInOrder = (o: { startedOn?: string | null; endedOn?: string | null }) =>
  !o.startedOn || !o.endedOn || o.startedOn <= o.endedOn;
const datesMessage = { message: "must not be before startedOn", path: ["endedOn"] };

export const createProjectInput = z
  .object({
    ...projectFields,
    ...itemCreateFields,
    status: projectFields.status.default("PLANNING"),
    region: projectFields.region.optional(),
    startedOn: projectFields.startedOn.optional(),
    endedOn: projectFields.endedOn.optional(),
    network: projectFields.network.optional(),
    outcomes: projectFields.outcomes.default([]),
  })
  .strict()
  .refine(datesInOrder, datesMessage);

/** Title, aim and status cannot be cleared (they are not nullable). */
export const updateProjectInput = updateInput({
  ...projectFields,
  evaluation: z
    .object({
      evaluator: organisationId.nullable().optional(),
      summary: text(5000),
      quote: optionalText(1000).optional(),
    })
    .strict()
    .nullable(),
}).refine(datesInOrder, datesMessage);

export const teamMemberInput = z
  .object({
    name: text(200),
    role: optionalText(200).optional(),
    // The token subject the identity provider gives the user (what the gateway forwards as `user`).
    userId: text(200).nullable().optional(),
    // The organisation that user signs in for (default: the caller's): with the issuer, part of who they are.
    userOrganisation: organisationId.nullable().optional(),
  })
  .strict();

/** A national measure library code (schema/measure-library.ts). */
export const measureCode = z.enum(MEASURE_CODES as [string, ...string[]], {
  message: "unknown measure library code (see schema/measure-library.ts)",
});

/**
 * A measure that gives a library code must have the code's unit and improvement direction: they are
 * what makes it comparable with the same code elsewhere. A contradicting value is refused rather
 * than overwritten, so that a writer never records data in a unit they did not mean.
 */
export function codeAgrees(m: { code?: string | null; unit: string; improvement: string }, ctx: z.RefinementCtx): void {
  const entry = m.code ? libraryMeasure(m.code) : undefined;
  if (!entry) return;
  if (m.unit !== entry.unit)
    ctx.addIssue({ code: "custom", message: `must be "${entry.unit}", the unit of ${entry.code}`, path: ["unit"] });
  if (m.improvement !== entry.improvement)
    ctx.addIssue({
      code: "custom",
      message: `must be ${entry.improvement}, the direction of ${entry.code}`,
      path: ["improvement"],
    });
}

export const measureInput = z
  .object({
    name: text(200),
    description: optionalText(2000).optional(),
    code: measureCode.nullable().optional(),
    unit: text(100),
    improvement: contractEnumOf("projects", "ImprovementDirection"),
    target: z.number().finite().nullable().optional(),
    illustrative: z.boolean().nullable().optional(),
  })
  .strict()
  .superRefine(codeAgrees);

/**
 * A point's numerator and denominator, when given: both or neither, a count of zero or more over a
 * positive denominator (the database's DataPoint_ratio_check holds the same).
 */
export const ratioFields = {
  numerator: z.number().finite("must be a finite number").min(0, "must be 0 or more").nullable().optional(),
  denominator: z.number().finite("must be a finite number").positive("must be more than 0").nullable().optional(),
};

export function ratioComplete(
  p: { numerator?: number | null; denominator?: number | null },
  ctx: z.RefinementCtx,
): void {
  const hasN = p.numerator !== undefined && p.numerator !== null;
  const hasD = p.denominator !== undefined && p.denominator !== null;
  if (hasN !== hasD)
    ctx.addIssue({
      code: "custom",
      message: "give the numerator and the denominator together, or neither",
      path: [hasN ? "denominator" : "numerator"],
    });
}

export const dataPointInput = z
  .object({
    date: pastDate,
    value: z.number().finite("must be a finite number"),
    note: optionalText(500).optional(),
    ...ratioFields,
  })
  .strict()
  .superRefine(ratioComplete);

/**
 * Where a batch's numerators and denominators disagree with the measure they are recorded for, the
 * first such point's path and why, or null. A point with both must belong to a measure whose library
 * code has a denominator (the multiplier lives there), its value must be numerator / denominator ×
 * the code's multiplier to within rounding (0.5% of the value, or 0.01), and for a POPULATION
 * denominator the numerator cannot exceed it. Why refuse rather than recompute: a writer whose value
 * and counts disagree has made a mistake in one of them, and the funnel plot and the XmR chart would
 * otherwise tell different stories.
 */
export function ratioIssue(
  code: string | null,
  points: readonly { value: number; numerator?: number | null; denominator?: number | null }[],
): { path: (string | number)[]; message: string } | null {
  const rate = code ? libraryMeasure(code)?.rate : undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.numerator === undefined || p.numerator === null || p.denominator === undefined || p.denominator === null)
      continue;
    if (!rate)
      return {
        path: [i, "numerator"],
        message: code
          ? `${code} is a count with no denominator: give the value alone`
          : "only a measure with a library code that has a denominator takes a numerator and denominator",
      };
    if (rate.denominatorKind === "POPULATION" && p.numerator > p.denominator)
      return { path: [i, "numerator"], message: `cannot exceed the denominator: ${code} counts members of it` };
    const expected = (p.numerator / p.denominator) * rate.per;
    if (Math.abs(expected - p.value) > Math.max(0.01, Math.abs(p.value) * 0.005)) {
      return {
        path: [i, "value"],
        message: `must be numerator / denominator × ${rate.per.toLocaleString("en-GB")} (${Math.round(expected * 1000) / 1000}), the rate of ${code}`,
      };
    }
  }
  return null;
}

/** One batch for one measure: 1 to MAX_POINTS points, each date once (the batch is one upsert). */
export const pointsInput = z
  .array(dataPointInput)
  .min(1, "give at least one point")
  .max(MAX_POINTS, `at most ${MAX_POINTS} points per call`)
  .superRefine((points, ctx) => {
    const seen = new Set<string>();
    points.forEach((p, i) => {
      if (seen.has(p.date))
        ctx.addIssue({ code: "custom", message: `date ${p.date} is given twice`, path: [i, "date"] });
      seen.add(p.date);
    });
  });

const cycleFields = {
  title: text(300),
  plan: text(5000),
  do: optionalText(5000),
  study: optionalText(5000),
  act: optionalText(5000),
  startedOn: isoDate.nullable(),
  endedOn: isoDate.nullable(),
};

export const pdsaCycleInput = z
  .object({
    ...cycleFields,
    do: cycleFields.do.optional(),
    study: cycleFields.study.optional(),
    act: cycleFields.act.optional(),
    startedOn: cycleFields.startedOn.optional(),
    endedOn: cycleFields.endedOn.optional(),
  })
  .strict()
  .refine(datesInOrder, datesMessage);

export const updatePdsaCycleInput = z
  .object({
    title: cycleFields.title.optional(),
    plan: cycleFields.plan.optional(),
    do: cycleFields.do.optional(),
    study: cycleFields.study.optional(),
    act: cycleFields.act.optional(),
    startedOn: cycleFields.startedOn.optional(),
    endedOn: cycleFields.endedOn.optional(),
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, "give at least one field to change");

export const learningInput = z.object({ kind: contractEnumOf("projects", "LearningKind"), text: text(2000) }).strict();

export const resourceLinkInput = z
  .object({
    resourceId: globalIdOf("resources"),
    relation: contractEnumOf("projects", "ResourceRelation"),
    note: optionalText(1000).optional(),
  })
  .strict();

export const progressScoreInput = z
  .object({
    score: z
      .number()
      .refine(
        (n) => PROGRESS_SCALE.some((p) => p.score === n),
        "must be a score of the IHI scale: 0.5 to 5.0 in steps of 0.5",
      ),
    note: optionalText(1000).optional(),
    recordedOn: pastDate.nullable().optional(),
  })
  .strict();

/** Local uuids of a project's parts (measures, cycles, team members). */
export const partId = z.uuid("must be an id this project gave");

export type CreateProjectInput = z.infer<typeof createProjectInput>;
export type UpdateProjectInput = z.infer<typeof updateProjectInput>;
export type TeamMemberInput = z.infer<typeof teamMemberInput>;
export type MeasureInput = z.infer<typeof measureInput>;
export type DataPointInput = z.infer<typeof dataPointInput>;
export type PdsaCycleInput = z.infer<typeof pdsaCycleInput>;
export type UpdatePdsaCycleInput = z.infer<typeof updatePdsaCycleInput>;
export type LearningInput = z.infer<typeof learningInput>;
export type ResourceLinkInput = z.infer<typeof resourceLinkInput>;
export type ProgressScoreInput = z.infer<typeof progressScoreInput>;
