// The edge's errors: a stable extensions.code, and the limit and the measured value both in the
// message and in extensions (`limit`, `actual`) so that a client can tell how far over it was.
import { GraphQLError, type ASTNode, type GraphQLFormattedError } from "graphql";
import { EDGE_LIMIT_CODES, ErrorCode } from "../errors.ts";

export function limitError(
  code: string,
  message: string,
  limit: number,
  actual: number | string,
  nodes?: ASTNode | readonly ASTNode[],
): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code, limit, actual } });
}

// graphql-js's parser stops at `maxTokens` with this message ("more that" in graphql 16's own words).
const TOKEN_LIMIT = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Apollo Server's automatic persisted queries answer these two request errors (HTTP 400) without
 * a code of their own (Apollo files them under INTERNAL_SERVER_ERROR), so masking turned them into
 * "Internal server error": recognised by Apollo's own message.
 */
const PERSISTED_QUERY_ERRORS: Record<string, { code: string; message: string }> = {
  "provided sha does not match query": {
    code: ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
    message:
      "extensions.persistedQuery.sha256Hash does not match the query: send the SHA-256 of the exact query text, in lowercase hex",
  },
  "Unsupported persisted query version": {
    code: ErrorCode.PERSISTED_QUERY_VERSION_UNSUPPORTED,
    message: "extensions.persistedQuery.version must be 1",
  },
};

/**
 * Wraps a formatError so that the edge's codes survive Apollo Server: it files every validation
 * error under GRAPHQL_VALIDATION_FAILED (and the parser's token limit under GRAPHQL_PARSE_FAILED),
 * keeping our error as `originalError`; the code is restored from there. Apollo's code-less
 * persisted-query errors get a code of their own.
 */
export function withEdgeCodes(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | undefined)?.originalError;
    const code = original?.extensions?.code;
    if (typeof code === "string" && EDGE_LIMIT_CODES.has(code)) {
      formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    } else if (
      (formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR) === ErrorCode.INTERNAL_SERVER_ERROR &&
      PERSISTED_QUERY_ERRORS[formatted.message]
    ) {
      const known = PERSISTED_QUERY_ERRORS[formatted.message]!;
      formatted = { message: known.message, extensions: { ...formatted.extensions, code: known.code } };
    } else if (formatted.extensions?.code === ErrorCode.GRAPHQL_PARSE_FAILED) {
      const tokens = TOKEN_LIMIT.exec(formatted.message);
      if (tokens) {
        const limit = Number(tokens[1]);
        formatted = {
          message: `Query has more than ${limit} tokens; the limit is ${limit} (parsing stopped there)`,
          extensions: { ...formatted.extensions, code: ErrorCode.TOO_MANY_TOKENS, limit, actual: `>${limit}` },
        };
      }
    }
    return format(formatted, error);
  };
}
