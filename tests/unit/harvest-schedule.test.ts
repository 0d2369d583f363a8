// When the catalogue harvests on its own: at start unless told not to (the demo launcher asks for the
// first harvest once every partner is up), then every interval.
import { describe, expect, it, vi } from "vitest";
import { scheduleHarvests, type Harvester } from "../../subgraphs/catalogue/harvest/harvester.ts";

function fakeHarvester() {
  const harvestAll = vi.fn(async () => []);
  return { harvester: { harvestAll } as unknown as Harvester, harvestAll };
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
});
