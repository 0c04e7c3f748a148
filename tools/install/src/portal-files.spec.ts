import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDigest, installPortalFiles, PortalFilesError } from './portal-files';

describe('installPortalFiles', () => {
  let dir: string;
  let build: string;
  let run: string;
  let served: string;

  const writeBuild = (script: string, mode = 0o644) => {
    rmSync(build, { recursive: true, force: true });
    mkdirSync(join(build, 'assets'), { recursive: true });
    writeFileSync(join(build, 'index.html'), `<script src="/assets/${script}"></script>`, { mode });
    writeFileSync(join(build, 'assets', script), `console.log(${JSON.stringify(script)});`, { mode });
  };
  const copies = () => readdirSync(run).filter((e) => e.startsWith('portal-'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-portal-files-'));
    build = join(dir, 'dist', 'apps', 'portal');
    run = join(dir, 'data', 'run');
    mkdirSync(run, { recursive: true });
    served = join(run, 'portal');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a copy of the build through a relative link named by its content', () => {
    writeBuild('index-aaaa.js');
    expect(installPortalFiles(build, served)).toBe(true);
    expect(readlinkSync(served)).toBe(`portal-${buildDigest(build)}`);
    expect(readFileSync(join(served, 'index.html'), 'utf8')).toContain('index-aaaa.js');
    expect(readFileSync(join(served, 'assets', 'index-aaaa.js'), 'utf8')).toContain('aaaa');
  });

  it('leaves the served copy alone when the build did not change', () => {
    writeBuild('index-aaaa.js');
    installPortalFiles(build, served);
    const before = readlinkSync(served);
    expect(installPortalFiles(build, served)).toBe(false);
    expect(readlinkSync(served)).toBe(before);
    expect(copies()).toEqual([before]);
  });

  it('switches to a new build and removes the earlier copy, leaving no temporary files', () => {
    writeBuild('index-aaaa.js');
    installPortalFiles(build, served);
    writeBuild('index-bbbb.js');
    expect(installPortalFiles(build, served)).toBe(true);
    expect(existsSync(join(served, 'assets', 'index-bbbb.js'))).toBe(true);
    expect(existsSync(join(served, 'assets', 'index-aaaa.js'))).toBe(false);
    expect(readdirSync(run).sort()).toEqual(['portal', `portal-${buildDigest(build)}`]);
  });

  it('makes the files readable by the gateway whatever modes the build has', () => {
    writeBuild('index-aaaa.js', 0o600);
    installPortalFiles(build, served);
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect(mode(join(served, 'index.html'))).toBe('644');
    expect(mode(join(served, 'assets', 'index-aaaa.js'))).toBe('644');
    expect(mode(join(served, 'assets'))).toBe('755');
    expect(mode(join(run, readlinkSync(served)))).toBe('755');
  });

  it('replaces a directory standing where the link goes', () => {
    mkdirSync(join(served, 'assets'), { recursive: true });
    writeFileSync(join(served, 'index.html'), 'old');
    writeBuild('index-aaaa.js');
    installPortalFiles(build, served);
    expect(readFileSync(join(served, 'index.html'), 'utf8')).toContain('index-aaaa.js');
  });

  it('refuses a missing build, naming the command that makes it, and changes nothing', () => {
    writeBuild('index-aaaa.js');
    installPortalFiles(build, served);
    const before = readlinkSync(served);
    rmSync(build, { recursive: true, force: true });
    expect(() => installPortalFiles(build, served)).toThrow(PortalFilesError);
    expect(() => installPortalFiles(build, served)).toThrow(/web console is not built .*run: node tools\/build-portal\.mjs/);
    expect(readlinkSync(served)).toBe(before);
  });

  it('the digest depends on names and contents', () => {
    writeBuild('index-aaaa.js');
    const a = buildDigest(build);
    writeFileSync(join(build, 'assets', 'index-aaaa.js'), 'changed');
    expect(buildDigest(build)).not.toBe(a);
    expect(buildDigest(build)).toMatch(/^[0-9a-f]{16}$/);
  });
});
