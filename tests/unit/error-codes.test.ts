// The error-code registry (lib/errors.ts): what a client is shown of each code, and that Apollo
// Server's own codes are the registry's, not copies of them.
import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { ERROR_CODES, ErrorCode, EDGE_LIMIT_CODES, maskError, REQUEST_ERROR_CODES } from "../../lib/errors.ts";

const shown = (code: string) => {
  const error = new GraphQLError(`refused with ${code}`, { extensions: { code } });
  return maskError({ message: error.message, extensions: error.extensions }, error);
};

describe("the error-code registry", () => {
  it("shows a client every exposed code with its message, and masks the others as INTERNAL_SERVER_ERROR", () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      if (entry.exposed) expect(shown(code), code).toEqual({ message: `refused with ${code}`, extensions: { code } });
      else
        expect(shown(code), code).toEqual({
          message: "Internal server error",
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        });
    }
    expect(shown("SOMETHING_UNREGISTERED")).toEqual({
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });

  it("holds every code Apollo Server answers with, under Apollo's own names", () => {
    for (const code of Object.values(ApolloServerErrorCode)) expect(ERROR_CODES, code).toHaveProperty(code);
    expect(ErrorCode.BAD_USER_INPUT).toBe(ApolloServerErrorCode.BAD_USER_INPUT);
  });

  it("gives each code an HTTP status, and the edge's limits are request errors answered 400", () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) expect(entry.status, code).toBeGreaterThanOrEqual(200);
    for (const code of EDGE_LIMIT_CODES) {
      expect(REQUEST_ERROR_CODES.has(code), code).toBe(true);
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status, code).toBe(400);
    }
  });
});
