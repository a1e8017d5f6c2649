import { ConfigReader } from '@backstage/config';
import { readQueueConfig } from './queueConfig';
import { requestsPerPass } from './createQueue';

describe('readQueueConfig', () => {
  it('defaults to 7 days of jobs and 600 charged GitHub requests per hour', () => {
    const c = readQueueConfig(new ConfigReader({}));
    expect(c.retentionDays).toBe(7);
    expect(c.reconcile).toMatchObject({
      requestsPerHour: 600,
      activeWithinMinutes: 120,
      schedule: { frequency: { minutes: 10 } },
    });
  });

  it('reads the keys and refuses bad values naming the key', () => {
    const c = readQueueConfig(
      new ConfigReader({
        gloriousflywheel: {
          queue: { retentionDays: 3, reconcile: { requestsPerHour: 1200 } },
          schedule: {
            queueReconcile: {
              frequency: { minutes: 5 },
              timeout: { minutes: 2 },
            },
          },
        },
      }),
    );
    expect(c.retentionDays).toBe(3);
    expect(c.reconcile.schedule.frequency).toEqual({ minutes: 5 });
    expect(() =>
      readQueueConfig(
        new ConfigReader({ gloriousflywheel: { queue: { retentionDays: 0 } } }),
      ),
    ).toThrow(
      'Invalid config gloriousflywheel.queue.retentionDays: must be a whole number from 1 to 400, got 0',
    );
    expect(() =>
      readQueueConfig(
        new ConfigReader({
          gloriousflywheel: { queue: { retentionDays: 2.5 } },
        }),
      ),
    ).toThrow(/retentionDays/);
    expect(() =>
      readQueueConfig(
        new ConfigReader({
          gloriousflywheel: {
            schedule: { queueRetention: { frequency: 'often' } },
          },
        }),
      ),
    ).toThrow(/Invalid config gloriousflywheel.schedule.queueRetention/);
  });
});

describe('requestsPerPass', () => {
  it.each([
    [600, { minutes: 10 }, 100],
    [1200, { minutes: 5 }, 100],
    [600, { hours: 2 }, 600],
    [600, { cron: '*/10 * * * *' }, 100],
    [1, { minutes: 1 }, 1],
  ])('%d per hour every %j: %d per pass', (perHour, frequency, expected) => {
    expect(requestsPerPass(perHour, frequency)).toBe(expected);
  });
});
