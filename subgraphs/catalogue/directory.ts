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

type VocabularyType = keyof typeof VOCABULARY;
const VOCAB_BY_ID = Object.fromEntries(
  Object.entries(VOCABULARY).map(([type, list]) => [type, new Map((list as readonly { id: string }[]).map((x) => [x.id, x]))]),
) as Record<VocabularyType, Map<string, { id: string; name: string }>>;

export const vocabularyEntry = (type: VocabularyType, id: string) => VOCAB_BY_ID[type].get(id) ?? null;

export { TOPICS, SETTINGS, REGIONS };
