// The live partner registry: reads schema/partners.json (REGISTRY_FILE) and re-reads it when it
// changes, so adding, disabling or moving a partner takes effect in a running gateway and catalogue
// within one poll interval, without a restart. A file that does not validate is refused with a log
// line and the last good registry stays in force. Requests read the registry once per fetch, so a
// query in flight during a change completes against what it started with or the new one, whole.
import { readFileSync, statSync } from "node:fs";
import type { Logger } from "pino";
import { parseRegistry, type Registry } from "../schema/registry.ts";

export class RegistrySource {
  private registry: Registry;
  private stamp: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly urlTemplate: string,
    private readonly logger: Logger,
  ) {
    // At start a bad registry is fatal: there is no last good one to keep.
    this.registry = parseRegistry(JSON.parse(readFileSync(file, "utf8")), urlTemplate);
    this.stamp = this.currentStamp();
  }

  current = (): Registry => this.registry;

  private currentStamp(): string {
    const s = statSync(this.file);
    return `${s.mtimeMs}:${s.size}`;
  }

  /** Re-reads the file if it changed; returns true when a new registry took effect. */
  reload(): boolean {
    let stamp: string;
    try {
      stamp = this.currentStamp();
    } catch (e) {
      this.logger.error({ file: this.file, reason: (e as Error).message }, "registry unreadable; keeping the last good one");
      return false;
    }
    if (stamp === this.stamp) return false;
    this.stamp = stamp;
    let next: Registry;
    try {
      next = parseRegistry(JSON.parse(readFileSync(this.file, "utf8")), this.urlTemplate);
    } catch (e) {
      this.logger.error({ file: this.file, reason: (e as Error).message }, "registry refused; keeping the last good one");
      return false;
    }
    const before = new Map(this.registry.partners.map((p) => [p.id, JSON.stringify(p)]));
    const after = new Map(next.partners.map((p) => [p.id, JSON.stringify(p)]));
    const added = [...after.keys()].filter((id) => !before.has(id));
    const removed = [...before.keys()].filter((id) => !after.has(id));
    const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
    this.registry = next;
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
