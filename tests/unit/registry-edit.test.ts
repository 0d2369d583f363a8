// `npm run partner` edits, and the live registry reload the gateway and the catalogue rely on.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { addPartner, RegistryEditError, removePartner, setEnabled } from "../../lib/registry/edit.ts";
import { lastGoodRegistryFile, RegistrySource, RegistryStartError } from "../../lib/registry/source.ts";
import { DEFAULT_REGISTRY_FILE, loadRegistry } from "../../lib/registry/registry.ts";

let dir: string;
let file: string;
const template = "http://127.0.0.1:{port}/graphql";
const leeds = {
  id: "leeds-th",
  name: "Leeds QI",
  organisation: "nhs-england",
  kind: "projects",
  port: 4125,
  region: "north-east-and-yorkshire",
  enabled: true,
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "registry-"));
  file = join(dir, "partners.json");
  copyFileSync(DEFAULT_REGISTRY_FILE, file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("registry edits", () => {
  it("adds a partner that the registry then routes to", () => {
    addPartner(file, leeds);
    const p = loadRegistry(file, template).get("leeds-th");
    expect(p).toMatchObject({ kind: "projects", url: "http://127.0.0.1:4125/graphql", enabled: true });
  });

  it("refuses a duplicate id, a taken port and an unknown organisation, leaving the file untouched", () => {
    const before = readFileSync(file, "utf8");
    expect(() => addPartner(file, { ...leeds, id: "essex-cc" })).toThrow(/already registered/);
    expect(() => addPartner(file, { ...leeds, port: 4121 })).toThrow(/duplicate port 4121/);
    expect(() => addPartner(file, { ...leeds, organisation: "nobody" })).toThrow(/organisation: unknown organisation/);
    expect(() => addPartner(file, { ...leeds, kind: "recipes" })).toThrow(RegistryEditError);
    expect(() => addPartner(file, { ...leeds, url: "htp:/not a url" })).toThrow(
      /url: must be an http:\/\/ or https:\/\/ URL with a host/,
    );
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("disables, enables and removes", () => {
    setEnabled(file, "bridgewater", false);
    expect(
      loadRegistry(file, template)
        .ofKind("projects")
        .map((p) => p.id),
    ).not.toContain("bridgewater");
    setEnabled(file, "bridgewater", true);
    expect(
      loadRegistry(file, template)
        .ofKind("projects")
        .map((p) => p.id),
    ).toContain("bridgewater");
    removePartner(file, "bridgewater");
    expect(loadRegistry(file, template).get("bridgewater")).toBeUndefined();
    expect(() => removePartner(file, "bridgewater")).toThrow(/no partner bridgewater/);
  });

  it("refuses to remove the only catalogue", () => {
    expect(() => removePartner(file, "national-catalogue")).toThrow(/exactly one enabled catalogue/);
  });
});

describe("RegistrySource", () => {
  const bump = (f: string, seconds: number) => utimesSync(f, new Date(), new Date(Date.now() + seconds * 1000));

  it("takes a valid change on reload and keeps the last good registry when the file is broken", () => {
    const source = new RegistrySource(file, template, pino({ level: "silent" }));
    expect(source.reload()).toBe(false);
    addPartner(file, leeds);
    bump(file, 1);
    expect(source.reload()).toBe(true);
    expect(source.current().get("leeds-th")).toBeDefined();
    writeFileSync(file, "{ not json");
    bump(file, 2);
    expect(source.reload()).toBe(false);
    expect(source.current().get("leeds-th")).toBeDefined();
  });

  it("fails at start on a broken file, naming the problem", () => {
    writeFileSync(file, JSON.stringify({ partners: [] }));
    expect(() => new RegistrySource(file, template, pino({ level: "silent" }))).toThrow(
      /exactly one enabled catalogue/,
    );
  });
});

// A restart while the registry file is broken: the service starts from the last registry it had in
// force (kept on disk), says so in one log line naming the fault, and takes the file again once fixed.
describe("RegistrySource's last good registry on disk", () => {
  const bump = (f: string, seconds: number) => utimesSync(f, new Date(), new Date(Date.now() + seconds * 1000));
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  it("starts from the last good registry when the file is broken at start, then takes the fixed file", () => {
    const lastGood = lastGoodRegistryFile(dir, "gateway");
    addPartner(file, leeds);
    new RegistrySource(file, template, pino({ level: "silent" }), { lastGoodFile: lastGood }).stop();
    const good = readFileSync(file, "utf8");
    expect(readFileSync(lastGood, "utf8")).toBe(good);

    // The bad edit of the issue: a URL that is no URL, then a restart.
    writeFileSync(file, good.replace(`"port": 4125`, `"port": 4125, "url": "htp:/not a url"`));
    const { logger, lines } = capture();
    const restarted = new RegistrySource(file, template, logger, { lastGoodFile: lastGood });
    expect(restarted.current().get("leeds-th")?.url).toBe("http://127.0.0.1:4125/graphql");
    expect(restarted.current().ofKind("projects").length).toBeGreaterThan(1);
    const errors = lines.filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: "registry refused at start; starting from the last good registry",
      file,
      lastGood,
    });
    expect(errors[0]!.reason).toMatch(/partners\.\d+\.url: must be an http/);
    // The broken file did not overwrite the copy.
    expect(readFileSync(lastGood, "utf8")).toBe(good);

    removePartner(file, "leeds-th");
    bump(file, 3);
    expect(restarted.reload()).toBe(true);
    expect(restarted.current().get("leeds-th")).toBeUndefined();
    expect(readFileSync(lastGood, "utf8")).toBe(readFileSync(file, "utf8"));
  });

  it("refuses to start with one line naming the fault when there is no last good copy", () => {
    writeFileSync(file, "{ not json");
    const lastGood = lastGoodRegistryFile(dir, "gateway");
    let error: unknown;
    try {
      new RegistrySource(file, template, pino({ level: "silent" }), { lastGoodFile: lastGood });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RegistryStartError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(file);
    expect(message).toMatch(/not JSON/);
    expect(message).toContain(`no last good registry at ${lastGood}`);
  });
});
