export const DB_MODULE_OPTIONS = Symbol('DB_MODULE_OPTIONS');

export interface DbModuleOptions {
  databaseUrl: string;
  /** Connections in this process's pool; defaults to 10. */
  poolSize?: number;
}
