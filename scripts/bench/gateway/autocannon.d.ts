// The part of autocannon 9's API the load worker uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    expectBody?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    requests?: {
      method?: string;
      headers?: Record<string, string>;
      setupRequest?: (req: any, context: any) => any;
      onResponse?: (status: number, body: string, context: any) => void;
    }[];
  }
  interface Result {
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    duration: number;
  }
  function autocannon(options: Options, done: (err: Error | null, result: Result) => void): EventEmitter;
  export default autocannon;
}
