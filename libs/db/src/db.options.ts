export const DB_MODULE_OPTIONS = Symbol('DB_MODULE_OPTIONS');

export interface DbModuleOptions {
  databaseUrl: string;
  /** Connections in this process's pool; defaults to 10. */
  poolSize?: number;
  /** Told when the server ends a pooled connection (restart, failover); defaults to a process warning. */
  onConnectionError?: (error: Error) => void;
}
