// A second opinion on Xinlian's JSON-LD: for every credential and
// presentation fixture in the repository, the RDFC-1.0 canonical N-Quads
// Xinlian computes (vc/examples/canonicalize.rs: the eddsa-rdfc-2022 path,
// `proof` left out, the bundled contexts) must equal jsonld.js's, byte for
// byte, with jsonld.js run the way the eddsa-rdfc-2022 cryptosuite of vc-js
// runs it (RDFC-1.0, safe mode, base null, i18n-datatype directions). A
// document both refuse is agreement; one refuses and the other accepts is a
// difference. Known differences are listed below with their reason; any
// other difference, or a listed one that went away, fails.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync, readdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import {before, test} from 'node:test';

import jsonld from 'jsonld';

import {offlineLoader} from '../lib/loader.js';
import {canonicalizeBinary, repoRoot} from '../lib/paths.js';

/** The directories searched (recursively) for fixtures, repository-relative. */
const FIXTURE_DIRS = [
  'vc/tests',
  'vc/benches/support',
  'examples/registrar/tests',
  'examples/verifier/tests',
  'examples/wallet/tests',
];

/** At least this many fixtures are found (the count when the test was written). */
const MIN_FIXTURES = 170;

/**
 * Fixtures where the two processors are known to disagree: path to the
 * reason. Each is checked to still disagree.
 */
const DIRECTION_DROPPED =
  'Xinlian drops @direction (JSON-LD toRdf with rdfDirection null: a plain language-tagged ' +
  'literal, so the direction is not signed); vc-js canonizes with rdfDirection ' +
  "'i18n-datatype' (^^<https://www.w3.org/ns/i18n#en_ltr>), and jsonld.js in safe mode " +
  'refuses @direction when rdfDirection is not set';
const KNOWN_DIFFERENCES = new Map([
  ['vc/tests/vectors/vcdm2/input/names-and-descriptions/credential-description-language-direction-en-ok.json',
    DIRECTION_DROPPED],
  ['vc/tests/vectors/vcdm2/input/names-and-descriptions/credential-name-language-direction-en-ok.json',
    DIRECTION_DROPPED],
  ['vc/tests/vectors/vcdm2/input/names-and-descriptions/issuer-description-language-direction-en-ok.json',
    DIRECTION_DROPPED],
  ['vc/tests/vectors/vcdm2/input/names-and-descriptions/issuer-name-language-direction-en-ok.json',
    DIRECTION_DROPPED],
  ['vc/tests/vectors/vcdm2/input/presentation-enveloped-vc-missing-type-fail.json',
    'verifiableCredential is an @graph container and the enveloped credential is an object ' +
    'with only an @id (its data: URL): Xinlian accepts it and signs an empty named graph ' +
    '(the data: URL, i.e. the enveloped credential, is in no quad), jsonld.js in safe mode ' +
    "refuses it ('Dropping object with only @id')"],
]);

/**
 * Contexts Xinlian bundles that no npm package in tests/vcjs serves: read
 * from vc/contexts, so the comparison is of the processors, not of the
 * context sets (bundled-contexts.test.js checks the copies that have an npm
 * counterpart).
 */
const EXTRA_CONTEXTS = new Map([
  ['https://w3id.org/security/suites/ed25519-2020/v1', 'ed25519-signature-2020-v1.jsonld'],
  ['https://purl.imsglobal.org/spec/clr/v2p0/context.json', 'clr-v2p0-context.json'],
  ['https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', 'clr-v2p0-context-2.0.1.json'],
]);

/**
 * Test contexts some W3C fixtures use (vc/tests/rdfc_contexts, as
 * vc/tests/rdfc_vectors.rs loads them): both processors get them, so those
 * fixtures are compared rather than refused by both for a missing context.
 */
const TEST_CONTEXTS = new Map([
  ['https://www.w3.org/ns/credentials/examples/v2', 'vc/tests/rdfc_contexts/credentials-examples-v2.jsonld'],
  ['https://w3id.org/citizenship/v4rc1', 'vc/tests/rdfc_contexts/citizenship-v4rc1.jsonld'],
]);

function walk(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const path = join(dir, entry.name);
    if(entry.isDirectory()) {
      return walk(path);
    }
    return entry.isFile() && /\.json(ld)?$/.test(entry.name) ? [path] : [];
  });
}

