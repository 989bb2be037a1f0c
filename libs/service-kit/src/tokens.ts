export const LOGGER = Symbol('LOGGER');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
/** Checks that fail /health: the process is alive but stuck, and a restart is the cure. */
export const LIVENESS_CHECKS = Symbol('LIVENESS_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface ReadinessCheck {
  readonly name: string;
  /** What /health or /ready says when it fails, instead of the error; `unavailable` by default. */
  readonly reason?: string;
  check(): Promise<void>;
}
