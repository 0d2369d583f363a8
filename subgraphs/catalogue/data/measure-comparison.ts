// The national comparison of one library measure (schema/measure-library.ts) across organisations,
// from the summaries harvested with each project (MeasureSummary, written by data/items.ts): one
// statement per question, whatever the number of organisations.
import { z } from "zod";
import type { SqlRunner } from "../../../lib/db/migrate.ts";
import type { MeasureSummaryInput } from "./items.ts";
import { regionId, settingId, organisationId } from "../../../lib/vocabulary-zod.ts";
import {
  MEASURE_CODES,
  type DenominatorKind,
  type LibraryMeasure,
  type RateOverPoints,
} from "../../../schema/measure-library.ts";
import { funnelBand, pooledRate, type FunnelBand } from "../charts/funnel.ts";
import { badInput } from "../../../lib/errors.ts";
import { organisation } from "../directory.ts";

/** What the MeasureComparison resolvers receive: the library's measure, the organisations' entries and their funnel. */
export interface MeasureComparisonResult {
  measure: LibraryMeasure;
  entries: ComparisonRow[];
  /** Absent where no funnel is drawn (Project.measurePeers' entries). */
  funnel?: FunnelOf | null;
}

/** MeasureComparison.funnel's parent: the funnel and its measure. */
export type FunnelOf = ComparisonFunnel & { measure: LibraryMeasure };

/** A project's measure that reports a library code, with the entries of that code at other organisations. */
export interface MeasurePeers {
  measureId: string;
  code: string;
  measureName: string;
  peers: ComparisonRow[];
}

export const comparisonArgs = z.object({
  code: z.enum(MEASURE_CODES as [string, ...string[]], {
    message: "unknown measure library code (see measureLibrary)",
  }),
  filter: z
    .object({
      regions: z.array(regionId).max(30).nullable().optional(),
      settings: z.array(settingId).max(30).nullable().optional(),
      organisations: z.array(organisationId).max(100).nullable().optional(),
    })
    .strict()
    .nullable()
    .optional(),
  sort: z.enum(["ORGANISATION", "LATEST_VALUE_ASC", "LATEST_VALUE_DESC", "NAME", "UPDATED"]).nullable().optional(),
});
export type ComparisonArgs = z.infer<typeof comparisonArgs>;

export function parseComparisonArgs(raw: Record<string, unknown>): ComparisonArgs {
  const parsed = comparisonArgs.safeParse(raw);
  if (parsed.success) return parsed.data;
  // The issue's path starts with the argument itself (code, filter, sort).
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  throw badInput(`Invalid ${path.join(".")}: ${issue.message}`, path);
}

/** One entry's row: the stored summary (data/items.ts) with its item's organisation, region, settings and title. */
export interface ComparisonRow extends Omit<MeasureSummaryInput, "position" | "code" | "improvement"> {
  itemId: string;
  organisationId: string;
  regionId: string | null;
  settings: string[];
  title: string;
  updatedAt: Date;
  /** The entry's place on its comparison's funnel (MeasureComparisonEntry.rate); absent outside a comparison. */
  rate?: EntryRate | null;
}

const SELECT = `SELECT s."itemId", i."organisationId", i."regionId", i.settings, i.title, i."updatedAt", s."measureId", s.name, s.unit, s.target, s.illustrative,
  s."pointCount", to_char(s."latestDate", 'YYYY-MM-DD') AS "latestDate", s."latestValue", s.status, s.variation, s.assurance, s."iconReason", s.mean, s."upperLimit", s."lowerLimit",
  s."rateNumerator", s."rateDenominator", s."ratePoints", to_char(s."rateFrom", 'YYYY-MM-DD') AS "rateFrom", to_char(s."rateTo", 'YYYY-MM-DD') AS "rateTo"
  FROM "MeasureSummary" s JOIN "Item" i ON i.id = s."itemId"`;

/** The entries for one code, filtered in SQL; sorted here (the organisation's name is the registry's, not the index's). */
export async function compareMeasure(sql: SqlRunner, args: ComparisonArgs): Promise<ComparisonRow[]> {
  const f = args.filter ?? {};
  const rows = await sql.query<ComparisonRow>(
    `${SELECT} WHERE s.code = $1
       AND ($2::text[] IS NULL OR i."regionId" = ANY($2::text[]))
       AND ($3::text[] IS NULL OR i.settings && $3::text[])
       AND ($4::text[] IS NULL OR i."organisationId" = ANY($4::text[]))`,
    [args.code, f.regions ?? null, f.settings ?? null, f.organisations ?? null],
  );
  return sortRows(rows, args.sort ?? "ORGANISATION");
}

