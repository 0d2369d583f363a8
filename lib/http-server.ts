// A small node:http front for an Apollo Server: /graphql (GET and POST), /health, a request body
// limit, and a listen() that works on port 0 for tests. Apollo's standalone server has no health
// route and no body limit we control, hence this file.
//
// GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): Apollo Server negotiates
// `Accept` (application/graphql-response+json or application/json, 406 otherwise), refuses GET for
// mutations once it has validated them (405), and answers 400 for parse and validation errors. This
// front adds what it leaves out: 405 for other methods and for a GET mutation before validation
// (a schema without mutations would otherwise call it a validation error), 415 for a POST that is
// not application/json, 413 for a body over the limit, a clear refusal of batches, 429 from the
// rate limiter, and 200 instead of 400 for a GraphQL request error answered as application/json (the
// spec's rule for legacy clients: they cannot tell a 4xx of ours from a proxy's).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from "@apollo/server";
import { getOperationAST, parse } from "graphql";
import { ErrorCode, REQUEST_ERROR_CODES } from "./errors.ts";
import type { RateLimiter } from "./rate-limit/types.ts";

export interface HttpOptions<C extends BaseContext> {
  context: ContextFunction<[{ req: IncomingMessage }], C>;
  maxBodyBytes: number;
  /** Extra JSON answered on GET /health (for example the partner id and store). */
  health?: () => Record<string, unknown>;
  /** Extra routes by path (the catalogue's POST /admin/harvest). */
  routes?: Record<string, RouteHandler>;
  /** Rate limiting of /graphql and the extra routes: over budget is 429 with Retry-After. */
  limiter?: RateLimiter;
  /**
   * The client a request is counted against: by default its address. Async so that it may verify
   * a bearer token and count by user; a failure counts the request against its address. Undefined:
   * the request is not counted (a partner's signed forwards, counted at the gateway).
   */
  keyOf?: (req: IncomingMessage) => Promise<string | undefined> | string | undefined;
  /** Most operations in one batched POST (a JSON array); 0 or absent refuses batches. Keep in step with Apollo's allowBatchedHttpRequests. */
  maxBatch?: number;
  /**
   * Tried for a POSTed GraphQL request before Apollo Server, after the rate limit: an answer it
   * returns is sent as it is (status 200); undefined hands the request to Apollo (the gateway's
   * single-fetch shortcut, gateway/single-fetch.ts).
   */
  shortcut?: (req: IncomingMessage, body: unknown) => Promise<{ headers: Record<string, string>; body: string } | undefined>;
}

/** The default rate-limit key: the client's address (behind a proxy, the proxy's: pass keyOf). */
export const clientAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? "unknown";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, type = "application/json; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type });
  res.end(JSON.stringify(body));
}

const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";

/** The media type of our own error answers: application/graphql-response+json when the client prefers it, as Apollo Server does. */
function errorMediaType(req: IncomingMessage | undefined): string | undefined {
  const accept = (req?.headers.accept ?? "").toLowerCase();
  const modern = accept.indexOf("application/graphql-response+json");
  const legacy = accept.search(/application\/json|\*\/\*/);
  return modern >= 0 && (legacy < 0 || modern < legacy) ? GRAPHQL_RESPONSE_JSON : undefined;
}

function requestError(res: ServerResponse, status: number, code: string, message: string, req?: IncomingMessage): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, errorMediaType(req));
}

function mediaEssence(type: string | undefined): string {
  return (type ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The operation a GET asks for, when its query parses ("query" also when there is nothing to tell). */
function operationType(query: string | null, operationName: string | null): string {
  if (!query) return "query";
  try {
    // A URL is at most Node's 16 kB of headers: this parse is small, and bounded anyway.
    return getOperationAST(parse(query, { maxTokens: 5000, noLocation: true }), operationName ?? undefined)?.operation ?? "query";
  } catch {
    return "query";
  }
}

/**
 * GraphQL over HTTP: with application/json a well-formed request is answered 200 even when its
 * document fails (parse, validation, edge limits, variables); Apollo Server says 400 whatever the
 * media type. application/graphql-response+json keeps the 400.
 */
function statusFor(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || mediaEssence(contentType) !== "application/json") return status;
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    const requestErrors = !("data" in parsed) && !!parsed.errors?.length && parsed.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
    return requestErrors ? 200 : status;
  } catch {
    return status;
  }
}

