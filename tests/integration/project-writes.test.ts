// Writes to one projects partner (essex-cc), called over HTTP as the gateway calls it: with an
// x-catalogue-identity header signed by the gateway's key. For every mutation: it succeeds and a
// following read shows it; bad input is a BAD_USER_INPUT naming its path and writes nothing; a retry
// with the same key answers the same and writes nothing; the same key with other arguments is
// refused; unsigned, anonymous, service, viewer and other-organisation callers are refused and
// write nothing; a team member may change the project but not delete it or change its team.
// Then drafts, the change feed, the audit trail and its append-only guarantee.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { storeFor } from "../support/system.ts";
import { codeOf, signedCalls, startOnePartner, tableSnapshot } from "../support/one-partner.ts";
import { projectsService } from "../../subgraphs/projects/server.ts";
import type { PrismaClient } from "../../subgraphs/projects/generated/prisma/client.ts";
import type { ProjectsContext } from "../../subgraphs/projects/context.ts";
import { generateDevKeys } from "../../lib/auth/keys.ts";
import type { Identity } from "../../lib/auth/identity.ts";

const PARTNER = "essex-cc";
const ISSUER = "test-idp";
const keys = generateDevKeys();

const WHO = {
  editor: { kind: "user", issuer: ISSUER, user: "eve", organisation: PARTNER, roles: ["editor"] },
  viewer: { kind: "user", issuer: ISSUER, user: "vic", organisation: PARTNER, roles: ["viewer"] },
  otherOrganisation: {
    kind: "user",
    issuer: ISSUER,
    user: "otto",
    organisation: "bridgewater",
    roles: ["editor", "admin"],
  },
  // A team member from another organisation, with no writer role anywhere: the team is what admits them.
  team: { kind: "user", issuer: ISSUER, user: "tam", organisation: "bridgewater", roles: ["viewer"] },
  // Tokens whose `sub` is the team member's, from another organisation (an editor there) or another
  // issuer: neither is that user (lib/auth/identity.ts).
  tamOfOtherOrganisation: {
    kind: "user",
    issuer: ISSUER,
    user: "tam",
    organisation: "nhs-leadership-academy",
    roles: ["editor"],
  },
  tamOfOtherIssuer: { kind: "user", issuer: "other-idp", user: "tam", organisation: "bridgewater", roles: ["viewer"] },
  // The editor's `sub` at another identity provider, an editor of the same organisation there.
  eveOfOtherIssuer: { kind: "user", issuer: "other-idp", user: "eve", organisation: PARTNER, roles: ["editor"] },
  anonymous: { kind: "anonymous" },
  service: { kind: "service", service: "national-catalogue" },
} satisfies Record<string, Identity>;
type Caller = keyof typeof WHO | "unsigned" | "forged";

let partner: Awaited<ReturnType<typeof startOnePartner<PrismaClient, ProjectsContext>>>;
const cleanups: (() => Promise<void>)[] = [];
let prisma: PrismaClient;

beforeAll(async () => {
  // Embedded, or a fresh database on TEST_DATABASE_URL's PostgreSQL server.
  partner = await startOnePartner(projectsService, {
    partner: PARTNER,
    keys,
    store: await storeFor(PARTNER, cleanups),
    maxBodyBytes: 1_000_000,
  });
  prisma = partner.db.prisma;
}, 60_000);
afterAll(async () => {
  await partner?.close();
  for (const c of cleanups) await c();
});

const key = () => `test-${randomUUID()}`;
const { gql, ok } = signedCalls(PARTNER, keys, WHO, () => partner.url);

const TABLES = [
  "Project",
  "TeamMember",
  "Funding",
  "ResourceLink",
  "Measure",
  "DataPoint",
  "PdsaCycle",
  "Learning",
  "ProgressScore",
  "Tombstone",
  "WriteReceipt",
  "AuditEntry",
];
const snapshot = () => tableSnapshot(prisma, TABLES);

const PROJECT_FIELDS = `id title aim status publication
  team { id name role userId }
  measures { id name unit target points { date value note } }
  pdsaCycles { id number title plan study act }
  learning { id kind text }
  resourceLinks { resource { id } relation note }
  progress { score label note }
  progressHistory { score }`;

