import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Creates a verdict id: `vrd_` and a ULID, so ids sort by creation time. */
export function createVerdictId(now: number = Date.now()): string {
  return `vrd_${nextUlid(now)}`;
}
