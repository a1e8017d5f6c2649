import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HealthResponse } from '@internal/plugin-gloriousflywheel-common';
import { GloriousFlywheelApi } from './GloriousFlywheelApi';

/**
 * HTTP implementation of {@link GloriousFlywheelApi}; fetchApi adds the user's token.
 *
 * @public
 */
export class GloriousFlywheelClient implements GloriousFlywheelApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getHealth(): Promise<HealthResponse> {
    return this.get('/health');
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('gloriousflywheel');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
