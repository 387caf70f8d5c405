// The original's report for start/stop_offboard_mode: steps, errors and
// warnings in order, the state before and after, and the time taken. Stop
// adds `was_active`. Each step carries its time since the command began, so
// a report reads as a timeline.

export interface OffboardStateSnapshot {
  following_active: boolean;
  /** idle | starting | active | stopping */
  offboard_phase: string;
  profile_name: string;
  circuit_breaker: boolean;
  link_connected: boolean;
  flight_mode_text: string | null;
  is_offboard: boolean;
  armed: boolean;
}

/** `S`: the state before and after (the vehicle's snapshot here; the controller's flags without a vehicle). */
export interface OffboardReport<S = OffboardStateSnapshot> {
  status: 'success' | 'failure';
  details: {
    steps: string[];
    errors: string[];
    warnings: string[];
    initial_state: S;
    final_state: S;
    execution_time_ms: number;
  };
  was_active?: boolean;
}

/** Collects one command's steps with their times. */
export class ReportBuilder {
  readonly steps: string[] = [];
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  /** When the command began, and the state then. */
  readonly #t0 = performance.now();
  readonly #initial: OffboardStateSnapshot;

  constructor(initial: OffboardStateSnapshot) {
    this.#initial = initial;
  }

  #at(): string {
    return `[+${Math.round(performance.now() - this.#t0)} ms]`;
  }

  step(text: string): void {
    this.steps.push(`${this.#at()} ${text}`);
  }

  error(text: string): void {
    this.errors.push(text);
    this.steps.push(`${this.#at()} FAILED: ${text}`);
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  get failed(): boolean {
    return this.errors.length > 0;
  }

  finish(final: OffboardStateSnapshot, wasActive?: boolean): OffboardReport {
    const r: OffboardReport = {
      status: this.failed ? 'failure' : 'success',
      details: {
        steps: this.steps, errors: this.errors, warnings: this.warnings, initial_state: this.#initial, final_state: final,
        execution_time_ms: Math.round((performance.now() - this.#t0) * 1000) / 1000,
      },
    };
    if (wasActive !== undefined) r.was_active = wasActive;
    return r;
  }
}
