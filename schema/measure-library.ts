// The national measure library: defined measures that partners' project measures may reference by
// code (Measure.code in schema/projects.graphql), so that the same measure at several organisations
// can be compared like with like (measureComparison in schema/catalogue.graphql).
//
// This module is the only place these facts live. A partner's measure keeps its own name and local
// definition; its unit and improvement direction follow the code (subgraphs/projects/inputs.ts).
// Codes are stable: rewording a definition is fine, changing a code breaks stored data.
//
// Citations: each `citation` is a public page found and read while writing this file (the page
// defines the measure, its numerator, or the collection it comes from). Where no page defining the
// measure itself was found, `citationNote` says so and what the cited page supports instead;
// tests/unit/measure-library.test.ts checks that every entry has one or the other.
import type { DriverId, SettingId, TopicId } from "./vocabulary.ts";

/** The projects contract's ImprovementDirection (tests/unit/measure-library.test.ts checks it). */
export type LibraryDirection = "INCREASE" | "DECREASE" | "NEUTRAL";

/**
 * How the denominator relates to the numerator, which decides a funnel plot's limits:
 * - POPULATION: the numerator counts members of the denominator (people assessed who had a fall,
 *   births followed by a haemorrhage), so it is at most the denominator: binomial limits.
 * - EXPOSURE: the numerator counts events over an exposure (falls over occupied bed days), so it has
 *   no upper bound: Poisson limits.
 */
export type DenominatorKind = "POPULATION" | "EXPOSURE";

export interface RateBase {
  /** The multiplier: a value is numerator / denominator × per. */
  per: number;
  /** What `per` counts, e.g. "occupied bed days". */
  of: string;
  denominatorKind: DenominatorKind;
  /** `per` and `of` in words, e.g. "1,000 occupied bed days" (the contract's rateBase). */
  base: string;
}

const rate = (per: number, of: string, denominatorKind: DenominatorKind): RateBase => ({
  per,
  of,
  denominatorKind,
  base: `${per.toLocaleString("en-GB")} ${of}`,
});

/**
 * A measure's rate over its latest points that carry a numerator and denominator: what the projects
 * contract's Measure.rate answers and the catalogue's funnel plot places each organisation by.
 */
export interface RateOverPoints {
  /** The sums of the points' numerators and denominators. */
  numerator: number;
  denominator: number;
  /** numerator / denominator × the code's multiplier (RateBase.per). */
  value: number;
  /** How many points were summed, and the first and last of their dates (YYYY-MM-DD). */
  points: number;
  from: string;
  to: string;
}

export interface LibraryMeasure {
  code: string;
  name: string;
  definition: string;
  numerator: string;
  /** Null for a count with no denominator. */
  denominator: string | null;
  unit: string;
  improvement: LibraryDirection;
  /** What a value is expressed per (e.g. per 1,000 occupied bed days); null for counts and scores. */
  rate: RateBase | null;
  source: string;
  settings: SettingId[];
  drivers: DriverId[];
  topics: TopicId[];
  citation: { url: string; title: string } | null;
  /** Why the citation is missing or partial; required when citation is null. */
  citationNote?: string;
}

const ST_DICTIONARY = {
  url: "http://safetythermometer.nhs.uk/index.php?option=com_content&view=article&id=99&Itemid=635",
  title: "NHS Safety Thermometer: Safety Thermometer Dictionary (falls, pressure ulcers, UTIs, VTE)",
};
const ST_FALLS = {
  url: "https://safetythermometer.nhs.uk/index.php?option=com_content&view=article&id=102:falls-defined&catid=48&Itemid=635",
  title: "NHS Safety Thermometer: Falls defined",
};
const OBS_CYMRU = {
  url: "https://pmc.ncbi.nlm.nih.gov/articles/PMC7201938",
  title:
    "Bell et al. 2020, Incidence of postpartum haemorrhage defined by quantitative blood loss measurement: a national cohort (BMC Pregnancy and Childbirth 20:271)",
};
const MSDS_PPH = {
  url: "https://blog.publicview.health/posts/2021/2021-07-02-new-maternity-indicators/",
  title: "Public View: new maternity indicators from the Maternity Services Data Set (PPH > 1,500ml)",
};
const HYDRATION = {
  url: "https://ouci.dntb.gov.ua/en/works/7WVeBXD9",
  title:
    "Lean et al. 2019, Reducing urinary tract infections in care homes by improving hydration (BMJ Open Quality 8:e000563)",
};
const FFT = {
  url: "https://www.england.nhs.uk/fft/fft-guidance/",
  title: "NHS England: Guidance on implementing the Friends and Family Test",
};
const PARTNERSHIP = {
  url: "https://www.england.nhs.uk/long-read/policy-on-working-in-partnership-with-people-and-communities",
  title: "NHS England: Policy on working in partnership with people and communities",
};
const SKILLS_FOR_CARE = {
  url: "https://www.skillsforcare.org.uk/adult-social-care-workforce-data/Workforce-intelligence/publications/Data-and-publications.aspx",
  title: "Skills for Care: adult social care workforce data and publications",
};
const ST_FIRST_YEAR = {
  url: "http://content.digital.nhs.uk/article/2751/First-years-findings-about-harm-free-patient-care-published",
  title: "HSCIC: First year's findings about harm-free patient care published (NHS Safety Thermometer)",
};

