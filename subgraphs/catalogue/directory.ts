// The national directory the catalogue serves from schema/: organisations and vocabulary. Pure
// lookups over data loaded once; no database involved.
import organisationsFile from "../../schema/organisations.json" with { type: "json" };
import { CONDITIONS, DRIVERS, FRAMEWORK_AIM, REGIONS, SETTINGS, TOPICS, VOCABULARY } from "../../schema/vocabulary.ts";
import { contractEnum } from "../../schema/contracts.ts";

export interface Organisation {
  id: string;
  name: string;
  type: string;
  region: string;
  website: string | null;
  boardMember: boolean;
}

const ORGANISATION_TYPES = new Set(contractEnum("catalogue", "OrganisationType"));
export const ORGANISATIONS: readonly Organisation[] = organisationsFile.organisations;
for (const o of ORGANISATIONS) {
  // A typo in the directory must stop start-up, not surface as a GraphQL enum error later.
  if (!ORGANISATION_TYPES.has(o.type)) throw new Error(`schema/organisations.json: ${o.id} has unknown type ${o.type}`);
}
const ORGANISATION_BY_ID = new Map(ORGANISATIONS.map((o) => [o.id, o]));

export const organisation = (id: string) => ORGANISATION_BY_ID.get(id) ?? null;

/**
 * The directory's entry of an organisation the index or the registry names. Both only name
 * organisations of the directory (the registry is checked against it), so a miss is a bug: an
 * internal error, logged, rather than a half-empty organisation.
 */
export function knownOrganisation(id: string): Organisation {
  const found = ORGANISATION_BY_ID.get(id);
  if (!found) throw new Error(`organisation ${id} is not in schema/organisations.json`);
  return found;
}

export const framework = () => ({
  name: "Developing People Improving Care",
  aim: FRAMEWORK_AIM,
  conditions: CONDITIONS,
});

export const driversOfCondition = (conditionId: string) => DRIVERS.filter((d) => d.condition === conditionId);

/** A condition of the framework, as the Condition resolvers receive it. */
export type ConditionEntry = (typeof CONDITIONS)[number];
/** A secondary driver: its condition is an id, which Driver.condition resolves. */
export type DriverEntry = (typeof DRIVERS)[number];
/** A region as the Region resolvers receive it: a reference (Organisation.region) has no name yet. */
export interface RegionRef {
  id: string;
  name?: string;
}

const CONDITION_BY_ID = new Map<string, ConditionEntry>(CONDITIONS.map((c) => [c.id, c]));
const DRIVER_BY_ID = new Map<string, DriverEntry>(DRIVERS.map((d) => [d.id, d]));
export const condition = (id: string) => CONDITION_BY_ID.get(id) ?? null;
export const driver = (id: string) => DRIVER_BY_ID.get(id) ?? null;

/** A driver's condition: every driver of schema/vocabulary.ts names one of its conditions. */
export function conditionOfDriver(d: DriverEntry): ConditionEntry {
  return CONDITION_BY_ID.get(d.condition)!;
}

type VocabularyType = keyof typeof VOCABULARY;
const VOCAB_BY_ID = Object.fromEntries(
  Object.entries(VOCABULARY).map(([type, list]) => [
    type,
    new Map((list as readonly { id: string }[]).map((x) => [x.id, x])),
  ]),
) as Record<VocabularyType, Map<string, { id: string; name: string }>>;

export const vocabularyEntry = (type: VocabularyType, id: string) => VOCAB_BY_ID[type].get(id) ?? null;

export { TOPICS, SETTINGS, REGIONS };