const CREDENTIAL_TYPES = ['VerifiableCredential', 'VerifiablePresentation'];

/** Whether `value` is a JSON-LD credential or presentation. */
function isCredential(value) {
  if(typeof value !== 'object' || value === null || Array.isArray(value) ||
    !('@context' in value)) {
    return false;
  }
  const types = [value.type].flat();
  return types.some(t => CREDENTIAL_TYPES.includes(t));
}

function collectFixtures() {
  const fixtures = [];
  for(const dir of FIXTURE_DIRS) {
    for(const path of walk(join(repoRoot, dir))) {
      let value;
      try {
        value = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        continue; // not JSON (a deliberately broken input): not a fixture
      }
      if(isCredential(value)) {
        fixtures.push({file: relative(repoRoot, path), value});
      }
    }
  }
  return fixtures.sort((a, b) => a.file < b.file ? -1 : 1);
}

const fixtures = collectFixtures();

function documentLoader() {
  const packaged = offlineLoader();
  return async url => {
    if(TEST_CONTEXTS.has(url)) {
      const document = JSON.parse(readFileSync(join(repoRoot, TEST_CONTEXTS.get(url)), 'utf8'));
      return {contextUrl: null, documentUrl: url, document};
    }
    if(EXTRA_CONTEXTS.has(url)) {
      const document = JSON.parse(
        readFileSync(join(repoRoot, 'vc', 'contexts', EXTRA_CONTEXTS.get(url)), 'utf8'));
      return {contextUrl: null, documentUrl: url, document};
    }
    return packaged(url);
  };
}

/** jsonld.js's canonical N-Quads of `value` without `proof`, or {error}. */
async function jsonldCanonical(value) {
  const document = structuredClone(value);
  delete document.proof;
  try {
    const nquads = await jsonld.canonize(document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      base: null,
      safe: true,
      rdfDirection: 'i18n-datatype',
      documentLoader: documentLoader(),
    });
    return {nquads};
  } catch(e) {
    return {error: String(e.message || e)};
  }
}

/** How the two outcomes differ, or null when they agree. */
function difference(xinlian, js) {
  if('error' in xinlian && 'error' in js) {
    return null;
  }
  if('error' in xinlian) {
    return `Xinlian refuses (${xinlian.error}), jsonld.js accepts`;
  }
  if('error' in js) {
    return `jsonld.js refuses (${js.error}), Xinlian accepts`;
  }
  if(xinlian.nquads === js.nquads) {
    return null;
  }
  const a = xinlian.nquads.split('\n');
  const b = js.nquads.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `line ${at + 1}: Xinlian ${JSON.stringify(a[at])}, jsonld.js ${JSON.stringify(b[at])}`;
}

let xinlianOutcomes;

before(() => {
  const contexts = [...TEST_CONTEXTS].flatMap(([url, file]) => ['--context', `${url}=${file}`]);
  const out = execFileSync(canonicalizeBinary(), [...contexts, ...fixtures.map(f => f.file)], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  xinlianOutcomes = JSON.parse(out);
});

test(`at least ${MIN_FIXTURES} credential fixtures are compared`, () => {
  assert.ok(fixtures.length >= MIN_FIXTURES,
    `found ${fixtures.length} fixtures under ${FIXTURE_DIRS.join(', ')}`);
  for(const file of KNOWN_DIFFERENCES.keys()) {
    assert.ok(fixtures.some(f => f.file === file), `known difference ${file} is no fixture`);
  }
});

for(const {file, value} of fixtures) {
  test(`Xinlian and jsonld.js agree on ${file}`, async () => {
    const xinlian = xinlianOutcomes[file];
    assert.ok(xinlian, `no output from the canonicalize example for ${file}`);
    const diff = difference(xinlian, await jsonldCanonical(value));
    if(process.env.XINLIAN_DIFFERENTIAL_REPORT) {
      console.log(JSON.stringify({file, agree: diff === null,
        bothRefuse: 'error' in xinlian && diff === null, diff}));
    }
    if(KNOWN_DIFFERENCES.has(file)) {
      assert.notEqual(diff, null,
        `${file} is listed as a known difference (${KNOWN_DIFFERENCES.get(file)}) ` +
        'but the processors now agree: remove it from KNOWN_DIFFERENCES');
    } else {
      assert.equal(diff, null, `${file}: ${diff}`);
    }
  });
}
