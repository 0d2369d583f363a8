// The national search page without a gateway, as a hand-written client would fetch it: the
// catalogue's search, then each owner's details of its items in parallel, then the owners of the
// projects' networks and resources in parallel. The answer is assembled in the gateway's shape so
// that the two can be compared as data. Used by the bench (once, to check) and the load worker.
import { Agent, request } from "node:http";
import { parseId } from "../../../schema/ids.ts";
import { DIRECT_PAGE } from "./queries.ts";

type Json = any;

/** POST one GraphQL request over a keep-alive agent; any GraphQL error is thrown. */
export function poster(agent: Agent) {
  return (url: string, query: string, variables: Record<string, unknown>): Promise<Json> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
              if (res.statusCode !== 200 || parsed.errors)
                reject(
                  new Error(
                    `HTTP ${res.statusCode} from ${url}: ${JSON.stringify(parsed.errors ?? parsed).slice(0, 300)}`,
                  ),
                );
              else resolve(parsed.data);
            } catch (e) {
              reject(e);
            }
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
}

/** Fetches each id's fields from its owner: one `_entities` call per owner, in parallel; answers by id. */
async function byOwner(
  post: ReturnType<typeof poster>,
  urls: Record<string, string>,
  typename: string,
  ids: string[],
  query: string,
): Promise<Map<string, Json>> {
  const groups = new Map<string, string[]>();
  for (const id of new Set(ids)) {
    const owner = parseId(id)?.partner ?? "";
    groups.set(owner, [...(groups.get(owner) ?? []), id]);
  }
  const out = new Map<string, Json>();
  await Promise.all(
    [...groups].map(async ([owner, list]) => {
      const url = urls[owner];
      if (!url) throw new Error(`no URL for partner ${owner}`);
      const data = await post(url, query, { r: list.map((id) => ({ __typename: typename, id })) });
      list.forEach((id, i) => out.set(id, data._entities[i]));
    }),
  );
  return out;
}

export async function directPage(
  post: ReturnType<typeof poster>,
  urls: Record<string, string>,
  catalogue: string,
  first: number,
): Promise<Json> {
  const found = await post(urls[catalogue]!, DIRECT_PAGE.search, { first });
  const nodes: Json[] = found.search.edges.map((e: Json) => e.node);
  const typenames = [...new Set(nodes.map((n) => n.__typename as string))];
  const details = new Map<string, Json>();
  await Promise.all(
    typenames.map(async (t) => {
      const got = await byOwner(
        post,
        urls,
        t,
        nodes.filter((n) => n.__typename === t).map((n) => n.id),
        DIRECT_PAGE.details[t]!,
      );
      for (const [id, d] of got) details.set(id, d);
    }),
  );
  const projects = nodes.filter((n) => n.__typename === "Project").map((n) => details.get(n.id));
  const [networks, resources] = await Promise.all([
    byOwner(
      post,
      urls,
      "Network",
      projects.flatMap((p) => (p.network ? [p.network.id] : [])),
      DIRECT_PAGE.links.Network!,
    ),
    byOwner(
      post,
      urls,
      "Resource",
      projects.flatMap((p) => (p.resources ?? []).map((r: Json) => r.id)),
      DIRECT_PAGE.links.Resource!,
    ),
  ]);
  const edges = nodes.map((n) => {
    const d = details.get(n.id);
    if (n.__typename !== "Project") return { node: { ...n, ...d } };
    return {
      node: {
        ...n,
        ...d,
        network: d.network ? { id: d.network.id, ...networks.get(d.network.id) } : null,
        resources: d.resources?.map((r: Json) => ({ id: r.id, ...resources.get(r.id) })) ?? null,
      },
    };
  });
  return { search: { totalCount: found.search.totalCount, edges } };
}
