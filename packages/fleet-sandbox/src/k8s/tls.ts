import crypto from 'node:crypto';
import fs from 'node:fs';
import { generate } from 'selfsigned';

/** The throw-away certificate authority of one sandbox run, which is also its serving cert. */
export interface SandboxCa {
  /** PEM of the CA certificate clients trust (`caData`, `--certificate-authority`) */
  cert: string;
  /** PEM of its private key (serving only; never leaves the process) */
  key: string;
}

/**
 * Generates a CA for `host` at start, as kubeadm or kind do for a fresh cluster, but self-signed
 * and serving directly: subjectAltNames for the host, localhost and loopback, so both Go (kubectl)
 * and Node (client-node with `caData`) verify the server against it. Keys come from node:crypto
 * (native, fast); selfsigned builds the X.509 certificate.
 */
export function createSandboxCa(host: string): SandboxCa {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const ips = new Set(['127.0.0.1', '::1']);
  const names = new Set(['localhost', 'kubernetes', 'kubernetes.default.svc']);
  if (/^[\d.]+$/.test(host) || host.includes(':')) ips.add(host);
  else names.add(host);
  const pems = generate(
    [
      { name: 'commonName', value: 'fleet-sandbox-ca' },
      { name: 'organizationName', value: 'GloriousFlywheel fleet sandbox' },
    ],
    {
      days: 7,
      algorithm: 'sha256',
      // not in selfsigned's typings: use this key pair instead of forge's (slow) generator
      ...({ keyPair: { privateKey, publicKey } } as object),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        {
          name: 'keyUsage',
          keyCertSign: true,
          digitalSignature: true,
          keyEncipherment: true,
          critical: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...[...names].map(value => ({ type: 2, value })),
            ...[...ips].map(ip => ({ type: 7, ip })),
          ],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/** Writes the CA certificate for clients outside the process (kubectl, the portal's config). */
export function writeCaFile(ca: SandboxCa, file: string) {
  fs.writeFileSync(file, ca.cert, { mode: 0o644 });
}
