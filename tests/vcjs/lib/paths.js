// Where the repository and the registrar binary are.
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The repository root (tests/vcjs/lib/../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The registrar binary: $XINLIAN_REGISTRAR, else the debug build under
 * $CARGO_TARGET_DIR (or ./target). Throws when it is missing: the tests
 * need it and never skip.
 */
export function registrarBinary() {
  const path = process.env.XINLIAN_REGISTRAR ||
    join(process.env.CARGO_TARGET_DIR || join(repoRoot, 'target'), 'debug', 'registrar');
  if(!existsSync(path)) {
    throw new Error(
      `registrar binary not found at ${path}: run \`cargo build -p registrar\` ` +
      'or set XINLIAN_REGISTRAR');
  }
  return path;
}

/**
 * Xinlian's canonical N-Quads printer (vc/examples/canonicalize.rs):
 * $XINLIAN_CANONICALIZE, else the debug build under $CARGO_TARGET_DIR (or
 * ./target). Throws when it is missing: the tests need it and never skip.
 */
export function canonicalizeBinary() {
  const path = process.env.XINLIAN_CANONICALIZE ||
    join(process.env.CARGO_TARGET_DIR || join(repoRoot, 'target'), 'debug', 'examples', 'canonicalize');
  if(!existsSync(path)) {
    throw new Error(
      `canonicalize example not found at ${path}: run ` +
      '`cargo build -p xinlian-vc --example canonicalize` or set XINLIAN_CANONICALIZE');
  }
  return path;
}
