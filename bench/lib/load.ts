// One load run with autocannon, reduced to the figures the report needs.
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers by status class: "2xx", "3xx", "4xx", "5xx", plus "errors" and "timeouts". */
  answers: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections?: number;
  /** Returns the path (and query) of the next request (built per request: costs the client more). */
  nextPath?: () => string;
  /** A fixed set of paths, cycled; prebuilt once by the load generator, so cheap for the client. */
  paths?: string[];
  method?: 'GET' | 'POST';
}

/** Connections the load generator keeps open unless told otherwise. */
export const LOAD_CONNECTIONS = 32;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const nextPath = options.nextPath;
  const result = await autocannon({
    url: options.url,
    duration: options.seconds,
    connections: options.connections ?? LOAD_CONNECTIONS,
    pipelining: 1,
    method: options.method ?? 'GET',
    requests: options.paths
      ? options.paths.map((path) => ({ path }))
      : nextPath
        ? [
            {
              setupRequest: (req: Record<string, unknown>) => {
                req.path = nextPath();
                return req;
              },
            },
          ]
        : undefined,
  } as autocannon.Options);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    answers: {
      '2xx': result['2xx'],
      '3xx': result['3xx'],
      '4xx': result['4xx'],
      '5xx': result['5xx'],
      errors: result.errors,
      timeouts: result.timeouts,
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
