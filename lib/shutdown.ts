// Graceful stop on SIGTERM (an orchestrator's stop) and SIGINT (Ctrl-C), the same in every service:
// the service's own stop drains HTTP first (lib/http-server.ts: stop accepting, let in-flight
// requests finish within the grace period) and then stops background work and closes its stores.
// The process exits 0 once that is done. A stop that hangs past the grace period and a margin exits
// 1 (an orchestrator would SIGKILL it anyway). A second Ctrl-C (SIGINT) exits at once; any other
// repeated signal is ignored, because a terminal's Ctrl-C reaches every process of the group and
// the demo launcher (scripts/start.ts) then forwards SIGTERM as well: that must not cut the drain.
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
  let first: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      if (first === "SIGINT" && signal === "SIGINT") {
        logger.warn({ signal }, "second Ctrl-C: exiting now");
        process.exit(1);
      }
      logger.info({ signal }, "already stopping");
      return;
    }
    first = signal;
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
