// Where the gateway sends each root field of a partner kind (mutations and owner-only queries).
// A create goes to the caller's own partner of that kind (or the `partner` argument, when the
// organisation runs several); anything about an existing item goes to the partner its id names.
// tests/unit/write-routes.test.ts checks that every root field of every partner contract is listed
// here, with an argument that exists: a new mutation without a route fails CI, not a user.
import type { PartnerKind } from "./kinds.ts";

export type RouteTarget =
  /** The caller's organisation's partner of the kind; `partner` argument to choose among several. */
  | { to: "caller"; partnerArg: string }
  /** The partner that owns the id in this argument. */
  | { to: "owner"; idArg: string };

export interface RootRoute {
  kind: PartnerKind;
  target: RouteTarget;
}

const caller: RouteTarget = { to: "caller", partnerArg: "partner" };
const owner = (idArg: string): RouteTarget => ({ to: "owner", idArg });

export const ROOT_ROUTES: Record<string, RootRoute> = {
  resourceFromOwner: { kind: "resources", target: owner("id") },
  createResource: { kind: "resources", target: caller },
  updateResource: { kind: "resources", target: owner("id") },
  publishResource: { kind: "resources", target: owner("id") },
  deleteResource: { kind: "resources", target: owner("id") },

  networkFromOwner: { kind: "networks", target: owner("id") },
  createNetwork: { kind: "networks", target: caller },
  updateNetwork: { kind: "networks", target: owner("id") },
  deleteNetwork: { kind: "networks", target: owner("id") },
  addEvent: { kind: "networks", target: owner("networkId") },
  // Goes to the network's partner whatever the caller's organisation: the one cross-organisation write.
  joinNetwork: { kind: "networks", target: owner("networkId") },
  leaveNetwork: { kind: "networks", target: owner("networkId") },

  projectFromOwner: { kind: "projects", target: owner("id") },
  createProject: { kind: "projects", target: caller },
  updateProject: { kind: "projects", target: owner("id") },
  publishProject: { kind: "projects", target: owner("id") },
  deleteProject: { kind: "projects", target: owner("id") },
  // A project's parts (measures, cycles...) have local uuids: they route by the project's id.
  addTeamMember: { kind: "projects", target: owner("projectId") },
  removeTeamMember: { kind: "projects", target: owner("projectId") },
  addMeasure: { kind: "projects", target: owner("projectId") },
  recordMeasurements: { kind: "projects", target: owner("projectId") },
  addPdsaCycle: { kind: "projects", target: owner("projectId") },
  updatePdsaCycle: { kind: "projects", target: owner("projectId") },
  addLearning: { kind: "projects", target: owner("projectId") },
  linkResource: { kind: "projects", target: owner("projectId") },
  unlinkResource: { kind: "projects", target: owner("projectId") },
  setProgressScore: { kind: "projects", target: owner("projectId") },
};
