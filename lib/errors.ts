// Expected failures carry a stable extensions.code (and the partner, when one is involved).
// Anything else is masked to INTERNAL_SERVER_ERROR with no message detail and no stack trace.
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { ZodError } from "zod";

export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  PARTNER_UNAVAILABLE: "PARTNER_UNAVAILABLE",
  PARTNER_QUARANTINED: "PARTNER_QUARANTINED",
  UNKNOWN_PARTNER: "UNKNOWN_PARTNER",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  // Identity and writes (lib/auth, subgraphs/shared/writes.ts).
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  WRITE_SPANS_PARTNERS: "WRITE_SPANS_PARTNERS",
  CONFLICT: "CONFLICT",
  // Limits at the edge (gateway/edge): each message states the limit and the measured value.
  QUERY_TOO_DEEP: "QUERY_TOO_DEEP",
  TOO_MANY_ALIASES: "TOO_MANY_ALIASES",
  TOO_MANY_ROOT_FIELDS: "TOO_MANY_ROOT_FIELDS",
  TOO_MANY_DIRECTIVES: "TOO_MANY_DIRECTIVES",
  TOO_MANY_TOKENS: "TOO_MANY_TOKENS",
  QUERY_TOO_COMPLEX: "QUERY_TOO_COMPLEX",
  RATE_LIMITED: "RATE_LIMITED",
  BATCHING_DISABLED: "BATCHING_DISABLED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** An automatic persisted query whose extensions.persistedQuery.sha256Hash is not the query's SHA-256. */
  PERSISTED_QUERY_HASH_MISMATCH: "PERSISTED_QUERY_HASH_MISMATCH",
  /** An automatic persisted query of a version other than 1. */
  PERSISTED_QUERY_VERSION_UNSUPPORTED: "PERSISTED_QUERY_VERSION_UNSUPPORTED",
  // Limits that hold at every partner too (lib/limits), and the gateway's planning budget.
  TOO_MANY_ENTITIES: "TOO_MANY_ENTITIES",
  ACTUAL_COST_TOO_HIGH: "ACTUAL_COST_TOO_HIGH",
  PLANNING_BUDGET_EXCEEDED: "PLANNING_BUDGET_EXCEEDED",
  // Admission control (lib/admission.ts): the service is full (503, Retry-After), or one request's
  // partner answers exceed MAX_RESPONSE_BYTES.
  OVERLOADED: "OVERLOADED",
  RESPONSE_TOO_LARGE: "RESPONSE_TOO_LARGE",
} as const;

/** The edge's rejections of a document (a GraphQL request error: 4xx with application/graphql-response+json). */
export const EDGE_LIMIT_CODES = new Set<string>([
  ErrorCode.QUERY_TOO_DEEP,
  ErrorCode.TOO_MANY_ALIASES,
  ErrorCode.TOO_MANY_ROOT_FIELDS,
  ErrorCode.TOO_MANY_DIRECTIVES,
  ErrorCode.TOO_MANY_TOKENS,
  ErrorCode.QUERY_TOO_COMPLEX,
  ErrorCode.TOO_MANY_ENTITIES,
  ErrorCode.ACTUAL_COST_TOO_HIGH,
]);

/**
 * Errors about the GraphQL document or its variables in an otherwise well-formed HTTP request. GraphQL
 * over HTTP answers them 200 with application/json and 4xx with application/graphql-response+json.
 */
export const REQUEST_ERROR_CODES = new Set<string>([
  ...EDGE_LIMIT_CODES,
  ErrorCode.BAD_USER_INPUT,
  // A mutation whose fields write to two partners (gateway/one-partner-writes.ts).
  ErrorCode.WRITE_SPANS_PARTNERS,
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function badInput(message: string, argumentPath: (string | number)[] = []): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argumentPath: argumentPath.map(String) },
  });
}

/** Turns a zod failure on argument `arg` into one BAD_USER_INPUT error naming the first offending path. */
export function fromZod(error: ZodError, arg: string): GraphQLError {
  const issue = error.issues[0];
  const path = [arg, ...(issue?.path ?? []).map((p) => String(p))];
  return badInput(`Invalid ${path.join(".")}: ${issue?.message ?? "invalid value"}`, path);
}

const EXPOSED_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.PARTNER_UNAVAILABLE,
  ErrorCode.PARTNER_QUARANTINED,
  ErrorCode.UNKNOWN_PARTNER,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.IDEMPOTENCY_KEY_REUSED,
  ErrorCode.WRITE_SPANS_PARTNERS,
  ErrorCode.CONFLICT,
  ...EDGE_LIMIT_CODES,
  ErrorCode.RATE_LIMITED,
  ErrorCode.BATCHING_DISABLED,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.PLANNING_BUDGET_EXCEEDED,
  ErrorCode.OVERLOADED,
  ErrorCode.RESPONSE_TOO_LARGE,
  // Apollo Server's own request errors: parse, validation, bad variables, persisted queries.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
  ErrorCode.PERSISTED_QUERY_VERSION_UNSUPPORTED,
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Apollo Server formatError: keeps designed errors, masks everything else. Stack traces never
 * leave the process (they are logged by the caller's plugin instead). `serviceName` (which the
 * gateway adds to a subgraph's errors) names our internal topology, not anything a client can use:
 * a partner error names the partner in `extensions.partner`.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const { stacktrace: _drop, exception: _drop2, serviceName: _drop3, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  if (typeof code === "string" && EXPOSED_CODES.has(code)) {
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError && typeof original.extensions?.code === "string" && EXPOSED_CODES.has(original.extensions.code)) {
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error",
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
