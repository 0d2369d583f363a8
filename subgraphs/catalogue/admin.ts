// POST /admin/harvest on the catalogue: runs a harvest that starts after the call (after the one
// running, if any) and streams its progress as JSON lines, one per page and one per partner, then a
// summary. `npm run harvest` and the demo launcher are its clients. With `?partner=<id>` it answers
// as soon as that one partner is harvested (one partner line, then the summary), while the harvest
// goes on with the others: the gateway waits so after every write, and must not wait for the
// slowest partner of the country. Only national admins and the gateway may call it
// (admin-auth.ts). Writes nothing but the index, so repeating it is harmless; calls made during one
// harvest share the next.
import type { ServerResponse } from "node:http";
import type { RouteHandler } from "../../lib/http-server.ts";
import { ErrorCode } from "../../lib/errors.ts";
import type { ServiceOptions } from "../shared/service.ts";
import type { Harvester, HarvestReport } from "./harvest/harvester.ts";
import { harvestAllowed } from "./admin-auth.ts";

function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

const summary = (reports: HarvestReport[]) =>
  `${JSON.stringify({ type: "summary", partners: reports.length, failed: reports.filter((r) => !r.ok).map((r) => r.partner), items: reports.reduce((n, r) => n + r.items, 0) })}\n`;

export function adminRoutes(_db: unknown, handle: unknown, options: ServiceOptions): Record<string, RouteHandler> {
  const harvester = handle as Harvester;
  return {
    "/admin/harvest": async (req, res) => {
      if (req.method !== "POST")
        return refuse(res, 405, "POST to start a harvest", ErrorCode.METHOD_NOT_ALLOWED, { allow: "POST" });
      const allowed = await harvestAllowed(req, options.auth, options.partner.organisation);
      if (!allowed.ok) {
        options.logger.warn({ status: allowed.status, reason: allowed.message }, "harvest refused");
        return refuse(
          res,
          allowed.status,
          allowed.message,
          allowed.code,
          allowed.status === 401 ? { "www-authenticate": "Bearer" } : {},
        );
      }
      const only = new URL(req.url ?? "/", "http://catalogue").searchParams.get("partner");
      if (only !== null) {
        const partner = options.registry().get(only);
        if (!partner || !partner.enabled || partner.kind === "catalogue") {
          return refuse(
            res,
            404,
            `No enabled partner named "${only.slice(0, 100)}" to harvest`,
            ErrorCode.UNKNOWN_PARTNER,
          );
        }
        options.logger.info({ by: allowed.who, partner: partner.id }, "harvest of one partner requested");
        const report = await harvester.harvested(partner.id);
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.end(
          (report ? `${JSON.stringify({ type: "partner", ...report })}\n` : "") + summary(report ? [report] : []),
        );
        return;
      }
      options.logger.info({ by: allowed.who }, "harvest requested");
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const stop = harvester.onProgress((event) => res.write(`${JSON.stringify(event)}\n`));
      try {
        res.end(summary(await harvester.harvestAll()));
      } finally {
        stop();
      }
    },
  };
}
