// POST /admin/harvest on the catalogue: runs a harvest that starts after the call (after the one
// running, if any) and streams its progress as JSON lines, one per page and one per partner, then a
// summary. `npm run harvest`, the gateway after a write and the demo launcher are its clients.
// Only national admins and the gateway may call it (admin-auth.ts). Writes nothing but the index,
// so repeating it is harmless; calls made during one harvest share the next.
import type { RouteHandler } from "../../lib/http-server.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { ServiceOptions } from "../shared/service.ts";
import type { Harvester } from "./harvest/harvester.ts";
import { harvestAllowed } from "./admin-auth.ts";

export function adminRoutes(_db: unknown, handle: unknown, options: ServiceOptions): Record<string, RouteHandler> {
  const harvester = handle as Harvester;
  return {
    "/admin/harvest": async (req, res) => {
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST", "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "POST to start a harvest", extensions: { code: ErrorCode.METHOD_NOT_ALLOWED } }] }));
        return;
      }
      const allowed = await harvestAllowed(req, options.auth, options.partner.organisation);
      if (!allowed.ok) {
        options.logger.warn({ status: allowed.status, reason: allowed.message }, "harvest refused");
        res.writeHead(allowed.status, { "content-type": "application/json", ...(allowed.status === 401 ? { "www-authenticate": "Bearer" } : {}) });
        res.end(JSON.stringify({ errors: [{ message: allowed.message, extensions: { code: allowed.code } }] }));
        return;
      }
      options.logger.info({ by: allowed.who }, "harvest requested");
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const stop = harvester.onProgress((event) => res.write(`${JSON.stringify(event)}\n`));
      try {
        const reports = await harvester.harvestAll();
        res.end(`${JSON.stringify({ type: "summary", partners: reports.length, failed: reports.filter((r) => !r.ok).map((r) => r.partner), items: reports.reduce((n, r) => n + r.items, 0) })}\n`);
      } finally {
        stop();
      }
    },
  };
}
