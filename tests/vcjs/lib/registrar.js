// Runs the registrar CLI in a throw-away home.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {registrarBinary} from './paths.js';

/** A registrar home in a fresh temporary directory. */
export class Registrar {
  constructor() {
    this.bin = registrarBinary();
    this.dir = mkdtempSync(join(tmpdir(), 'xinlian-vcjs-'));
    this.home = join(this.dir, 'home');
  }

  /** Runs `registrar --home <home> ...args`; returns standard output. */
  run(...args) {
    try {
      return execFileSync(this.bin, ['--home', this.home, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch(e) {
      const err = new Error(
        `registrar ${args.join(' ')} exited ${e.status}: ${e.stderr}${e.stdout}`);
      err.status = e.status;
      err.stdout = e.stdout;
      err.stderr = e.stderr;
      throw err;
    }
  }

  /** `registrar verify FILE --json` (exit status and report). */
  verify(file, ...flags) {
    try {
      return {status: 0, report: JSON.parse(this.run('verify', file, '--json', ...flags))};
    } catch(e) {
      if(e.status === undefined || !e.stdout) {
        throw e;
      }
      return {status: e.status, report: JSON.parse(e.stdout), stderr: e.stderr};
    }
  }

  /** Removes the temporary directory. */
  remove() {
    rmSync(this.dir, {recursive: true, force: true});
  }

  /** Reads a JSON file. */
  static readJson(path) {
    return JSON.parse(readFileSync(path, 'utf8'));
  }
}
