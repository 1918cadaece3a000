/** The oldest Node.js major Tollgate runs on (the workspace brings it: devDependency `node`). */
const MINIMUM_NODE_MAJOR = 24;

/**
 * One line saying why this Node.js is too old, or undefined when it will do.
 * Entry points check it before loading anything that needs Node 24
 * (`node:sqlite`), so an old Node gets this line instead of a module error.
 */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number.parseInt(version, 10);
  if (major >= MINIMUM_NODE_MAJOR) return undefined;
  return `Tollgate needs Node.js ${MINIMUM_NODE_MAJOR} or newer, but this is Node.js ${version}: run it through pnpm (pnpm start, pnpm cli), which brings Node ${MINIMUM_NODE_MAJOR} with the workspace, or install Node ${MINIMUM_NODE_MAJOR}.`;
}
