// Edits the registry file for `npm run partner`: every change is validated as a whole registry
// before it is written, and written atomically (temp file + rename) so that a gateway or catalogue
// polling the file never reads half of it.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { partnerEntry, registryFile, type PartnerEntry } from "./registry.ts";

export class RegistryEditError extends Error {}

interface FileShape {
  $comment?: string;
  partners: PartnerEntry[];
}

function read(file: string): FileShape {
  return JSON.parse(readFileSync(file, "utf8")) as FileShape;
}

/** One partner per line: a diff of the registry shows exactly which partner changed. */
export function formatRegistry(data: FileShape): string {
  const lines = data.partners.map(
    (p) =>
      `    ${JSON.stringify(p).replace(/":/g, '": ').replace(/,"/g, ', "').replace(/^\{/, "{ ").replace(/\}$/, " }")}`,
  );
  const head = data.$comment !== undefined ? `  "$comment": ${JSON.stringify(data.$comment)},\n` : "";
  return `{\n${head}  "partners": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

function write(file: string, data: FileShape): void {
  const parsed = registryFile.safeParse(data);
  if (!parsed.success) {
    throw new RegistryEditError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, formatRegistry(data));
  renameSync(temp, file);
}

export function addPartner(file: string, entry: unknown): PartnerEntry {
  const parsed = partnerEntry.safeParse(entry);
  if (!parsed.success)
    throw new RegistryEditError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const data = read(file);
  if (data.partners.some((p) => p.id === parsed.data.id))
    throw new RegistryEditError(`partner ${parsed.data.id} is already registered`);
  data.partners.push(parsed.data);
  write(file, data);
  return parsed.data;
}

function update(file: string, id: string, change: (p: PartnerEntry) => PartnerEntry | undefined): void {
  const data = read(file);
  const index = data.partners.findIndex((p) => p.id === id);
  if (index < 0) throw new RegistryEditError(`no partner ${id} in ${file}`);
  const next = change(data.partners[index]!);
  if (next) data.partners[index] = next;
  else data.partners.splice(index, 1);
  write(file, data);
}

export const removePartner = (file: string, id: string) => update(file, id, () => undefined);
export const setEnabled = (file: string, id: string, enabled: boolean) => update(file, id, (p) => ({ ...p, enabled }));
