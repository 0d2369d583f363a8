// Graceful stop on SIGTERM (an orchestrator's stop) and SIGINT (Ctrl-C), the same in every service:
// the service's own stop drains HTTP first (lib/http-server.ts: stop accepting, let in-flight
// requests finish within the grace period) and then stops background work and closes its stores.
// The process exits 0 once that is done. A stop that hangs past the grace period and a margin exits
// 1 (an orchestrator would SIGKILL it anyway); a second signal exits at once.
import type { Logger } from "pino";

export interface ShutdownOptions {
  logger: Logger;
  /** The drain deadline the service's HTTP front applies (SHUTDOWN_GRACE_MS). */
  graceMs: number;
  /** Time allowed after the drain for background work and stores to stop. @default 5_000 */
  marginMs?: number;
}

export function stopOnSignals(stop: () => Promise<void>, options: ShutdownOptions): void {
  const { logger, graceMs, marginMs = 5000 } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second stop signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    const started = performance.now();
    logger.info({ signal, graceMs }, "stopping: draining in-flight requests");
    setTimeout(() => {
      logger.error({ ms: Math.round(performance.now() - started) }, "stop did not finish in time: exiting");
      process.exit(1);
    }, graceMs + marginMs).unref();
    stop().then(
      () => {
        logger.info({ ms: Math.round(performance.now() - started) }, "stopped");
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
