/**
 * Browser stand-in for `node:module`, `node:fs/promises` and `node:path`, aliased by vite.config.ts.
 * @weightspec/onnx and @weightspec/conformance import them at load time for their Node-only paths
 * (loading onnxruntime-node, reading files); the page never takes those paths (it injects
 * onnxruntime-web and bundles its CSV), so each export only throws, naming what was asked for.
 */
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser (the playground never calls it)`);
}

/** node:module createRequire: the page injects onnxruntime-web instead. */
export const createRequire = (_url: string) => unavailable('createRequire');
/** node:fs/promises readFile: the page bundles its CSV instead. */
export const readFile = (_path: string) => unavailable('readFile');
/** node:fs/promises writeFile. */
export const writeFile = (_path: string) => unavailable('writeFile');
/** node:fs/promises mkdir. */
export const mkdir = (_path: string) => unavailable('mkdir');
/** node:path join. */
export const join = (..._parts: string[]) => unavailable('path.join');
/** node:path dirname. */
export const dirname = (_path: string) => unavailable('path.dirname');
/** node:path extname. */
export const extname = (_path: string) => unavailable('path.extname');
