// schema/vocabulary.ts is the one place the framework's words live; they must be the words of the
// source text (the Developing People Improving Care driver diagram), in its order, with stable ids.
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONDITIONS, DRIVERS, FRAMEWORK_AIM, REGIONS, SETTINGS, TOPICS } from "../../schema/vocabulary.ts";

const SEED_FILE = fileURLToPath(
  new URL("../../schema/source/developing-people-improving-care-condition-4.txt", import.meta.url),
);

function seedText(): string {
  if (!existsSync(SEED_FILE)) throw new Error(`seed text not found at ${SEED_FILE}`);
  return readFileSync(SEED_FILE, "utf8");
}

const text = seedText();

/** Where each phrase first appears at or after `from`; -1 when it does not. */
function positionsInOrder(phrases: readonly string[], from: number): number[] {
  return phrases.map((p) => text.indexOf(p, from));
}

function duplicates(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

describe("the framework vocabulary", () => {
  it("has exactly five conditions, numbered 1 to 5 in order", () => {
    expect(CONDITIONS).toHaveLength(5);
    expect(CONDITIONS.map((c) => c.number)).toEqual([1, 2, 3, 4, 5]);
    expect(CONDITIONS.map((c) => c.id)).toEqual([
      "condition-1",
      "condition-2",
      "condition-3",
      "condition-4",
      "condition-5",
    ]);
  });

  it("has exactly fifteen secondary drivers, three per condition in the diagram's order", () => {
    expect(DRIVERS).toHaveLength(15);
    DRIVERS.forEach((d, i) => {
      expect(d.condition, `driver ${i + 1} (${d.id})`).toBe(CONDITIONS[Math.floor(i / 3)]!.id);
    });
    for (const c of CONDITIONS) {
      expect(
        DRIVERS.filter((d) => d.condition === c.id),
        c.id,
      ).toHaveLength(3);
    }
  });

  it("uses the framework's aim verbatim", () => {
    expect(text).toContain(FRAMEWORK_AIM);
  });

  it.each(CONDITIONS.map((c) => [c.id, c.name] as const))("names %s exactly as the seed text does", (_id, name) => {
    expect(text).toContain(name);
  });

  it.each(DRIVERS.map((d) => [d.id, d.name] as const))("names driver %s exactly as the seed text does", (_id, name) => {
    expect(text).toContain(name);
  });

  it("lists the conditions in the order of the seed text's list of the five conditions", () => {
    const section = text.indexOf("The five conditions");
    expect(section, "the seed text has a list of the five conditions").toBeGreaterThanOrEqual(0);
    const positions = positionsInOrder(
      CONDITIONS.map((c) => c.name),
      section,
    );
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("lists the drivers in the order of the seed text's driver diagram", () => {
    const section = text.indexOf("Secondary drivers");
    expect(section, "the seed text has a list of secondary drivers").toBeGreaterThanOrEqual(0);
    const positions = positionsInOrder(
      DRIVERS.map((d) => d.name),
      section,
    );
    expect(
      positions.every((p) => p >= 0),
      "every driver appears after the 'Secondary drivers' heading",
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it.each([
    ["conditions", CONDITIONS.map((x) => x.id)],
    ["drivers", DRIVERS.map((x) => x.id)],
    ["topics", TOPICS.map((x) => x.id)],
    ["settings", SETTINGS.map((x) => x.id)],
    ["regions", REGIONS.map((x) => x.id)],
  ] as const)("has unique %s ids", (_list, ids) => {
    expect(duplicates(ids)).toEqual([]);
  });

  it("attaches every driver to a condition that exists", () => {
    const conditionIds = new Set<string>(CONDITIONS.map((c) => c.id));
    expect(DRIVERS.filter((d) => !conditionIds.has(d.condition)).map((d) => d.id)).toEqual([]);
  });

  it("has the topics the partners' case studies need", () => {
    const ids = TOPICS.map((t) => t.id as string);
    for (const required of [
      "falls",
      "pressure-ulcers",
      "urinary-tract-infections",
      "postpartum-haemorrhage",
      "sepsis",
      "delirium",
      "medication-safety",
      "acute-deterioration",
      "duty-of-candour",
      "leadership",
      "succession-planning",
      "patient-and-public-involvement",
    ]) {
      expect(ids, `topic ${required}`).toContain(required);
    }
  });

  it("has the settings the partners' case studies need", () => {
    const ids = SETTINGS.map((s) => s.id as string);
    for (const required of ["care-homes", "maternity", "community", "acute", "social-care"]) {
      expect(ids, `setting ${required}`).toContain(required);
    }
  });

  it("gives every vocabulary entry a non-empty name", () => {
    const blank = [...CONDITIONS, ...DRIVERS, ...TOPICS, ...SETTINGS, ...REGIONS]
      .filter((x) => x.name.trim() === "")
      .map((x) => x.id);
    expect(blank).toEqual([]);
  });
});