/** Counts the request; false when it is over budget (and answered 429). Never fails a request: a limiter error lets it through. */
async function withinRateLimit(req: IncomingMessage, res: ServerResponse, limiter: RateLimiter, keyOf: HttpOptions<BaseContext>["keyOf"]): Promise<boolean> {
  let key: string | undefined;
  try {
    key = await (keyOf ?? clientAddress)(req);
  } catch {
    key = clientAddress(req);
  }
  if (key === undefined) return true;
  let decision;
  try {
    decision = await limiter.consume(key);
  } catch {
    return true;
  }
  const resetSeconds = Math.ceil(decision.resetMs / 1000);
  // IETF draft-ietf-httpapi-ratelimit-headers (the widely deployed form).
  res.setHeader("ratelimit-limit", String(limiter.limit));
  res.setHeader("ratelimit-remaining", String(decision.remaining));
  res.setHeader("ratelimit-reset", String(resetSeconds));
  res.setHeader("ratelimit-policy", `${limiter.limit};w=${Math.ceil(limiter.windowMs / 1000)}`);
  if (decision.allowed) return true;
  res.setHeader("retry-after", String(Math.max(1, resetSeconds)));
  requestError(
    res,
    429,
    ErrorCode.RATE_LIMITED,
    `Rate limit exceeded: ${limiter.limit} requests per ${limiter.windowMs / 1000} s; try again in ${Math.max(1, resetSeconds)} s`,
    req,
  );
  return false;
}

export function graphqlHandler<C extends BaseContext>(apollo: ApolloServer<C>, options: HttpOptions<C>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") return sendJson(res, 200, { status: "ok", ...(options.health?.() ?? {}) });
    // A route answers its path and everything below it ("/charts/measures" serves "/charts/measures/<id>.svg").
    const route = Object.entries(options.routes ?? {}).find(([path]) => url.pathname === path || url.pathname.startsWith(`${path}/`))?.[1];
    // Routes count against the rate limit too (a partner's chart images are drawn per request).
    if (route) return options.limiter && !(await withinRateLimit(req, res, options.limiter, options.keyOf as HttpOptions<BaseContext>["keyOf"])) ? undefined : route(req, res);
    if (url.pathname !== "/graphql" && url.pathname !== "/") return requestError(res, 404, "NOT_FOUND", "Not found: use /graphql", req);
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      return requestError(res, 405, "BAD_REQUEST", `${req.method} is not supported: use POST (or GET for queries)`, req);
    }
    if (options.limiter && !(await withinRateLimit(req, res, options.limiter, options.keyOf as HttpOptions<BaseContext>["keyOf"]))) return;
    let body: unknown = undefined;
    if (req.method === "POST") {
      // Checked before the body is read: a simple (CSRF-able) content type costs us nothing.
      if (mediaEssence(req.headers["content-type"]) !== "application/json") {
        return requestError(res, 415, "BAD_REQUEST", "POST bodies must be application/json", req);
      }
      let text: string;
      try {
        text = await readBody(req, options.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) return requestError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds ${options.maxBodyBytes} bytes`, req);
        throw e;
      }
      try {
        body = JSON.parse(text);
      } catch {
        return requestError(res, 400, "BAD_REQUEST", "Request body is not valid JSON", req);
      }
      if (Array.isArray(body) && body.length > (options.maxBatch ?? 0)) {
        const message = options.maxBatch
          ? `A batch may hold at most ${options.maxBatch} operations; this one holds ${body.length}`
          : `Batched requests are not accepted (this one holds ${body.length} operations): send one operation per request`;
        return requestError(res, 400, ErrorCode.BATCHING_DISABLED, message, req);
      }
      const answer = options.shortcut ? await options.shortcut(req, body) : undefined;
      if (answer) {
        res.writeHead(200, answer.headers);
        res.end(answer.body);
        return;
      }
    } else if (operationType(url.searchParams.get("query"), url.searchParams.get("operationName")) !== "query") {
      res.setHeader("allow", "POST");
      return requestError(res, 405, "BAD_REQUEST", "GET requests only support query operations: send mutations with POST", req);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: () => options.context({ req }),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      res.statusCode = statusFor(res.statusCode, result.headers.get("content-type"), result.body.string);
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

export async function listen<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C> & { port: number; host: string },
): Promise<RunningServer> {
  const handler = graphqlHandler(apollo, options);
  const server = createServer((req, res) => {
    handler(req, res).catch((e) => {
      if (!res.headersSent) requestError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
      else res.end();
      server.emit("handlerError", e);
    });
  });
  // Keep-alive from the gateway must outlive its agent's idle timeout, or sockets are reset mid-request.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${options.host}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
