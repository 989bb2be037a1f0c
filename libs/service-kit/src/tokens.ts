export const LOGGER = Symbol('LOGGER');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}
