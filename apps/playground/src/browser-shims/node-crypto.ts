/**
 * Browser stand-in for `node:crypto`, aliased by vite.config.ts: @weightspec/onnx's graph builder
 * imports `createHash` at load time to key identical initializers. Here the "digest" is the hex of
 * every byte fed in, an exact content key (no collisions), which is all the builder needs; it is not a
 * cryptographic hash and nothing else may use it. Remove once @weightspec/onnx stops importing node:.
 */
export function createHash(_algorithm: string) {
  const parts: string[] = [];
  const hash = {
    update(data: string | Uint8Array) {
      if (typeof data === 'string') parts.push(`s${data.length}:${data}`);
      else {
        let hex = '';
        for (const byte of data) hex += byte.toString(16).padStart(2, '0');
        parts.push(`b${data.length}:${hex}`);
      }
      return hash;
    },
    digest(_encoding: string) {
      return parts.join('|');
    },
  };
  return hash;
}
