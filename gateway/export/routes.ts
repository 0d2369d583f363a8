// The gateway's open export, under /export (lib/http-server.ts routes: rate limited and admitted
// like /graphql):
//   GET /export/catalogue.jsonld | .ttl ?first=&after=  DCAT-AP 3, one page; the next page's URL in
//                                                      a `Link: <...>; rel="next"` header (RFC 8288)
//   GET /export/items/<id>.jsonld                      schema.org JSON-LD of one item or organisation
//   GET /export/search.csv ?query=&sort=&<filter>=     every page of a search, streamed
// Everything is read through the gateway's GraphQL (executor.ts). Failures are JSON
// `{ errors: [{ message, extensions: { code } }] }` with a 4xx/5xx status, never a stack trace.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Registry } from "../../lib/registry/registry.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { RouteHandler } from "../../lib/http-server.ts";
import type { Logger } from "pino";
import { ExportError, type Execute } from "./executor.ts";
import { CATALOGUE_PAGE_QUERY, cataloguePageNodes, type CataloguePage } from "./dcat.ts";
import { toJsonLd, toTurtle } from "./rdf.ts";
import { itemQueryOf, schemaOrgItem } from "./schema-org.ts";
import { searchArguments } from "./search-params.ts";
import { csvRow } from "./csv.ts";

export interface ExportOptions {
  execute: Execute;
  registry: () => Registry;
  logger: Logger;
  /**
   * Resources per page of the DCAT export when `first` is not given.
   * @default 50 (a page reads each resource's owner live: 50 keeps one page well under MAX_RESPONSE_BYTES)
   */
  pageSize?: number;
  /**
   * Results per search call of the CSV export (the catalogue's search allows at most 100).
   * @default 100
   */
  csvPageSize?: number;
  /** The base of the exports' identifiers and links; default: http://<Host header of the request>. */
  baseUrl?: string;
}

export const EXPORT_DEFAULTS = { pageSize: 50, csvPageSize: 100 } as const;
/** The catalogue's search answers at most this many results a page. */
const MAX_PAGE = 100;

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function baseOf(req: IncomingMessage, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, "");
  const host = req.headers.host;
  return `http://${host && HOST.test(host) ? host : "localhost"}`;
}

function sendError(res: ServerResponse, e: ExportError): void {
  if (e.status === 503) res.setHeader("retry-after", "1");
  res.writeHead(e.status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify({ errors: [{ message: e.message, extensions: { code: e.code, ...e.extensions } }] }));
}

const pageParams = z
  .object({
    first: z.coerce
      .number()
      .int("must be a whole number")
      .min(1, `must be between 1 and ${MAX_PAGE}`)
      .max(MAX_PAGE, `must be between 1 and ${MAX_PAGE}`)
      .optional(),
    after: z.string().max(200, "must be at most 200 characters").optional(),
  })
  .strict();

function parsePage(params: URLSearchParams): z.infer<typeof pageParams> {
  for (const name of new Set(params.keys()))
    if (params.getAll(name).length > 1)
      throw new ExportError(400, ErrorCode.BAD_USER_INPUT, `Invalid parameter ${name}: give it once`, {
        parameter: name,
      });
  const parsed = pageParams.safeParse(Object.fromEntries(params));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0]);
  const message = issue.code === "unrecognized_keys" ? "unknown parameter; use first and after" : issue.message;
  throw new ExportError(400, ErrorCode.BAD_USER_INPUT, `Invalid parameter ${name}: ${message}`, { parameter: name });
}

async function catalogue(
  o: ExportOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  format: "jsonld" | "ttl",
): Promise<void> {
  const { first = o.pageSize ?? EXPORT_DEFAULTS.pageSize, after } = parsePage(url.searchParams);
  const registry = o.registry();
  const page = await o.execute<CataloguePage>(req, CATALOGUE_PAGE_QUERY, {
    first,
    after: after ?? null,
    owner: registry.catalogue().organisation,
  });
  const base = baseOf(req, o.baseUrl);
  const nodes = cataloguePageNodes(base, page, registry);
  const { hasNextPage, endCursor } = page.search.pageInfo;
  if (hasNextPage && endCursor) {
    const next = new URLSearchParams({ first: String(first), after: endCursor });
    res.setHeader("link", `<${base}/export/catalogue.${format}?${next}>; rel="next"`);
  }
  res.setHeader("x-total-count", String(page.search.totalCount));
  if (format === "jsonld") {
    res.writeHead(200, { "content-type": "application/ld+json; charset=utf-8" });
    res.end(JSON.stringify(toJsonLd(nodes)));
  } else {
    res.writeHead(200, { "content-type": "text/turtle; charset=utf-8" });
    res.end(toTurtle(nodes));
  }
}

