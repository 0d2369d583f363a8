// Writes under pressure, on one projects partner (essex-cc):
// 1. 1,000 recordMeasurements calls at once, some of them the same call sent twice concurrently
//    (same idempotency key) and some retried afterwards, leave exactly one row per intended
//    measurement, one audit entry and one receipt per distinct key, and every copy of a call gets
//    the first copy's answer.
// 2. A partner process killed with SIGKILL in the middle of a 1,000-point batch leaves the whole
//    batch or none of it; restarted on the same data folder, it serves a retry of the same key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { createPrivateKey, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { DEFAULT_REGISTRY_FILE } from "../../lib/registry/registry.ts";
import { startOnePartner } from "../support/one-partner.ts";
import type { ProjectsContext } from "../../subgraphs/projects/context.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import { decodeSeries } from "../../subgraphs/projects/data/measures.ts";
import type { PrismaClient } from "../../subgraphs/projects/generated/prisma/client.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { KIND_PRISMA } from "../../subgraphs/shared/prisma-paths.ts";
import { PrismaClient as ProjectsClient } from "../../subgraphs/projects/generated/prisma/client.ts";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import { IDENTITY_HEADER, IdentitySigner } from "../../lib/auth/internal-tokens.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";

const PARTNER = "essex-cc";
const PROJECT = `${PARTNER}:project:care-home-safety`;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const keys = generateDevKeys();
const signer = new IdentitySigner(createPrivateKey(keys.signingKey));
const EDITOR: UserIdentity = {
  kind: "user",
  issuer: "test-idp",
  user: "eve",
  organisation: PARTNER,
  roles: ["editor"],
};
const TEAM: UserIdentity = {
  kind: "user",
  issuer: "test-idp",
  user: "tam",
  organisation: "bridgewater",
  roles: ["viewer"],
};

const key = () => `conc-${randomUUID()}`;
const dayOf = (n: number) => new Date(Date.UTC(2021, 0, 1 + n)).toISOString().slice(0, 10);

// All calls are issued at once; the agent carries them over at most 100 kept-alive connections, as
// a gateway's connection pool would (a thousand simultaneous connects would only test the kernel's
// accept backlog, and time out while the one event loop this test shares with the partner is busy).
const agent = new Agent({ keepAlive: true, maxSockets: 100 });

