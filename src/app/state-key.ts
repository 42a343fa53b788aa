import { createPrivateKey, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The key that signs the state riskgate carries from push to push in its umbrella check run. It is
// derived from the App's private key, which every process that gates holds (it mints installation
// tokens with it) and which is 2,048-bit RSA material: a MAC published on every public check run
// gives no foothold to guess it. The webhook secret was the other candidate, but operators choose
// it and it may be short; a MAC over public text would let anyone test guesses of it offline, and
// a guessed webhook secret forges webhooks too.

const PEM = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----/;

/** The PEM as probot reads PRIVATE_KEY: possibly base64 of the whole file, or with `\n` written out. */
function pemOf(raw: string): string {
  let text = raw.trim();
  if (!text.includes('-----BEGIN') && /^[A-Za-z0-9+/=\s]+$/.test(text)) text = Buffer.from(text, 'base64').toString('utf8');
  text = text.replace(/\\n/g, '\n');
  const match = PEM.exec(text);
  if (!match) throw new Error('PRIVATE_KEY is not a PEM private key (the contents of the .pem file GitHub gave when the App was registered)');
  // A key pasted on one line: PEM wants its base64 in lines.
  const body = match[2]!.replace(/\s+/g, '').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${match[1]}-----\n${body}-----END ${match[1]}-----\n`;
}

/**
 * HKDF-SHA256 over the private key's canonical DER: the same key in PKCS#1 or PKCS#8, pasted or
 * read from PRIVATE_KEY_PATH, gives the same MAC key in every process. Rotating the private key
 * changes it: states signed before then no longer verify and are ignored once.
 */
export function stateKeyFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): Buffer {
  const raw = env.PRIVATE_KEY ?? (env.PRIVATE_KEY_PATH ? readFileSync(resolve(cwd, env.PRIVATE_KEY_PATH), 'utf8') : undefined);
  if (raw === undefined) throw new Error('PRIVATE_KEY (the .pem\'s contents) or PRIVATE_KEY_PATH must be set');
  const der = createPrivateKey(pemOf(raw)).export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', der, 'riskgate', 'gate-state MAC v2', 32));
}
