// vc-js with every Data Integrity cryptosuite Xinlian issues, and the
// Bitstring Status List check.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {createVerifyCryptosuite as ecdsaJcs2019} from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

export {eddsaRdfc2022};

/** One verifying DataIntegrityProof suite per cryptosuite. */
export function verifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
    new DataIntegrityProof({cryptosuite: eddsaJcs2022()}),
    new DataIntegrityProof({cryptosuite: ecdsaJcs2019()}),
  ];
}

/**
 * Verifies `credential` with vc-js: its proof, and (when it has a
 * `credentialStatus`) every status entry, including the status list
 * credential's own proof and that its issuer is the credential's issuer.
 */
export async function verify(credential, documentLoader) {
  return vc.verifyCredential({
    credential,
    suite: verifySuites(),
    documentLoader,
    checkStatus,
  });
}

/** The status bit of each purpose in a vc-js result, e.g. {revocation: false}. */
export function statusBits(result) {
  const out = {};
  for(const r of result.statusResult?.results ?? []) {
    out[r.credentialStatus.statusPurpose] = r.status;
  }
  return out;
}

/** A one-line reason for a failed vc-js result. */
export function reason(result) {
  const errors = [
    result.error,
    ...(result.results ?? []).map(r => r.error),
    result.statusResult?.error,
  ].filter(Boolean);
  const flatten = e => [e, ...(e.errors ?? []).flatMap(flatten)];
  return errors.flatMap(flatten).map(e => e.message).join('; ') || 'no error given';
}

export {vc};
