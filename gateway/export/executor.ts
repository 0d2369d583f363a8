// How the exports read the catalogue: GraphQL operations run by the gateway's own Apollo Server
// (its planner, data sources, edge limits and masking), never a database. Each operation is charged
// to the HTTP request's admission ticket, so a heavy export holds its slot and its partner bytes
// like any other request.
import type { IncomingMessage } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import { ErrorCode, REQUEST_ERROR_CODES } from "../../lib/errors.ts";
import { ANONYMOUS } from "../../lib/auth/identity.ts";
import type { Ticket } from "../../lib/admission.ts";
import type { GatewayContext } from "../server.ts";

/** A failure an export answers as JSON `{ errors: [{ message, extensions: { code } }] }` with this status. */
export class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ExportExecutorOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The request's admission ticket (lib/admission.ts), charged with its partner answers. */
  ticketOf: (req: IncomingMessage) => Ticket | undefined;
  /** What the request counts against for planning (the rate limiter's key). */
  clientOf: (req: IncomingMessage) => Promise<string | undefined>;
}

/**
 * `streamed`: the answer is one page of a streamed export, written out at once; its partner bytes are
 * given back to the admission budget as soon as it is read (lib/admission.ts releaseBytes), so
 * MAX_RESPONSE_BYTES bounds each page rather than the whole export.
 */
export type Execute = <T>(
  req: IncomingMessage,
  query: string,
  variables: Record<string, unknown>,
  options?: { streamed?: boolean },
) => Promise<T>;

/**
 * Runs one read as an anonymous caller (exports are public: published items only) and returns its
 * data. A request error (bad argument, bad cursor, edge limit) is a 400 with its code and message; a
 * refusal for capacity a 503; anything else, a partner missing included, is left to the caller
 * through partial data (the fields are null), as the API would answer it.
 */
export function executor(options: ExportExecutorOptions): Execute {
  return async <T>(
    req: IncomingMessage,
    query: string,
    variables: Record<string, unknown>,
    how: { streamed?: boolean } = {},
  ): Promise<T> => {
    const ticket = options.ticketOf(req);
    const response = await options.apollo.executeOperation(
      { query, variables },
      { contextValue: { identity: ANONYMOUS, client: await options.clientOf(req), budget: ticket } },
    );
    if (how.streamed) ticket?.releaseBytes();
    if (ticket?.overloaded)
      throw new ExportError(503, ErrorCode.OVERLOADED, "The service is at capacity: try again shortly");
    if (response.body.kind !== "single")
      throw new ExportError(500, ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
    const { data, errors } = response.body.singleResult;
    const request = errors?.find((e: GraphQLFormattedError) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
    if (request) throw new ExportError(400, String(request.extensions?.code), request.message);
    const tooLarge = errors?.find((e) => e.extensions?.code === ErrorCode.RESPONSE_TOO_LARGE);
    if (tooLarge) throw new ExportError(413, ErrorCode.RESPONSE_TOO_LARGE, tooLarge.message);
    if (!data)
      throw new ExportError(
        502,
        String(errors?.[0]?.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR),
        errors?.[0]?.message ?? "No data",
      );
    return data as T;
  };
}