/** Every coded measure of the given projects, with the same codes' entries: for Project.measurePeers. */
export async function summariesOf(
  sql: SqlRunner,
  itemIds: readonly string[],
): Promise<(ComparisonRow & { code: string; position: number })[]> {
  return sql.query(
    `${SELECT.replace("SELECT ", "SELECT s.code, s.position, ")} WHERE s."itemId" = ANY($1::text[]) ORDER BY s."itemId", s.position`,
    [[...itemIds]],
  );
}

export async function entriesOfCodes(
  sql: SqlRunner,
  codes: readonly string[],
): Promise<(ComparisonRow & { code: string })[]> {
  if (codes.length === 0) return [];
  const rows = await sql.query<ComparisonRow & { code: string }>(
    `${SELECT.replace("SELECT ", "SELECT s.code, ")} WHERE s.code = ANY($1::text[])`,
    [[...codes]],
  );
  return sortRows(rows, "ORGANISATION");
}

const orgName = (r: ComparisonRow) => organisation(r.organisationId)?.name ?? r.organisationId;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortRows<T extends ComparisonRow>(rows: T[], sort: NonNullable<ComparisonArgs["sort"]>): T[] {
  // Ties always fall back to organisation, project and measure id: the order is total and stable.
  const tie = (a: T, b: T) =>
    byText(orgName(a), orgName(b)) || byText(a.title, b.title) || byText(a.measureId, b.measureId);
  const value = (dir: 1 | -1) => (a: T, b: T) =>
    a.latestValue === null
      ? b.latestValue === null
        ? 0
        : 1
      : b.latestValue === null
        ? -1
        : dir * (a.latestValue - b.latestValue);
  const compare: Record<typeof sort, (a: T, b: T) => number> = {
    ORGANISATION: () => 0,
    LATEST_VALUE_ASC: value(1),
    LATEST_VALUE_DESC: value(-1),
    NAME: (a, b) => byText(a.name, b.name),
    UPDATED: (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime(),
  };
  return [...rows].sort((a, b) => compare[sort](a, b) || tie(a, b));
}

/** An entry's rate and its place on the comparison's funnel (MeasureComparisonEntry.rate). */
export interface EntryRate extends RateOverPoints {
  band: FunnelBand;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

export interface ComparisonFunnel {
  denominatorKind: DenominatorKind;
  /** Per unit (× per for the contract's pooledRate). */
  theta: number;
  per: number;
  of: string;
  plotted: ComparisonRow[];
  missing: number;
}

// A partner's summary is not trusted to be sane: a rate needs a finite count of 0 or more over a
// finite positive denominator (the projects contract's writes hold the same), else it is left out.
const hasRate = (r: ComparisonRow) =>
  r.rateNumerator !== null &&
  r.rateDenominator !== null &&
  Number.isFinite(r.rateNumerator) &&
  Number.isFinite(r.rateDenominator) &&
  r.rateNumerator >= 0 &&
  r.rateDenominator > 0;

/**
 * The funnel over the entries that have a rate (charts/funnel.ts), and each entry's place on it: null
 * when the measure has no denominator or no entry has a rate. The pooled rate is that of the entries
 * given, so a filtered comparison has its own funnel.
 */
export function comparisonFunnel(
  measure: LibraryMeasure,
  rows: readonly ComparisonRow[],
): { funnel: ComparisonFunnel | null; rates: Map<ComparisonRow, EntryRate> } {
  const rates = new Map<ComparisonRow, EntryRate>();
  const rate = measure.rate;
  const plotted = rows.filter(hasRate);
  const theta = pooledRate(plotted.map((r) => ({ numerator: r.rateNumerator!, denominator: r.rateDenominator! })));
  if (!rate || theta === null) return { funnel: null, rates };
  for (const r of plotted) {
    const { band, inner, outer } = funnelBand(
      { numerator: r.rateNumerator!, denominator: r.rateDenominator! },
      theta,
      rate.denominatorKind,
    );
    rates.set(r, {
      numerator: r.rateNumerator!,
      denominator: r.rateDenominator!,
      value: (r.rateNumerator! / r.rateDenominator!) * rate.per,
      points: r.ratePoints ?? 0,
      from: r.rateFrom ?? "",
      to: r.rateTo ?? "",
      band,
      lower95: inner.lower * rate.per,
      upper95: inner.upper * rate.per,
      lower998: outer.lower * rate.per,
      upper998: outer.upper * rate.per,
    });
  }
  return {
    funnel: {
      denominatorKind: rate.denominatorKind,
      theta,
      per: rate.per,
      of: rate.of,
      plotted,
      missing: rows.length - plotted.length,
    },
    rates,
  };
}
