// The shared vocabulary of the national catalogue: the Developing People Improving Care framework
// (its aim, five conditions and fifteen secondary drivers, exactly as the driver diagram in the seed
// text lists them), and the topics, settings and regions every partner tags its items with.
//
// The source text is schema/source/developing-people-improving-care-condition-4.txt (the NHS
// framework's condition 4 guide); tests/unit/vocabulary.test.ts checks every name against it.
//
// This module is the only place these facts live. Partner subgraphs store the ids, validate them
// against the sets below and return them as entity references; the national catalogue resolves
// their names. Ids are stable: renaming a label is fine, changing an id breaks stored data.

export const FRAMEWORK_AIM = "Continuous improvement in care for people, population health and value for money";

/** The five conditions (primary drivers), in the framework's order. */
export const CONDITIONS = [
  {
    id: "condition-1",
    number: 1,
    name: "Leaders equipped to develop high quality local health and care systems in partnership",
  },
  { id: "condition-2", number: 2, name: "Compassionate, inclusive and effective leaders at all levels" },
  { id: "condition-3", number: 3, name: "Knowledge of improvement methods and how to use them at all levels" },
  { id: "condition-4", number: 4, name: "Support systems for learning at local, regional and national levels" },
  { id: "condition-5", number: 5, name: "Enabling, supportive and aligned regulation and oversight" },
] as const;

/**
 * The fifteen secondary drivers, in the driver diagram's order; the diagram places three against
 * each condition, in turn.
 */
export const DRIVERS = [
  { id: "joint-ambition", condition: "condition-1", name: "A joint ambition: clear aims for health and healthcare" },
  {
    id: "relationships-and-trust",
    condition: "condition-1",
    name: "Positive relationships and trust in place at all levels",
  },
  { id: "local-governance", condition: "condition-1", name: "Governance structures to enable local decision-making" },
  {
    id: "leadership-behaviours",
    condition: "condition-2",
    name: "Knowledge and practice of compassionate, inclusive high impact leadership behaviours",
  },
  { id: "staff-development", condition: "condition-2", name: "Development and support for all staff" },
  {
    id: "talent-management",
    condition: "condition-2",
    name: "A system and approaches for attracting, identifying and deploying the right people into the right jobs",
  },
  { id: "leadership-for-improvement", condition: "condition-3", name: "Leadership for improvement in practice" },
  {
    id: "applied-improvement-training",
    condition: "condition-3",
    name: "Applied training in improvement methods (from micro-systems to system transformation)",
  },
  {
    id: "partnering-for-improvement",
    condition: "condition-3",
    name: "Partnering with staff, patients and communities for improvement",
  },
  {
    id: "improvement-support-systems",
    condition: "condition-4",
    name: "Improvement and support systems in organisations",
  },
  { id: "data-systems", condition: "condition-4", name: "Data systems to support improvement" },
  {
    id: "sharing-networks",
    condition: "condition-4",
    name: "Systems and networks for sharing improvement work locally, regionally and nationally",
  },
  { id: "national-bodies-together", condition: "condition-5", name: "National bodies working effectively together" },
  {
    id: "local-control",
    condition: "condition-5",
    name: "Local systems and providers in control of, and accountable for, driving improvement",
  },
  {
    id: "national-support-offers",
    condition: "condition-5",
    name: "Helpful interventions and support offers from the national bodies to local systems",
  },
] as const;

export const TOPICS = [
  { id: "falls", name: "Falls" },
  { id: "pressure-ulcers", name: "Pressure ulcers" },
  { id: "urinary-tract-infections", name: "Urinary tract infections" },
  { id: "postpartum-haemorrhage", name: "Postpartum haemorrhage" },
  { id: "sepsis", name: "Sepsis" },
  { id: "delirium", name: "Delirium" },
  { id: "medication-safety", name: "Medication safety" },
  { id: "acute-deterioration", name: "Acute deterioration" },
  { id: "duty-of-candour", name: "Duty of candour" },
  { id: "safety-culture", name: "Safety culture" },
  { id: "maternal-care", name: "Maternal care" },
  { id: "leadership", name: "Leadership" },
  { id: "management-development", name: "Management development" },
  { id: "succession-planning", name: "Succession planning" },
  { id: "talent-management", name: "Talent management" },
  { id: "systems-leadership", name: "Systems leadership" },
  { id: "quality-improvement", name: "Quality improvement methods" },
  { id: "data-analysis", name: "Data analysis for improvement" },
  { id: "patient-and-public-involvement", name: "Patient and public involvement" },
  { id: "person-centred-care", name: "Person-centred care" },
  { id: "peer-learning", name: "Peer-to-peer learning" },
  { id: "regulation-and-oversight", name: "Regulation and oversight" },
] as const;

export const SETTINGS = [
  { id: "care-homes", name: "Care homes" },
  { id: "maternity", name: "Maternity" },
  { id: "community", name: "Community health services" },
  { id: "acute", name: "Acute hospitals" },
  { id: "primary-care", name: "Primary care" },
  { id: "mental-health", name: "Mental health" },
  { id: "social-care", name: "Adult social care" },
  { id: "system-wide", name: "Whole health and care system" },
] as const;

/** NHS England's seven regions, plus the UK nations and a national scope. */
export const REGIONS = [
  { id: "national", name: "England (national)" },
  { id: "london", name: "London" },
  { id: "south-east", name: "South East" },
  { id: "south-west", name: "South West" },
  { id: "east-of-england", name: "East of England" },
  { id: "midlands", name: "Midlands" },
  { id: "north-east-and-yorkshire", name: "North East and Yorkshire" },
  { id: "north-west", name: "North West" },
  { id: "uk-wide", name: "United Kingdom (pan-UK)" },
] as const;

export type ConditionId = (typeof CONDITIONS)[number]["id"];
export type DriverId = (typeof DRIVERS)[number]["id"];
export type TopicId = (typeof TOPICS)[number]["id"];
export type SettingId = (typeof SETTINGS)[number]["id"];
export type RegionId = (typeof REGIONS)[number]["id"];

const ids = <T extends { id: string }>(list: readonly T[]) => list.map((x) => x.id) as [T["id"], ...T["id"][]];

export const CONDITION_IDS = ids(CONDITIONS);
export const DRIVER_IDS = ids(DRIVERS);
export const TOPIC_IDS = ids(TOPICS);
export const SETTING_IDS = ids(SETTINGS);
export const REGION_IDS = ids(REGIONS);

/** The vocabulary entity types the catalogue owns, by GraphQL type name. */
export const VOCABULARY = {
  Condition: CONDITIONS,
  Driver: DRIVERS,
  Topic: TOPICS,
  Setting: SETTINGS,
  Region: REGIONS,
} as const;

/**
 * The IHI assessment scale a project team uses to score its own progress (Institute for Healthcare
 * Improvement, Breakthrough Series collaboratives): 0.5 to 5.0 in steps of 0.5.
 */
export const PROGRESS_SCALE = [
  { score: 0.5, label: "Intent to participate" },
  { score: 1.0, label: "Forming team" },
  { score: 1.5, label: "Planning for the project has begun" },
  { score: 2.0, label: "Activity, but no changes" },
  { score: 2.5, label: "Changes tested, but no improvement" },
  { score: 3.0, label: "Modest improvement" },
  { score: 3.5, label: "Improvement" },
  { score: 4.0, label: "Significant improvement" },
  { score: 4.5, label: "Sustainable improvement" },
  { score: 5.0, label: "Outstanding sustainable results" },
] as const;
