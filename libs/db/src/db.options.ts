export const DB_MODULE_OPTIONS = Symbol('DB_MODULE_OPTIONS');

export interface DbModuleOptions {
  databaseUrl: string;
  /** Connections in this process's pool; defaults to 10. */
  poolSize?: number;
  /** Waiting for a pooled or a new connection; defaults to 5 s. */
  connectTimeoutMs?: number;
  /** One statement, or one transaction, from start to answer; defaults to 15 s. */
  queryTimeoutMs?: number;
  /** Told when the server ends a pooled connection (restart, failover); defaults to a process warning. */
  onConnectionError?: (error: Error) => void;
}
