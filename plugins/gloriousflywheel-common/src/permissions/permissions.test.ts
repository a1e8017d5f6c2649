import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  SCALE_SET_RESOURCE_TYPE,
  gloriousflywheelPermissions,
  parseScaleSetResourceRef,
  scaleSetPausePermission,
  scaleSetResourceRef,
  scaleSetResumePermission,
} from './permissions';

describe('permissions', () => {
  it('defines pause/resume as update permissions on scale sets, the rest as basic', () => {
    expect(gloriousflywheelPermissions.map(p => p.name)).toEqual([
      'gloriousflywheel.scaleset.pause',
      'gloriousflywheel.scaleset.resume',
      'gloriousflywheel.audit.read',
      'gloriousflywheel.adoption.scan',
      'gloriousflywheel.queue.read',
    ]);
    for (const p of [scaleSetPausePermission, scaleSetResumePermission]) {
      expect(isResourcePermission(p, SCALE_SET_RESOURCE_TYPE)).toBe(true);
      expect(p.attributes.action).toBe('update');
    }
    expect(
      gloriousflywheelPermissions.filter(p => p.type === 'basic'),
    ).toHaveLength(3);
  });

  it('round-trips scale-set resource refs', () => {
    const key = {
      cluster: 'honey',
      namespace: 'arc-runners',
      name: 'tinyland-nix',
    };
    expect(scaleSetResourceRef(key)).toBe('honey/arc-runners/tinyland-nix');
    expect(parseScaleSetResourceRef('honey/arc-runners/tinyland-nix')).toEqual(
      key,
    );
  });

  it.each(['honey/arc-runners', 'honey//x', 'a/b/c/d', ''])(
    'rejects resource ref %p',
    ref => {
      expect(parseScaleSetResourceRef(ref)).toBeUndefined();
    },
  );
});
