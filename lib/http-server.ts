// A small node:http front for an Apollo Server: /graphql (GET and POST), /health, a request body
// limit, and a listen() that works on port 0 for tests. Apollo's standalone server has no health
// route and no body limit we control, hence this file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from "@apollo/server";

export interface HttpOptions<C extends BaseContext> {
  context: ContextFunction<[{ req: IncomingMessage }], C>;
  maxBodyBytes: number;
  /** Extra JSON answered on GET /health (for example the partner id and store). */
  health?: () => Record<string, unknown>;
  /** Extra routes by path (the catalogue's POST /admin/harvest). */
  routes?: Record<string, RouteHandler>;
}

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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function requestError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

export function graphqlHandler<C extends BaseContext>(apollo: ApolloServer<C>, options: HttpOptions<C>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") return sendJson(res, 200, { status: "ok", ...(options.health?.() ?? {}) });
    // A route answers its path and everything below it ("/charts/measures" serves "/charts/measures/<id>.svg").
    const route = Object.entries(options.routes ?? {}).find(([path]) => url.pathname === path || url.pathname.startsWith(`${path}/`))?.[1];
    if (route) return route(req, res);
    if (url.pathname !== "/graphql" && url.pathname !== "/") return requestError(res, 404, "NOT_FOUND", "Not found: use /graphql");
    let body: unknown = undefined;
    if (req.method === "POST") {
      let text: string;
      try {
        text = await readBody(req, options.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) return requestError(res, 413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${options.maxBodyBytes} bytes`);
        throw e;
      }
      const type = req.headers["content-type"] ?? "";
      if (!type.includes("application/json")) return requestError(res, 415, "BAD_REQUEST", "POST bodies must be application/json");
      try {
        body = JSON.parse(text);
      } catch {
        return requestError(res, 400, "BAD_REQUEST", "Request body is not valid JSON");
      }
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