/** The project as `as` reads it through the entity resolver (what the gateway asks a partner). */
async function read(id: string, as: Caller = "editor"): Promise<any> {
  const data = await ok(
    as,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { ${PROJECT_FIELDS} } } }`,
    {
      r: [{ __typename: "Project", id }],
    },
  );
  return data._entities[0];
}

const M = {
  createProject: `mutation($input: CreateProjectInput!, $key: String!) { createProject(input: $input, idempotencyKey: $key) { id title publication } }`,
  updateProject: `mutation($id: ID!, $input: UpdateProjectInput!, $key: String!) { updateProject(id: $id, input: $input, idempotencyKey: $key) { id aim status } }`,
  publishProject: `mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id publication } }`,
  deleteProject: `mutation($id: ID!, $key: String!) { deleteProject(id: $id, idempotencyKey: $key) { id } }`,
  addTeamMember: `mutation($projectId: ID!, $name: String!, $role: String, $userId: ID, $userOrganisation: ID, $key: String!) {
    addTeamMember(projectId: $projectId, name: $name, role: $role, userId: $userId, userOrganisation: $userOrganisation, idempotencyKey: $key) { project { id } member { id name userId } } }`,
  removeTeamMember: `mutation($projectId: ID!, $memberId: ID!, $key: String!) { removeTeamMember(projectId: $projectId, memberId: $memberId, idempotencyKey: $key) { id team { id } } }`,
  addMeasure: `mutation($projectId: ID!, $input: MeasureInput!, $key: String!) { addMeasure(projectId: $projectId, input: $input, idempotencyKey: $key) { project { id } measure { id name } } }`,
  recordMeasurements: `mutation($projectId: ID!, $measureId: ID!, $points: [DataPointInput!]!, $key: String!) {
    recordMeasurements(projectId: $projectId, measureId: $measureId, points: $points, idempotencyKey: $key) { written inserted measure { id points { date value } } } }`,
  addPdsaCycle: `mutation($projectId: ID!, $input: PdsaCycleInput!, $key: String!) { addPdsaCycle(projectId: $projectId, input: $input, idempotencyKey: $key) { cycle { id number title } } }`,
  updatePdsaCycle: `mutation($projectId: ID!, $cycleId: ID!, $input: UpdatePdsaCycleInput!, $key: String!) {
    updatePdsaCycle(projectId: $projectId, cycleId: $cycleId, input: $input, idempotencyKey: $key) { cycle { id number study act } } }`,
  addLearning: `mutation($projectId: ID!, $kind: LearningKind!, $text: String!, $key: String!) { addLearning(projectId: $projectId, kind: $kind, text: $text, idempotencyKey: $key) { learning { id kind text } } }`,
  linkResource: `mutation($projectId: ID!, $resourceId: ID!, $relation: ResourceRelation!, $note: String, $key: String!) {
    linkResource(projectId: $projectId, resourceId: $resourceId, relation: $relation, note: $note, idempotencyKey: $key) { id resourceLinks { resource { id } relation note } } }`,
  unlinkResource: `mutation($projectId: ID!, $resourceId: ID!, $key: String!) { unlinkResource(projectId: $projectId, resourceId: $resourceId, idempotencyKey: $key) { id resourceLinks { resource { id } } } }`,
  setProgressScore: `mutation($projectId: ID!, $score: Float!, $note: String, $key: String!) { setProgressScore(projectId: $projectId, score: $score, note: $note, idempotencyKey: $key) { id progress { score label note } } }`,
};
type MutationName = keyof typeof M;

interface Fixture {
  projectId: string;
  measureId: string;
  /** The team member `tam` (WHO.team). */
  memberId: string;
}

/** A fresh draft project with `tam` in its team and one measure. */
async function fresh(title = "Hydration rounds in care homes"): Promise<Fixture> {
  const created = await ok("editor", M.createProject, {
    input: { title, aim: "Cut UTIs by 30% by March" },
    key: key(),
  });
  const projectId = created.createProject.id;
  const member = await ok("editor", M.addTeamMember, {
    projectId,
    name: "Tam Okafor",
    role: "Care home manager",
    userId: WHO.team.user,
    userOrganisation: WHO.team.organisation,
    key: key(),
  });
  const measure = await ok("editor", M.addMeasure, {
    projectId,
    input: { name: "UTIs per month", unit: "count", improvement: "DECREASE" },
    key: key(),
  });
  return { projectId, measureId: measure.addMeasure.measure.id, memberId: member.addTeamMember.member.id };
}

const RESOURCE = "improvement-hub:resource:nhsi-improvement-hub";

interface Case {
  /** Only organisation editors (not the team) may make it. */
  editorOnly?: boolean;
  /** Prepares what the mutation needs; answers its variables (without the key). */
  vars(f: Fixture): Promise<Record<string, unknown>>;
  /** The same mutation with other arguments. */
  other(v: Record<string, unknown>): Record<string, unknown>;
  /** Invalid arguments and the path the error must name. */
  bad(v: Record<string, unknown>): { vars: Record<string, unknown>; path: string[] };
  /** Checks the answer and what a following read shows. */
  seen(data: any, v: Record<string, unknown>): Promise<void>;
}

const projectOf = (v: Record<string, unknown>) => (v.projectId ?? v.id) as string;

const CASES: Record<MutationName, Case> = {
  createProject: {
    editorOnly: true,
    vars: async () => ({
      input: {
        title: "Safer discharge from hospital",
        aim: "No discharge without a medicines review",
        topics: ["quality-improvement"],
        region: "east-of-england",
      },
    }),
    other: (v) => ({ input: { ...(v.input as object), title: "Another title" } }),
    bad: (v) => ({ vars: { input: { ...(v.input as object), title: "  " } }, path: ["input", "title"] }),
    seen: async (data) => {
      expect(data.createProject).toMatchObject({ title: "Safer discharge from hospital", publication: "DRAFT" });
      expect(await read(data.createProject.id)).toMatchObject({
        title: "Safer discharge from hospital",
        status: "PLANNING",
        publication: "DRAFT",
        team: [],
      });
    },
  },
  updateProject: {
    vars: async (f) => ({
      id: f.projectId,
      input: { aim: "Halve UTIs by March", status: "ACTIVE", startedOn: "2026-01-05" },
    }),
    other: (v) => ({ ...v, input: { aim: "Something else" } }),
    bad: (v) => ({
      vars: { ...v, input: { startedOn: "2026-03-01", endedOn: "2026-02-01" } },
      path: ["input", "endedOn"],
    }),
    seen: async (data, v) => {
      expect(data.updateProject).toMatchObject({ aim: "Halve UTIs by March", status: "ACTIVE" });
      expect(await read(projectOf(v))).toMatchObject({
        aim: "Halve UTIs by March",
        status: "ACTIVE",
        title: "Hydration rounds in care homes",
      });
    },
  },
  publishProject: {
    vars: async (f) => ({ id: f.projectId }),
    other: () => ({ id: `${PARTNER}:project:another-project` }),
    bad: () => ({ vars: { id: "bridgewater:project:falls" }, path: ["id"] }),
    seen: async (data, v) => {
      expect(data.publishProject.publication).toBe("PUBLISHED");
      expect(await read(projectOf(v), "anonymous")).toMatchObject({ publication: "PUBLISHED" });
    },
  },
  deleteProject: {
    editorOnly: true,
    vars: async (f) => ({ id: f.projectId }),
    other: () => ({ id: `${PARTNER}:project:another-project` }),
    bad: () => ({ vars: { id: "not-an-id" }, path: ["id"] }),
    seen: async (data, v) => {
      expect(data.deleteProject.id).toBe(v.id);
      expect(await read(projectOf(v))).toBeNull();
      expect(await prisma.measure.count({ where: { projectLocal: projectOf(v).split(":")[2] } })).toBe(0);
    },
  },
  addTeamMember: {
    editorOnly: true,
    vars: async (f) => ({ projectId: f.projectId, name: "Dana Patel", role: "Falls lead", userId: "dana" }),
    other: (v) => ({ ...v, role: "Data lead" }),
    bad: (v) => ({ vars: { ...v, name: "" }, path: ["name"] }),
    seen: async (data, v) => {
      expect(data.addTeamMember.member).toMatchObject({ name: "Dana Patel", userId: "dana" });
      const team = (await read(projectOf(v))).team;
      expect(team.map((t: any) => t.name)).toEqual(["Tam Okafor", "Dana Patel"]);
      expect(team[1]).toMatchObject({ role: "Falls lead", userId: "dana" });
    },
  },
  removeTeamMember: {
    editorOnly: true,
    vars: async (f) => ({ projectId: f.projectId, memberId: f.memberId }),
    other: (v) => ({ ...v, memberId: randomUUID() }),
    bad: (v) => ({ vars: { ...v, memberId: "tam" }, path: ["memberId"] }),
    seen: async (data, v) => {
      expect(data.removeTeamMember.team).toEqual([]);
      expect((await read(projectOf(v))).team).toEqual([]);
    },
  },
  addMeasure: {
    vars: async (f) => ({
      projectId: f.projectId,
      input: { name: "Fluid intake charts complete", unit: "%", improvement: "INCREASE", target: 95 },
    }),
    other: (v) => ({ ...v, input: { ...(v.input as object), target: 90 } }),
    bad: (v) => ({ vars: { ...v, input: { ...(v.input as object), unit: "" } }, path: ["input", "unit"] }),
    seen: async (data, v) => {
      expect(data.addMeasure.measure.name).toBe("Fluid intake charts complete");
      const measures = (await read(projectOf(v))).measures;
      expect(measures.map((m: any) => m.name)).toEqual(["UTIs per month", "Fluid intake charts complete"]);
      expect(measures[1]).toMatchObject({ id: data.addMeasure.measure.id, unit: "%", target: 95, points: [] });
    },
  },
  recordMeasurements: {
    vars: async (f) => ({
      projectId: f.projectId,
      measureId: f.measureId,
      points: [
        { date: "2026-01-01", value: 7 },
        { date: "2026-02-01", value: 4.5, note: "Hydration rounds began" },
      ],
    }),
    other: (v) => ({ ...v, points: [{ date: "2026-01-01", value: 8 }] }),
    bad: (v) => ({
      vars: {
        ...v,
        points: [
          { date: "2026-01-01", value: 7 },
          { date: "2999-01-01", value: 1 },
        ],
      },
      path: ["points", "1", "date"],
    }),
    seen: async (data, v) => {
      expect(data.recordMeasurements).toMatchObject({ written: 2, inserted: 2 });
      const measure = (await read(projectOf(v))).measures[0];
      expect(measure.points).toEqual([
        { date: "2026-01-01", value: 7, note: null },
        { date: "2026-02-01", value: 4.5, note: "Hydration rounds began" },
      ]);
    },
  },
  addPdsaCycle: {
    vars: async (f) => ({
      projectId: f.projectId,
      input: { title: "Drinks round at 10 and 3", plan: "Try it in one home for two weeks", startedOn: "2026-01-05" },
    }),
    other: (v) => ({ ...v, input: { title: "Other", plan: "Other plan" } }),
    bad: (v) => ({ vars: { ...v, input: { title: "Drinks round", plan: "" } }, path: ["input", "plan"] }),
    seen: async (data, v) => {
      expect(data.addPdsaCycle.cycle).toMatchObject({ number: 1, title: "Drinks round at 10 and 3" });
      expect((await read(projectOf(v))).pdsaCycles).toMatchObject([
        { number: 1, plan: "Try it in one home for two weeks" },
      ]);
    },
  },
  updatePdsaCycle: {
    vars: async (f) => {
      const added = await ok("editor", M.addPdsaCycle, {
        projectId: f.projectId,
        input: { title: "Drinks round", plan: "Two weeks in one home" },
        key: key(),
      });
      return {
        projectId: f.projectId,
        cycleId: added.addPdsaCycle.cycle.id,
        input: { study: "Intake charts were complete on 12 of 14 days", act: "Adopt" },
      };
    },
    other: (v) => ({ ...v, input: { act: "Abandon" } }),
    bad: (v) => ({ vars: { ...v, cycleId: "first" }, path: ["cycleId"] }),
    seen: async (data, v) => {
      expect(data.updatePdsaCycle.cycle).toMatchObject({ number: 1, act: "Adopt" });
      expect((await read(projectOf(v))).pdsaCycles[0]).toMatchObject({
        title: "Drinks round",
        study: "Intake charts were complete on 12 of 14 days",
        act: "Adopt",
      });
    },
  },
  addLearning: {
    vars: async (f) => ({ projectId: f.projectId, kind: "WORKED", text: "A named hydration champion per shift" }),
    other: (v) => ({ ...v, kind: "INSIGHT" }),
    bad: (v) => ({ vars: { ...v, text: "" }, path: ["text"] }),
    seen: async (data, v) => {
      expect(data.addLearning.learning).toMatchObject({ kind: "WORKED", text: "A named hydration champion per shift" });
      expect((await read(projectOf(v))).learning).toMatchObject([
        { kind: "WORKED", text: "A named hydration champion per shift" },
      ]);
    },
  },
  linkResource: {
    vars: async (f) => ({ projectId: f.projectId, resourceId: RESOURCE, relation: "USED", note: "Its QI tools" }),
    other: (v) => ({ ...v, relation: "PRODUCED" }),
    bad: (v) => ({ vars: { ...v, resourceId: `${PARTNER}:project:care-home-safety` }, path: ["resourceId"] }),
    seen: async (data, v) => {
      const links = [{ resource: { id: RESOURCE }, relation: "USED", note: "Its QI tools" }];
      expect(data.linkResource.resourceLinks).toEqual(links);
      expect((await read(projectOf(v))).resourceLinks).toEqual(links);
    },
  },
  unlinkResource: {
    vars: async (f) => {
      await ok("editor", M.linkResource, {
        projectId: f.projectId,
        resourceId: RESOURCE,
        relation: "USED",
        key: key(),
      });
      return { projectId: f.projectId, resourceId: RESOURCE };
    },
    other: (v) => ({ ...v, resourceId: "leadership-academy:resource:resources" }),
    bad: (v) => ({ vars: { ...v, resourceId: "nhsi-improvement-hub" }, path: ["resourceId"] }),
    seen: async (data, v) => {
      expect(data.unlinkResource.resourceLinks).toEqual([]);
      expect((await read(projectOf(v))).resourceLinks).toEqual([]);
    },
  },
  setProgressScore: {
    vars: async (f) => ({ projectId: f.projectId, score: 3.5, note: "UTIs down three months running" }),
    other: (v) => ({ ...v, score: 4 }),
    bad: (v) => ({ vars: { ...v, score: 3.7 }, path: ["score"] }),
    seen: async (data, v) => {
      expect(data.setProgressScore.progress).toEqual({
        score: 3.5,
        label: "Improvement",
        note: "UTIs down three months running",
      });
      expect((await read(projectOf(v))).progressHistory).toEqual([{ score: 3.5 }]);
    },
  },
};

describe.each(Object.entries(CASES))("%s", { timeout: 60_000 }, (name, c) => {
  const doc = M[name as MutationName];

  it("succeeds, and a following read shows it", async () => {
    const v = await c.vars(await fresh());
    await c.seen(await ok("editor", doc, { ...v, key: key() }), v);
  });

  it("refuses bad input with BAD_USER_INPUT naming the path, and writes nothing", async () => {
    const v = await c.vars(await fresh());
    const bad = c.bad(v);
    const before = await snapshot();
    const body = await gql("editor", doc, { ...bad.vars, key: key() });
    expect(codeOf(body)).toBe("BAD_USER_INPUT");
    expect(body.errors[0].extensions.argumentPath).toEqual(bad.path);
    expect(await snapshot()).toEqual(before);
  });

  it("answers a retry with the same key as the first time and writes nothing; the key with other arguments is refused", async () => {
    const v = await c.vars(await fresh());
    const k = key();
    const first = await ok("editor", doc, { ...v, key: k });
    const before = await snapshot();
    expect(await ok("editor", doc, { ...v, key: k })).toEqual(first);
    expect(await snapshot()).toEqual(before);
    const reused = await gql("editor", doc, { ...c.other(v), key: k });
    expect(codeOf(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(reused.errors[0].extensions.argumentPath).toEqual(["idempotencyKey"]);
    expect(await snapshot()).toEqual(before);
  });

  it(`refuses callers who may not write, writing nothing; the team ${c.editorOnly ? "is refused too" : "may"}`, async () => {
    const v = await c.vars(await fresh());
    const before = await snapshot();
    const refused: [Caller, string][] = [
      ["unsigned", "UNAUTHENTICATED"],
      ["forged", "UNAUTHENTICATED"],
      ["anonymous", "UNAUTHENTICATED"],
      ["service", "UNAUTHENTICATED"],
      ["viewer", "FORBIDDEN"],
      ["otherOrganisation", "FORBIDDEN"],
      ...(c.editorOnly ? ([["team", "FORBIDDEN"]] as [Caller, string][]) : []),
    ];
    for (const [caller, code] of refused) {
      const body = await gql(caller, doc, { ...v, key: key() });
      expect(codeOf(body), `${caller}: ${JSON.stringify(body.errors)}`).toBe(code);
      expect(body.data?.[name] ?? null).toBeNull();
    }
    expect(await snapshot()).toEqual(before);
    if (!c.editorOnly) await c.seen(await ok("team", doc, { ...v, key: key() }), v);
  });
});

describe("recordMeasurements", () => {
  const RECORD = M.recordMeasurements;

  it("upserts by date: a date recorded again gets the new value, not a second row", async () => {
    const f = await fresh();
    await ok("editor", RECORD, {
      ...f,
      points: [
        { date: "2026-01-01", value: 7 },
        { date: "2026-02-01", value: 6 },
      ],
      key: key(),
    });
    const again = await ok("team", RECORD, {
      ...f,
      points: [
        { date: "2026-02-01", value: 5, note: "corrected" },
        { date: "2026-03-01", value: 4 },
      ],
      key: key(),
    });
    expect(again.recordMeasurements).toMatchObject({ written: 2, inserted: 1 });
    expect(again.recordMeasurements.measure.points).toEqual([
      { date: "2026-01-01", value: 7 },
      { date: "2026-02-01", value: 5 },
      { date: "2026-03-01", value: 4 },
    ]);
    expect(await prisma.dataPoint.count({ where: { measureId: f.measureId } })).toBe(3);
  });

  it("refuses non-finite numbers, impossible and future dates, repeated dates and over-long batches, writing nothing", async () => {
    const f = await fresh();
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const before = await snapshot();
    const cases: [unknown, string[]][] = [
      [
        [
          { date: "2026-01-01", value: 1 },
          { date: "2026-02-30", value: 2 },
        ],
        ["points", "1", "date"],
      ],
      [[{ date: soon, value: 1 }], ["points", "0", "date"]],
      [
        [
          { date: "2026-01-01", value: 1 },
          { date: "2026-01-01", value: 2 },
        ],
        ["points", "1", "date"],
      ],
      [
        Array.from({ length: 1001 }, (_, i) => ({
          date: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
          value: i,
        })),
        ["points"],
      ],
      [[], ["points"]],
    ];
    for (const [points, path] of cases) {
      const body = await gql("editor", RECORD, { ...f, points, key: key() });
      expect(codeOf(body), JSON.stringify(path)).toBe("BAD_USER_INPUT");
      expect(body.errors[0].extensions.argumentPath).toEqual(path);
    }
    // JSON cannot carry Infinity, but a literal in the query can: 1e999 parses to Infinity.
    const infinite = await gql(
      "editor",
      `mutation($key: String!) { recordMeasurements(projectId: "${f.projectId}", measureId: "${f.measureId}", points: [{ date: "2026-01-01", value: 1 }, { date: "2026-02-01", value: 1e999 }], idempotencyKey: $key) { written } }`,
      { key: key() },
    );
    expect(codeOf(infinite)).toBe("BAD_USER_INPUT");
    expect(infinite.errors[0].extensions.argumentPath).toEqual(["points", "1", "value"]);
    expect(await snapshot()).toEqual(before);
  });

  it("accepts 1,000 points in one call, and refuses a measure of another project with NOT_FOUND", async () => {
    const f = await fresh();
    const points = Array.from({ length: 1000 }, (_, i) => ({
      date: new Date(Date.UTC(2023, 0, 1 + i)).toISOString().slice(0, 10),
      value: Math.sin(i) * 10,
    }));
    const data = await ok("team", RECORD, { ...f, points, key: key() });
    expect(data.recordMeasurements).toMatchObject({ written: 1000, inserted: 1000 });
    expect(await prisma.dataPoint.count({ where: { measureId: f.measureId } })).toBe(1000);
    const other = await fresh("Another project");
    const before = await snapshot();
    const body = await gql("editor", RECORD, {
      projectId: other.projectId,
      measureId: f.measureId,
      points: [{ date: "2026-01-01", value: 1 }],
      key: key(),
    });
    expect(codeOf(body)).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });
});

describe("the project's team", () => {
  it("may record measurements but not delete the project or change its team; removed, it may write no more", async () => {
    const f = await fresh();
    await ok("team", M.recordMeasurements, { ...f, points: [{ date: "2026-01-01", value: 3 }], key: key() });
    expect(codeOf(await gql("team", M.deleteProject, { id: f.projectId, key: key() }))).toBe("FORBIDDEN");
    expect(
      codeOf(
        await gql("team", M.addTeamMember, { projectId: f.projectId, name: "Friend", userId: "friend", key: key() }),
      ),
    ).toBe("FORBIDDEN");
    expect(await read(f.projectId)).not.toBeNull();
    await ok("editor", M.removeTeamMember, { projectId: f.projectId, memberId: f.memberId, key: key() });
    expect(
      codeOf(await gql("team", M.recordMeasurements, { ...f, points: [{ date: "2026-02-01", value: 3 }], key: key() })),
    ).toBe("FORBIDDEN");
    expect(await prisma.dataPoint.count({ where: { measureId: f.measureId } })).toBe(1);
  });

  it("of one project may not write to another", async () => {
    const mine = await fresh();
    const theirs = await ok("editor", M.createProject, {
      input: { title: "Someone else's", aim: "An aim" },
      key: key(),
    });
    const m = await ok("editor", M.addMeasure, {
      projectId: theirs.createProject.id,
      input: { name: "x", unit: "n", improvement: "INCREASE" },
      key: key(),
    });
    const body = await gql("team", M.recordMeasurements, {
      projectId: theirs.createProject.id,
      measureId: m.addMeasure.measure.id,
      points: [{ date: "2026-01-01", value: 1 }],
      key: key(),
    });
    expect(codeOf(body)).toBe("FORBIDDEN");
    expect(mine.projectId).not.toBe(theirs.createProject.id);
  });

  it("a retry answered from its receipt after the project was deleted is NOT_FOUND, writing nothing", async () => {
    const f = await fresh();
    const update = { id: f.projectId, input: { aim: "A new aim" }, key: key() };
    await ok("editor", M.updateProject, update);
    await ok("editor", M.deleteProject, { id: f.projectId, key: key() });
    const before = await snapshot();
    expect(codeOf(await gql("editor", M.updateProject, update))).toBe("NOT_FOUND");
    // The team went with the project: its member is no longer admitted at all.
    expect(codeOf(await gql("team", M.updateProject, { ...update, key: key() }))).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("is the whole user: the member's subject for another organisation or another issuer may not write", async () => {
    const f = await fresh();
    const before = await snapshot();
    for (const as of ["tamOfOtherOrganisation", "tamOfOtherIssuer"] as const) {
      expect(
        codeOf(await gql(as, M.updateProject, { id: f.projectId, input: { aim: "Taken over" }, key: key() })),
        as,
      ).toBe("FORBIDDEN");
      expect(
        codeOf(await gql(as, M.recordMeasurements, { ...f, points: [{ date: "2026-01-01", value: 9 }], key: key() })),
        as,
      ).toBe("FORBIDDEN");
    }
    expect(await snapshot()).toEqual(before);
    // The member themself still may.
    expect(
      (await ok("team", M.updateProject, { id: f.projectId, input: { aim: "Their own aim" }, key: key() }))
        .updateProject.aim,
    ).toBe("Their own aim");
  });

  it("a member added for another organisation is that organisation's user, not the same subject here", async () => {
    const f = await fresh();
    await ok("editor", M.addTeamMember, {
      projectId: f.projectId,
      name: "Eve elsewhere",
      userId: "sam",
      userOrganisation: "bridgewater",
      key: key(),
    });
    const rows = await prisma.teamMember.findMany({
      where: { projectLocal: f.projectId.split(":")[2], userId: "sam" },
    });
    expect(rows.map((r) => [r.userIssuer, r.userOrganisation, r.userId])).toEqual([[ISSUER, "bridgewater", "sam"]]);
  });

  it("gets one row per user: adding the same user again is a CONFLICT", async () => {
    const f = await fresh();
    const body = await gql("editor", M.addTeamMember, {
      projectId: f.projectId,
      name: "Tam again",
      userId: WHO.team.user,
      userOrganisation: WHO.team.organisation,
      key: key(),
    });
    expect(codeOf(body)).toBe("CONFLICT");
    expect((await read(f.projectId)).team).toHaveLength(1);
  });

  it("shows user ids to the owning organisation only", async () => {
    const f = await fresh();
    await ok("editor", M.publishProject, { id: f.projectId, key: key() });
    expect((await read(f.projectId, "viewer")).team[0].userId).toBe(WHO.team.user);
    expect((await read(f.projectId, "anonymous")).team[0].userId).toBeNull();
  });

  it("keeps every progress score; of two on the same day the later one is the current score", async () => {
    const f = await fresh();
    for (const score of [2, 2.5, 2])
      await ok("team", M.setProgressScore, { projectId: f.projectId, score, key: key() });
    const project = await read(f.projectId);
    expect(project.progressHistory).toEqual([{ score: 2 }, { score: 2.5 }, { score: 2 }]);
    expect(project.progress).toMatchObject({ score: 2, label: "Activity, but no changes" });
  });

  it("numbers PDSA cycles one after the other", async () => {
    const f = await fresh();
    const numbers = [];
    for (const title of ["First", "Second", "Third"]) {
      numbers.push(
        (await ok("team", M.addPdsaCycle, { projectId: f.projectId, input: { title, plan: "A plan" }, key: key() }))
          .addPdsaCycle.cycle.number,
      );
    }
    expect(numbers).toEqual([1, 2, 3]);
  });
});

const FEED = `query($after: String) { projectFeed(after: $after, first: 500) { entries { id removed node { id } } endCursor } }`;

describe("idempotency keys", () => {
  it("belong to the whole user: the same subject and key from another issuer is that user's own write, not a replay", async () => {
    const k = key();
    const input = { title: "Same key, two users", aim: "An aim" };
    const mine = (await ok("editor", M.createProject, { input, key: k })).createProject.id;
    const theirs = (await ok("eveOfOtherIssuer", M.createProject, { input, key: k })).createProject.id;
    expect(theirs).not.toBe(mine);
    // Each audit row names its writer whole.
    const rows = await prisma.auditEntry.findMany({ where: { item: { in: [mine, theirs] } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.item, r.issuer, r.organisation, r.subject])).toEqual([
      [mine, ISSUER, PARTNER, "eve"],
      [theirs, "other-idp", PARTNER, "eve"],
    ]);
    // The first user's retry is still answered from their own receipt.
    expect((await ok("editor", M.createProject, { input, key: k })).createProject.id).toBe(mine);
  });

  it("a key held by a receipt from before receipts named the whole user is refused, writing nothing", async () => {
    const k = key();
    // The old format: `<length of sub>:<sub>:<key>`, see the 20261201200000 migration.
    await prisma.writeReceipt.create({
      data: {
        key: `3:eve:${k}`,
        mutation: "createProject",
        requestHash: "old",
        result: { id: "essex-cc:project:old" },
      },
    });
    const before = await snapshot();
    const body = await gql("editor", M.createProject, {
      input: { title: "Retry across the upgrade", aim: "An aim" },
      key: k,
    });
    expect(codeOf(body)).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await snapshot()).toEqual(before);
  });
});

describe("drafts", () => {
  it("are seen by the owning organisation only, never by the change feed, until published", async () => {
    const { endCursor } = (await ok("anonymous", FEED)).projectFeed;
    const f = await fresh("A draft for the feed");
    for (const caller of ["editor", "viewer"] as const)
      expect(await read(f.projectId, caller)).toMatchObject({ publication: "DRAFT" });
    for (const caller of ["anonymous", "unsigned", "otherOrganisation", "team", "service"] as const)
      expect(await read(f.projectId, caller)).toBeNull();
    const drafted = (await ok("anonymous", FEED, { after: endCursor })).projectFeed.entries.filter(
      (e: any) => e.id === f.projectId,
    );
    expect(drafted.length).toBeGreaterThan(0);
    expect(drafted.every((e: any) => e.removed && e.node === null)).toBe(true);
    // Its measure's chart is not served either (an <img> request carries no identity).
    expect((await fetch(new URL(`/charts/measures/${f.measureId}.svg`, partner.url))).status).toBe(404);

    await ok("team", M.publishProject, { id: f.projectId, key: key() });
    expect(await read(f.projectId, "anonymous")).toMatchObject({
      publication: "PUBLISHED",
      title: "A draft for the feed",
    });
    const published = (await ok("anonymous", FEED, { after: endCursor })).projectFeed.entries.filter(
      (e: any) => e.id === f.projectId,
    );
    expect(published.at(-1)).toEqual({ id: f.projectId, removed: false, node: { id: f.projectId } });
    expect((await fetch(new URL(`/charts/measures/${f.measureId}.svg`, partner.url))).status).toBe(200);
  });

  it("are answered by projectFromOwner (the gateway's owner-routed read) to the owning organisation only", async () => {
    const f = await fresh("A draft read from its owner");
    const FROM_OWNER = `query($id: ID!) { projectFromOwner(id: $id) { id title publication } }`;
    expect((await ok("viewer", FROM_OWNER, { id: f.projectId })).projectFromOwner).toMatchObject({
      id: f.projectId,
      publication: "DRAFT",
    });
    for (const caller of ["anonymous", "otherOrganisation"] as const)
      expect((await ok(caller, FROM_OWNER, { id: f.projectId })).projectFromOwner).toBeNull();
    await ok("editor", M.publishProject, { id: f.projectId, key: key() });
    expect((await ok("anonymous", FROM_OWNER, { id: f.projectId })).projectFromOwner).toMatchObject({
      title: "A draft read from its owner",
    });
  });

  it("leave seeded projects published", async () => {
    expect(await read(`${PARTNER}:project:care-home-safety`, "anonymous")).toMatchObject({ publication: "PUBLISHED" });
  });
});

const AUDIT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id auditTrail(first: 50) { at actor mutation item changes } } } }`;

