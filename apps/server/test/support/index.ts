export * from "./cli.js";
export * from "./config.js";
export * from "./databases.js";
export * from "./http-client.js";
export * from "./main-process.js";
export * from "./server.js";
export * from "./signing-keys.js";
export * from "./throwaway-postgres.js";
