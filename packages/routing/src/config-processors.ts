// GET_NAMESRV_CONFIG (319) and UPDATE_NAMESRV_CONFIG (318), as Java's DefaultRequestProcessor
// getConfig/updateConfig: the configuration as properties text, and runtime updates from a
// properties-text body. Refusals: NO_PERMISSION for black-listed and restart-only keys (Java 4.9.8),
// INVALID_PARAMETER (29, from 5.x) for a body that is not properties text or a value of the wrong
// type or range; Java would silently keep the old value there.
import { RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import type { RequestProcessor } from '@pulsejet/remoting';
import type { RoutingLog } from './log';
import { ConfigUpdateError, type NamesrvConfiguration } from './namesrv-config';
import { guarded, type NameServerHandler } from './processor-guard';
import { formatPropertiesText } from './properties-text';

export interface ConfigProcessorDeps {
  configuration: NamesrvConfiguration;
  /** Saves the applied changes (to the config file, when the app has one); resolves once saved. */
  persist: (changes: Record<string, string>) => Promise<void>;
  log: RoutingLog;
}

export function configProcessors(deps: ConfigProcessorDeps): Map<number, RequestProcessor> {
  const { configuration, log } = deps;
  const handlers: [number, string, NameServerHandler][] = [
    [
      RequestCode.GET_NAMESRV_CONFIG,
      'GET_NAMESRV_CONFIG',
      (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from(formatPropertiesText(configuration.entries()), 'utf8')),
    ],
    [
      RequestCode.UPDATE_NAMESRV_CONFIG,
      'UPDATE_NAMESRV_CONFIG',
      async (request, { channel }) => {
        let plan;
        try {
          plan = configuration.plan(request.body);
        } catch (error) {
          if (!(error instanceof ConfigUpdateError)) throw error;
          log('warn', `UPDATE_NAMESRV_CONFIG from ${channel.remoteAddress} refused: ${error.message}`);
          return createResponse(request, error.responseCode, `UPDATE_NAMESRV_CONFIG: ${error.message}`);
        }
        const applied = configuration.apply(plan);
        const summary = Object.entries(applied).map(([k, v]) => `${k}=${v}`);
        if (summary.length > 0) log('info', `namesrv config updated by ${channel.remoteAddress}: ${summary.join(' ')}`);
        // Unknown keys are not an error (see NamesrvConfiguration.plan), but the caller hears of them.
        const remark = plan.ignored.length > 0 ? `ignored unknown keys: ${plan.ignored.join(', ').slice(0, 512)}` : undefined;
        if (summary.length > 0) {
          try {
            await deps.persist(applied);
          } catch (error) {
            // Applied, but a restart would lose it: say so, as PUT_KV_CONFIG does.
            return createResponse(
              request,
              ResponseCode.SYSTEM_ERROR,
              `UPDATE_NAMESRV_CONFIG: applied, but saving the config failed, so a restart loses it: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
        return createResponse(request, ResponseCode.SUCCESS, remark);
      },
    ],
  ];
  return new Map(handlers.map(([code, name, handler]) => [code, guarded(name, handler, log)]));
}
