import type { RequestSpec } from '../config';

/**
 * Expands weighted requests into one cycle in which each appears `weight` times,
 * interleaved by smooth weighted round-robin (weights 3,1 → A A B A, not A A A B),
 * so every connection sees the intended mix at any moment, not in bursts.
 */
export function weightedSequence(requests: RequestSpec[]): RequestSpec[] {
  const total = requests.reduce((s, r) => s + r.weight, 0);
  const current = requests.map(() => 0);
  const out: RequestSpec[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < requests.length; i++) {
      current[i] += requests[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    out.push(requests[best]);
  }
  return out;
}

export const endpointKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
