// The error-code registry (ERROR_CODES: code, meaning, HTTP status, exposed or masked) and the
// masking that applies it. Expected failures carry a stable extensions.code (and the partner, when
// one is involved); anything else is masked to INTERNAL_SERVER_ERROR with no detail and no stack trace.
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ApolloServerErrorCode, unwrapResolverError } from "@apollo/server/errors";
import type { ZodError } from "zod";

/** One entry of the registry: what the code means, how it is answered, and whether clients see it. */
export interface ErrorCodeEntry {
  meaning: string;
  /**
   * The HTTP status of a response refused with this code. A code that is a field's error inside an
   * otherwise answered result (NOT_FOUND, PARTNER_UNAVAILABLE...) rides on a 200; where the status
   * varies (BAD_REQUEST: 400, 405 or 415), the usual one.
   */
  status: number;
  /** Exposed: the client sees the code and message. Masked: INTERNAL_SERVER_ERROR, no detail. */
  exposed: boolean;
  /**
   * A GraphQL request error (about the document or its variables): GraphQL over HTTP answers it 200
   * with application/json, 4xx with application/graphql-response+json.
   */
  requestError?: true;
  /** One of the edge's limits on a document (gateway/edge, lib/limits). */
  edgeLimit?: true;
}

const C = ApolloServerErrorCode;

/**
 * Every error code the project answers with, in one place. Apollo Server's own codes are its
 * ApolloServerErrorCode values; the rest are this project's. Everything else is masked.
 */
