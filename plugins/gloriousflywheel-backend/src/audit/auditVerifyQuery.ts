import { z } from 'zod';

/**
 * Query of `GET /audit/verify`: optionally an anchor, a chain position and hash taken from a
 * shipped auditor event (meta `auditSeq`, `auditHash`), both or neither.
 */
export const auditVerifyQuery = z
  .object({
    anchorSeq: z.coerce.number().int().min(1).optional(),
    anchorHash: z
      .string()
      .regex(
        /^[0-9a-f]{64}$/,
        'must be a sha256 digest (64 lower-case hex digits)',
      )
      .optional(),
  })
  .strict()
  .refine(
    q => (q.anchorSeq === undefined) === (q.anchorHash === undefined),
    'anchorSeq and anchorHash go together',
  )
  .transform(q =>
    q.anchorSeq !== undefined
      ? { anchor: { seq: q.anchorSeq, hash: q.anchorHash! } }
      : {},
  );
