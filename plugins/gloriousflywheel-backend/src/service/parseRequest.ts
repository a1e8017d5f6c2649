import { z } from 'zod';
import { InputError } from '@backstage/errors';

/**
 * Validates request params, query or body with a zod schema; a mismatch is a 400 naming each
 * field, so every route rejects bad input the same way.
 */
export function parseRequest<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InputError(`invalid ${what}: ${issues}`);
  }
  return result.data;
}
