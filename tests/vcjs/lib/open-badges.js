// Open Badges 3.0 AchievementCredentials as an issuer outside Xinlian would
// write them, signed by vc-js with eddsa-rdfc-2022 and an Ed25519 did:key.
import {createHash, randomUUID} from 'node:crypto';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';

import {eddsaRdfc2022, vc} from './vcjs.js';

export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/**
 * An Open Badges IdentityHash: "sha256$" and the lowercase hex SHA-256 of
 * the UTF-8 identifier with the salt appended.
 */
export function identityHash(identifier, salt) {
  return 'sha256$' + createHash('sha256').update(identifier + salt, 'utf8').digest('hex');
}

/** An issuer: an Ed25519 did:key and its vc-js signing suite. */
export async function newIssuer() {
  const key = await Ed25519Multikey.generate();
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {did, key};
}

/** Signs `credential` with eddsa-rdfc-2022 (vc-js `issue`). */
export async function sign(credential, {key}, documentLoader) {
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022});
  return vc.issue({credential, suite, documentLoader});
}

/**
 * An AchievementCredential. `identifier` (optional) is the subject's
 * IdentityObject list; `credits` adds creditsAvailable / creditsEarned;
 * results and alignments are always there.
 */
export function achievementCredential({issuer, identifier, credits = false, extensions = false}) {
  const resultDescriptionId = `urn:uuid:${randomUUID()}`;
  const achievement = {
    id: `urn:uuid:${randomUUID()}`,
    type: ['Achievement'],
    achievementType: 'BachelorDegree',
    name: 'Bachelor of Science in Physics',
    description: 'Awarded for completing the four-year physics programme.',
    criteria: {narrative: 'Complete 240 ECTS credits including a thesis.'},
    fieldOfStudy: 'Physics',
    alignment: [{
      type: ['Alignment'],
      targetName: 'ISCED-F 0533 Physics',
      targetUrl: 'https://isced.example.org/0533',
      targetType: 'ext:ISCED-F',
      targetCode: '0533',
      targetFramework: 'ISCED Fields of Education and Training 2013',
    }],
    resultDescription: [{
      id: resultDescriptionId,
      type: ['ResultDescription'],
      name: 'Final grade',
      resultType: 'LetterGrade',
      allowedValue: ['A', 'B', 'C', 'D', 'E'],
    }],
  };
  const subject = {
    type: ['AchievementSubject'],
    achievement,
    result: [{
      type: ['Result'],
      resultDescription: resultDescriptionId,
      value: 'A',
    }],
  };
  if(identifier) {
    subject.identifier = identifier;
  } else {
    subject.id = `did:example:graduate-${randomUUID()}`;
  }
  if(credits) {
    achievement.creditsAvailable = 240;
    subject.creditsEarned = 240;
  }
  return {
    '@context': [VC_V2_CONTEXT, OB_CONTEXT, ...(extensions ? [OB_EXTENSIONS_CONTEXT] : [])],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'AchievementCredential'],
    issuer: {id: issuer.did, type: ['Profile'], name: 'Independent Test University'},
    validFrom: '2026-07-01T00:00:00Z',
    name: 'Bachelor of Science in Physics',
    credentialSubject: subject,
  };
}
