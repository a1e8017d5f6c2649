import { PROJECT_SLUG_ANNOTATION } from './annotations';
import { parseProjectSlug, projectSlugOf, repoKey } from './projectSlug';

describe('parseProjectSlug', () => {
  it('reads owner and name, keyed case-insensitively, ignoring surrounding spaces', () => {
    expect(parseProjectSlug(' Tinyland-Inc/Lab ')).toEqual({
      owner: 'Tinyland-Inc',
      name: 'Lab',
      key: 'tinyland-inc/lab',
    });
    expect(parseProjectSlug('a/b')!.key).toBe(repoKey('A', 'B'));
  });

  it.each([undefined, '', 'lab', 'a/b/c', '/b', 'a/', 'a b/c'])(
    'refuses %j',
    value => {
      expect(parseProjectSlug(value)).toBeUndefined();
    },
  );

  it("reads an entity's project-slug annotation", () => {
    expect(
      projectSlugOf({
        metadata: { annotations: { [PROJECT_SLUG_ANNOTATION]: 'o/r' } },
      }),
    ).toEqual({ owner: 'o', name: 'r', key: 'o/r' });
    expect(projectSlugOf({ metadata: {} })).toBeUndefined();
  });
});
