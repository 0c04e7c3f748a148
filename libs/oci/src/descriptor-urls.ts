import { BlockList, isIP } from 'node:net';
import type { Descriptor } from './descriptor';
import { manifestInvalid } from './json-fields';
import type { ParsedManifest } from './manifest';

/**
 * Which `urls` a pushed manifest's descriptors may name (distribution's `validation.manifests.urls`).
 * Clients download foreign (non-distributable) layers from these URLs, so a registry that serves
 * a manifest vouches for them. Each pattern is matched against the URL as normalised by the WHATWG
 * URL parser (lower-case scheme and host, IPv4 in dotted decimal), so that another spelling of a
 * host cannot slip past a pattern.
 */
export interface DescriptorUrlPolicy {
  /** When set, every URL must match it. */
  allow?: RegExp;
  /** When set, no URL may match it. */
  deny?: RegExp;
}

// Addresses that lead a client back to its own machine or its local link (cloud metadata services
// live at 169.254.169.254): never a place to download a layer from, whatever the patterns say.
const LOCAL_ADDRESSES = new BlockList();
LOCAL_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL_ADDRESSES.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL_ADDRESSES.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL_ADDRESSES.addAddress('::1', 'ipv6');
LOCAL_ADDRESSES.addAddress('::', 'ipv6');
LOCAL_ADDRESSES.addSubnet('fe80::', 10, 'ipv6');

/** Loopback, unspecified and link-local hosts, by name (`localhost`, RFC 6761) or address. */
function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  // BlockList matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 subnets.
  return family !== 0 && LOCAL_ADDRESSES.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why `raw` may not be a descriptor URL under `policy`, or undefined when it may. */
export function descriptorUrlProblem(raw: string, policy: DescriptorUrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (raw.includes('#')) return 'must not have a fragment';
  if (isLocalHost(url.hostname)) return 'must not name a loopback, link-local or unspecified address';
  if (policy.allow && !policy.allow.test(url.href)) return 'does not match the URLs this registry allows';
  if (policy.deny?.test(url.href)) return 'matches the URLs this registry denies';
  return undefined;
}

/**
 * Checks the `urls` of every descriptor of a parsed manifest (config, layers or blobs, index
 * children, subject) against `policy`.
 * @throws OciError('MANIFEST_INVALID') naming the URL's field, e.g. `layers[1].urls[0]`.
 */
export function checkDescriptorUrls(m: ParsedManifest, policy: DescriptorUrlPolicy): void {
  const layersField = m.kind === 'artifact' ? 'blobs' : 'layers';
  const described: [string, Descriptor][] = [
    ...(m.config ? [['config', m.config] as [string, Descriptor]] : []),
    ...m.layers.map((d, i): [string, Descriptor] => [`${layersField}[${i}]`, d]),
    ...m.manifests.map((d, i): [string, Descriptor] => [`manifests[${i}]`, d]),
    ...(m.subject ? [['subject', m.subject] as [string, Descriptor]] : []),
  ];
  for (const [path, d] of described) {
    d.urls?.forEach((url, i) => {
      const problem = descriptorUrlProblem(url, policy);
      if (problem !== undefined) throw manifestInvalid(`${path}.urls[${i}] ${JSON.stringify(url.slice(0, 200))} ${problem}`);
    });
  }
}