describe("the audit trail", () => {
  it("lists every write to a project, newest first: who, which mutation, what changed", async () => {
    const f = await fresh();
    await ok("team", M.recordMeasurements, { ...f, points: [{ date: "2026-01-01", value: 3 }], key: key() });
    await ok("team", M.setProgressScore, { projectId: f.projectId, score: 2, key: key() });
    const data = await ok("viewer", AUDIT, { r: [{ __typename: "Project", id: f.projectId }] });
    const trail = data._entities[0].auditTrail;
    expect(trail.map((e: any) => [e.mutation, e.actor])).toEqual([
      ["setProgressScore", "tam@bridgewater"],
      ["recordMeasurements", "tam@bridgewater"],
      ["addMeasure", "eve@essex-cc"],
      ["addTeamMember", "eve@essex-cc"],
      ["createProject", "eve@essex-cc"],
    ]);
    expect(trail.every((e: any) => e.item === f.projectId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(JSON.parse(trail[1].changes)).toMatchObject({
      measureId: f.measureId,
      written: 1,
      inserted: 1,
      points: [{ date: "2026-01-01", value: 3 }],
      replaced: [],
    });
    expect(JSON.parse(trail[0].changes)).toMatchObject({ progress: { score: 2 } });
    expect(JSON.parse(trail[4].changes)).toMatchObject({
      title: "Hydration rounds in care homes",
      publication: "DRAFT",
    });
  });

  it("is for members of the owning organisation only", async () => {
    const f = await fresh();
    await ok("editor", M.publishProject, { id: f.projectId, key: key() });
    for (const caller of ["anonymous", "unsigned", "otherOrganisation", "team"] as const) {
      const body = await gql(caller, AUDIT, { r: [{ __typename: "Project", id: f.projectId }] });
      expect(codeOf(body), caller).toBe("FORBIDDEN");
      expect(body.data._entities[0].auditTrail).toBeNull();
    }
  });

  it("is append-only: the database refuses UPDATE and DELETE on it", async () => {
    await fresh();
    const count = await prisma.auditEntry.count();
    await expect(prisma.$executeRawUnsafe(`UPDATE "AuditEntry" SET "actor" = 'someone-else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditEntry"`)).rejects.toThrow(/append-only/);
    await expect(prisma.auditEntry.deleteMany({})).rejects.toThrow();
    expect(await prisma.auditEntry.count()).toBe(count);
    expect(await prisma.auditEntry.count({ where: { actor: "someone-else" } })).toBe(0);
  });
});

// PostgreSQL cannot store a NUL character, and a lone surrogate is not Unicode at all: both used to
// reach the database and come back as INTERNAL_SERVER_ERROR. They are refused at the edge.
describe("text a database cannot store", () => {
  it.each([
    ["a NUL character", "Safer\u0000discharge"],
    ["a lone surrogate", "Safer \uDE00 discharge"],
  ])("%s in a title or any text field is BAD_USER_INPUT naming the path, and writes nothing", async (_what, bad) => {
    const before = await snapshot();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: bad, aim: "Fewer readmissions" }, ["input", "title"]],
      [{ title: "Safer discharge", aim: "Fewer readmissions", outcomes: ["fine", bad] }, ["input", "outcomes", "1"]],
    ];
    for (const [input, path] of cases) {
      const body = await gql("editor", M.createProject, { input, key: key() });
      expect(codeOf(body), JSON.stringify(body.errors)).toBe("BAD_USER_INPUT");
      expect(body.errors[0].extensions.argumentPath).toEqual(path);
      expect(body.errors[0].message).toMatch(/NUL characters or unpaired surrogates/);
    }
    expect(await snapshot()).toEqual(before);
  });
});

// Charts are SVG documents served by URL: opened directly, an SVG is a document that could run
// script or load anything, and a browser may sniff a body into another type. The routes forbid both.
describe("chart routes", () => {
  it("serve SVG with a strict Content-Security-Policy (no script, nothing loaded) and nosniff, the 404 too", async () => {
    const f = await fresh("A chart with headers");
    await ok("team", M.publishProject, { id: f.projectId, key: key() });
    for (const path of [`/charts/measures/${f.measureId}.svg`, `/charts/measures/${f.measureId}.svg?type=run`]) {
      const res = await fetch(new URL(path, partner.url));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
      expect(csp).not.toMatch(/script-src|unsafe-eval/);
      // The policy does not break the chart: it draws with presentation attributes, no inline style or script.
      const svg = await res.text();
      expect(svg).toMatch(/^<svg/);
      expect(svg).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    }
    const missing = await fetch(new URL(`/charts/measures/00000000-0000-0000-0000-000000000000.svg`, partner.url));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");
    expect(missing.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  });
});
