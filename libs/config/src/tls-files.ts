import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Checker } from './checker';
import type { KeyPath } from './yaml-source';

// Real certificate chains are a few KiB; anything this big is the wrong file.
const MAX_PEM_BYTES = 1024 * 1024;

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA )?PRIVATE KEY-----/;
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** The file's text, or undefined after recording why it cannot be used. */
function readPemFile(c: Checker, key: KeyPath, file: string): string | undefined {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return void c.problem(key, `${file} is a directory, not a file`);
    if (!stat.isFile()) return void c.problem(key, `${file} is not a regular file`);
    if (stat.size > MAX_PEM_BYTES) return void c.problem(key, `${file} is too large to be a PEM file`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') c.problem(key, `the file ${file} does not exist`);
    else if (code === 'EACCES' || code === 'EPERM') c.problem(key, `the file ${file} cannot be read (permission denied)`);
    else c.problem(key, `the file ${file} cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`);
    return undefined;
  }
}

function readCertificate(c: Checker, key: KeyPath, file: string): X509Certificate | undefined {
  const text = readPemFile(c, key, file);
  if (text === undefined) return undefined;
  if (!CERTIFICATE.test(text)) {
    if (PRIVATE_KEY.test(text) || ENCRYPTED_KEY.test(text)) c.problem(key, `${file} holds a private key, not a certificate (are certificate and private_key swapped?)`);
    else c.problem(key, `${file} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`);
    return undefined;
  }
  try {
    return new X509Certificate(text);
  } catch {
    c.problem(key, `${file} looks like PEM but does not hold a valid certificate`);
    return undefined;
  }
}

function readPrivateKey(c: Checker, key: KeyPath, file: string): KeyObject | undefined {
  const text = readPemFile(c, key, file);
  if (text === undefined) return undefined;
  if (ENCRYPTED_KEY.test(text)) {
    c.problem(key, `${file} is encrypted with a passphrase; the gateway needs the key unencrypted`);
    return undefined;
  }
  if (!PRIVATE_KEY.test(text)) {
    if (CERTIFICATE.test(text)) c.problem(key, `${file} holds a certificate, not a private key (are certificate and private_key swapped?)`);
    else c.problem(key, `${file} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" line)`);
    return undefined;
  }
  try {
    return createPrivateKey(text);
  } catch {
    c.problem(key, `${file} looks like PEM but does not hold a valid private key`);
    return undefined;
  }
}

/**
 * Checks the gateway's certificate and key before anything starts: both readable PEM, the key
 * unencrypted and belonging to the certificate. Expiry and a name mismatch are only noted:
 * clients may be told to accept them, but an operator should hear about it.
 */
export function checkTlsFiles(c: Checker, certificate: string, privateKey: string, host: string | undefined): void {
  const cert = readCertificate(c, ['https', 'certificate'], certificate);
  const key = readPrivateKey(c, ['https', 'private_key'], privateKey);
  if (!cert) return;
  if (key && !cert.checkPrivateKey(key)) c.problem(['https', 'private_key'], `${privateKey} is not the private key of the certificate in ${certificate}`);

  const now = c.now.getTime();
  if (Date.parse(cert.validTo) < now) c.note(['https', 'certificate'], `the certificate expired on ${cert.validTo}`);
  else if (Date.parse(cert.validFrom) > now) c.note(['https', 'certificate'], `the certificate is not valid before ${cert.validFrom}`);
  const issuedFor = host === undefined ? true : isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
  if (host !== undefined && !issuedFor) {
    c.note(['https', 'certificate'], `the certificate is not issued for ${host}; clients will refuse it unless told to trust it`);
  }
}
