import * as protoLoader from '@grpc/proto-loader';
import { cacheSandboxProtoDir } from '@internal/fleet-sandbox';
import { CACHE_PROBE_PROTO_FILES, cacheProbeProtoDir } from './bazelGrpcProbe';

// The probe's client protos and the sandbox's server protos are separate copies written from the
// REAPI and gRPC health specs; every field the probe reads must mean the same on both sides.
const load = (dir: string) =>
  protoLoader.loadSync(CACHE_PROBE_PROTO_FILES, {
    includeDirs: [dir],
    keepCase: true,
  });

type Field = {
  name: string;
  number: number;
  type: string;
  label: string;
  typeName: string;
};
type Enum = { value: { name: string; number: number }[] };

describe('cache probe protos', () => {
  const client = load(cacheProbeProtoDir());
  const server = load(cacheSandboxProtoDir());

  it('loads the health and Capabilities services', () => {
    expect(client['grpc.health.v1.Health']).toBeDefined();
    expect(
      client['build.bazel.remote.execution.v2.Capabilities'],
    ).toBeDefined();
  });

  it.each(
    Object.keys(client).filter(
      k => (client[k] as any).format === 'Protocol Buffer 3 DescriptorProto',
    ),
  )('message %s matches the sandbox field for field', name => {
    const mine = (client[name] as any).type.field as Field[];
    const theirs = new Map(
      (((server[name] as any)?.type.field as Field[]) ?? []).map(f => [
        f.name,
        f,
      ]),
    );
    for (const f of mine) {
      const t = theirs.get(f.name);
      expect({
        name: f.name,
        number: t?.number,
        type: t?.type,
        label: t?.label,
        typeName: t?.typeName,
      }).toEqual({
        name: f.name,
        number: f.number,
        type: f.type,
        label: f.label,
        typeName: f.typeName,
      });
    }
    // Nested enums (DigestFunction.Value, Compressor.Value, ServingStatus): same names, same numbers.
    const enums = (def: any) =>
      ((def?.type.enumType ?? []) as ({ name: string } & Enum)[]).map(e => [
        e.name,
        e.value.map(v => [v.name, v.number]),
      ]);
    expect(enums(server[name])).toEqual(
      expect.arrayContaining(enums(client[name])),
    );
  });

  it('keeps the REAPI field numbers the probe depends on', () => {
    const fields = (msg: string) =>
      Object.fromEntries(
        ((client[msg] as any).type.field as Field[]).map(f => [
          f.name,
          f.number,
        ]),
      );
    expect(
      fields('build.bazel.remote.execution.v2.ServerCapabilities'),
    ).toEqual({
      cache_capabilities: 1,
      execution_capabilities: 2,
      deprecated_api_version: 3,
      low_api_version: 4,
      high_api_version: 5,
    });
    expect(
      fields('build.bazel.remote.execution.v2.ExecutionCapabilities'),
    ).toEqual({
      digest_function: 1,
      exec_enabled: 2,
      digest_functions: 5,
    });
    expect(
      fields('build.bazel.remote.execution.v2.CacheCapabilities'),
    ).toMatchObject({
      digest_functions: 1,
      action_cache_update_capabilities: 2,
      max_batch_total_size_bytes: 4,
    });
  });
});
