// The contexts Xinlian bundles (vc/contexts) are the ones vc-js reads from
// the npm packages: same JSON for the same URL.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {bundledContext, bundledContextFiles, packageContexts} from '../lib/loader.js';

for(const url of bundledContextFiles.keys()) {
  test(`bundled ${url} equals the npm package's copy`, () => {
    assert.ok(packageContexts.has(url), `no npm package in tests/vcjs serves ${url}`);
    assert.deepEqual(bundledContext(url), packageContexts.get(url));
  });
}
