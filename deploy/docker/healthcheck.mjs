// Container health check: `node healthcheck.mjs <url>` exits 0 when the URL answers below 400.
// The images carry no curl or wget; Node's fetch does the request. Redirects are not followed: a
// gateway that sends plain HTTP to HTTPS answers 301, which still proves it is serving.
const url = process.argv[2];
if (!url) {
  console.error('usage: node healthcheck.mjs <url>');
  process.exit(2);
}
try {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(4000) });
  if (response.status >= 400) {
    console.error(`unhealthy: ${url} answered ${response.status}`);
    process.exit(1);
  }
} catch (err) {
  console.error(`unhealthy: ${url}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