async function item(o: ExportOptions, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  if (id.length > 200 || !/^[A-Za-z0-9:_-]+$/.test(id))
    throw new ExportError(
      400,
      ErrorCode.BAD_USER_INPUT,
      "Invalid item id: expected <partner>:<kind>:<local id> or an organisation id",
      { parameter: "id" },
    );
  const data = await o.execute<{ item: Record<string, unknown> | null }>(req, itemQueryOf(id), { id });
  if (!data.item) throw new ExportError(404, ErrorCode.NOT_FOUND, `No published item or organisation ${id}`);
  res.writeHead(200, { "content-type": "application/ld+json; charset=utf-8" });
  res.end(JSON.stringify(schemaOrgItem(baseOf(req, o.baseUrl), id, data.item)));
}

export const CSV_COLUMNS = [
  "id",
  "kind",
  "title",
  "summary",
  "organisation",
  "organisation_name",
  "partner",
  "stale",
  "last_seen",
  "score",
] as const;
const SEARCH_QUERY = `query ExportSearch($query: String, $filter: SearchFilter, $sort: SearchSort, $first: Int!, $after: String) {
  search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { score node { __typename id title summary stale lastSeen organisation { id name } partner { id } } }
  }
}`;
/** The fields of a search hit the CSV has a column for (CSV_COLUMNS, the query above). */
interface SearchNode {
  id: string;
  __typename: string;
  title: string;
  summary: string | null;
  organisation: { id: string; name: string } | null;
  partner: { id: string } | null;
  stale: boolean;
  lastSeen: string | null;
}
interface SearchPage {
  search: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { score: number | null; node: SearchNode }[];
  };
}

/** Waits until the socket takes more (backpressure), or the client has gone. */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });

async function searchCsv(o: ExportOptions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const args = searchArguments(url.searchParams);
  const variables = {
    query: args.query ?? null,
    sort: args.sort ?? null,
    filter: Object.keys(args.filter).length ? args.filter : null,
    first: o.csvPageSize ?? EXPORT_DEFAULTS.csvPageSize,
  };
  let after: string | null = null;
  let rows = 0;
  let pages = 0;
  // The first page is read before anything is sent, so a refused search is a clean 400 (after the
  // status is sent, a failure can only cut the stream: the response is destroyed, never left short
  // and looking complete).
  for (;;) {
    let page: SearchPage;
    try {
      page = await o.execute<SearchPage>(req, SEARCH_QUERY, { ...variables, after }, { streamed: true });
    } catch (e) {
      if (!res.headersSent) throw e;
      o.logger.warn({ rows, pages, err: (e as Error).message }, "export: search.csv cut mid-stream");
      res.destroy();
      return;
    }
    if (!res.headersSent) {
      res.writeHead(200, {
        "content-type": "text/csv; charset=utf-8; header=present",
        "content-disposition": 'attachment; filename="search.csv"',
      });
      res.write(csvRow([...CSV_COLUMNS]));
    }
    pages++;
    let text = "";
    for (const { score, node: n } of page.search.edges) {
      text += csvRow([
        n.id,
        n.__typename,
        n.title,
        n.summary,
        n.organisation?.id,
        n.organisation?.name,
        n.partner?.id,
        n.stale,
        n.lastSeen,
        score,
      ]);
      rows++;
    }
    if (!res.write(text)) await drained(res);
    if (res.destroyed) return;
    const { hasNextPage, endCursor } = page.search.pageInfo;
    if (!hasNextPage || !endCursor) break;
    after = endCursor;
  }
  res.end();
  o.logger.info({ rows, pages }, "export: search.csv");
}

/** The /export route for lib/http-server.ts. */
export function exportRoutes(o: ExportOptions): Record<string, RouteHandler> {
  return {
    "/export": async (req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      try {
        if (req.method !== "GET" && req.method !== "HEAD") {
          res.setHeader("allow", "GET");
          throw new ExportError(
            405,
            ErrorCode.BAD_REQUEST,
            `${req.method} is not supported: the exports are read with GET`,
          );
        }
        const path = url.pathname;
        if (path === "/export/catalogue.jsonld") return await catalogue(o, req, res, url, "jsonld");
        if (path === "/export/catalogue.ttl") return await catalogue(o, req, res, url, "ttl");
        if (path === "/export/search.csv") return await searchCsv(o, req, res, url);
        const itemPath = /^\/export\/items\/([^/]+)\.jsonld$/.exec(path);
        if (itemPath)
          return await item(o, req, res, decodeURIComponent(itemPath[1]!.replace(/%(?![0-9A-Fa-f]{2})/g, "%25")));
        throw new ExportError(
          404,
          ErrorCode.NOT_FOUND,
          "Not found: the exports are /export/catalogue.jsonld, /export/catalogue.ttl, /export/items/<id>.jsonld and /export/search.csv",
        );
      } catch (e) {
        if (!(e instanceof ExportError)) throw e;
        if (res.headersSent) return void res.destroy();
        sendError(res, e);
      }
    },
  };
}
