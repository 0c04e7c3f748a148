import { planUntaggedDeletion, type UntaggedArtifact } from './untagged-plan';

const a = (id: string, over: Partial<UntaggedArtifact> = {}): UntaggedArtifact => ({ id, old: true, parentIds: [], subjectId: null, ...over });

describe('planUntaggedDeletion', () => {
  it('deletes old untagged artifacts with nothing pointing at them in one round', () => {
    expect(planUntaggedDeletion([a('1'), a('2')])).toEqual([['1', '2']]);
  });

  it('keeps artifacts pushed within the time window', () => {
    expect(planUntaggedDeletion([a('1', { old: false }), a('2')])).toEqual([['2']]);
  });

  it('deletes an untagged index before its children, and keeps children of a kept index', () => {
    const plan = planUntaggedDeletion([
      a('child1', { parentIds: ['index'] }),
      a('child2', { parentIds: ['index', 'tagged-index'] }),
      a('index'),
    ]);
    expect(plan).toEqual([['index'], ['child1']]);
  });

  it('keeps the children of an index pushed within the window', () => {
    expect(planUntaggedDeletion([a('child', { parentIds: ['index'] }), a('index', { old: false })])).toEqual([]);
  });

  it('keeps a signature of a tagged image and deletes one whose image goes', () => {
    const plan = planUntaggedDeletion([a('sig-of-tagged', { subjectId: 'tagged' }), a('image'), a('sig', { subjectId: 'image' }), a('sig-of-sig', { subjectId: 'sig' })]);
    expect(plan).toEqual([['image'], ['sig'], ['sig-of-sig']]);
  });

  it('answers no rounds for nothing to delete', () => {
    expect(planUntaggedDeletion([])).toEqual([]);
  });
});
