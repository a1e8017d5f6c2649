import { AuditRecord } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { auditRecordsToCsv } from './auditCsv';

const record: AuditRecord = {
  id: 'a1',
  seq: 3,
  time: '2026-11-25T10:00:00.000Z',
  completedAt: '2026-11-25T10:00:00.100Z',
  actor: 'user:default/oscar-operator',
  action: 'pause',
  cluster: 'honey',
  namespace: 'arc-runners',
  name: 'tinyland-nix-heavy',
  runnerClass: 'tinyland-nix-heavy',
  reason: 'node drain, "rack 3"\nsee INC-42',
  requestId: 'r1',
  outcome: 'succeeded',
  error: null,
  before: { minRunners: 0, maxRunners: null },
  after: { minRunners: 0, maxRunners: 0 },
  prevHash: 'p',
  hash: 'h',
};

describe('auditRecordsToCsv', () => {
  it('quotes commas, quotes and newlines, and keeps absent values empty', () => {
    const csv = auditRecordsToCsv([record]);
    expect(csv.split('\r\n')[0]).toBe(
      'id,seq,time,completedAt,actor,action,cluster,namespace,name,runnerClass,reason,requestId,outcome,error,beforeMinRunners,beforeMaxRunners,afterMinRunners,afterMaxRunners,prevHash,hash',
    );
    expect(csv.slice(csv.indexOf('\r\n') + 2)).toBe(
      'a1,3,2026-11-25T10:00:00.000Z,2026-11-25T10:00:00.100Z,user:default/oscar-operator,pause,honey,arc-runners,' +
        'tinyland-nix-heavy,tinyland-nix-heavy,"node drain, ""rack 3""\nsee INC-42",r1,succeeded,,0,,0,0,p,h\r\n',
    );
  });

  it('escapes cells a spreadsheet would evaluate', () => {
    const csv = auditRecordsToCsv([
      { ...record, reason: '=HYPERLINK("http://x")' },
    ]);
    expect(csv).toContain(',"\'=HYPERLINK(""http://x"")",');
  });
});
