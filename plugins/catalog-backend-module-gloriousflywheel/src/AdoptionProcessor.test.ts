import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_SCORECARD_CONFIG,
  buildRepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AdoptionProcessor } from './AdoptionProcessor';

const files = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  a:\n    runs-on: tinyland-nix\n    steps: []\n  b:\n    runs-on: ubuntu-latest\n    steps: []\n',
};
const result = buildRepoAdoption(
  {
    owner: 'tinyland-inc',
    name: 'lab',
    htmlBaseUrl: 'https://github.com',
    headOid: 'x',
    scannedAt: '2026-11-25T00:00:00Z',
    archived: false,
    fork: false,
    snapshot: { defaultBranch: 'main', files },
  },
  {
    config: DEFAULT_SCORECARD_CONFIG,
    tranches: [
      {
        name: 'first',
        repos: ['tinyland-inc/lab'],
        patterns: [],
        rest: false,
        blockers: [],
      },
    ],
    now: new Date('2026-11-25T00:00:00Z'),
  },
);

const component = (slug?: string, kind = 'Component'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name: 'lab',
    annotations: slug ? { 'github.com/project-slug': slug } : {},
  },
  spec: { type: 'service', owner: 'x', lifecycle: 'production' },
});

describe('AdoptionProcessor', () => {
  const hub = new AdoptionHub();
  hub.publish([result]);
  const processor = new AdoptionProcessor(hub);
  const location = { type: 'url', target: 'x' };

  it('annotates a Component of a scanned repository and relates it to its runner classes', async () => {
    const emit = jest.fn();
    const out = await processor.preProcessEntity(
      component('Tinyland-Inc/lab'),
      location,
      emit,
    );
    expect(out.metadata.annotations).toMatchObject({
      'gloriousflywheel.io/runner-classes': 'tinyland-nix',
      'gloriousflywheel.io/hosted-jobs': '1',
      'gloriousflywheel.io/scorecard': expect.stringMatching(
        /^pass=\d+,fail=1,exempt=0,unknown=\d+$/,
      ),
      'gloriousflywheel.io/tranche': 'first',
      'gloriousflywheel.io/adoption-stage': 'in-progress',
    });
    expect(
      emit.mock.calls.map(([r]) => [
        r.relation.type,
        r.relation.source.name,
        r.relation.target.name,
      ]),
    ).toEqual([
      ['dependsOn', 'lab', 'tinyland-nix'],
      ['dependencyOf', 'tinyland-nix', 'lab'],
    ]);
    expect(emit.mock.calls[0][0].relation.target).toEqual({
      kind: 'resource',
      namespace: 'default',
      name: 'tinyland-nix',
    });
  });

  it.each([
    ['no slug', component()],
    ['an unscanned repository', component('tinyland-inc/other')],
    ['not a Component', component('tinyland-inc/lab', 'API')],
  ])('leaves an entity with %s alone', async (_why, entity) => {
    const emit = jest.fn();
    expect(await processor.preProcessEntity(entity, location, emit)).toBe(
      entity,
    );
    expect(emit).not.toHaveBeenCalled();
  });

  it('tells subscribers only about changes the catalog shows', () => {
    const seen: string[][] = [];
    hub.onChange(keys => seen.push(keys));
    hub.publish([{ ...result, scannedAt: '2026-11-25T01:00:00Z' }]);
    hub.publish(
      [{ ...result, scannedAt: '2026-11-25T02:00:00Z', stage: 'adopted' }],
      ['tinyland-inc/gone'],
    );
    expect(seen).toEqual([['tinyland-inc/lab']]);
  });
});
