// Structured logs, one JSON line per event (pino). Every line names the service and, for partner
// services, the partner id, so that a partner's id is the same in the registry, its ids and logs.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(service: string, level: string, partner?: string): Logger {
  return pino({ level, base: partner ? { service, partner } : { service } });
}
