// Zod pieces every partner kind's inputs.ts uses (the strings themselves: lib/text-zod.ts).
import { z } from "zod";

/** A list argument of vocabulary ids or enum values: bounded, so one write cannot grow a row without end. */
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(30, "at most 30 values");
