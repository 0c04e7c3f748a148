import { labelBody, luminance, textColorOn } from './label-model';

describe('label colours', () => {
  it('reads #RGB and #RRGGBB, nothing else', () => {
    expect(luminance('#FFFFFF')).toBeCloseTo(1);
    expect(luminance('#000')).toBe(0);
    expect(luminance('fff')).toBeCloseTo(1);
    for (const bad of ['', 'red', '#12345', '#GGGGGG', 'rgb(0,0,0)']) expect(luminance(bad)).toBeUndefined();
  });

  it('puts black text on light colours and white on dark ones', () => {
    expect(textColorOn('#FFFFFF')).toBe('#000000');
    expect(textColorOn('#F9A825')).toBe('#000000');
    expect(textColorOn('#E0E0E0')).toBe('#000000');
    expect(textColorOn('#000000')).toBe('#FFFFFF');
    expect(textColorOn('#1F6FB2')).toBe('#FFFFFF');
    expect(textColorOn('#6A1B9A')).toBe('#FFFFFF');
    expect(textColorOn('not a colour')).toBeUndefined();
  });
});

describe('labelBody', () => {
  const values = { name: '  release ', color: '#000000', description: ' shipped ' };

  it('creates global and project labels, and updates without scope', () => {
    expect(labelBody(values, { scope: 'g' })).toEqual({ name: 'release', color: '#000000', description: 'shipped', scope: 'g' });
    expect(labelBody(values, { scope: 'p', projectId: 7 })).toEqual({ name: 'release', color: '#000000', description: 'shipped', scope: 'p', project_id: 7 });
    expect(labelBody(values)).toEqual({ name: 'release', color: '#000000', description: 'shipped' });
  });
});
