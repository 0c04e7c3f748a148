import { gatherModels, HARBOR_MODELS } from './harbor-models';
import { withHarborModels } from './openapi';
import { object, str } from './schema';

function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}

describe('response models', () => {
  it('refuses a model name two groups define', () => {
    expect(() => gatherModels([{ Label: object({ name: str }) }, { Label: object({ id: str }) }])).toThrow('response model Label is defined twice');
  });

  it('refer only to models among them', () => {
    const dangling = refsOf(HARBOR_MODELS).filter((ref) => !(ref.replace('#/components/schemas/', '') in HARBOR_MODELS));
    expect(dangling).toEqual([]);
  });

  it('list the properties an answer always has as required, the omitted ones not', () => {
    expect(object({ a: str, b: str }, ['b'])).toEqual({ type: 'object', properties: { a: str, b: str }, required: ['a'] });
    expect(object({ a: str }, ['a'])).toEqual({ type: 'object', properties: { a: str } });
  });

  it('take the place of same-named request schemas, keeping only what a request must hold required', () => {
    const doc = withHarborModels({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { Label: { type: 'object', properties: { name: str }, required: ['name'] }, LabelRef: { type: 'object', properties: { id: str } } } },
    });
    const schemas = doc.components?.schemas ?? {};
    expect(schemas['Label']).toEqual({ ...HARBOR_MODELS['Label'], required: ['name'] });
    expect(schemas['Project']).toEqual(HARBOR_MODELS['Project']);
    expect(schemas['LabelRef']).toEqual({ type: 'object', properties: { id: str } });
  });
});
