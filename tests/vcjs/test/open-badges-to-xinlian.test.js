// Open Badges 3.0 credentials signed by vc-js with eddsa-rdfc-2022 (hashed
// identifiers, results, credits, alignments) verify in Xinlian
// (`registrar verify`, offline, with an empty home); tampered copies do not.
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';

import {offlineLoader} from '../lib/loader.js';
import {achievementCredential, identityHash, newIssuer, sign} from '../lib/open-badges.js';
import {Registrar} from '../lib/registrar.js';
import {reason, verify} from '../lib/vcjs.js';

const SALT = 'Lw9b6kD2pQ';
const EMAIL = 'li.wei@example.edu';
const STUDENT_ID = '2026-0042';

const CASES = [
  {
    name: 'results and alignments, subject id (no native booleans or numbers)',
    options: {},
  },
  {
    name: 'hashed email and student number identifiers (hashed: true, salt, identityHash)',
    options: {
      identifier: [
        {type: 'IdentityObject', identityType: 'emailAddress', hashed: true, salt: SALT,
          identityHash: identityHash(EMAIL, SALT)},
        {type: 'IdentityObject', identityType: 'studentId', hashed: true, salt: SALT,
          identityHash: identityHash(STUDENT_ID, SALT)},
      ],
    },
  },
  {
    name: 'the Open Badges extensions context after 3.0.3',
    options: {extensions: true},
  },
  {
    name: 'credits (creditsAvailable, creditsEarned)',
    options: {credits: true},
  },
  {
    name: 'hashed identifier, results, credits and alignments together',
    options: {
      credits: true,
      identifier: [{type: 'IdentityObject', identityType: 'emailAddress', hashed: true,
        salt: SALT, identityHash: identityHash(EMAIL, SALT)}],
    },
  },
];

describe('Open Badges 3.0 signed by vc-js (eddsa-rdfc-2022), verified by Xinlian', () => {
  let issuer;
  let registrar;
  const loader = offlineLoader();

  before(async () => {
    issuer = await newIssuer();
    registrar = new Registrar();
  });
  after(() => registrar?.remove());

  it('identityHash is sha256$ + hex(sha256(identifier + salt))', () => {
    // Fixed vector: printf '%s' 'li.wei@example.eduLw9b6kD2pQ' | sha256sum
    assert.equal(identityHash(EMAIL, SALT),
      'sha256$' + 'fec4449d9b0829e670664e66b6c76aabf5c4a2e72cebbb7b32e2bba3a4ffbfaf');
  });

  for(const [i, {name, options}] of CASES.entries()) {
    describe(name, () => {
      let signed;
      before(async () => {
        signed = await sign(achievementCredential({issuer, ...options}), issuer, loader);
      });

      it('verifies in vc-js (the signer is consistent with itself)', async () => {
        const result = await verify(signed, loader);
        assert.equal(result.verified, true, reason(result));
      });

      it('verifies in Xinlian (registrar verify, exit 0)', () => {
        const file = join(registrar.dir, `ob-${i}.json`);
        writeFileSync(file, JSON.stringify(signed, null, 2));
        const {status, report} = registrar.verify(file);
        const failed = report.checks.filter(c => c.outcome === 'failed');
        assert.equal(status, 0, JSON.stringify(failed));
        assert.equal(report.verified, true);
        assert.ok(report.checks.some(c => c.check === 'proof' && c.outcome === 'passed'),
          JSON.stringify(report.checks));
      });

      it('a tampered copy (another result value) fails Xinlian\'s proof check', () => {
        const tampered = structuredClone(signed);
        tampered.credentialSubject.result[0].value = 'B';
        const file = join(registrar.dir, `ob-${i}-tampered.json`);
        writeFileSync(file, JSON.stringify(tampered, null, 2));
        const {status, report} = registrar.verify(file);
        assert.notEqual(status, 0);
        assert.equal(report.verified, false);
        assert.ok(report.checks.some(c => c.check === 'proof' && c.outcome === 'failed'),
          JSON.stringify(report.checks));
      });
    });
  }
});
