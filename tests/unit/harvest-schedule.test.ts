// When the catalogue harvests on its own: at start unless told not to (the demo launcher asks for the
// first harvest once every partner is up), then every interval.
import { describe, expect, it, vi } from "vitest";
import { scheduleHarvests, type Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";

function fakeHarvester() {
  const harvestAll = vi.fn(async () => []);
  const reconcileAll = vi.fn(async () => []);
  const stop = vi.fn(async () => {});
  return { harvester: { harvestAll, reconcileAll, stop } as unknown as Harvester, harvestAll, reconcileAll, stop };
}

describe("scheduleHarvests", () => {
  it("harvests at start by default, then every interval", async () => {
    vi.useFakeTimers();
    const { harvester, harvestAll } = fakeHarvester();
    const stop = scheduleHarvests(harvester, 1000);
    expect(harvestAll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2500);
    expect(harvestAll).toHaveBeenCalledTimes(3);
    await stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(harvestAll).toHaveBeenCalledTimes(3);
    vi.useRealTimers();
  });

  it("waits for the first interval when told not to harvest at start", async () => {
    vi.useFakeTimers();
    const { harvester, harvestAll } = fakeHarvester();
    const stop = scheduleHarvests(harvester, 1000, false);
    expect(harvestAll).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(harvestAll).toHaveBeenCalledTimes(1);
    await stop();
    vi.useRealTimers();
  });

  it("reconciles every reconcile interval, and not at all by default", async () => {
    vi.useFakeTimers();
    const plain = fakeHarvester();
    const stopPlain = scheduleHarvests(plain.harvester, 1000, false);
    const { harvester, reconcileAll } = fakeHarvester();
    const stop = scheduleHarvests(harvester, 1000, false, 3000);
    await vi.advanceTimersByTimeAsync(6500);
    expect(reconcileAll).toHaveBeenCalledTimes(2);
    expect(plain.reconcileAll).not.toHaveBeenCalled();
    await stop();
    await stopPlain();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reconcileAll).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });

  it("stops the harvester itself when stopped (a running harvest ends between pages)", async () => {
    const { harvester, stop: harvesterStop } = fakeHarvester();
    const stop = scheduleHarvests(harvester, 1000, false);
    expect(harvesterStop).not.toHaveBeenCalled();
    await stop();
    expect(harvesterStop).toHaveBeenCalledTimes(1);
  });
});