const OBD = rate(1000, "occupied bed days", "EXPOSURE");
const CARE_HOME_SAFETY = {
  settings: ["care-homes", "community"] as SettingId[],
  drivers: ["data-systems", "improvement-support-systems"] as DriverId[],
};

export const MEASURE_LIBRARY: readonly LibraryMeasure[] = [
  {
    code: "FALLS-OBD",
    name: "Falls per 1,000 occupied bed days",
    definition:
      "Falls among residents or patients, a fall being an unplanned or unintentional descent to the floor, with or without injury, regardless of cause, per 1,000 occupied bed days.",
    numerator: "Falls in the period (all, with or without harm)",
    denominator: "Occupied bed days in the period",
    unit: "falls per 1,000 occupied bed days",
    improvement: "DECREASE",
    rate: OBD,
    source: "Local incident reporting; falls definition of the NHS Safety Thermometer",
    ...CARE_HOME_SAFETY,
    topics: ["falls"],
    citation: ST_FALLS,
    citationNote:
      "The page defines a fall; the per-1,000-occupied-bed-days rate is the usual local presentation, not defined there.",
  },
  {
    code: "FALLS-HARM-PCT",
    name: "Falls with harm (% of people assessed)",
    definition:
      "Percentage of people assessed on the survey day who had a fall with harm in the previous 72 hours in the care setting.",
    numerator: "People assessed who had a fall with harm in the previous 72 hours",
    denominator: "People assessed on the survey day",
    unit: "% of people assessed",
    improvement: "DECREASE",
    rate: rate(100, "people assessed", "POPULATION"),
    source: "NHS Safety Thermometer (national collection ended March 2020)",
    ...CARE_HOME_SAFETY,
    topics: ["falls"],
    citation: ST_FALLS,
  },
  {
    code: "POST-FALL-HUDDLE-PCT",
    name: "Falls followed by a post-falls huddle within 24 hours",
    definition: "Percentage of falls reviewed by the team in a post-falls huddle within 24 hours of the fall.",
    numerator: "Falls with a post-falls huddle within 24 hours",
    denominator: "Falls in the period",
    unit: "% of falls",
    improvement: "INCREASE",
    rate: rate(100, "falls", "POPULATION"),
    source: "Local audit (process measure)",
    ...CARE_HOME_SAFETY,
    topics: ["falls", "quality-improvement"],
    citation: null,
    citationNote:
      "No public page defining this process measure was found; it is a local process measure of the Essex care home work.",
  },
  {
    code: "PU-NEW-OBD",
    name: "New pressure ulcers per 1,000 occupied bed days",
    definition:
      "Pressure ulcers (category 2 and above) developing after admission to the home or ward, per 1,000 occupied bed days.",
    numerator: "New pressure ulcers (category 2 and above) in the period",
    denominator: "Occupied bed days in the period",
    unit: "new pressure ulcers per 1,000 occupied bed days",
    improvement: "DECREASE",
    rate: OBD,
    source: "Local incident reporting; pressure ulcer definitions of the NHS Safety Thermometer",
    ...CARE_HOME_SAFETY,
    topics: ["pressure-ulcers"],
    citation: ST_DICTIONARY,
    citationNote:
      "The page defines new and old pressure ulcers; the per-1,000-occupied-bed-days rate is not defined there.",
  },
  {
    code: "PU-NEW-PCT",
    name: "New pressure ulcers (% of people assessed)",
    definition:
      "Percentage of people assessed on the survey day with a new pressure ulcer (category 2 to 4) that developed in the care setting.",
    numerator: "People assessed with a new pressure ulcer",
    denominator: "People assessed on the survey day",
    unit: "% of people assessed",
    improvement: "DECREASE",
    rate: rate(100, "people assessed", "POPULATION"),
    source: "NHS Safety Thermometer (national collection ended March 2020)",
    ...CARE_HOME_SAFETY,
    topics: ["pressure-ulcers"],
    citation: ST_DICTIONARY,
  },
  {
    code: "UTI-OBD",
    name: "Urinary tract infections per 1,000 occupied bed days",
    definition: "New urinary tract infections among residents treated with antibiotics, per 1,000 occupied bed days.",
    numerator: "New urinary tract infections treated in the period",
    denominator: "Occupied bed days in the period",
    unit: "UTIs per 1,000 occupied bed days",
    improvement: "DECREASE",
    rate: OBD,
    source: "Local infection records; used by the care home hydration studies",
    ...CARE_HOME_SAFETY,
    topics: ["urinary-tract-infections"],
    citation: HYDRATION,
    citationNote:
      "The study counts UTIs requiring antibiotics and admissions in four care homes; the per-1,000-occupied-bed-days rate is the library's presentation.",
  },
  {
    code: "CAUTI-PCT",
    name: "Catheter-associated urinary tract infections (% of people assessed)",
    definition:
      "Percentage of people assessed on the survey day who have a urinary catheter and are being treated for a urinary tract infection.",
    numerator: "People assessed with a catheter and treated for a UTI",
    denominator: "People assessed on the survey day",
    unit: "% of people assessed",
    improvement: "DECREASE",
    rate: rate(100, "people assessed", "POPULATION"),
    source: "NHS Safety Thermometer (national collection ended March 2020)",
    ...CARE_HOME_SAFETY,
    topics: ["urinary-tract-infections"],
    citation: ST_DICTIONARY,
  },
  {
    code: "UTI-ADMISSIONS",
    name: "Hospital admissions for urinary tract infection from care homes",
    definition:
      "Emergency admissions to hospital of care home residents with a urinary tract infection as the primary reason, per month.",
    numerator: "Emergency admissions with a primary diagnosis of urinary tract infection",
    denominator: null,
    unit: "admissions per month",
    improvement: "DECREASE",
    rate: null,
    source: "Hospital episode statistics, local linkage",
    ...CARE_HOME_SAFETY,
    topics: ["urinary-tract-infections"],
    citation: HYDRATION,
  },
  {
    code: "FLUID-GOAL-PCT",
    name: "Residents meeting their daily fluid goal",
    definition: "Percentage of residents meeting their individual daily fluid goal on audit days.",
    numerator: "Residents meeting their fluid goal on the audit day",
    denominator: "Residents audited",
    unit: "% of residents",
    improvement: "INCREASE",
    rate: rate(100, "residents", "POPULATION"),
    source: "Local audit (process measure)",
    ...CARE_HOME_SAFETY,
    topics: ["urinary-tract-infections", "person-centred-care"],
    citation: HYDRATION,
    citationNote: "The study's intervention is structured drink rounds; it is not a definition of this audit measure.",
  },
  {
    code: "HARM-FREE-PCT",
    name: "Harm-free care (% of people assessed)",
    definition:
      "Percentage of people assessed on the survey day free of all four harms: pressure ulcers, falls with harm, catheter-associated UTI and new venous thromboembolism.",
    numerator: "People assessed with none of the four harms",
    denominator: "People assessed on the survey day",
    unit: "% of people assessed",
    improvement: "INCREASE",
    rate: rate(100, "people assessed", "POPULATION"),
    source: "NHS Safety Thermometer (national collection ended March 2020)",
    ...CARE_HOME_SAFETY,
    topics: ["falls", "pressure-ulcers", "urinary-tract-infections"],
    citation: ST_FIRST_YEAR,
  },
  {
    code: "PPH-1500",
    name: "Postpartum haemorrhage of 1.5 litres or more per 1,000 births",
    definition: "Births followed by a blood loss of 1,500 ml or more, per 1,000 births.",
    numerator: "Births with a postpartum blood loss of 1,500 ml or more",
    denominator: "Births in the period",
    unit: "per 1,000 births",
    improvement: "DECREASE",
    rate: rate(1000, "births", "POPULATION"),
    source: "Maternity Services Data Set; maternity dashboards",
    settings: ["maternity", "acute"],
    drivers: ["data-systems", "sharing-networks"],
    topics: ["postpartum-haemorrhage", "maternal-care"],
    citation: MSDS_PPH,
    citationNote:
      "The page lists PPH > 1,500ml among the MSDS indicators without its technical definition; NHS Digital's indicator specification was not found.",
  },
  {
    code: "PPH-QBL-PCT",
    name: "Births with blood loss measured quantitatively",
    definition:
      "Percentage of births where blood loss was measured (weighed or collected) rather than estimated by eye.",
    numerator: "Births with quantitative measurement of blood loss",
    denominator: "Births in the period",
    unit: "% of births",
    improvement: "INCREASE",
    rate: rate(100, "births", "POPULATION"),
    source: "Local audit (OBS Cymru style)",
    settings: ["maternity", "acute"],
    drivers: ["data-systems", "applied-improvement-training"],
    topics: ["postpartum-haemorrhage", "maternal-care"],
    citation: OBS_CYMRU,
  },
  {
    code: "PPH-DEBRIEF-PCT",
    name: "Women offered a debrief after postpartum haemorrhage",
    definition:
      "Percentage of women with a blood loss of 1.5 litres or more who were offered a debrief before discharge.",
    numerator: "Women with PPH of 1.5 litres or more offered a debrief before discharge",
    denominator: "Women with PPH of 1.5 litres or more discharged in the period",
    unit: "% of women",
    improvement: "INCREASE",
    rate: rate(100, "women", "POPULATION"),
    source: "Local audit (process measure)",
    settings: ["maternity"],
    drivers: ["partnering-for-improvement"],
    topics: ["postpartum-haemorrhage", "person-centred-care"],
    citation: null,
    citationNote:
      "No public page defining this measure was found; it is a local process measure of the maternity community of practice.",
  },
  {
    code: "FFT-POSITIVE-PCT",
    name: "Friends and Family Test: positive responses",
    definition:
      "Percentage of Friends and Family Test responses rating the overall experience of the service as very good or good.",
    numerator: "Responses rating the experience very good or good",
    denominator: "All responses",
    unit: "% of respondents",
    improvement: "INCREASE",
    rate: rate(100, "responses", "POPULATION"),
    source: "NHS Friends and Family Test",
    settings: ["community", "acute", "maternity", "primary-care", "mental-health"],
    drivers: ["partnering-for-improvement", "data-systems"],
    topics: ["patient-and-public-involvement", "person-centred-care"],
    citation: FFT,
  },
  {
    code: "PPI-REPRESENTATIVES",
    name: "People with lived experience taking part in service design",
    definition:
      "Number of patients, carers and community members taking part in service design or improvement groups in the month.",
    numerator: "People with lived experience attending a design or improvement group in the month",
    denominator: null,
    unit: "people per month",
    improvement: "INCREASE",
    rate: null,
    source: "Local involvement records",
    settings: ["community", "system-wide"],
    drivers: ["partnering-for-improvement"],
    topics: ["patient-and-public-involvement"],
    citation: PARTNERSHIP,
    citationNote:
      "The policy sets out working in partnership with people and communities; it defines no count measure.",
  },
  {
    code: "PPI-INFO-REVIEWED",
    name: "Patient information reviewed by citizens",
    definition: "Cumulative number of letters, leaflets and web pages reviewed or co-written by citizen reviewers.",
    numerator: "Items of patient information reviewed or co-written by citizens",
    denominator: null,
    unit: "items (cumulative)",
    improvement: "INCREASE",
    rate: null,
    source: "Local involvement records",
    settings: ["community"],
    drivers: ["partnering-for-improvement"],
    topics: ["patient-and-public-involvement"],
    citation: null,
    citationNote: "No public page defining this measure was found.",
  },
  {
    code: "RM-NETWORK-ATTENDANCE",
    name: "Attendance at Registered Manager network meetings",
    definition: "Number of people attending each meeting of a registered manager network.",
    numerator: "Attendees at the meeting",
    denominator: null,
    unit: "attendees per meeting",
    improvement: "INCREASE",
    rate: null,
    source: "Network attendance records",
    settings: ["social-care", "care-homes"],
    drivers: ["sharing-networks", "staff-development"],
    topics: ["peer-learning", "management-development"],
    citation: null,
    citationNote: "No public page defining this measure was found.",
  },
  {
    code: "RM-TURNOVER-PCT",
    name: "Registered manager turnover rate",
    definition:
      "Registered managers who left their post in the last 12 months as a percentage of registered manager posts filled.",
    numerator: "Registered managers leaving in the last 12 months",
    denominator: "Registered manager posts filled",
    unit: "% of posts",
    improvement: "DECREASE",
    rate: rate(100, "posts", "POPULATION"),
    source: "Adult Social Care Workforce Data Set (Skills for Care)",
    settings: ["social-care", "care-homes"],
    drivers: ["talent-management", "staff-development"],
    topics: ["succession-planning", "management-development"],
    citation: SKILLS_FOR_CARE,
    citationNote:
      "The page lists the workforce reports that publish turnover; the turnover definition is in those reports.",
  },
];

export const MEASURE_CODES = MEASURE_LIBRARY.map((m) => m.code);

const byCode = new Map(MEASURE_LIBRARY.map((m) => [m.code, m]));
export function libraryMeasure(code: string): LibraryMeasure | undefined {
  return byCode.get(code);
}
