import { InvalidInputError } from '@weightspec/core';

const prefix = '#spec=';

/** Longest spec text a link carries; browsers and chat tools cut longer URLs. */
export const MAX_SHARED_SPEC_LENGTH = 16_000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (character) => character.charCodeAt(0));
}

/**
 * The URL hash that holds `specText`: `#spec=` and the text's UTF-8 bytes in base64url (RFC 4648 §5),
 * so the spec never reaches a server (browsers do not send the hash) and survives copy and paste.
 */
export function encodeSpecHash(specText: string): string {
  if (specText.length > MAX_SHARED_SPEC_LENGTH)
    throw new InvalidInputError(
      'spec',
      `is ${specText.length} characters; a share link holds at most ${MAX_SHARED_SPEC_LENGTH}`,
    );
  return prefix + toBase64Url(new TextEncoder().encode(specText));
}

/**
 * The spec text in a URL hash made by encodeSpecHash; null when the hash holds no spec. A hash that
 * starts with `#spec=` but does not decode is an InvalidInputError, so a broken link says so.
 */
export function decodeSpecHash(hash: string): string | null {
  if (!hash.startsWith(prefix)) return null;
  const payload = hash.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]*$/.test(payload))
    throw new InvalidInputError('location.hash', 'the shared spec is not base64url; was the link cut or edited?');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(payload));
  } catch (cause) {
    throw new InvalidInputError('location.hash', 'the shared spec does not decode as UTF-8 text', { cause });
  }
}

/** The full share link: `pageUrl` without its own hash, plus the spec's. */
export function shareLink(pageUrl: string, specText: string): string {
  return pageUrl.replace(/#.*$/, '') + encodeSpecHash(specText);
}
