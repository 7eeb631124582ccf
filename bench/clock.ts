/**
 * Absolute wall-clock milliseconds with sub-millisecond precision. Every
 * process on the machine shares the wall clock, so the coordinator and the
 * load workers can subtract each other's readings.
 */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
