/**
 * The one source of "now". Domain code never calls Date.now() for the current time,
 * so tests can set the clock to "Monday 09:15" and advance it deterministically.
 */
export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}

/**
 * The service's clock, which an admin may move while only the sandbox is connected, so a
 * newcomer can see night deferral, holidays and reminders without waiting for them.
 */
export class DemoClock implements Clock {
  private offset = 0;

  constructor(private readonly base: Clock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }

  set(at: Date): void {
    this.offset = at.getTime() - this.base.now().getTime();
  }

  reset(): void {
    this.offset = 0;
  }

  get moved(): boolean {
    return this.offset !== 0;
  }
}