export const ERROR_CODES = {
  // Apollo Server's: parse, validation, bad variables, persisted queries, malformed HTTP requests.
  [C.GRAPHQL_PARSE_FAILED]: {
    meaning: "The query is not valid GraphQL syntax",
    status: 400,
    exposed: true,
    requestError: true,
  },
  [C.GRAPHQL_VALIDATION_FAILED]: {
    meaning: "The query does not validate against the schema",
    status: 400,
    exposed: true,
    requestError: true,
  },
  [C.BAD_USER_INPUT]: {
    meaning: "An argument or variable is invalid; extensions.argumentPath names it",
    status: 400,
    exposed: true,
    requestError: true,
  },
  [C.OPERATION_RESOLUTION_FAILURE]: {
    meaning: "The document names no operation to run, or an unknown operationName",
    status: 400,
    exposed: true,
    requestError: true,
  },
  [C.BAD_REQUEST]: {
    meaning: "The HTTP request is malformed (method, content type, JSON body)",
    status: 400,
    exposed: true,
  },
  [C.PERSISTED_QUERY_NOT_FOUND]: {
    meaning: "An automatic persisted query whose hash is not cached yet: send the query",
    status: 200,
    exposed: true,
  },
  [C.PERSISTED_QUERY_NOT_SUPPORTED]: {
    meaning: "Persisted queries are off for this service",
    status: 200,
    exposed: true,
  },
  [C.INTERNAL_SERVER_ERROR]: {
    meaning: "An unexpected failure, masked: no message detail, no stack trace (logged)",
    status: 500,
    exposed: false,
  },
  // Reads.
  NOT_FOUND: { meaning: "No such item (or route): the id or path names nothing here", status: 404, exposed: true },
  PARTNER_UNAVAILABLE: {
    meaning: "The partner that owns the data did not answer in time; extensions.partner names it",
    status: 200,
    exposed: true,
  },
  PARTNER_QUARANTINED: {
    meaning: "The partner's schema does not honour its kind's contract; the gateway does not call it",
    status: 200,
    exposed: true,
  },
  UNKNOWN_PARTNER: {
    meaning: "An id names a partner the registry does not know or has disabled",
    status: 200,
    exposed: true,
  },
  NOT_ROUTABLE: {
    meaning:
      "The gateway cannot send this root field to one partner of the kind (a fetch of nothing, or of a field with no route)",
    status: 200,
    exposed: true,
  },
  // Identity and writes (lib/auth, subgraphs/shared/writes.ts).
  UNAUTHENTICATED: {
    meaning: "No valid identity: a bad token, or a write without a signed-in user",
    status: 401,
    exposed: true,
  },
  FORBIDDEN: { meaning: "The caller is known but may not do this", status: 403, exposed: true },
  IDEMPOTENCY_KEY_REUSED: {
    meaning: "The idempotency key was used before for a different write",
    status: 200,
    exposed: true,
  },
  WRITE_SPANS_PARTNERS: {
    meaning: "One mutation request writes to two partners (gateway/one-partner-writes.ts)",
    status: 400,
    exposed: true,
    requestError: true,
  },
  CONFLICT: {
    meaning: "The write contradicts what is stored (a member already in the team...)",
    status: 200,
    exposed: true,
  },
  METHOD_NOT_ALLOWED: {
    meaning: "An HTTP route called with a method it does not take (the catalogue's POST /admin/harvest)",
    status: 405,
    exposed: true,
  },
  // Limits at the edge (gateway/edge): each message states the limit and the measured value.
  QUERY_TOO_DEEP: {
    meaning: "The document nests deeper than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  TOO_MANY_ALIASES: {
    meaning: "The document has more aliases than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  TOO_MANY_ROOT_FIELDS: {
    meaning: "The operation has more root fields than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  TOO_MANY_DIRECTIVES: {
    meaning: "The document has more directives than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  TOO_MANY_TOKENS: {
    meaning: "The document has more tokens than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  QUERY_TOO_COMPLEX: {
    meaning: "The operation's estimated cost (@cost/@listSize) is over the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  RATE_LIMITED: {
    meaning: "Too many requests from this client in the window; Retry-After says when to come back",
    status: 429,
    exposed: true,
  },
  BATCHING_DISABLED: { meaning: "A JSON array of operations: batching is off", status: 400, exposed: true },
  PAYLOAD_TOO_LARGE: { meaning: "The request body is over the size limit", status: 413, exposed: true },
  PERSISTED_QUERY_HASH_MISMATCH: {
    meaning: "An automatic persisted query whose extensions.persistedQuery.sha256Hash is not the query's SHA-256",
    status: 400,
    exposed: true,
  },
  PERSISTED_QUERY_VERSION_UNSUPPORTED: {
    meaning: "An automatic persisted query of a version other than 1",
    status: 400,
    exposed: true,
  },
  // Limits that hold at every partner too (lib/limits), and the gateway's planning budget.
  TOO_MANY_ENTITIES: {
    meaning: "One request asks a partner for more entities than the limit",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  ACTUAL_COST_TOO_HIGH: {
    meaning: "The answer's actual cost is over the limit (it is not sent)",
    status: 400,
    exposed: true,
    requestError: true,
    edgeLimit: true,
  },
  PLANNING_BUDGET_EXCEEDED: {
    meaning: "Planning new documents is over the gateway's budget for now; Retry-After says when",
    status: 429,
    exposed: true,
  },
  // Admission control (lib/admission.ts).
  OVERLOADED: { meaning: "The service is full; Retry-After says when to come back", status: 503, exposed: true },
  RESPONSE_TOO_LARGE: {
    meaning: "One request's partner answers exceed MAX_RESPONSE_BYTES",
    status: 200,
    exposed: true,
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCodeName = keyof typeof ERROR_CODES;

const codesWhere = (test: (entry: ErrorCodeEntry) => boolean): ReadonlySet<string> =>
  new Set(
    Object.entries(ERROR_CODES as Record<ErrorCodeName, ErrorCodeEntry>).flatMap(([code, entry]) =>
      test(entry) ? [code] : [],
    ),
  );

/** Each code by name (ErrorCode.NOT_FOUND === "NOT_FOUND"), so that no code is typed twice. */
export const ErrorCode: { readonly [K in ErrorCodeName]: K } = Object.fromEntries(
  Object.keys(ERROR_CODES).map((code) => [code, code]),
) as {
  readonly [K in ErrorCodeName]: K;
};

/** The edge's rejections of a document (a GraphQL request error: 4xx with application/graphql-response+json). */
export const EDGE_LIMIT_CODES = codesWhere((e) => e.edgeLimit === true);

/**
 * Errors about the GraphQL document or its variables in an otherwise well-formed HTTP request. GraphQL
 * over HTTP answers them 200 with application/json and 4xx with application/graphql-response+json.
 */
export const REQUEST_ERROR_CODES = codesWhere((e) => e.requestError === true);

export function badInput(message: string, argumentPath: (string | number)[] = []): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argumentPath: argumentPath.map(String) },
  });
}

/** Turns a zod failure on argument `arg` into one BAD_USER_INPUT error naming the first offending path. */
export function fromZod(error: Pick<ZodError, "issues">, arg: string): GraphQLError {
  const issue = error.issues[0];
  const path = [arg, ...(issue?.path ?? []).map((p) => String(p))];
  return badInput(`Invalid ${path.join(".")}: ${issue?.message ?? "invalid value"}`, path);
}

const EXPOSED_CODES = codesWhere((e) => e.exposed);

/**
 * Apollo Server formatError: keeps designed errors, masks everything else. Stack traces never
 * leave the process (they are logged by the caller's plugin instead). `serviceName` (which the
 * gateway adds to a subgraph's errors) names our internal topology, not anything a client can use:
 * a partner error names the partner in `extensions.partner`.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const {
    stacktrace: _drop,
    exception: _drop2,
    serviceName: _drop3,
    ...extensions
  } = (formatted.extensions ?? {}) as Record<string, unknown>;
  if (typeof code === "string" && EXPOSED_CODES.has(code)) {
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  if (
    original instanceof GraphQLError &&
    typeof original.extensions?.code === "string" &&
    EXPOSED_CODES.has(original.extensions.code)
  ) {
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error",
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
