// What a client is told when a call to a partner fails, and what the log is told. The client learns
// the partner (extensions.partner, its registry id) and the kind of failure (extensions.reason:
// timeout, unreachable, bad_response; or the gateway's own admission refusal); never a host, a port
// or an internal URL: those go to the log line, which is where an operator looks.
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { ErrorCode } from "../lib/errors.ts";
import { AdmissionRefused } from "../lib/admission.ts";
import { PartnerCallError } from "../lib/partner-client.ts";

export interface FailureContext {
  partner: string;
  logger: Logger;
  /** The log line's own fields (kind, items, ms...). */
  log: Record<string, unknown>;
  /** What the log line says happened ("partner unavailable"...). */
  event: string;
  /** Appended to the client's message (the write's advice on retrying). */
  advice?: string;
  /** Extra extensions for the client (path index, items, retryable). */
  extensions?: Record<string, unknown>;
}

/** The client's error for a failed partner call; logs the failure with its detail. */
export function partnerFailure(error: unknown, c: FailureContext): GraphQLFormattedError {
  if (error instanceof AdmissionRefused) {
    c.logger.warn(
      { ...c.log, partner: c.partner, refused: error.kind, limit: error.limit },
      "partner answer refused by admission control",
    );
    const code = error.kind === "overloaded" ? ErrorCode.OVERLOADED : ErrorCode.RESPONSE_TOO_LARGE;
    return { message: error.message, extensions: { code, partner: c.partner, limit: error.limit, ...c.extensions } };
  }
  const known = error instanceof PartnerCallError;
  const reason = known ? error.reason : "unreachable";
  if (reason === "overloaded") {
    c.logger.warn({ ...c.log, partner: c.partner }, "partner at capacity");
    return {
      message: `Partner "${c.partner}" is at capacity: try again shortly`,
      extensions: { code: ErrorCode.OVERLOADED, partner: c.partner, ...c.extensions },
    };
  }
  c.logger.warn(
    {
      ...c.log,
      partner: c.partner,
      reason,
      message: known ? error.message : undefined,
      detail: known ? error.detail : String((error as Error)?.message ?? error),
    },
    c.event,
  );
  const said = known ? error.message : "failed";
  return {
    message: `Partner "${c.partner}" is unavailable: ${said}${c.advice ? `. ${c.advice}` : ""}`,
    extensions: { code: ErrorCode.PARTNER_UNAVAILABLE, partner: c.partner, reason, ...c.extensions },
  };
}
