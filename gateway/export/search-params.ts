// The query string of /export/search.csv as the arguments of the catalogue's `search`: `query`,
// `sort`, and each SearchFilter field by its name (kinds, partners, organisations, conditions, ...),
// repeated or comma-separated (`kinds=RESOURCE&kinds=PROJECT` = `kinds=RESOURCE,PROJECT`). The field
// and enum names are read from the catalogue contract, so the two cannot drift. Here only the shape
// is checked (no unknown parameter, one query, a sort the contract has); the values are validated by
// the catalogue's own search, exactly as for the API, and its refusal is answered 400 as well.
import { Kind as AstKind, type InputObjectTypeDefinitionNode } from "graphql";
import { z } from "zod";
import { contractDocument, contractEnum } from "../../schema/contracts.ts";
import { ErrorCode } from "../../lib/errors.ts";
import { ExportError } from "./executor.ts";

const filterInput = contractDocument("catalogue").definitions.find(
  (d): d is InputObjectTypeDefinitionNode =>
    d.kind === AstKind.INPUT_OBJECT_TYPE_DEFINITION && d.name.value === "SearchFilter",
);
/** SearchFilter's fields, as query parameters. */
export const FILTER_PARAMETERS: readonly string[] = (filterInput?.fields ?? []).map((f) => f.name.value);

const scalars = z
  .object({
    // Its length and characters are the catalogue search's to refuse (one rule, one place).
    query: z.string().optional(),
    sort: z.enum(contractEnum("catalogue", "SearchSort")).optional(),
  })
  .strict();

export interface SearchArguments {
  query?: string;
  sort?: string;
  filter: Record<string, string[]>;
}

function refuse(parameter: string, message: string): never {
  throw new ExportError(400, ErrorCode.BAD_USER_INPUT, `Invalid parameter ${parameter}: ${message}`, { parameter });
}

/** The search a query string asks for; an ExportError (400, BAD_USER_INPUT, naming the parameter) otherwise. */
export function searchArguments(params: URLSearchParams, extra: readonly string[] = []): SearchArguments {
  const filter: Record<string, string[]> = {};
  const single: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (extra.includes(name)) continue;
    if (FILTER_PARAMETERS.includes(name)) {
      const list = values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter((v) => v !== "");
      filter[name] = list;
      continue;
    }
    if (name !== "query" && name !== "sort") {
      refuse(
        name,
        `unknown parameter; use query, sort, ${FILTER_PARAMETERS.join(", ")}${extra.length ? `, ${extra.join(", ")}` : ""}`,
      );
    }
    if (values.length > 1) refuse(name, "give it once");
    single[name] = values[0]!;
  }
  const parsed = scalars.safeParse(single);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    refuse(String(issue.path[0] ?? "query"), issue.message);
  }
  return { ...parsed.data, filter };
}
