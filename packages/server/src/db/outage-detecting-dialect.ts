import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from "kysely";
import { DatabaseUnavailableError } from "../backend-unavailable.js";

/** Whether a driver error means the database could not be reached (not a failing statement). */
export type OutageTest = (error: unknown) => boolean;

function translate(error: unknown, isOutage: OutageTest): unknown {
  return isOutage(error) ? new DatabaseUnavailableError({ cause: error }) : error;
}

/**
 * Wraps a Kysely dialect so that every driver error meaning "the database is
 * unreachable" becomes a DatabaseUnavailableError, once, at the boundary.
 * Failing to obtain a connection always is one; a failing query is one when
 * `isOutage` says so (each backend knows its own error types).
 */
export function detectOutages(dialect: Dialect, isOutage: OutageTest): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => wrapDriver(dialect.createDriver(), isOutage),
  };
}

function wrapDriver(driver: Driver, isOutage: OutageTest): Driver {
  // The inner driver gets back the connection objects it handed out (it may use private fields of them).
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translate(error, isOutage);
    }
  };

  const wrapped: Driver = {
    init: () => guard(() => driver.init()),
    async acquireConnection() {
      let connection: DatabaseConnection;
      try {
        connection = await driver.acquireConnection();
      } catch (error) {
        throw new DatabaseUnavailableError({ cause: error });
      }
      const outer: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
          guard(() => connection.executeQuery<R>(query)),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
      };
      inner.set(outer, connection);
      return outer;
    },
    beginTransaction: (connection: DatabaseConnection, settings: TransactionSettings) =>
      guard(() => driver.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) => guard(() => driver.commitTransaction(unwrap(connection))),
    rollbackTransaction: (connection) => guard(() => driver.rollbackTransaction(unwrap(connection))),
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    destroy: () => driver.destroy(),
  };
  const { savepoint, rollbackToSavepoint, releaseSavepoint } = driver;
  type Compile = QueryCompiler["compileQuery"];
  if (savepoint) {
    wrapped.savepoint = (c, name, compile: Compile) => guard(() => savepoint.call(driver, unwrap(c), name, compile));
  }
  if (rollbackToSavepoint) {
    wrapped.rollbackToSavepoint = (c, name, compile: Compile) =>
      guard(() => rollbackToSavepoint.call(driver, unwrap(c), name, compile));
  }
  if (releaseSavepoint) {
    wrapped.releaseSavepoint = (c, name, compile: Compile) =>
      guard(() => releaseSavepoint.call(driver, unwrap(c), name, compile));
  }
  return wrapped;
}
