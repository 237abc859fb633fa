// Time as a dependency: services take a Clock so that tests and replays control it. Folds over
// events never read a clock; they take time from the event.
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** ISO 8601 with zone. */
  iso(): string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  iso: () => new Date().toISOString(),
};

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
