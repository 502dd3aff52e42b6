// Registrar diplomas in every Data Integrity format, checked by Digital
// Bazaar's vc-js: proof and Bitstring Status List status verify; a tampered
// copy does not; a revoked one reports revoked.
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';

import {offlineLoader} from '../lib/loader.js';
import {identityHash} from '../lib/open-badges.js';
import {Registrar} from '../lib/registrar.js';
import {reason, statusBits, verify} from '../lib/vcjs.js';

const PUBLIC_URL = 'https://registrar.example.edu/public';

const FORMATS = [
  {format: 'di-eddsa-rdfc', keyType: 'ed25519', cryptosuite: 'eddsa-rdfc-2022'},
  {format: 'di-ecdsa-rdfc', keyType: 'p256', cryptosuite: 'ecdsa-rdfc-2019'},
  {format: 'di-eddsa-jcs', keyType: 'ed25519', cryptosuite: 'eddsa-jcs-2022'},
  {format: 'di-ecdsa-jcs', keyType: 'p256', cryptosuite: 'ecdsa-jcs-2019'},
];

for(const {format, keyType, cryptosuite} of FORMATS) {
  describe(`registrar diploma, ${format} (${keyType} did:key)`, () => {
    let registrar;
    let diploma;
    let diplomaFile;
    let published;

    before(() => {
      registrar = new Registrar();
      registrar.run(
        'init', '--name', 'Example University', '--method', 'key',
        '--key-type', keyType, '--public-url', PUBLIC_URL);
      diplomaFile = join(registrar.dir, 'diploma.json');
      registrar.run(
        'issue', 'diploma', '--student-id', '2026-0042', '--name', 'Li Wei',
        '--degree', 'Bachelor of Science', '--major', 'Computer Science',
        '--graduated', '2026-06-30', '--honors', 'magna cum laude',
        '--format', format, '-o', diplomaFile);
      published = join(registrar.dir, 'public');
      registrar.run('publish', '--out-dir', published);
      diploma = Registrar.readJson(diplomaFile);
    });
    after(() => registrar?.remove());

    it(`is secured with ${cryptosuite}`, () => {
      assert.equal(diploma.proof.type, 'DataIntegrityProof');
      assert.equal(diploma.proof.cryptosuite, cryptosuite);
      assert.ok(diploma.issuer.id.startsWith('did:key:'), diploma.issuer.id);
    });

    it('verifies in vc-js, proof and status (not revoked, not suspended)', async () => {
      const loader = offlineLoader({published: new Map([[PUBLIC_URL, published]])});
      const result = await verify(diploma, loader);
      assert.equal(result.verified, true, reason(result));
      assert.deepEqual(statusBits(result), {revocation: false, suspension: false});
      // The status lists were really read (from the publish output) and checked.
      assert.ok(loader.loaded.some(u => u.startsWith(`${PUBLIC_URL}/status/`)), loader.loaded.join(' '));
    });

    it('a diploma naming the graduate by salted hashes verifies in vc-js; the hashes are the spec\'s', async () => {
      const file = join(registrar.dir, 'hashed.json');
      registrar.run(
        'issue', 'diploma', '--student-id', '2026-0043', '--name', 'Li Wei',
        '--degree', 'Bachelor of Science', '--major', 'Computer Science',
        '--graduated', '2026-06-30', '--hashed-email', 'li.wei@example.edu',
        '--hash-student-id', '--format', format, '-o', file);
      const hashed = Registrar.readJson(file);
      const ids = hashed.credentialSubject.identifier;
      assert.equal(ids[0].hashed, true);
      assert.equal(ids[0].identityHash, identityHash('li.wei@example.edu', ids[0].salt));
      assert.equal(ids[1].identityHash, identityHash('2026-0043', ids[1].salt));
      const republished = join(registrar.dir, 'public-hashed');
      registrar.run('publish', '--out-dir', republished);
      const loader = offlineLoader({published: new Map([[PUBLIC_URL, republished]])});
      const result = await verify(hashed, loader);
      assert.equal(result.verified, true, reason(result));
    });

    it('a tampered copy (another graduate name) does not verify in vc-js', async () => {
      const tampered = structuredClone(diploma);
      tampered.credentialSubject.name = 'Wei Li';
      const loader = offlineLoader({published: new Map([[PUBLIC_URL, published]])});
      const result = await verify(tampered, loader);
      assert.equal(result.verified, false);
      assert.match(reason(result), /[Ii]nvalid signature|[Ss]ignature|not verified/);
    });

    it('once revoked and republished, vc-js reports it revoked', async () => {
      registrar.run('revoke', diplomaFile);
      const republished = join(registrar.dir, 'public-after-revoke');
      registrar.run('publish', '--out-dir', republished);
      const loader = offlineLoader({published: new Map([[PUBLIC_URL, republished]])});
      const result = await verify(diploma, loader);
      // vc-js reports the status bits; the proof and the status lists still verify.
      assert.equal(result.statusResult?.verified, true, reason(result));
      assert.deepEqual(statusBits(result), {revocation: true, suspension: false});
    });
  });
}
