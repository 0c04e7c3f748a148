import { type ClientRequest, request as httpRequest, type IncomingMessage, type RequestOptions, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { displayProxy, proxyAuthorization } from './proxy';

export interface PostOptions {
  /** The whole exchange (connect, send, answer) must end within this. */
  timeoutMs: number;
  /** Accept any TLS certificate (the target's skip_cert_verify). */
  skipCertVerify: boolean;
  /** Send through this HTTP proxy (absolute-form for http targets, a CONNECT tunnel for https). */
  proxy?: URL;
  /** Connect (without a proxy) to this address, the one the target's name was checked as, without resolving it again. */
  connectTo?: { address: string; family: number };
}

/**
 * What a delivery records of an answer: its status and how long it took. Nothing the target wrote
 * is kept, neither body nor reason phrase: whoever may create a webhook would otherwise read
 * answers of any address the jobservice can reach in the delivery log.
 */
export interface PostAnswer {
  status: number;
  /** The standard phrase of the status (e.g. "Service Unavailable"), not the one the target sent. */
  statusText: string;
  ms: number;
}

const requestFor = (url: URL) => (url.protocol === 'https:' ? httpsRequest : httpRequest);

/** A lookup that answers `address` whatever it is asked (the URL keeps the name for Host and TLS). */
function pinnedLookup(address: string, family: number): LookupFunction {
  return (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** Where the proxy itself listens. */
function proxyEndpoint(proxy: URL): RequestOptions {
  return { protocol: proxy.protocol, hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'), port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80) };
}

/** Opens a tunnel to the target's host and port through the proxy (CONNECT); resolves with its socket. */
function tunnel(proxy: URL, target: URL, onRequest: (req: ClientRequest) => void): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  const auth = proxyAuthorization(proxy);
  return new Promise<Socket>((resolve, reject) => {
    const req = requestFor(proxy)({ ...proxyEndpoint(proxy), method: 'CONNECT', path: authority, agent: false, headers: { Host: authority, ...(auth ? { 'Proxy-Authorization': auth } : {}) } });
    onRequest(req);
    req.on('error', (err) => reject(new Error(`proxy ${displayProxy(proxy)}: ${err.message}`)));
    req.on('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`proxy ${displayProxy(proxy)} refused to CONNECT to ${authority}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
    });
    req.end();
  });
}

/**
 * One POST, no redirects followed (a webhook answered with a redirect was not delivered) and no
 * connection kept: deliveries go to many hosts, rarely twice in a row to the same one.
 */
export function postOnce(address: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostAnswer> {
  const url = new URL(address);
  const started = Date.now();
  const { proxy } = options;
  const sendHeaders = { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  let current: ClientRequest | undefined;
  return new Promise<PostAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new Error(`no answer within ${Math.round(options.timeoutMs / 100) / 10} s`);
      if (current) current.destroy(err);
      else reject(err);
    }, options.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const exchange = (req: ClientRequest) => {
      current = req;
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        // The status is all a delivery keeps: the body is not read, and the connection (never
        // reused) is closed at once.
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve({ status, statusText: STATUS_CODES[status] ?? '', ms: Date.now() - started });
        res.destroy();
      });
      req.end(body);
    };

    if (!proxy) {
      const lookup = options.connectTo && pinnedLookup(options.connectTo.address, options.connectTo.family);
      exchange(requestFor(url)(url, { method: 'POST', agent: false, rejectUnauthorized: !options.skipCertVerify, headers: sendHeaders, ...(lookup ? { lookup } : {}) }));
    } else if (url.protocol === 'http:') {
      // The proxy gets the absolute URL and forwards the request.
      const auth = proxyAuthorization(proxy);
      exchange(
        requestFor(proxy)({
          ...proxyEndpoint(proxy),
          method: 'POST',
          path: url.href,
          agent: false,
          headers: { ...sendHeaders, Host: url.host, ...(auth ? { 'Proxy-Authorization': auth } : {}) },
        }),
      );
    } else {
      // TLS with the target itself, inside the tunnel: the proxy sees neither payload nor headers.
      tunnel(proxy, url, (req) => (current = req)).then((socket) => {
        const servername = isIP(url.hostname) === 0 ? url.hostname : undefined;
        exchange(
          // No agent: with one, createConnection would be ignored.
          httpsRequest(url, {
            method: 'POST',
            headers: sendHeaders,
            createConnection: () => tlsConnect({ socket, servername, rejectUnauthorized: !options.skipCertVerify }),
          }),
        );
      }, fail);
    }
  });
}