async function call(url: string, as: UserIdentity, query: string, variables: Record<string, unknown>): Promise<any> {
  const body = JSON.stringify({ query, variables });
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    [IDENTITY_HEADER]: await signer.sign(as, PARTNER),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(e);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function ok(url: string, as: UserIdentity, query: string, variables: Record<string, unknown>): Promise<any> {
  const body = await call(url, as, query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const ADD_MEASURE = `mutation($projectId: ID!, $name: String!, $key: String!) {
  addMeasure(projectId: $projectId, input: { name: $name, unit: "count", improvement: DECREASE }, idempotencyKey: $key) { measure { id } } }`;
const ADD_TEAM = `mutation($projectId: ID!, $key: String!) { addTeamMember(projectId: $projectId, name: "Tam", userId: "tam", userOrganisation: "bridgewater", idempotencyKey: $key) { member { id } } }`;
const RECORD = `mutation($projectId: ID!, $measureId: ID!, $points: [DataPointInput!]!, $key: String!) {
  recordMeasurements(projectId: $projectId, measureId: $measureId, points: $points, idempotencyKey: $key) { written inserted } }`;

describe("1,000 concurrent recordMeasurements calls", { timeout: 120_000 }, () => {
  let partner: Awaited<ReturnType<typeof startOnePartner<PrismaClient, ProjectsContext>>>;
  let prisma: PrismaClient;

  beforeAll(async () => {
    partner = await startOnePartner(projectsService, { partner: PARTNER, keys });
    prisma = partner.db.prisma;
  }, 60_000);
  afterAll(async () => {
    agent.destroy();
    await partner?.close();
  });

  it("leave one row per intended measurement, one audit entry per distinct key, and one answer per key", async () => {
    const url = partner.url;
    await ok(url, EDITOR, ADD_TEAM, { projectId: PROJECT, key: key() });
    const measures: string[] = [];
    for (let m = 0; m < 4; m++)
      measures.push(
        (await ok(url, EDITOR, ADD_MEASURE, { projectId: PROJECT, name: `Concurrent ${m}`, key: key() })).addMeasure
          .measure.id,
      );

    // 700 distinct calls. Call i writes days i and i+4 of measure i % 4, so call i+4 writes day i+4
    // of the same measure again: overlapping writes of different calls are upserts, not duplicates.
    const DISTINCT = 700;
    const ops = Array.from({ length: DISTINCT }, (_, i) => ({
      as: i % 2 ? TEAM : EDITOR,
      variables: {
        projectId: PROJECT,
        measureId: measures[i % 4],
        points: [
          { date: dayOf(i), value: i * 10 },
          { date: dayOf(i + 4), value: i * 10 + 1, note: `call ${i}` },
        ],
        key: `conc-${i}-${randomUUID()}`,
      },
    }));
    const intended = new Map<string, number[]>();
    for (const op of ops) {
      for (const p of op.variables.points) {
        const k = `${op.variables.measureId}|${p.date}`;
        intended.set(k, [...(intended.get(k) ?? []), p.value]);
      }
    }
    // 300 of them sent twice in the same burst (the copies race each other), in shuffled order.
    const sends = [...ops.keys(), ...Array.from({ length: 300 }, (_, i) => (i * 7) % DISTINCT)];
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    expect(sends).toHaveLength(1000);

    const started = Date.now();
    const answers = await Promise.all(
      sends.map(async (i) => ({ i, body: await call(url, ops[i]!.as, RECORD, ops[i]!.variables) })),
    );
    const burstMs = Date.now() - started;

    const byOp = new Map<number, unknown[]>();
    for (const { i, body } of answers) {
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      byOp.set(i, [...(byOp.get(i) ?? []), body.data.recordMeasurements]);
    }
    // Every copy of a call got the same answer: the first copy's.
    for (const copies of byOp.values()) for (const c of copies) expect(c).toEqual(copies[0]);

    // 50 retried afterwards: the same answer again, nothing written.
    const before = await prisma.dataPoint.count({ where: { measureId: { in: measures } } });
    for (let i = 0; i < DISTINCT; i += 14) {
      const again = await ok(url, ops[i]!.as, RECORD, ops[i]!.variables);
      expect(again.recordMeasurements).toEqual(byOp.get(i)![0]);
    }

    const rows = await prisma.dataPoint.findMany({ where: { measureId: { in: measures } } });
    expect(rows.length).toBe(before);
    expect(rows.length).toBe(intended.size);
    for (const r of rows)
      expect(intended.get(`${r.measureId}|${r.date.toISOString().slice(0, 10)}`)).toContain(r.value);
    // Each row was inserted by exactly one call; every other write to it was a replacement.
    const inserted = [...byOp.values()].reduce((sum, copies) => sum + (copies[0] as { inserted: number }).inserted, 0);
    expect(inserted).toBe(intended.size);

    // The per-measure series analysis reads (kept by a trigger) lists exactly these rows, in order,
    // although the writes to each measure raced one another.
    const series = await prisma.measureSeries.findMany({ where: { measureId: { in: measures } } });
    const expected: Record<
      string,
      { date: string; value: number; note: string | null; numerator: number | null; denominator: number | null }[]
    > = {};
    for (const r of [...rows].sort((a, b) => a.date.getTime() - b.date.getTime()))
      (expected[r.measureId] ??= []).push({
        date: r.date.toISOString().slice(0, 10),
        value: r.value,
        note: r.note,
        numerator: r.numerator,
        denominator: r.denominator,
      });
    expect(Object.fromEntries(series.map((s) => [s.measureId, decodeSeries(s.points)]))).toEqual(expected);

    const keysSent = ops.map((o) => o.variables.key);
    expect(
      await prisma.auditEntry.count({ where: { mutation: "recordMeasurements", idempotencyKey: { in: keysSent } } }),
    ).toBe(DISTINCT);
    expect(await prisma.writeReceipt.count({ where: { mutation: "recordMeasurements" } })).toBe(DISTINCT);
    console.info(`1,000 calls (${DISTINCT} distinct) in ${burstMs} ms: ${rows.length} rows, ${DISTINCT} audit entries`);
  });
});

/** A projects partner in its own process, on a data folder that outlives it. */
class PartnerProcess {
  child?: ChildProcess;
  url = "";

  constructor(private readonly dataDir: string) {}

  async start(): Promise<string> {
    const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/projects/index.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        PARTNER_ID: PARTNER,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        REGISTRY_FILE: DEFAULT_REGISTRY_FILE,
        GATEWAY_VERIFY_KEY: keys.verifyKey,
        SEED: "true",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const lines = createInterface({ input: child.stdout! });
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`partner did not start in 30 s: ${stderr}`)), 30_000);
      child.once("exit", (code) => reject(new Error(`partner exited with ${code} before listening: ${stderr}`)));
      lines.on("line", (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === "listening" && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // Not a log line.
        }
      });
    });
    return this.url;
  }

  /** SIGKILL: no shutdown hook runs, the database is not closed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}

describe("a partner killed in the middle of a batch write", { timeout: 120_000 }, () => {
  let dataDir: string;
  let proc: PartnerProcess;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "write-kill-"));
    proc = new PartnerProcess(dataDir);
  });
  afterAll(async () => {
    await proc?.kill();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Counts in the partner's database, opened directly while no partner process runs. */
  async function countsFor(measureId: string, batchKey: string) {
    const db = await openDatabase(
      { kind: "embedded", dataDir: join(dataDir, PARTNER) },
      KIND_PRISMA.projects.migrations,
      (o) => new ProjectsClient(o),
    );
    try {
      const prisma = db.prisma as PrismaClient;
      return {
        points: await prisma.dataPoint.count({ where: { measureId } }),
        // What analysis reads: the trigger-kept series, all or nothing with the points.
        series: decodeSeries(
          (await prisma.measureSeries.findUnique({ where: { measureId } }))?.points ?? '{"d":[],"v":[],"n":null}',
        ).length,
        audit: await prisma.auditEntry.count({ where: { idempotencyKey: batchKey } }),
        // A receipt's key names the user and the client's key (subgraphs/shared/writes.ts).
        receipts: await prisma.writeReceipt.count({ where: { key: { contains: batchKey } } }),
      };
    } finally {
      await db.close();
    }
  }

  it("leaves the whole batch or none of it, and serves a retry after restart", async () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({
      date: dayOf(i),
      value: i / 7,
      note: i % 10 ? undefined : `point ${i}`,
    }));
    let url = await proc.start();

    const warmUp = (await ok(url, EDITOR, ADD_MEASURE, { projectId: PROJECT, name: "Warm-up", key: key() })).addMeasure
      .measure.id;
    await ok(url, EDITOR, RECORD, { projectId: PROJECT, measureId: warmUp, points, key: key() });

    const outcomes: { delayMs: number; batchMs: number; points: number; measureId: string; batchKey: string }[] = [];
    // Kill moments spread from just after sending to around the commit (which comes well before the
    // answer: the payload is read after it), each at a random moment within its slot, relative to how
    // long the same batch just took on this process.
    const slots = [0.05, 0.3, 0.6];
    for (const slot of slots) {
      const t0 = Date.now();
      await ok(url, EDITOR, RECORD, {
        projectId: PROJECT,
        measureId: warmUp,
        points: points.map((p) => ({ ...p, value: slot })),
        key: key(),
      });
      const batchMs = Math.max(Date.now() - t0, 20);

      const measureId = (
        await ok(url, EDITOR, ADD_MEASURE, { projectId: PROJECT, name: `Killed at ${slot}`, key: key() })
      ).addMeasure.measure.id;
      const batchKey = key();
      const variables = { projectId: PROJECT, measureId, points, key: batchKey };
      const delayMs = Math.round((slot + Math.random() * 0.15) * batchMs);
      const sent = call(url, EDITOR, RECORD, variables).catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      await proc.kill();
      await sent;

      const after = await countsFor(measureId, batchKey);
      outcomes.push({ delayMs, batchMs, points: after.points, measureId, batchKey });
      expect([0, 1000], `killed after ${delayMs} ms`).toContain(after.points);
      // The audit entry and the receipt commit with the points, or not at all.
      expect(after.audit).toBe(after.points ? 1 : 0);
      expect(after.receipts).toBe(after.points ? 1 : 0);
      expect(after.series).toBe(after.points);

      // Restarted on the same folder, a retry of the same key completes the batch exactly once.
      url = await proc.start();
      const retried = await ok(url, EDITOR, RECORD, variables);
      expect(retried.recordMeasurements.written).toBe(1000);
    }
    await proc.kill();
    for (const { measureId, batchKey } of outcomes)
      expect(await countsFor(measureId, batchKey)).toEqual({ points: 1000, series: 1000, audit: 1, receipts: 1 });
    console.info(
      `SIGKILL during a 1,000-point batch: ${outcomes.map((o) => `at ${o.delayMs} ms of ~${o.batchMs} ms → ${o.points} points`).join("; ")}`,
    );
  });
});
