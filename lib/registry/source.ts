// The live partner registry: reads schema/partners.json (REGISTRY_FILE) and re-reads it when it
// changes, so adding, disabling or moving a partner takes effect in a running gateway and catalogue
// within one poll interval, without a restart. A file that does not validate is refused with a log
// line and the last good registry stays in force. Requests read the registry once per fetch, so a
// query in flight during a change completes against what it started with or the new one, whole.
//
// The last good registry is also kept on disk (`lastGoodFile`, a copy of the file's text written
// each time one takes effect), so that a service restarted while the file is broken starts from it
// instead of not starting at all: one bad edit must not take a national service dark at its next
// restart. With no last good copy yet, start-up is refused with one line naming the fault.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { parseRegistryText, RegistryError, type Registry } from "./registry.ts";

export interface RegistrySourceOptions {
  /**
   * Where the last registry that took effect is copied, and started from when the file is broken
   * at start-up. Default: none (tests); services use `lastGoodRegistryFile`.
   */
  lastGoodFile?: string;
}

/** A service's copy of its last good registry: one file per service, so no two processes write the same one. */
export function lastGoodRegistryFile(dataDir: string, service: string): string {
  // A dot cannot occur in a partner id, so this never collides with a partner's database folder;
  // anything but id characters is replaced, so a stray PARTNER_ID cannot name a path outside DATA_DIR.
  return join(dataDir, `registry.last-good.${service.replace(/[^a-z0-9-]/g, "_")}.json`);
}

/** The registry file is broken at start-up and there is no last good copy to start from. */
export class RegistryStartError extends Error {}

export class RegistrySource {
  private registry: Registry;
  private stamp: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly lastGoodFile: string | undefined;

  constructor(
    private readonly file: string,
    private readonly urlTemplate: string,
    private readonly logger: Logger,
    options: RegistrySourceOptions = {},
  ) {
    this.lastGoodFile = options.lastGoodFile;
    this.stamp = this.stampOrMissing();
    let text: string;
    try {
      text = readFileSync(file, "utf8");
      this.registry = parseRegistryText(text, urlTemplate);
    } catch (e) {
      const reason =
        e instanceof RegistryError
          ? e.message
          : `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      this.registry = this.startFromLastGood(reason);
      return;
    }
    this.keep(text);
  }

  current = (): Registry => this.registry;

  private currentStamp(): string {
    const s = statSync(this.file);
    return `${s.mtimeMs}:${s.size}`;
  }

  private stampOrMissing(): string {
    try {
      return this.currentStamp();
    } catch {
      return "missing";
    }
  }

  private startFromLastGood(reason: string): Registry {
    const copy = this.lastGoodFile;
    if (!copy || !existsSync(copy)) {
      throw new RegistryStartError(
        `${this.file}: ${reason}${copy ? `; no last good registry at ${copy} to start from` : ""}`,
      );
    }
    let registry: Registry;
    try {
      registry = parseRegistryText(readFileSync(copy, "utf8"), this.urlTemplate);
    } catch (e) {
      throw new RegistryStartError(
        `${this.file}: ${reason}; the last good copy ${copy} is unusable too: ${(e as Error).message}`,
      );
    }
    this.logger.error(
      {
        file: this.file,
        reason,
        lastGood: copy,
        lastGoodAt: statSync(copy).mtime.toISOString(),
        partners: registry.partners.length,
      },
      "registry refused at start; starting from the last good registry",
    );
    return registry;
  }

  /** Copies a registry that took effect beside the data (temp file + rename: never half written). */
  private keep(text: string): void {
    const copy = this.lastGoodFile;
    if (!copy) return;
    try {
      mkdirSync(dirname(copy), { recursive: true });
      const temp = `${copy}.${process.pid}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, copy);
    } catch (e) {
      // Serving goes on with the registry in memory; only the next start's fallback is at risk.
      this.logger.warn({ lastGood: copy, reason: (e as Error).message }, "could not keep a copy of the registry");
    }
  }

  /** Re-reads the file if it changed; returns true when a new registry took effect. */
  reload(): boolean {
    let stamp: string;
    try {
      stamp = this.currentStamp();
    } catch (e) {
      this.logger.error(
        { file: this.file, reason: (e as Error).message },
        "registry unreadable; keeping the last good one",
      );
      return false;
    }
    if (stamp === this.stamp) return false;
    this.stamp = stamp;
    let next: Registry;
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
      next = parseRegistryText(text, this.urlTemplate);
    } catch (e) {
      this.logger.error(
        { file: this.file, reason: (e as Error).message },
        "registry refused; keeping the last good one",
      );
      return false;
    }
    const before = new Map(this.registry.partners.map((p) => [p.id, JSON.stringify(p)]));
    const after = new Map(next.partners.map((p) => [p.id, JSON.stringify(p)]));
    const added = [...after.keys()].filter((id) => !before.has(id));
    const removed = [...before.keys()].filter((id) => !after.has(id));
    const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
    this.registry = next;
    this.keep(text);
    this.logger.info({ added, removed, changed }, "registry reloaded");
    return true;
  }

  /** Polls the file every `intervalMs` (mtime and size: cheap, and works on every file system). */
  watch(intervalMs: number): this {
    this.timer = setInterval(() => this.reload(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
