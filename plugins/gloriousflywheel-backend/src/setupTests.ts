// Backends, sandboxes and databases start inside hooks; on a loaded 2-core machine that can take
// longer than jest's 5 s default, which is not what these tests measure.
jest.setTimeout(60_000);
