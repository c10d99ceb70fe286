/** How long a load level runs, and what bounds it. */
export interface LoadWindow {
  /** Load before measuring, not recorded (ms). */
  warmupMs: number;
  /** Measured time (ms). */
  durationMs: number;
  /** At most this many measured requests (warm-up ones not counted). */
  maxRequests?: number | undefined;
  /** Stops the level early (Ctrl-C): in-flight requests finish, nothing new starts. */
  signal?: AbortSignal | undefined;
}

/** What a finished level reports beside its recorder: the measured time, first start to last answer. */
export interface LevelTiming {
  elapsedMs: number;
}
