import { createSign, createVerify, type KeyObject } from 'node:crypto';

/** A JWT split into its parts; the signature is not checked here. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Signs `payload` as an RS256 JWT (what GitHub's OIDC issuer uses). */
export function signJwt(payload: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const signingInput = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
  return `${signingInput}.${b64url(signature)}`;
}

/** Splits a compact JWT; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** True when an RS256 JWT was signed by the holder of `publicKeyPem`. */
export function verifyJwt(jwt: DecodedJwt, publicKeyPem: string): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  return createVerify('RSA-SHA256').update(jwt.signingInput).verify(publicKeyPem, jwt.signature);
}
