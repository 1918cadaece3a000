/** DATA_DIR value that keeps nothing: an in-memory database and a fresh secret per start. */
export const MEMORY_DATA_DIR = "memory://";

export function isMemoryDataDir(dataDir: string): boolean {
  return dataDir === MEMORY_DATA_DIR;
}
