import { gzipSync } from 'node:zlib';
import { CorruptContentError } from './artifact-processor';
import { chartDetails, untar } from './chart-archive';

/** One tar member: a 512-byte header (only the fields the reader uses) and the padded body. */
function member(name: string, body: string, type = '0', prefix = ''): Buffer {
  const data = Buffer.from(body, 'utf8');
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write(prefix, 345);
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

const end = Buffer.alloc(1024);

describe('untar', () => {
  it('reads regular files, ustar prefixes, GNU long names and pax paths; skips directories', () => {
    const longName = `chart/${'x'.repeat(120)}.txt`;
    const archive = Buffer.concat([
      member('chart/', '', '5'),
      member('Chart.yaml', 'name: a', '0', 'chart'),
      member('././@LongLink', `${longName}\0`, 'L'),
      member('truncated', 'long', '0'),
      member('PaxHeader', '26 path=chart/pax-name.md\n', 'x'),
      member('short', 'pax', '0'),
      end,
    ]);
    const files = untar(archive);
    expect([...files.keys()]).toEqual(['chart/Chart.yaml', longName, 'chart/pax-name.md']);
    expect(files.get(longName)?.toString()).toBe('long');
  });

  it('refuses a truncated archive', () => {
    expect(() => untar(member('a', 'x'.repeat(600)).subarray(0, 700))).toThrow(/truncated/);
  });
});

describe('chartDetails', () => {
  it("takes an apiVersion v1 chart's dependencies from requirements.yaml, and only top-level README and values", () => {
    const tgz = gzipSync(
      Buffer.concat([
        member('old/Chart.yaml', 'apiVersion: v1\nname: old\nversion: 0.1.0\n'),
        member('old/requirements.yaml', 'dependencies:\n  - name: db\n    version: 1.0.0\n    repository: "@stable"\n    tags: [back]\n    enabled: true\n'),
        member('old/readme.md', 'top'),
        member('old/charts/db/README.md', 'nested'),
        end,
      ]),
    );
    expect(chartDetails(tgz)).toEqual({
      dependencies: [{ name: 'db', version: '1.0.0', repository: '@stable', tags: ['back'], enabled: true }],
      files: { 'README.MD': 'top' },
    });
  });

  it('says a layer that is no packaged chart is corrupt content', () => {
    expect(() => chartDetails(Buffer.from('plain'))).toThrow(CorruptContentError);
    expect(() => chartDetails(gzipSync(Buffer.concat([member('x/values.yaml', 'a: 1'), end])))).toThrow(/no Chart.yaml/);
  });
});
