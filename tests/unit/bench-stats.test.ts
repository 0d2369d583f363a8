// The gateway bench's pure helpers: percentiles and medians of rounds, ratio and baseline
// formatting, statements by kind, and the CPU profile summary (scripts/bench/gateway).
import { describe, expect, it } from "vitest";
import { formatMs, formatRatio, median, percentile, statementsByKind } from "../../scripts/bench/gateway/stats.ts";
import { ownerOf, summariseProfile } from "../../scripts/bench/gateway/profile-top.ts";

describe("percentile and median", () => {
  it("takes the nearest rank of sorted values", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
  it("is the middle round, or the mean of the two middle ones, ignoring missing rounds", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 2, 4])).toBe(3);
    expect(median([])).toBeNaN();
  });
});

describe("formatting", () => {
  it("prints ratios with two decimals, and a dash when a side is missing", () => {
    expect(formatRatio(1.234)).toBe("1.23×");
    expect(formatRatio(undefined)).toBe("—");
    expect(formatRatio(Infinity)).toBe("—");
    expect(formatMs(3.14159)).toBe("3.14");
    expect(formatMs(123.45)).toBe("123.5");
  });
  it("sums statements per request by kind, in a fixed order", () => {
    const kinds: Record<string, string> = { cat: "catalogue", p1: "projects", p2: "projects", n1: "networks" };
    const deltas = new Map([
      ["p1", 6],
      ["n1", 2],
      ["cat", 2],
      ["p2", 3],
    ]);
    expect(statementsByKind(deltas, (id) => kinds[id]!, 2)).toBe("cat 1 · proj 4.5 · net 1");
    expect(statementsByKind(new Map(), () => "x", 1)).toBe("0");
  });
});

describe("CPU profile summary", () => {
  it("names where a frame lives", () => {
    expect(ownerOf("file:///w/node_modules/@apollo/gateway/dist/x.js")).toBe("@apollo/gateway");
    expect(ownerOf("file:///w/node_modules/graphql/execution/execute.js")).toBe("graphql");
    expect(ownerOf("file:///w/main/lib/partner-client.ts")).toBe("lib/partner-client.ts");
    expect(ownerOf("node:internal/deps/undici/undici")).toBe("node:internal/deps/undici/undici");
    expect(ownerOf("")).toBe("(native)");
  });
  it("ranks frames by self time, leaves out idle time and the first skipMs", () => {
    const frame = (id: number, functionName: string, url = "") => ({
      id,
      callFrame: { functionName, url, lineNumber: 0 },
    });
    const profile = {
      nodes: [
        frame(1, "(root)"),
        frame(2, "(idle)"),
        frame(3, "parse", "file:///x/node_modules/graphql/a.js"),
        frame(4, "send", "file:///x/lib/partner-client.ts"),
      ],
      // Samples every 1 ms: the first (at 1 ms) falls in the skipped start-up.
      samples: [3, 3, 4, 3, 2, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
    };
    const rows = summariseProfile(JSON.stringify(profile), 5, 1.5);
    expect(rows[0]).toEqual(["self", "ms", "frame", "where"]);
    expect(rows[1]!.slice(2)).toEqual(["parse", "graphql:1"]);
    expect(rows[1]![0]).toBe("75.0%");
    expect(rows[2]!.slice(2)).toEqual(["send", "lib/partner-client.ts:1"]);
    expect(rows.at(-1)![1]).toBe("4");
  });
});
