// What one hop through our gateway costs, against the floor: a raw node:http proxy (read the body,
// forward it on a kept-alive socket, parse and re-serialise the answer). A stand-in partner answers
// every request at once with a fixed project page, so nothing but the hop is measured. Each server
// is its own process; requests are sequential on one kept-alive connection, as scenario (a) of the
// gateway bench. Prints p50/p90 latency and each server's CPU per request (from /proc).
//   NODE_ENV=production npx tsx scripts/bench/gateway/hop.ts
import { createServer, request, Agent, type Server } from "node:http";
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { Registry, type Partner } from "../../../lib/registry/registry.ts";
import { formatId } from "../../../schema/ids.ts";
import { NODE_FLAGS } from "../../../lib/node-flags.ts";

const PAGE = {
  data: {
    projectFromOwner: {
      id: "x",
      title: "A project",
      measures: Array.from({ length: 3 }, (_, m) => ({
        name: `m${m}`,
        points: Array.from({ length: 24 }, (_, p) => ({
          date: `2020-${String((p % 12) + 1).padStart(2, "0")}-01`,
          value: p * 1.5,
        })),
      })),
    },
  },
};
const QUERY = `query Single($id: ID!) { projectFromOwner(id: $id) { id title measures { name points { date value } } } }`;
const ROUNDS = 3;
const REQUESTS = 2000;

function announce(server: Server): void {
  server.listen(0, "127.0.0.1", () => process.send!((server.address() as AddressInfo).port));
}

const readAll = (stream: NodeJS.ReadableStream, done: (body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => done(Buffer.concat(chunks)));
};

const [role, target] = process.argv.slice(2);
// A server child lives as long as the measuring process: its IPC channel closing ends it.
if (role) process.on("disconnect", () => process.exit(0));
if (role === "partner") {
  const body = `${JSON.stringify(PAGE)}\n`;
  announce(
    createServer((req, res) =>
      readAll(req, () => res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body)),
    ),
  );
} else if (role === "proxy") {
  const agent = new Agent({ keepAlive: true });
  announce(
    createServer((req, res) =>
      readAll(req, (payload) => {
        const out = request(
          {
            method: "POST",
            agent,
            hostname: "127.0.0.1",
            port: Number(target),
            path: "/graphql",
            headers: { "content-type": "application/json", "content-length": payload.length },
          },
          (answer) =>
            readAll(answer, (text) =>
              res
                .writeHead(200, { "content-type": "application/json; charset=utf-8" })
                .end(`${JSON.stringify(JSON.parse(text.toString("utf8")))}\n`),
            ),
        );
        out.end(payload);
      }),
    ),
  );
} else if (role === "gateway") {
  const url = `http://127.0.0.1:${target}/graphql`;
  const partners: Partner[] = [
    {
      id: "hop-catalogue",
      name: "Catalogue",
      organisation: "nhs-england",
      kind: "catalogue",
      port: Number(target),
      region: "national",
      enabled: true,
      url,
    },
    {
      id: "hop-projects",
      name: "Projects",
      organisation: "nhs-england",
      kind: "projects",
      port: Number(target),
      region: "national",
      enabled: true,
      url,
    },
  ];
  const registry = new Registry(partners, "unused");
  const { startGateway } = await import("../../../gateway/server.ts");
  const gateway = await startGateway({
    registry: () => registry,
    timeoutMs: 5000,
    logger: pino({ level: "silent" }),
    port: 0,
    host: "127.0.0.1",
    maxBodyBytes: 262_144,
  });
  process.send!(gateway.port);
} else {
  const me = fileURLToPath(import.meta.url);
  const pidOf = new Map<number, number>();
  const start = (name: string, arg = "") =>
    new Promise<number>((resolve) => {
      const flags = name === "gateway" ? NODE_FLAGS.gateway : [];
      const child = fork(me, [name, arg], { execArgv: [...flags, "--import", "tsx"] });
      child.once("message", (port) => {
        pidOf.set(port as number, child.pid!);
        resolve(port as number);
      });
    });
  const cpuMs = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const partner = await start("partner");
  const targets = [
    ["direct to the partner", partner],
    ["raw node:http proxy", await start("proxy", String(partner))],
    ["our gateway", await start("gateway", String(partner))],
  ] as const;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ query: QUERY, variables: { id: formatId("hop-projects", "projects", "p01") } });
  const once = (port: number) =>
    new Promise<string>((resolve) =>
      request(
        {
          method: "POST",
          agent,
          hostname: "127.0.0.1",
          port,
          path: "/graphql",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => readAll(res, (b) => resolve(b.toString("utf8"))),
      ).end(body),
    );
  const answers = await Promise.all(targets.map(([, port]) => once(port)));
  if (new Set(answers).size !== 1)
    throw new Error(`the three answers differ: ${answers.map((a) => a.slice(0, 80)).join(" | ")}`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, port] of targets) {
      for (let i = 0; i < 300; i++) await once(port);
      const cpu0 = cpuMs(pidOf.get(port)!);
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        await once(port);
        times.push(performance.now() - t);
      }
      const cpu = (cpuMs(pidOf.get(port)!) - cpu0) / REQUESTS;
      times.sort((a, b) => a - b);
      const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
      console.log(
        `round ${round}  ${name.padEnd(22)} p50 ${us(times[REQUESTS / 2]!)}  p90 ${us(times[Math.floor(REQUESTS * 0.9)]!)}  server CPU ${us(cpu)}/request`,
      );
    }
  }
  process.exit(0);
}
