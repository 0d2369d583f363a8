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
import { overloadedMessage, type Admission } from "./admission.ts";
import type { RateLimiter } from "./rate-limit/types.ts";

export interface HttpOptions<C extends BaseContext> {
  context: ContextFunction<[{ req: IncomingMessage }], C>;
  maxBodyBytes: number;
  /** Extra JSON answered on GET /health (for example the partner id and store). */
  health?: () => Record<string, unknown>;
  /** Extra routes by path (the catalogue's POST /admin/harvest, the gateway's /export); rate limited and admitted like /graphql. */
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
   * Admission control of /graphql and the extra routes (lib/admission.ts): a request over the in-flight bound, or one
   * whose partner answers were abandoned because the byte budget was full, is answered 503 with
   * Retry-After. Checked first, before the rate limit and the body: a refusal costs nothing.
   */
  admission?: Admission;
}

export interface ListenOptions {
  port: number;
  host: string;
  /**
   * How long close() lets in-flight requests finish before it cuts them (SHUTDOWN_GRACE_MS).
   * @default 20_000
   */
  shutdownGraceMs?: number;
  /** Told how a close() went (requests cut at the deadline, if any), for the service's log. */
  onDrained?: (outcome: { ms: number; cut: number }) => void;
}

/** The default rate-limit key: the client's address (behind a proxy, the proxy's: pass keyOf). */
export const clientAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? "unknown";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /**
   * Drains, then closes: stops accepting connections, closes idle keep-alive sockets, lets every
   * request in flight finish (its response says `Connection: close`) for up to the grace period,
   * and only then cuts what is left.
   */
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

/** 503 with Retry-After: the service is at capacity (lib/admission.ts); nothing of the request was kept. */
function overloaded(res: ServerResponse, req: IncomingMessage, admission: Admission): void {
  const seconds = admission.options.retryAfterSeconds;
  res.setHeader("retry-after", String(seconds));
  // Refused before its body was read: the connection is not reused (the unread body would have to
  // be drained first), and a client at capacity's door is better off reconnecting later.
  res.setHeader("connection", "close");
  requestError(res, 503, ErrorCode.OVERLOADED, overloadedMessage(seconds), req);
}

