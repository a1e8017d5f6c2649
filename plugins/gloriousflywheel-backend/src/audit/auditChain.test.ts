import { AuditRecord } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { auditRecordHash, canonicalJson } from './auditChain';

const record: AuditRecord = {
  id: '7b0c0b8e-0000-4000-8000-000000000001',
  seq: 1,
  time: '2026-11-25T10:00:00.000Z',
  completedAt: '2026-11-25T10:00:00.120Z',
  actor: 'user:default/oscar-operator',
  action: 'pause',
  cluster: 'honey',
  namespace: 'arc-runners',
  name: 'tinyland-nix',
  runnerClass: 'tinyland-nix',
  reason: 'drain "honey", node 3',
  requestId: 'r-1',
  outcome: 'succeeded',
  error: null,
  before: { minRunners: 1, maxRunners: 8 },
  after: { minRunners: 0, maxRunners: 0 },
  prevHash: '',
  hash: null,
};

describe('audit chain', () => {
  it.each([
    [{ b: 1, a: [{ d: null, c: 'x' }] }, '{"a":[{"c":"x","d":null}],"b":1}'],
    ['"quoted"', '"\\"quoted\\""'],
    [{ skip: undefined, keep: 0 }, '{"keep":0}'],
  ])('canonical JSON of %j', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('hashes independently of key order and of the hash field, and changes with any field', () => {
    const h = auditRecordHash(record, '');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(
      Object.entries(record).reverse(),
    ) as AuditRecord;
    expect(auditRecordHash({ ...reordered, hash: h }, '')).toBe(h);
    expect(auditRecordHash({ ...record, reason: 'drain' }, '')).not.toBe(h);
    expect(
      auditRecordHash(
        { ...record, after: { minRunners: 0, maxRunners: null } },
        '',
      ),
    ).not.toBe(h);
    expect(auditRecordHash(record, 'a'.repeat(64))).not.toBe(h);
  });
});
