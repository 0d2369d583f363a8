// The shape of a projects partner's seed file (subgraphs/projects/seed/<partner>.json).
import { z } from "zod";
import { globalIdOf } from "../../schema/ids.ts";
import { PROGRESS_SCALE } from "../../schema/vocabulary.ts";
import { codeAgrees, measureCode, ratioComplete, ratioFields, ratioIssue } from "./inputs.ts";
import { contractEnumOf, isoDate, organisationId, regionId } from "../../lib/vocabulary-zod.ts";
import { itemSeedFields } from "../shared/seed-fields.ts";

export const dataPointSeed = z
  .object({
    date: isoDate,
    value: z.number().finite(),
    note: z.string().max(500).optional(),
    ...ratioFields,
  })
  .strict()
  .superRefine(ratioComplete);

export const measureSeed = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    code: measureCode.optional(),
    unit: z.string().min(1).max(100),
    improvement: contractEnumOf("projects", "ImprovementDirection"),
    target: z.number().finite().optional(),
    illustrative: z.boolean(),
    points: z.array(dataPointSeed).default([]),
  })
  .strict()
  .superRefine(codeAgrees)
  .superRefine((m, ctx) => {
    // A seed file is held to what recordMeasurements would accept.
    const issue = ratioIssue(m.code ?? null, m.points);
    if (issue) ctx.addIssue({ code: "custom", message: issue.message, path: ["points", ...issue.path] });
  });

export const pdsaSeed = z
  .object({
    number: z.number().int().positive(),
    title: z.string().min(1).max(300),
    plan: z.string().min(1).max(5000),
    do: z.string().max(5000).optional(),
    study: z.string().max(5000).optional(),
    act: z.string().max(5000).optional(),
    startedOn: isoDate.optional(),
    endedOn: isoDate.optional(),
  })
  .strict();

export const projectSeed = z
  .object({
    ...itemSeedFields,
    aim: z.string().min(1).max(1000),
    status: contractEnumOf("projects", "ProjectStatus"),
    region: regionId,
    startedOn: isoDate.optional(),
    endedOn: isoDate.optional(),
    network: globalIdOf("networks").optional(),
    outcomes: z.array(z.string().min(1).max(1000)).default([]),
    evaluation: z
      .object({
        evaluator: organisationId.optional(),
        summary: z.string().min(1).max(5000),
        quote: z.string().max(1000).optional(),
      })
      .strict()
      .optional(),
    team: z
      .array(z.object({ name: z.string().min(1).max(200), role: z.string().max(200).optional() }).strict())
      .default([]),
    funding: z
      .array(z.object({ funder: organisationId, programme: z.string().max(300).optional() }).strict())
      .default([]),
    resources: z
      .array(
        z
          .object({
            resource: globalIdOf("resources"),
            relation: contractEnumOf("projects", "ResourceRelation"),
            note: z.string().max(1000).optional(),
          })
          .strict(),
      )
      .default([]),
    measures: z.array(measureSeed).default([]),
    pdsaCycles: z.array(pdsaSeed).default([]),
    progress: z
      .array(
        z
          .object({
            score: z
              .number()
              .refine(
                (n) => PROGRESS_SCALE.some((p) => p.score === n),
                "must be a score of the IHI scale: 0.5 to 5.0 in steps of 0.5",
              ),
            recordedOn: isoDate,
            note: z.string().max(1000).optional(),
          })
          .strict(),
      )
      .default([]),
    learning: z
      .array(z.object({ kind: contractEnumOf("projects", "LearningKind"), text: z.string().min(1).max(2000) }).strict())
      .default([]),
  })
  .strict();

export const projectsSeedFile = z.object({ projects: z.array(projectSeed) }).strict();
export type ProjectsSeed = z.infer<typeof projectsSeedFile>;