function mediaEssence(type: string | undefined): string {
  return (type ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The operation a GET asks for, when its query parses ("query" also when there is nothing to tell). */
function operationType(query: string | null, operationName: string | null): string {
  if (!query) return "query";
  try {
    // A URL is at most Node's 16 kB of headers: this parse is small, and bounded anyway.
    return (
      getOperationAST(parse(query, { maxTokens: 5000, noLocation: true }), operationName ?? undefined)?.operation ??
      "query"
    );
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
    const requestErrors =
      !("data" in parsed) &&
      !!parsed.errors?.length &&
      parsed.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
    return requestErrors ? 200 : status;
  } catch {
    return status;
  }
}

/** Counts the request; false when it is over budget (and answered 429). Never fails a request: a limiter error lets it through. */
async function withinRateLimit(
  req: IncomingMessage,
  res: ServerResponse,
  limiter: RateLimiter,
  keyOf: HttpOptions<BaseContext>["keyOf"],
): Promise<boolean> {
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
    const route = Object.entries(options.routes ?? {}).find(
      ([path]) => url.pathname === path || url.pathname.startsWith(`${path}/`),
    )?.[1];
    // Routes count against the rate limit too (a partner's chart images are drawn per request), and
    // hold an in-flight slot like /graphql (the gateway's exports read many pages): admitted after
    // the rate limit, so a client over budget takes no slot.
    if (route) {
      if (
        options.limiter &&
        !(await withinRateLimit(req, res, options.limiter, options.keyOf as HttpOptions<BaseContext>["keyOf"]))
      )
        return;
      const admission = options.admission;
      if (admission) {
        const ticket = admission.admit(req);
        if (!ticket) return overloaded(res, req, admission);
        res.once("close", () => ticket.release());
      }
      return route(req, res);
    }
    if (url.pathname !== "/graphql" && url.pathname !== "/")
      return requestError(res, 404, ErrorCode.NOT_FOUND, "Not found: use /graphql", req);
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      return requestError(
        res,
        405,
        ErrorCode.BAD_REQUEST,
        `${req.method} is not supported: use POST (or GET for queries)`,
        req,
      );
    }
    if (
      options.limiter &&
      !(await withinRateLimit(req, res, options.limiter, options.keyOf as HttpOptions<BaseContext>["keyOf"]))
    )
      return;
    let body: unknown = undefined;
    if (req.method === "POST") {
      // Checked before the body is read: a simple (CSRF-able) content type costs us nothing.
      if (mediaEssence(req.headers["content-type"]) !== "application/json") {
        return requestError(res, 415, ErrorCode.BAD_REQUEST, "POST bodies must be application/json", req);
      }
      let text: string;
      try {
        text = await readBody(req, options.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge)
          return requestError(
            res,
            413,
            ErrorCode.PAYLOAD_TOO_LARGE,
            `Request body exceeds ${options.maxBodyBytes} bytes`,
            req,
          );
        throw e;
      }
      try {
        body = JSON.parse(text);
      } catch {
        return requestError(res, 400, ErrorCode.BAD_REQUEST, "Request body is not valid JSON", req);
      }
      if (Array.isArray(body) && body.length > (options.maxBatch ?? 0)) {
        const message = options.maxBatch
          ? `A batch may hold at most ${options.maxBatch} operations; this one holds ${body.length}`
          : `Batched requests are not accepted (this one holds ${body.length} operations): send one operation per request`;
        return requestError(res, 400, ErrorCode.BATCHING_DISABLED, message, req);
      }
    }
    // Admitted only once the request is all here: a client sending its body slowly holds a socket
    // (bounded by REQUEST_RECEIVE_TIMEOUT_MS) but never one of the in-flight slots.
    const admission = options.admission;
    const ticket = admission?.admit(req);
    if (admission) {
      if (!ticket) return overloaded(res, req, admission);
      // 'close' comes once the response is sent or the client is gone: the slot and bytes are free.
      res.once("close", () => ticket.release());
    }
    if (
      req.method === "GET" &&
      operationType(url.searchParams.get("query"), url.searchParams.get("operationName")) !== "query"
    ) {
      res.setHeader("allow", "POST");
      return requestError(
        res,
        405,
        ErrorCode.BAD_REQUEST,
        "GET requests only support query operations: send mutations with POST",
        req,
      );
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: () => options.context({ req }),
    });
    // A partner answer was abandoned for lack of room: a partial answer would look like missing
    // data, so the whole request is refused and the client retries it.
    if (ticket?.overloaded) return overloaded(res, req, admission!);
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

/** How long a client has to send a whole request, headers and body (Node's default: 300 s). */
export const REQUEST_RECEIVE_TIMEOUT_MS = 30_000;

/** The default drain deadline (SHUTDOWN_GRACE_MS in lib/config.ts says why). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;

export async function listen<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: HttpOptions<C> & ListenOptions,
): Promise<RunningServer> {
  const handler = graphqlHandler(apollo, options);
  // Responses in progress, so that a drain can tell their connections to close after them.
  const inflight = new Set<ServerResponse>();
  let draining = false;
  const server = createServer((req, res) => {
    inflight.add(res);
    res.once("close", () => inflight.delete(res));
    // During a drain a request that still arrives on an open connection is served, and its
    // connection closed after it (refusing it would cut a request the client already sent).
    if (draining) res.setHeader("connection", "close");
    handler(req, res).catch((e) => {
      if (!res.headersSent) requestError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
      else res.end();
      server.emit("handlerError", e);
    });
  });
  // Keep-alive from the gateway must outlive its agent's idle timeout, or sockets are reset mid-request.
  server.keepAliveTimeout = 65_000;
  // A request must arrive whole within this (Node answers 408 and closes otherwise): a client
  // dribbling its body holds a socket for at most this long (Node's default is 300 s).
  server.requestTimeout = REQUEST_RECEIVE_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, REQUEST_RECEIVE_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      const started = performance.now();
      draining = true;
      for (const res of inflight) if (!res.headersSent) res.setHeader("connection", "close");
      // Stops accepting and (Node >= 19) closes idle keep-alive sockets; the callback comes when the
      // last connection has ended. A socket that becomes idle after its response is closed by its
      // `Connection: close`; the sweep below catches any that did not (a response already started).
      let cut = 0;
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => {
        cut = inflight.size;
        server.closeAllConnections();
      }, graceMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        options.onDrained?.({ ms: Math.round(performance.now() - started), cut });
        resolve();
      });
    }));
  return { server, port, url: `http://${options.host}:${port}/graphql`, close };
}
